"""What a rule is, what it sees, and what it returns.

A rule is a pure function of a :class:`RuleInput` (one device with its facility policy) returning
:class:`Outcome` values: a status, a message key with parameters, the lines that decided it, and
neutral remediation actions. :mod:`onshi.validators.engine` turns outcomes into findings: it looks
up the Japanese and English message, masks and cites the evidence lines, and renders remediation
commands through the device's platform driver. Rules never see vendor syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from onshi.analysis.exposure import InternetInterface
from onshi.model import Action, Aspect, Device, DeviceFacts, ExamplePacket, Severity, Status
from onshi.policy import FacilityPolicy, HostData


@dataclass(frozen=True, slots=True)
class RuleInput:
    host: str
    device: Device
    facility_name: str | None
    policy: FacilityPolicy | None
    host_data: HostData | None
    internet: tuple[InternetInterface, ...]
    facts: DeviceFacts = field(default_factory=DeviceFacts)
    closed: Mapping[str, str] = field(default_factory=dict)  # interface (lower case) → VPN of its closed network
    # Why the text is not a whole configuration, when it was audited all the same (--allow-partial):
    # then no rule may pass on it.
    partial: str | None = None

    @property
    def internet_names(self) -> frozenset[str]:
        return frozenset(interface.name.lower() for interface in self.internet)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: Status
    key: str  # message key under the rule id in the catalogues
    params: Mapping[str, Any] = field(default_factory=dict)
    lines: tuple[int, ...] = ()
    severity: Severity | None = None  # None: the rule's own severity
    actions: tuple[Action, ...] = ()
    example_packet: ExamplePacket | None = None
    path: tuple[str, str] | None = None  # (source zone, destination zone) of a reachability outcome


DeviceCheck = Callable[[RuleInput], Iterable[Outcome]]
FleetCheck = Callable[[list[RuleInput]], Mapping[str, list[Outcome]]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    references: tuple[str, ...]
    check: DeviceCheck | None = None
    fleet_check: FleetCheck | None = None
    reads: frozenset[Aspect] = frozenset()  # the parts of a device the rule looks at


def outcome(
    status: Status,
    key: str,
    lines: Iterable[int | None] = (),
    *,
    severity: Severity | None = None,
    actions: Iterable[Action] = (),
    example_packet: ExamplePacket | None = None,
    path: tuple[str, str] | None = None,
    **params: Any,
) -> Outcome:
    return Outcome(
        status=status,
        key=key,
        params=params,
        lines=tuple(sorted({line for line in lines if line})),  # 0: no line (a platform default)
        severity=severity,
        actions=tuple(actions),
        example_packet=example_packet,
        path=path,
    )


def passed(key: str, lines: Iterable[int | None] = (), **params: Any) -> Outcome:
    return outcome(Status.PASS, key, lines, **params)


def failed(key: str, lines: Iterable[int | None] = (), **params: Any) -> Outcome:
    return outcome(Status.FAIL, key, lines, **params)


def manual(key: str, lines: Iterable[int | None] = (), **params: Any) -> Outcome:
    return outcome(Status.MANUAL, key, lines, **params)


def not_applicable(key: str, lines: Iterable[int | None] = (), **params: Any) -> Outcome:
    return outcome(Status.NOT_APPLICABLE, key, lines, **params)


def remove_line(inp: RuleInput, line: int) -> Action:
    """Undo one configuration line (its masked text; secrets become a placeholder naming the line)."""
    return Action("remove_line", {"text": inp.device.source.text(line), "line": line})


def names(items: Iterable[str]) -> str:
    """A list of names for a message."""
    return ", ".join(items)
