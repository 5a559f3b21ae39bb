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
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from onshi.analysis.exposure import InternetInterface
from onshi.analysis.facility import FacilityNetwork
from onshi.model import Action, Aspect, Device, DeviceFacts, ExamplePacket, Severity, Status

if TYPE_CHECKING:  # the pydantic models: at the inventory's boundary only
    from onshi.policy import FacilityPolicy, HostData


@dataclass(frozen=True, slots=True)
class FacilityView:
    """A facility judged as one network: its composed forwarding, the devices in it (by host), and
    the hosts its topology names that could not be read (then nothing passes for the facility)."""

    network: FacilityNetwork
    members: Mapping[str, Device]
    missing: tuple[str, ...] = ()
    partial: Mapping[str, str] = field(default_factory=dict)  # host → why its text is not whole


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
    # Set on the facility's lead device when the facility is judged as one network: its rules
    # marked ``facility`` then judge the whole facility from here.
    composed: FacilityView | None = None

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
    elsewhere: tuple[tuple[str, int], ...] = ()  # (host, line): evidence in other devices of the facility
    route: tuple[str, ...] = ()  # the devices a facility example crossed, one "device: in → out" each


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
    facility: bool = False  # judged for the facility as one network where its topology joins devices


def outcome(
    status: Status,
    key: str,
    lines: Iterable[int | None] = (),
    *,
    severity: Severity | None = None,
    actions: Iterable[Action] = (),
    example_packet: ExamplePacket | None = None,
    path: tuple[str, str] | None = None,
    elsewhere: Iterable[tuple[str, int]] = (),
    route: Iterable[str] = (),
    **params: Any,
) -> Outcome:
    return Outcome(
        status=status,
        key=key,
        params=params,
        lines=tuple(sorted({line for line in lines if line})) if lines else (),  # 0: no line (a platform default)
        severity=severity,
        actions=tuple(actions),
        example_packet=example_packet,
        path=path,
        elsewhere=tuple(sorted(set(elsewhere))) if elsewhere else (),  # most outcomes cite no other device
        route=tuple(route),
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
    """Undo one configuration line (its masked text; secrets become a placeholder naming the line),
    with the headers of the blocks it stands in, outermost first (a sub-mode line is undone there),
    and the settings that name the object it defines, which go first."""
    source = inp.device.source
    references = [
        {"text": source.text(r.line), "line": r.line, "context": enclosing(source.lines, r.line), "name": r.name,
         "sole": r.sole}
        for r in inp.device.references_to(line)
    ]  # fmt: skip
    return Action("remove_line", {"text": source.text(line), "line": line, "context": enclosing(source.lines, line),
                                  "references": references})  # fmt: skip


def enclosing(lines: tuple[str, ...] | list[str], line: int) -> list[str]:
    """The headers of the indented blocks line ``line`` (1-based) stands in: each nearest earlier
    line of less indentation, outermost first."""
    found: list[str] = []
    depth = _indent(lines[line - 1]) if 0 < line <= len(lines) else 0
    for text in reversed(lines[: max(line - 1, 0)]):
        if depth == 0:
            break
        if text.strip() and not text.lstrip().startswith(("!", "#")) and _indent(text) < depth:
            found.append(text.strip())
            depth = _indent(text)
    return found[::-1]


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def names(items: Iterable[str]) -> str:
    """A list of names for a message."""
    return ", ".join(items)


Value = TypeVar("Value")


class Recent(Generic[Value]):
    """What was last built for a few devices, found by identity. Rules run device by device, so only the
    last few are kept: two, for the callers that go back and forth between two devices (a diff's before
    and after), which would otherwise build each again at every turn. Each value is held with its owner,
    so that the id of an owner gone is not taken for a new one's."""

    KEPT = 2

    def __init__(self) -> None:
        self._values: dict[int, tuple[object, Value]] = {}

    def get(self, key: object, owner: object, build: Callable[[], Value]) -> Value:
        """The value for ``owner`` under ``id(key)``, built (replacing another owner's) when there is none."""
        cached = self._values.pop(id(key), None)
        if cached is None or cached[0] is not owner:
            cached = (owner, build())
        self._values[id(key)] = cached  # the most recent last
        while len(self._values) > self.KEPT:
            del self._values[next(iter(self._values))]
        return cached[1]
