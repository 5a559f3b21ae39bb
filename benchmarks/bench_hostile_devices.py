"""Hostile devices over real SSH on 127.0.0.1: a slow device, one that prints without end, and a
500 KB configuration, each collected as ``onshi collect`` does (CI runs small versions of each in
``tests/test_collect.py``).

    python -m benchmarks.bench_hostile_devices [--slow 0.05] [--kilobytes 500]

  slow       the sample pharmacy's config in 20-line chunks ``--slow`` seconds apart (netmiko used to
             stop at the config's own hostname line): must arrive whole
  endless    a device that never stops printing: failed at the output bound (32 MB), memory flat
  large      a ``--kilobytes`` configuration (ACL lines added to the sample): must arrive byte for byte
Prints each case's outcome, seconds and the peak memory of the collecting process's Python
allocations. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import logging
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

from benchmarks.bench_collect import CONFIG, CREDENTIALS, FACTS, GROUP
from onshi.collect import Collected, CollectOptions
from onshi.inventory import load_inventory
from onshi.tasks.collect import collect_inventory
from tests.simulator import LOOPBACK, SimulatedDevice, large_config


def _collect(device: SimulatedDevice) -> tuple[str, float, float]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        hosts = {device.hostname: {"hostname": LOOPBACK, "port": device.port, "platform": "cisco_ios",
                                   "groups": ["pharmacy"], "data": {"role": "edge_router"}}}  # fmt: skip
        (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts), encoding="utf-8")
        (folder / "groups.yaml").write_text(yaml.safe_dump({"pharmacy": GROUP}, allow_unicode=True), "utf-8")
        options = CollectOptions(folder / "known_hosts", accept_new_host_keys=True, command_timeout=600)
        tracemalloc.start()
        started = time.perf_counter()
        outcome = collect_inventory(load_inventory(folder), lambda _: CREDENTIALS, options, stream=io.StringIO())[0]
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if isinstance(outcome, Collected):
        whole = outcome.config == device.config
        return (
            f"collected, {len(outcome.config) // 1024} KB, {'byte for byte' if whole else 'DIFFERENT'}",
            seconds,
            peak,
        )
    return f"failed: {outcome.reason}", seconds, peak


def main() -> None:
    for name in ("nornir", "paramiko", "netmiko"):  # as `onshi` does: failures are reported, not logged
        logging.getLogger(name).setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", type=float, default=0.05)
    parser.add_argument("--kilobytes", type=int, default=500)
    args = parser.parse_args()
    cases = {
        "slow": SimulatedDevice(CONFIG, FACTS, hostname="aoba-rtr1", slow_output=args.slow),
        "endless": SimulatedDevice(CONFIG, FACTS, hostname="endless", fault="endless"),
        "large": SimulatedDevice(large_config(args.kilobytes), FACTS, hostname="large"),
    }
    for name, device in cases.items():
        device.start()
        try:
            outcome, seconds, peak = _collect(device)
        finally:
            device.stop()
        print(f"{name:8} {seconds:7.2f} s  peak {peak:7.1f} MB  {outcome}")


if __name__ == "__main__":
    main()
