"""Which packets a facility of several devices forwards between its zones, exactly.

A facility's forwarding is its devices' forwarding joined along the topology of the inventory.
Each device is a :class:`~onshi.analysis.network.DeviceNetwork` whose interfaces the topology
places: on a segment (whatever their addresses suggest), or cabled to another device's interface
(a transit link, never a zone of its own). Packets of a zone enter every device attached to it (a
host may send to any router on its segment: the attacker picks the gateway), and each exit of a
device is followed:

- through a link cabled to another device, into that device's interface;
- onto a segment where other devices sit, into the device that owns the route's next hop, or for a
  connected delivery, into the device whose address on that segment is the destination; the rest
  is delivered to the segment's hosts;
- into any other zone (the internet, a VPN, the device itself): delivered.

NAT composes: static NAT and port forwards on the way in (each device's own), and PAT on the way
out of a NAT-outside interface (IPv4 sources become that interface's address), so what a second
device's filters see is what the first one sent. The answer is a set of packets as the sender
wrote them, per destination zone, in pieces that each carry the path of devices it took.

A packet that comes back to an interface it already entered on its path is dropped: unless an
address was translated on the way, it is a packet the first visit already forwarded. A loop
through a translation is named as an over-approximation of the walk's limits (the answer is then
not exact), never silently cut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from onshi.analysis.network import DeviceNetwork, Exit, unchanged
from onshi.analysis.packets import IPAddress, PacketSpace, space
from onshi.model import Device
from onshi.terms import DEVICE, INTERNET

if TYPE_CHECKING:  # the pydantic models: at the inventory's boundary only
    from onshi.policy import FacilityPolicy, Link, Topology

LINK = "link:"  # the zone name prefix of an interface cabled to another device


@dataclass(frozen=True, slots=True)
class Member:
    """One device of the facility with what the audit inferred about it."""

    name: str
    device: Device
    internet: tuple[str, ...] = ()
    closed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hop:
    """A device a packet crossed: in through ``ingress``, out through ``egress`` (None: to itself)."""

    device: str
    ingress: str
    egress: str | None


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of an answer: packets as sent, and the devices they crossed."""

    packets: Any
    path: tuple[Hop, ...]


@dataclass(frozen=True, slots=True)
class FacilityReach:
    packets: Any
    exact: bool
    reasons: tuple[str, ...]
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class _Walk:
    """Packets on their way: at ``device``'s ``interface``, as they are on the wire there."""

    device: str
    interface: str
    packets: Any
    back: Callable[[Any], Any]  # wire packets here → packets as the source sent them
    path: tuple[Hop, ...]
    translated: bool  # an address was rewritten on the way (a loop may then carry new packets)
    reasons: frozenset[str] = frozenset()  # why the answer may be too wide, met on the way here


@dataclass
class _Answer:
    pieces: dict[str, dict[tuple[Hop, ...], Any]] = field(default_factory=dict)  # zone → path → packets
    reasons: dict[str, set[str]] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)


class FacilityNetwork:
    """The forwarding of a facility's devices joined along its topology."""

    def __init__(self, members: Iterable[Member], policy: FacilityPolicy) -> None:
        self.policy = policy
        self.space: PacketSpace = space()
        attached = _attachments(policy.topology)
        self.devices: dict[str, DeviceNetwork] = {}
        for ordinal, member in enumerate(members, start=1):
            self.devices[member.name] = DeviceNetwork(
                member.device, policy, member.internet, member.closed,
                attached=attached.get(member.name, {}), ordinal=ordinal,
            )  # fmt: skip
        self.peers = _peers(policy.topology)
        self._answers: dict[str, _Answer] = {}

    # --- zones ------------------------------------------------------------------------------------

    def zones(self) -> list[str]:
        names = {zone for network in self.devices.values() for zone in network.zones()}
        return sorted(zone for zone in names if not zone.startswith(LINK))

    def external(self, zone: str) -> bool:
        return any(network.external(zone) for network in self.devices.values())

    def declared_hosts(self, zone: str, field_name: str) -> Any:
        result = self.space.false
        for network in self.devices.values():
            result |= network.declared_hosts(zone, field_name)
        return result

    def label(self, address: IPAddress) -> str:
        for network in self.devices.values():
            shown = network.label(address)
            if shown != str(address):
                return shown
        return str(address)

    def attached(self, zone: str) -> list[tuple[str, str]]:
        """(device, interface) pairs on ``zone``."""
        return [(name, interface) for name, network in self.devices.items()
                for interface, z in network.zone_of.items() if z == zone]  # fmt: skip

    def entry_points(self, zone: str) -> list[tuple[str, str]]:
        """(device, interface) where packets of ``zone`` enter the facility."""
        return [(name, interface.name.lower()) for name, network in self.devices.items()
                for interface, _ in network.entries(zone)]  # fmt: skip

    # --- forwarding -------------------------------------------------------------------------------

    def reach(self, source: str, destination: str) -> FacilityReach:
        answer = self._answer(source)
        pieces = tuple(Piece(packets, path) for path, packets in answer.pieces.get(destination, {}).items())
        packets = self.space.false
        for piece in pieces:
            packets |= piece.packets
        reasons = tuple(sorted(answer.common | answer.reasons.get(destination, set())))
        return FacilityReach(packets, not reasons, reasons, pieces)

    def _answer(self, source: str) -> _Answer:
        if source not in self._answers:
            answer = _Answer()
            work = [
                _Walk(name, interface.name.lower(), packets, unchanged, (), False)
                for name, network in self.devices.items()
                for interface, packets in network.entries(source)
            ]
            while work:
                work.extend(self._step(work.pop(), answer))
            self._answers[source] = answer
        return self._answers[source]

    def _step(self, walk: _Walk, answer: _Answer) -> list[_Walk]:
        network = self.devices[walk.device]
        onward: list[_Walk] = []
        for exit_ in network.exits(network.interfaces[walk.interface], walk.packets):
            path = (*walk.path, Hop(walk.device, walk.interface, exit_.egress))
            back = _then(walk.back, exit_.back)
            translated = walk.translated or exit_.back is not unchanged or exit_.masquerade is not None
            reasons = walk.reasons | {f"{walk.device}: {reason}" for reason in exit_.reasons}
            delivered = exit_.packets
            for device, interface, packets in self._handed_on(walk.device, exit_):
                delivered &= ~packets
                if any((hop.device, hop.ingress) == (device, interface) for hop in path):
                    if translated:
                        answer.common.add(f"a routing loop through translated addresses at {device} {interface} "
                                          "is not followed")  # fmt: skip
                    continue
                wire, wire_back = self._carry(packets, back, exit_.masquerade)
                onward.append(_Walk(device, interface, wire, wire_back, path, translated, reasons))
            if exit_.zone.startswith(LINK) or self.space.is_empty(delivered):
                continue
            pieces = answer.pieces.setdefault(exit_.zone, {})
            pieces[path] = pieces.get(path, self.space.false) | back(delivered)
            answer.reasons.setdefault(exit_.zone, set()).update(reasons)
        return onward

    def _handed_on(self, device: str, exit_: Exit) -> list[tuple[str, str, Any]]:
        """(device, interface, packets) the exit hands to another device of the facility."""
        if exit_.egress is None:
            return []
        if exit_.zone.startswith(LINK):
            peer = self.peers.get((device, exit_.egress))
            neighbours = [peer] if peer is not None and peer[0] in self.devices else []  # one unread: no further
        else:
            neighbours = [(other, name) for other, name in self.attached(exit_.zone) if other != device]
        sp = self.space
        found = []
        for other, interface in neighbours:
            addresses = self.devices[other].interface_addresses(self.devices[other].interfaces[interface])
            if exit_.next_hop is not None:
                if exit_.next_hop in addresses:
                    found.append((other, interface, exit_.packets))
                continue
            if not exit_.connected and exit_.zone.startswith(LINK):
                found.append((other, interface, exit_.packets))  # a route out of the interface: proxy ARP
                continue
            owned = sp.false
            for address in addresses:
                owned |= sp.address("dst", address)
            if not sp.is_empty(exit_.packets & owned):
                found.append((other, interface, exit_.packets & owned))
        return found

    def _carry(
        self, packets: Any, back: Callable[[Any], Any], masquerade: IPAddress | None
    ) -> tuple[Any, Callable[[Any], Any]]:
        """Packets as the next device receives them, and the map back to the source's."""
        if masquerade is None:
            return packets, back
        # PAT keeps the source port where it is free, as IOS, FortiOS and RTX do: the address alone changes.
        sp = self.space
        v4 = packets & sp.ipv4
        translated = sp.rewrite(v4, {"src": sp.address("src", masquerade)})

        def untranslate(wire: Any) -> Any:
            return back((v4 & sp.forget(wire & sp.ipv4, "src")) | (wire & ~sp.ipv4 & packets))

        return translated | (packets & ~sp.ipv4), untranslate


def _then(first: Callable[[Any], Any], second: Callable[[Any], Any]) -> Callable[[Any], Any]:
    if second is unchanged:
        return first
    return lambda packets: first(second(packets))


def _attachments(topology: Topology) -> dict[str, dict[str, str]]:
    """Per device, interface → the zone the topology gives it (a segment, or a link to a peer)."""
    found: dict[str, dict[str, str]] = {}
    for link in _routed_links(topology):
        if link.segment is not None:
            found.setdefault(link.device, {})[link.interface] = link.segment
        elif link.peer is not None:
            found.setdefault(link.device, {})[link.interface] = f"{LINK}{link.peer.device}"
            found.setdefault(link.peer.device, {})[link.peer.interface] = f"{LINK}{link.device}"
    return found


def _peers(topology: Topology) -> dict[tuple[str, str], tuple[str, str]]:
    """(device, interface in lower case) → the (device, interface) it is cabled to."""
    found = {}
    for link in _routed_links(topology):
        if link.peer is not None:
            near = (link.device, link.interface.lower())
            far = (link.peer.device, link.peer.interface.lower())
            found[near] = far
            found[far] = near
    return found


def linked_devices(policy: FacilityPolicy | None) -> set[str]:
    """The devices the topology's links name (access points only bridge, so are not among them)."""
    if policy is None:
        return set()
    links = _routed_links(policy.topology)
    return {link.device for link in links} | {link.peer.device for link in links if link.peer is not None}


def _routed_links(topology: Topology) -> list[Link]:
    """The links packets are routed over: an access point bridges its SSIDs onto the VLANs of the
    port it plugs into, so a cable to one is neither a transit link nor a member of the facility
    (the port keeps the zone its VLANs give it; WLAN-04 judges the SSIDs' VLANs)."""
    bridges = topology.access_point_names()
    return [link for link in topology.links
            if link.device not in bridges and (link.peer is None or link.peer.device not in bridges)]  # fmt: skip


def composed(policy: FacilityPolicy | None) -> bool:
    """Whether the facility is judged as one network: its topology's links join devices."""
    return len(linked_devices(policy)) > 1


__all__ = [
    "DEVICE",
    "INTERNET",
    "FacilityNetwork",
    "FacilityReach",
    "Hop",
    "Member",
    "Piece",
    "composed",
    "linked_devices",
]
