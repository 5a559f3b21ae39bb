"""Exact sets of packets as binary decision diagrams (CUDD through the ``dd`` package).

A packet is a point in the header space: address family (1 bit), destination and source address
(128 bits each; an IPv4 address fills the top 32 bits and leaves the other 96 free, so an IPv4
prefix costs as many BDD nodes as its length), IP protocol (8 bits), source and destination port
(16 bits each), ICMP type and code (8 bits each), and TCP ``established`` (1 bit: ACK or RST set,
i.e. not the opening SYN). A set of packets is a BDD over those 314 variables; union,
intersection, difference and emptiness are BDD operations, and an example packet is one path to
``true``.

Why BDDs, measured with ``python -m benchmarks.bench_reachability --compare`` (2 cores, first
match of one ACL, seconds):

    shape      lines   BDD (divide and conquer)   BDD (fold)   disjoint hyper-rectangles
    random      1000                      0.21         0.25                        0.07
    random     10000                      2.26            -                        0.16
    blocklist   1000                      0.06         0.06                        0.35
    blocklist  10000                      0.84            -                        3.79

(The random rows build every line; first_match now stops at the first line that matches every
packet, so on the random shape, whose line 57 is such a line, it takes milliseconds. The benchmark's
"no catch-all" shape keeps the hard case. A segment's filter is also folded only over the lines that
match one of the segment's packets (``acl_sets.ListSets.first_match``): its zone matrix with a
10,000-line "no catch-all" list went from 4.2 s to 0.7 s.)

Hyper-rectangles win while entries do not overlap ("random": hosts anywhere in the address
space), but first match subtracts every entry from what remains, and overlapping entries (host
denies inside permitted networks, the shape of real block lists) fragment the remainder, which
grows quadratically; the multi-field sets the rules combine (zone-based firewall classes, NAT,
mirrored crypto ACLs, differences of reachability sets) fragment further. BDDs stay canonical
and compact for prefixes and port ranges, answer emptiness and equality in constant time, and
grow linearly on both shapes. Two measured choices keep them fast: IPv4 addresses use only the
top 32 bits of the address field (an earlier IPv4-mapped encoding carried 96 fixed bits per
address and was 3-4 times slower), and ACLs fold by divide and conquer
(``acl_sets.first_match``).
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
_V4_SHIFT = ADDRESS_BITS - 32  # an IPv4 address sits in the top 32 bits of the field

PROTOCOLS = {
    "icmp": 1, "igmp": 2, "ipinip": 4, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ahp": 51, "ah": 51,
    "icmpv6": 58, "eigrp": 88, "ospf": 89, "pim": 103, "l2tp": 115, "sctp": 132,
}  # fmt: skip
PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items() if name != "ah"}

# Field name -> (variable prefix, width in bits). Order is the BDD variable order: the family,
# then the destination (routing decides on it), then the source, then the transport fields.
FIELDS: dict[str, tuple[str, int]] = {
    "family": ("f", 1),  # 0: IPv4, 1: IPv6
    "dst": ("d", ADDRESS_BITS),
    "src": ("s", ADDRESS_BITS),
    "proto": ("p", 8),
    "sport": ("sp", 16),
    "dport": ("dp", 16),
    "icmp_type": ("it", 8),
    "icmp_code": ("ic", 8),
    "est": ("e", 1),
}


_NAMES: dict[str, list[str]] = {
    field: [f"{prefix}{index}" for index in range(width)] for field, (prefix, width) in FIELDS.items()
}


def _names(field: str) -> list[str]:
    return _NAMES[field]


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


_CONJOINED_BITS = 48  # prefixes up to this length are made bit by bit (see PacketSpace._prefix_bits)


def _leading_bits(field: str, value: int, length: int) -> dict[str, bool]:
    """The first ``length`` variables of ``field`` set as ``value`` (of the field's width) has them:
    a prefix or an exact value as a cube's assignment. Built from the value's binary digits in one
    pass, which an ACL of 10,000 entries feels (a bit-by-bit loop cost twice the cube itself)."""
    names = _NAMES[field]
    digits = format(value, f"0{len(names)}b")[:length]
    return dict(zip(names, map("1".__eq__, digits), strict=False))


def address_bits(address: IPAddress) -> tuple[int, int]:
    """(value in the 128-bit field, number of significant bits) for an address."""
    if address.version == 4:
        return int(address) << _V4_SHIFT, 32
    return int(address), ADDRESS_BITS


def address_from_bits(version: int, value: int) -> IPAddress:
    if version == 4:
        return ipaddress.IPv4Address(value >> _V4_SHIFT)
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
        # Each variable's name and (field, bit) by its level, for walks that read a node's level (the
        # order is fixed: reordering is off); the terminals' level is below every variable's.
        self._level_names = [self.bdd.var_at_level(level) for level in range(len(self.bdd.vars))]
        self._level_positions = [_POSITION[name] for name in self._level_names]
        self._terminal_level = self.true.level
        self._literals = {field: [(~bit, bit) for bit in bits] for field, bits in self._vars.items()}  # by value
        self.ipv6 = self._vars["family"][0]
        self.ipv4 = ~self.ipv6
        self._range_cache: dict[tuple[str, int, int], Any] = {}
        # Prefixes recur across entries and devices (any, RFC 1918, the facility's segments).
        self._network_cache: dict[tuple[str, IPNetwork], Any] = {}
        self._address_cache: dict[tuple[str, IPAddress], Any] = {}

    # --- constructors -----------------------------------------------------------------------------

    def _prefix_bits(self, field: str, value: int, length: int) -> Any:
        """The first ``length`` bits of ``field`` as in ``value``."""
        if length > _CONJOINED_BITS:
            return self.bdd.cube(_leading_bits(field, value, length))
        return self._conjoined(self.true, field, value, length)

    def _conjoined(self, below: Any, field: str, value: int, length: int) -> Any:
        """``below`` (a set of variables after ``field``'s) and the first ``length`` bits of ``field`` as
        in ``value``, one conjunction per bit from the last up, each adding one node above the last: a
        cube costs as much for one bit as for all, as dd reads every variable of the space to make one,
        so short prefixes and values are made this way."""
        literals = self._literals[field]
        width = len(literals)
        result = below
        for index in range(length - 1, -1, -1):
            result &= literals[index][(value >> (width - 1 - index)) & 1]
        return result

    def network(self, field: str, network: IPNetwork) -> Any:
        """Packets whose ``field`` ("src" or "dst") lies in ``network``."""
        key = (field, network)
        cached = self._network_cache.get(key)
        if cached is None:
            cached = self._network(field, network)
            self._network_cache[key] = cached
        return cached

    def _network(self, field: str, network: IPNetwork) -> Any:
        value, _ = address_bits(network.network_address)
        return self.family(network.version) & self._prefix_bits(field, value, network.prefixlen)

    def fixed(self, family: int, src: IPNetwork | None, dst: IPNetwork | None, protocol: int | None) -> Any:
        """Family, source and destination prefixes and protocol: the common shape of an ACL entry, made
        bottom-up in the variables' order (protocol, source, destination, family) where that is short,
        as one cube otherwise (IPv6 prefixes)."""
        prefixes = [(field, network) for field, network in (("src", src), ("dst", dst)) if network is not None]
        if sum(network.prefixlen for _, network in prefixes) > _CONJOINED_BITS * 2:
            return self._cube(family, prefixes, protocol)
        result = self.true if protocol is None else self._conjoined(self.true, "proto", protocol, 8)
        for field, network in prefixes:  # the source's variables are below the destination's
            value, _ = address_bits(network.network_address)
            result = self._conjoined(result, field, value, network.prefixlen)
        return result & self.family(family)

    def _cube(self, family: int, prefixes: list[tuple[str, IPNetwork]], protocol: int | None) -> Any:
        assignment: dict[str, bool] = {_names("family")[0]: family == 6}
        for field, network in prefixes:
            value, _ = address_bits(network.network_address)
            assignment.update(_leading_bits(field, value, network.prefixlen))
        if protocol is not None:
            assignment.update(_leading_bits("proto", protocol, 8))
        return self.bdd.cube(assignment)

    def networks(self, field: str, networks: Iterable[IPNetwork]) -> Any:
        result = self.false
        for network in networks:
            result |= self.network(field, network)
        return result

    def address(self, field: str, address: IPAddress) -> Any:
        key = (field, address)
        cached = self._address_cache.get(key)
        if cached is None:  # not made into a network first: ip_network costs more than the lookup
            cached = self._address_cache[key] = self.network(field, ipaddress.ip_network(address))
        return cached

    def family(self, version: int) -> Any:
        return self.ipv4 if version == 4 else self.ipv6

    def value(self, field: str, value: int) -> Any:
        return self.range(field, value, value)

    def range(self, field: str, low: int, high: int) -> Any:
        """``low <= field <= high`` (inclusive), for ports and other small fields."""
        key = (field, low, high)
        cached = self._range_cache.get(key)
        if cached is None:
            if low == high:
                cached = self._prefix_bits(field, low, len(_names(field)))
            else:
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

    def count(self, packets: Any) -> int:
        """How many distinct packets the set holds, each told apart by what its protocol carries: the
        addresses and protocol, with the ports for TCP and UDP, the type and code for ICMP (and
        ICMPv6), and nothing more for other protocols (the TCP flags bit is not counted). An IPv4
        address counts 32 bits, an IPv6 one 128."""
        ported = self.protocol(6) | self.protocol(17)
        icmp = self.protocol(1) | self.protocol(58)
        total = 0
        for kind, free in ((ported, ("icmp_type", "icmp_code")), (icmp, ("sport", "dport")),
                           (~ported & ~icmp, ("sport", "dport", "icmp_type", "icmp_code"))):  # fmt: skip
            for version in (4, 6):
                part = packets & kind & self.family(version)
                if part == self.false:
                    continue
                dropped = [name for field in (*free, "est") for name in _names(field)]
                if version == 4:  # the low 96 bits of an IPv4 address field are free: not packets of their own
                    dropped += [name for field in ("src", "dst") for name in _names(field)[32:]]
                kept = sum(width for _, width in FIELDS.values()) - len(dropped)
                total += int(self.bdd.count(self.bdd.exist(dropped, part), nvars=kept))
        return total

    def example(self, packets: Any, preferences: Iterable[Any] = (), first: Iterable[Any] = ()) -> Packet | None:
        """One packet of the set, steered by preferences, each kept when it leaves the set non-empty:
        ``first`` (say, addresses a person can use), then readable defaults, then ``preferences``."""
        if self.is_empty(packets):
            return None
        chosen = self._narrowed(packets, first)
        defaults = self._defaults()
        together = chosen & self._defaults_but_last()
        if self.is_empty(together):
            chosen = self._narrowed(chosen, (*defaults, *preferences))
        else:  # every default but the last kept: what keeping them one by one gives, in one conjunction
            chosen = self._narrowed(together, (defaults[-1], *preferences))
        packet = self._packet(self._satisfying_path(chosen))
        if not self.contains(packets, packet):  # cheap, and a wrong example must never be reported
            raise AssertionError("example packet is not in its set")
        return packet

    def _narrowed(self, packets: Any, preferences: Iterable[Any]) -> Any:
        """``packets`` narrowed by each preference in turn that leaves some."""
        for preference in preferences:
            narrowed = packets & preference
            if not self.is_empty(narrowed):
                packets = narrowed
        return packets

    @cache  # noqa: B019 - one space per process; the preferences never change
    def _defaults_but_last(self) -> Any:
        """The conjunction of the default preferences but the last (an echo request, which a TCP
        connection excludes): when a set meets it, the preferences are kept in one step, not ten."""
        result = self.true
        for preference in self._defaults()[:-1]:
            result &= preference
        return result

    @cache  # noqa: B019 - one space per process; the preferences never change
    def _defaults(self) -> tuple[Any, ...]:
        """Every readable default of an example, in the order they are kept."""
        return (*self._usable_hosts(), *self._default_preferences())

    def _satisfying_path(self, packets: Any) -> dict[str, bool]:
        """One path to ``true`` (variables off the path are free and read as 0). CUDD stores
        complemented edges: the function below a node is the node's own, complemented once for each
        complemented edge passed on the way down (counted here rather than complementing each child,
        which would make two new handles a step). A tenth of the time of ``BDD.pick``, which
        enumerates over the whole support."""
        assignment: dict[str, bool] = {}
        true, false = self.true, self.false
        names, terminal = self._level_names, self._terminal_level  # a level is cheaper to ask than a name
        node = packets
        level = node.level
        flipped = False
        while level != terminal:
            if node.negated:
                flipped = not flipped
            high = node.high
            take_high = high != (true if flipped else false)  # else the high branch is the empty set
            assignment[names[level]] = take_high
            node = high if take_high else node.low
            level = node.level
        return assignment

    @cache  # noqa: B019 - one space per process; the preferences never change
    def _usable_hosts(self) -> tuple[Any, ...]:
        """Addresses a host can have, at both ends: never unspecified, loopback, multicast, the limited
        broadcast or reserved (IPv4 0/8, 127/8, 224/3; IPv6 ::, ::1, multicast, link- and site-local)."""
        networks = [ipaddress.ip_network(text) for text in _SPECIAL]
        return (~self.networks("src", networks), ~self.networks("dst", networks))

    @cache  # noqa: B019 - one space per process; the preferences never change
    def _default_preferences(self) -> tuple[Any, ...]:
        """Readable examples: a new TCP connection from an ephemeral port, between host addresses
        (.23 → .5) rather than network addresses, to a well-known service when one fits; ICMP as an
        echo request."""
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
            # An echo request of the packet's own family (ICMP 8, ICMPv6 128).
            (self.protocol(1) & self.value("icmp_type", 8)) | (self.protocol(58) & self.value("icmp_type", 128)),
        )

    def _host_bits(self, field: str, host: int) -> Any:
        """The last octet of the address (IPv4 or IPv6) equals ``host``."""
        result = self.false
        for version, last in ((4, 32), (6, ADDRESS_BITS)):
            names = _names(field)[last - 8 : last]
            octet = self.bdd.cube({name: bool((host >> (7 - i)) & 1) for i, name in enumerate(names)})
            result |= self.family(version) & octet
        return result

    def _packet(self, assignment: Mapping[str, bool]) -> Packet:
        """The packet a path assigns (variables off the path read as 0), field by field."""
        fields = dict.fromkeys(FIELDS, 0)
        for name, value in assignment.items():
            if value:
                field, shift = _POSITION[name]
                fields[field] |= 1 << shift
        version = 6 if fields["family"] else 4
        return Packet(
            src=address_from_bits(version, fields["src"]),
            dst=address_from_bits(version, fields["dst"]),
            protocol=fields["proto"],
            src_port=fields["sport"],
            dst_port=fields["dport"],
            icmp_type=fields["icmp_type"],
            icmp_code=fields["icmp_code"],
            established=bool(fields["est"]),
        )

    def contains(self, packets: Any, packet: Packet) -> bool:
        """Whether a concrete packet is in the set (used to cross-check the oracle): one walk from the
        root, taking at each variable the branch the packet's bit chooses."""
        fields = _fields_of(packet)
        positions, terminal = self._level_positions, self._terminal_level
        node = packets
        level = node.level
        flipped = False  # complemented edges passed, as in _satisfying_path
        while level != terminal:
            if node.negated:
                flipped = not flipped
            field, shift = positions[level]
            node = node.high if (fields[field] >> shift) & 1 else node.low
            level = node.level
        return bool(node == self.true) != flipped


# Each variable's field and bit (as a shift from the field's least significant bit).
_POSITION: dict[str, tuple[str, int]] = {
    name: (field, len(names) - 1 - index) for field, names in _NAMES.items() for index, name in enumerate(names)
}


def _fields_of(packet: Packet) -> dict[str, int]:
    """A packet as the values of the header-space fields."""
    return {
        "family": int(packet.version == 6),
        "src": address_bits(packet.src)[0],
        "dst": address_bits(packet.dst)[0],
        "proto": packet.protocol,
        "sport": packet.src_port,
        "dport": packet.dst_port,
        "icmp_type": packet.icmp_type,
        "icmp_code": packet.icmp_code,
        "est": int(packet.established),
    }


# Addresses no host has (RFC 6890): never an example packet's source or destination.
_SPECIAL = ("0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3", "::/128", "::1/128", "ff00::/8", "fe80::/10", "fec0::/10")


@cache
def space() -> PacketSpace:
    """The process's packet space (BDD nodes are shared across every device of an audit)."""
    return PacketSpace()
