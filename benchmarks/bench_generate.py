"""Baseline generation cost against auditing: the sample's generated hosts, N times, in one process.

    python -m benchmarks.bench_generate [--rounds 10]

Prints, per device, the time to plan + render (type 9 hashing included), to audit the rendered
config with every rule (what ``onshi generate`` adds), and to audit the sample's running snapshot
(the baseline the ratios are against), plus the verify diff (each platform's drift).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from onshi.generate.build import plan_inventory, render_each
from onshi.inventory import load_inventory
from onshi.pipeline import DeviceJob, audit
from onshi.platforms import get_driver
from onshi.sources import ConfigText, SnapshotSource
from onshi.tasks.audit import job

ROOT = Path(__file__).resolve().parents[1]
_SECRET_VARIABLES = ("AOBA_PPPOE_PASSWORD", "AOBA_ENABLE_SECRET", "AOBA_ADMIN_SECRET",
                     "SAKURA_ENABLE_SECRET", "SAKURA_ADMIN_SECRET", "SAKURA_VENDOR_SECRET",
                     "KAEDE_PPPOE_PASSWORD", "KAEDE_ENABLE_SECRET", "KAEDE_ADMIN_SECRET", "KAEDE_AP_ENABLE_SECRET",
                     "KAEDE_AP_ADMIN_SECRET", "KAEDE_RADIUS_KEY", "KAEDE_GUEST_PSK", "HIMAWARI_PPPOE_PASSWORD",
                     "HIMAWARI_CLAIMS_PSK", "MOMIJI_PPPOE_PASSWORD", "MOMIJI_CLAIMS_PSK", "MOMIJI_ADMIN_SECRET",
                     "MOMIJI_STAFF_SECRET", "MOMIJI_VENDOR_SECRET", "MOMIJI_GUEST_PSK", "AYAME_PPPOE_PASSWORD",
                     "AYAME_CLAIMS_PSK")  # fmt: skip
# Yamaha takes its own `encrypted` form of a password (32 characters), IX its `password hash` form
# (hexadecimal), which onshi cannot compute.
_ENCRYPTED_VARIABLES = ("HIMAWARI_ADMINISTRATOR_ENCRYPTED", "HIMAWARI_KATO_ENCRYPTED", "HIMAWARI_SUZUKI_ENCRYPTED")
_HASH_VARIABLES = ("AYAME_ITO_HASH", "AYAME_MORI_HASH")
# Distinct values: the generator refuses one secret on two devices (AUTH-05).
SECRETS = {variable: f"Bench-Secret-{index:02d}-xx" for index, variable in enumerate(_SECRET_VARIABLES)}
SECRETS |= {
    variable: f"BenchEncrypted{index:02d}".ljust(32, "x") for index, variable in enumerate(_ENCRYPTED_VARIABLES)
}
SECRETS |= {variable: f"{index:02d}".rjust(16, "A") for index, variable in enumerate(_HASH_VARIABLES)}


def _best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    inventory = load_inventory(ROOT / "inventory")
    plans = plan_inventory(inventory, SECRETS)
    hosts = [entry for entry, _ in plans]
    texts = render_each(inventory, plans, ())
    snapshots = SnapshotSource(ROOT / "inventory" / "configs")

    def jobs(configs: dict[str, ConfigText]) -> list[DeviceJob]:
        return [job(entry, configs[entry.name], None) for entry in hosts]

    rendered = {host: ConfigText(text, f"{host}.cfg", "utf-8") for host, text in texts.items()}
    running = {entry.name: snapshots.fetch(entry.name) for entry in hosts}
    drivers = {entry.name: get_driver(entry.platform) for entry in hosts}
    figures = {
        "audit running snapshots (baseline)": _best(args.rounds, lambda: audit(jobs(running))),
        "plan + render (type 9 hashing)": _best(
            args.rounds, lambda: render_each(inventory, plan_inventory(inventory, SECRETS), ())
        ),
        "audit generated configs": _best(args.rounds, lambda: audit(jobs(rendered))),
        "verify diff (each platform's drift)": _best(
            args.rounds, lambda: [drivers[h].drift(texts[h], running[h].text) for h in texts]
        ),
    }
    baseline = figures["audit running snapshots (baseline)"]
    print(f"{len(hosts)} devices, best of {args.rounds}")
    for name, seconds in figures.items():
        print(f"  {name:40s} {seconds / len(hosts) * 1000:8.1f} ms/device  {seconds / baseline:5.2f}x")


if __name__ == "__main__":
    main()
