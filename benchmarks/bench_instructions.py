"""The audit's cost in machine instructions, this checkout against another revision: a measure that a
shared machine's noise does not move (wall times here drift by ±10% from one minute to the next).

    python -m benchmarks.bench_instructions [--against REV] [--copies 1]

Runs, under valgrind's cachegrind (Debian's ``valgrind``), the in-process audit of ``benchmarks.bench_audit``
over the Cisco corpus (``--copies`` times) in this checkout and in a temporary worktree of ``--against``
(default ``HEAD``: what the working tree's changes do), each with none and with two audits after the
same imports and warm-up; the difference, halved, is one audit's instructions. Hash randomisation is
off, so that runs of one revision count the same. Prints both counts and their ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import CISCO_CORPUS, ROOT, compile_onshi

_WORKLOAD = """
import sys
from pathlib import Path
from benchmarks import bench_audit
from benchmarks.bench_audit import _load, _onshi
bench_audit.CORPUS = Path(sys.argv[3])  # this checkout's corpus, wherever the other revision's tree stands
files = _load(int(sys.argv[1]))
_onshi(files[:3])
for _ in range(int(sys.argv[2])):
    _onshi(files)
"""
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _instructions(checkout: Path, copies: int, audits: int) -> int:
    """Instructions of a process that imports, warms up and audits ``audits`` times."""
    environment = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", _WORKLOAD, str(copies), str(audits), str(CISCO_CORPUS)],
        cwd=checkout, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the audit under valgrind failed in {checkout}: {done.stderr[-800:]}")
    return int(found[1].replace(",", ""))


def per_audit(checkout: Path, copies: int) -> int:
    return (_instructions(checkout, copies, 2) - _instructions(checkout, copies, 0)) // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default="HEAD", help="the revision to compare with")
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        other = Path(scratch) / "other"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(other), args.against],
                       check=True)  # fmt: skip
        try:
            compile_onshi()
            compile_onshi(other)
            before, now = per_audit(other, args.copies), per_audit(ROOT, args.copies)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)
    print(f"one audit of the Cisco corpus ×{args.copies}, in instructions")
    print(f"{args.against:<12}{before:>16,}")
    change = (1 - now / before) * 100
    said = f"{change:.1f}% fewer" if change >= 0 else f"{-change:.1f}% more"
    print(f"{'this tree':<12}{now:>16,}   {now / before:.3f}× ({said})")


if __name__ == "__main__":
    main()
