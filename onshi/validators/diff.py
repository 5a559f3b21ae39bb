"""Change impact: what a configuration change opens and closes, exactly.

Two audits of the same devices (before and after a change) share the process's packet space, so
their forwarding compares as packet sets: per device (or facility judged as one network) and zone
pair, the new connections the change newly lets through and those it newly stops, each with an
example packet, the lines that let the example through on the side that forwards it, and (one
device) the lines that stop it on the other side; and the rule verdicts that change. A change that
newly lets through what the policy does not declare is what a change review must stop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onshi.analysis.facility import FacilityNetwork
from onshi.analysis.oracle import forward
from onshi.analysis.packets import Packet
from onshi.model import ExamplePacket, Finding, Status
from onshi.terms import DEVICE
from onshi.validators.ask import answering
from onshi.validators.base import RuleInput
from onshi.validators.reachability import example_from, example_of, expected, network_of, new_connections, replay


@dataclass(frozen=True, slots=True)
class Moved:
    """New connections one side lets through and the other does not."""

    example: ExamplePacket
    undeclared: bool  # some of them are beyond the declared flows (only said of newly allowed ones)
    through: tuple[tuple[str, int], ...]  # (host, line): what lets the example through where it passes
    stopped_by: tuple[tuple[str, int], ...]  # (host, line): what stops it on the other side (one device)
    route: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PairChange:
    host: str
    source: str
    destination: str
    opened: Moved | None
    closed: Moved | None


@dataclass(frozen=True, slots=True)
class VerdictChange:
    host: str
    rule: str
    path: tuple[str, str] | None
    before: Status | None  # None: the rule said nothing of it before
    after: Status | None

    @property
    def newly_failing(self) -> bool:
        return self.after is Status.FAIL and self.before is not Status.FAIL


@dataclass(frozen=True, slots=True)
class Diff:
    pairs: tuple[PairChange, ...]
    verdicts: tuple[VerdictChange, ...]
    unmatched: tuple[str, ...]  # hosts audited on one side only

    @property
    def opens_undeclared(self) -> bool:
        return any(change.opened is not None and change.opened.undeclared for change in self.pairs)

    @property
    def refused(self) -> bool:
        """The change-review gate: it newly lets through what the policy does not declare, or a rule
        newly fails."""
        return self.opens_undeclared or any(change.newly_failing for change in self.verdicts)


def diff(before: Iterable[RuleInput], after: Iterable[RuleInput], findings: tuple[Iterable[Finding], Iterable[Finding]]
         ) -> Diff:  # fmt: skip
    """The change from ``before`` to ``after`` (the same hosts' inputs, as the audit left them)."""
    old = {inp.host: inp for inp in answering(list(before))}
    new = {inp.host: inp for inp in answering(list(after))}
    pairs: list[PairChange] = []
    for host in sorted(set(old) & set(new)):
        pairs += _pair_changes(old[host], new[host])
    unmatched = tuple(sorted(set(old) ^ set(new)))
    return Diff(tuple(pairs), _verdict_changes(*findings), unmatched)


def _pair_changes(before: RuleInput, after: RuleInput) -> list[PairChange]:
    was, now = network_of(before), network_of(after)
    sp = now.space
    zones = sorted(zone for zone in {*was.zones(), *now.zones()} if not zone.startswith("unassigned:"))
    changes = []
    for source in zones:
        for destination in (*zones, DEVICE):
            if source == destination:
                continue
            old = _reach(was, source, destination)
            fresh = _reach(now, source, destination)
            # What the device itself answers is the management rules' question (their verdict
            # changes say it), and its run-time addresses stand in differently on each side.
            beyond = sp.false if destination == DEVICE else ~expected(after, source, destination)
            opened = _moved(after, before, source, destination, fresh & ~old, undeclared=beyond)
            closed = _moved(before, after, source, destination, old & ~fresh, undeclared=sp.false)
            if opened is not None or closed is not None:
                changes.append(PairChange(after.host, source, destination, opened, closed))
    return changes


def _reach(network: Any, source: str, destination: str) -> Any:
    sp = network.space
    if source not in network.zones() or (destination != DEVICE and destination not in network.zones()):
        return sp.false
    return network.reach(source, destination).packets & new_connections(sp)


def _moved(passing: RuleInput, stopping: RuleInput, source: str, destination: str, packets: Any, *,
           undeclared: Any) -> Moved | None:  # fmt: skip
    """An example of ``packets`` (passing on ``passing``'s side, not on ``stopping``'s), undeclared ones first."""
    network = network_of(passing)
    sp = network.space
    if sp.is_empty(packets):
        return None
    beyond = packets & undeclared
    packet = example_from(network, source, beyond if not sp.is_empty(beyond) else packets, (), destination)
    assert packet is not None
    evidence = replay(passing, source, destination, packet)
    through = evidence.cited(passing.host) if evidence else ()
    return Moved(example_of(network, packet), not sp.is_empty(beyond), through, _stopped_by(stopping, source, packet),
                 tuple(evidence.route) if evidence else ())  # fmt: skip


def _stopped_by(inp: RuleInput, source: str, packet: Packet) -> tuple[tuple[str, int], ...]:
    """The lines that stop ``packet`` on one device, from each interface of its source zone."""
    network = network_of(inp)
    if isinstance(network, FacilityNetwork) or source not in network.zones():
        return ()
    lines: list[int] = []
    for name, zone in network.zone_of.items():
        if zone == source:
            lines += forward(network, network.interfaces[name], packet).dropped_by
    return tuple(dict.fromkeys((inp.host, line) for line in lines))


def _verdict_changes(before: Iterable[Finding], after: Iterable[Finding]) -> tuple[VerdictChange, ...]:
    """Per host, rule and zone pair (None for rules not about a pair), the worst status on each side."""
    old, new = _worst(before), _worst(after)
    changed = [VerdictChange(*key, old.get(key), new.get(key)) for key in sorted(set(old) | set(new), key=str)
               if old.get(key) is not new.get(key)]  # fmt: skip
    return tuple(changed)


_ORDER = (Status.PASS, Status.NOT_APPLICABLE, Status.MANUAL, Status.FAIL)


def _worst(findings: Iterable[Finding]) -> dict[tuple[str, str, tuple[str, str] | None], Status]:
    found: dict[tuple[str, str, tuple[str, str] | None], Status] = {}
    for finding in findings:
        key = (finding.host, finding.rule, finding.path)
        if key not in found or _ORDER.index(finding.status) > _ORDER.index(found[key]):
            found[key] = finding.status
    return found
