"""Waivers: an accepted risk turns a fail into `waived` until its expiry, in every format."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from onshi.cli import FailOn, app, exit_code
from onshi.model import Status
from onshi.pipeline import AuditReport
from onshi.report.junit import to_junit
from onshi.report.sarif import to_sarif
from onshi.waivers import WaiverEntry, apply_waivers, with_waivers
from tests.helpers import SAMPLE_INVENTORY

runner = CliRunner()
TODAY = datetime.date(2026, 12, 4)
RDP: dict[str, Any] = {"rule": "EXT-02", "host": "himawari-rtr1", "match": {"text": "192.168.20.50:3389"},
       "reason": "保守ベンダーのリモート保守、VPN 移行まで", "approver": "院長 田中", "expires": "2027-03-31",
       "allow_critical": True}  # fmt: skip


def _waived(report: AuditReport, **changes: Any) -> AuditReport:
    return with_waivers(report, [WaiverEntry.model_validate({**RDP, **changes})], TODAY)


def _rdp(report: AuditReport) -> list[Any]:
    return [f for f in report.findings if f.host == "himawari-rtr1" and f.rule == "EXT-02" and f.status is not
            Status.PASS]  # fmt: skip


def test_a_waiver_in_force_turns_the_fail_into_waived_with_its_reason(sample_report: AuditReport) -> None:
    [finding] = _rdp(_waived(sample_report))
    assert finding.status is Status.WAIVED
    assert finding.waiver is not None
    assert (finding.waiver.approver, finding.waiver.expires) == ("院長 田中", "2027-03-31")


def test_it_fails_again_the_day_after_it_expires(sample_report: AuditReport) -> None:
    report = _waived(sample_report, expires="2026-12-03")
    assert [f.status for f in _rdp(report)] == [Status.FAIL]
    assert any("expired on 2026-12-03; its findings fail again" in note for note in report.notes)
    last_day = _waived(sample_report, expires="2026-12-04")
    assert [f.status for f in _rdp(last_day)] == [Status.WAIVED]
    assert any("expires on 2026-12-04 (0 days)" in note for note in last_day.notes)  # warned 30 days ahead


def test_a_critical_finding_needs_allow_critical(sample_report: AuditReport) -> None:
    report = _waived(sample_report, allow_critical=False)
    assert [f.status for f in _rdp(report)] == [Status.FAIL]
    assert any("is critical; it is waived only with allow_critical: true" in note for note in report.notes)


def test_a_waiver_that_covers_nothing_is_reported(sample_report: AuditReport) -> None:
    report = _waived(sample_report, match={"text": "192.168.20.99:3389"})
    assert [f.status for f in _rdp(report)] == [Status.FAIL]
    assert any("covers no failing finding" in note for note in report.notes)


def test_waived_does_not_fail_the_exit_code(sample_report: AuditReport) -> None:
    only = [f for f in sample_report.findings if f.host == "himawari-rtr1" and f.rule == "EXT-02"]
    report = AuditReport(sample_report.devices[:0], tuple(only), sample_report.generated_at)
    assert exit_code(report, FailOn.CRITICAL) == 1
    applied = apply_waivers(report.findings, [WaiverEntry.model_validate(RDP)], TODAY)
    assert exit_code(AuditReport((), applied.findings, report.generated_at), FailOn.CRITICAL) == 0


def test_every_format_shows_the_waiver(sample_report: AuditReport, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    (inventory / "waivers.yaml").write_text(yaml.safe_dump([RDP], allow_unicode=True), encoding="utf-8")
    outputs = {}
    for output_format in ("json", "html", "table"):
        target = tmp_path / f"report.{output_format}"
        result = runner.invoke(app, ["audit", "--inventory", str(inventory), "--hosts", "himawari-rtr1",
                                     "-f", output_format, "-o", str(target)])  # fmt: skip
        assert result.exit_code == 1, result.output  # himawari fails other rules
        outputs[output_format] = target.read_text(encoding="utf-8")
    [waived] = [f for f in json.loads(outputs["json"])["findings"] if f["status"] == "waived"]
    assert waived["waiver"]["reason"] == RDP["reason"]
    assert RDP["reason"] in outputs["html"]
    assert "免除（リスク受容）" in outputs["table"]
    assert RDP["reason"] in outputs["table"]
    report = _waived(sample_report)
    assert f"waived: {RDP['reason']}" in to_junit(report, "en")
    sarif = json.loads(to_sarif(report))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    assert RDP["reason"] in suppressed[0]["suppressions"][0]["justification"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({k: v for k, v in RDP.items() if k != "approver"}, "waivers[0].approver: Field required"),
        ({**RDP, "host": None}, "a waiver names a facility or a host"),
        ({**RDP, "expires": "next year"}, "waivers[0].expires"),
    ],
)
def test_a_bad_waiver_is_an_input_error_naming_the_field(tmp_path: Path, entry: dict[str, Any], expected: str) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    (inventory / "waivers.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["audit", "--inventory", str(inventory)])
    assert result.exit_code == 2
    assert "waivers.yaml" in result.output
    assert expected in result.output
