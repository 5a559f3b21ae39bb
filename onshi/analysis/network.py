"""Which packets a device forwards from one zone to another, exactly.

Zones come from the facility policy (segments by address, VPNs by peer or by the interface that
attaches to their closed network, the internet by the internet-facing interfaces, and the device
itself); without a policy, every interface that does not face the internet is ``inside``. For a
source zone the device is evaluated as IOS-style edge routers forward, one ingress interface at a
time:

1. the packet enters an interface of the zone (its source within the zone's prefixes; from the
   internet, any source; from a crypto-map VPN, the mirror of the protected traffic);
2. the inbound filter (IPv4 ACL for IPv4 packets, IPv6 traffic filter for IPv6) is applied;
3. on a NAT outside interface, static NAT and port forwards rewrite the destination;
4. a packet for one of the device's own addresses goes to the ``device`` zone (through the
   zone-based firewall's self zone), one for a link-scoped, broadcast, loopback or (without
   multicast routing) multicast address is not forwarded; any other is routed by longest prefix match in the
   interface's VRF over connected and static routes (dynamic routing: any interface may be the
   egress, and the answer says it is an over-approximation);
5. the zone-based firewall between the two interfaces' zones and the outbound filter apply;
6. on an interface with a crypto map, what a map entry protects enters that entry's VPN; the rest
   leaves into the interface's own zone.

The answer is a BDD of pre-NAT packets (as the sender wrote them) per destination zone, with
whether it is exact. Analysis considers new connections: TCP packets with ``established`` set
are return traffic of a flow allowed the other way and are left out by the rules that ask.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from onshi.analysis.acl_sets import FilterSet, ListSets, acl_set, protocol_number
from onshi.analysis.packets import FIELDS, IPAddress, IPNetwork, PacketSpace, space
from onshi.model import Device, Interface, InterfaceKind, IpsecPolicy, NatRole, NatRule, ZonePair
from onshi.terms import DEVICE, INTERNET

if TYPE_CHECKING:  # the pydantic models: at the inventory's boundary only
    from onshi.policy import FacilityPolicy

INSIDE = "inside"
# Routers never forward to link-local unicast or interface/link-scope multicast destinations
# (RFC 4291 2.5.6 and 2.7): such packets end on the link they arrived on.
LINK_SCOPED = tuple(ipaddress.IPv6Network(n) for n in ("fe80::/10", "ff01::/16", "ff02::/16"))
# Nor to "this network", loopback or the limited broadcast (RFC 1812 5.3.7, 5.3.5.1), nor the
# unspecified or loopback IPv6 address; multicast only where the device routes multicast.
NEVER_ROUTED: tuple[IPNetwork, ...] = (
    *(ipaddress.IPv4Network(n) for n in ("0.0.0.0/8", "127.0.0.0/8", "255.255.255.255/32")),
    *(ipaddress.IPv6Network(n) for n in ("::/128", "::1/128")),
    *LINK_SCOPED,
)
MULTICAST: dict[int, IPNetwork] = {4: ipaddress.IPv4Network("224.0.0.0/4"), 6: ipaddress.IPv6Network("ff00::/8")}


def _down(interface: Interface, device: Device) -> bool:
    """Shut, or a tunnel whose transport interface is shut (no tunnel runs over a port that is down)."""
    if interface.shutdown:
        return True
    source = interface.tunnel.source if interface.tunnel is not None else None
    underlay = device.interface(source) if source else None
    return underlay is not None and underlay.shutdown


def not_routed(device: Device) -> tuple[IPNetwork, ...]:
    """Destinations the device never routes on: the reserved ones, and multicast of the families it
    does not route multicast for."""
    return (*NEVER_ROUTED, *(net for family, net in MULTICAST.items() if family not in device.multicast_routing))


SELF = "self"  # the zone-based firewall's name for the device
_NOT_FORWARDING = frozenset({InterfaceKind.LOOPBACK, InterfaceKind.NULL, InterfaceKind.VIRTUAL_TEMPLATE})
# `match protocol` names of inspect classes: (IP protocol, destination ports or None for any).
CLASS_PROTOCOLS: dict[str, tuple[tuple[int, tuple[int, ...] | None], ...]] = {
    "tcp": ((6, None),), "udp": ((17, None),), "icmp": ((1, None), (58, None)),
    "http": ((6, (80,)),), "https": ((6, (443,)),), "dns": ((17, (53,)), (6, (53,))),
    "ssh": ((6, (22,)),), "telnet": ((6, (23,)),), "ftp": ((6, (21,)),), "smtp": ((6, (25,)),),
    "pop3": ((6, (110,)),), "imap": ((6, (143,)),), "ntp": ((17, (123,)),), "snmp": ((17, (161,)),),
    "isakmp": ((17, (500,)),), "ipsec-msft": ((17, (4500,)),), "ms-wbt-server": ((6, (3389,)),),
    "microsoft-ds": ((6, (445,)),), "netbios-ssn": ((6, (139,)),), "bootps": ((17, (67,)),),
}  # fmt: skip


@dataclass(frozen=True)
class Reach:
    """Packets forwarded from one zone to another (pre-NAT), and how sure the answer is."""

    packets: Any
    exact: bool
    reasons: tuple[str, ...]


@dataclass
class _Flow:
    """Per destination zone: packets, and the reasons the answer may be too wide. ``common``
    reasons (ingress filters, routing) concern every destination; ``by_zone`` those met on the
    way to one destination (its egress filter, firewall class, crypto map)."""

    packets: dict[str, Any] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)
    by_zone: dict[str, set[str]] = field(default_factory=dict)

    def add(self, zone: str, packets: Any, sp: PacketSpace, reasons: Iterable[str] = ()) -> None:
        if not sp.is_empty(packets):
            self.packets[zone] = self.packets.get(zone, sp.false) | packets
            self.by_zone.setdefault(zone, set()).update(reasons)

    def reasons(self, zone: str) -> set[str]:
        return self.common | self.by_zone.get(zone, set())


@dataclass(frozen=True)
class Route:
    prefix: IPNetwork
    egress: str | None  # interface name; None drops (Null0, unresolvable)
    line: int | None  # None: a connected or learnt route
    distance: int = 0
    next_hop: IPAddress | None = None  # None: delivered on the egress link itself
    connected: bool = False  # the interface's own network: delivered to the destination, never proxied


@dataclass(frozen=True)
class Exit:
    """What one ingress interface hands on: ``packets`` (as they leave, after inbound NAT) through
    ``egress`` (None: to the device itself) into ``zone``, towards ``next_hop`` (None: delivered on
    the link, or into a VPN), with ``back`` mapping them to the packets that arrived."""

    egress: str | None
    zone: str
    next_hop: IPAddress | None
    packets: Any
    back: Callable[[Any], Any]
    reasons: frozenset[str]
    masquerade: IPAddress | None = None  # IPv4 sources leave translated to this address (PAT)
    connected: bool = False  # by a connected route: to the destination's own link address


class DeviceNetwork:
    """The forwarding behaviour of one device over the facility's zones."""

    def __init__(
        self,
        device: Device,
        policy: FacilityPolicy | None,
        internet: Iterable[str],
        closed: Mapping[str, str] | None = None,
        *,
        attached: Mapping[str, str] | None = None,
        ordinal: int = 0,
    ) -> None:
        self.device = device
        self.policy = policy
        self.space = space()
        self.unrouted_networks = not_routed(device)  # the oracle tests packets against the same list
        self.not_routed = self.space.networks("dst", self.unrouted_networks)
        self.multicast = self.space.networks("dst", tuple(MULTICAST[f] for f in sorted(device.multicast_routing)))
        self.internet = frozenset(name.lower() for name in internet)
        # Interfaces attached to a VPN's closed network (IP-VPN, NGN IPoE): interface → VPN zone.
        self.closed = {name.lower(): vpn for name, vpn in (closed or {}).items()}
        # In a facility: interfaces whose zone the topology states (a segment, or a link to another
        # device), whatever their addresses suggest.
        self.attached = {name.lower(): zone for name, zone in (attached or {}).items()}
        self.ordinal = ordinal  # keeps the placeholders of a facility's devices apart
        self.interfaces = {i.name.lower(): i for i in device.interfaces if not _down(i, device)}
        self.placeholders: dict[IPAddress, str] = {}
        self.placeholder_networks: dict[ipaddress.IPv6Network, str] = {}
        self.vpn_of_peer = self._vpn_peers()
        self.zone_of = {name: self._zone_of(interface) for name, interface in self.interfaces.items()}
        # Why an answer may be too wide, noted into the flow being computed (see ``_note``).
        self._collector: set[str] = set()
        self._route_notes: dict[str | None, set[str]] = {}
        self._device_addresses: dict[str | None, Any] = {}
        self._routes: dict[str | None, list[tuple[Route, Any]]] = {}
        self._from_zone: dict[str, _Flow] = {}
        self._filters: dict[tuple[str | None, int, Any], FilterSet] = {}
        self._list_sets: dict[tuple[str, int], ListSets] = {}  # each list's line sets, built once
        self._remembers: dict[Hashable, tuple[Any, frozenset[str]]] = {}  # see _remembered
        self._zones: list[str] | None = None

    # --- zones ------------------------------------------------------------------------------------

    def _vpn_peers(self) -> dict[str, str]:
        peers = {}
        for vpn in self.policy.vpns if self.policy else []:
            for peer in vpn.peers:
                peers[_normal(str(peer))] = vpn.name
        return peers

    def vpn_zone(self, peer: str | None, fallback: str) -> str:
        if peer is not None and _normal(peer) in self.vpn_of_peer:
            return self.vpn_of_peer[_normal(peer)]
        return f"vpn:{peer or fallback}"

    def _zone_of(self, interface: Interface) -> str | None:
        routed = interface.ipv4 or interface.ipv6 or interface.ipv4_dhcp or interface.ipv4_negotiated
        learnt = interface.ipv6_autoconfig or interface.ipv6_prefix_from
        if interface.kind in _NOT_FORWARDING or not (routed or learnt or interface.tunnel):
            return None  # a switch port or PPPoE carrier: layer 2 only
        if interface.name.lower() in self.attached:
            return self.attached[interface.name.lower()]
        if interface.name.lower() in self.closed:
            return self.closed[interface.name.lower()]
        if interface.name.lower() in self.internet:
            return INTERNET
        if interface.tunnel is not None:
            return self.vpn_zone(interface.tunnel.destination, interface.name)
        if self.policy is None:
            return INSIDE
        for segment in self.policy.segments:
            for address in interface.addresses:
                if any(address.ip in prefix for prefix in segment.prefixes):
                    return segment.name
        return f"unassigned:{interface.name}"

    def external(self, zone: str) -> bool:
        """Whether unsolicited traffic from ``zone`` comes from outside: the internet, or a closed
        network shared with the carrier's other subscribers."""
        return zone == INTERNET or zone in self.closed.values()

    def zones(self) -> list[str]:
        if self._zones is None:
            names = {zone for zone in self.zone_of.values() if zone is not None}
            names.update(zone for _, _, zone in self.crypto_vpns())
            self._zones = sorted(names)
        return self._zones

    def segment_sources(self, zone: str) -> Any:
        sp = self.space
        if self.policy is None or zone in (INTERNET, INSIDE) or zone.startswith("unassigned:"):
            return sp.true
        if zone in self.closed.values():
            return sp.true  # a closed network carries every subscriber's traffic, not only the VPN's
        segment = self.policy.segment(zone)
        if segment is not None:
            # A segment's senders are its hosts: the network and broadcast addresses of its prefixes
            # are no host's (RFC 1812 5.3.7 counts them invalid sources).
            hosts = self.declared_hosts(zone, "src")
            sources = hosts & sp.ipv4 if segment.ipv4 else sp.ipv4
            sources |= hosts & sp.ipv6 if segment.ipv6 or segment.ipv6_learnt else sp.ipv6
            return sources
        vpn = self.policy.vpn(zone)
        if vpn is not None and vpn.remote_prefixes:
            return sp.networks("src", vpn.remote_prefixes)
        return sp.true

    def declared_hosts(self, zone: str, field: str) -> Any:
        """Host addresses of the zone's declared prefixes in ``field`` (a segment's, a VPN's remote
        prefixes): neither the network nor (IPv4) the broadcast address of a prefix. False when the
        policy declares none."""
        sp = self.space
        prefixes: list[IPNetwork] = []
        if self.policy is not None:
            prefixes = list(self.policy.zone_prefixes(zone) or [])
        # A segment numbered from a prefix learnt at run time: its stand-in network (the facility's
        # where the policy declares it, else the interface's own).
        learnt = self._learnt_segment(zone)
        prefixes += [learnt] if learnt is not None else [
            self.learnt_network(i) for name, i in self.interfaces.items()
            if i.ipv6_prefix_from is not None and self.zone_of.get(name) == zone
        ]  # fmt: skip
        result = sp.false
        for prefix in prefixes:
            hosts = sp.network(field, prefix)
            if prefix.num_addresses > 2:
                hosts &= ~sp.address(field, prefix.network_address)
                if prefix.version == 4:
                    hosts &= ~sp.address(field, prefix.broadcast_address)
            result |= hosts
        return result

    # --- addresses and routes ----------------------------------------------------------------------

    def device_addresses(self, vrf: str | None) -> Any:
        if vrf not in self._device_addresses:
            sp = self.space
            result = sp.false
            for interface in self.interfaces.values():
                if interface.vrf != vrf:
                    continue
                for address in interface.addresses:
                    result |= sp.address("dst", address.ip)
                for placeholder in self._placeholders_of(interface):
                    result |= sp.address("dst", placeholder)
            self._device_addresses[vrf] = result
        return self._device_addresses[vrf]

    def _placeholders_of(self, interface: Interface) -> list[IPAddress]:
        """Addresses learnt at run time (PPP, DHCP, SLAAC) stand in as reserved placeholders."""
        found = []
        if interface.ipv4_negotiated or interface.ipv4_dhcp:
            address = ipaddress.IPv4Address(f"0.0.{self.ordinal}.{self._index(interface)}")
            found.append(self._placeholder(address, interface))
        shared = self._learnt_segment(self.zone_of.get(interface.name.lower()))
        if interface.ipv6_autoconfig:
            # On a segment whose prefix the facility learns, the address is one of that prefix's.
            within = shared if shared is not None else ipaddress.IPv6Network("100::/64")
            address6 = within[(self.ordinal << 16) | self._index(interface)]
            found.append(self._placeholder(address6, interface))
        if interface.ipv6_prefix_from is not None:
            # Each device's own address in a shared prefix, so that two devices never own the same.
            host = (self.ordinal << 16) | self._index(interface) if shared is not None else 1
            found.append(self.learnt_network(interface)[host])
        return found

    def learnt_network(self, interface: Interface) -> ipaddress.IPv6Network:
        """A network numbered from a prefix learnt at run time stands in as a /64 of the reserved
        100::/8 (100:0:D:N::/64 for device D of a facility, beside the address placeholders' 100::/64),
        labelled by its interface; on a segment the policy declares learnt, the segment's own stand-in."""
        shared = self._learnt_segment(self.zone_of.get(interface.name.lower()))
        if shared is not None:
            return shared
        network = ipaddress.IPv6Network(f"100:0:{self.ordinal:x}:{self._index(interface):x}::/64")
        self.placeholder_networks[network] = f"<{interface.name} prefix>"
        return network

    def _learnt_segment(self, zone: str | None) -> ipaddress.IPv6Network | None:
        """The stand-in of a segment whose IPv6 prefix the policy declares learnt at run time: the same
        /64 (100:0:ffff:S::/64, S its place in the policy) on every device of the facility, since
        they all number from the one prefix the carrier hands out."""
        if self.policy is None or zone is None:
            return None
        for position, segment in enumerate(self.policy.segments, start=1):
            if segment.name == zone and segment.ipv6_learnt is not None:
                network = ipaddress.IPv6Network(f"100:0:ffff:{position:x}::/64")
                self.placeholder_networks[network] = f"<{segment.name} prefix>"
                return network
        return None

    def label(self, address: IPAddress) -> str:
        """An address as a finding shows it: placeholders by the interface they stand in for."""
        if address in self.placeholders:
            return self.placeholders[address]
        for network, name in self.placeholder_networks.items():
            if address.version == 6 and address in network:
                return f"{name}::{int(address) & 0xFFFF_FFFF_FFFF_FFFF:x}"
        return str(address)

    def _index(self, interface: Interface) -> int:
        return 1 + list(self.interfaces).index(interface.name.lower())

    def _placeholder(self, address: IPAddress, interface: Interface) -> IPAddress:
        self.placeholders[address] = f"<{interface.name} address>"
        return address

    def interface_addresses(self, interface: Interface) -> list[IPAddress]:
        return [a.ip for a in interface.addresses] + self._placeholders_of(interface)

    def routes(self, vrf: str | None) -> list[tuple[Route, Any]]:
        """(route, destinations it wins) by longest prefix match; a route without egress drops."""
        if vrf in self._routes:
            return self._routes[vrf]
        sp = self.space
        covered = sp.false
        result: list[tuple[Route, Any]] = []
        # The families are disjoint sets, so one ordering by prefix length serves both.
        for prefix, best in sorted(best_routes(self.route_table(vrf)).items(), key=lambda item: -item[0].prefixlen):
            destinations = sp.network("dst", prefix) & ~covered
            result.extend((route, destinations) for route in best)  # equal cost: any of them
            covered |= sp.network("dst", prefix)
        if self.device.dynamic_routing_lines:
            self._route_notes.setdefault(vrf, set()).add(
                "dynamic routing: routes learnt at run time may reach any interface"
            )
            for name, interface in self.interfaces.items():
                if interface.vrf == vrf and self.zone_of.get(name) is not None:
                    result.append((Route(ipaddress.IPv4Network("0.0.0.0/0"), name, None), ~covered))
        self._routes[vrf] = result
        return result

    def route_table(self, vrf: str | None) -> list[Route]:
        table: list[Route] = []
        for name, interface in self.interfaces.items():
            if interface.vrf != vrf or self.zone_of.get(name) is None:
                continue
            for address in interface.addresses:
                table.append(Route(address.network, name, None, connected=True))
            # A DHCP or SLAAC client installs a default route through its interface (distance 254).
            if interface.ipv4_dhcp:
                table.append(Route(ipaddress.IPv4Network("0.0.0.0/0"), name, None, 254))
            if interface.ipv6_autoconfig:
                table.append(Route(ipaddress.IPv6Network("::/0"), name, None, 254))
            if interface.ipv6_prefix_from is not None or (
                interface.ipv6_autoconfig and self._learnt_segment(self.zone_of.get(name)) is not None
            ):  # numbered from the learnt prefix, or on it by SLAAC: the prefix is on-link
                table.append(Route(self.learnt_network(interface), name, None, connected=True))
        connected = list(table)
        for route in self.device.static_routes:
            if route.vrf == vrf:
                egress = self._resolve(route.interface, route.next_hop, connected, vrf)
                table.append(Route(route.prefix, egress, route.line, route.distance, route.next_hop))
        return table

    def _resolve(
        self, interface: str | None, next_hop: IPAddress | None, connected: list[Route], vrf: str | None
    ) -> str | None:
        if interface is not None:
            name = interface.lower()
            if name.startswith("null") or name not in self.interfaces:
                return None
            return name
        if next_hop is None:
            return None
        for route in sorted(connected, key=lambda r: -r.prefix.prefixlen):
            if route.line is None and route.prefix.version == next_hop.version and next_hop in route.prefix:
                return route.egress
        self._route_notes.setdefault(vrf, set()).add(
            f"next hop {next_hop} is not on a connected network: its routes are dropped"
        )
        return None

    # --- filters ------------------------------------------------------------------------------------

    def _filter(self, acl_name: str | None, family: int, packets: Any = None) -> FilterSet:
        """The filter's answer (for ``packets`` alone, given them); each list's line sets are built once
        for every question asked of it."""
        key = (acl_name, family, packets)
        if key not in self._filters:
            acl = self.device.acl(acl_name)
            undefined = acl_name if acl_name is not None and acl is None else None
            self._filters[key] = acl_set(self.space, acl, family, undefined, packets=packets, built=self._list_sets)
        found = self._filters[key]
        if not found.exact and found.reason:
            # Noted at every use, not only the first: each flow that meets the filter is approximate.
            self._note(found.reason)
        return found

    def admitted(self, interface: Interface, packets: Any) -> Any:
        """What of ``packets`` the inbound filters of ``interface`` let in, computed for ``packets``
        alone: a long filter is folded over the lines that match one of them (a segment's packets meet
        few lines of a list written for everything)."""
        v4 = self._filter(interface.acl_in, 4, packets).permitted & self._speaks(interface, 4)
        v6 = self._filter(interface.ipv6_acl_in, 6, packets).permitted & self._speaks(interface, 6)
        return v4 | v6

    def outbound(self, interface: Interface) -> Any:
        v4 = self._filter(interface.acl_out, 4).permitted & self._speaks(interface, 4)
        v6 = self._filter(interface.ipv6_acl_out, 6).permitted & self._speaks(interface, 6)
        return v4 | v6

    def _outbound_after_nat(self, ingress: Interface, egress: Interface) -> Any:
        """The egress filter as forwarded traffic meets it. Inside → outside, PAT has rewritten the source
        address and port before the outbound ACL looks: an ACL that ignores both decides exactly; one
        that does not is widened to what any source would pass (sound, and noted as approximate)."""
        permitted = self.outbound(egress)
        translated_first = not self.device.nat_outside_filters  # else the filter sees inside sources
        if translated_first and egress.nat is NatRole.OUTSIDE and ingress.nat is NatRole.INSIDE and egress.acl_out:
            sp = self.space
            v4 = permitted & sp.ipv4  # NAT translates IPv4 only
            blind = (sp.forget(v4, "src", "sport") & sp.ipv4) | (permitted & ~sp.ipv4)
            if blind != permitted:
                self._note(f"outbound ACL on {egress.name} sees NAT-translated sources")
                return blind
        return permitted

    def _speaks(self, interface: Interface, family: int) -> Any:
        sp = self.space
        if family == 4:
            speaks = bool(interface.ipv4) or interface.ipv4_dhcp or interface.ipv4_negotiated
            return sp.ipv4 if speaks or interface.kind is InterfaceKind.TUNNEL else sp.false
        return sp.ipv6 if interface.ipv6_enabled or interface.ipv6 else sp.false

    def _own_family(self, acl_name: str | None) -> Any:
        """What a referenced ACL permits among packets of its own family (nothing if undefined)."""
        acl = self.device.acl(acl_name)
        return self.space.false if acl is None else self._filter(acl_name, acl.family).permitted

    # --- zone-based firewall --------------------------------------------------------------------------

    def firewall(self, zone_in: str | None, zone_out: str | None) -> Any:
        """What the zone-based firewall lets from ``zone_in`` to ``zone_out`` (device zone names)."""
        sp = self.space
        if not self.device.zones:
            return sp.true
        pair = self.zone_pair(zone_in, zone_out)
        if zone_out == SELF:
            return sp.true if pair is None else self._policy(pair)
        if zone_in is None and zone_out is None:
            return sp.true
        if zone_in is None or zone_out is None:
            return sp.false
        if zone_in == zone_out and pair is None:
            return sp.true
        return sp.false if pair is None else self._policy(pair)

    def zone_pair(self, zone_in: str | None, zone_out: str | None) -> ZonePair | None:
        source = zone_in if zone_in is not None else None
        for pair in self.device.zone_pairs:
            if pair.source.lower() == (source or "").lower() and pair.destination.lower() == (zone_out or "").lower():
                return pair
        return None

    def _policy(self, pair: ZonePair) -> Any:
        """What a zone pair's policy lets through (the device's own pair: it lives as long as this model)."""
        return self._remembered(("policy", id(pair)), lambda: self._policy_packets(pair))

    def _onward(self, ingress: Interface, egress: Interface) -> Any:
        """What the zone-based firewall and the egress filter let on from ``ingress`` out of ``egress``
        (asked for every route that carries traffic from one interface to another)."""
        return self._remembered(
            ("onward", ingress.name, egress.name),
            lambda: self.firewall(ingress.zone, egress.zone) & self._outbound_after_nat(ingress, egress),
        )

    def _remembered(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key for this device; the notes it makes are made again at every use, as
        each flow that meets what it computed is as approximate as the first."""
        if key not in self._remembers:
            outer, self._collector = self._collector, set()
            try:
                value = compute()
            finally:
                notes, self._collector = frozenset(self._collector), outer
            self._remembers[key] = (value, notes)
        value, notes = self._remembers[key]
        self._collector.update(notes)
        return value

    def _policy_packets(self, pair: ZonePair) -> Any:
        sp = self.space
        allowed = sp.false
        for action in reversed(pair.actions):
            matched = self._class_set(action)
            allowed = (allowed | matched) if action.action in ("inspect", "pass") else (allowed & ~matched)
        return allowed

    def _class_set(self, action: Any) -> Any:
        sp = self.space
        if action.match_any:
            return sp.true
        if action.unmodelled:
            self._note(f"class {action.class_name} has conditions onshi does not model")
            return sp.true if action.action in ("inspect", "pass") else sp.false
        # A class matching an ACL that is not defined matches nothing; an ACL matches its own family.
        conditions = [self._own_family(acl) for acl in action.acls]
        conditions += [self._class_protocol(protocol, action.class_name) for protocol in action.protocols]
        if not conditions:
            return sp.false
        combined = conditions[0]
        for condition in conditions[1:]:
            combined = (combined & condition) if action.match_all else (combined | condition)
        return combined

    def _class_protocol(self, protocol: str, class_name: str) -> Any:
        if protocol not in CLASS_PROTOCOLS:
            self._note(f"class {class_name}: protocol {protocol} taken as any TCP or UDP")
        return _class_packets(self.space, protocol)

    # --- crypto maps -----------------------------------------------------------------------------------

    def crypto_entries(self, map_name: str) -> list[tuple[IpsecPolicy, Any, str]]:
        """Entries of an applied crypto map in sequence order: (entry, protected packets, zone)."""
        entries = [
            policy for policy in self.device.crypto.policies
            if policy.kind == "crypto_map" and policy.name.split()[0] == map_name
        ]  # fmt: skip
        result = []
        for policy in sorted(entries, key=lambda p: int(p.name.split()[1])):
            protected = self._own_family(policy.match_acl)  # an undefined crypto ACL protects nothing
            peer = policy.peers[0] if policy.peers else None
            result.append((policy, protected, self.vpn_zone(peer, policy.name)))
        return result

    def crypto_vpns(self) -> list[tuple[str, Any, str]]:
        """(interface, protected packets, VPN zone) for every entry of every applied crypto map."""
        result: list[tuple[str, Any, str]] = []
        for name, interface in self.interfaces.items():
            if interface.crypto_map:
                result.extend(
                    (name, protected, zone) for _, protected, zone in self.crypto_entries(interface.crypto_map)
                )
        return result

    # --- forwarding ----------------------------------------------------------------------------------

    def reach(self, source_zone: str, destination_zone: str) -> Reach:
        flow = self._flow(source_zone)
        packets = flow.packets.get(destination_zone, self.space.false)
        reasons = tuple(sorted(flow.reasons(destination_zone)))
        return Reach(packets, not reasons, reasons)

    def _note(self, reason: str) -> None:
        self._collector.add(reason)

    def _flow(self, zone: str) -> _Flow:
        if zone not in self._from_zone:
            flow = _Flow()
            for interface, packets in self.entries(zone):
                self._forward(interface, packets, flow)
            self._from_zone[zone] = flow
        return self._from_zone[zone]

    def entries(self, zone: str) -> list[tuple[Interface, Any]]:
        """Where packets of ``zone`` enter the device, and which: on the zone's interfaces, its
        senders; through a crypto-map VPN, the mirror of what the map protects."""
        found = [(self.interfaces[name], self.segment_sources(zone)) for name, z in self.zone_of.items() if z == zone]
        found += [(self.interfaces[name], self._decrypted(name, zone))
                  for name, _protected, vpn in self.crypto_vpns() if vpn == zone]  # fmt: skip
        return found

    def _decrypted(self, interface_name: str, zone: str) -> Any:
        """Packets arriving through a crypto-map VPN: the mirror of what its entries protect."""
        sp = self.space
        result = sp.false
        for _, protected, vpn in self.crypto_vpns():
            if vpn == zone:
                result |= mirror(sp, protected)
        return result & self.segment_sources(zone)

    def _forward(self, interface: Interface, sources: Any, flow: _Flow) -> None:
        exits, common = self._exits(interface, sources)
        flow.common |= common  # what the ingress meets (its filter, routing) concerns every destination
        for exit_ in exits:
            flow.add(exit_.zone, exit_.back(exit_.packets), self.space, exit_.reasons)

    def exits(self, interface: Interface, packets: Any) -> list[Exit]:
        """Where ``packets`` arriving on ``interface`` go, each exit with every reason its answer
        may be too wide."""
        exits, common = self._exits(interface, packets)
        return [exit_ if common <= exit_.reasons else replace(exit_, reasons=exit_.reasons | common) for exit_ in exits]

    def _exits(self, interface: Interface, packets: Any) -> tuple[list[Exit], frozenset[str]]:
        sp = self.space
        common = self._collecting()
        if self.device.nat_outside_filters:  # translated first, then filtered (see Device)
            pieces = [(self.admitted(interface, post), back) for post, back in self._nat_inbound(interface, packets)]
        else:
            filtered = self.admitted(interface, packets)
            pieces = [] if sp.is_empty(filtered) else self._nat_inbound(interface, filtered)
        exits: list[Exit] = []
        for post, back in pieces:
            if not sp.is_empty(post):
                exits.extend(self._route(interface, post, back, common))
        return exits, frozenset(common)

    def _nat_inbound(self, interface: Interface, packets: Any) -> list[tuple[Any, Callable[[Any], Any]]]:
        """(post-NAT packets, map back to pre-NAT) pieces: untranslated, then one per static rule."""
        sp = self.space
        if interface.nat is not NatRole.OUTSIDE:
            return [(packets, unchanged)]
        pieces: list[tuple[Any, Callable[[Any], Any]]] = []
        untranslated = packets
        for rule in self.device.nat:
            if rule.direction != "inside" or rule.kind == "dynamic":
                continue
            matched, post, fields = self._static_nat(rule, untranslated)  # the first matching rule wins
            if matched is None or sp.is_empty(matched):
                continue
            untranslated &= ~matched
            pieces.append((post, _back(sp, matched, fields)))
        return [(untranslated, unchanged), *pieces]

    def _static_nat(self, rule: NatRule, packets: Any) -> tuple[Any, Any, tuple[str, ...]]:
        sp = self.space
        outside = self.global_address(rule)
        if outside is None or rule.inside_address is None:
            return None, None, ()
        matched = packets & sp.address("dst", outside)
        rewrite: dict[str, Any] = {"dst": sp.address("dst", rule.inside_address)}
        if rule.kind == "port_forward" and rule.protocol is not None:
            number = protocol_number(rule.protocol, outside.version) or 0
            matched &= sp.protocol(number) & sp.value("dport", rule.outside_port or 0)
            rewrite["dport"] = sp.value("dport", rule.inside_port or 0)
        return matched, sp.rewrite(matched, rewrite), tuple(rewrite)

    def global_address(self, rule: NatRule) -> IPAddress | None:
        if rule.outside_address is not None:
            return rule.outside_address
        interface = self.interfaces.get((rule.outside_interface or "").lower())
        if interface is None:
            return None
        addresses = self.interface_addresses(interface)
        return next((a for a in addresses if a.version == 4), None)

    def _route(self, interface: Interface, packets: Any, back: Callable[[Any], Any], common: set[str]) -> list[Exit]:
        """The exits of ``packets`` (after inbound NAT, which ``back`` undoes) from ``interface``; what
        concerns them all goes into ``common``."""
        sp = self.space
        exits: list[Exit] = []

        def leave(exit_: Exit) -> None:
            if not sp.is_empty(exit_.packets):
                exits.append(exit_)

        routes = self.routes(interface.vrf)
        common |= self._route_notes.get(interface.vrf, set())
        own = self.device_addresses(interface.vrf)
        local = self._collecting()
        to_self = packets & own & self.firewall(interface.zone, SELF)
        leave(Exit(None, DEVICE, None, to_self, back, frozenset(local)))
        transit = packets & ~own & ~self.not_routed
        if not sp.is_empty(transit & self.multicast):
            common.add("multicast routing is on: multicast is analysed as routed by the unicast table")
        for route, destinations in routes:
            if route.egress is None:
                continue
            egress = self.interfaces[route.egress]
            leaving = transit & destinations
            if sp.is_empty(leaving):
                continue
            local = self._collecting()
            leaving &= self._onward(interface, egress)
            pat = self.masquerade(interface, egress)
            if egress.crypto_map:
                if any(p.kind == "dynamic_map" for p in self.device.crypto.policies):
                    local.add("dynamic crypto map peers are not analysed")
                for _, protected, vpn in self.crypto_entries(egress.crypto_map):
                    leave(Exit(route.egress, vpn, None, leaving & protected, back, frozenset(local)))
                    leaving &= ~protected
            zone = self.zone_of.get(route.egress)
            if zone is not None:
                leave(Exit(route.egress, zone, route.next_hop, leaving, back, frozenset(local), pat, route.connected))
        self._collector = common
        return exits

    def masquerade(self, ingress: Interface, egress: Interface) -> IPAddress | None:
        """The address IPv4 sources are translated to from ``ingress`` out of ``egress``: inside to
        outside, the egress interface's own (PAT, as edge routers masquerade)."""
        if egress.nat is not NatRole.OUTSIDE or ingress.nat is not NatRole.INSIDE:
            return None
        return next((a for a in self.interface_addresses(egress) if a.version == 4), None)

    def _collecting(self) -> set[str]:
        """A fresh set that notes made from now on go into (one destination's reasons)."""
        self._collector = set()
        return self._collector


def mirror(sp: PacketSpace, packets: Any) -> Any:
    """Swap source and destination (addresses and ports): traffic in the opposite direction."""
    return sp.bdd.let(_mirrored_names(), packets)


@cache
def _mirrored_names() -> dict[str, str]:
    """Each source variable's destination twin and back (made once: some 300 names)."""
    renaming = {}
    for first, second in (("dst", "src"), ("dport", "sport")):
        first_prefix, width = FIELDS[first]
        second_prefix, _ = FIELDS[second]
        for index in range(width):
            renaming[f"{first_prefix}{index}"] = f"{second_prefix}{index}"
            renaming[f"{second_prefix}{index}"] = f"{first_prefix}{index}"
    return renaming


def unchanged(packets: Any) -> Any:
    """The map back of packets no translation touched."""
    return packets


def _back(sp: PacketSpace, matched: Any, fields: tuple[str, ...]) -> Callable[[Any], Any]:
    def back(forwarded: Any) -> Any:
        return matched & sp.forget(forwarded, *fields)

    return back


def _normal(peer: str) -> str:
    try:
        return str(ipaddress.ip_address(peer))
    except ValueError:
        return peer.lower()


def best_routes(table: list[Route]) -> dict[IPNetwork, list[Route]]:
    """Per prefix, the routes of the lowest administrative distance (several: equal cost)."""
    best: dict[IPNetwork, list[Route]] = {}
    for route in table:
        current = best.get(route.prefix)
        if current is None or route.distance < current[0].distance:
            best[route.prefix] = [route]
        elif route.distance == current[0].distance:
            current.append(route)
    return best


@lru_cache(maxsize=256)
def _class_packets(sp: PacketSpace, protocol: str) -> Any:
    """What a class-map's ``match protocol`` names (an unknown one: any TCP or UDP); the same for
    every device of a process that shares the packet space, so built once."""
    known = CLASS_PROTOCOLS.get(protocol)
    if known is None:
        return sp.protocol(6) | sp.protocol(17)
    result = sp.false
    for number, ports in known:
        part = sp.protocol(number)
        if ports is not None:
            port_set = sp.false
            for port in ports:
                port_set |= sp.value("dport", port)
            part &= port_set
        result |= part
    return result
