"""The auditor's HTML report: one self-contained file (no network fetches), printable to A4.

Python prepares the data here; ``templates/report/report.html.j2`` renders it with autoescape on,
because configuration text (descriptions, banners) is untrusted input.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import yaml

from onshi import __version__
from onshi.analysis.network import DeviceNetwork
from onshi.model import Finding, Severity, Status
from onshi.pipeline import AuditReport
from onshi.policy import DEVICE, INTERNET
from onshi.report.catalogue import default_catalogue
from onshi.report.checklist import VERDICTS, checklist, checklist_items
from onshi.report.compare import Comparison
from onshi.validators.base import RuleInput
from onshi.validators.reachability import example_from, example_of, expected, network_of, new_connections
from onshi.validators.registry import all_rules

log = logging.getLogger(__name__)
_STATUS_ORDER = (Status.FAIL, Status.MANUAL, Status.PASS, Status.NOT_APPLICABLE)
_SEVERITY_ORDER = tuple(Severity)


@dataclass(frozen=True, slots=True)
class MatrixCell:
    # "violating" (a rule fails on this pair) | "undeclared" (forwarded beyond the declared flows, which
    # no rule forbids here) | "declared" | "denied" | "approximate" (to confirm) | "self"
    state: str
    example: str = ""  # the whole example packet, for the tooltip
    service: str = ""  # "tcp/3389": what fits in a cell
    rules: tuple[str, ...] = ()  # the rules failing on the pair


@dataclass(frozen=True, slots=True)
class FacilityView:
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class InterfaceRow:
    name: str
    description: str  # configuration text: untrusted, rendered escaped
    addresses: str
    zone: str
    line: int | None


@dataclass(frozen=True, slots=True)
class ZoneMatrix:
    host: str
    facility: str
    zones: tuple[str, ...]  # the columns; the rows are the keys of ``cells``
    cells: Mapping[str, Mapping[str, MatrixCell]]
    interfaces: tuple[InterfaceRow, ...]  # how the zones were derived
    error: str = ""  # the matrix could not be computed: said in the report, never left out silently


@cache
def labels() -> dict[str, dict[str, Any]]:
    """The report's labels by language (``messages/html_labels.yaml``)."""
    text = resources.files("onshi.report.messages").joinpath("html_labels.yaml").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return loaded


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("onshi", "templates/report"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _matrix(inp: RuleInput, failing: Mapping[tuple[str, str], tuple[str, ...]]) -> ZoneMatrix | None:
    """Zones × (zones, device): what this device forwards as new connections, against the declared
    flows, and which rules fail on each pair (``failing``, from the findings' paths). None for a device
    on a single zone (an access point), which forwards between none."""
    if inp.policy is None:
        return None
    network = network_of(inp)
    zones = [z for z in network.zones() if not z.startswith("unassigned:")]
    sources = [z for z in zones if z != INTERNET] + ([INTERNET] if INTERNET in zones else [])
    if len(sources) < 2:
        return None
    destinations = (*sources, DEVICE)
    cells = {
        source: {
            target: _cell(inp, network, (source, target), failing.get((source, target), ())) for target in destinations
        }
        for source in sources
    }
    return ZoneMatrix(inp.host, inp.policy.name, destinations, cells, _interfaces(network))


def _interfaces(network: DeviceNetwork) -> tuple[InterfaceRow, ...]:
    return tuple(
        InterfaceRow(
            interface.name,
            interface.description,
            ", ".join(str(address) for address in interface.addresses),
            network.zone_of.get(name) or "-",
            interface.lines[0] if interface.lines else None,
        )
        for name, interface in network.interfaces.items()
        if interface.addresses
    )


def _cell(inp: RuleInput, network: DeviceNetwork, path: tuple[str, str], rules: tuple[str, ...]) -> MatrixCell:
    source, destination = path
    if source == destination:
        return MatrixCell("self")
    sp = network.space
    reach = network.reach(source, destination)
    forwarded = reach.packets & new_connections(sp)
    if sp.is_empty(forwarded):
        return MatrixCell("denied")
    packet = example_from(network, source, forwarded & ~expected(inp, source, destination), (), destination)
    if packet is None:
        return MatrixCell("declared")
    example = example_of(network, packet)
    service = example.protocol + (f"/{example.dst_port}" if example.dst_port is not None else "")
    state = "approximate" if not reach.exact else "violating" if rules else "undeclared"
    return MatrixCell(state, example.describe(), service, rules)


def _matrices(report: AuditReport) -> list[ZoneMatrix]:
    failing: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        if finding.status is Status.FAIL and finding.path is not None:
            rules = failing[finding.host][finding.path]
            if finding.rule not in rules:
                rules.append(finding.rule)
    found = (
        _safe_matrix(inp, {path: tuple(rules) for path, rules in failing[inp.host].items()}) for inp in report.inputs
    )
    return [matrix for matrix in found if matrix is not None]


def _safe_matrix(inp: RuleInput, failing: Mapping[tuple[str, str], tuple[str, ...]]) -> ZoneMatrix | None:
    """The matrix, or one that names its error: one device's analysis failing never loses the report."""
    try:
        return _matrix(inp, failing)
    except Exception as error:  # the rules report their own failures as manual findings
        log.error("zone matrix of %s failed: %s", inp.host, type(error).__name__)
        facility = inp.policy.name if inp.policy else ""
        return ZoneMatrix(inp.host, facility, (), {}, (), error=type(error).__name__)


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
        for rule in item.rules:
            quotes[rule].append((item.source, item.ja))
    text = resources.files("onshi.data").joinpath("rule_quotes.yaml").read_text(encoding="utf-8")
    for entry in yaml.safe_load(text):
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
    template = _environment().get_template("report.html.j2")
    manual = [f for f in report.findings if f.status is Status.MANUAL]
    return template.render(
        lang=language,
        version=__version__,
        generated_at=report.generated_at,
        facilities=_facilities(report),
        matrices=_matrices(report),
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
