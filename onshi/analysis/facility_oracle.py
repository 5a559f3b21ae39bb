"""The multi-device single-packet oracle: one concrete packet through a facility, hop by hop.

It walks the packet the obvious way: into every device attached to its zone, through each
device with the single-device oracle (first match over the model, no BDDs), and on along the
topology by the same hand-on rules as :class:`~onshi.analysis.facility.FacilityNetwork` (a
peer link, the owner of the next hop on a shared segment, the owner of the destination for a
connected delivery), translating the source where the egress masquerades. It shares only data
with the engine (zones, addresses, route tables, the topology). The facility rules replay each
example packet through it, both to check the engine and for the path a finding shows: every
device crossed, with the lines that let the packet through there.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from onshi.analysis.facility import LINK, FacilityNetwork
from onshi.analysis.oracle import PacketExit, forward
from onshi.analysis.packets import Packet


@dataclass(frozen=True, slots=True)
class TraceHop:
    device: str
    ingress: str
    egress: str | None
    lines: tuple[int, ...]  # the lines of that device's configuration that let the packet through


@dataclass(frozen=True, slots=True)
class Trace:
    """Where a packet ended up, and the devices it crossed to get there."""

    zone: str
    hops: tuple[TraceHop, ...]


def walk(network: FacilityNetwork, zone: str, packet: Packet) -> list[Trace]:
    """Every way ``packet``, sent from ``zone``, leaves the facility (or reaches a device)."""
    traces: list[Trace] = []
    for device, interface in network.entry_points(zone):
        _walk(network, device, interface, packet, path=(), traces=traces)
    return traces


def reaches(network: FacilityNetwork, zone: str, packet: Packet, destination: str) -> Trace | None:
    return next((trace for trace in walk(network, zone, packet) if trace.zone == destination), None)


def _walk(
    network: FacilityNetwork,
    device: str,
    interface: str,
    packet: Packet,
    *,
    path: tuple[TraceHop, ...],
    traces: list[Trace],
) -> None:
    single = network.devices[device]
    verdict = forward(single, single.interfaces[interface], packet)
    for exit_ in verdict.exits:
        hops = (*path, TraceHop(device, interface, exit_.egress, tuple(verdict.lines)))
        onward = _next_device(network, device, exit_)
        if onward is not None:
            if not any((hop.device, hop.ingress) == onward for hop in hops):  # a loop forwards nothing new
                _walk(network, *onward, _masqueraded(exit_), path=hops, traces=traces)
            continue
        if not exit_.zone.startswith(LINK):
            traces.append(Trace(exit_.zone, hops))


def _next_device(network: FacilityNetwork, device: str, exit_: PacketExit) -> tuple[str, str] | None:
    if exit_.egress is None:
        return None
    link = exit_.zone.startswith(LINK)
    if link:
        peer = network.peers.get((device, exit_.egress))
        peer = peer if peer is not None and peer[0] in network.devices else None
        neighbours = [peer] if peer is not None else []
        if peer is not None and exit_.next_hop is None and not exit_.connected:
            return peer  # a route out of the interface itself: the peer answers by proxy ARP
    else:
        neighbours = [(other, name) for other, name in network.attached(exit_.zone) if other != device]
    for other, interface in neighbours:
        owner = network.devices[other]
        addresses = owner.interface_addresses(owner.interfaces[interface])
        wanted = exit_.next_hop if exit_.next_hop is not None else exit_.packet.dst
        if wanted in addresses:
            return other, interface
    return None


def _masqueraded(exit_: PacketExit) -> Packet:
    packet = exit_.packet
    if exit_.masquerade is None or packet.version != 4:
        return packet
    assert isinstance(exit_.masquerade, ipaddress.IPv4Address)
    return replace(packet, src=exit_.masquerade)
