"""The fleet at scale: 3,000 facilities' results written to the history store and the index rendered.

    python -m benchmarks.bench_fleet [--facilities 3000] [--backend sqlite|postgresql|both]

The sample inventory is audited once; its seven facilities' devices and findings are copied under
new names (facility-0001, host-0001-…) until ``--facilities`` facilities exist, as one run. Each
backend runs in a fresh process (so its peak memory is its own): the run is recorded (one
transaction), read back as each host's previous failures (what ``--compare last`` does), and the
report is split per facility and the fleet index rendered. PostgreSQL is a throw-away cluster
started as in the tests. Prints seconds per step and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from onshi.inventory import load_inventory
from onshi.pipeline import AuditReport
from onshi.report.fleet import fleet_rows, to_index_html
from onshi.report.split import split_by_facility
from onshi.sources import SnapshotSource
from onshi.store.history import Store
from onshi.tasks.audit import audit_inventory
from tests.postgres import postgres_server

INVENTORY = Path(__file__).resolve().parents[1] / "inventory"


def fleet(facilities: int) -> AuditReport:
    """The sample's results, copied under new names until there are ``facilities`` facilities."""
    sample = audit_inventory(load_inventory(INVENTORY), SnapshotSource(INVENTORY / "configs"))
    groups = list(dict.fromkeys(d.facility or d.host for d in sample.devices))
    devices, findings = [], []
    for number in range(facilities):
        group = groups[number % len(groups)]
        name = f"facility-{number:04d}"
        hosts = {d.host: f"{d.host}-{number:04d}" for d in sample.devices if d.facility == group}
        devices += [replace(d, host=hosts[d.host], facility=name) for d in sample.devices if d.host in hosts]
        findings += [replace(f, host=hosts[f.host], facility=name) for f in sample.findings if f.host in hosts]
    return AuditReport(tuple(devices), tuple(findings), sample.generated_at)


def run(url: str, facilities: int) -> None:
    report = fleet(facilities)
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()
    store = Store(url)
    steps.append(("open and migrate", time.perf_counter() - started))
    started = time.perf_counter()
    store.record(report, "bench", "bench_fleet")
    steps.append((f"record 1 run: {len(report.devices)} devices, {len(report.findings)} findings",
                  time.perf_counter() - started))  # fmt: skip
    started = time.perf_counter()
    _, previous = store.previous_failures([d.host for d in report.devices])
    steps.append((f"read back each host's previous failures ({len(previous)})", time.perf_counter() - started))
    started = time.perf_counter()
    parts = split_by_facility(report)
    rows = fleet_rows(parts, {f: f"{f}.html" for f in parts}, None)
    index = to_index_html(rows, "ja", report.generated_at, None)
    steps.append((f"split and render the index ({len(rows)} facilities, {len(index) // 1024} KB)",
                  time.perf_counter() - started))  # fmt: skip
    total = sum(seconds for _, seconds in steps)
    for name, seconds in steps:
        print(f"  {seconds:7.2f} s  {name}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {total:7.2f} s  in all; peak memory {peak:.0f} MB")


def _postgres(facilities: int) -> None:
    with postgres_server() as url:  # the throw-away cluster the tests start
        run(url, facilities)


def _sqlite(facilities: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/history.sqlite", facilities)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facilities", type=int, default=3000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    chosen = {"sqlite": [_sqlite], "postgresql": [_postgres], "both": [_sqlite, _postgres]}[args.backend]
    context = multiprocessing.get_context("spawn")
    for target in chosen:
        print(f"{target.__name__.strip('_')}: {args.facilities} facilities")
        process = context.Process(target=target, args=(args.facilities,))
        process.start()
        process.join()


if __name__ == "__main__":
    main()
