"""A change's impact (:mod:`onshi.validators.diff`) for CI systems, JUnit XML and SARIF 2.1.0, and
for a reviewer, one self-contained HTML page.

The change-review gate a vendor runs before installation: a zone pair the change newly opens
beyond the declared flows, and a rule that newly fails, are failures (JUnit ``<failure>``, SARIF
results of level ``error`` on the lines that now let the example through); what the change closes
or opens within the declared flows passes (JUnit) or is a ``note`` (SARIF), so the file is the whole
change. A host audited on one side only is a JUnit ``<error>`` and a SARIF notification.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from onshi import __version__
from onshi.report.diff import WORDS, cited_lines, moved_lines, verdict_line, verdict_name, verdict_state
from onshi.report.html import environment
from onshi.report.sarif import SCHEMA, artifact_uri
from onshi.validators.diff import Diff, PairChange, VerdictChange

_RULES = (
    ("DIFF-OPENED", "The change newly lets through what the facility policy does not declare", "error"),
    ("DIFF-VERDICT", "A rule newly fails after the change", "error"),
    ("DIFF-CHANGED", "The change newly lets through, or newly stops, declared traffic", "note"),
)


def _rule_index(rule: str) -> int:
    return [name for name, _, _ in _RULES].index(rule)


def diff_junit(change: Diff) -> str:
    """One testsuite per host; a testcase per zone pair that changes and per verdict that changes."""
    root = ET.Element("testsuites", name="onshi diff")
    suites: dict[str, ET.Element] = {}
    counts: dict[str, dict[str, int]] = {}

    def case(host: str, name: str) -> ET.Element:
        if host not in suites:
            suites[host] = ET.SubElement(root, "testsuite", name=host)
            counts[host] = {"tests": 0, "failures": 0, "errors": 0}
        counts[host]["tests"] += 1
        return ET.SubElement(suites[host], "testcase", classname=f"onshi.diff.{host}", name=name, time="0")

    for pair in change.pairs:
        element = case(pair.host, f"{pair.source} → {pair.destination}")
        if pair.opened is not None and pair.opened.undeclared:
            failure = ET.SubElement(element, "failure", message=f"newly allowed beyond the declared flows: "
                                    f"e.g. {pair.opened.example.describe()}", type="opened")  # fmt: skip
            failure.text = "\n".join(
                line.strip() for line in moved_lines(WORDS["en"], "opened", pair.opened, "stopped")
            )
            counts[pair.host]["failures"] += 1
    for verdict in change.verdicts:
        element = case(verdict.host, verdict_name(verdict))
        if verdict.newly_failing:
            ET.SubElement(element, "failure", message=f"{verdict_state(verdict.before)} → fail", type="verdict")
            counts[verdict.host]["failures"] += 1
    for host in change.unmatched:
        element = case(host, "audited on both sides")
        ET.SubElement(element, "error", message="audited on one side only", type="unmatched")
        counts[host]["errors"] += 1
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for host, suite in suites.items():
        for key, value in counts[host].items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def diff_sarif(change: Diff, files: Mapping[str, str]) -> str:
    """Results on the after side's configuration lines (``files``: host → its file there)."""
    artifacts: dict[str, int] = {}
    results = [result for pair in change.pairs for result in _pair_results(pair, files, artifacts)]
    results += [_verdict_result(verdict) for verdict in change.verdicts]
    notifications = [{"level": "error", "message": {"text": f"{host}: audited on one side only"}}
                     for host in change.unmatched]  # fmt: skip
    rules = [{"id": rule, "name": rule.replace("-", ""), "shortDescription": {"text": text},
              "defaultConfiguration": {"level": level}} for rule, text, level in _RULES]  # fmt: skip
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "onshi diff", "version": __version__, "rules": rules}},
        "artifacts": [{"location": {"uri": artifact_uri(file)}} for file in artifacts],
        "results": results,
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2) + "\n"


def _pair_results(pair: PairChange, files: Mapping[str, str], artifacts: dict[str, int]) -> list[dict[str, Any]]:
    found = []
    for moved, kind in ((pair.opened, "newly allowed"), (pair.closed, "newly denied")):
        if moved is None:
            continue
        failing = kind == "newly allowed" and moved.undeclared
        rule = "DIFF-OPENED" if failing else "DIFF-CHANGED"
        result: dict[str, Any] = {
            "ruleId": rule,
            "ruleIndex": [r for r, _, _ in _RULES].index(rule),
            "level": "error" if failing else "note",
            "message": {
                "text": f"{pair.host}: {pair.source} → {pair.destination} {kind}: e.g. {moved.example.describe()}"
            },
            "properties": {"host": pair.host, "path": [pair.source, pair.destination], "route": list(moved.route)},
        }
        cited = moved.through if kind == "newly allowed" else moved.stopped_by
        locations = [_location(files[host], line, artifacts) for host, line in cited if host in files]
        if locations:
            result["locations"] = locations
        found.append(result)
    return found


def _location(file: str, line: int, artifacts: dict[str, int]) -> dict[str, Any]:
    index = artifacts.setdefault(file, len(artifacts))
    return {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(file), "index": index},
                                 "region": {"startLine": line}}}  # fmt: skip


def _verdict_result(verdict: VerdictChange) -> dict[str, Any]:
    rule = "DIFF-VERDICT" if verdict.newly_failing else "DIFF-CHANGED"
    return {
        "ruleId": rule,
        "ruleIndex": _rule_index(rule),
        "level": "error" if verdict.newly_failing else "note",
        "message": {"text": verdict_line(verdict)},
        "properties": {"host": verdict.host, "rule": verdict.rule},
    }


# The page's own words beside the text report's (WORDS: opened, closed, undeclared, path, verdicts ...).
_PAGE_WORDS = {
    "ja": {"title": "変更の影響（onshi diff）",
           "gate_fail": "ポリシーで宣言されていない通信を新たに許可するか、新たに不合格になる項目があります",
           "gate_pass": "宣言されていない通信を新たに許可せず、新たに不合格になる項目もありません",
           "pairs": "ゾーン間の変化", "host": "機器", "pair": "送信元 → 宛先", "change": "変化", "example": "例",
           "lines": "根拠の行", "rule": "項目", "before": "変更前", "after": "変更後"},
    "en": {"title": "Change impact (onshi diff)",
           "gate_fail": "The change newly allows undeclared traffic, or a rule newly fails",
           "gate_pass": "The change opens nothing undeclared and no rule newly fails",
           "pairs": "Zone pairs that change", "host": "Device", "pair": "Source → destination", "change": "Change",
           "example": "Example",
           "lines": "Lines", "rule": "Rule", "before": "Before", "after": "After"},
}  # fmt: skip


def diff_html(change: Diff, lang: str = "ja") -> str:
    """One self-contained, escaped page: what the change opens and closes, and the verdicts that change."""
    language = "ja" if lang == "ja" else "en"
    words = {**WORDS[language], **_PAGE_WORDS[language]}
    pairs = [row for pair in change.pairs for row in _html_rows(pair, words)]
    verdicts = [_verdict_row(verdict) for verdict in change.verdicts]
    return (
        environment()
        .get_template("diff.html.j2")
        .render(
            lang=lang,
            t=words,
            pairs=pairs,
            verdicts=verdicts,
            unmatched=list(change.unmatched),
            refused=change.refused,
            version=__version__,
        )
    )


def _verdict_row(verdict: VerdictChange) -> dict[str, object]:
    return {"host": verdict.host, "rule": verdict_name(verdict), "before": verdict_state(verdict.before),
            "after": verdict_state(verdict.after), "failing": verdict.newly_failing}  # fmt: skip


def _html_rows(pair: PairChange, words: Mapping[str, str]) -> list[dict[str, str]]:
    rows = []
    for moved, kind in ((pair.opened, "opened"), (pair.closed, "closed")):
        if moved is None:
            continue
        cited = moved.through if kind == "opened" else moved.stopped_by
        label = words[kind] + (words["undeclared"] if kind == "opened" and moved.undeclared else "")
        rows.append({"host": pair.host, "source": pair.source, "destination": pair.destination, "kind": kind,
                     "label": label, "example": moved.example.describe(), "route": " ▸ ".join(moved.route),
                     "lines": cited_lines(cited)})  # fmt: skip
    return rows
