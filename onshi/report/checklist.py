"""The checklist and the asset ledger: what a facility files with its security regulation.

Checklist verdicts per facility and item, from the findings of the rules that evidence the item
on every device of the facility: 未実施 (not done) when any fails, 要確認 (to confirm) when any is
``manual`` or no rule evidences the item, 該当なし (not applicable) when every one is, and 実施済
(done) otherwise. The fourth verdict is onshi's: calling an item about Wi-Fi "done" at a
facility without Wi-Fi would sign off something nobody checked.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from onshi.files import load_yaml
from onshi.model import Finding, Status
from onshi.pipeline import AuditReport
from onshi.report.text import spreadsheet_cell

VERDICTS = {
    "done": ("実施済", "done"),
    "not_done": ("未実施", "not done"),
    "confirm": ("要確認", "to confirm"),
    "not_applicable": ("該当なし", "not applicable"),
}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str
    source: str
    ja: str
    en: str
    rules: tuple[str, ...]
    quoted: bool = True  # `ja` is the source's own wording (False: the item is named by number and topic)


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    facility: str
    item: ChecklistItem
    verdict: str  # a key of VERDICTS
    failing: tuple[str, ...]  # "RULE@host"
    manual: tuple[str, ...]


@cache
def checklist_items() -> tuple[ChecklistItem, ...]:
    text = resources.files("onshi.data").joinpath("checklist.yaml").read_text(encoding="utf-8")
    return tuple(
        ChecklistItem(
            entry["id"], entry["source"], entry["ja"], entry["en"], tuple(entry["rules"]), entry.get("quoted", True)
        )
        for entry in load_yaml(text)
    )


def _verdict(item: ChecklistItem, findings: list[Finding]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    relevant = [f for f in findings if f.rule in item.rules]
    failing = tuple(sorted({f"{f.rule}@{f.host}" for f in relevant if f.status is Status.FAIL}))
    # An accepted risk (waived) is for the inspector to confirm, not a done item.
    manual = tuple(sorted({f"{f.rule}@{f.host}" for f in relevant if f.status in (Status.MANUAL, Status.WAIVED)}))
    if failing:
        return "not_done", failing, manual
    if manual or not relevant:
        return "confirm", failing, manual
    if all(f.status is Status.NOT_APPLICABLE for f in relevant):
        return "not_applicable", failing, manual
    return "done", failing, manual


def checklist(report: AuditReport) -> list[ChecklistRow]:
    by_facility: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_facility[finding.facility or "-"].append(finding)
    facilities = sorted({device.facility or "-" for device in report.devices})
    rows = []
    for facility in facilities:
        for item in checklist_items():
            verdict, failing, manual = _verdict(item, by_facility[facility])
            rows.append(ChecklistRow(facility, item, verdict, failing, manual))
    return rows


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def checklist_csv(report: AuditReport, run: int | None = None) -> str:
    """One row per facility and item. ``confirmed_on`` (確認日) is the audit's date in Japan time, the
    day the checklist asks for; ``run`` is the history store's id of that audit (empty when the run
    was not recorded), so an inspector can trace the verdict back with ``onshi history``."""
    header = ["facility", "item", "source", "item_ja", "item_en", "verdict_ja", "verdict_en", "rules",
              "failing", "manual", "confirmed_on", "run"]  # fmt: skip
    confirmed_on = confirmation_date(report.generated_at)
    rows = [
        [row.facility, row.item.id, row.item.source, row.item.ja, row.item.en, *VERDICTS[row.verdict],
         " ".join(row.item.rules), " ".join(row.failing), " ".join(row.manual), confirmed_on,
         "" if run is None else str(run)]
        for row in checklist(report)
    ]  # fmt: skip
    return _csv(header, rows)


def confirmation_date(generated_at: str) -> str:
    """``2026-12-04T16:30:00+00:00`` → ``2026-12-05``: the date in Japan, where the checklist is filed."""
    return datetime.fromisoformat(generated_at).astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat()


LEDGER_COLUMNS = ("host", "facility", "role", "platform", "model", "os_version", "serial", "location",
                  "collected_at")  # fmt: skip


def ledger_csv(report: AuditReport) -> str:
    """The asset ledger (機器台帳), one row per device (DOC-01)."""
    rows = [[device.host, device.facility or "", *(device.ledger.get(c, "") for c in LEDGER_COLUMNS[2:])]
            for device in report.devices]  # fmt: skip
    return _csv(list(LEDGER_COLUMNS), rows)
