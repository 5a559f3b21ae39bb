"""Exact sets of packets as binary decision diagrams (CUDD through the ``dd`` package).

A packet is a point in the header space: destination and source address (128 bits each; IPv4
addresses live in the IPv4-mapped range ``::ffff:0:0/96``, so one space holds both families),
IP protocol (8 bits), source and destination port (16 bits each), ICMP type and code (8 bits
each), and TCP ``established`` (1 bit: ACK or RST set, i.e. not the opening SYN). A set of packets
is a BDD over those 313 variables; union, intersection, difference and emptiness are BDD
operations, and an example packet is one satisfying assignment.

Why BDDs, by measurement (``python -m benchmarks.bench_reachability --compare``): first-match
evaluation of an ACL over disjoint hyper-rectangles subtracts every entry from the remaining
space, which fragments into thousands of boxes for ACLs of thousands of host entries (quadratic
time: ~27 s for 2,000 lines here, extrapolating past a minute at 10,000). The same ACL folds
into a BDD with one if-then-else per entry, in time linear in the ACL (0.09 s for 10,000 lines),
and the BDD of a prefix or a port range is small. The numbers are in the module that measures
them and in the project's closing notes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from dd import cudd

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ADDRESS_BITS = 128
V4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_V4_BASE = int(V4_MAPPED.network_address)

PROTOCOLS = {
    "icmp": 1, "igmp": 2, "ipinip": 4, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ahp": 51, "ah": 51,
    "icmpv6": 58, "eigrp": 88, "ospf": 89, "pim": 103, "l2tp": 115, "sctp": 132,
}  # fmt: skip
PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items() if name != "ah"}

# Field name -> (variable prefix, width in bits). Order is the BDD variable order: destination
# first (routing decides on it), then source, then the transport fields.
FIELDS: dict[str, tuple[str, int]] = {
    "dst": ("d", ADDRESS_BITS),
    "src": ("s", ADDRESS_BITS),
    "proto": ("p", 8),
    "sport": ("sp", 16),
    "dport": ("dp", 16),
    "icmp_type": ("it", 8),
    "icmp_code": ("ic", 8),
    "est": ("e", 1),
}


def _names(field: str) -> list[str]:
    prefix, width = FIELDS[field]
    return [f"{prefix}{index}" for index in range(width)]


@dataclass(frozen=True, slots=True)
class Packet:
    """One concrete packet (an example, or the input of the single-packet oracle)."""

    src: IPAddress
    dst: IPAddress
    protocol: int
    src_port: int = 0
    dst_port: int = 0
    icmp_type: int = 0
    icmp_code: int = 0
    established: bool = False

    @property
    def version(self) -> int:
        return self.dst.version

    @property
    def protocol_name(self) -> str:
        return PROTOCOL_NAMES.get(self.protocol, str(self.protocol))

    @property
    def has_ports(self) -> bool:
        return self.protocol in (6, 17)


def address_int(address: IPAddress) -> int:
    """The address in the unified 128-bit space."""
    if address.version == 4:
        return _V4_BASE | int(address)
    return int(address)


def address_from_int(value: int) -> IPAddress:
    if value >> 32 == _V4_BASE >> 32:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return ipaddress.IPv6Address(value)


class PacketSpace:
    """A BDD manager with the header-space variables, and constructors for packet sets."""

    def __init__(self) -> None:
        self.bdd = cudd.BDD()
        self.bdd.configure(reordering=False)  # the declared order is good for prefixes and ranges
        for field in FIELDS:
            self.bdd.declare(*_names(field))
        self.true = self.bdd.true
        self.false = self.bdd.false
        self._vars = {field: [self.bdd.var(name) for name in _names(field)] for field in FIELDS}
        self.ipv4 = self._prefix_bits("dst", _V4_BASE, 96) & self._prefix_bits("src", _V4_BASE, 96)
        self.ipv6 = ~self._prefix_bits("dst", _V4_BASE, 96) & ~self._prefix_bits("src", _V4_BASE, 96)
        self._range_cache: dict[tuple[str, int, int], Any] = {}
        # Prefixes recur across entries and devices (any, RFC 1918, the facility's segments).
        self._network_cache: dict[tuple[str, IPNetwork], Any] = {}

    # --- constructors -----------------------------------------------------------------------------

    def _prefix_bits(self, field: str, value: int, length: int) -> Any:
        names = _names(field)
        width = len(names)
        assignment = {names[i]: bool((value >> (width - 1 - i)) & 1) for i in range(length)}
        return self.bdd.cube(assignment)

    def network(self, field: str, network: IPNetwork) -> Any:
        """Packets whose ``field`` ("src" or "dst") lies in ``network``."""
        key = (field, network)
        cached = self._network_cache.get(key)
        if cached is None:
            cached = self._network(field, network)
            self._network_cache[key] = cached
        return cached

    def _network(self, field: str, network: IPNetwork) -> Any:
        if network.version == 4:
            return self._prefix_bits(field, _V4_BASE | int(network.network_address), 96 + network.prefixlen)
        return self._prefix_bits(field, int(network.network_address), network.prefixlen) & ~self._prefix_bits(
            field, _V4_BASE, 96
        )

    def networks(self, field: str, networks: Iterable[IPNetwork]) -> Any:
        result = self.false
        for network in networks:
            result |= self.network(field, network)
        return result

    def address(self, field: str, address: IPAddress) -> Any:
        return self.network(field, ipaddress.ip_network(address))

    def family(self, version: int) -> Any:
        return self.ipv4 if version == 4 else self.ipv6

    def value(self, field: str, value: int) -> Any:
        names = _names(field)
        return self._prefix_bits(field, value, len(names))

    def range(self, field: str, low: int, high: int) -> Any:
        """``low <= field <= high`` (inclusive), for ports and other small fields."""
        key = (field, low, high)
        cached = self._range_cache.get(key)
        if cached is None:
            cached = self._at_least(field, low) & self._at_most(field, high)
            self._range_cache[key] = cached
        return cached

    def _at_most(self, field: str, value: int) -> Any:
        bits = self._vars[field]
        width = len(bits)
        if value >= (1 << width) - 1:
            return self.true
        result = self.true
        for position in range(width - 1, -1, -1):  # from the least significant bit up
            bit = bits[position]
            set_in_value = (value >> (width - 1 - position)) & 1
            result = (~bit | result) if set_in_value else (~bit & result)
        return result

    def _at_least(self, field: str, value: int) -> Any:
        bits = self._vars[field]
        width = len(bits)
        if value <= 0:
            return self.true
        result = self.true
        for position in range(width - 1, -1, -1):
            bit = bits[position]
            set_in_value = (value >> (width - 1 - position)) & 1
            result = (bit & result) if set_in_value else (bit | result)
        return result

    def protocol(self, protocol: int) -> Any:
        return self.value("proto", protocol)

    def established(self, flag: bool) -> Any:
        variable = self._vars["est"][0]
        return variable if flag else ~variable

    # --- transformation (NAT) ---------------------------------------------------------------------

    def forget(self, packets: Any, *fields: str) -> Any:
        """The packets with ``fields`` set free (existential quantification)."""
        names = [name for field in fields for name in _names(field)]
        return self.bdd.exist(names, packets)

    def rewrite(self, packets: Any, values: Mapping[str, Any]) -> Any:
        """The packets with each field of ``values`` replaced by the given set."""
        result = self.forget(packets, *values)
        for constraint in values.values():
            result &= constraint
        return result

    # --- inspection -------------------------------------------------------------------------------

    def is_empty(self, packets: Any) -> bool:
        return bool(packets == self.false)

    def example(self, packets: Any, preferences: Iterable[Any] = ()) -> Packet | None:
        """One packet of the set, steered by ``preferences`` (each kept when it leaves the set non-empty)."""
        if self.is_empty(packets):
            return None
        chosen = packets
        for preference in (*self._default_preferences(), *preferences):
            narrowed = chosen & preference
            if not self.is_empty(narrowed):
                chosen = narrowed
        packet = self._packet(self._satisfying_path(chosen))
        if not self.contains(packets, packet):  # cheap, and a wrong example must never be reported
            raise AssertionError("example packet is not in its set")
        return packet

    def _satisfying_path(self, packets: Any) -> dict[str, bool]:
        """One path to ``true`` (variables off the path are free and read as 0). CUDD stores
        complemented edges: a negated node's children are complemented on the way down. A tenth of
        the time of ``BDD.pick``, which enumerates over the whole support."""
        assignment: dict[str, bool] = {}
        node = packets
        while node not in (self.true, self.false):
            high, low = node.high, node.low
            if node.negated:
                high, low = ~high, ~low
            take_high = high != self.false
            assignment[node.var] = take_high
            node = high if take_high else low
        return assignment

    @cache  # noqa: B019 - one space per process; the preferences never change
    def _default_preferences(self) -> tuple[Any, ...]:
        """Readable examples: a new TCP connection from an ephemeral port, between host addresses
        (.23 → .5) rather than network addresses, to a well-known service when one fits."""
        common = self.false
        for port in (443, 445, 3389, 22, 23, 80, 161, 500):
            common |= self.value("dport", port)
        return (
            self.established(False),
            self.protocol(6),
            common,
            self.range("sport", 49152, 65535),
            self.value("sport", 51000),
            self._host_bits("src", 23),
            self._host_bits("dst", 5),
            self.value("icmp_code", 0),
        )

    def _host_bits(self, field: str, host: int) -> Any:
        """The last octet (last 8 bits) of the address equals ``host``."""
        names = _names(field)[-8:]
        return self.bdd.cube({name: bool((host >> (7 - i)) & 1) for i, name in enumerate(names)})

    def _field(self, assignment: Mapping[str, bool], field: str) -> int:
        value = 0
        for name in _names(field):
            value = (value << 1) | int(bool(assignment.get(name, False)))
        return value

    def _packet(self, assignment: Mapping[str, bool]) -> Packet:
        return Packet(
            src=address_from_int(self._field(assignment, "src")),
            dst=address_from_int(self._field(assignment, "dst")),
            protocol=self._field(assignment, "proto"),
            src_port=self._field(assignment, "sport"),
            dst_port=self._field(assignment, "dport"),
            icmp_type=self._field(assignment, "icmp_type"),
            icmp_code=self._field(assignment, "icmp_code"),
            established=bool(self._field(assignment, "est")),
        )

    def contains(self, packets: Any, packet: Packet) -> bool:
        """Whether a concrete packet is in the set (used to cross-check the oracle)."""
        point = (
            self.address("src", packet.src)
            & self.address("dst", packet.dst)
            & self.value("proto", packet.protocol)
            & self.value("sport", packet.src_port)
            & self.value("dport", packet.dst_port)
            & self.value("icmp_type", packet.icmp_type)
            & self.value("icmp_code", packet.icmp_code)
            & self.established(packet.established)
        )
        return not self.is_empty(packets & point)


@cache
def space() -> PacketSpace:
    """The process's packet space (BDD nodes are shared across every device of an audit)."""
    return PacketSpace()
