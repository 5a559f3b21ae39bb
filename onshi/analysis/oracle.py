"""The single-packet oracle: forward one concrete packet the obvious way, line by line.

It shares the zones, addresses and route table with :class:`~onshi.analysis.network.DeviceNetwork`
(they are data) but evaluates every filter, NAT rule, route and firewall policy on its own, by
first match over the model, without BDDs. Tests compare it with the set answer on random
configurations and packets; the rules run it on each example packet, both to check the engine
and to collect the lines that let the packet through (the finding's evidence).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from onshi.analysis.acl_sets import ICMPV6, protocol_number
from onshi.analysis.network import CLASS_PROTOCOLS, SELF, DeviceNetwork, Route, best_routes
from onshi.analysis.packets import Packet
from onshi.model import Acl, AclEntry, AddressMatch, Interface, NatRole, NatRule, PortMatch, ZoneAction
from onshi.terms import DEVICE

_ND = (135, 136)


@dataclass(frozen=True)
class PacketExit:
    """One way the packet leaves: through ``egress`` (None: to the device itself) into ``zone``
    towards ``next_hop`` (None: on the link), as ``packet`` (after inbound NAT), with the lines that
    let it out that way (besides the verdict's common ones)."""

    egress: str | None
    zone: str
    next_hop: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    packet: Packet
    lines: tuple[int, ...]
    masquerade: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    connected: bool = False


@dataclass
class Verdict:
    """Where the packet ends up (zones; several with equal-cost routes) and the deciding lines."""

    zones: set[str] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)
    dropped_by: list[int] = field(default_factory=list)
    exits: list[PacketExit] = field(default_factory=list)

    def leave(self, exit_: PacketExit) -> None:
        self.zones.add(exit_.zone)
        self.lines.extend(exit_.lines)
        self.exits.append(exit_)


# --- filters -----------------------------------------------------------------------------------------


def _in(match: AddressMatch, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return match.any_ or any(address.version == n.version and address in n for n in match.networks)


def _port(match: PortMatch, port: int) -> bool:
    return match.any or any(low <= port <= high for low, high in match.ranges)


def entry_matches(entry: AclEntry, packet: Packet) -> bool:
    number = protocol_number(entry.protocol, packet.version)
    if number is not None and number != packet.protocol:
        return False
    if not (_in(entry.source, packet.src) and _in(entry.destination, packet.dst)):
        return False
    if number in (6, 17) and not (
        _port(entry.source_ports, packet.src_port) and _port(entry.destination_ports, packet.dst_port)
    ):
        return False
    if number == 6 and entry.established and not packet.established:
        return False
    if number in (1, ICMPV6) and entry.icmp_type is not None:
        if entry.icmp_type != packet.icmp_type:
            return False
        if entry.icmp_code is not None and entry.icmp_code != packet.icmp_code:
            return False
    return True


def acl_decision(acl: Acl | None, packet: Packet) -> tuple[bool, int | None]:
    """(permitted, deciding line) by first match; undefined or empty lists permit."""
    if acl is None or acl.family != packet.version or (not acl.entries and not acl.unparsed_lines):
        return True, None
    for entry in acl.entries:
        if entry.qualified and entry.action == "deny":
            continue
        if entry_matches(entry, packet):
            return entry.action == "permit", entry.line
    if acl.implicit_nd and packet.version == 6 and packet.protocol == ICMPV6 and packet.icmp_type in _ND:
        return True, acl.line
    return False, acl.line  # implicit deny


def acl_matches(acl: Acl | None, packet: Packet) -> bool:
    """A referenced ACL as a match condition (crypto map, class map): only its own family."""
    return acl is not None and acl.family == packet.version and acl_decision(acl, packet)[0]


# --- the walk -------------------------------------------------------------------------------------------


def forward(network: DeviceNetwork, interface: Interface, packet: Packet) -> Verdict:
    """Forward ``packet`` arriving on ``interface``."""
    verdict = Verdict()
    if not _speaks(interface, packet.version):
        return verdict
    acl_name = interface.acl_in if packet.version == 4 else interface.ipv6_acl_in
    translate_first = network.device.nat_outside_filters
    if translate_first:
        packet = _nat_inbound(network, interface, packet, verdict)
    permitted, line = acl_decision(network.device.acl(acl_name), packet)
    _note(verdict, line, permitted)
    if not permitted:
        return verdict
    if not translate_first:
        packet = _nat_inbound(network, interface, packet, verdict)
    if packet.dst in _device_addresses(network, interface):
        if _firewall(network, interface.zone, SELF, packet, verdict):
            verdict.leave(PacketExit(None, DEVICE, None, packet, ()))
        return verdict
    if any(packet.dst.version == net.version and packet.dst in net for net in network.unrouted_networks):
        return verdict  # never forwarded off its link
    for route in _lookup(network, interface.vrf, packet):
        if route.line is not None:
            verdict.lines.append(route.line)
        if route.egress is not None:
            _leave(network, interface, route, packet, verdict)
    return verdict


def _note(verdict: Verdict, line: int | None, permitted: bool) -> None:
    if line is not None:
        (verdict.lines if permitted else verdict.dropped_by).append(line)


def _speaks(interface: Interface, version: int) -> bool:
    if version == 4:
        return bool(interface.ipv4 or interface.ipv4_dhcp or interface.ipv4_negotiated or interface.tunnel)
    return bool(interface.ipv6_enabled or interface.ipv6)


def _device_addresses(network: DeviceNetwork, interface: Interface) -> set[object]:
    addresses: set[object] = set()
    for other in network.interfaces.values():
        if other.vrf == interface.vrf:
            addresses.update(network.interface_addresses(other))
    return addresses


def _nat_inbound(network: DeviceNetwork, interface: Interface, packet: Packet, verdict: Verdict) -> Packet:
    if interface.nat is not NatRole.OUTSIDE:
        return packet
    for rule in network.device.nat:
        if rule.direction != "inside" or rule.kind == "dynamic" or rule.inside_address is None:
            continue
        translated = _static(network, rule, packet)
        if translated is not None:
            verdict.lines.append(rule.line)
            return translated
    return packet


def _static(network: DeviceNetwork, rule: NatRule, packet: Packet) -> Packet | None:
    outside = network.global_address(rule)
    if outside is None or packet.dst != outside or rule.inside_address is None:
        return None
    if rule.kind == "port_forward":
        number = protocol_number(rule.protocol or "", packet.version)
        if packet.protocol != number or packet.dst_port != rule.outside_port:
            return None
        return replace(packet, dst=rule.inside_address, dst_port=rule.inside_port or 0)
    return replace(packet, dst=rule.inside_address)


def _lookup(network: DeviceNetwork, vrf: str | None, packet: Packet) -> list[Route]:
    """The best routes for the destination by longest prefix match (all of them when equal)."""
    best = best_routes(network.route_table(vrf))
    matching = [prefix for prefix in best if prefix.version == packet.version and packet.dst in prefix]
    if matching:
        return best[max(matching, key=lambda prefix: prefix.prefixlen)]
    if network.device.dynamic_routing_lines:
        return [
            Route(ipaddress.ip_network(packet.dst), name, None)
            for name, interface in network.interfaces.items()
            if interface.vrf == vrf and network.zone_of.get(name) is not None
        ]
    return []


def _leave(network: DeviceNetwork, ingress: Interface, route: Route, packet: Packet, verdict: Verdict) -> None:
    assert route.egress is not None
    egress = network.interfaces[route.egress]
    if not _firewall(network, ingress.zone, egress.zone, packet, verdict):
        return
    acl_name = egress.acl_out if packet.version == 4 else egress.ipv6_acl_out
    if not _speaks(egress, packet.version):
        return
    permitted, line = acl_decision(network.device.acl(acl_name), packet)
    _note(verdict, line, permitted)
    if not permitted:
        return
    if egress.crypto_map:
        for policy, _protected, vpn in network.crypto_entries(egress.crypto_map):
            acl = network.device.acl(policy.match_acl)
            if acl_matches(acl, packet):  # the first entry whose ACL permits it encrypts it
                line = acl_decision(acl, packet)[1]
                lines = tuple(line_ for line_ in (policy.line, line) if line_ is not None)
                verdict.leave(PacketExit(egress.name.lower(), vpn, None, packet, lines))
                return
    zone = network.zone_of.get(egress.name.lower())
    if zone is not None:
        pat = _masquerade(network, ingress, egress)
        lines = tuple(egress.lines[:1])
        verdict.leave(PacketExit(egress.name.lower(), zone, route.next_hop, packet, lines, pat, route.connected))


def _masquerade(
    network: DeviceNetwork, ingress: Interface, egress: Interface
) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Inside to outside, IPv4 sources leave as the egress interface's address (see DeviceNetwork)."""
    if egress.nat is not NatRole.OUTSIDE or ingress.nat is not NatRole.INSIDE:
        return None
    return next((a for a in network.interface_addresses(egress) if a.version == 4), None)


def _firewall(
    network: DeviceNetwork, zone_in: str | None, zone_out: str | None, packet: Packet, verdict: Verdict
) -> bool:
    device = network.device
    if not device.zones:
        return True
    pair = network.zone_pair(zone_in, zone_out)
    if zone_out == SELF and pair is None:
        return True
    if pair is None:
        return (zone_in is None and zone_out is None) or (zone_in is not None and zone_in == zone_out)
    for action in pair.actions:
        if _class_matches(network, action, packet):
            allowed = action.action in ("inspect", "pass")
            (verdict.lines if allowed else verdict.dropped_by).extend((pair.line, action.line))
            return allowed
    verdict.dropped_by.append(pair.line)
    return False


def _class_matches(network: DeviceNetwork, action: ZoneAction, packet: Packet) -> bool:
    if action.match_any:
        return True
    if action.unmodelled:
        return action.action in ("inspect", "pass")
    results = [acl_matches(network.device.acl(name), packet) for name in action.acls]
    results += [_protocol_matches(name, packet) for name in action.protocols]
    if not results:
        return False
    return all(results) if action.match_all else any(results)


def _protocol_matches(name: str, packet: Packet) -> bool:
    known = CLASS_PROTOCOLS.get(name)
    if known is None:
        return packet.protocol in (6, 17)
    return any(packet.protocol == number and (ports is None or packet.dst_port in ports) for number, ports in known)
