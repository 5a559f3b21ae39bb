"""Access lists as exact packet sets: first match, implicit deny.

IOS semantics kept here because they are about filters in general, not vendor syntax:
an ACL that is referenced but not defined, or defined without entries, permits everything; an
IPv6 ACL ends with implicit permits of neighbour discovery (ND NA/NS) before its implicit deny
(so an explicit ``deny ipv6 any any`` blocks ND too); a standard ACL matches
the source only (the parser gives it ``any`` destination).

Entries that match on something the model does not represent (``qualified``: DSCP, time-range,
TCP flags, fragments) are taken as matching when they permit and as not matching when they deny:
the permitted set is then a safe over-approximation, and :class:`FilterSet` says it is not exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onshi.analysis.packets import PROTOCOLS, IPNetwork, PacketSpace
from onshi.model import Acl, AclEntry, AddressMatch, PortMatch

ICMPV6 = 58
_ND_TYPES = (135, 136)


@dataclass(frozen=True)
class FilterSet:
    """The packets a filter permits, whether that is exact, and the lines that decide."""

    permitted: Any
    exact: bool
    lines: tuple[int, ...]
    reason: str | None = None  # why it is not exact


def _addresses(space: PacketSpace, field: str, match: AddressMatch) -> Any:
    return space.true if match.any_ else space.networks(field, match.networks)


@dataclass(frozen=True)
class _Prefix:
    network: IPNetwork | None  # None: any address


_ANY = _Prefix(None)
_SEVERAL = _Prefix(None)  # several networks (or another family): built as a union instead


def _prefix(match: AddressMatch, family: int) -> _Prefix:
    if match.any_:
        return _ANY
    if len(match.networks) == 1 and match.networks[0].version == family:
        return _Prefix(match.networks[0])
    return _SEVERAL


def _ports(space: PacketSpace, field: str, match: PortMatch) -> Any:
    if match.any:
        return space.true
    result = space.false
    for low, high in match.ranges:
        result |= space.range(field, low, high)
    return result


def protocol_number(name: str, family: int) -> int | None:
    """The IP protocol of an ACL protocol word; None for ``ip`` (every protocol)."""
    if name in ("ip", "ipv6"):
        return None
    if name == "icmp":
        return 1 if family == 4 else ICMPV6
    if name.isdigit():
        return int(name)
    return PROTOCOLS.get(name, -1)


def entry_set(space: PacketSpace, entry: AclEntry, family: int) -> Any:
    """The packets of ``family`` that an entry matches."""
    number = protocol_number(entry.protocol, family)
    if number is not None and number < 0:
        return space.false  # an unknown protocol name matches nothing we can name
    source, destination = _prefix(entry.source, family), _prefix(entry.destination, family)
    if source is not _SEVERAL and destination is not _SEVERAL:
        result = space.fixed(family, source.network, destination.network, number)
    else:
        result = space.family(family)
        result &= _addresses(space, "src", entry.source) & _addresses(space, "dst", entry.destination)
        if number is not None:
            result &= space.protocol(number)
    if number in (6, 17):
        result &= _ports(space, "sport", entry.source_ports) & _ports(space, "dport", entry.destination_ports)
    if number == 6 and entry.established:
        result &= space.established(True)
    if number in (1, ICMPV6) and entry.icmp_type is not None:
        result &= space.value("icmp_type", entry.icmp_type)
        if entry.icmp_code is not None:
            result &= space.value("icmp_code", entry.icmp_code)
    return result


def acl_set(
    space: PacketSpace,
    acl: Acl | None,
    family: int,
    name: str | None = None,
    *,
    packets: Any = None,
    built: dict[tuple[str, int], ListSets] | None = None,
) -> FilterSet:
    """What an interface ACL (or the absence of one) lets through, for packets of ``family``.

    Given ``packets``, the answer for those packets only (the whole list's answer intersected with
    them), built from the entries that match one of them: a long list that packets of one segment meet
    in a few of its lines is then folded over those lines alone. ``built`` keeps each list's entry
    sets across calls."""
    every = space.family(family) & (packets if packets is not None else space.true)
    if acl is None:
        reason = None if name is None else f"ACL {name} is not defined (permits everything)"
        return FilterSet(every, True, (), reason)
    if acl.family != family:
        return FilterSet(every, True, ())
    lines = (acl.line, *(entry.line for entry in acl.entries))
    if not acl.entries and not acl.unparsed_lines:
        return FilterSet(every, True, lines)
    # A partial deny cannot be relied on to drop every matching packet: it is left out.
    entries = [e for e in acl.entries if not (e.qualified and e.action == "deny")]
    lists = built.get((acl.name, family)) if built is not None else None
    if lists is None:
        lists = ListSets(space, entries, family)
        if built is not None:
            built[(acl.name, family)] = lists
    permitted, matched = lists.first_match(packets)
    permitted |= implicit_permits(space, acl) & ~matched
    exact = not acl.unparsed_lines and not any(entry.qualified for entry in acl.entries)
    reason = None if exact else f"ACL {acl.name} has entries onshi cannot model exactly"
    return FilterSet(permitted & every, exact, lines, reason)


class ListSets:
    """A list's entries as packet sets, in order, built until one matches every packet of the family
    (``permit ip any any``, ``deny ip any any``): no packet reaches a later line, so the lines after
    it cannot change the answer and are not built."""

    def __init__(self, space: PacketSpace, entries: list[AclEntry], family: int) -> None:
        self.space = space
        self.leaves: list[tuple[bool, Any]] = []  # (permits, matched) per line
        every = space.family(family)
        for entry in entries:
            matched = entry_set(space, entry, family)
            self.leaves.append((entry.action == "permit", matched))
            if matched == every:  # BDDs are canonical: equality is one comparison
                break

    def first_match(self, packets: Any = None) -> tuple[Any, Any]:
        """(permitted, matched) under first-match semantics; given ``packets``, for those alone (the
        lines that match none of them are left out: they decide nothing there)."""
        sp = self.space
        if packets is None:
            sets = [matched for _, matched in self.leaves]
        else:
            sets = [matched & packets for _, matched in self.leaves]
        leaves = [(matched if permits else sp.false, matched)
                  for (permits, _), matched in zip(self.leaves, sets, strict=True) if matched != sp.false]  # fmt: skip
        return _joined(sp, leaves)


def first_match(space: PacketSpace, entries: list[AclEntry], family: int) -> tuple[Any, Any]:
    """(permitted, matched) of a list under first-match semantics (:class:`ListSets`); the sets are
    joined by divide and conquer."""
    return ListSets(space, entries, family).first_match()


def _joined(space: PacketSpace, leaves: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    """For two consecutive slices L and R: permitted = P_L ∪ (P_R ∖ M_L) and matched = M_L ∪ M_R.
    Joining balanced halves keeps every operand small, O(n log n) BDD operations in all, where
    folding entry by entry grows one accumulated BDD and costs O(n²) (measured in
    ``benchmarks.bench_reachability``). As P_L ⊆ M_L, the permitted join is one if-then-else
    (M_L ? P_L : P_R): one pass of CUDD instead of a complement, a conjunction and a disjunction."""
    if not leaves:
        return space.false, space.false
    if len(leaves) == 1:
        return leaves[0]
    middle = len(leaves) // 2
    left_permitted, left_matched = _joined(space, leaves[:middle])
    right_permitted, right_matched = _joined(space, leaves[middle:])
    return space.bdd.ite(left_matched, left_permitted, right_permitted), left_matched | right_matched


def implicit_permits(space: PacketSpace, acl: Acl) -> Any:
    """What a list permits after its last line: IPv6 neighbour discovery where the platform adds it
    before the implicit deny (Cisco), else nothing."""
    return _neighbour_discovery(space) if acl.family == 6 and acl.implicit_nd else space.false


def _neighbour_discovery(space: PacketSpace) -> Any:
    nd = space.false
    for icmp_type in _ND_TYPES:
        nd |= space.value("icmp_type", icmp_type)
    return space.family(6) & space.protocol(ICMPV6) & nd
