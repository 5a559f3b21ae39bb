"""JUnit XML: one testcase per device × rule, so CI systems show the audit as test results.

A failing rule is a ``<failure>``, a ``manual`` one is ``<skipped>`` with the reason (a person must
confirm it), ``not_applicable`` is ``<skipped>`` too; a device that could not be read or parsed
is one testcase with an ``<error>``. Several findings of one rule on one device (one per SSID,
per zone pair ...) are one testcase: it fails if any of them fails.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from onshi.model import Finding, Status
from onshi.pipeline import AuditReport
from onshi.report.labels import severity_label, status_label, waiver_text
from onshi.validators.catalogue import default_catalogue

_RANK = {Status.FAIL: 0, Status.MANUAL: 1, Status.WAIVED: 2, Status.PASS: 3, Status.NOT_APPLICABLE: 4}


def _message(finding: Finding, language: str) -> str:
    return finding.message.ja if language == "ja" else finding.message.en


def _evidence(findings: list[Finding], language: str) -> str:
    lines = []
    for finding in findings:
        status, severity = status_label(finding.status, language), severity_label(finding.severity, language)
        message = _message(finding, language)
        lines.append(f"[{status}/{severity}] {message}")
        lines.extend(f"  {e.file}:{e.line}: {e.text}" for e in finding.evidence)
        if finding.example_packet is not None and finding.example_packet.describe() not in message:
            lines.append(f"  e.g. {finding.example_packet.describe()}")
    return "\n".join(lines)


def to_junit(report: AuditReport, language: str = "en") -> str:
    catalogue = default_catalogue()
    by_device: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        by_device[finding.host][finding.rule].append(finding)
    root = ET.Element("testsuites", name="onshi")
    totals: dict[str, int] = defaultdict(int)
    for device in report.devices:
        suite = ET.SubElement(root, "testsuite", name=f"{device.facility or '-'}/{device.host}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        classname = f"onshi.{device.facility or 'none'}.{device.host}"
        if device.error:
            case = ET.SubElement(suite, "testcase", classname=classname, name="collect and parse", time="0")
            ET.SubElement(case, "error", message=device.error, type="device_error")
            counts["tests"] += 1
            counts["errors"] += 1
        for rule, findings in by_device[device.host].items():
            worst = min(findings, key=lambda f: _RANK[f.status])
            title = catalogue.title(rule, language)
            case = ET.SubElement(suite, "testcase", classname=classname, name=f"{rule} {title}", time="0")
            counts["tests"] += 1
            if worst.status is Status.FAIL:
                failing = [f for f in findings if f.status is Status.FAIL]
                element = ET.SubElement(case, "failure", message=_message(failing[0], language),
                                        type=worst.severity.value)  # fmt: skip
                element.text = _evidence(failing, language)
                counts["failures"] += 1
            elif worst.status is Status.WAIVED and worst.waiver is not None:
                text = f"{waiver_text(worst.waiver, language)}: {_message(worst, language)}"
                ET.SubElement(case, "skipped", message=text)
                counts["skipped"] += 1
            elif worst.status in (Status.MANUAL, Status.NOT_APPLICABLE):
                label = status_label(worst.status, language)
                ET.SubElement(case, "skipped", message=f"{label}: {_message(worst, language)}")
                counts["skipped"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
    for key in ("tests", "failures", "errors"):  # the common schema has no `skipped` on <testsuites>
        root.set(key, str(totals[key]))
    root.set("time", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
