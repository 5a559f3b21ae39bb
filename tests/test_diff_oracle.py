"""``onshi diff`` against the single-packet oracle run on both configurations.

A random IOS router (two segments and the internet, an inbound ACL on each) and a random change to
it (lines moved, removed, added, an action flipped) are audited as before and after, and diffed.
Every example the diff gives is what it says: newly allowed is forwarded there by the oracle on the
after config and not on the before config, newly denied the other way round. And every random
packet the oracle forwards on one side only shows up: its zone pair is among the diff's changes,
in that direction (between zones: within one is no change the diff reports). ``benchmarks.bench_diff``
runs the same check on 500 examples.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.network import DeviceNetwork
from onshi.analysis.oracle import forward
from onshi.analysis.packets import Packet
from onshi.model import ExamplePacket
from onshi.pipeline import DeviceJob, Reading, audit
from onshi.policy import INTERNET
from onshi.sources import ConfigText
from onshi.validators.base import RuleInput
from onshi.validators.diff import Diff, diff
from onshi.validators.reachability import device_network
from tests.helpers import PacketShape, shaped_packets, two_segments

POLICY = two_segments("1300000009")
INTERFACES = {"GigabitEthernet0/0": ("a", "10.0.1.1 255.255.255.0"), "GigabitEthernet0/1": ("b", "10.0.2.1 255.255.255.0"),
              "GigabitEthernet0/2": (INTERNET, "203.0.113.2 255.255.255.252")}  # fmt: skip
LISTS = {"GigabitEthernet0/0": "A-IN", "GigabitEthernet0/1": "B-IN", "GigabitEthernet0/2": "WAN-IN"}
HOSTS = ("10.0.1.5", "10.0.2.9", "10.0.2.200", "10.0.1.1", "203.0.113.2", "198.51.100.7", "8.8.8.8")
SHAPE = PacketShape(hosts=HOSTS, ports=(22, 443, 3389, 51000), protocols=(6, 6, 17, 1))
ADDRESSES = ("any", "10.0.1.0 0.0.0.255", "10.0.2.0 0.0.0.255", "host 10.0.2.9", "host 10.0.1.5",
             "198.51.100.0 0.0.0.255", "10.0.0.0 0.255.255.255")  # fmt: skip
SERVICES = ("ip", "tcp", "udp", "icmp")
PORTS = ("", " eq 22", " eq 443", " eq 3389", " range 1024 65535")


@st.composite
def entries(draw: st.DrawFn) -> str:
    protocol = draw(st.sampled_from(SERVICES))
    port = draw(st.sampled_from(PORTS)) if protocol in ("tcp", "udp") else ""
    action = draw(st.sampled_from(["permit", "deny"]))
    return f" {action} {protocol} {draw(st.sampled_from(ADDRESSES))} {draw(st.sampled_from(ADDRESSES))}{port}"


@st.composite
def changed(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """``lines`` after one to three edits: a line moved, removed, added, or its action flipped."""
    result = list(lines)
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["move", "remove", "add", "flip"] if result else ["add"]))
        if edit == "add":
            result.insert(draw(st.integers(0, len(result))), draw(entries()))
            continue
        index = draw(st.integers(0, len(result) - 1))
        if edit == "move":
            result.insert(draw(st.integers(0, len(result) - 1)), result.pop(index))
        elif edit == "remove":
            result.pop(index)
        else:
            flipped = {" permit ": " deny ", " deny ": " permit "}
            head = next(word for word in flipped if result[index].startswith(word))
            result[index] = flipped[head] + result[index][len(head) :]
    return result


@dataclass(frozen=True)
class Change:
    before: dict[str, list[str]]  # ACL name → entries
    after: dict[str, list[str]]

    def text(self, side: str) -> str:
        lists = self.before if side == "before" else self.after
        lines = ["hostname r1"]
        for name, (_, address) in INTERFACES.items():
            lines += [f"interface {name}", f" ip address {address}", f" ip access-group {LISTS[name]} in"]
        lines.append("ip route 0.0.0.0 0.0.0.0 203.0.113.1")
        for acl, found in lists.items():
            lines += [f"ip access-list extended {acl}", *found]
        return "\n".join([*lines, "end", ""])


@st.composite
def changes(draw: st.DrawFn) -> Change:
    before = {acl: draw(st.lists(entries(), max_size=6)) for acl in LISTS.values()}
    after = {acl: draw(changed(found)) if draw(st.booleans()) else found for acl, found in before.items()}
    return Change(before, after)


def _input(text: str) -> RuleInput:
    report = audit([DeviceJob("r1", "cisco_ios", ConfigText(text, "r1.cfg", "utf-8"), facility="f", policy=POLICY,
                              reading=Reading.AUTHORED)], matrices=False)  # fmt: skip
    assert report.devices[0].unrecognized == (), text
    return report.inputs[0]


def _zones(network: DeviceNetwork, interface: str, packet: Packet) -> set[str]:
    return forward(network, network.interfaces[interface.lower()], packet).zones


def _packet(example: ExamplePacket) -> Packet:
    number = {"tcp": 6, "udp": 17, "icmp": 1}.get(example.protocol, 0)
    return Packet(ipaddress.ip_address(example.src), ipaddress.ip_address(example.dst), number,
                  example.src_port or 0, example.dst_port or 0, 8 if number == 1 else 0)  # fmt: skip


def check_diff_against_the_oracle(change: Change, data: st.DataObject) -> None:
    before, after = _input(change.text("before")), _input(change.text("after"))
    found: Diff = diff([before], [after], ((), ()))
    was, now = device_network(before), device_network(after)
    entering = {zone: name for name, (zone, _) in INTERFACES.items()}
    moved = {(p.source, p.destination, "opened" if p.opened else "closed") for p in found.pairs if p.opened or p.closed}
    moved |= {(p.source, p.destination, "closed") for p in found.pairs if p.closed}
    for pair in found.pairs:  # every example is what the diff says it is
        interface = entering[pair.source]
        for example, side in ((pair.opened, "after"), (pair.closed, "before")):
            if example is not None and example.example.protocol in ("tcp", "udp", "icmp"):
                packet = _packet(example.example)
                passing, stopping = (now, was) if side == "after" else (was, now)
                assert pair.destination in _zones(passing, interface, packet), (change.text(side), example)
                assert pair.destination not in _zones(stopping, interface, packet), (change, example)
    for zone, interface in entering.items():  # every packet forwarded on one side only shows up
        for _ in range(6):
            packet = data.draw(shaped_packets(zone, SHAPE), label=f"packet from {zone}")
            # Within a zone is not a change between zones: the diff, like the zone matrix, leaves it out.
            old, new = _zones(was, interface, packet) - {zone}, _zones(now, interface, packet) - {zone}
            for destination in new - old:
                assert (zone, destination, "opened") in moved, (change, packet, destination)
            for destination in old - new:
                assert (zone, destination, "closed") in moved, (change, packet, destination)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(change=changes(), data=st.data())
def test_the_diff_says_what_the_oracle_forwards_on_each_side(change: Change, data: st.DataObject) -> None:
    check_diff_against_the_oracle(change, data)
