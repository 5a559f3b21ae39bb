"""The JSON report. Field names are a stable interface: add fields, never rename."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

from onshi.model import Evidence, ExamplePacket, Finding, Status
from onshi.pipeline import AuditReport, DeviceReport
from onshi.report.compare import Comparison


def summary(report: AuditReport) -> dict[str, Any]:
    statuses, failing = _counts(report.findings)
    errors = sum(1 for device in report.devices if device.error)
    return _summary(report.generated_at, len(report.devices), errors, statuses, failing)


def _counts(findings: Iterable[Finding]) -> tuple[Counter[str], Counter[str]]:
    """Findings by status, and failed findings by severity."""
    statuses: Counter[str] = Counter()
    failing: Counter[str] = Counter()
    for finding in findings:  # str() of a StrEnum is its value, without Enum's slow `value` property
        statuses[str(finding.status)] += 1
        if finding.status is Status.FAIL:
            failing[str(finding.severity)] += 1
    return statuses, failing


def _summary(
    generated_at: str, devices: int, device_errors: int, statuses: Counter[str], failing: Counter[str]
) -> dict[str, Any]:
    return {
        "generated_at": generated_at,
        "devices": devices,
        "device_errors": device_errors,
        "findings": sum(statuses.values()),
        "by_status": {status.value: statuses.get(status.value, 0) for status in Status},
        "fail_by_severity": dict(sorted(failing.items())),
    }


def _device(device: DeviceReport) -> dict[str, Any]:
    return {
        "host": device.host,
        "facility": device.facility,
        "platform": device.platform,
        "file": device.file,
        "encoding": device.encoding,
        "parse": {
            "lines": device.lines,
            "unrecognized": len(device.unrecognized),
            "unrecognized_lines": [
                {"line": u.line, "text": u.text, "aspects": sorted(u.aspects)} for u in device.unrecognized
            ],
            "partial": device.partial,
        },
        "error": device.error,
    }


def _finding(finding: Finding, comparison: Comparison | None = None) -> dict[str, Any]:
    document = {
        "host": finding.host,
        "facility": finding.facility,
        "rule": finding.rule,
        "severity": str(finding.severity),
        "status": str(finding.status),
        "message": {"ja": finding.message.ja, "en": finding.message.en},
        "evidence": [_flat(evidence) for evidence in finding.evidence],
        "references": list(finding.references),
        "remediation": list(finding.remediation),
        "example_packet": _flat(finding.example_packet) if finding.example_packet else None,
        "path": list(finding.path) if finding.path else None,
        "route": list(finding.route),  # a facility finding's example, device by device
        "waiver": asdict(finding.waiver) if finding.waiver else None,
    }
    if comparison is not None:
        document["change"] = comparison.change(finding)
    return document


def _flat(record: Evidence | ExamplePacket) -> dict[str, Any]:
    """``asdict`` of a record whose fields are plain values, a tenth of its cost (it recurses and copies
    every value; a fleet report has tens of thousands of evidence lines)."""
    return {name: getattr(record, name) for name in _FIELDS[type(record)]}


_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in (Evidence, ExamplePacket)}


def to_json(report: AuditReport, comparison: Comparison | None = None) -> str:
    document: dict[str, Any] = {
        "summary": summary(report),
        "devices": [_device(device) for device in report.devices],
        "findings": [_finding(finding, comparison) for finding in report.findings],
        # Per device with a policy: zone → zone (and the device), what it forwards as new connections:
        # "violating" (rules named), "undeclared", "declared", "denied", "approximate" or "self".
        "zone_matrices": [asdict(matrix) for matrix in report.matrices],
    }
    if report.notes:
        document["notes"] = list(report.notes)  # waivers expired, expiring, matching nothing
    if comparison is not None:
        document["comparison"] = {
            "previous": comparison.previous,
            "new": len(comparison.new),
            "unchanged": len(comparison.unchanged),
            "fixed": len(comparison.fixed),
            "fixed_findings": list(comparison.fixed),
        }
    return _record_per_line(document)


def _record_per_line(document: dict[str, Any]) -> str:
    """The document with its top-level keys on their own lines and each device, finding and matrix
    compact on a line of its own: as readable line by line, and encoded by json's C encoder (an
    ``indent`` makes json fall back to its pure-Python encoder, about five times slower on a fleet)."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_ENCODER.encode(item)}" for item in value)
            text = f"[\n{items}\n  ]"
        else:
            text = _ENCODER.encode(value)
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# --- JSON lines: one record per line, written as devices finish ---------------------------------------


@dataclass(frozen=True, slots=True)
class LinesBlock:
    """Some devices' and findings' records as JSON lines, with their counts (what the summary needs)."""

    text: str
    devices: int
    device_errors: int
    statuses: Counter[str]
    failing: Counter[str]  # failed findings by severity


def json_lines_block(devices: Iterable[DeviceReport], findings: Iterable[Finding]) -> LinesBlock:
    """A ``device`` record per device row and a ``finding`` record per finding (the JSON report's
    fields). Pure, so that worker processes render their own results in parallel."""
    devices, findings = list(devices), list(findings)
    records = [_line({"type": "device", **_device(device)}) for device in devices]
    records += [_line({"type": "finding", **_finding(finding)}) for finding in findings]
    statuses, failing = _counts(findings)
    return LinesBlock("".join(records), len(devices), sum(1 for d in devices if d.error), statuses, failing)


class JsonLinesTotals:
    """Blocks written as they come, their counts added up for the closing ``summary`` record (the JSON
    report's summary): nothing else is kept."""

    def __init__(self, write: Callable[[str], object], generated_at: str) -> None:
        self._write = write
        self._generated_at = generated_at
        self.devices = self.device_errors = 0
        self.statuses: Counter[str] = Counter()
        self.failing: Counter[str] = Counter()

    def add(self, block: LinesBlock) -> None:
        self._write(block.text)
        self.devices += block.devices
        self.device_errors += block.device_errors
        self.statuses.update(block.statuses)
        self.failing.update(block.failing)

    def summary(self) -> None:
        counts = _summary(self._generated_at, self.devices, self.device_errors, self.statuses, self.failing)
        self._write(_line({"type": "summary", **counts}))


def _line(document: dict[str, Any]) -> str:
    return _ENCODER.encode(document) + "\n"


# One encoder for every record: json.dumps with an option makes a new encoder at each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def to_json_lines(report: AuditReport) -> str:
    """A whole report as JSON lines (what a streamed run writes, in the report's order)."""
    parts: list[str] = []
    totals = JsonLinesTotals(parts.append, report.generated_at)
    totals.add(json_lines_block(report.devices, report.findings))
    totals.summary()
    return "".join(parts)
