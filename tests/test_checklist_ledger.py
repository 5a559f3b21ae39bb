"""The checklist export and the asset ledger, as a facility files them."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

from typer.testing import CliRunner

from onshi.cli import app
from onshi.pipeline import AuditReport
from onshi.report.checklist import checklist, checklist_csv, checklist_items, confirmation_date, ledger_csv
from onshi.store import open_store, url_of
from onshi.validators.registry import all_rules
from tests.helpers import SAMPLE_DEVICES, SAMPLE_INVENTORY

runner = CliRunner()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_every_checklist_item_quotes_its_source_and_names_real_rules() -> None:
    known = {rule.id for rule in all_rules()}
    items = checklist_items()
    assert {item.source.split()[0] for item in items} == {"CHECKLIST", "REG-EX", "CYBER-CL"}
    assert len([i for i in items if i.source.startswith("REG-EX 別表")]) == 8
    for item in items:
        assert set(item.rules) <= known, item.id
        assert item.ja
        assert item.en


def test_verdicts_follow_the_findings(sample_report: AuditReport) -> None:
    rows = {(r.facility, r.item.id): r for r in checklist(sample_report)}
    password = rows[("clinic_sakura", "CL-T7b")]  # AUTH-02 fails on the clinic's type-7 passwords
    assert password.verdict == "not_done"
    assert "AUTH-02@sakura-rtr1" in password.failing
    assert rows[("pharmacy_aoba", "CL-T7b")].verdict == "done"
    assert rows[("pharmacy_aoba", "CL-T12")].verdict == "not_applicable"  # the pharmacy has no Wi-Fi
    assert rows[("pharmacy_aoba", "REG-3")].verdict == "confirm"  # anti-malware: no rule can tell
    assert rows[("clinic_sakura", "REG-6")].verdict == "not_done"  # segmentation fails exactly


def test_checklist_csv_has_both_languages(sample_report: AuditReport) -> None:
    rows = _rows(checklist_csv(sample_report))
    assert {row["verdict_ja"] for row in rows} <= {"実施済", "未実施", "要確認", "該当なし"}
    first = rows[0]
    assert first["item_ja"].endswith("。")
    assert first["verdict_en"] in {"done", "not done", "to confirm", "not applicable"}


def test_ledger_has_a_row_per_device(sample_report: AuditReport) -> None:
    rows = {row["host"]: row for row in _rows(ledger_csv(sample_report))}
    assert set(rows) == set(SAMPLE_DEVICES)
    assert rows["aoba-rtr1"]["model"] == "C1111-4P"
    assert rows["himawari-rtr1"]["os_version"] == "15.04.05"  # from the Yamaha header
    assert rows["aoba-rtr1"]["os_version"] == "17.9"
    assert rows["sakura-rtr1"]["location"] == "1F 事務室 ラック"


def test_cli_writes_csv_files_excel_can_read(tmp_path: Path) -> None:
    for command in ("ledger", "checklist"):
        target = tmp_path / f"{command}.csv"
        result = runner.invoke(app, [command, "--inventory", str(SAMPLE_INVENTORY), "--output", str(target)])
        assert result.exit_code == 0, result.output
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
        assert len(_rows(data.decode("utf-8"))) > 2


def test_the_cybersecurity_checklist_items_follow_their_rules(sample_report: AuditReport) -> None:
    rows = {(r.facility, r.item.id): r for r in checklist(sample_report)}
    mfa = rows[("clinic_momiji", "CY-2-MFA")]  # the FortiGate's SSL-VPN lets a vendor in by password
    assert mfa.verdict == "not_done"
    assert mfa.failing == ("VPN-08@momiji-fw1",)
    assert rows[("pharmacy_aoba", "CY-2-MFA")].verdict == "not_applicable"  # no remote access at all
    assert rows[("clinic_sakura", "CY-2-13")].verdict == "not_done"  # its WAN has no inbound filter
    named = [item for item in checklist_items() if item.id.startswith("CY-")]
    assert all(item.source.startswith("CYBER-CL R7 2") and not item.quoted for item in named)


def test_the_checklist_run_is_recorded_and_each_row_names_its_date_and_run(tmp_path: Path) -> None:
    store = tmp_path / "history.sqlite"
    target = tmp_path / "checklist.csv"
    arguments = ["checklist", "--inventory", str(SAMPLE_INVENTORY), "--store", str(store), "-o", str(target)]
    result = runner.invoke(app, [*arguments, "--facility", "clinic_momiji"])
    assert result.exit_code == 0, result.output
    [run] = open_store(url_of(str(store))).runs(None, 10)
    rows = _rows(target.read_text(encoding="utf-8"))
    assert {row["run"] for row in rows} == {str(run.id)}
    jst = datetime.fromisoformat(run.started_at).astimezone(timezone(timedelta(hours=9))).date().isoformat()
    assert {row["confirmed_on"] for row in rows} == {jst}


def test_the_confirmation_date_is_the_day_in_japan() -> None:
    assert confirmation_date("2026-12-04T16:30:00+00:00") == "2026-12-05"
    assert confirmation_date("2026-12-04T14:59:59+00:00") == "2026-12-04"
