"""Apply a finding's remediation commands to a configuration text, as the device would, so that a
test can audit the result (the commands are proven by parsing them back, not by reading them).

FortiOS: the commands are configuration text themselves; entered after the config, each setting
they make replaces the one before (which the parser reads as the device would).

Yamaha RTX: commands are entered at the prompt; ``pp select N`` / ``tunnel select N`` choose the
block a command acts in (``… select none`` leaves it); ``no X`` removes the line X there; any other
command replaces the line with the same command name (its leading words) there, or is added.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"<value from line (\d+)>")

# How many leading words name a Yamaha command (the rest are its values): two unless listed.
_NAME_WORDS = {"schedule": 3, "ip": 3, "nat": 5}
_SELECT = re.compile(r"^(pp|tunnel) select (\S+)$")


def apply_yamaha(text: str, commands: tuple[str, ...]) -> str:
    lines = text.splitlines()
    block: str | None = None  # "pp select 1" while a block is selected
    for command in commands:
        selected = _SELECT.match(command)
        if selected:
            block = None if selected[2] == "none" else command
            continue
        span = _span(lines, block)
        if command.startswith("no "):
            target = command[3:].strip()
            lines = [line for i, line in enumerate(lines) if i not in span or not _is(line, target)]
            continue
        name = _name(command)
        same = [i for i in span if _name(lines[i].strip()) == name]
        indent = " " if block else ""
        if same:
            lines[same[0]] = indent + command
        else:
            lines.insert(span.stop if block else len(lines), indent + command)
    return "\n".join(lines) + "\n"


def _span(lines: list[str], block: str | None) -> range:
    """The lines of the selected block (its indented lines), or the whole text at top level."""
    if block is None:
        return range(len(lines))
    start = next(i for i, line in enumerate(lines) if line.strip() == block) + 1
    end = start
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return range(start, end)


def _is(line: str, target: str) -> bool:
    stripped = line.strip()
    return stripped == target or stripped.startswith(target + " ")


def _name(command: str) -> tuple[str, ...]:
    words = command.split()
    return tuple(words[: _NAME_WORDS.get(words[0], 2)]) if words else ()


def apply_fortios(text: str, commands: tuple[str, ...]) -> str:
    return text.rstrip("\n") + "\n" + "\n".join(commands) + "\n"


def with_secret(command: str, raw_lines: list[str]) -> str:
    """A command as the engineer enters it: a ``<value from line N>`` placeholder (onshi prints no
    secret) filled with the value the unmasked line N holds, by undoing that whole line."""
    found = _PLACEHOLDER.search(command)
    if found is None:
        return command
    return command[: command.index(command.lstrip())] + "no " + raw_lines[int(found[1]) - 1].strip()
