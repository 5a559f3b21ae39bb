"""The facility as one network: analysis time by number of devices, and the long property run.

    python -m benchmarks.bench_facility [--examples 500] [--repeat 5]

1. Growth: the sample clinic tsubaki (its internet router, the claims provider's VPN router, the
   maintenance vendor's VPN router on one LAN) grown to five devices with further vendors' VPN
   routers on the same LAN (each its own VPN and remote network), from one device (the internet
   router alone, judged as before) to five. For each size, the audit of the facility's devices
   (parse, every rule, the zone matrix) and, within it, the composed analysis alone (building the
   facility network and answering every zone pair). The first run of each size (the packet space's
   caches hold the smaller sizes' work by then) and the best of ``--repeat``, in one process; the
   ratios are of the best runs, against one device.
2. ``--examples`` random two- and three-device facilities through the composed engine and the
   multi-device oracle (the CI test runs the same check on a short budget).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.facility import FacilityNetwork, Member
from onshi.pipeline import DeviceJob, audit
from onshi.policy import FacilityPolicy
from onshi.sources import read_config_file
from tests.facilities import check_agreement, facilities

INVENTORY = Path(__file__).resolve().parents[1] / "inventory"
CONFIGS = INVENTORY / "configs"


def _policy(devices: int) -> FacilityPolicy:
    """tsubaki's policy with one more vendor VPN per vendor router beyond the first."""
    vendors = range(devices - 2)
    return FacilityPolicy.model_validate({
        "name": "つばき内科クリニック", "code": "1312340003", "connection": "ipsec_ike",
        "segments": [{"name": "onshi", "kind": "onshi", "level": "high", "ipv4": ["192.168.10.0/24"]}],
        "vpns": [
            {"name": "claims", "kind": "claims_network", "owner": "claims", "peers": ["203.0.113.20"],
             "remote_prefixes": ["10.100.0.0/16"], "local_segments": ["onshi"]},
            *({"name": f"vendor{k}", "kind": "remote_maintenance", "owner": f"vendor {k}",
               "peers": [f"198.51.100.{7 + k}"], "remote_prefixes": [f"172.{20 + k}.0.0/24"],
               "local_segments": ["onshi"]} for k in vendors),
        ],
        "flows": [
            {"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]},
            *({"from": f"vendor{k}", "to": "onshi", "protocol": "tcp", "ports": [3389]} for k in vendors),
        ],
        "topology": {"links": [
            {"device": "rtr1", "interface": "lan1", "segment": "onshi"},
            *([{"device": "claims", "interface": "GigabitEthernet0/0/0", "segment": "onshi"}] if devices > 1 else []),
            *({"device": f"vendor{k}", "interface": "lan1", "segment": "onshi"} for k in vendors),
        ] if devices > 1 else []},
    })  # fmt: skip


def _vendor(k: int) -> str:
    """The sample's vendor router, as the k-th vendor's: its own address, peer and remote network."""
    text = read_config_file(CONFIGS / "tsubaki-vpn-vendor.cfg").text
    return (text.replace("192.168.10.3", f"192.168.10.{3 + k}").replace("198.51.100.7", f"198.51.100.{7 + k}")
            .replace("172.20.0.0/24", f"172.{20 + k}.0.0/24"))  # fmt: skip


def _jobs(devices: int) -> list[DeviceJob]:
    policy = _policy(devices)
    texts = {"rtr1": ("yamaha", read_config_file(CONFIGS / "tsubaki-rtr1.cfg"))}
    if devices > 1:
        texts["claims"] = ("cisco_ios", read_config_file(CONFIGS / "tsubaki-vpn-claims.cfg"))
    jobs = [DeviceJob(host, platform, config, facility="tsubaki", policy=policy)
            for host, (platform, config) in texts.items()]  # fmt: skip
    base = texts["rtr1"][1]
    for k in range(devices - 2):
        config = replace(base, file=f"vendor{k}.cfg", text=_vendor(k))
        jobs.append(DeviceJob(f"vendor{k}", "yamaha", config, facility="tsubaki", policy=policy))
    return jobs


def _composed(report: Any) -> float:
    """The composed analysis alone: the facility network and every zone pair, from parsed devices."""
    inputs = report.inputs
    policy = inputs[0].policy
    started = time.perf_counter()
    members = [Member(i.host, i.device, tuple(n.name for n in i.internet), i.closed) for i in inputs]
    network = FacilityNetwork(members, policy)
    for source in network.zones():
        for destination in network.zones():
            network.reach(source, destination)
    return time.perf_counter() - started


def growth(repeat: int) -> None:
    print("devices  audit first / best   composed first / best   ratio to one device (best)   VPN-01")
    one: tuple[float, float] | None = None
    for devices in range(1, 6):
        audits, composed = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            report = audit(_jobs(devices))
            audits.append(time.perf_counter() - started)
            composed.append(_composed(report))
        verdicts = {f.status.value for f in report.findings if f.rule == "VPN-01" and f.host == "rtr1"}
        one = one or (min(audits), min(composed))
        print(f"{devices:7}  {audits[0] * 1000:6.0f} / {min(audits) * 1000:3.0f} ms   {composed[0] * 1000:9.1f} / "
              f"{min(composed) * 1000:4.1f} ms   {min(audits) / one[0]:10.2f}× / {min(composed) / one[1]:.2f}×"
              f"            {' '.join(sorted(verdicts))}")  # fmt: skip


def agreement(examples: int) -> None:
    compared = 0

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(network=facilities(), data=st.data())
    def agree(network: FacilityNetwork, data: st.DataObject) -> None:
        nonlocal compared
        compared += check_agreement(network, data)

    started = time.perf_counter()
    agree()
    print(f"{examples} random facilities, {compared} (packet, destination) comparisons with the multi-device "
          f"oracle, no disagreement, {time.perf_counter() - started:.0f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="random facilities checked against the oracle")
    parser.add_argument("--repeat", type=int, default=5, help="runs per size (the best is shown)")
    args = parser.parse_args()
    growth(args.repeat)
    agreement(args.examples)


if __name__ == "__main__":
    main()
