"""IX access lists and the filters that bind them.

``ip access-list NAME permit|deny PROTO src SRC sport PORTS dest DST dport PORTS`` adds one entry to
the list NAME (entries keep the order written). ``ip filter NAME SEQ in|out`` binds a list to an
interface direction; the lists bound to one direction are evaluated by ascending sequence number,
the first matching entry decides, and a packet no entry matches is discarded (the filter's
implicit deny). onshi joins them into one ACL per interface direction, keeping each entry's line.

``ip access-list dynamic NAME access LIST`` is a dynamic (stateful) list: a packet LIST permits
passes and opens a session on that interface, whose replies come back in the other direction; a
packet LIST does not match goes on to the next filter. Where a dynamic and a static list share a
name, the dynamic one is bound. What a ``deny`` in LIST does (discard, or go on) is not confirmed,
so a list bound through such a trigger is not exactly known.

``ip access-list NAME option optimize`` lets the router evaluate the list in an order of its own,
which NEC's reference does not spell out: a list whose entries all have one action means the same
in any order, and any other is not exactly known.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from typing import Literal

from onshi.model import ANY_PORT, Acl, AclEntry, AddressMatch, Definition, IPNetwork, PortMatch

_PROTOCOLS = frozenset({"ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "esp", "ah", "gre"})
_NUMBERED = {"1": "icmp", "6": "tcp", "17": "udp", "47": "gre", "50": "esp", "51": "ahp", "58": "icmp"}
_PORTS = frozenset({"tcp", "udp"})
_HIGHEST_PORT = 65535


@dataclass
class Lists:
    """The access lists of one family, by name: their entries, and lines that did not read."""

    entries: dict[str, list[AclEntry]] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)
    unparsed: dict[str, list[int]] = field(default_factory=dict)
    dynamic: dict[str, tuple[str, int]] = field(default_factory=dict)  # name → (its trigger list, line)
    optimized: dict[str, int] = field(default_factory=dict)  # name → its `option optimize` line

    def definitions(self, family: str) -> list[Definition]:
        """The lists as written, each with its lines (entries, options, entries not read), and the
        dynamic lists, each with its one line."""
        lines: dict[str, set[int]] = {}
        for name, entries in self.entries.items():
            lines.setdefault(name, set()).update(entry.line for entry in entries)
        for table in (self.unparsed, {name: [line] for name, line in self.optimized.items()}):
            for name, more in table.items():
                lines.setdefault(name, set()).update(more)
        found = [Definition(f"{family} access-list", name, tuple(sorted(at))) for name, at in lines.items()]
        return found + [Definition(f"{family} access-list dynamic", name, (line,))
                        for name, (_, line) in self.dynamic.items()]  # fmt: skip

    def inexact(self, name: str) -> list[int]:
        """The lines that leave list ``name`` not exactly known: entries not read, and an optimised
        evaluation order where the order matters (entries with both actions)."""
        lines = list(self.unparsed.get(name, ()))
        if name in self.optimized and len({entry.action for entry in self.entries.get(name, ())}) > 1:
            lines.append(self.optimized[name])
        return lines


@dataclass(frozen=True, slots=True)
class Binding:
    name: str
    sequence: int
    line: int


def read_entry(lists: Lists, words: list[str], line: int, family: Literal[4, 6]) -> bool:
    """``ip access-list NAME ACTION …``: the entry is added, or the line is kept as unparsed (the
    list is then not exactly known). False only when the command is not an entry at all."""
    if words[3:] == ["option", "optimize"]:
        lists.optimized[words[2]] = line
        return True
    if len(words) < 4 or words[3] not in ("permit", "deny"):
        return False
    name = words[2]
    lists.first_line.setdefault(name, line)
    lists.entries.setdefault(name, [])
    action: Literal["permit", "deny"] = "permit" if words[3] == "permit" else "deny"
    entry = _entry(action, words[4:], line, family)
    if entry is None:
        lists.unparsed.setdefault(name, []).append(line)
        return False
    lists.entries[name].append(entry)
    return True


def read_dynamic(lists: Lists, words: list[str], line: int) -> bool:
    """``ip access-list dynamic NAME access LIST``; the global ``ip access-list dynamic cache|timer``
    settings (how many sessions, how long they live) change nothing about what may start."""
    if len(words) == 6 and words[4] == "access":
        lists.dynamic[words[3]] = (words[5], line)
        return True
    return len(words) > 4 and words[3] in ("cache", "timer")


@dataclass
class _Match:
    """The fields of one entry as they are read."""

    addresses: dict[str, AddressMatch] = field(
        default_factory=lambda: {"src": AddressMatch(any_=True), "dest": AddressMatch(any_=True)}
    )
    ports: dict[str, PortMatch] = field(default_factory=lambda: {"sport": ANY_PORT, "dport": ANY_PORT})
    icmp: dict[str, int] = field(default_factory=dict)

    def read(self, keyword: str, rest: list[str], protocol: str, family: int) -> bool:
        if keyword in ("src", "dest") and rest:
            address = _address(rest.pop(0), family)
            if address is not None:
                self.addresses[keyword] = address
            return address is not None
        if keyword in ("sport", "dport") and rest and protocol in _PORTS:
            ports = _ports(rest)
            if ports is not None:
                self.ports[keyword] = ports
            return ports is not None
        if keyword in ("type", "code") and rest and protocol == "icmp" and rest[0].isdigit():
            self.icmp[keyword] = int(rest.pop(0))
            return True
        return False


def _entry(action: Literal["permit", "deny"], words: list[str], line: int, family: int) -> AclEntry | None:
    if not words:
        return None
    protocol = _NUMBERED.get(words[0], words[0])
    if protocol not in _PROTOCOLS and not protocol.isdigit():
        return None
    protocol = "ip" if protocol == "ipv6" else "icmp" if protocol == "icmpv6" else protocol
    match = _Match()
    rest = words[1:]
    while rest:
        if not match.read(rest.pop(0), rest, protocol, family):
            return None
    return AclEntry(action, protocol, match.addresses["src"], match.ports["sport"], match.addresses["dest"],
                    match.ports["dport"], False, match.icmp.get("type"), match.icmp.get("code"), line)  # fmt: skip


def _address(word: str, family: int) -> AddressMatch | None:
    if word == "any":
        return AddressMatch(any_=True)
    try:
        network: IPNetwork = ipaddress.ip_network(word, strict=False)
    except ValueError:
        return None
    return AddressMatch((network,)) if network.version == family else None


def _ports(rest: list[str]) -> PortMatch | None:
    """``any``, ``eq N``, ``range A B``, ``gt N``, ``lt N``, ``ge N``, ``le N`` (consumed from ``rest``)."""
    operator = rest.pop(0)
    if operator == "any":
        return ANY_PORT
    count = 2 if operator == "range" else 1
    if len(rest) < count or not all(word.isdigit() for word in rest[:count]):
        return None
    values = [int(rest.pop(0)) for _ in range(count)]
    ranges = {
        "eq": (values[0], values[0]),
        "range": (values[0], values[-1]),
        "gt": (values[0] + 1, _HIGHEST_PORT),
        "ge": (values[0], _HIGHEST_PORT),
        "lt": (0, values[0] - 1),
        "le": (0, values[0]),
    }.get(operator)
    if ranges is None or ranges[0] > ranges[1]:
        return None
    return PortMatch((ranges,))


def bound_acl(name: str, family: Literal[4, 6], bindings: list[Binding], lists: Lists) -> Acl:
    """The lists bound to one interface direction as one ACL, in sequence order. A list that does
    not exist, or holds an entry onshi could not read, leaves the ACL inexact (its lines named)."""
    entries: list[AclEntry] = []
    unparsed: list[int] = []
    missing: list[tuple[str, int]] = []
    for binding in sorted(bindings, key=lambda b: b.sequence):
        listed, line, stateful = binding.name, binding.line, binding.name in lists.dynamic
        if stateful:
            listed, line = lists.dynamic[binding.name]
        if listed not in lists.entries:
            unparsed.append(line)
            missing.append((listed, line))
            continue
        found = lists.entries[listed]
        entries.extend([replace(entry, stateful=True) for entry in found] if stateful else found)
        unparsed.extend(lists.inexact(listed))
        if stateful and any(entry.action == "deny" for entry in found):
            unparsed.append(line)  # a trigger's deny: discarded, or on to the next filter? not confirmed
    first = min(b.line for b in bindings)
    return Acl(name, family, "extended", tuple(entries), first, tuple(unparsed), implicit_nd=False,
               missing=tuple(missing))  # fmt: skip
