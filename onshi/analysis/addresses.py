"""Exact sets of source addresses, as sorted disjoint integer intervals per IP family.

Enough for the one-dimensional questions of the foundation rules (which sources may reach the
vty lines, the web server, SNMP) with first-match ACL semantics. The multi-dimensional packet
sets of the reachability engine build on the same idea.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from onshi.model import Acl, AclEntry, AddressMatch, IPNetwork

_FAMILY_MAX = {4: (1 << 32) - 1, 6: (1 << 128) - 1}

# Private, shared, loopback, link-local, documentation-free "martian" sources that never arrive
# legitimately from the internet (RFC 6890), IPv4 and IPv6.
BOGONS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/3",
    "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
))  # fmt: skip


@dataclass(frozen=True, slots=True)
class AddressSet:
    family: int
    intervals: tuple[tuple[int, int], ...]  # inclusive, sorted, disjoint, not adjacent

    @classmethod
    def empty(cls, family: int) -> AddressSet:
        return cls(family, ())

    @classmethod
    def everything(cls, family: int) -> AddressSet:
        return cls(family, ((0, _FAMILY_MAX[family]),))

    @classmethod
    def of(cls, family: int, networks: Iterable[IPNetwork]) -> AddressSet:
        spans = [
            (int(network.network_address), int(network.broadcast_address))
            for network in networks
            if network.version == family
        ]
        return cls(family, _normalise(spans))

    @classmethod
    def of_match(cls, family: int, match: AddressMatch) -> AddressSet:
        return cls.everything(family) if match.any_ else cls.of(family, match.networks)

    def union(self, other: AddressSet) -> AddressSet:
        return AddressSet(self.family, _normalise([*self.intervals, *other.intervals]))

    def difference(self, other: AddressSet) -> AddressSet:
        result = list(self.intervals)
        for low, high in other.intervals:
            next_result = []
            for a, b in result:
                if high < a or low > b:
                    next_result.append((a, b))
                    continue
                if a < low:
                    next_result.append((a, low - 1))
                if b > high:
                    next_result.append((high + 1, b))
            result = next_result
        return AddressSet(self.family, tuple(result))

    def intersection(self, other: AddressSet) -> AddressSet:
        return self.difference(self.difference(other))

    def is_empty(self) -> bool:
        return not self.intervals

    def is_everything(self) -> bool:
        return self.intervals == ((0, _FAMILY_MAX[self.family]),)

    def issubset(self, other: AddressSet) -> bool:
        return self.difference(other).is_empty()

    def example(self) -> str | None:
        """One address of the set (the first), for messages."""
        if not self.intervals:
            return None
        return str(ipaddress.ip_address(self.intervals[0][0]) if self.family == 4 else
                   ipaddress.IPv6Address(self.intervals[0][0]))  # fmt: skip


def _normalise(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def permitted_sources(acl: Acl, family: int) -> AddressSet | None:
    """Sources an ACL permits for some packet, by first match; None when the ACL is not exactly
    known (unparsed entries).

    Packets are split into protocol classes (each protocol the ACL names, and all others), and
    first match is evaluated per class, so ``deny tcp any`` before ``permit tcp any`` permits
    nothing. Within a class, an entry that also matches on ports, destinations, TCP state or
    other qualifiers matches only some packets of a source: it can permit the source but never
    deny it for every packet, so it only widens the answer. The result is exact for ACLs that
    match on source and protocol, and a safe over-approximation otherwise.
    """
    if acl.unparsed_lines:
        return None
    classes = {entry.protocol for entry in acl.entries if entry.protocol != "ip"} | {_OTHER}
    permitted = AddressSet.empty(family)
    for protocol_class in classes:
        remaining = AddressSet.everything(family)
        for entry in acl.entries:
            if entry.protocol not in ("ip", protocol_class):
                continue
            matched = remaining.intersection(AddressSet.of_match(family, entry.source))
            if entry.action == "permit":
                permitted = permitted.union(matched)
            if _matches_every_packet_of_class(entry):
                remaining = remaining.difference(matched)
    return permitted


_OTHER = "<other protocols>"


def _matches_every_packet_of_class(entry: AclEntry) -> bool:
    return (
        entry.destination.any_
        and entry.source_ports.any
        and entry.destination_ports.any
        and not entry.established
        and not entry.qualified
        and entry.icmp_type is None
    )
