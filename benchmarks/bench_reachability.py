"""Exact reachability: zone-matrix cost by ACL size, the representation choice, audit throughput.

    python -m benchmarks.bench_reachability [--compare] [--copies 50]

1. Zone matrix: the sample pharmacy router with its office segment's ACL replaced by ACLs of 10,
   100, 1,000 and 10,000 lines, in three shapes: "random" (hosts and networks anywhere in the
   address space, ports, permit and deny: no shared structure; now and then a line with ``any`` on
   both sides, after which no later line can match and none is built), "no catch-all" (the same
   without such lines: every line counts, the hard case for BDDs) and "blocklist" (host denies
   inside a few networks with periodic network permits: overlapping entries, the shape of real
   block lists and the hard case for hyper-rectangles). Every zone
   pair is computed. Each size runs in a fresh process, so peak memory (RSS, CUDD included) is
   its own.
2. ``--compare``: first-match evaluation of the same ACLs as disjoint hyper-rectangles (the
   alternative representation) against the BDD fold, to show why BDDs were chosen.
3. Audit throughput: ``--copies`` copies of the sample inventory's configs with their facility
   policies, configs per second, and the time split between parse, reachability and other rules.
"""

from __future__ import annotations

import argparse
import ipaddress
import multiprocessing
import random
import resource
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from onshi.analysis.acl_sets import entry_set, first_match
from onshi.analysis.exposure import internet_interfaces
from onshi.analysis.network import DeviceNetwork
from onshi.analysis.packets import space
from onshi.inventory import load_inventory
from onshi.model import ANY_ADDRESS, ANY_PORT, Acl, AclEntry, AddressMatch, Device, PortMatch
from onshi.pipeline import DeviceJob, prepare
from onshi.platforms import get_driver
from onshi.sources import read_config_file
from onshi.validators.base import RuleInput
from onshi.validators.engine import evaluate
from onshi.validators.registry import all_rules

INVENTORY = Path(__file__).resolve().parents[1] / "inventory"
SIZES = (10, 100, 1_000, 10_000)
ZONE_INTERFACE = "GigabitEthernet0/0/1.20"  # the pharmacy's office segment


def random_acl(size: int, seed: int = 7, catch_all: bool = True) -> Acl:
    """Entries anywhere in the address space. With ``catch_all`` (the shape as drawn), an entry now
    and then has ``any`` on both sides and ends what later lines can match; without, such an entry
    gets a /24 destination instead, so every line counts: the hard case for the packet engine."""
    rng = random.Random(seed)
    entries = []
    for line in range(size):
        protocol = rng.choice(["ip", "tcp", "tcp", "udp"])
        ports = PortMatch(((port := rng.choice([22, 80, 443, 3389, 8080, 53]), port),))
        source, destination = _address(rng), _address(rng)
        if not catch_all and source.any_ and destination.any_:
            destination = AddressMatch((ipaddress.IPv4Network(f"{ipaddress.IPv4Address(rng.getrandbits(32))}/24",
                                                              strict=False),))  # fmt: skip
        entries.append(
            AclEntry(
                action=rng.choice(["permit", "deny"]),
                protocol=protocol,
                source=source,
                source_ports=ANY_PORT,
                destination=destination,
                destination_ports=ports if protocol != "ip" else ANY_PORT,
                established=False,
                icmp_type=None,
                icmp_code=None,
                line=10_000 + line,
            )
        )
    return Acl("BENCH", 4, "extended", tuple(entries), 9_999)


def _address(rng: random.Random) -> AddressMatch:
    kind = rng.random()
    if kind < 0.1:
        return ANY_ADDRESS
    length = 32 if kind < 0.7 else rng.choice([16, 24, 28])
    address = ipaddress.IPv4Address(rng.getrandbits(32))
    return AddressMatch((ipaddress.IPv4Network(f"{address}/{length}", strict=False),))


def pharmacy_with(acl: Acl) -> tuple[Device, Any]:
    inventory = load_inventory(INVENTORY)
    host = inventory.host("aoba-rtr1")
    config = read_config_file(INVENTORY / "configs" / "aoba-rtr1.cfg")
    device = get_driver(host.platform).parse(config.text, config.file)
    interfaces = tuple(replace(i, acl_in="BENCH") if i.name == ZONE_INTERFACE else i for i in device.interfaces)
    return replace(device, interfaces=interfaces, acls=(*device.acls, acl)), host.policy


def matrix(size: int, shape: str) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, zone pairs) for the full zone matrix with a ``size``-line ACL."""
    acls: dict[str, Callable[[int], Acl]] = {
        "random": random_acl,
        "no catch-all": partial(random_acl, catch_all=False),
        "blocklist": blocklist_acl,
    }
    device, policy = pharmacy_with(acls[shape](size))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    network = DeviceNetwork(device, policy, [i.name for i in internet_interfaces(device)])
    zones = [*network.zones(), "device"]
    pairs = 0
    for source in network.zones():
        for destination in zones:
            if source != destination:
                network.space.is_empty(network.reach(source, destination).packets)
                pairs += 1
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return seconds, max(peak, baseline) / 1024, pairs


Box = tuple[tuple[int, int], ...]  # inclusive ranges per field: src, dst, protocol, destination port


def boxes_first_match(acl: Acl, limit_seconds: float) -> float | None:
    """First-match over disjoint boxes (src, dst, proto, dport): seconds, or None past the limit."""
    full: Box = ((0, 2**32 - 1), (0, 2**32 - 1), (0, 255), (0, 65535))
    remaining = [full]
    permitted: list[Box] = []
    start = time.perf_counter()
    for entry in acl.entries:
        box = _box(entry)
        next_remaining = []
        for piece in remaining:
            overlap = _intersect(piece, box)
            if overlap is None:
                next_remaining.append(piece)
                continue
            if entry.action == "permit":
                permitted.append(overlap)
            next_remaining.extend(_subtract(piece, box))
        remaining = next_remaining
        if time.perf_counter() - start > limit_seconds:
            return None
    return time.perf_counter() - start


def _span(match: AddressMatch) -> tuple[int, int]:
    if match.any_:
        return (0, 2**32 - 1)
    network = match.networks[0]
    return int(network.network_address), int(network.broadcast_address)


def _box(entry: AclEntry) -> Box:
    protocol = {"ip": (0, 255), "tcp": (6, 6), "udp": (17, 17)}[entry.protocol]
    ports = entry.destination_ports.ranges[0] if entry.destination_ports.ranges else (0, 65535)
    return (_span(entry.source), _span(entry.destination), protocol, ports)


def _intersect(a: Box, b: Box) -> Box | None:
    result = []
    for (low_a, high_a), (low_b, high_b) in zip(a, b, strict=True):
        low, high = max(low_a, low_b), min(high_a, high_b)
        if low > high:
            return None
        result.append((low, high))
    return tuple(result)


def _subtract(a: Box, b: Box) -> list[Box]:
    pieces = []
    current = list(a)
    for dim, ((low_a, high_a), (low_b, high_b)) in enumerate(zip(a, b, strict=True)):
        if low_a < low_b:
            pieces.append((*current[:dim], (low_a, low_b - 1), *current[dim + 1 :]))
        if high_b < high_a:
            pieces.append((*current[:dim], (high_b + 1, high_a), *current[dim + 1 :]))
        current[dim] = (max(low_a, low_b), min(high_a, high_b))
    return pieces


def bdd_fold(acl: Acl) -> float:
    """The naive BDD fold, entry by entry from the last one up (for comparison)."""
    sp = space()
    start = time.perf_counter()
    permitted = sp.false
    for entry in reversed(acl.entries):
        matched = entry_set(sp, entry, 4)
        permitted = (permitted | matched) if entry.action == "permit" else (permitted & ~matched)
    return time.perf_counter() - start


def bdd_balanced(acl: Acl) -> float:
    """What onshi does: divide and conquer over the entries."""
    start = time.perf_counter()
    first_match(space(), list(acl.entries), 4)
    return time.perf_counter() - start


def blocklist_acl(size: int, seed: int = 11) -> Acl:
    """Host denies inside a few networks, then broad permits: entries overlap heavily."""
    rng = random.Random(seed)
    entries = []
    for line in range(size):
        network = ipaddress.IPv4Network(f"10.{rng.randrange(4)}.0.0/16")
        host = ipaddress.IPv4Network(f"{network.network_address + rng.randrange(65536)}/32")
        permit = line % 10 == 9
        entries.append(
            AclEntry(
                action="permit" if permit else "deny",
                protocol="tcp",
                source=AddressMatch((network,)) if permit else AddressMatch((host,)),
                source_ports=ANY_PORT,
                destination=ANY_ADDRESS,
                destination_ports=PortMatch(((rng.choice([22, 443, 3389]),) * 2,)),
                established=False,
                icmp_type=None,
                icmp_code=None,
                line=line,
            )
        )
    return Acl("BENCH", 4, "extended", tuple(entries), 0)


def throughput(copies: int) -> None:
    inventory = load_inventory(INVENTORY)
    texts = {h.name: read_config_file(INVENTORY / "configs" / f"{h.name}.cfg") for h in inventory.hosts}
    jobs = [
        DeviceJob(f"{host.name}#{copy}", host.platform, texts[host.name], facility=host.facility,
                  policy=host.policy, host_data=host.data)
        for copy in range(copies) for host in inventory.hosts
    ]  # fmt: skip
    start = time.perf_counter()
    inputs: list[RuleInput] = []
    for job in jobs:
        _, rule_input = prepare(job)
        assert rule_input is not None
        inputs.append(rule_input)
    parse = time.perf_counter() - start
    rules = all_rules()
    reach_ids = {"SEG-01", "SEG-02", "SEG-03", "SEG-04", "SEG-05", "VPN-01", "VPN-06", "EXT-01", "EXT-05"}
    start = time.perf_counter()
    evaluate(inputs, [r for r in rules if r.id in reach_ids])
    reachability = time.perf_counter() - start
    start = time.perf_counter()
    evaluate(inputs, [r for r in rules if r.id not in reach_ids])
    others = time.perf_counter() - start
    total = parse + reachability + others
    print(f"\naudit of {len(jobs)} sample configs ({copies} copies of the sample inventory)")
    print(f"  {len(jobs) / total:.1f} configs/s; parse {parse:.2f} s ({parse / total:.0%}), "
          f"reachability {reachability:.2f} s ({reachability / total:.0%}), "
          f"other rules {others:.2f} s ({others / total:.0%})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", action="store_true", help="also time the hyper-rectangle alternative")
    parser.add_argument("--copies", type=int, default=50)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    print("zone matrix of the sample pharmacy router with an N-line ACL on its office segment")
    print(f"{'shape':>13}{'ACL lines':>10}{'seconds':>10}{'peak MiB':>10}{'pairs':>7}{'µs/line':>10}")
    for shape in ("random", "no catch-all", "blocklist"):
        for size in SIZES:
            with context.Pool(1, maxtasksperchild=1) as pool:
                seconds, peak, pairs = pool.apply(matrix, (size, shape))
            print(f"{shape:>13}{size:>10}{seconds:>10.3f}{peak:>10.0f}{pairs:>7}{seconds * 1e6 / size:>10.1f}")
    if args.compare:
        print("\nfirst-match of one ACL (seconds; boxes stopped at 20 s)")
        print(f"{'shape':>10}{'lines':>8}{'BDD D&C':>10}{'BDD fold':>10}{'boxes':>10}")
        for shape, make in (("random", random_acl), ("blocklist", blocklist_acl)):
            for size in (100, 1_000, 2_000, 10_000):
                acl = make(size)
                boxes = boxes_first_match(acl, 20.0)
                fold = bdd_fold(acl) if size <= 2_000 else float("nan")
                shown = f"{boxes:.3f}" if boxes is not None else "> 20"
                print(f"{shape:>10}{size:>8}{bdd_balanced(acl):>10.3f}{fold:>10.3f}{shown:>10}")
    throughput(args.copies)


if __name__ == "__main__":
    main()
