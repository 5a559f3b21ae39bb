"""The packet-set engine against the single-packet oracle on random devices and packets.

Random ACLs (IPv4 and IPv6, in and out on every interface), static routes (longest prefix match,
administrative distance, Null0, next hops), a static port forward, and optionally a zone-based
firewall are built directly as model objects. For random packets entering from each zone, a
packet is in the engine's set for a destination zone exactly when the oracle forwards it there,
wherever the engine calls its answer exact; where it flags an approximation, its set contains what
the oracle forwards.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.network import DeviceNetwork
from onshi.analysis.oracle import forward
from onshi.analysis.packets import Packet
from onshi.model import (
    ANY_ADDRESS,
    ANY_PORT,
    Acl,
    AclEntry,
    AddressMatch,
    Device,
    Interface,
    InterfaceKind,
    NatRole,
    NatRule,
    PortMatch,
    SourceText,
    StaticRoute,
    Zone,
    ZoneAction,
    ZonePair,
)
from onshi.policy import DEVICE, FacilityPolicy

V4 = {"Gi0": "10.0.1.1/24", "Gi1": "10.0.2.1/24", "Gi2": "10.0.3.1/24", "Gi3": "203.0.113.2/30"}
V6 = {"Gi0": "2001:db8:1::1/64", "Gi1": "2001:db8:2::1/64", "Gi3": "2001:db8:ff::2/64"}
SEGMENTS = {"a": "Gi0", "b": "Gi1", "c": "Gi2"}
POLICY = FacilityPolicy.model_validate({
    "name": "random", "code": "1300000002", "connection": "ipsec_ike",
    "segments": [
        {"name": "a", "kind": "onshi", "level": "high", "ipv4": ["10.0.1.0/24"], "ipv6": ["2001:db8:1::/64"]},
        {"name": "b", "kind": "office", "level": "medium", "ipv4": ["10.0.2.0/24"], "ipv6": ["2001:db8:2::/64"]},
        {"name": "c", "kind": "guest_wifi", "level": "low", "ipv4": ["10.0.3.0/24"]},
    ],
})  # fmt: skip

V4_POOL = ["10.0.1.5", "10.0.1.77", "10.0.2.9", "10.0.2.200", "10.0.3.3", "10.0.1.1", "10.0.2.1", "203.0.113.2",
           "203.0.113.1", "198.51.100.7", "172.16.4.4", "10.0.7.7", "8.8.8.8"]  # fmt: skip
V6_POOL = [
    "2001:db8:1::5",
    "2001:db8:2::9",
    "2001:db8:ff::2",
    "2001:db8:ff::1",
    "2001:db8:9::9",
    "2001:db8:1::1",
]
V4_NETS = ["10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.1.0/25", "10.0.3.0/24", "0.0.0.0/0", "172.16.0.0/12",
           "203.0.113.0/30", "10.0.2.128/25"]  # fmt: skip
V6_NETS = ["2001:db8::/32", "2001:db8:1::/64", "2001:db8:2::/64", "::/0", "2001:db8:ff::/64"]
PORTS = [22, 80, 443, 500, 3389, 51000]


def address_matches(
    family: int, v4: tuple[list[str], list[str]] | None = None, v6: tuple[list[str], list[str]] | None = None
) -> st.SearchStrategy[AddressMatch]:
    """Any, or one or two of the (networks, hosts) pools of the family."""
    nets, hosts = (v4 or (V4_NETS, V4_POOL)) if family == 4 else (v6 or (V6_NETS, V6_POOL))
    network = st.sampled_from(nets).map(ipaddress.ip_network)
    host = st.sampled_from(hosts).map(ipaddress.ip_network)
    return st.one_of(
        st.just(ANY_ADDRESS),
        st.lists(st.one_of(network, host), min_size=1, max_size=2).map(lambda n: AddressMatch(tuple(n))),
    )


PORT_MATCH = st.one_of(
    st.just(ANY_PORT),
    st.sampled_from(PORTS).map(lambda p: PortMatch(((p, p),))),
    st.tuples(st.sampled_from(PORTS), st.sampled_from(PORTS)).map(lambda r: PortMatch(((min(r), max(r)),))),
)


AddressStrategy = Callable[[int], st.SearchStrategy[AddressMatch]]


@st.composite
def entries(draw: st.DrawFn, family: int, line: int, addresses: AddressStrategy = address_matches) -> AclEntry:
    protocol = draw(st.sampled_from(["ip", "ip", "tcp", "udp", "icmp", "esp"]))
    ports = protocol in ("tcp", "udp")
    return AclEntry(
        action=draw(st.sampled_from(["permit", "deny"])),
        protocol=protocol,
        source=draw(addresses(family)),
        source_ports=draw(PORT_MATCH) if ports else ANY_PORT,
        destination=draw(addresses(family)),
        destination_ports=draw(PORT_MATCH) if ports else ANY_PORT,
        established=protocol == "tcp" and draw(st.booleans()),
        icmp_type=draw(st.sampled_from([None, 0, 8, 3])) if protocol == "icmp" else None,
        icmp_code=None,
        line=line,
    )


@st.composite
def acls(draw: st.DrawFn, name: str, family: int, first_line: int, addresses: AddressStrategy = address_matches) -> Acl:
    count = draw(st.integers(0, 6))
    listed = [draw(entries(family, first_line + 1 + index, addresses)) for index in range(count)]
    return Acl(name, 4 if family == 4 else 6, "extended", tuple(listed), first_line)


@st.composite
def devices(draw: st.DrawFn) -> Device:
    acl_list: list[Acl] = []
    interfaces: list[Interface] = []
    line = 1000
    zoned = draw(st.booleans())
    for name, v4_address in V4.items():
        chosen: dict[str, str | None] = {}
        for slot, family in (("in", 4), ("out", 4), ("v6in", 6), ("v6out", 6)):
            if draw(st.booleans()):
                acl_name = f"{name}-{slot}"
                acl_list.append(draw(acls(acl_name, family, line)))
                line += 10
                chosen[slot] = acl_name
            else:
                chosen[slot] = None
        v6 = (ipaddress.IPv6Interface(V6[name]),) if name in V6 else ()
        interfaces.append(Interface(
            name=name, kind=InterfaceKind.PHYSICAL, description="", shutdown=False, vrf=None,
            ipv4=(ipaddress.IPv4Interface(v4_address),), ipv4_dhcp=False, ipv4_negotiated=False, ipv6=v6,
            ipv6_enabled=bool(v6), ipv6_autoconfig=False, acl_in=chosen["in"], acl_out=chosen["out"],
            ipv6_acl_in=chosen["v6in"], ipv6_acl_out=chosen["v6out"],
            nat=NatRole.OUTSIDE if name == "Gi3" else NatRole.INSIDE, zone=draw(st.sampled_from(["IN", "OUT", None])) if zoned else None,
            crypto_map=None, dialer_pool=None, pppoe_client=False, cdp_enabled=None, vlan_id=None, tunnel=None,
            urpf=False, lines=(len(interfaces) * 10 + 1,),
        ))  # fmt: skip
    routes = []
    for index in range(draw(st.integers(0, 4))):
        prefix = ipaddress.ip_network(draw(st.sampled_from([*V4_NETS, *V6_NETS])))
        target: str | None = draw(st.sampled_from([*V4, "Null0", "hop"]))
        hop = None
        if target == "hop":
            hop = ipaddress.ip_address(
                draw(st.sampled_from(["10.0.2.254", "203.0.113.1", "2001:db8:2::fe", "192.0.2.1"]))
            )
            target = None
        routes.append(StaticRoute(None, prefix, hop, target, draw(st.sampled_from([1, 5, 250])), 500 + index))
    nat: tuple[NatRule, ...] = ()
    if draw(st.booleans()):
        nat = (NatRule("port_forward", "inside", ipaddress.ip_address("10.0.1.5"), 3389, None, "Gi3", draw(st.sampled_from(PORTS)),
                       "tcp", None, None, 600),)  # fmt: skip
    zones: tuple[Zone, ...] = ()
    pairs: tuple[ZonePair, ...] = ()
    if zoned:
        zones = (Zone("IN", 700), Zone("OUT", 701))
        actions = []
        for index in range(draw(st.integers(0, 3))):
            protocols = tuple(draw(st.lists(st.sampled_from(["tcp", "udp", "icmp", "https", "ssh"]), max_size=2)))
            class_acls = tuple(draw(st.lists(st.sampled_from([a.name for a in acl_list] or ["none"]), max_size=1)))
            actions.append(ZoneAction(f"C{index}", draw(st.sampled_from(["inspect", "pass", "drop"])),
                                      False, class_acls, protocols, 710 + index, draw(st.booleans())))  # fmt: skip
        actions.append(ZoneAction("class-default", "drop", True, (), (), 719))
        pair_list = []
        for number, (source, destination) in enumerate(
            draw(
                st.lists(
                    st.sampled_from([("IN", "OUT"), ("OUT", "IN"), ("IN", "self"), ("OUT", "self"), ("IN", "IN")]),
                    max_size=3,
                    unique=True,
                )
            )
        ):
            pair_list.append(ZonePair(f"P{number}", source, destination, "PM", tuple(actions), 720 + number))  # fmt: skip
        pairs = tuple(pair_list)
    return Device(
        hostname="random", platform="cisco_ios", os_version=None, os_version_line=None,
        source=SourceText("random.cfg", (), "utf-8"), interfaces=tuple(interfaces), acls=tuple(acl_list),
        static_routes=tuple(routes), nat=nat, zones=zones, zone_pairs=pairs,
    )  # fmt: skip


@st.composite
def packets(draw: st.DrawFn, source_zone: str) -> Packet:
    family = draw(st.sampled_from([4, 6])) if source_zone != "c" else 4
    pool = V4_POOL if family == 4 else V6_POOL
    if source_zone in SEGMENTS:
        prefix = ipaddress.ip_network(
            next(s for s in POLICY.segments if s.name == source_zone).prefixes[0 if family == 4 else 1]
        )
        src = prefix.network_address + draw(st.integers(1, 250))
    else:
        src = ipaddress.ip_address(draw(st.sampled_from(pool)))
    protocol = draw(st.sampled_from([6, 17, 1 if family == 4 else 58, 50]))
    return Packet(
        src=src,
        dst=ipaddress.ip_address(draw(st.sampled_from(pool))),
        protocol=protocol,
        src_port=draw(st.sampled_from(PORTS)) if protocol in (6, 17) else 0,
        dst_port=draw(st.sampled_from(PORTS)) if protocol in (6, 17) else 0,
        icmp_type=draw(st.sampled_from([0, 3, 8])) if protocol in (1, 58) else 0,
        established=protocol == 6 and draw(st.booleans()),
    )  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(device=devices(), data=st.data())
def test_engine_and_oracle_agree(device: Device, data: st.DataObject) -> None:
    network = DeviceNetwork(device, POLICY, ["Gi3"])
    space = network.space
    zones = [*network.zones(), DEVICE]
    for name, zone in sorted(network.zone_of.items()):
        assert zone is not None
        packet = data.draw(packets(zone), label=f"packet from {zone}")
        if packet.dst == ipaddress.ip_address("203.0.113.2") and packet.protocol == 6 and data.draw(st.booleans()):
            packet = replace(packet, dst_port=3389)  # exercise the port forward
        verdict = forward(network, network.interfaces[name], packet)
        for destination in zones:
            reach = network.reach(zone, destination)
            in_set = space.contains(reach.packets, packet)
            if reach.exact:
                assert in_set == (destination in verdict.zones), (zone, destination, packet, verdict)
            else:  # a flagged approximation only ever widens: what the oracle forwards is in it
                assert in_set or destination not in verdict.zones, (zone, destination, packet, verdict, reach.reasons)


def test_an_approximate_filter_makes_every_flow_through_it_approximate() -> None:
    """An outbound ACL with an entry onshi cannot model exactly, met by two source zones: both
    answers say so (the note used to go only into the first flow that computed the filter)."""
    qualified = AclEntry("permit", "ip", ANY_ADDRESS, ANY_PORT, ANY_ADDRESS, ANY_PORT, False, None, None, 11,
                         qualified=True)  # fmt: skip
    acl = Acl("WAN-OUT", 4, "extended", (qualified,), 10)
    interfaces = []
    for name, address in (("Gi0", "10.0.1.1/24"), ("Gi1", "10.0.2.1/24"), ("Gi3", "203.0.113.2/30")):
        interfaces.append(Interface(
            name=name, kind=InterfaceKind.PHYSICAL, description="", shutdown=False, vrf=None,
            ipv4=(ipaddress.IPv4Interface(address),), ipv4_dhcp=False, ipv4_negotiated=False, ipv6=(),
            ipv6_enabled=False, ipv6_autoconfig=False, acl_in=None, acl_out="WAN-OUT" if name == "Gi3" else None,
            ipv6_acl_in=None, ipv6_acl_out=None, nat=None, zone=None, crypto_map=None, dialer_pool=None,
            pppoe_client=False, cdp_enabled=None, vlan_id=None, tunnel=None, urpf=False, lines=(1,),
        ))  # fmt: skip
    device = Device(
        hostname="r", platform="cisco_ios", os_version=None, os_version_line=None,
        source=SourceText("r.cfg", (), "utf-8"), interfaces=tuple(interfaces), acls=(acl,),
        static_routes=(StaticRoute(None, ipaddress.ip_network("0.0.0.0/0"), None, "Gi3", 1, 20),), nat=(),
    )  # fmt: skip
    network = DeviceNetwork(device, POLICY, ["Gi3"])
    for zone in ("a", "b"):
        reach = network.reach(zone, "internet")
        assert not reach.exact, zone
        assert "ACL WAN-OUT has entries onshi cannot model exactly" in reach.reasons
