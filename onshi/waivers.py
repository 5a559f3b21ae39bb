"""Waivers: accepted risks, written in ``waivers.yaml`` beside the inventory.

Each names a rule and a facility or host, optionally narrows the findings it covers (a zone pair,
or a text the message or evidence contains), and says why, who approved it and until when. A
failing finding a waiver covers becomes ``waived``: shown with its reason in every format, and not
failing the exit code. On the day after its expiry date it fails again (30 days before, the audit
warns). A waiver that covers nothing is reported; a ``critical`` finding is waived only with
``allow_critical: true``. Only fails are waived: what is to be confirmed (manual) still is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from onshi.files import read_bounded
from onshi.model import Finding, Severity, Status, Waiver

if TYPE_CHECKING:  # the inventory loads waivers: it must not load the audit pipeline with them
    from onshi.pipeline import AuditReport

FILE = "waivers.yaml"
WARN_DAYS = 30


class WaiverMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    path: tuple[str, str] | None = Field(
        default=None, description="The zone pair [from, to] of a reachability finding."
    )
    text: str | None = Field(
        default=None,
        min_length=1,
        description="Text the finding's message or evidence contains (an interface, a line).",
    )


class WaiverEntry(BaseModel):
    """One accepted risk."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rule: str = Field(pattern=r"^[A-Z]+-\d{2}$", description="The rule id, e.g. EXT-02.")
    facility: str | None = Field(default=None, description="The facility (inventory group) it applies to.")
    host: str | None = Field(default=None, description="The host it applies to.")
    match: WaiverMatch | None = None
    reason: str = Field(min_length=1, description="Why the risk is accepted.")
    approver: str = Field(min_length=1, description="Who accepted it.")
    expires: datetime.date = Field(description="The last day it holds (YYYY-MM-DD).")
    allow_critical: bool = Field(default=False, description="Needed to waive a critical finding.")

    @model_validator(mode="after")
    def _names_a_scope(self) -> WaiverEntry:
        if self.facility is None and self.host is None:
            raise ValueError("a waiver names a facility or a host (a rule is never waived fleet-wide)")
        return self

    def covers(self, finding: Finding) -> bool:
        if finding.rule != self.rule or (self.host is not None and finding.host != self.host):
            return False
        if self.facility is not None and finding.facility != self.facility:
            return False
        if self.match is None:
            return True
        if self.match.path is not None and finding.path != self.match.path:
            return False
        text = self.match.text
        return text is None or any(text in part for part in _texts(finding))


def _texts(finding: Finding) -> Iterable[str]:
    yield finding.message.ja
    yield finding.message.en
    yield from (evidence.text for evidence in finding.evidence)


class WaiverFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_waivers(inventory: Path) -> list[WaiverEntry]:
    """The waivers beside the inventory (none when there is no waivers.yaml)."""
    path = inventory / FILE
    if not path.exists():
        return []
    try:
        raw = yaml.safe_load(read_bounded(path).decode("utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise WaiverFileError([f"not readable YAML ({type(error).__name__})"]) from None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise WaiverFileError(["expected a list of waivers"])
    try:
        return TypeAdapter(list[WaiverEntry]).validate_python(raw)
    except ValidationError as error:
        raise WaiverFileError([_problem(problem) for problem in error.errors()]) from None


def _problem(problem: Any) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"])
    return f"waivers{where}: {problem['msg']}"


def today() -> datetime.date:
    """Today in Japan, where the facilities and their waivers' dates are."""
    return datetime.datetime.now(ZoneInfo("Asia/Tokyo")).date()


def with_waivers(report: AuditReport, waivers: Sequence[WaiverEntry], on: datetime.date | None = None) -> AuditReport:
    """The report with its waivers applied (and what to say about them in its notes)."""
    if not waivers:
        return report
    applied = apply_waivers(report.findings, waivers, on or today())
    return replace(report, findings=applied.findings, notes=(*report.notes, *applied.notes))


@dataclass(frozen=True, slots=True)
class Applied:
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]  # expired, expiring, unmatched, refused: one line each
    used: tuple[int, ...] = ()  # per waiver, how many failing findings it covered


def apply_waivers(findings: Sequence[Finding], waivers: Sequence[WaiverEntry], today: datetime.date) -> Applied:
    """The findings with every fail a waiver in force covers turned ``waived``, and what to say."""
    applied = waive(findings, waivers, today)
    return Applied(
        applied.findings, tuple(dict.fromkeys((*applied.notes, *waiver_notes(waivers, applied.used, today))))
    )


def waive(findings: Iterable[Finding], waivers: Sequence[WaiverEntry], today: datetime.date) -> Applied:
    """Some of a run's findings with the waivers applied: the refusals in ``notes``, and each waiver's
    use in ``used`` (a streamed run adds up its parts' before :func:`waiver_notes`)."""
    notes: list[str] = []
    used = [0] * len(waivers)
    result = tuple(_waived(finding, waivers, today, used, notes) for finding in findings)
    return Applied(result, tuple(notes), tuple(used))


def waiver_notes(waivers: Sequence[WaiverEntry], used: Sequence[int], today: datetime.date) -> tuple[str, ...]:
    """What to say of each waiver once the whole run is judged: unused, expired or expiring."""
    notes = []
    for index, waiver in enumerate(waivers):
        label = f"{FILE}[{index}] ({waiver.rule} {waiver.host or waiver.facility})"
        if not used[index]:
            notes.append(f"{label}: covers no failing finding; remove it, or check its rule, host and match")
        elif waiver.expires < today:
            notes.append(f"{label}: expired on {waiver.expires}; its findings fail again")
        elif (waiver.expires - today).days <= WARN_DAYS:
            notes.append(f"{label}: expires on {waiver.expires} ({(waiver.expires - today).days} days)")
    return tuple(notes)


def _waived(
    finding: Finding, waivers: Sequence[WaiverEntry], today: datetime.date, used: list[int], notes: list[str]
) -> Finding:
    if finding.status is not Status.FAIL:
        return finding
    for index, waiver in enumerate(waivers):
        if not waiver.covers(finding):
            continue
        used[index] += 1
        if finding.severity is Severity.CRITICAL and not waiver.allow_critical:
            notes.append(f"{FILE}[{index}]: {finding.rule} on {finding.host} is critical; it is waived only with "
                         "allow_critical: true")  # fmt: skip
            continue
        if waiver.expires < today:
            continue
        accepted = Waiver(index, waiver.reason, waiver.approver, waiver.expires.isoformat())
        return replace(finding, status=Status.WAIVED, waiver=accepted)
    return finding


def json_schema() -> dict[str, Any]:
    """JSON Schema of waivers.yaml, for editors."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "onshi waivers.yaml",
            **TypeAdapter(list[WaiverEntry]).json_schema()}  # fmt: skip
