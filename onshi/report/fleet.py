"""The fleet overview written beside one report per facility (``index.html``): facilities by rule
family, worst first, with counts, the change since a previous run, and a link to each report.

Python prepares the rows here; ``templates/report/index.html.j2`` renders them (autoescaped: names
come from the inventory).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from onshi import __version__
from onshi.model import Severity, Status
from onshi.pipeline import AuditReport
from onshi.report.compare import Comparison
from onshi.report.html import environment
from onshi.report.labels import labels
from onshi.validators.registry import all_rules


@dataclass(frozen=True, slots=True)
class FleetRow:
    facility: str  # the inventory group
    name: str  # the facility's own name (施設名)
    code: str
    href: str  # its report, relative to the index
    devices: int
    errors: int  # devices that could not be audited
    failing: Mapping[str, int] = field(default_factory=dict)  # rule family → failing findings
    manual: int = 0
    critical: int = 0
    new: int | None = None  # failing findings new since the previous run (None: no previous run)
    fixed: int | None = None

    @property
    def fails(self) -> int:
        return sum(self.failing.values())


def families() -> list[str]:
    """The rule families (SEG, VPN, EXT …) in catalogue order."""
    return list(dict.fromkeys(rule.id.split("-")[0] for rule in all_rules()))


def fleet_rows(
    parts: Mapping[str, AuditReport], files: Mapping[str, str], comparison: Comparison | None
) -> list[FleetRow]:
    """One row per facility, worst first: critical failures, then failures, then what to confirm."""
    rows = [_row(facility, part, files[facility], comparison) for facility, part in parts.items()]
    return sorted(rows, key=lambda r: (-(r.errors > 0), -r.critical, -r.fails, -r.manual, r.facility))


def _row(facility: str, part: AuditReport, href: str, comparison: Comparison | None) -> FleetRow:
    failing = [f for f in part.findings if f.status is Status.FAIL]
    policy = next((inp.policy for inp in part.inputs if inp.policy is not None), None)
    hosts = {device.host for device in part.devices}
    new = fixed = None
    if comparison is not None:
        new = sum(1 for f in failing if comparison.change(f) == "new")
        fixed = sum(1 for f in comparison.fixed if f.get("host") in hosts)
    return FleetRow(
        facility=facility,
        name=policy.name if policy else facility,
        code=policy.code if policy else "",
        href=href,
        devices=len(part.devices),
        errors=sum(1 for device in part.devices if device.error),
        failing=dict(Counter(f.rule.split("-")[0] for f in failing)),
        manual=sum(1 for f in part.findings if f.status is Status.MANUAL),
        critical=sum(1 for f in failing if f.severity is Severity.CRITICAL),
        new=new,
        fixed=fixed,
    )


def to_index_html(rows: list[FleetRow], language: str, generated_at: str, comparison: Comparison | None) -> str:
    template = environment().get_template("index.html.j2")
    return template.render(
        t=labels()[language], lang=language, rows=rows, families=families(), generated_at=generated_at,
        version=__version__, previous=comparison.previous if comparison else None,
    )  # fmt: skip
