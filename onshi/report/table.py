"""The terminal report (rich): findings grouped by facility and device, then totals."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from onshi.model import Finding, Status
from onshi.pipeline import AuditReport, DeviceReport
from onshi.report.compare import Comparison
from onshi.report.labels import severity_label, status_label, waiver_text
from onshi.report.text import printable

_STATUS_ORDER = {Status.FAIL: 0, Status.MANUAL: 1, Status.WAIVED: 2, Status.PASS: 3, Status.NOT_APPLICABLE: 4}
_STATUS_STYLE = {
    Status.FAIL: "bold red",
    Status.MANUAL: "yellow",
    Status.WAIVED: "cyan",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
}
_LABELS = {
    "ja": {"facility": "施設", "device": "機器", "status": "結果", "severity": "重要度", "rule": "ルール",
           "message": "内容", "evidence": "根拠行", "totals": "合計", "parse": "解析", "lines": "行",
           "unrecognized": "未解釈行", "partial": "不完全な設定", "error": "エラー", "none": "（施設なし）",
           "device_errors": "読めなかった機器",
           "compared": "前回との比較",
           "new": "新規", "fixed": "解消", "unchanged": "継続"},
    "en": {"facility": "Facility", "device": "Device", "status": "Status", "severity": "Severity",
           "rule": "Rule", "message": "Message", "evidence": "Evidence", "totals": "Totals", "parse": "parse",
           "lines": "lines", "unrecognized": "unrecognized lines", "partial": "not whole", "error": "error",
           "device_errors": "device errors",
           "none": "(no facility)",
           "compared": "compared with", "new": "new", "fixed": "fixed", "unchanged": "unchanged"},
}  # fmt: skip


def _sort_key(finding: Finding) -> tuple[int, int, str]:
    return _STATUS_ORDER[finding.status], -finding.severity.rank, finding.rule


def _evidence(finding: Finding) -> str:
    lines = sorted({evidence.line for evidence in finding.evidence})
    return ", ".join(str(line) for line in lines[:8]) + (" …" if len(lines) > 8 else "")


def _device_table(device: DeviceReport, findings: list[Finding], language: str, comparison: Comparison | None) -> Table:
    labels = _LABELS[language]
    title = f"{labels['device']}: {device.host} ({device.platform})"
    if device.error:
        title += f" — {labels['error']}: {device.error}"
    else:
        coverage = f"{device.lines} {labels['lines']}, {labels['unrecognized']}: {len(device.unrecognized)}"
        title += f" — {labels['parse']}: {coverage}"
        if device.partial:
            title += f" — {labels['partial']}: {device.partial}"
    table = Table(title=Text(printable(title)), title_justify="left")
    table.add_column(labels["status"], no_wrap=True)
    table.add_column(labels["severity"], no_wrap=True)
    table.add_column(labels["rule"], no_wrap=True)
    table.add_column(labels["message"], overflow="fold")
    table.add_column(labels["evidence"], no_wrap=True)
    for finding in sorted(findings, key=_sort_key):
        message = finding.message.ja if language == "ja" else finding.message.en
        example = finding.example_packet.describe() if finding.example_packet is not None else None
        if example is not None and example not in message:  # printed once: most messages quote it already
            message += f"\n  e.g. {example}"
        if finding.waiver is not None:
            message += "\n  " + waiver_text(finding.waiver, language)
        change = comparison.change(finding) if comparison is not None else None
        status = status_label(finding.status, language) + (f" ({_LABELS[language][change]})" if change else "")
        table.add_row(
            Text(status, style=_STATUS_STYLE[finding.status]),
            severity_label(finding.severity, language),
            finding.rule,
            Text(printable(message)),
            _evidence(finding),
        )
    return table


def render_table(
    report: AuditReport,
    language: str = "ja",
    console: Console | None = None,
    comparison: Comparison | None = None,
) -> None:
    console = console or Console()
    labels = _LABELS[language]
    by_host: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_host[finding.host].append(finding)
    by_facility: dict[str, list[DeviceReport]] = defaultdict(list)
    for device in report.devices:
        by_facility[device.facility or labels["none"]].append(device)
    for facility, devices in by_facility.items():
        console.rule(Text(printable(f"{labels['facility']}: {facility}")))
        console.print(Group(*(_device_table(d, by_host[d.host], language, comparison) for d in devices)))
    counts = Counter(finding.status for finding in report.findings)
    totals = "  ".join(f"{status_label(status, language)}: {counts.get(status, 0)}" for status in _STATUS_ORDER)
    errors = sum(1 for device in report.devices if device.error)
    console.print(f"{labels['totals']}: {totals}  {labels['device_errors']}: {errors}")
    if comparison is not None:
        console.print(
            Text(printable(
                f"{labels['compared']} {comparison.previous}: {labels['new']} {len(comparison.new)}, "
                f"{labels['fixed']} {len(comparison.fixed)}, {labels['unchanged']} {len(comparison.unchanged)}"
            ))
        )  # fmt: skip
        for fixed in comparison.fixed:  # named, not only counted: what the previous run failed and this one does not
            message = fixed["message"]["ja" if language == "ja" else "en"]
            console.print(Text(printable(f"  {labels['fixed']}: {fixed['host']} {fixed['rule']} {message}")))
