"""Live collection throughput: N simulated devices on 127.0.0.1, collected over real SSH.

    python -m benchmarks.bench_collect [--devices 100] [--workers 20] [--cluster]

Starts the test suite's device simulator (Cisco IOS, the sample pharmacy's config), writes an
inventory for it, and collects every device through Nornir + netmiko as ``onshi collect`` does.
Prints the wall time, the per-device median and the slowest device. Nothing leaves 127.0.0.1.

With ``--cluster``: on a Dask LocalCluster with two collector workers (``dask worker … --resources
collector-osaka=1`` and ``collector-tokyo=1``, ``--workers`` threads each), half the devices labelled
for each, as ``onshi collect --scheduler`` does; the wall time includes submitting and gathering.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import yaml
from cryptography.fernet import Fernet

from onshi.collect import Collected, CollectOptions, Credentials
from onshi.inventory import load_inventory
from onshi.tasks.collect import collect_inventory
from onshi.tasks.dask_runner import ENV_CLUSTER_KEY
from tests.cluster import collector_cluster
from tests.simulator import LOOPBACK, SimulatedDevice

ROOT = Path(__file__).resolve().parents[1]
CONFIG = (ROOT / "inventory" / "configs" / "aoba-rtr1.cfg").read_text(encoding="utf-8")
FACTS = (ROOT / "tests" / "fixtures" / "cisco_ios" / "collect" / "show_version_c1111.txt").read_text(encoding="utf-8")
CREDENTIALS = Credentials("admin", "Sim-Pass-7391!", "Sim-Enable-5822!")
GROUP = yaml.safe_load((ROOT / "inventory" / "groups.yaml").read_text(encoding="utf-8"))["pharmacy_aoba"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--cluster", action="store_true", help="collect on a Dask cluster of two labelled workers")
    args = parser.parse_args()
    devices = [SimulatedDevice(CONFIG, FACTS, hostname=f"r{i:03d}").start() for i in range(args.devices)]
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            hosts = {
                f"r{i:03d}": {"hostname": LOOPBACK, "port": device.port, "platform": "cisco_ios",
                              "groups": ["pharmacy"], "data": _data(i, args.cluster)}
                for i, device in enumerate(devices)
            }  # fmt: skip
            (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts), encoding="utf-8")
            (folder / "groups.yaml").write_text(yaml.safe_dump({"pharmacy": GROUP}, allow_unicode=True), "utf-8")
            with ExitStack() as stack:
                scheduler = _scheduler(stack, args.workers) if args.cluster else None
                options = CollectOptions(folder / "known_hosts", accept_new_host_keys=True, scheduler=scheduler)
                start = time.perf_counter()
                outcomes = collect_inventory(
                    load_inventory(folder), lambda _: CREDENTIALS, options, workers=args.workers, stream=io.StringIO()
                )
                wall = time.perf_counter() - start
    finally:
        for device in devices:
            device.stop()
    sessions = [max(device.session_seconds) for device in devices if device.session_seconds]
    collected = sum(isinstance(o, Collected) for o in outcomes)
    print(f"{collected} of {args.devices} devices collected with {args.workers} workers")
    median = statistics.median(sessions)
    print(f"wall {wall:.2f} s; per device (SSH session, server side) median {median:.3f} s, "
          f"slowest {max(sessions):.3f} s")  # fmt: skip


def _data(index: int, labelled: bool) -> dict[str, str]:
    return {"role": "edge_router", **({"collector": ("osaka", "tokyo")[index % 2]} if labelled else {})}


def _scheduler(stack: ExitStack, threads: int) -> str:
    key = Fernet.generate_key().decode()
    os.environ[ENV_CLUSTER_KEY] = key
    return stack.enter_context(collector_cluster(("osaka", "tokyo"), key, threads)).address


if __name__ == "__main__":
    main()
