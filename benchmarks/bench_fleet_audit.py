"""A fleet audit from files through the command line: wall time and peak memory by fleet size.

    python -m benchmarks.bench_fleet_audit [--copies 150] [--jobs 2] [--inventory]

Copies the shared Cisco corpus (20 configurations) ``--copies`` times into a scratch folder (150:
3,000 configurations, about 920,000 lines) and runs, as a user would,
``onshi audit-file FILES --platform cisco_ios --format jsonl -o OUT --jobs N``: the streamed JSON
lines, written as devices are judged. The peak memory is the whole process tree's (the command and
its worker processes, sampled every 20 ms: resident sets summed, and proportional set sizes, which
count a page the forked workers share with the command once), at a tenth of the fleet and at the whole, so
that its growth shows; the same tenth audited into one JSON document (kept whole in memory until it
is written) is the baseline it is compared with.

With ``--inventory``, the same through ``onshi audit``: the sample inventory is copied under new
names (facility ``clinic_sakura-0001``, host ``sakura-rtr1-0001`` …) until the fleet has as many
configurations, and ``onshi audit --format jsonl`` streams it facility by facility, waivers applied
and the run recorded in a throw-away history store (its rows spooled to a file and written at the end).
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks import CISCO_CORPUS, ROOT, compile_onshi

SAMPLE = ROOT / "inventory"
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


def _memory_kib(pid: int) -> tuple[int, int]:
    """(resident, proportional) set size of a process: the proportional one counts a page shared with
    the forked workers once across them, where summing resident sets counts it in each."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    sizes = {row.split(":")[0]: int(row.split()[1]) for row in rollup.splitlines()[1:] if row.endswith("kB")}
    return sizes.get("Rss", 0), sizes.get("Pss", 0)


def run(files: list[Path], output_format: str, jobs: int, out: Path) -> tuple[float, float, float]:
    """(seconds, peak RSS and PSS MiB of the whole process tree) for one audit-file run."""
    command = [sys.executable, "-m", "onshi", "audit-file", *map(str, files), "--platform", "cisco_ios",
               "--format", output_format, "-o", str(out), "--jobs", str(jobs)]  # fmt: skip
    return _measured(command, (0, 1, 2))  # 2: the corpus holds files cut short, which are error rows


def _measured(command: list[str], accepted: tuple[int, ...]) -> tuple[float, float, float]:
    """(seconds, peak RSS and PSS MiB of the process tree) of ``command``, which must end as ``accepted``."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        peak_rss = peak_pss = 0
        while process.poll() is None:
            sizes = [_memory_kib(pid) for pid in _tree(process.pid)]
            peak_rss = max(peak_rss, sum(rss for rss, _ in sizes))
            peak_pss = max(peak_pss, sum(pss for _, pss in sizes))
            time.sleep(_SAMPLE_SECONDS)
        seconds = time.perf_counter() - started
        if process.returncode not in accepted:
            errors.seek(0)
            raise SystemExit(f"{command[3]} failed ({process.returncode}): {errors.read().decode()[-500:]}")
    return seconds, peak_rss / 1024, peak_pss / 1024


def fleet_inventory(folder: Path, configs: int) -> int:
    """The sample inventory copied under new names into ``folder`` until it has ``configs``
    configurations (whole facilities: a few more); how many it has."""
    hosts = yaml.safe_load((SAMPLE / "hosts.yaml").read_text(encoding="utf-8"))
    groups = yaml.safe_load((SAMPLE / "groups.yaml").read_text(encoding="utf-8"))
    (folder / "configs").mkdir(parents=True)
    shutil.copyfile(SAMPLE / "defaults.yaml", folder / "defaults.yaml")
    all_hosts, all_groups, count = {}, {}, 0
    for number in itertools.count(1):
        if count >= configs:
            break
        renamed = {name: f"{name}-{number:04d}" for name in hosts}
        for name, group in groups.items():
            all_groups[f"{name}-{number:04d}"] = _renamed(group, renamed)
        for name, host in hosts.items():
            all_hosts[f"{name}-{number:04d}"] = {**host, "groups": [f"{g}-{number:04d}" for g in host["groups"]]}
            source = SAMPLE / "configs" / f"{name}.cfg"
            if source.exists():
                shutil.copyfile(source, folder / "configs" / f"{name}-{number:04d}.cfg")
                count += 1
    for name, document in (("hosts.yaml", all_hosts), ("groups.yaml", all_groups)):
        text = yaml.dump(document, Dumper=_Plain, allow_unicode=True)
        (folder / name).write_text(text, encoding="utf-8")
    return count


def _renamed(value: object, names: dict[str, str]) -> object:
    """``value`` with every string that is a host's name (a topology's devices) renamed."""
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    return names.get(value, value) if isinstance(value, str) else value


class _Plain(yaml.SafeDumper):
    """Every copy written out in full: the inventory refuses YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def run_inventory(folder: Path, jobs: int, out: Path) -> tuple[float, float, float]:
    """(seconds, peak RSS and PSS MiB) of ``onshi audit`` streaming an inventory, recorded in a new store."""
    store = out.with_suffix(".sqlite")
    store.unlink(missing_ok=True)
    command = [sys.executable, "-m", "onshi", "audit", "--inventory", str(folder), "--format", "jsonl",
               "-o", str(out), "--jobs", str(jobs), "--store", str(store)]  # fmt: skip
    return _measured(command, (0, 1))  # every host of the copies has its configuration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=150)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--inventory", action="store_true", help="onshi audit over an inventory instead")
    args = parser.parse_args()
    compile_onshi()  # onshi starts as an installed package does
    if args.inventory:
        _inventories(args.copies * 20, args.jobs)
        return
    sources = sorted(CISCO_CORPUS.iterdir())
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
        print(f"{'run':44}{'configs':>8}{'seconds':>9}{'peak RSS MiB':>14}{'peak PSS MiB':>14}")
        for name, chosen, output_format in (("one JSON document (kept whole)", tenth, "json"),
                                            ("JSON lines, streamed", tenth, "jsonl"),
                                            ("JSON lines, streamed", files, "jsonl")):  # fmt: skip
            seconds, rss, pss = run(chosen, output_format, args.jobs, folder / f"out.{output_format}")
            print(f"{name:44}{len(chosen):>8}{seconds:>9.2f}{rss:>14.0f}{pss:>14.0f}")


def _inventories(configs: int, jobs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        print(f"onshi audit --format jsonl over the sample inventory copied; --jobs {jobs}; recorded in a new store")
        print(f"{'configs':>8}{'seconds':>9}{'peak RSS MiB':>14}{'peak PSS MiB':>14}")
        for size in (configs // 10, configs):
            folder = Path(scratch) / f"inventory-{size}"
            count = fleet_inventory(folder, size)
            seconds, rss, pss = run_inventory(folder, jobs, Path(scratch) / f"out-{size}.jsonl")
            print(f"{count:>8}{seconds:>9.2f}{rss:>14.0f}{pss:>14.0f}")


if __name__ == "__main__":
    main()
