"""A fleet audit from files through the command line: wall time and peak memory by fleet size.

    python -m benchmarks.bench_fleet_audit [--copies 150] [--jobs 2]

Copies the shared Cisco corpus (20 configurations) ``--copies`` times into a scratch folder (150:
3,000 configurations, about 920,000 lines) and runs, as a user would,
``onshi audit-file FILES --platform cisco_ios --format jsonl -o OUT --jobs N``: the streamed JSON
lines, written as devices are judged. The peak memory is the whole process tree's (the command and
its worker processes, resident set sampled every 20 ms), at a tenth of the fleet and at the whole, so
that its growth shows; the same tenth audited into one JSON document (kept whole in memory until it
is written) is the baseline it is compared with.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cisco_ios"
_SAMPLE_SECONDS = 0.02


def _tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(_tree(int(child)))
    return found


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((row for row in status.splitlines() if row.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


def run(files: list[Path], output_format: str, jobs: int, out: Path) -> tuple[float, float]:
    """(seconds, peak MiB of the whole process tree) for one audit-file run."""
    command = [sys.executable, "-m", "onshi", "audit-file", *map(str, files), "--platform", "cisco_ios",
               "--format", output_format, "-o", str(out), "--jobs", str(jobs)]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_rss_kib(pid) for pid in _tree(process.pid)))
        time.sleep(_SAMPLE_SECONDS)
    return time.perf_counter() - started, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=150)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sources = sorted(CORPUS.iterdir())
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = []
        for copy in range(args.copies):
            for source in sources:
                target = folder / f"c{copy:04d}_{source.name}"
                shutil.copyfile(source, target)
                files.append(target)
        lines = sum(len(path.read_bytes().splitlines()) for path in files)
        tenth = files[: len(files) // 10]
        print(f"{len(files)} configurations, {lines} lines; --jobs {args.jobs}")
        print(f"{'run':44}{'configs':>8}{'seconds':>9}{'peak MiB':>10}")
        for name, chosen, output_format in (("one JSON document (kept whole)", tenth, "json"),
                                            ("JSON lines, streamed", tenth, "jsonl"),
                                            ("JSON lines, streamed", files, "jsonl")):  # fmt: skip
            seconds, peak = run(chosen, output_format, args.jobs, folder / f"out.{output_format}")
            print(f"{name:44}{len(chosen):>8}{seconds:>9.2f}{peak:>10.0f}")


if __name__ == "__main__":
    main()
