"""The JSON report. Field names are a stable interface: add fields, never rename."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from onshi.model import Finding, Status
from onshi.pipeline import AuditReport, DeviceReport
from onshi.report.compare import Comparison


def summary(report: AuditReport) -> dict[str, Any]:
    statuses = Counter(finding.status.value for finding in report.findings)
    failing = Counter(f.severity.value for f in report.findings if f.status is Status.FAIL)
    return {
        "generated_at": report.generated_at,
        "devices": len(report.devices),
        "device_errors": sum(1 for device in report.devices if device.error),
        "findings": len(report.findings),
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
        "severity": finding.severity.value,
        "status": finding.status.value,
        "message": {"ja": finding.message.ja, "en": finding.message.en},
        "evidence": [asdict(evidence) for evidence in finding.evidence],
        "references": list(finding.references),
        "remediation": list(finding.remediation),
        "example_packet": asdict(finding.example_packet) if finding.example_packet else None,
        "path": list(finding.path) if finding.path else None,
        "route": list(finding.route),  # a facility finding's example, device by device
        "waiver": asdict(finding.waiver) if finding.waiver else None,
    }
    if comparison is not None:
        document["change"] = comparison.change(finding)
    return document


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
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
