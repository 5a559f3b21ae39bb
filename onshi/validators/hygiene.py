"""Filter hygiene (HYG-01, HYG-02, HYG-04, HYG-05): what an auditor reads a rule base for.

Every filter of the device (IOS ACLs, the Yamaha and IX lists as each interface binds them,
FortiGate policy tables) is taken line by line as exact packet sets, in first-match order:

- HYG-01, a line no packet reaches: everything it matches, earlier lines decide (cited);
- HYG-02, a permit that changes nothing: the packets it decides first, the lines after it would
  permit as well. A deny the rest of the list would also make is not reported: lists spell out
  their denies on purpose (and the default deny at the end);
- HYG-03, a filter or object defined but used nowhere: its name stands on no line but its own
  definition's (a use is always written by name or number, so a name found anywhere else counts as
  used: onshi may miss an unused one, never call a used one unused);
- HYG-04, a filter bound by a name that does not exist (IOS then filters nothing);
- HYG-05, a filter on a segment or VPN boundary that lets every packet through: it filters nothing
  (a list of dynamic entries bound out alone is a session table for replies, not a filter).

A list with lines onshi could not read exactly, or too long to take line by line here, is named
(``manual``), never judged on a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import accumulate
from typing import Any

from onshi.analysis.acl_sets import acl_set, entry_set, implicit_permits
from onshi.analysis.packets import PacketSpace, space
from onshi.model import Acl, Aspect, Device, Interface, Severity, ZoneAction, ZonePair
from onshi.validators.base import Outcome, Recent, RuleInput, failed, manual, names, not_applicable, passed
from onshi.validators.registry import rule

REFS_HYG = ("MHLW6 システム運用編 13 ⑤",)
LINE_BY_LINE_LIMIT = 1500  # entries: beyond, the prefix unions cost more than an audit should
_COVERING_SHOWN = 5


@dataclass(frozen=True, slots=True)
class LineVerdict:
    line: int
    unreachable: bool
    redundant: bool
    covering: tuple[int, ...]  # earlier lines that match some of the same packets


def _judgeable(acl: Acl) -> str | None:
    """Why the list cannot be taken line by line, or None."""
    if acl.unparsed_lines or any(entry.qualified for entry in acl.entries):
        return "inexact"
    if len(acl.entries) > LINE_BY_LINE_LIMIT:
        return "too_long"
    return None


@dataclass(frozen=True, slots=True)
class ListReading:
    verdicts: tuple[LineVerdict, ...]
    permits_everything: bool  # the list lets every packet of its family through


def line_verdicts(packets: PacketSpace, acl: Acl) -> list[LineVerdict]:
    """Each source line of an exactly known list (a line may make several entries: ``udp,tcp``):
    reached or not, and, for a permit, whether it changes any decision. Stateful entries take part
    in the order but are not judged themselves."""
    return list(read_list(packets, acl).verdicts)


def read_list(packets: PacketSpace, acl: Acl) -> ListReading:
    """The line verdicts and what the whole list lets through, from one pass over its packet sets."""
    matches = [entry_set(packets, entry, acl.family) for entry in acl.entries]
    suffix = _suffix_permits(packets, acl, matches)
    by_line: dict[int, list[tuple[bool, bool, set[int]]]] = {}
    earlier = packets.false
    for index, (entry, matched) in enumerate(zip(acl.entries, matches, strict=True)):
        new = matched & ~earlier
        if not entry.stateful and not packets.is_empty(matched):  # an empty set: a protocol onshi cannot name
            unreachable = packets.is_empty(new)
            # A deny the rest of the list would also make is a list spelling out its denies: not reported.
            redundant = entry.action == "permit" and not unreachable and packets.is_empty(new & ~suffix[index + 1])
            # The covering lines are named only for an unreachable line (the only verdict that cites them).
            covering = {acl.entries[j].line for j in range(index)
                        if not packets.is_empty(matches[j] & matched)} if unreachable else set()  # fmt: skip
            by_line.setdefault(entry.line, []).append((unreachable, redundant, covering))
        earlier |= matched
    verdicts = tuple(
        LineVerdict(line, all(u for u, _, _ in parts), all(r for _, r, _ in parts) and not all(u for u, _, _ in parts),
                    tuple(sorted(set().union(*(c for _, _, c in parts)))))
        for line, parts in by_line.items()
    )  # fmt: skip
    return ListReading(verdicts, suffix[0] == packets.family(acl.family))


def _suffix_permits(packets: PacketSpace, acl: Acl, matches: list[Any]) -> list[Any]:
    """What the lines from each index on permit (first match), then the list's default (deny, after
    the implicit IPv6 neighbour discovery where the platform adds it)."""
    suffix = [packets.false] * len(matches) + [implicit_permits(packets, acl)]
    for index in range(len(matches) - 1, -1, -1):
        then = matches[index] if acl.entries[index].action == "permit" else packets.false
        suffix[index] = packets.bdd.ite(matches[index], then, suffix[index + 1])
    return suffix


@lru_cache(maxsize=512)
def _reading(acl: Acl) -> ListReading:
    """HYG-01, HYG-02 and HYG-05 read the same pass over a list: made once."""
    return read_list(space(), acl)


def _bound(interface: Interface) -> tuple[str, ...]:
    """The names of the filters an interface binds (both directions, both families)."""
    names_ = (interface.acl_in, interface.acl_out, interface.ipv6_acl_in, interface.ipv6_acl_out)
    return tuple(name for name in names_ if name is not None)


def _lists(inp: RuleInput) -> list[Acl]:
    """The lists written line by line (not those onshi derives from other settings)."""
    return [acl for acl in inp.device.acls if acl.entries and not acl.derived]


@rule("HYG-01", Severity.MEDIUM, *REFS_HYG, reads=(Aspect.FORWARDING, Aspect.MANAGEMENT))
def unreachable_lines(inp: RuleInput) -> Iterator[Outcome]:
    yield from _line_rule(inp, unreachable=True)


@rule("HYG-02", Severity.LOW, *REFS_HYG, reads=(Aspect.FORWARDING, Aspect.MANAGEMENT))
def redundant_lines(inp: RuleInput) -> Iterator[Outcome]:
    yield from _line_rule(inp, unreachable=False)


def _line_rule(inp: RuleInput, *, unreachable: bool) -> Iterator[Outcome]:
    lists = _lists(inp)
    policies = _policies(inp.device)
    tables, untaken = policies.tables, policies.untaken
    if not lists and not tables and not untaken:
        yield not_applicable("no_filters")
        return
    problems = False
    for pair in untaken:
        problems = True
        yield manual("inexact", [pair.line], acl=pair.name, limit=LINE_BY_LINE_LIMIT)
    for verdict in policies.verdicts:
        if unreachable and verdict.unreachable:
            problems = True
            yield failed("policy_unreachable", [*verdict.covering[:_COVERING_SHOWN], verdict.line], line=verdict.line,
                         covering=names(str(line) for line in verdict.covering))  # fmt: skip
        elif not unreachable and verdict.redundant:
            problems = True
            yield failed("policy_redundant", [verdict.line], line=verdict.line)
    reported: set[int] = set()  # a line in several lists (a Yamaha filter, an IX list bound twice): once
    for acl in lists:
        why = _judgeable(acl)
        if why is not None:
            problems = True
            yield manual(why, [acl.line, *acl.unparsed_lines], acl=acl.name, limit=LINE_BY_LINE_LIMIT)
            continue
        for verdict in _reading(acl).verdicts:
            if verdict.line in reported:
                continue
            if unreachable and verdict.unreachable:
                reported.add(verdict.line)
                problems = True
                shown = verdict.covering[:_COVERING_SHOWN]
                yield failed("unreachable", [acl.line, *shown, verdict.line], acl=acl.name, line=verdict.line,
                             covering=names(str(line) for line in verdict.covering))  # fmt: skip
            elif not unreachable and verdict.redundant:
                reported.add(verdict.line)
                problems = True
                yield failed("redundant", [acl.line, verdict.line], acl=acl.name, line=verdict.line)
    if not problems:
        lines = [acl.line for acl in lists] + [pair.line for pair in tables]
        yield passed("clean", lines, count=len(lists) + len(tables))


@dataclass(frozen=True, slots=True)
class _PolicyReading:
    """A device's policy tables, read once for HYG-01, HYG-02 and HYG-05: the pairs that can be read
    class by class (each class with what it matches) and those that cannot, and the verdicts."""

    tables: tuple[ZonePair, ...]
    untaken: tuple[ZonePair, ...]
    classes: tuple[tuple[tuple[ZoneAction, Any], ...], ...]  # per table: (class, what it matches)
    verdicts: tuple[LineVerdict, ...]


_POLICIES: Recent[_PolicyReading] = Recent()


def _policies(device: Device) -> _PolicyReading:
    """Read once per device (kept for the last few, see :class:`Recent`), as the rules run device by device."""
    return _POLICIES.get(device, device, partial(_policy_reading, device))


def _policy_reading(device: Device) -> _PolicyReading:
    sp = space()
    tables, untaken = _policy_tables(device)
    classes = tuple(tuple((action, _class_set(device, action, sp)) for action in pair.actions[:-1])
                    for pair in tables)  # fmt: skip
    return _PolicyReading(tuple(tables), tuple(untaken), classes, tuple(_policy_verdicts(classes, sp)))


def _policy_tables(device: Device) -> tuple[list[ZonePair], list[ZonePair]]:
    """The zone pairs whose policies (a firewall's policy table, a zone-based firewall's classes) can
    be read one by one: each class matching what its lists permit, the implicit drop at the end; and
    those that cannot (a class onshi does not model, or one matching on more than its lists)."""
    tables: list[ZonePair] = []
    untaken: list[ZonePair] = []
    for pair in device.zone_pairs:
        *classes, last = pair.actions or (None,)
        if last is None or not classes:
            continue
        acls = [device.acl(name) for action in classes for name in action.acls]
        if any(acl is not None and acl.derived for acl in acls):
            continue  # what a device opens to itself from other settings: not a table someone wrote
        readable = (
            last.match_any
            and last.action == "drop"
            and not any(a.unmodelled or a.match_any or a.match_all or a.protocols or not a.acls for a in classes)
        )
        if not readable or any(acl is None or acl.unparsed_lines for acl in acls):
            untaken.append(pair)
        else:
            tables.append(pair)
    return tables, untaken


def _policy_verdicts(tables: tuple[tuple[tuple[ZoneAction, Any], ...], ...], sp: PacketSpace) -> list[LineVerdict]:
    """Per policy line: unreachable where every packet it matches is decided by earlier policies, in
    every zone pair it applies to; redundant where, in every such pair, each packet it decides first
    would meet a later policy of the same kind (``inspect``, ``pass``) before the implicit drop."""
    found: dict[int, list[LineVerdict]] = {}
    for classes in tables:
        suffix: dict[str, list[Any]] = {}
        for kind in ("inspect", "pass"):
            after = [sp.false]
            for action, matched in reversed(classes):
                after.insert(0, sp.bdd.ite(matched, sp.true if action.action == kind else sp.false, after[0]))
            suffix[kind] = after
        earlier = sp.false
        for index, (action, matched) in enumerate(classes):
            if not sp.is_empty(matched):
                new = matched & ~earlier
                redundant = action.action in suffix and sp.is_empty(new & ~suffix[action.action][index + 1])
                covering = tuple(sorted({other.line for other, m in classes[:index] if not sp.is_empty(m & matched)}))
                found.setdefault(action.line, []).append(
                    LineVerdict(action.line, sp.is_empty(new), redundant and not sp.is_empty(new), covering)
                )
            earlier |= matched
    return [
        LineVerdict(
            line,
            all(v.unreachable for v in parts),
            all(v.redundant for v in parts),
            tuple(sorted({c for v in parts for c in v.covering})),
        )
        for line, parts in sorted(found.items())
    ]


def _class_set(device: Device, action: ZoneAction, sp: PacketSpace) -> Any:
    """What a class matches: what any of its lists permits (a list's deny only leaves the class)."""
    matched = sp.false
    for name in action.acls:
        acl = device.acl(name)
        if acl is not None:
            matched |= acl_set(sp, acl, acl.family).permitted
    return matched


@rule("HYG-04", Severity.HIGH, *REFS_HYG, reads=(Aspect.FORWARDING, Aspect.MANAGEMENT))
def undefined_references(inp: RuleInput) -> Iterator[Outcome]:
    """An interface filter, or a login line's access class, naming a list the device does not define."""
    device = inp.device
    defined = {acl.name for acl in device.acls}
    references = [(interface.name, name, interface.lines[:1])
                  for interface in device.interfaces for name in _bound(interface)]  # fmt: skip
    references += [(terminal.name, name, (terminal.line,) if terminal.line else ())
                   for terminal in device.management.terminal_lines
                   for name in (terminal.access_class_v4, terminal.access_class_v6) if name is not None]  # fmt: skip
    missing = [(where, name, lines) for where, name, lines in references if name not in defined]
    missing += [(acl.name, name, (line,)) for acl in device.acls for name, line in acl.missing]
    if not references and not any(acl.missing for acl in device.acls):
        yield not_applicable("no_references")
        return
    for where, name, lines in missing:
        yield failed("undefined", list(lines), where=where, name=name)
    if not missing:
        yield passed("defined", [line for _, _, lines in references for line in lines], count=len(references))


def _sessions_only(acl: Acl) -> bool:
    """A list of dynamic entries alone (an IX ``ip access-list dynamic`` bound out): it opens a session
    for what leaves so that the replies come back; what may start is the inbound lists' to say."""
    return all(entry.stateful for entry in acl.entries)


# A use is found as text on any line, read or not: no aspect's unread lines make it undecided.
@rule("HYG-03", Severity.LOW, *REFS_HYG, reads=())
def unused_definitions(inp: RuleInput) -> Iterator[Outcome]:
    device = inp.device
    if device.definitions is None:
        yield manual("untracked", platform=device.platform)
        return
    if not device.definitions:
        yield not_applicable("nothing_defined")
        return
    if inp.partial is not None:  # a use may stand in the part that is missing
        yield manual("partial", [line for d in device.definitions for line in d.lines[:1]])
        return
    named = _names_used(device.source.lines, {d.name for d in device.definitions})
    unused = [d for d in device.definitions if not any(n not in d.lines for n in named.get(d.name, ()))]
    for definition in unused:
        yield failed("unused", definition.lines, kind=definition.kind, name=definition.name)
    if not unused:
        yield passed("used", [d.lines[0] for d in device.definitions], count=len(device.definitions))


_TOKEN = re.compile(r"\"([^\"]*)\"|([^\s\",]+)")


def _names_used(lines: tuple[str, ...], names: set[str]) -> dict[str, set[int]]:
    """Each of ``names`` with the lines it stands on as a name: a quoted string whole (a FortiOS name
    may hold spaces), else a word (commas apart). Only the lines where the text occurs are split, so a
    long configuration costs a few scans of its text rather than a split of every line."""
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    words: dict[int, set[str]] = {}
    found: dict[str, set[int]] = {}
    for name in names:
        position = text.find(name) if name else -1
        while position != -1:
            if not _delimited(text, position, position + len(name)):  # inside a longer word: look further
                position = text.find(name, position + 1)
                continue
            index = bisect_right(starts, position) - 1
            if index not in words:
                words[index] = {quoted or word for quoted, word in _TOKEN.findall(lines[index])}
            if name in words[index]:
                found.setdefault(name, set()).add(index + 1)
            position = text.find(name, starts[index + 1]) if index + 1 < len(starts) else -1
    return found


def _delimited(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands between delimiters, as every whole token does: an occurrence
    that does not (``1`` of ``Gi0/1``) cannot be one, and its line is not split for it."""
    return (start == 0 or _ends_token(text[start - 1])) and (end == len(text) or _ends_token(text[end]))


def _ends_token(character: str) -> bool:
    return character.isspace() or character in _QUOTE_OR_COMMA  # _TOKEN's \s is str.isspace()


_QUOTE_OR_COMMA = frozenset('",')


@rule("HYG-05", Severity.MEDIUM, *REFS_HYG, reads=(Aspect.FORWARDING,))
def filters_that_filter_nothing(inp: RuleInput) -> Iterator[Outcome]:
    """A filter on a segment or VPN boundary (an interface that does not face the internet, where
    EXT-01 judges what comes in and letting the LAN out is the usual design) that lets every packet
    of its family through."""
    device = inp.device
    internet = inp.internet_names
    boundary = [interface for interface in device.interfaces if interface.name.lower() not in internet]
    bound = {name for interface in boundary for name in _bound(interface)}
    inbound = {name for i in boundary for name in (i.acl_in, i.ipv6_acl_in) if name is not None}
    lists = [acl for acl in _lists(inp) if acl.name in bound and _judgeable(acl) is None
             and not (_sessions_only(acl) and acl.name not in inbound)]  # fmt: skip
    outside = {i.zone for i in device.interfaces if i.name.lower() in internet and i.zone is not None}
    policies = _policies(device)
    inside = [(pair, classes) for pair, classes in zip(policies.tables, policies.classes, strict=True)
              if not {pair.source, pair.destination} & {*outside, "self"}]  # fmt: skip
    tables = [pair for pair, _ in inside]
    if not lists and not tables:
        yield not_applicable("no_bound_filters")
        return
    wide = [acl for acl in lists if _reading(acl).permits_everything]
    for acl in wide:
        permits = [entry.line for entry in acl.entries if entry.action == "permit"]
        yield failed("everything", [acl.line, *permits], acl=acl.name)
    open_policies = _open_policies(inside)
    for pair, line in open_policies:
        yield failed("policy_everything", [line], line=line, source=pair.source, destination=pair.destination)
    if not wide and not open_policies:
        yield passed("narrow", [acl.line for acl in lists] + [pair.line for pair in tables],
                     count=len(lists) + len(tables))  # fmt: skip


def _open_policies(tables: list[tuple[ZonePair, tuple[tuple[ZoneAction, Any], ...]]]) -> list[tuple[ZonePair, int]]:
    """Policies between two zones of the facility that accept every packet of a family (any source,
    any destination, every service)."""
    sp = space()
    return [(pair, action.line) for pair, classes in tables for action, matched in classes
            if action.action != "drop" and any(matched & sp.family(f) == sp.family(f) for f in (4, 6))]  # fmt: skip
