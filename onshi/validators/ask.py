"""Questions a person asks in front of a rack, answered by the exact engine: can this reach that?

``onshi ask reach --from guest_wifi --to 192.168.20.5 --protocol tcp --port 3389``: the question is
a flow (zones, optionally narrowed to hosts or prefixes inside them, a protocol and port), and the
answer is the set of new connections the device (or the facility, judged as one network) forwards
of it: yes or no, an example packet, and its path with the lines that let it through at each hop,
replayed through the single-packet oracle as a finding's example is.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from typing import Any

from onshi.analysis.facility import FacilityNetwork
from onshi.analysis.packets import Packet, PacketSpace
from onshi.model import ExamplePacket, IPNetwork
from onshi.policy import FacilityPolicy, Flow
from onshi.terms import DEVICE, INTERNET, within_prefix
from onshi.validators.base import RuleInput
from onshi.validators.facility import facility_roles
from onshi.validators.reachability import (
    Network,
    example_from,
    example_of,
    flow_set,
    network_of,
    new_connections,
    replay,
)


class QuestionError(ValueError):
    """A question that names no zone, host or prefix the facility knows."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of a question: a zone, and the hosts or prefixes inside it it is narrowed to (none: all)."""

    zone: str
    hosts: tuple[IPNetwork, ...] = ()


@dataclass(frozen=True, slots=True)
class ReachAnswer:
    host: str  # the device that answered (a facility judged as one network: its lead)
    source: Endpoint
    destination: Endpoint
    reachable: bool
    exact: bool  # False: the engine's answer may be wider than the truth (reasons say why)
    reasons: tuple[str, ...] = ()
    example: ExamplePacket | None = None
    route: tuple[str, ...] = ()  # the devices the example crosses ("device: in → out"), in a facility
    lines: tuple[tuple[str, int], ...] = ()  # (host, line): what let the example through at each hop
    # How many distinct packets of the question get there (``PacketSpace.count``): 0 when none do; an
    # upper bound where the answer is not exact.
    packets: int = 0


def endpoint(policy: FacilityPolicy, text: str) -> Endpoint:
    """A zone by name (a segment, a VPN, ``internet``, ``device``), or an address or prefix placed in
    the segment or VPN that declares it (anything else is the internet)."""
    names = {s.name for s in policy.segments} | {v.name for v in policy.vpns} | {INTERNET, DEVICE}
    if text in names:
        return Endpoint(text)
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise QuestionError(f"{text!r} is neither a zone of {policy.name} ({', '.join(sorted(names))}) nor an "
                            "address or prefix") from None  # fmt: skip
    for zone in [s.name for s in policy.segments] + [v.name for v in policy.vpns]:
        declared = policy.zone_prefixes(zone) or []
        if any(within_prefix(network, prefix) for prefix in declared):
            return Endpoint(zone, (network,))
    return Endpoint(INTERNET, (network,))


def ask_reach(
    inp: RuleInput, source: Endpoint, destination: Endpoint, protocol: str = "ip", port: int | None = None
) -> ReachAnswer:
    """What ``inp``'s device (or facility, on its lead) forwards of the question, as new connections.

    Packets are taken as the source sends them: a question to an address is answered wherever such
    packets land (an address a router forwards by NAT lands in the zone behind it), its own zone first."""
    network = network_of(inp)
    sp = network.space
    question = Flow.model_validate({
        "from": source.zone, "to": destination.zone, "protocol": protocol, "ports": [port] if port else [],
        "from_hosts": list(source.hosts), "to_hosts": list(destination.hosts),
    })  # fmt: skip
    zones = [destination.zone]
    if destination.hosts:
        zones += [zone for zone in (*network.zones(), DEVICE) if zone not in (destination.zone, source.zone)]
    wanted = new_connections(sp) & flow_set(sp, question)
    exact, reasons = True, set[str]()
    for zone in zones:
        reach = network.reach(source.zone, zone)
        exact, reasons = exact and reach.exact, reasons | set(reach.reasons)
        arriving = reach.packets & wanted
        packet = example_from(network, source.zone, arriving, (), zone)
        if packet is not None:
            landed = Endpoint(zone, destination.hosts)
            answer = _answered(inp, source, landed, packet, exact=reach.exact, reasons=reach.reasons)
            return replace(answer, packets=sp.count(arriving))
    return ReachAnswer(inp.host, source, destination, False, exact, tuple(sorted(reasons)))


def _answered(
    inp: RuleInput, source: Endpoint, destination: Endpoint, packet: Packet, *, exact: bool, reasons: tuple[str, ...]
) -> ReachAnswer:
    network = network_of(inp)
    evidence = replay(inp, source.zone, destination.zone, packet)
    route, cited = (tuple(evidence.route), evidence.cited(inp.host)) if evidence else ((), ())
    return ReachAnswer(inp.host, source, destination, True, exact, reasons, example_of(network, packet), route, cited)


def answering(inputs: list[RuleInput]) -> list[RuleInput]:
    """Who answers for a facility: its lead with the composed view when it is judged as one network,
    else each device that forwards between zones of its own (an access point forwards between none)."""
    roles = facility_roles(inputs)
    found = []
    for inp in inputs:
        role = roles.get(inp.host)
        if role is not None:
            if role.view is not None:
                found.append(replace(inp, composed=role.view))
            continue
        if inp.policy is not None and len(network_of(inp).zones()) >= 2:
            found.append(inp)
    return found


@dataclass(frozen=True, slots=True)
class Exposed:
    """What the internet can open in one zone (or on the device), service by service."""

    zone: str
    services: tuple[str, ...]  # an example per service: "tcp 198.51.100.23:51000 → 192.168.20.5:3389"
    more: bool  # there are more than the listed ones
    exact: bool
    reasons: tuple[str, ...] = ()


def ask_exposure(inp: RuleInput, limit: int = 20) -> list[Exposed]:
    """Per zone (and the device itself), the new connections the internet can open there, listed by
    service (a protocol's every port at once where all are open, else port by port, or ICMP type) with
    an example, at most ``limit`` per zone."""
    network = network_of(inp)
    sp = network.space
    found = []
    for zone in (*(z for z in network.zones() if z != INTERNET), DEVICE):
        reach = network.reach(INTERNET, zone)
        left = reach.packets & new_connections(sp)
        # No one is reached at the zone's network and broadcast addresses or the routers' own: a
        # prefix open but for those is listed whole.
        beside, span = _beside(network, zone), _span(network, zone)
        services: list[str] = []
        while len(services) < limit:
            packet = example_from(network, INTERNET, left, (), zone)
            if packet is None:
                break
            text, listed = _service(network, (left | beside, span), packet)
            services.append(text)
            left &= ~listed
        if services:
            found.append(Exposed(zone, tuple(services), not sp.is_empty(left), reach.exact, reach.reasons))
    return found


def _beside(network: Network, zone: str) -> Any:
    """Destinations that are no host of ``zone``: outside its declared prefixes, their network and
    broadcast addresses, and the devices' own addresses (nothing when it declares no prefix)."""
    sp = network.space
    hosts = network.declared_hosts(zone, "dst")
    if sp.is_empty(hosts):
        return sp.false
    devices = network.devices.values() if isinstance(network, FacilityNetwork) else [network]
    own = sp.false
    for device in devices:
        own |= device.device_addresses(None)
    return ~hosts | own


def _span(network: Network, zone: str) -> Any:
    """The zone's declared prefixes as destinations (a listed prefix never reaches beyond them), or
    every destination for a zone that declares none (the internet, the device)."""
    prefixes = network.policy.zone_prefixes(zone) if network.policy is not None else None
    return network.space.networks("dst", prefixes) if prefixes else network.space.true


def _service(network: Network, open_: tuple[Any, Any], packet: Packet) -> tuple[str, Any]:
    """The example's line of the listing, and the packets it stands for: from the example's source, a
    service (any protocol where all are open, a protocol's every port or ICMP type, else the one port
    or type) to the widest prefix around the example's destination wholly open to it."""
    sp = network.space
    example = example_of(network, packet)
    protocol = sp.protocol(packet.protocol)
    one = protocol
    if packet.has_ports:
        one &= sp.value("dport", packet.dst_port)
    elif packet.protocol in (1, 58):
        one &= sp.value("icmp_type", packet.icmp_type)
    choices: list[tuple[Any, str]] = [(sp.true, "any protocol")]
    if packet.has_ports or packet.protocol in (1, 58):
        name = example.protocol.split()[0]
        choices.append((protocol, f"{name} ({'every port' if packet.has_ports else 'every type'})"))
    for service, label in choices:
        widest = _widest(sp, open_, packet, service)
        if widest is not None:
            return f"{label} {example.src} → {_shown(example.dst, widest)}", service & sp.network("dst", widest)
    widest = _widest(sp, open_, packet, one) or ipaddress.ip_network(packet.dst)
    return example.describe().replace(example.dst, _shown(example.dst, widest), 1), one & sp.network("dst", widest)


def _widest(sp: PacketSpace, open_: tuple[Any, Any], packet: Packet, service: Any) -> IPNetwork | None:
    """The widest prefix around the packet's destination, inside ``open_``'s span, whose every new
    connection of ``service`` from the packet's source is open; None when not even the destination is."""
    left, span = open_
    bits = 32 if packet.dst.version == 4 else 128
    from_source = sp.address("src", packet.src) & service & new_connections(sp)
    for length in range(bits + 1):
        prefix = ipaddress.ip_network(f"{packet.dst}/{length}", strict=False)
        candidate = sp.network("dst", prefix)
        if sp.is_empty(candidate & ~span) and sp.is_empty(from_source & candidate & ~left):
            return prefix
    return None


def _shown(label: str, prefix: IPNetwork) -> str:
    return label if prefix.num_addresses == 1 else str(prefix)
