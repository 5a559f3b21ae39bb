"""Start-up of the command line: `onshi --help` and a one-file `onshi audit-file`, as a user runs them.

    python -m benchmarks.bench_startup [--repeat 5]

Each is run as a fresh process (the console script's own interpreter, no shell shim) and timed from
spawn to exit; the best and the median of the runs are printed, beside a bare `python -c pass` in
the same loop as the baseline (what the machine's interpreter costs before onshi does anything).
onshi's modules are byte-compiled first, as ``pip install`` leaves an installed package (a checkout
compiles on first import, unless PYTHONDONTWRITEBYTECODE is set, when it compiles on every start).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import ROOT, compile_onshi

CONFIG = ROOT / "inventory" / "configs" / "aoba-rtr1.cfg"


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    compile_onshi()
    with tempfile.TemporaryDirectory() as scratch:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "onshi --help": [sys.executable, "-m", "onshi", "--help"],
            "onshi audit-file (one file, json)": [sys.executable, "-m", "onshi", "audit-file", str(CONFIG), "--format",
                                                  "json", "-o", str(Path(scratch) / "r.json")],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                times[name].append(_timed(command))
    baseline = min(times["python -c pass"])
    for name, runs in times.items():
        print(f"{name:36} best {min(runs):.3f} s  median {statistics.median(runs):.3f} s  "
              f"({min(runs) / baseline:.1f}x bare python)")  # fmt: skip


if __name__ == "__main__":
    main()
