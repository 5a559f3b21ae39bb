"""The audit as pure functions: configuration text in, device reports and findings out.

Nornir (``onshi.tasks``) only fetches text; everything here is plain code over frozen data, so the
same path serves ``onshi audit`` (inventory), ``onshi audit-file`` (bare files) and the benchmarks.
A device that cannot be read or parsed becomes an error row; the others go on.
"""

from __future__ import annotations

import enum
import logging
import multiprocessing
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING

from onshi.analysis.exposure import (
    UnknownInterfaceError,
    closed_network_interfaces,
    internet_interfaces,
    topology_interfaces,
)
from onshi.model import Device, DeviceFacts, Finding, Unrecognized
from onshi.platforms import UnknownPlatformError, get_driver
from onshi.platforms.identify import foreign_syntax
from onshi.runtime import fewer_collections
from onshi.secrets import run_key, use_run_key
from onshi.sources import ConfigText
from onshi.validators.base import RuleInput
from onshi.validators.documentation import ledger_entry
from onshi.validators.engine import evaluate
from onshi.validators.facility import facility_roles
from onshi.validators.matrix import ZoneMatrix, zone_matrices
from onshi.validators.registry import all_rules, comparing_rules, device_rules

if TYPE_CHECKING:  # the pydantic models: at the inventory's boundary only
    from onshi.policy import FacilityPolicy, HostData

log = logging.getLogger(__name__)


class Reading(enum.StrEnum):
    """How far a text must be whole before its audit counts."""

    WHOLE = "whole"  # a device's own output (snapshot, file, live): refused unless whole
    PARTIAL = "partial"  # --allow-partial: audited when cut short, and then nothing passes
    AUTHORED = "authored"  # text onshi wrote (a generated baseline, a predicted config): its lines decide


@dataclass(frozen=True, slots=True)
class DeviceReport:
    host: str
    facility: str | None
    platform: str
    file: str | None
    lines: int
    unrecognized: tuple[Unrecognized, ...]
    error: str | None = None
    encoding: str | None = None
    ledger: Mapping[str, str] = field(default_factory=dict)  # the asset-ledger row (DOC-01)
    partial: str | None = None  # why the text is not whole, when audited all the same (--allow-partial)


@dataclass(frozen=True, slots=True)
class AuditReport:
    devices: tuple[DeviceReport, ...]
    findings: tuple[Finding, ...]
    generated_at: str
    # What the rules saw (the parsed devices); not serialised.
    inputs: tuple[RuleInput, ...] = ()
    matrices: tuple[ZoneMatrix, ...] = ()  # per device with a policy: its zone matrix
    notes: tuple[str, ...] = ()  # what the run has to say besides findings (waivers expired, unmatched …)


@dataclass(frozen=True, slots=True)
class DeviceJob:
    """One device to audit: its text (or why there is none) and its inventory context."""

    host: str
    platform: str
    config: ConfigText | None
    error: str | None = None
    facility: str | None = None
    policy: FacilityPolicy | None = None
    host_data: HostData | None = None
    facts: DeviceFacts = field(default_factory=DeviceFacts)
    reading: Reading = Reading.WHOLE


def prepare(job: DeviceJob) -> tuple[DeviceReport, RuleInput | None]:
    """Parse one device; an unreadable or unparsable device yields an error row and no input."""
    if job.config is None:
        return _error_row(job, job.error or "no configuration"), None
    try:
        driver = get_driver(job.platform)
    except UnknownPlatformError as error:
        return _error_row(job, str(error)), None
    partial = driver.incomplete(job.config.text) if job.reading is not Reading.AUTHORED else None
    try:
        device = driver.parse(job.config.text, job.config.file, job.config.encoding)
    except Exception as error:  # a parser defect on one file must not lose the fleet's results
        # Only the type: an exception's text may quote a raw (unmasked) configuration line.
        log.error("parsing %s failed: %s", job.config.file, type(error).__name__)
        return _error_row(job, f"{job.config.file}: parser error ({type(error).__name__})"), None
    if job.reading is not Reading.AUTHORED:
        refused = _refusal(job, driver.name, device, partial)
        if refused is not None:
            return _error_row(job, refused), None
    declared = job.host_data.internet_interfaces if job.host_data else None
    try:
        closed = closed_network_interfaces(device, job.host_data.vpn_interfaces if job.host_data else {})
        attached = topology_interfaces(device, job.policy.topology.interfaces(job.host) if job.policy else ())
        internet = internet_interfaces(device, declared, closed, attached)
    except UnknownInterfaceError as error:
        return _error_row(job, f"host {job.host}: {error}"), None
    rule_input = RuleInput(
        host=job.host,
        device=device,
        facility_name=job.facility,  # the inventory group: the key reports group and compare by
        policy=job.policy,
        host_data=job.host_data,
        internet=internet,
        closed=closed,
        facts=job.facts,
        partial=partial,
    )
    report = DeviceReport(
        host=job.host,
        facility=job.facility,
        platform=job.platform,
        file=job.config.file,
        lines=len(device.source.lines),
        unrecognized=device.unrecognized,
        encoding=job.config.encoding,
        ledger={**ledger_entry(rule_input), "collected_at": job.facts.collected_at or ""},
        partial=partial,
    )
    return report, rule_input


# Another vendor's syntax is looked for only in a text that is not whole or that the parser read
# poorly: a whole config of the platform's own syntax, mostly understood, cannot be another's, and
# recognising syntax costs as much as parsing.
_POORLY_READ = 0.1


def _refusal(job: DeviceJob, platform: str, device: Device, partial: str | None) -> str | None:
    """Why the device's text is not audited: another vendor's syntax, or (unless --allow-partial)
    not a whole configuration; None when it is audited."""
    assert job.config is not None
    text = job.config.text
    if partial is not None or len(device.unrecognized) > _POORLY_READ * max(len(device.source.lines), 1):
        foreign = foreign_syntax(text, platform)
        if foreign is not None:
            return f"{job.config.file}: not audited: {foreign}"
    if partial is not None and job.reading is Reading.WHOLE:
        reason = f"{job.config.file}: not a whole configuration ({partial}); not audited (--allow-partial audits it"
        return f"{reason} with no check passing)"
    return None


def _error_row(job: DeviceJob, error: str) -> DeviceReport:
    file = job.config.file if job.config else None
    return DeviceReport(job.host, job.facility, job.platform, file, 0, (), error=error)


def audit(jobs: Iterable[DeviceJob], *, matrices: bool = True, processes: int = 1) -> AuditReport:
    """Every job's findings; with ``matrices``, each device's zone matrix for the reports (a caller
    that reads only the findings, such as generate, skips that work). With ``processes`` above one,
    each facility (each device outside one) is parsed and judged in a worker process; the report is
    the same, in the same order."""
    jobs = list(jobs)
    with fewer_collections():
        if processes > 1 and len(jobs) > 1:
            reports, inputs, findings, shown = _audit_in_processes(jobs, matrices, processes)
        else:
            prepared = [prepare(job) for job in jobs]
            reports = [report for report, _ in prepared]
            inputs = [rule_input for _, rule_input in prepared if rule_input is not None]
            findings, shown = judge(inputs, matrices)
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    return AuditReport(tuple(reports), tuple(findings), generated_at, tuple(inputs), tuple(shown))


def judge(inputs: list[RuleInput], matrices: bool) -> tuple[list[Finding], tuple[ZoneMatrix, ...]]:
    """The findings (with their platform remediation) and zone matrices of these devices."""
    roles = facility_roles(inputs)  # the facilities judged as one network: built once, for rules and matrices
    findings = with_remediation(evaluate(inputs, roles=roles), inputs)
    return findings, zone_matrices(inputs, findings, roles) if matrices else ()


@dataclass(frozen=True, slots=True)
class Part:
    """A facility (or a device outside one) parsed and judged by the rules that look at it alone."""

    reports: tuple[DeviceReport, ...]
    inputs: tuple[RuleInput | None, ...]  # each report's, None where the device was not read
    findings: tuple[Finding, ...]
    matrices: tuple[ZoneMatrix, ...]


def audit_part(jobs: Sequence[DeviceJob], matrices: bool = False) -> Part:
    """Parse ``jobs`` (a whole facility, so that it can be judged as one network) and judge them with
    every rule but those that compare devices with each other, which need the whole fleet; with few
    collections, in whatever process runs it (a worker forked from anywhere, or spawned)."""
    with fewer_collections():
        prepared = [prepare(job) for job in jobs]
        inputs = [rule_input for _, rule_input in prepared if rule_input is not None]
        roles = facility_roles(inputs)
        findings = with_remediation(evaluate(inputs, device_rules(), roles=roles), inputs) if inputs else []
        shown = zone_matrices(inputs, findings, roles) if matrices and inputs else ()
    return Part(tuple(report for report, _ in prepared), tuple(i for _, i in prepared), tuple(findings), shown)


def _audit_in_processes(
    jobs: list[DeviceJob], matrices: bool, processes: int
) -> tuple[list[DeviceReport], list[RuleInput], list[Finding], tuple[ZoneMatrix, ...]]:
    """:func:`audit_part` per facility in worker processes, each device parsed once and in one place
    (its parsed model comes back once, for the reports); then the comparing rules over every device
    here. A device's findings are put in rule order, whatever process made them: they are what one
    process makes."""
    groups = _facility_groups(jobs)
    chunk = max(1, len(groups) // (processes * 4))  # a fleet of lone devices is not spent on messages
    with process_pool(processes) as pool:
        parts = list(pool.map(audit_part, ([jobs[i] for i in group] for group in groups), repeat(matrices),
                              chunksize=chunk))  # fmt: skip
    slots: dict[int, tuple[DeviceReport, RuleInput | None]] = {}
    by_host: dict[str, list[Finding]] = defaultdict(list)
    matrix_of: dict[str, ZoneMatrix] = {}
    for group, part in zip(groups, parts, strict=True):
        slots.update(zip(group, zip(part.reports, part.inputs, strict=True), strict=True))
        for finding in part.findings:
            by_host[finding.host].append(finding)
        matrix_of.update((matrix.host, matrix) for matrix in part.matrices)
    reports = [slots[index][0] for index in range(len(jobs))]
    inputs = [rule_input for index in range(len(jobs)) if (rule_input := slots[index][1]) is not None]
    for finding in with_remediation(evaluate(inputs, comparing_rules()), inputs):
        by_host[finding.host].append(finding)
    rank = {rule.id: position for position, rule in enumerate(all_rules())}
    findings = [finding for inp in inputs for finding in sorted(by_host.pop(inp.host, ()), key=lambda f: rank[f.rule])]
    return reports, inputs, findings, tuple(matrix_of[inp.host] for inp in inputs if inp.host in matrix_of)


def _facility_groups(jobs: list[DeviceJob]) -> list[list[int]]:
    """The positions of each facility's jobs together (a facility may be judged as one network); a job
    outside any facility alone."""
    groups: dict[str, list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault(job.facility or f"\0{index}", []).append(index)
    return list(groups.values())


def process_pool(processes: int) -> ProcessPoolExecutor:
    """Worker processes, forked where the platform can (they start at once, sharing what is loaded).
    Each fingerprints secrets with the run's key: AUTH-05 compares fingerprints made in different
    processes."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    return ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=use_run_key,
                               initargs=(run_key(),))  # fmt: skip


def with_remediation(findings: Iterable[Finding], inputs: Iterable[RuleInput]) -> list[Finding]:
    """Each finding's neutral actions as its device's platform commands (the rules know no platform)."""
    platforms = {inp.host: inp.device.platform for inp in inputs}
    result = []
    for finding in findings:
        commands: tuple[str, ...] = ()
        if finding.actions:
            driver = get_driver(platforms[finding.host])
            commands = tuple(cmd for act in finding.actions for cmd in driver.remediation(act.name, act.params))
        result.append(_with_commands(finding, commands) if commands else finding)
    return result


def _with_commands(finding: Finding, commands: tuple[str, ...]) -> Finding:
    """``replace(finding, remediation=commands)`` at a fraction of its cost (it walks the fields in
    Python; a fleet's failing findings each take one)."""
    values = list(_FINDING_VALUES(finding))
    values[_REMEDIATION_AT] = commands
    return Finding(*values)


_FINDING_FIELDS = tuple(item.name for item in fields(Finding))
_FINDING_VALUES = attrgetter(*_FINDING_FIELDS)
_REMEDIATION_AT = _FINDING_FIELDS.index("remediation")
