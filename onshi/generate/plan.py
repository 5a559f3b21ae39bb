"""The facility policy and a host's baseline variables, turned into a neutral plan of what the
baseline config must do: which packets each interface admits, which VPNs exist, which secrets.

Pure functions over frozen dataclasses. A platform module formats the plan; its template renders it.
Anything the baseline cannot express is a :class:`GenerateError` naming the host and the field, so
that nothing is half-rendered.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from onshi.generate.filters import PRIVATE, FilterEntry, IPv4, IPv6, Network, Towards, group, ipsec, permits
from onshi.generate.variables import BaselineVars
from onshi.generate.zones import SELF, ZonePairPlan, zone_name, zone_pairs
from onshi.policy import FacilityPolicy, Segment, Vpn
from onshi.terms import DEVICE, INTERNET, VpnPurpose, within_prefix

if TYPE_CHECKING:  # the wireless plan builds on this module's secrets
    from onshi.generate.wireless import RadiusPlan, SsidPlan

FIRST_TUNNEL = 10


class GenerateError(ValueError):
    """A baseline that cannot be generated: names the host and the field."""

    def __init__(self, host: str, field: str, message: str) -> None:
        super().__init__(f"host {host}, field {field}: {message}")
        self.host, self.field = host, field


class SecretValue:
    """A secret read from the environment. Its repr never shows it; only a platform hashes it."""

    def __init__(self, variable: str, value: str) -> None:
        self.variable = variable
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"SecretValue(${self.variable}, ********)"


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    name: str
    description: str
    vlan: int
    gateway: ipaddress.IPv4Interface
    filter_in: tuple[FilterEntry, ...]  # then deny everything
    nat: bool  # has internet flows: translated to the uplink address
    gateway6: ipaddress.IPv6Interface | None = None  # a dual-stack segment (towards a closed network)
    filter_in6: tuple[FilterEntry, ...] = ()  # then deny everything
    towards: tuple[Towards, ...] = ()  # the same entries by destination (for a zone-based firewall)


@dataclass(frozen=True, slots=True)
class VpnPlan:
    name: str
    owner: str
    tunnel: int
    peer: ipaddress.IPv4Address
    address: ipaddress.IPv4Interface
    remote_prefixes: tuple[IPv4, ...]
    filter_in: tuple[FilterEntry, ...]
    filter_out: tuple[FilterEntry, ...]
    towards: tuple[Towards, ...] = ()  # filter_in by destination segment
    psk: SecretValue | None = None  # the IKE pre-shared key, where the platform authenticates with one


@dataclass(frozen=True, slots=True)
class ClosedNetworkPlan:
    """A VPN reached natively over a carrier's closed network (IP-VPN: NGN IPv6 IPoE): the interface
    takes its address and default route from router advertisements and the segments' prefix by
    DHCPv6 prefix delegation; both filters admit the declared flows only."""

    name: str
    owner: str
    interface: str
    remote_prefixes: tuple[IPv6, ...]
    filter_in6: tuple[FilterEntry, ...]  # then deny everything
    filter_out6: tuple[FilterEntry, ...]
    towards: tuple[Towards, ...] = ()  # the declared flows by destination segment, and the device's needs

    @property
    def admits_flows(self) -> bool:
        """Whether declared flows start on the closed network (their replies need inspection)."""
        return any(towards.destination != DEVICE for towards in self.towards)


@dataclass(frozen=True, slots=True)
class LanVpnPlan:
    """A VPN another router of the facility terminates (a provider's or vendor's VPN router on
    ``segment`` at ``router``): its prefixes are routed there, and its declared flows cross the
    segment's interface, in (from the VPN) as out (to it)."""

    name: str
    owner: str
    router: ipaddress.IPv4Address
    segment: str
    remote_prefixes: tuple[IPv4, ...]


@dataclass(frozen=True, slots=True)
class UplinkPlan:
    kind: Literal["pppoe", "dhcp"]
    interface: str
    pppoe_username: str | None
    pppoe_password: SecretValue | None
    filter_in: tuple[FilterEntry, ...]
    # Isolated with VPNs kept: (inbound, outbound) filters bound instead of filter_in (then deny all).
    # Separate lists, because one emptied entry by entry while bound would permit everything for a moment.
    isolate: tuple[tuple[FilterEntry, ...], tuple[FilterEntry, ...]] | None = None
    carries: str | None = None  # the closed network that shares the physical interface (PPPoE + IPoE)
    shut: bool = False  # isolated with no tunnel kept: the internet side (and a PPPoE dialer) is shut
    keep_carrier: bool = False  # ... but the physical interface stays up for a kept closed network


@dataclass(frozen=True, slots=True)
class BaselinePlan:
    host: str
    hostname: str
    domain_name: str
    lan_interface: str
    segment_interfaces: Literal["svi", "subinterface"]
    segments: tuple[SegmentPlan, ...]
    vpns: tuple[VpnPlan, ...]
    uplink: UplinkPlan
    management_sources: tuple[IPv4, ...]
    ntp_servers: tuple[str, ...]
    syslog_servers: tuple[str, ...]
    session_timeout: int
    trustpoint: str
    enable_secret: SecretValue
    users: tuple[tuple[str, SecretValue], ...]
    closed_networks: tuple[ClosedNetworkPlan, ...] = ()
    lan_vpns: tuple[LanVpnPlan, ...] = ()  # VPNs other routers of the facility terminate
    isolation_keep: tuple[str, ...] = ()  # VPNs that stay up when the external network is cut
    isolated: bool = False  # the incident variant (MHLW6 18 ①): internet and other VPNs cut
    firewall: Literal["zone", "cbac"] = "zone"
    zone_pairs: tuple[ZonePairPlan, ...] = ()  # the zone-based firewall (firewall "zone")
    ssids: tuple[SsidPlan, ...] = ()  # a firewall serving its own access points (role firewall, wifi)
    radius: RadiusPlan | None = None  # ... and authenticating internal SSIDs' users (802.1X)

    @property
    def reversible(self) -> dict[str, SecretValue]:
        """Secrets the router must be able to send (the PPPoE password, IKE keys), by name."""
        found = {"pppoe": self.uplink.pppoe_password} if self.uplink.pppoe_password else {}
        found |= {f"psk:{ssid.name}": ssid.passphrase for ssid in self.ssids if ssid.passphrase is not None}
        found |= {"radius": self.radius.key} if self.radius else {}
        return found | {f"ike:{vpn.name}": vpn.psk for vpn in self.vpns if vpn.psk is not None}

    def cut(self, vpn: str) -> bool:
        """Whether this VPN (tunnel or closed network) is cut in the isolated variant."""
        return self.isolated and vpn not in self.isolation_keep

    @property
    def closed_networks_cut(self) -> bool:
        """Closed networks are cut by deny-all filters: their port may carry the kept uplink too."""
        return any(self.cut(network.name) for network in self.closed_networks)

    def isolated_variant(self) -> BaselinePlan:
        """The incident config: only the kept tunnels' IKE and ESP cross the uplink (when none is kept,
        the uplink is shut), the other tunnels and closed networks are shut, and the flows of VPNs
        other routers terminate are no longer let through (their routers are cut on those routers)."""
        plan = self._without_lan_vpns([v for v in self.lan_vpns if v.name not in self.isolation_keep])
        kept = [vpn.peer for vpn in self.vpns if vpn.name in self.isolation_keep]
        if not kept:  # the uplink is shut: its filters stay as they are
            carrier_kept = self.uplink.carries is not None and self.uplink.carries in self.isolation_keep
            return replace(plan, isolated=True, uplink=replace(self.uplink, shut=True, keep_carrier=carrier_kept))
        # Outbound, nothing is forwarded: the device's own IKE and ESP to the kept peers are not subject
        # to an outbound ACL on IOS, and a permit for them would let the LAN's translated traffic out too.
        isolate = (_wan_filter(kept), ())
        uplink = replace(self.uplink, isolate=isolate)
        return replace(plan, isolated=True, uplink=uplink)

    def _without_lan_vpns(self, cut: Sequence[LanVpnPlan]) -> BaselinePlan:
        prefixes = [prefix for vpn in cut for prefix in vpn.remote_prefixes]
        if not prefixes:
            return self
        segments = tuple(_without(segment, prefixes) for segment in self.segments)
        pairs = _zone_pairs(segments, self.vpns, self.closed_networks, self.uplink)
        return replace(self, segments=segments, zone_pairs=pairs)


def plan_baseline(
    host: str,
    policy: FacilityPolicy,
    variables: BaselineVars,
    environment: Mapping[str, str],
    vpn_interfaces: Mapping[str, str] | None = None,
) -> BaselinePlan:
    """``vpn_interfaces``: the host's interfaces that attach to a VPN's closed network (host data)."""
    closed = {vpn: interface for interface, vpn in (vpn_interfaces or {}).items()}
    _check_supported(host, policy, closed, variables.vpn_routers)
    segments = {segment.name: _prefix(host, segment) for segment in policy.segments}
    gateways = {name: _gateway(host, name, prefix, variables) for name, prefix in segments.items()}
    segments6 = {s.name: p for s in policy.segments if (p := _prefix6(host, s)) is not None}
    gateways6 = {name: _gateway6(host, name, prefix, variables) for name, prefix in segments6.items()}
    lan_vpns = tuple(_lan_vpn(host, vpn, variables.vpn_routers[vpn.name], addressing=(segments, gateways),
                              policy=policy) for vpn in policy.vpns if vpn.name in variables.vpn_routers)  # fmt: skip
    addressing = _Addressing(segments, gateways, segments6, gateways6, lan_vpns)
    tunnels = [vpn for vpn in policy.vpns if vpn.name not in closed and vpn.name not in variables.vpn_routers]
    vpns = tuple(_vpn(host, index, vpn, policy=policy, variables=variables, prefixes=segments,
                      environment=environment) for index, vpn in enumerate(tunnels))  # fmt: skip
    networks = tuple(_closed(host, vpn, closed[vpn.name], policy, addressing) for vpn in policy.vpns
                     if vpn.name in closed)  # fmt: skip
    segment_plans = tuple(
        _segment(host, s, policy=policy, variables=variables, addressing=addressing) for s in policy.segments
    )
    uplink = _uplink(host, variables, vpns, environment, networks)
    return BaselinePlan(
        host=host,
        hostname=variables.hostname or host,
        domain_name=variables.domain_name,
        lan_interface=variables.lan_interface,
        segment_interfaces=variables.segment_interfaces,
        segments=segment_plans,
        vpns=vpns,
        uplink=uplink,
        management_sources=tuple(_ipv4_only(host, "facility.management_sources", policy.management_sources)),
        ntp_servers=tuple(policy.ntp_servers),
        syslog_servers=tuple(policy.syslog_servers),
        session_timeout=policy.session_timeout_minutes,
        trustpoint=variables.trustpoint,
        enable_secret=secret_from(host, "baseline.enable_secret_env", variables.enable_secret_env, environment),
        users=tuple(
            (user.name, secret_from(host, f"baseline.users[{i}].secret_env", user.secret_env, environment))
            for i, user in enumerate(variables.users)
        ),
        closed_networks=networks,
        lan_vpns=lan_vpns,
        isolation_keep=tuple(policy.isolation_keep),
        firewall=variables.firewall,
        zone_pairs=_zone_pairs(segment_plans, vpns, networks, uplink),
    )


def _zone_pairs(
    segments: Sequence[SegmentPlan], vpns: Sequence[VpnPlan], networks: Sequence[ClosedNetworkPlan], uplink: UplinkPlan
) -> tuple[ZonePairPlan, ...]:
    """The zone-based firewall of the plan's parts: each zone with what it may open."""
    parts: tuple[SegmentPlan | VpnPlan | ClosedNetworkPlan, ...] = (*segments, *vpns, *networks)
    sources = [(zone_name(part.name), part.towards) for part in parts]
    return zone_pairs(sources, [vpn.peer for vpn in vpns], uplink.kind == "dhcp")


@dataclass(frozen=True, slots=True)
class _Addressing:
    """The segments' prefixes and the router's addresses in them, IPv4 and (dual-stack) IPv6."""

    prefixes: Mapping[str, IPv4]
    gateways: Mapping[str, ipaddress.IPv4Interface]
    prefixes6: Mapping[str, IPv6]
    gateways6: Mapping[str, ipaddress.IPv6Interface]
    lan_vpns: tuple[LanVpnPlan, ...] = ()

    def lan_vpn(self, name: str) -> LanVpnPlan | None:
        return next((vpn for vpn in self.lan_vpns if vpn.name == name), None)


# --- what the baseline supports ----------------------------------------------------------------------


def _check_supported(
    host: str, policy: FacilityPolicy, closed: Mapping[str, str], routers: Mapping[str, ipaddress.IPv4Address]
) -> None:
    claims = [vpn.name for vpn in policy.vpns if vpn.kind is VpnPurpose.CLAIMS_NETWORK]
    for name in sorted(set(routers) - {vpn.name for vpn in policy.vpns}):
        raise GenerateError(host, f"baseline.vpn_routers.{name}", "no such VPN in the facility policy")
    for name in sorted(set(routers) & set(closed)):
        raise GenerateError(host, f"baseline.vpn_routers.{name}", "the VPN is on this host's closed network port "
                            "(data.vpn_interfaces): it cannot also be another router's")  # fmt: skip
    for name in claims:
        if name in routers:
            continue  # the provider's router reaches it, by either method
        if policy.connection == "ip_vpn" and name not in closed:
            raise GenerateError(host, "data.vpn_interfaces", f"connection 'ip_vpn' reaches the claims network "
                                f"{name!r} over the carrier's closed network: name its interface")  # fmt: skip
        if policy.connection == "ipsec_ike" and name in closed:
            raise GenerateError(host, f"data.vpn_interfaces.{closed[name]}", f"connection 'ipsec_ike' reaches the "
                                f"claims network {name!r} over IPsec, not over a closed network")  # fmt: skip
    segments = {segment.name for segment in policy.segments}
    zones = [zone_name(name) for name in (*segments, *(vpn.name for vpn in policy.vpns), INTERNET, SELF)]
    clashes = sorted({zone for zone in zones if zones.count(zone) > 1})
    if clashes:
        raise GenerateError(host, "facility.segments", f"two zones would both be named {clashes[0]!r} in the "
                            "config (names differ only in case, or a segment or VPN is named 'self')")  # fmt: skip
    for index, flow in enumerate(policy.flows):
        if flow.source in (INTERNET, DEVICE):
            raise GenerateError(host, f"facility.flows[{index}]", f"flows from {flow.source!r} are not generated "
                                "(a published service needs a reviewed static NAT, never a baseline)")  # fmt: skip
        if flow.source not in segments and flow.destination not in segments:
            raise GenerateError(host, f"facility.flows[{index}]", f"a flow from VPN {flow.source!r} is generated "
                                "only to a segment")  # fmt: skip
    for vpn in policy.vpns:
        if vpn.listener is not None:
            raise GenerateError(host, f"facility.vpns[{vpn.name}].listener", "remote-access listeners are not "
                                "generated; use site-to-site IPsec")  # fmt: skip


def _lan_vpn(
    host: str, vpn: Vpn, router: ipaddress.IPv4Address, *,
    addressing: tuple[Mapping[str, IPv4], Mapping[str, ipaddress.IPv4Interface]], policy: FacilityPolicy,
) -> LanVpnPlan:  # fmt: skip
    field = f"baseline.vpn_routers.{vpn.name}"
    prefixes, gateways = addressing
    segment = next((name for name, prefix in prefixes.items() if router in prefix), None)
    if (
        segment is None
        or router == gateways[segment].ip
        or router in (prefixes[segment].network_address, prefixes[segment].broadcast_address)
    ):
        raise GenerateError(host, field, f"{router} is no host of a segment other than this router: the VPN "
                            "router's address on the segment it sits on")  # fmt: skip
    if not any(link.segment == segment and link.device != host for link in policy.topology.links):
        # Alone, this router cannot tell the VPN's traffic from its segment's: only the facility can.
        raise GenerateError(host, field, "declare the VPN's router as a host of the facility, linked to "
                            f"segment {segment!r} in topology.links: the baseline is audited with it as one "
                            "network")  # fmt: skip
    remote = tuple(_ipv4_only(host, f"facility.vpns[{vpn.name}].remote_prefixes", vpn.remote_prefixes))
    if not remote:
        raise GenerateError(host, f"facility.vpns[{vpn.name}].remote_prefixes", "a VPN routed to another router "
                            "carries only declared remote prefixes")  # fmt: skip
    return LanVpnPlan(vpn.name, vpn.owner, router, segment, remote)


def _without(segment: SegmentPlan, prefixes: Sequence[IPv4]) -> SegmentPlan:
    """The segment's filters without the entries from or to ``prefixes`` (a VPN cut in isolation)."""

    def kept(entry: FilterEntry) -> bool:
        return not any(isinstance(end, IPv4) and any(end.subnet_of(p) for p in prefixes)
                       for end in (entry.source, entry.destination))  # fmt: skip

    towards = tuple(replace(t, entries4=tuple(filter(kept, t.entries4))) for t in segment.towards)
    return replace(segment, filter_in=tuple(filter(kept, segment.filter_in)), towards=towards)


def _prefix(host: str, segment: Segment) -> IPv4:
    if len(segment.ipv4) != 1:
        raise GenerateError(host, f"facility.segments[{segment.name}].ipv4",
                            "the baseline needs exactly one IPv4 prefix per segment")  # fmt: skip
    return segment.ipv4[0]


def _prefix6(host: str, segment: Segment) -> IPv6 | None:
    """A dual-stack segment's IPv6 prefix: one /64, for SLAAC hosts."""
    if not segment.ipv6:
        return None
    if len(segment.ipv6) != 1 or segment.ipv6[0].prefixlen != 64:
        raise GenerateError(host, f"facility.segments[{segment.name}].ipv6",
                            "the baseline takes at most one IPv6 prefix per segment, a /64")  # fmt: skip
    return segment.ipv6[0]


def _ipv4_only(host: str, field: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> list[IPv4]:
    result = []
    for network in networks:
        if not isinstance(network, IPv4):
            raise GenerateError(host, field, f"{network} is IPv6; only a closed network carries IPv6 in the baseline")
        result.append(network)
    return result


def _gateway(host: str, segment: str, prefix: IPv4, variables: BaselineVars) -> ipaddress.IPv4Interface:
    gateway = variables.gateways.get(segment) or ipaddress.IPv4Interface(f"{next(prefix.hosts())}/{prefix.prefixlen}")
    if gateway.network != prefix:
        raise GenerateError(host, f"baseline.gateways.{segment}", f"{gateway} is not in the segment's prefix {prefix}")
    return gateway


def _gateway6(host: str, segment: str, prefix: IPv6, variables: BaselineVars) -> ipaddress.IPv6Interface:
    gateway = variables.gateways6.get(segment) or ipaddress.IPv6Interface(f"{prefix.network_address + 1}/64")
    if gateway.network != prefix:
        raise GenerateError(host, f"baseline.gateways6.{segment}", f"{gateway} is not in the segment's prefix {prefix}")
    return gateway


def secret_from(host: str, field: str, variable: str, environment: Mapping[str, str]) -> SecretValue:
    """The secret in environment variable ``variable``; ``field`` names where the inventory names it."""
    value = environment.get(variable)
    if not value:
        raise GenerateError(host, field, f"environment variable {variable} is not set")
    return SecretValue(variable, value)


# --- filters from the declared flows ---------------------------------------------------------------------


def _segment(
    host: str, segment: Segment, *, policy: FacilityPolicy, variables: BaselineVars, addressing: _Addressing
) -> SegmentPlan:
    """The segment's inbound filters: its declared flows to segments, VPNs and the device, then (IPv4)
    to the internet (any address but the private ranges), then nothing else. IPv6 goes where IPv6 is:
    other dual-stack segments, the device, and IPv6 remote prefixes (a closed network)."""
    vlan = variables.vlans.get(segment.name)
    if vlan is None:
        raise GenerateError(host, f"baseline.vlans.{segment.name}", "every segment needs a VLAN id")
    own, own6 = addressing.prefixes[segment.name], addressing.prefixes6.get(segment.name)
    inside: list[tuple[str, FilterEntry]] = []  # (destination, entry)
    inside6: list[tuple[str, FilterEntry]] = []
    outside: list[FilterEntry] = []
    vpns = {vpn.name: vpn for vpn in policy.vpns}
    for flow in (f for f in policy.flows if f.source == segment.name):
        to = flow.destination
        lan = addressing.lan_vpn(to)
        if lan is not None:  # out of the segment the VPN's router sits on (from there, hosts reach it directly)
            if lan.segment != segment.name:
                inside += [(lan.segment, e) for e in permits(flow, own, lan.remote_prefixes)]
        elif to in addressing.prefixes:
            inside += [(to, e) for e in permits(flow, own, (addressing.prefixes[to],))]
            if own6 is not None and to in addressing.prefixes6:
                inside6 += [(to, e) for e in permits(flow, own6, (addressing.prefixes6[to],))]
        elif to in vpns:
            remote = vpns[to].remote_prefixes
            inside += [(to, e) for e in permits(flow, own, tuple(p for p in remote if isinstance(p, IPv4)))]
            remote6 = tuple(p for p in remote if isinstance(p, IPv6))
            if remote6 and own6 is None:
                raise GenerateError(host, f"facility.segments[{segment.name}].ipv6", f"the flow to "
                                    f"{to!r} reaches IPv6 prefixes: the segment needs one")  # fmt: skip
            inside6 += [(to, e) for e in permits(flow, own6, remote6)]
        elif to == DEVICE:
            inside += [(to, e) for e in permits(flow, own, (IPv4(addressing.gateways[segment.name].ip),))]
            if own6 is not None:
                inside6 += [(to, e) for e in permits(flow, own6, (IPv6(addressing.gateways6[segment.name].ip),))]
        elif to == INTERNET:
            outside += permits(flow, own, (None,))
    inside += _from_lan_vpns(policy, segment.name, addressing)
    inside, inside6 = _uncovered(inside), _uncovered(inside6)
    outside = [entry for _, entry in _uncovered([(INTERNET, entry) for entry in outside])]
    private = [FilterEntry("deny", "ip", None, network) for network in PRIVATE] if outside else []
    gateway6 = addressing.gateways6.get(segment.name)
    if gateway6 is not None:
        inside6 += [(DEVICE, entry) for entry in _neighbour_discovery(gateway6)]
    towards = _towards(inside, inside6)
    if outside:
        towards.append(Towards(INTERNET, (*private, *outside)))
    return SegmentPlan(segment.name, segment.description, vlan, addressing.gateways[segment.name],
                       (*(e for _, e in inside), *private, *outside), nat=bool(outside), gateway6=gateway6,
                       filter_in6=tuple(e for _, e in inside6), towards=tuple(towards))  # fmt: skip


def _uncovered(entries: list[tuple[str, FilterEntry]]) -> list[tuple[str, FilterEntry]]:
    """The permits no earlier permit already makes (two declared flows may overlap: a host-level
    flow inside a zone-wide one): a line no packet can reach is a defect of its own (HYG-01)."""
    kept: list[tuple[str, FilterEntry]] = []
    for destination, entry in entries:
        if not any(_covers(earlier, entry) for _, earlier in kept):
            kept.append((destination, entry))
    return kept


def _covers(earlier: FilterEntry, entry: FilterEntry) -> bool:
    if earlier.action != "permit" or entry.action != "permit" or earlier.source_port is not None:
        return False
    if earlier.icmp is not None:
        return False
    ports = not earlier.ports or (bool(entry.ports) and set(entry.ports) <= set(earlier.ports))
    service = earlier.protocol == "ip" or (earlier.protocol == entry.protocol and ports)
    return service and _within(entry.source, earlier.source) and _within(entry.destination, earlier.destination)


def _within(inner: Network | None, outer: Network | None) -> bool:
    return outer is None or (inner is not None and within_prefix(inner, outer))


def _from_lan_vpns(policy: FacilityPolicy, segment: str, addressing: _Addressing) -> list[tuple[str, FilterEntry]]:
    """The declared flows of VPNs whose router sits on ``segment``, into the other segments: they
    enter this router through the segment's interface."""
    found: list[tuple[str, FilterEntry]] = []
    for lan in (vpn for vpn in addressing.lan_vpns if vpn.segment == segment):
        for flow in (f for f in policy.flows if f.source == lan.name and f.destination in addressing.prefixes):
            if flow.destination != segment:  # to its own segment the VPN's router delivers directly
                target = (addressing.prefixes[flow.destination],)
                found += [(flow.destination, entry) for remote in lan.remote_prefixes
                          for entry in permits(flow, remote, target)]  # fmt: skip
    return found


def _towards(entries4: list[tuple[str, FilterEntry]], entries6: list[tuple[str, FilterEntry]]) -> list[Towards]:
    """Entries by destination, IPv4 and IPv6 together, in the order the destinations first appear."""
    by4, by6 = group(entries4), group(entries6)
    destinations = list(dict.fromkeys([*by4, *by6]))
    return [Towards(d, tuple(by4.get(d, ())), tuple(by6.get(d, ()))) for d in destinations]


def _neighbour_discovery(gateway: ipaddress.IPv6Interface) -> list[FilterEntry]:
    """What hosts need of the router on their link: neighbour discovery to its link-local, multicast
    and own addresses, and router solicitation. The explicit final deny would otherwise drop it."""
    scopes = (IPv6("fe80::/10"), IPv6("ff02::/16"), IPv6(gateway.ip))
    messages = ("nd-ns", "nd-na")
    found = [FilterEntry("permit", "icmp", None, scope, icmp=message) for message in messages for scope in scopes]
    return [*found, FilterEntry("permit", "icmp", None, IPv6("ff02::/16"), icmp="router-solicitation")]


def _closed(host: str, vpn: Vpn, interface: str, policy: FacilityPolicy, addressing: _Addressing) -> ClosedNetworkPlan:
    """A closed network (NGN IPv6 IPoE): in, spoofed own sources and the router's segment addresses
    dropped, the declared flows to the segments, router advertisements, neighbour discovery and
    DHCPv6 answers to the router; out, the declared flows from the segments. Replies to the
    segments' connections: stateful inspection."""
    field = f"facility.vpns[{vpn.name}]"
    if vpn.peers:
        raise GenerateError(host, f"{field}.peers", "a closed network has no tunnel peers (its interface is "
                            "declared in data.vpn_interfaces)")  # fmt: skip
    remote = tuple(p for p in vpn.remote_prefixes if isinstance(p, IPv6))
    if not remote or len(remote) != len(vpn.remote_prefixes):
        raise GenerateError(host, f"{field}.remote_prefixes", "a closed network is reached over NGN IPv6 IPoE: "
                            "declare its IPv6 prefixes, and only IPv6 prefixes")  # fmt: skip
    own = tuple(addressing.prefixes6.values())
    inbound = _inbound(policy, vpn.name, remote, addressing.prefixes6)
    outbound = [e for f in policy.flows if f.destination == vpn.name and f.source in addressing.prefixes6
                for e in permits(f, addressing.prefixes6[f.source], remote)]  # fmt: skip
    spoofed = [FilterEntry("deny", "ip", prefix, None) for prefix in own]
    # The router's own addresses in the segments are the device, which the closed network does not reach.
    spoofed += [FilterEntry("deny", "ip", None, IPv6(gateway.ip)) for gateway in addressing.gateways6.values()]
    own_link = [FilterEntry("permit", "icmp", IPv6("fe80::/10"), None, icmp="router-advertisement"),
                FilterEntry("permit", "icmp", None, None, icmp="nd-ns"),
                FilterEntry("permit", "icmp", None, None, icmp="nd-na")]  # fmt: skip
    dhcp = [FilterEntry("permit", "udp", None, None, (546,), source_port=547)]
    # The segments' prefixes are closed to anything undeclared before the router's own needs are let in.
    closed = [FilterEntry("deny", "ip", None, prefix) for prefix in own]
    towards = [*_towards([], inbound), Towards(DEVICE, (), (*own_link, *dhcp))]
    return ClosedNetworkPlan(vpn.name, vpn.owner, interface, remote, (*spoofed, *(e for _, e in inbound), *closed,
                             *own_link, *dhcp), tuple(outbound), tuple(towards))  # fmt: skip


def _inbound(policy: FacilityPolicy, vpn: str, remote: Sequence[Network], prefixes: Mapping[str, Network]
             ) -> list[tuple[str, FilterEntry]]:  # fmt: skip
    """The declared flows from a VPN's remote prefixes to segments: (destination segment, entry)."""
    return [(f.destination, e) for f in policy.flows if f.source == vpn and f.destination in prefixes
            for r in remote for e in permits(f, r, (prefixes[f.destination],))]  # fmt: skip


def _vpn(
    host: str,
    index: int,
    vpn: Vpn,
    *,
    policy: FacilityPolicy,
    variables: BaselineVars,
    prefixes: Mapping[str, IPv4],
    environment: Mapping[str, str],
) -> VpnPlan:
    field = f"facility.vpns[{vpn.name}]"
    try:
        peers = [ipaddress.ip_address(str(peer)) for peer in vpn.peers]
    except ValueError:
        peers = []  # a host name: the tunnel needs the address it is pinned to
    if len(peers) != 1 or not isinstance(peers[0], ipaddress.IPv4Address):
        raise GenerateError(host, f"{field}.peers", "a generated VPN is pinned to exactly one IPv4 peer address")
    address = variables.tunnels.get(vpn.name)
    if address is None:
        raise GenerateError(host, f"baseline.tunnels.{vpn.name}", "the tunnel's inner address is needed")
    remote = tuple(_ipv4_only(host, f"{field}.remote_prefixes", vpn.remote_prefixes))
    if not remote:
        raise GenerateError(host, f"{field}.remote_prefixes", "a generated VPN carries only declared remote prefixes")
    inbound = _inbound(policy, vpn.name, remote, prefixes)
    outbound = [e for f in policy.flows if f.destination == vpn.name and f.source in prefixes
                for e in permits(f, prefixes[f.source], remote)]  # fmt: skip
    variable = variables.psk_env.get(vpn.name)
    psk = secret_from(host, f"baseline.psk_env.{vpn.name}", variable, environment) if variable else None
    return VpnPlan(vpn.name, vpn.owner, FIRST_TUNNEL + index, peers[0], address, remote,
                   tuple(e for _, e in inbound), tuple(outbound), tuple(_towards(inbound, [])), psk)  # fmt: skip


def _uplink(
    host: str,
    variables: BaselineVars,
    vpns: tuple[VpnPlan, ...],
    environment: Mapping[str, str],
    networks: tuple[ClosedNetworkPlan, ...],
) -> UplinkPlan:
    """The internet side admits the VPN peers' IKE and ESP and nothing else unsolicited."""
    uplink = variables.uplink
    carries = next((n.name for n in networks if n.interface.lower() == uplink.interface.lower()), None)
    if carries is not None and uplink.kind != "pppoe":
        raise GenerateError(host, "baseline.uplink.interface", f"{uplink.interface} would be both the DHCP internet "
                            f"uplink and closed network {carries!r}: share a port only with PPPoE")  # fmt: skip
    password = None
    if uplink.kind == "pppoe":
        if not uplink.pppoe_username or not uplink.pppoe_password_env:
            raise GenerateError(host, "baseline.uplink", "PPPoE needs pppoe_username and pppoe_password_env")
        password = secret_from(host, "baseline.uplink.pppoe_password_env", uplink.pppoe_password_env, environment)
    return UplinkPlan(uplink.kind, uplink.interface, uplink.pppoe_username, password,
                      _wan_filter([vpn.peer for vpn in vpns]), carries=carries)  # fmt: skip


def _wan_filter(peers: list[ipaddress.IPv4Address]) -> tuple[FilterEntry, ...]:
    """Nothing to private addresses; from each peer, its IKE and ESP; then (the template) nothing."""
    entries = [FilterEntry("deny", "ip", None, network) for network in PRIVATE]
    for peer in peers:
        entries += ipsec(IPv4(peer), None)
    return tuple(entries)
