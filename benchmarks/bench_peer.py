"""onshi beside a peer, in one run: the Cisco IOS auditor ccat (github frostbits-security/ccat).

    python -m benchmarks.bench_peer --ccat DIR [--python PYTHON] [--copies 10]

Copies the shared Cisco corpus ``--copies`` times (10: 200 configurations, about 61,000 lines) into
a scratch folder, then times, each as a fresh process on that folder: ccat (``ccat.py FOLDER``, its
console report to /dev/null), and ``onshi audit-file FILES --format json`` with ``--jobs 1`` and
``--jobs 2``. ccat needs its own requirements (pyparsing, colorama, progressbar, networkx,
matplotlib): give the interpreter of a virtual environment that has them with ``--python``. The
wall times and onshi's speed-up over ccat are printed; both read the same files, and onshi runs all
of its rules (with exact reachability), ccat its own checks. onshi is byte-compiled first, as an
installed package is (ccat's few modules compile in a moment).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import CISCO_CORPUS, compile_onshi


def _timed(command: list[str], cwd: Path | None = None, accepted: tuple[int, ...] = (0,)) -> float:
    """Seconds the command ran; it must end as ``accepted`` (a peer stopped by an error is not measured)."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode not in accepted:
        raise SystemExit(f"{command[:3]} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ccat", type=Path, required=True, help="a checkout of frostbits-security/ccat")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs ccat")
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    compile_onshi()  # onshi starts as an installed package does
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "configs"
        folder.mkdir()
        for copy in range(args.copies):
            for source in sorted(CISCO_CORPUS.iterdir()):
                shutil.copyfile(source, folder / f"c{copy:03d}_{source.name}")
        files = sorted(str(path) for path in folder.iterdir())
        peer = _timed([args.python, "ccat.py", f"{folder}/"], cwd=args.ccat)  # ccat joins folder and name as text
        onshi = [sys.executable, "-m", "onshi", "audit-file", *files, "--platform", "cisco_ios", "--format", "json",
                 "-o", str(Path(scratch) / "report.json")]  # fmt: skip
        answered = (0, 1, 2)  # onshi: no finding, findings, or files it does not audit (error rows)
        one = _timed([*onshi, "--jobs", "1"], accepted=answered)
        two = _timed([*onshi, "--jobs", "2"], accepted=answered)
    print(f"{len(files)} configurations")
    print(f"ccat                     {peer:8.2f} s")
    print(f"onshi audit-file --jobs 1 {one:7.2f} s   {peer / one:5.1f}x faster than ccat")
    print(f"onshi audit-file --jobs 2 {two:7.2f} s   {peer / two:5.1f}x faster than ccat")


if __name__ == "__main__":
    main()
