"""Rules answered by the exact packet-set engine: SEG-01..05, VPN-01, VPN-06, EXT-01, EXT-05.

Each rule asks :class:`~onshi.analysis.network.DeviceNetwork` which packets the device forwards
from one zone to another, subtracts what the facility policy allows, and fails with an example
packet when anything is left. The example is replayed through the single-packet oracle, which must
agree (otherwise the finding is ``manual``: the engine and the oracle disagree, never a pass) and
supplies the lines that let it through as evidence. When an answer is an over-approximation
(dynamic routing, ACL entries onshi cannot model), a non-empty answer is ``manual`` with the
reasons, and an empty one is still a sound ``pass``.

Analysis is of new connections: TCP packets with ``established`` set are return traffic.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from onshi.analysis.addresses import BOGONS
from onshi.analysis.facility import FacilityNetwork, composed
from onshi.analysis.facility_oracle import reaches
from onshi.analysis.network import INSIDE, DeviceNetwork
from onshi.analysis.oracle import forward
from onshi.analysis.packets import Packet, PacketSpace
from onshi.model import Action, Aspect, ExamplePacket, Interface, IPNetwork, Severity, Status
from onshi.terms import DEVICE, INTERNET, SegmentKind, VpnPurpose
from onshi.validators.base import Outcome, Recent, RuleInput, manual, names, not_applicable, outcome, passed
from onshi.validators.registry import rule
from onshi.validators.wireless import declared_bridges

if TYPE_CHECKING:  # the pydantic models: at the inventory's boundary only
    from onshi.policy import Flow, Vpn

log = logging.getLogger(__name__)

REFS_SEG = ("REG-EX 別表 6", "SEC-GL II-5(9)", "MHLW6 システム運用編 18, 13 ①")
REFS_VPN = ("CHECKLIST 外部 4", "MHLW6 システム運用編 13 ⑤", "REG-EX 別表 8")
REFS_EXT = ("REG-EX 別表 5", "CHECKLIST 外部 1, 8, 10", "MHLW6 システム運用編 13 ②, 18")

# ICMP that answers something (echo reply, unreachable, time exceeded, parameter problem) and IPv6
# neighbour discovery: not unsolicited.
_RETURN_ICMP = {1: (0, 3, 11, 12), 58: (1, 2, 3, 4, 129, 133, 134, 135, 136)}
_IKE = ((17, 500), (17, 4500))
_DHCP = ((67, 68), (547, 546))
_ESP = 50

_NETWORKS: Recent[DeviceNetwork] = Recent()
Network = DeviceNetwork | FacilityNetwork


def network_of(inp: RuleInput) -> Network:
    """What the zone rules judge: the facility's composed network on the lead device of a facility
    judged as one, else the device's own."""
    return inp.composed.network if inp.composed is not None else device_network(inp)


def device_network(inp: RuleInput) -> DeviceNetwork:
    """The device's network model, built once per device (kept for the last few, see :class:`Recent`)."""
    return _NETWORKS.get(
        inp.device, inp, partial(DeviceNetwork, inp.device, inp.policy, inp.internet_names, inp.closed)
    )


# --- sets the rules subtract ------------------------------------------------------------------------


def new_connections(sp: PacketSpace) -> Any:
    return sp.established(False)


def flow_set(sp: PacketSpace, flow: Flow) -> Any:
    """The packets a declared flow lets open: its protocol and ports, from and to its hosts when it
    names them (a host-level flow), else anywhere in its zones."""
    return _service_set(sp, flow) & _hosts(sp, "src", flow.from_hosts) & _hosts(sp, "dst", flow.to_hosts)


def _service_set(sp: PacketSpace, flow: Flow) -> Any:
    if flow.protocol == "ip":
        return sp.true
    if flow.protocol == "icmp":
        return sp.protocol(1) | sp.protocol(58)
    result = sp.protocol(6 if flow.protocol == "tcp" else 17)
    if flow.ports:
        ports = sp.false
        for port in flow.ports:
            ports |= sp.value("dport", port)
        result &= ports
    return result


def _hosts(sp: PacketSpace, field: str, hosts: list[IPNetwork]) -> Any:
    return sp.networks(field, hosts) if hosts else sp.true


def allowed(inp: RuleInput, source: str, destination: str) -> Any:
    sp = network_of(inp).space
    result = sp.false
    for flow in inp.policy.flows if inp.policy else []:
        if flow.source == source and flow.destination == destination:
            result |= flow_set(sp, flow)
    return result


def expected(inp: RuleInput, source: str, destination: str) -> Any:
    """What may pass source → destination without breaking a rule: the declared flows; from the
    internet or a closed network also replies (ICMP errors, neighbour discovery) and, to the
    device itself, the answers of its own DHCP client and, from the internet, IKE and ESP."""
    network = network_of(inp)
    sp = network.space
    result = allowed(inp, source, destination)
    if network.external(source):
        result |= return_traffic(sp)
        if destination == DEVICE:
            result |= address_needs(sp)
    if source == INTERNET and destination == DEVICE:
        result |= vpn_needs(sp)
    return result


def declared_pairs(inp: RuleInput) -> set[tuple[str, str]]:
    return {(f.source, f.destination) for f in inp.policy.flows} if inp.policy else set()


@cache
def return_traffic(sp: PacketSpace) -> Any:
    result = sp.false
    for protocol, types in _RETURN_ICMP.items():
        codes = sp.false
        for icmp_type in types:
            codes |= sp.value("icmp_type", icmp_type)
        result |= sp.protocol(protocol) & codes
    return result


@cache
def address_needs(sp: PacketSpace) -> Any:
    """DHCP and DHCPv6 server answers to the device's client (udp 67 → 68, 547 → 546)."""
    result = sp.false
    for server, client in _DHCP:
        result |= sp.protocol(17) & sp.value("sport", server) & sp.value("dport", client)
    return result


@cache
def vpn_needs(sp: PacketSpace) -> Any:
    result = sp.protocol(_ESP)
    for protocol, port in _IKE:
        result |= sp.protocol(protocol) & sp.value("dport", port)
    return result


# --- findings with example packets ----------------------------------------------------------------------


def example_of(network: Network, packet: Packet) -> ExamplePacket:
    ports = packet.has_ports
    icmp = packet.protocol in (1, 58)
    return ExamplePacket(
        src=network.label(packet.src),
        dst=network.label(packet.dst),
        protocol=f"{packet.protocol_name} type {packet.icmp_type}" if icmp else packet.protocol_name,
        src_port=packet.src_port if ports else None,
        dst_port=packet.dst_port if ports else None,
        established=packet.established and packet.protocol == 6,
    )


def _ingress(network: DeviceNetwork, zone: str) -> list[str]:
    names_ = [name for name, z in network.zone_of.items() if z == zone]
    names_ += [name for name, _, vpn in network.crypto_vpns() if vpn == zone]
    return names_


@dataclass(frozen=True)
class Replayed:
    """The oracle's account of an example: the lines that let it through (on the judged device, and
    on the facility's others), and for a facility the devices it crossed."""

    lines: list[int]
    elsewhere: list[tuple[str, int]]
    route: list[str]
    # The interfaces it entered through that filter nothing inbound (no filter bound for its address
    # family, no firewall): what is missing, for the message to say.
    unfiltered: list[str]

    def cited(self, host: str) -> tuple[tuple[str, int], ...]:
        """Every line cited, as (host, line): ``host``'s own first, each once."""
        return tuple(dict.fromkeys([*((host, line) for line in self.lines), *self.elsewhere]))


def replay(inp: RuleInput, source: str, destination: str, packet: Packet) -> Replayed | None:
    """The oracle's evidence for the example, or None when no ingress forwards it there."""
    network = network_of(inp)
    if isinstance(network, FacilityNetwork):
        return _replay_facility(inp, network, source, destination, packet)
    for name in _ingress(network, source):
        interface = network.interfaces[name]
        verdict = forward(network, interface, packet)
        if destination in verdict.zones:
            unfiltered = [interface.name] if _unfiltered(network, interface, packet.version) else []
            return Replayed([*interface.lines[:1], *verdict.lines], [], [], unfiltered)
    return None


def _unfiltered(network: DeviceNetwork, interface: Interface, version: int) -> bool:
    """Nothing filters what ``interface`` receives of that address family: no inbound filter is
    bound, and the device has no zone-based firewall or policy table."""
    bound = interface.acl_in if version == 4 else interface.ipv6_acl_in
    return bound is None and not network.device.zones


def _replay_facility(
    inp: RuleInput, network: FacilityNetwork, source: str, destination: str, packet: Packet
) -> Replayed | None:
    trace = reaches(network, source, packet, destination)
    if trace is None:
        return None
    own: list[int] = []
    elsewhere: list[tuple[str, int]] = []
    unfiltered: list[str] = []
    for hop in trace.hops:
        interface = network.devices[hop.device].interfaces[hop.ingress]
        cited = [*interface.lines[:1], *hop.lines]
        if _unfiltered(network.devices[hop.device], interface, packet.version):
            unfiltered.append(f"{hop.device} {interface.name}")
        if hop.device == inp.host:
            own.extend(cited)
        else:
            elsewhere.extend((hop.device, line) for line in cited)
    route = [f"{hop.device}: {_name(network, hop.device, hop.ingress)} → "
             f"{_name(network, hop.device, hop.egress) if hop.egress else DEVICE}" for hop in trace.hops]  # fmt: skip
    return Replayed(own, elsewhere, route, unfiltered)


def _name(network: FacilityNetwork, device: str, interface: str) -> str:
    """An interface as its device's configuration spells it."""
    return network.devices[device].interfaces[interface].name


def reach_outcome(
    inp: RuleInput,
    source: str,
    destination: str,
    extra: Any,
    key: str,
    *,
    severity: Severity | None = None,
    preferences: tuple[Any, ...] = (),
    lines: tuple[int, ...] = (),
    message: Mapping[str, Any] | None = None,
    actions: Iterable[Action] = (),
) -> Outcome | None:
    """A failing outcome for the packets ``extra`` forwarded ``source`` → ``destination``, or None.

    ``lines`` are cited besides the oracle's; ``message`` holds further message parameters; ``actions``
    remedy a fail."""
    network = network_of(inp)
    sp = network.space
    packets = network.reach(source, destination).packets & extra & new_connections(sp)
    if sp.is_empty(packets):
        return None
    reach = network.reach(source, destination)
    packet = example_from(network, source, packets, preferences, destination)
    assert packet is not None
    example = example_of(network, packet)
    text = example.describe()
    path = (source, destination)
    if not reach.exact:
        return outcome(Status.MANUAL, "_approximate", lines, example_packet=example, path=path, source=source,
                       destination=destination, example=text, reasons="; ".join(reach.reasons))  # fmt: skip
    evidence = replay(inp, source, destination, packet)
    if evidence is None:
        log.error("engine and oracle disagree on %s: %s → %s", inp.host, source, destination)
        return outcome(Status.MANUAL, "_disagreement", lines, example_packet=example, path=path, source=source,
                       destination=destination, example=text)  # fmt: skip
    if evidence.route:  # a facility's example names the devices it crosses
        text = f"{text} [{' ▸ '.join(evidence.route)}]"
    return outcome(Status.FAIL, key, [*lines, *evidence.lines], severity=severity, actions=actions,
                   example_packet=example, path=path, elsewhere=evidence.elsewhere, route=evidence.route,
                   source=source, destination=destination, example=text,
                   family="IPv6" if packet.version == 6 else "IPv4", unfiltered=evidence.unfiltered,
                   **(message or {}))  # fmt: skip


def example_from(
    network: Network, source: str, packets: Any, preferences: tuple[Any, ...] = (), destination: str | None = None
) -> Packet | None:
    """An example of ``packets`` sent from zone ``source`` (to ``destination``) that a person can use:
    host addresses of the zones' declared prefixes, never a network, broadcast or multicast address;
    from or to outside (the internet, a closed network), a documentation range, IPv4 or IPv6."""
    sp = network.space
    # From outside, anyone may send (a closed network carries every subscriber), so not the VPN's prefixes.
    external = network.external(source)
    first = [sp.networks("src", _DOCUMENTATION_SENDERS) if external else network.declared_hosts(source, "src")]
    if destination is not None:
        first.append(network.declared_hosts(destination, "dst"))
        if destination == INTERNET:
            first.append(sp.networks("dst", _DOCUMENTATION_RECEIVERS))
    return sp.example(packets, preferences, first=[p for p in first if not sp.is_empty(p)])


# RFC 5737 / 3849 documentation ranges: senders and receivers outside that cannot be anyone's.
_DOCUMENTATION_SENDERS = tuple(ipaddress.ip_network(n) for n in ("198.51.100.0/24", "2001:db8:ffff::/48"))
_DOCUMENTATION_RECEIVERS = tuple(ipaddress.ip_network(n) for n in ("203.0.113.0/24", "2001:db8:eeee::/48"))


def _blocking_lines(inp: RuleInput, zones: list[str]) -> list[int]:
    """For a pass: the filters on the ingress interfaces of the zones, which did the blocking (on a
    facility's lead device: its own; the pass names the facility's devices in its path)."""
    network = device_network(inp)
    lines: list[int] = []
    for zone in zones:
        for name in _ingress(network, zone):
            interface = network.interfaces[name]
            for acl_name in (interface.acl_in, interface.ipv6_acl_in):
                acl = inp.device.acl(acl_name)
                if acl is not None:
                    lines.extend((acl.line, *(entry.line for entry in acl.entries)))
    return lines


def _segments(inp: RuleInput, network: Network, *kinds: SegmentKind) -> list[str]:
    assert inp.policy is not None
    present = set(network.zones())
    chosen = inp.policy.segments_of_kind(*kinds) if kinds else inp.policy.segments
    return [segment.name for segment in chosen if segment.name in present]


def _vpns(network: Network) -> list[str]:
    policy_vpns = {vpn.name for vpn in network.policy.vpns} if network.policy else set()
    return [zone for zone in network.zones() if zone in policy_vpns or zone.startswith("vpn:")]


def _no_policy() -> Iterator[Outcome]:
    yield manual("no_policy")


def _violations(inp: RuleInput, pairs: Iterable[tuple[str, str, Any]], key: str) -> list[Outcome]:
    """The failing outcomes of (source zone, destination zone, packets not allowed) triples."""
    found = (reach_outcome(inp, source, destination, extra, key) for source, destination, extra in pairs)
    return [result for result in found if result is not None]


def _judged(
    inp: RuleInput, pairs: Iterable[tuple[str, str, Any]], key: str, pass_key: str, blocking: list[str], **params: Any
) -> Iterator[Outcome]:
    """Each violation among ``pairs``; with none, a pass citing the filters of the ``blocking`` zones."""
    failures = _violations(inp, pairs, key)
    yield from failures
    if not failures:
        yield passed(pass_key, _blocking_lines(inp, blocking), **params)


# --- SEG ------------------------------------------------------------------------------------------------


@rule("SEG-01", Severity.CRITICAL, *REFS_SEG, reads=(Aspect.FORWARDING, Aspect.VPN), facility=True)
def segments_apart(inp: RuleInput) -> Iterator[Outcome]:
    if inp.policy is None:
        yield from _no_policy()
        return
    network = network_of(inp)
    segments = _segments(inp, network)
    declared = declared_pairs(inp)
    pairs = [
        (source, destination, network.space.true)
        for source in segments
        for destination in segments
        if source != destination and (source, destination) not in declared
    ]
    yield from _judged(inp, pairs, "forwarded", "apart", segments, count=len(segments))


@rule("SEG-02", Severity.CRITICAL, *REFS_SEG, "REG-EX 別表 7", reads=(Aspect.FORWARDING, Aspect.VPN), facility=True)
def guests_internet_only(inp: RuleInput) -> Iterator[Outcome]:
    if inp.policy is None:
        yield from _no_policy()
        return
    bridged = list(_guests_bridged_inside(inp))
    yield from bridged
    network = network_of(inp)
    guests = _segments(inp, network, SegmentKind.GUEST_WIFI)
    if not guests:
        if not bridged:
            yield not_applicable("no_guest")
        return
    pairs = [
        (guest, destination, network.space.true)
        for guest in guests
        for destination in network.zones()
        if destination not in (guest, INTERNET)
    ]
    yield from _judged(inp, pairs, "reaches", "isolated", guests, guests=names(guests))


def _guests_bridged_inside(inp: RuleInput) -> Iterator[Outcome]:
    """Guests whom an access point the topology declares bridges onto an internal segment's VLAN:
    they reach it at layer 2, which no device's forwarding shows. Judged where the facility's
    SEG-02 is: on the lead of a facility judged as one network, else on the device the access
    point plugs into (once either way)."""
    assert inp.policy is not None
    whole = composed(inp.policy)
    for bridge in declared_bridges(inp.policy):
        if not bridge.guests_inside or (inp.composed is None if whole else bridge.device != inp.host):
            continue
        members = inp.composed.members if inp.composed is not None else {inp.host: inp.device}
        device = members.get(bridge.device)
        interface = device.interface(bridge.port) if device is not None else None
        lines = interface.lines[:1] if interface is not None else ()
        here = bridge.device == inp.host
        assert bridge.segment is not None  # guests_inside says so
        assert bridge.carried is not None
        yield outcome(Status.FAIL, "bridged", lines if here else (), elsewhere=[] if here else
                      [(bridge.device, line) for line in lines], source=bridge.segment.name,
                      destination=bridge.carried.name, ap=bridge.ap, ssid=bridge.ssid, vlan=bridge.vlan,
                      port=f"{bridge.device} {bridge.port}")  # fmt: skip


@rule("SEG-03", Severity.HIGH, *REFS_SEG, reads=(Aspect.FORWARDING, Aspect.VPN), facility=True)
def flows_not_wider(inp: RuleInput) -> Iterator[Outcome]:
    if inp.policy is None:
        yield from _no_policy()
        return
    network = network_of(inp)
    # Flows to the device itself are a control-plane question (which services listen, from which
    # sources): MGMT-02 and EXT-03 judge them, not the forwarding engine.
    zones = set(network.zones())
    pairs = sorted((s, d) for s, d in declared_pairs(inp) if s in zones and d in zones)
    if not pairs:
        yield not_applicable("no_flows")
        return
    wider = [(s, d, ~allowed(inp, s, d)) for s, d in pairs]
    yield from _judged(inp, wider, "wider", "as_declared", sorted({s for s, _ in pairs}), count=len(pairs))


@rule("SEG-04", Severity.MEDIUM, *REFS_SEG, reads=(Aspect.FORWARDING, Aspect.VPN))
def interfaces_classified(inp: RuleInput) -> Iterator[Outcome]:
    if inp.policy is None:
        yield from _no_policy()
        return
    network = device_network(inp)
    unassigned = [(name, zone) for name, zone in network.zone_of.items() if zone and zone.startswith("unassigned:")]
    for name, _ in unassigned:
        interface = network.interfaces[name]
        addresses = names(str(a) for a in interface.addresses)
        yield outcome(Status.FAIL, "unassigned", [interface.first_line], interface=interface.name,
                      addresses=addresses or "-")  # fmt: skip
    if not unassigned:
        lines = [network.interfaces[n].first_line for n, z in network.zone_of.items() if z is not None]
        yield passed("classified", lines)


@rule("SEG-05", Severity.HIGH, *REFS_SEG, "MIGRATE 2-1", reads=(Aspect.FORWARDING, Aspect.VPN), facility=True)
def onshi_reaches_claims_only(inp: RuleInput) -> Iterator[Outcome]:
    if inp.policy is None:
        yield from _no_policy()
        return
    network = network_of(inp)
    onshi = _segments(inp, network, SegmentKind.ONSHI)
    if not onshi:
        yield not_applicable("no_onshi")
        return
    claims = {v.name for v in inp.policy.vpns if v.kind is VpnPurpose.CLAIMS_NETWORK}
    # The claims network itself is left to SEG-03, which judges the width of the declared flow.
    pairs = [
        (source, destination, ~allowed(inp, source, destination))
        for source in onshi
        for destination in [INTERNET, *_vpns(network)]
        if destination not in claims
    ]
    yield from _judged(inp, pairs, "beyond", "claims_only", onshi)


# --- VPN --------------------------------------------------------------------------------------------------


@rule("VPN-01", Severity.CRITICAL, *REFS_VPN, reads=(Aspect.FORWARDING, Aspect.VPN), facility=True)
def no_transit_between_vpns(inp: RuleInput) -> Iterator[Outcome]:
    network = network_of(inp)
    vpns = _vpns(network)
    if len(vpns) < 2:
        yield not_applicable("fewer_than_two", vpns=names(vpns) or "-")
        return
    pairs = [(s, d, ~allowed(inp, s, d)) for s in vpns for d in vpns if s != d]
    yield from _judged(inp, pairs, "transit", "separated", vpns, vpns=names(vpns))


@rule("VPN-06", Severity.HIGH, *REFS_VPN, "SEC-GL II-5(3)", reads=(Aspect.FORWARDING, Aspect.VPN))
def vpn_covers_own_segments(inp: RuleInput) -> Iterator[Outcome]:
    if inp.policy is None:
        yield from _no_policy()
        return
    network = device_network(inp)
    vpns = [vpn for vpn in inp.policy.vpns if vpn.name in network.zones()]
    if not vpns:
        yield not_applicable("no_vpn")
        return
    declared = declared_pairs(inp)
    failures: list[Outcome] = []
    for vpn in vpns:
        failures.extend(_protected_scope(inp, vpn))
        foreign = [s for s in _segments(inp, network) if s not in vpn.local_segments]
        pairs = [
            (source, destination, network.space.true)
            for segment in foreign
            for source, destination in ((vpn.name, segment), (segment, vpn.name))
            if (source, destination) not in declared
        ]
        failures.extend(_violations(inp, pairs, "foreign_segment"))
    yield from failures
    if not failures:
        yield passed("own_segments", _blocking_lines(inp, [v.name for v in vpns]))


def _protected_scope(inp: RuleInput, vpn: Vpn) -> Iterator[Outcome]:
    """Crypto ACLs: protected traffic must run between the VPN's local segments and its remote
    prefixes, and must not include another VPN's remote networks."""
    assert inp.policy is not None
    network = device_network(inp)
    sp = network.space
    local = sp.false
    for name in vpn.local_segments:
        segment = inp.policy.segment(name)
        if segment is not None:
            local |= sp.networks("src", segment.prefixes)
    remote = sp.networks("dst", vpn.remote_prefixes) if vpn.remote_prefixes else sp.true
    for other in inp.policy.vpns:
        if other.name != vpn.name and other.remote_prefixes:
            remote &= ~sp.networks("dst", other.remote_prefixes)
    for interface in network.interfaces.values():
        for policy, protected, zone in network.crypto_entries(interface.crypto_map) if interface.crypto_map else []:
            packet = sp.example(protected & ~(local & remote)) if zone == vpn.name else None
            if packet is None:
                continue
            acl = inp.device.acl(policy.match_acl)
            lines = [policy.line, *([acl.line, *(e.line for e in acl.entries)] if acl else [])]
            example = example_of(network, packet)
            yield outcome(Status.FAIL, "protected_scope", lines, example_packet=example, vpn=vpn.name,
                          example=example.describe(), acl=policy.match_acl or "-")  # fmt: skip


def _admitted(network: DeviceNetwork, interface: Interface, packets: Any) -> list[tuple[str, Any, frozenset[str]]]:
    """Which of ``packets`` arriving from the internet on ``interface`` the device delivers to itself
    or forwards inside (its filters, firewall and routing all passed), by zone, each with why it may
    be too wide (a filter or class onshi models only approximately). A spoofed source matters where
    it is admitted; what the device drops, or sends back out, needs no check of its source. What
    the device itself needs from outside is left out, as in EXT-01: its DHCP client's answers come
    from the provider's server, whose address no filter can know beforehand (and may be private),
    and IKE authenticates its peer whatever the source address says."""
    sp = network.space
    found = []
    for exit_ in network.exits(interface, packets):
        if exit_.zone == DEVICE:
            part = exit_.back(exit_.packets) & ~address_needs(sp) & ~vpn_needs(sp)
        elif exit_.zone != INTERNET:
            part = exit_.back(exit_.packets)
        else:
            continue
        if not sp.is_empty(part):
            found.append((exit_.zone, part, exit_.reasons))
    return found


# --- EXT ---------------------------------------------------------------------------------------------------


@rule("EXT-01", Severity.CRITICAL, *REFS_EXT, reads=(Aspect.FORWARDING, Aspect.VPN), facility=True)
def no_unsolicited_inbound(inp: RuleInput) -> Iterator[Outcome]:
    """From the internet, and from a closed network the device attaches to directly (IP-VPN, NGN
    IPoE): a carrier's closed network is shared with its other subscribers, so what arrives
    unsolicited from it is as external as the internet (REG-EX 別表 5)."""
    network = network_of(inp)
    external = [zone for zone in network.zones() if network.external(zone)]
    if not external:
        yield not_applicable("no_internet")
        return
    found = False
    inside = [zone for zone in network.zones() if zone not in external and not zone.startswith("vpn:")]
    inside = [z for z in inside if inp.policy is None or inp.policy.segment(z) is not None or z == INSIDE]
    for source in external:
        key = "inbound" if source == INTERNET else "closed_inbound"
        for destination in [*inside, DEVICE]:
            unexpected = ~expected(inp, source, destination)
            for family in (network.space.ipv4, network.space.ipv6):  # a leak in each family is its own finding
                result = reach_outcome(inp, source, destination, unexpected & family, key)
                if result is not None:
                    found = True
                    yield result
    if not found:
        yield passed("dropped", _blocking_lines(inp, external))


_SPOOFED_EXAMPLE = ipaddress.ip_network("10.0.0.0/8")  # a spoofed source a reader knows for one


@rule("EXT-05", Severity.MEDIUM, *REFS_EXT, reads=(Aspect.FORWARDING, Aspect.VPN))
def anti_spoofing(inp: RuleInput) -> Iterator[Outcome]:
    network = device_network(inp)
    sp = network.space
    wan = [network.interfaces[name] for name, zone in network.zone_of.items() if zone == INTERNET]
    if not wan:
        yield not_applicable("no_internet")
        return
    segments = inp.policy.segments if inp.policy else []
    own = [p for s in segments for p in s.prefixes]
    spoofed = sp.networks("src", (*BOGONS, *own))
    inside = sp.false  # an example towards a host of the facility's own segments
    for segment in segments:
        inside |= network.declared_hosts(segment.name, "dst")
    found = False
    for interface in wan:
        checked = (sp.ipv4 if interface.urpf else sp.false) | (sp.ipv6 if interface.urpf6 else sp.false)
        admitted = _admitted(network, interface, spoofed & ~checked)
        accepted = sp.false
        for _, part, _ in admitted:
            accepted |= part
        packet = sp.example(accepted, (sp.network("src", _SPOOFED_EXAMPLE),), first=[inside])
        if packet is None:
            continue
        found = True
        acl = inp.device.acl(interface.acl_in if packet.version == 4 else interface.ipv6_acl_in)
        cited = [*interface.lines[:1], *([acl.line] if acl else [])]
        example = example_of(network, packet)
        exact_first = sorted(admitted, key=lambda item: bool(item[2]))  # an exact way in decides
        zone, _, reasons = next(item for item in exact_first if sp.contains(item[1], packet))
        if reasons:  # the set may be too wide: the example may be one the device drops
            yield outcome(Status.MANUAL, "_approximate", cited, example_packet=example, source=interface.name,
                          destination=zone, example=example.describe(), reasons="; ".join(sorted(reasons)))  # fmt: skip
            continue
        yield outcome(Status.FAIL, "spoofed_accepted", cited, example_packet=example, interface=interface.name,
                      example=example.describe())  # fmt: skip
    if not found:
        lines = [line for i in wan for line in i.lines[:1]] + _blocking_lines(inp, [INTERNET])
        yield passed("filtered", lines, interfaces=names(i.name for i in wan))
