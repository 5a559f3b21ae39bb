"""Mutation fuzzing of the real-world corpus, shared by the CI test (a short budget) and
``benchmarks/bench_fuzz.py`` (a long one).

Each example takes a corpus file of one platform and applies a few mutations a config meets in the
field or from a hostile sender: a line deleted or duplicated, the text cut short (at a line or in the
middle of one), a line's case changed, stray bytes, CR or CRLF line ends, a very long line, and block
openers or closers where they do not belong. The checks:

- the parser and every rule get through it: no exception, and no rule reporting that it could not
  be evaluated (the engine turns a raising rule into a ``manual`` finding saying so);
- the read-coverage gate refuses every cut the platform's own syntax shows (Cisco: anything before
  ``end``; FortiOS: a cut inside a block), so a cut config never passes a rule the whole one fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from onshi.pipeline import AuditReport, DeviceJob, Reading, audit
from onshi.platforms import get_driver
from onshi.sources import ConfigText, read_config_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = {"cisco_ios": ("cisco_ios", "cisco_ap"), "yamaha_rtx": ("yamaha_rtx",), "fortinet": ("fortinet",)}
SECONDS_PER_EXAMPLE = 10.0  # a parse and audit of any mutation of a corpus file finishes well within
_RULE_ERROR = "could not be evaluated"
_STRAY = ["\x00", "\x1b[31m", '"', "'", "<<EOF", "{", "}", "!", "#", "\t", "\ufeff", "ｱ", "\\", "end", "next"]
_BLOCKS = ["end", "next", "config firewall policy", "    edit 1", "interface GigabitEthernet0/9", " ip address",
           "pp select 1", "tunnel select 1", "embedded file x.lua <<EOF", "line vty 0 4", "}", "crypto map X 10"]  # fmt: skip


def corpus_files(platform: str) -> list[Path]:
    return sorted(path for folder in FOLDERS[platform] for path in (CORPUS / folder).glob("*.cfg"))


@dataclass(frozen=True)
class Mutation:
    name: str
    at: float  # where in the text, as a fraction of its lines
    value: int  # a size or an index into the mutation's table

    def apply(self, lines: list[str]) -> list[str]:
        if not lines:
            return [_BLOCKS[self.value % len(_BLOCKS)]] if self.name == "block" else lines
        index = min(int(self.at * len(lines)), len(lines) - 1)
        return _MUTATIONS[self.name](lines, index, self.value)


def _delete(lines: list[str], i: int, _: int) -> list[str]:
    return lines[:i] + lines[i + 1 :]


def _duplicate(lines: list[str], i: int, n: int) -> list[str]:
    return lines[: i + 1] + lines[i : i + 1 + n % 20] + lines[i + 1 :]


def _case(lines: list[str], i: int, n: int) -> list[str]:
    changed = lines[i].upper() if n % 2 else lines[i].lower()
    return [*lines[:i], changed, *lines[i + 1 :]]


def _stray(lines: list[str], i: int, n: int) -> list[str]:
    line = lines[i]
    cut = n % (len(line) + 1)
    return [*lines[:i], line[:cut] + _STRAY[n % len(_STRAY)] + line[cut:], *lines[i + 1 :]]


def _long(lines: list[str], i: int, n: int) -> list[str]:
    words = " ".join(f"w{k}" for k in range(500 + n % 3000))  # up to ~20,000 characters
    return [*lines[:i], f"description lan1 {words}", *lines[i:]]


def _block(lines: list[str], i: int, n: int) -> list[str]:
    return [*lines[:i], _BLOCKS[n % len(_BLOCKS)], *lines[i:]]


def _mid_line(lines: list[str], i: int, n: int) -> list[str]:
    return [*lines[:i], lines[i][: n % (len(lines[i]) + 1)]]


_MUTATIONS: dict[str, Callable[[list[str], int, int], list[str]]] = {
    "delete": _delete, "duplicate": _duplicate, "case": _case, "stray": _stray, "long": _long,
    "block": _block, "truncate": lambda lines, i, _: lines[:i], "truncate_mid_line": _mid_line,
}  # fmt: skip
LINE_ENDS = ("\n", "\r\n", "\r")

mutations = st.builds(Mutation, st.sampled_from(sorted(_MUTATIONS)), st.floats(0, 1), st.integers(0, 10_000))


def mutate(text: str, applied: list[Mutation], line_end: str) -> str:
    lines = text.splitlines()
    for mutation in applied:
        lines = mutation.apply(lines)
    return line_end.join(lines) + line_end


def audit_text(platform: str, text: str, reading: Reading) -> AuditReport:
    return audit([DeviceJob("fuzz", platform, ConfigText(text, "fuzz.cfg", "utf-8"), reading=reading)])


def check_survives(platform: str, text: str) -> None:
    """Parse and audit the text (as not whole, so every rule runs): nothing raises, no rule fails to
    evaluate, and it finishes within the bound."""
    started = time.perf_counter()
    get_driver(platform).parse(text, "fuzz.cfg")
    report = audit_text(platform, text, Reading.PARTIAL)
    assert report.devices[0].error is None or "not audited" in report.devices[0].error, report.devices[0].error
    assert not [f.rule for f in report.findings if _RULE_ERROR in f.message.en]
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_EXAMPLE, f"{platform}: {elapsed:.1f} s"


def check_cut_short(platform: str, text: str, lines: int) -> bool:
    """A config cut after ``lines`` lines is refused wherever the platform's syntax shows the cut, so
    it never passes a rule the whole config fails. Returns whether the syntax showed it (where it
    cannot, Yamaha printing no trailer and FortiOS between two top-level blocks, the snapshot's
    recorded sha256 is what catches a cut: ``test_fuzz`` checks that)."""
    if not shows_the_cut(platform, text, lines):
        return False
    cut = "\n".join(text.splitlines()[:lines]) + "\n"
    part = audit_text(platform, cut, Reading.WHOLE)
    assert part.devices[0].error is not None, (platform, lines)
    assert not part.findings
    return True


def shows_the_cut(platform: str, text: str, lines: int) -> bool:
    """Whether the platform's syntax alone shows a cut after ``lines`` lines."""
    rows = text.splitlines()
    if platform == "cisco_ios":
        return "end" not in (row.strip() for row in rows[:lines])
    if platform == "fortinet":
        depth = 0
        for row in rows[:lines]:
            word = row.strip().split(" ", 1)[0]
            depth += 1 if word in ("config", "edit") else -1 if word in ("end", "next") else 0
        return depth > 0
    return False


def whole_corpus(platform: str) -> list[Path]:
    """The platform's corpus files that are whole (the others are refused before any rule runs)."""
    return [path for path in corpus_files(platform) if get_driver(platform).incomplete(text_of(path)) is None]


@cache
def text_of(path: Path) -> str:
    return read_config_file(path).text
