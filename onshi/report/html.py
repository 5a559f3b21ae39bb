"""The auditor's HTML report: one self-contained file (no network fetches), printable to A4.

Python prepares the data here; ``templates/report/report.html.j2`` renders it with autoescape on,
because configuration text (descriptions, banners) is untrusted input.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from onshi import __version__
from onshi.files import load_yaml
from onshi.model import Finding, Severity, Status
from onshi.pipeline import AuditReport
from onshi.report.checklist import VERDICTS, checklist, checklist_items
from onshi.report.compare import Comparison
from onshi.report.labels import labels
from onshi.validators.catalogue import default_catalogue
from onshi.validators.registry import all_rules

_STATUS_ORDER = (Status.FAIL, Status.MANUAL, Status.WAIVED, Status.PASS, Status.NOT_APPLICABLE)
_SEVERITY_ORDER = tuple(Severity)


@dataclass(frozen=True, slots=True)
class FacilityView:
    name: str
    code: str


@cache
def environment() -> jinja2.Environment:
    """The report templates' environment (autoescaped: configuration text is untrusted)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("onshi", "templates/report"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _facilities(report: AuditReport) -> list[FacilityView]:
    """The audited facilities (inventory groups) in inventory order, named by their policy when given."""
    policies = {inp.host: inp.policy for inp in report.inputs if inp.policy is not None}
    views: dict[str, FacilityView] = {}
    for device in report.devices:
        policy = policies.get(device.host)
        group = device.facility or device.host
        if policy is not None or group not in views:
            views[group] = FacilityView(policy.name, policy.code) if policy else FacilityView(group, "")
    return list(views.values())


def rule_quotes() -> dict[str, list[tuple[str, str]]]:
    """For each rule, the source wording it derives from: the checklist items it evidences, then
    ``data/rule_quotes.yaml`` for the rules no item covers. (source key, Japanese text) pairs."""
    quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in checklist_items():
        for rule in item.rules if item.quoted else ():
            quotes[rule].append((item.source, item.ja))
    text = resources.files("onshi.data").joinpath("rule_quotes.yaml").read_text(encoding="utf-8")
    for entry in load_yaml(text):
        quotes[entry["rule"]].append((entry["source"], entry["ja"]))
    return quotes


def _sections(report: AuditReport, language: str) -> list[dict[str, Any]]:
    catalogue = default_catalogue()
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_rule[finding.rule].append(finding)
    quotes = rule_quotes()
    sections = []
    for rule in all_rules():
        findings = sorted(by_rule[rule.id], key=lambda f: (_STATUS_ORDER.index(f.status), f.host))
        counts = Counter(f.status for f in findings)
        sections.append(
            {
                "id": rule.id,
                "title": catalogue.title(rule.id, language),
                "severity": rule.severity.value,
                "references": rule.references,
                "quotes": quotes.get(rule.id, []),
                "findings": findings,
                "counts": {status.value: counts.get(status, 0) for status in _STATUS_ORDER},
            }
        )
    return sections


def _bars(counts: Counter[str], keys: list[str], kind: str) -> list[dict[str, Any]]:
    """One horizontal bar per key, scaled to the largest (inline SVG data)."""
    top = max(counts.values(), default=0) or 1
    return [
        {"key": key, "count": counts.get(key, 0), "kind": f"{kind}-{key}",
         "width": round(360 * counts.get(key, 0) / top), "y": index * 26}
        for index, key in enumerate(keys)
    ]  # fmt: skip


def _charts(report: AuditReport) -> dict[str, list[dict[str, Any]]]:
    """Failing findings by severity, and all findings by status."""
    failing = Counter(f.severity.value for f in report.findings if f.status is Status.FAIL)
    statuses = Counter(f.status.value for f in report.findings)
    return {
        "by_severity": _bars(failing, [s.value for s in _SEVERITY_ORDER], "severity"),
        "by_status": _bars(statuses, [s.value for s in _STATUS_ORDER], "status"),
    }


def to_html(report: AuditReport, language: str = "ja", comparison: Comparison | None = None) -> str:
    template = environment().get_template("report.html.j2")
    manual = [f for f in report.findings if f.status is Status.MANUAL]
    return template.render(
        lang=language,
        version=__version__,
        generated_at=report.generated_at,
        facilities=_facilities(report),
        matrices=report.matrices,
        devices=report.devices,
        sections=_sections(report, language),
        charts=_charts(report),
        totals={status.value: sum(1 for f in report.findings if f.status is status) for status in _STATUS_ORDER},
        manual=manual,
        checklist=checklist(report),
        verdicts=VERDICTS,
        comparison=comparison,
        message=lambda f: f.message.ja if language == "ja" else f.message.en,
        t=labels()[language],
    )
