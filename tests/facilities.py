"""Random two- and three-device facilities, and the check that the composed engine agrees with the
multi-device oracle on them (the CI test runs it on a short budget, ``benchmarks.bench_facility``
on a long one).

R1 is the edge (203.0.113.2/30 to the internet, NAT outside there); R2 and R3 sit on random
segments of the same LAN with their own addresses (10.0.<segment>.<device>), R1 and R2 may also be
cabled to each other (10.9.0.0/30, a transit link the topology declares). Every interface gets
random IPv4 and IPv6 filters in and out, a random NAT role, and every device random static routes
whose next hops are other devices' addresses on shared segments (so packets cross several
devices, and may loop), its own interfaces, Null0 or the internet gateway; R1 and R2 may port
forward (R1 to a host, or to R2's own address for a double forward).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import strategies as st

from onshi.analysis.facility import FacilityNetwork, Member
from onshi.analysis.facility_oracle import walk
from onshi.analysis.packets import Packet
from onshi.model import Acl, Device, Interface, InterfaceKind, NatRole, NatRule, SourceText, StaticRoute
from onshi.policy import DEVICE, FacilityPolicy
from tests.test_engine_oracle import PORTS, acls, address_matches

SEGMENTS = {"a": 1, "b": 2, "c": 3}
PACKETS_PER_ZONE = 4
LINK_ADDRESSES = {"R1": "10.9.0.1/30", "R2": "10.9.0.2/30"}
HOSTS_V4 = ["8.8.8.8", "198.51.100.7", "10.0.1.5", "10.0.1.200", "10.0.2.9", "10.0.3.3", "10.0.1.1", "10.0.1.2", "10.0.2.2", "10.0.2.3",
            "10.0.3.1", "10.0.3.2", "10.9.0.1", "10.9.0.2", "203.0.113.2", "198.51.100.7", "8.8.8.8"]  # fmt: skip
HOSTS_V6 = ["2001:db8:1::5", "2001:db8:1::1", "2001:db8:1::2", "2001:db8:2::9", "2001:db8:2::3", "2001:db8:ff::1"]
# What filters match: the segments, the transit link and its ends (so a filter can tell a
# masqueraded source from the original), outside hosts.
MATCHED_V4 = (["10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.9.0.0/30", "0.0.0.0/0", "8.0.0.0/8"],
              ["10.0.1.5", "10.0.2.9", "10.9.0.2", "10.9.0.1", "8.8.8.8", "203.0.113.2", "10.0.1.2"])  # fmt: skip
MATCHED_V6 = (["2001:db8::/32", "2001:db8:1::/64", "2001:db8:2::/64", "::/0"], ["2001:db8:1::5", "2001:db8:2::3"])
ROUTED = ["10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "0.0.0.0/0", "10.9.0.0/30", "8.0.0.0/8",
          "2001:db8:1::/64", "2001:db8:2::/64", "::/0"]  # fmt: skip


def _policy(cabled: bool) -> FacilityPolicy:
    links = [{"device": "R1", "interface": "Gi9", "peer": {"device": "R2", "interface": "Gi9"}}] if cabled else []
    return FacilityPolicy.model_validate({
        "name": "random facility", "code": "1300000003", "connection": "ipsec_ike",
        "segments": [
            {"name": "a", "kind": "onshi", "level": "high", "ipv4": ["10.0.1.0/24"], "ipv6": ["2001:db8:1::/64"]},
            {"name": "b", "kind": "office", "level": "medium", "ipv4": ["10.0.2.0/24"], "ipv6": ["2001:db8:2::/64"]},
            {"name": "c", "kind": "guest_wifi", "level": "low", "ipv4": ["10.0.3.0/24"]},
        ],
        "topology": {"links": links},
    })  # fmt: skip


def _matches(family: int) -> st.SearchStrategy[Any]:
    return address_matches(family, MATCHED_V4, MATCHED_V6)


def _interface(name: str, v4: str, v6: str | None, nat: NatRole | None, chosen: dict[str, str | None]) -> Interface:
    six = (ipaddress.IPv6Interface(v6),) if v6 else ()
    return Interface(
        name=name, kind=InterfaceKind.PHYSICAL, description="", shutdown=False, vrf=None,
        ipv4=(ipaddress.IPv4Interface(v4),), ipv4_dhcp=False, ipv4_negotiated=False, ipv6=six,
        ipv6_enabled=bool(six), ipv6_autoconfig=False, acl_in=chosen["in"], acl_out=chosen["out"],
        ipv6_acl_in=chosen["v6in"], ipv6_acl_out=chosen["v6out"], nat=nat, zone=None, crypto_map=None,
        dialer_pool=None, pppoe_client=False, cdp_enabled=None, vlan_id=None, tunnel=None, urpf=False, lines=(1,),
    )  # fmt: skip


@st.composite
def _device(draw: st.DrawFn, name: str, index: int, segments: list[str], cabled: bool, hops: list[str]) -> Device:
    acl_list: list[Acl] = []
    interfaces: list[Interface] = []
    line = 1000
    wanted: list[tuple[str, str, str | None]] = []
    # Half the cabled R2s masquerade towards R1, as a firewall behind the edge router does.
    masquerading = cabled and name == "R2" and draw(st.booleans())
    for position, segment in enumerate(segments):
        number = SEGMENTS[segment]
        v6 = f"2001:db8:{number}::{index}/64" if segment != "c" else None
        wanted.append((f"Gi{position}", f"10.0.{number}.{index}/24", v6))
    if name == "R1":
        wanted.append(("Gi3", "203.0.113.2/30", "2001:db8:ff::2/64"))
    if cabled and name in LINK_ADDRESSES:
        wanted.append(("Gi9", LINK_ADDRESSES[name], None))
    for interface_name, v4, v6 in wanted:
        chosen: dict[str, str | None] = {}
        for slot, family in (("in", 4), ("out", 4), ("v6in", 6), ("v6out", 6)):
            chosen[slot] = None
            # The edge filters what comes over the transit link more often: where masquerading shows.
            odds = 1 if (name, interface_name, slot) == ("R1", "Gi9", "in") else 3
            if draw(st.integers(0, odds)) == 0:
                acl_name = f"{interface_name}-{slot}"
                acl_list.append(draw(acls(acl_name, family, line, _matches)))
                line += 10
                chosen[slot] = acl_name
        nat = draw(st.sampled_from([None, None, NatRole.INSIDE]))
        if interface_name == "Gi3" or (masquerading and interface_name == "Gi9"):
            nat = NatRole.OUTSIDE
        elif masquerading:
            nat = NatRole.INSIDE
        interfaces.append(_interface(interface_name, v4, v6, nat, chosen))
    routes = []
    defaults = {"R1": "203.0.113.1", "R2": "10.9.0.1" if cabled else None}  # the edge's ISP; R2 behind it
    if defaults.get(name):
        routes.append(StaticRoute(None, ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_address(defaults[name] or ""),
                                  None, 1, 499))  # fmt: skip
    names = [i.name for i in interfaces]
    for number in range(draw(st.integers(0, 4))):
        prefix = ipaddress.ip_network(draw(st.sampled_from(ROUTED)))
        target: str | None = draw(st.sampled_from([*names, "Null0", "hop", "hop", "hop"]))
        hop = None
        candidates = [h for h in hops if ipaddress.ip_address(h).version == prefix.version]
        if target == "hop" and candidates:
            hop = ipaddress.ip_address(draw(st.sampled_from(candidates)))
            target = None
        elif target == "hop":
            target = names[0]
        routes.append(StaticRoute(None, prefix, hop, target, draw(st.sampled_from([1, 5])), 500 + number))
    nat_rules: list[NatRule] = []
    outside = [i.name for i in interfaces if i.nat is NatRole.OUTSIDE]
    forwards = draw(st.booleans())
    if outside and forwards:
        target_host = ipaddress.ip_address(draw(st.sampled_from(["10.0.1.5", "10.0.2.9", "10.9.0.2", "10.0.1.2"])))
        nat_rules.append(NatRule("port_forward", "inside", target_host, 3389, None, outside[0], 3389, "tcp", None,
                                 None, 600))  # fmt: skip
    return Device(
        hostname=name, platform="cisco_ios", os_version=None, os_version_line=None,
        source=SourceText(f"{name}.cfg", (), "utf-8"), interfaces=tuple(interfaces), acls=tuple(acl_list),
        static_routes=tuple(routes), nat=tuple(nat_rules),
    )  # fmt: skip


def _next_hops(name: str, placement: dict[str, list[str]], cabled: bool) -> list[str]:
    """Addresses a device can route to: the other devices' on its segments, its link peer's, the
    internet gateway for the edge."""
    hops = []
    for other, segments in placement.items():
        for segment in set(segments) & set(placement[name]) if other != name else ():
            hops.append(f"10.0.{SEGMENTS[segment]}.{other[1:]}")
            hops += [f"2001:db8:{SEGMENTS[segment]}::{other[1:]}"] if segment != "c" else []
    if cabled and name in LINK_ADDRESSES:
        hops += [address.split("/")[0] for peer, address in LINK_ADDRESSES.items() if peer != name]
    if name == "R1":
        hops += ["203.0.113.1", "2001:db8:ff::1"]
    return hops


@st.composite
def facilities(draw: st.DrawFn) -> FacilityNetwork:
    count = draw(st.integers(2, 3))
    cabled = draw(st.booleans())
    placement = {f"R{i}": draw(st.lists(st.sampled_from(sorted(SEGMENTS)), min_size=1, max_size=2, unique=True))
                 for i in range(1, count + 1)}  # fmt: skip
    members = []
    for name, segments in placement.items():
        device = draw(_device(name, int(name[1:]), segments, cabled, _next_hops(name, placement, cabled)))
        members.append(Member(name, device, ("Gi3",) if name == "R1" else ()))
    return FacilityNetwork(members, _policy(cabled))


@st.composite
def packets(draw: st.DrawFn, zone: str) -> Packet:
    family = 4 if zone == "c" else draw(st.sampled_from([4, 6]))
    pool = HOSTS_V4 if family == 4 else HOSTS_V6
    if zone in SEGMENTS:
        base = ipaddress.ip_address(f"10.0.{SEGMENTS[zone]}.0" if family == 4 else f"2001:db8:{SEGMENTS[zone]}::")
        src = base + draw(st.integers(1, 250))
    else:
        src = ipaddress.ip_address(draw(st.sampled_from(["198.51.100.7", "8.8.8.8"] if family == 4 else
                                                           ["2001:db8:ffff::7"])))  # fmt: skip
    protocol = draw(st.sampled_from([6, 6, 17, 1 if family == 4 else 58]))
    ports = protocol in (6, 17)
    return Packet(
        src=src, dst=ipaddress.ip_address(draw(st.sampled_from(pool))), protocol=protocol,
        src_port=draw(st.sampled_from(PORTS)) if ports else 0,
        dst_port=draw(st.sampled_from([*PORTS, 3389, 3389])) if ports else 0,
        icmp_type=8 if protocol in (1, 58) else 0,
    )  # fmt: skip


def check_agreement(network: FacilityNetwork, data: Any) -> int:
    """For a random packet from every zone: in the engine's set for a destination exactly when the
    oracle delivers it there (where the engine calls its answer exact; where not, the set contains
    what the oracle delivers). Returns how many (packet, destination) pairs were compared."""
    space = network.space
    zones = [*network.zones(), DEVICE]
    compared = 0
    for zone in network.zones():
        if not network.entry_points(zone):
            continue
        senders = next(iter(network.devices.values())).segment_sources(zone)
        # The engine's own examples of what reaches and, within the senders, what does not (an
        # approximate answer only ever widens: what it leaves out must still not arrive).
        for destination in zones:
            reach = network.reach(zone, destination)
            for chosen, expected in ((reach.packets, True), (senders & ~reach.packets, False)):
                example = space.example(chosen)
                if example is not None and (reach.exact or not expected):
                    delivered = any(trace.zone == destination for trace in walk(network, zone, example))
                    assert delivered == expected, (zone, destination, example, expected)
                    compared += 1
        for _ in range(PACKETS_PER_ZONE):
            packet = data.draw(packets(zone), label=f"packet from {zone}")
            reached = {trace.zone for trace in walk(network, zone, packet)}
            for destination in zones:
                reach = network.reach(zone, destination)
                in_set = space.contains(reach.packets, packet)
                if reach.exact:
                    assert in_set == (destination in reached), (zone, destination, packet, reached)
                else:
                    assert in_set or destination not in reached, (zone, destination, packet, reach.reasons)
                compared += 1
    return compared
