"""Bounded work on hostile input: seconds and peak memory of each case, in this process.

    python -m benchmarks.bench_hostile [--hosts 10000]

  yamaha 1 MB line       a Yamaha config with one line of a megabyte (was 886 s: a quadratic masker)
  yamaha 40k-word line   one line of 40,000 words (was 16 s)
  fortios stray quote    an 11,790-line FortiOS config with one stray `"` (was 40 s)
  fortios flat quote     the same without indentation, quotes removed but the stray one
  AUTH-05 shared secret  --hosts devices sharing one password (was 23.5 GB: every finding listed
                         every other host); only the fleet rule runs, over parsed devices
Targets (issue 16): each file under 2 s; 10,000 hosts under 60 s and 2 GB. Peak memory is
tracemalloc's, of Python allocations.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from onshi.pipeline import DeviceJob, Reading, audit
from onshi.platforms import get_driver
from onshi.sources import ConfigText
from onshi.validators.base import RuleInput
from onshi.validators.engine import evaluate
from onshi.validators.registry import get_rule

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def _measure(work: Callable[[], Any]) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak / 2**20


def _audit(platform: str, text: str) -> None:
    audit([DeviceJob("h", platform, ConfigText(text, "h.cfg", "utf-8"), reading=Reading.PARTIAL)])


def _yamaha(extra: str) -> str:
    return (FIXTURES / "yamaha_rtx" / "edge_compliant.cfg").read_text(encoding="utf-8") + extra + "\n"


def _fortios() -> list[str]:
    return (CORPUS / "fortinet" / "fgvm-7.4-gns3-lab-hq-baseline.cfg").read_text(encoding="utf-8").splitlines()


def _stray(lines: list[str]) -> str:
    lines = list(lines)
    lines[8] += ' "'
    return "\n".join(lines) + "\n"


def _flat(lines: list[str]) -> str:
    flat = [line.strip().replace('"', "") for line in lines]
    flat[8] += ' "'
    return "\n".join(flat) + "\n"


def _shared(hosts: int) -> Callable[[], Any]:
    text = (FIXTURES / "cisco_ios" / "edge_compliant.cfg").read_text(encoding="utf-8")
    device = get_driver("cisco_ios").parse(text, "h.cfg")
    inputs = [RuleInput(f"h{n}", device, "f", None, None, ()) for n in range(hosts)]
    rule = get_rule("AUTH-05")
    return lambda: evaluate(inputs, [rule])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=10_000)
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("yamaha 1 MB line", lambda: _audit("yamaha_rtx", _yamaha("description lan1 " + "x" * 1_000_000))),
        ("yamaha 40k-word line", lambda: _audit("yamaha_rtx", _yamaha("description lan1 " + " w" * 40_000))),
        ("fortios stray quote", lambda: _audit("fortinet", _stray(_fortios()))),
        ("fortios flat quote", lambda: _audit("fortinet", _flat(_fortios()))),
        (f"AUTH-05 {args.hosts} hosts", _shared(args.hosts)),
    ]
    for name, work in cases:
        seconds, peak = _measure(work)
        print(f"{name:24} {seconds:8.2f} s  peak {peak:8.1f} MB")


if __name__ == "__main__":
    main()
