"""The terminal report (rich): findings grouped by facility and device, then totals."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
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
           "new": "新規", "fixed": "解消", "unchanged": "継続",
           "collapsed": "適合・対象外 {count} 件は省略（--show all で表示）"},
    "en": {"facility": "Facility", "device": "Device", "status": "Status", "severity": "Severity",
           "rule": "Rule", "message": "Message", "evidence": "Evidence", "totals": "Totals", "parse": "parse",
           "lines": "lines", "unrecognized": "unrecognized lines", "partial": "not whole", "error": "error",
           "device_errors": "device errors",
           "none": "(no facility)",
           "compared": "compared with", "new": "new", "fixed": "fixed", "unchanged": "unchanged",
           "collapsed": "{count} pass and not-applicable hidden (--show all)"},
}  # fmt: skip


# Below this many columns, or into a pipe or file, findings are a list (a table squeezes the message).
TABLE_MIN_WIDTH = 120
_PROBLEMS = (Status.FAIL, Status.MANUAL, Status.WAIVED)


def _sort_key(finding: Finding) -> tuple[int, int, str]:
    return _STATUS_ORDER[finding.status], -finding.severity.rank, finding.rule


def _evidence(finding: Finding) -> str:
    """Evidence as file:line (file names without their folder), at most eight."""
    cited = sorted({(Path(evidence.file).name, evidence.line) for evidence in finding.evidence})
    return ", ".join(f"{name}:{line}" for name, line in cited[:8]) + (" …" if len(cited) > 8 else "")


def _message(finding: Finding, language: str) -> str:
    message = finding.message.ja if language == "ja" else finding.message.en
    example = finding.example_packet.describe() if finding.example_packet is not None else None
    if example is not None and example not in message:  # printed once: most messages quote it already
        message += f"\n  e.g. {example}"
    if finding.waiver is not None:
        message += "\n  " + waiver_text(finding.waiver, language)
    return message


def _status(finding: Finding, language: str, comparison: Comparison | None) -> str:
    change = comparison.change(finding) if comparison is not None else None
    return status_label(finding.status, language) + (f" ({_LABELS[language][change]})" if change else "")


def _title(device: DeviceReport, language: str, hidden: int) -> str:
    labels = _LABELS[language]
    title = f"{labels['device']}: {device.host} ({device.platform})"
    if device.error:
        return title + f" — {labels['error']}: {device.error}"
    coverage = f"{device.lines} {labels['lines']}, {labels['unrecognized']}: {len(device.unrecognized)}"
    title += f" — {labels['parse']}: {coverage}"
    if device.partial:
        title += f" — {labels['partial']}: {device.partial}"
    if hidden:
        title += f" — {labels['collapsed'].format(count=hidden)}"
    return title


def _device_table(
    device: DeviceReport, findings: list[Finding], language: str, comparison: Comparison | None, hidden: int
) -> Table:
    labels = _LABELS[language]
    table = Table(title=Text(printable(_title(device, language, hidden))), title_justify="left")
    table.add_column(labels["status"], no_wrap=True)
    table.add_column(labels["severity"], no_wrap=True)
    table.add_column(labels["rule"], no_wrap=True)
    table.add_column(labels["message"], overflow="fold")
    table.add_column(labels["evidence"], overflow="fold")
    for finding in sorted(findings, key=_sort_key):
        table.add_row(
            Text(_status(finding, language, comparison), style=_STATUS_STYLE[finding.status]),
            severity_label(finding.severity, language),
            finding.rule,
            Text(printable(_message(finding, language))),
            _evidence(finding),
        )
    return table


def _device_list(
    console: Console, device: DeviceReport, findings: list[Finding], language: str, comparison: Comparison | None,
    *, hidden: int,
) -> None:  # fmt: skip
    """The same findings as a list: a heading line per finding, then its message and evidence indented."""
    labels = _LABELS[language]
    console.print(Text(printable(_title(device, language, hidden)), style="bold"))
    for finding in sorted(findings, key=_sort_key):
        head = Text(f"  {_status(finding, language, comparison)}", style=_STATUS_STYLE[finding.status])
        head.append(f"  {severity_label(finding.severity, language)}  {finding.rule}")
        console.print(head)
        console.print(
            Padding(Text(printable(_message(finding, language)), overflow="fold"), (0, 0, 0, 4), expand=False)
        )
        if finding.evidence:
            evidence = Text(printable(f"{labels['evidence']}: {_evidence(finding)}"), overflow="fold")
            console.print(Padding(evidence, (0, 0, 0, 4), expand=False))


def render_table(
    report: AuditReport,
    language: str = "ja",
    console: Console | None = None,
    comparison: Comparison | None = None,
    show_all: bool = False,
) -> None:
    """Problems first (fail, manual, waived) by facility and device, one summary line per facility;
    pass and not-applicable rows collapsed into a count unless ``show_all``. A table on a wide
    terminal; a list at narrower widths and into a pipe or file."""
    console = console or Console()
    as_list = console.width < TABLE_MIN_WIDTH or not console.is_terminal
    labels = _LABELS[language]
    by_host: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_host[finding.host].append(finding)
    by_facility: dict[str, list[DeviceReport]] = defaultdict(list)
    for device in report.devices:
        by_facility[device.facility or labels["none"]].append(device)
    for facility, devices in by_facility.items():
        console.rule(Text(printable(f"{labels['facility']}: {facility}")))
        facility_findings = [f for d in devices for f in by_host[d.host]]
        console.print(Text(printable(f"{labels['facility']}: {facility} — {_counts(facility_findings, language)}"),
                           style="bold"))  # fmt: skip
        for device in devices:
            findings = by_host[device.host]
            shown = findings if show_all else [f for f in findings if f.status in _PROBLEMS]
            hidden = len(findings) - len(shown)
            if as_list:
                _device_list(console, device, shown, language, comparison, hidden=hidden)
            else:
                console.print(_device_table(device, shown, language, comparison, hidden))
    errors = sum(1 for device in report.devices if device.error)
    console.print(
        f"{labels['totals']}: {_counts(list(report.findings), language)}  {labels['device_errors']}: {errors}"
    )
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


def _counts(findings: list[Finding], language: str) -> str:
    counts = Counter(finding.status for finding in findings)
    return "  ".join(f"{status_label(status, language)}: {counts.get(status, 0)}" for status in _STATUS_ORDER)
