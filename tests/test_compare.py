"""Report-to-report comparison: new, fixed and unchanged failures since a previous audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from onshi.cli import app
from tests.helpers import SAMPLE_INVENTORY

runner = CliRunner()


def test_fixing_telnet_shows_as_fixed_and_the_rest_unchanged(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(previous)])
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    config = inventory / "configs" / "sakura-rtr1.cfg"
    text = config.read_bytes().decode("shift_jis").replace(" transport input telnet ssh", " transport input ssh")
    config.write_bytes(text.encode("shift_jis"))
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", "json", "--compare", str(previous)])
    document = json.loads(result.stdout)
    comparison = document["comparison"]
    fixed = {(f["host"], f["rule"]) for f in comparison["fixed_findings"]}
    assert ("sakura-rtr1", "MGMT-01") in fixed  # telnet on the vty lines
    assert comparison["unchanged"] > 50
    changes = {f["change"] for f in document["findings"] if f["status"] == "fail"}
    assert changes <= {"new", "unchanged"}
    assert all(f["change"] is None for f in document["findings"] if f["status"] != "fail")


def test_same_audit_twice_changes_nothing(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(previous)])
    result = runner.invoke(
        app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "--compare", str(previous)]
    )
    comparison = json.loads(result.stdout)["comparison"]
    assert (comparison["new"], comparison["fixed"]) == (0, 0)


def test_an_unreadable_previous_report_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--compare", str(broken)])
    assert result.exit_code == 2
    assert "broken.json: not an onshi JSON report" in result.output
