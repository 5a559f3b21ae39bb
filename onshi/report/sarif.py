"""SARIF 2.1.0: findings as code-scanning results on the configuration files, with line regions.

Failing findings are results of kind ``fail`` with a level from the severity; ``manual`` findings
are kind ``review``; passes and not-applicable findings are kept as kinds ``pass`` and
``notApplicable`` (level ``none``), so the file is the whole audit, not only its failures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from onshi import __version__
from onshi.model import Finding, Severity, Status
from onshi.pipeline import AuditReport
from onshi.validators.catalogue import default_catalogue
from onshi.validators.registry import all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}  # fmt: skip
_KIND = {
    Status.FAIL: "fail",
    Status.MANUAL: "review",
    Status.WAIVED: "fail",  # still a failure, suppressed by an accepted risk (see "suppressions")
    Status.PASS: "pass",
    Status.NOT_APPLICABLE: "notApplicable",
}


def artifact_uri(file: str) -> str:
    """A file as SARIF names it: relative to the working folder where it lies below it, else a file URI."""
    path = Path(file)
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path.resolve().as_uri() if path.is_absolute() or path.exists() else quote(path.as_posix())
    return quote(relative.as_posix())


def _rules() -> list[dict[str, Any]]:
    catalogue = default_catalogue()
    return [
        {
            "id": rule.id,
            "name": rule.id.replace("-", ""),
            "shortDescription": {"text": catalogue.title(rule.id, "en")},
            "fullDescription": {"text": f"{catalogue.title(rule.id, 'en')} / {catalogue.title(rule.id, 'ja')}"},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"severity": rule.severity.value, "references": list(rule.references)},
        }
        for rule in all_rules()
    ]


def _result(finding: Finding, rule_index: dict[str, int], artifacts: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "kind": _KIND[finding.status],
        "level": _LEVEL[finding.severity] if finding.status in (Status.FAIL, Status.WAIVED) else "none",
        "message": {"text": finding.message.en},
        "properties": {
            "host": finding.host,
            "facility": finding.facility,
            "severity": finding.severity.value,
            "status": finding.status.value,
            "message_ja": finding.message.ja,
            "references": list(finding.references),
            "remediation": list(finding.remediation),
        },
    }
    if finding.waiver is not None:
        waiver = finding.waiver
        result["suppressions"] = [{
            "kind": "external", "status": "accepted", "location": {"physicalLocation": {
                "artifactLocation": {"uri": "waivers.yaml"}}},
            "justification": f"{waiver.reason} (approved by {waiver.approver}, until {waiver.expires})",
        }]  # fmt: skip
    if finding.example_packet is not None:
        packet = finding.example_packet
        result["properties"]["example_packet"] = {
            "src": packet.src, "dst": packet.dst, "protocol": packet.protocol,
            "src_port": packet.src_port, "dst_port": packet.dst_port,
        }  # fmt: skip
    locations = []
    for evidence in finding.evidence:
        index = artifacts.setdefault(evidence.file, len(artifacts))
        locations.append({"physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(evidence.file), "index": index},
            "region": {"startLine": evidence.line, "snippet": {"text": evidence.text}},
        }})  # fmt: skip
    if locations:
        result["locations"] = locations
    return result


def to_sarif(report: AuditReport) -> str:
    rules = _rules()
    rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
    files = [device.file for device in report.devices if device.file]
    artifacts = {file: index for index, file in enumerate(dict.fromkeys(files))}
    results = [_result(finding, rule_index, artifacts) for finding in report.findings]
    notifications = [
        {"level": "error", "message": {"text": f"{device.host}: {device.error}"}}
        for device in report.devices if device.error
    ]  # fmt: skip
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "onshi", "version": __version__, "rules": rules}},
        "artifacts": [{"location": {"uri": artifact_uri(file)}} for file in artifacts],
        "results": results,
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
