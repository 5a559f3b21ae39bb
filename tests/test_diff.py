"""``onshi diff``: what a change opens and closes, exactly, with the lines on both sides; the change
review gate (exit 1 when it opens what the policy does not declare)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from typer.testing import CliRunner

from onshi.cli import app
from tests.helpers import FIXTURES, SAMPLE_INVENTORY
from tests.schemas import junit_xsd, sarif_schema
from tests.test_generate import SAMPLE_SECRETS

runner = CliRunner()
SAKURA = SAMPLE_INVENTORY / "configs" / "sakura-rtr1.cfg"


def _diff(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["diff", *arguments, "--inventory", str(SAMPLE_INVENTORY), "--json"])
    return result.exit_code, result.output


def test_moving_a_permit_above_a_deny_is_newly_allowed_with_both_lines_cited(tmp_path: Path) -> None:
    """sakura's guest list denies the clinic's ranges, then permits the rest: the permit moved one line
    up lets guests into every segment: newly allowed, beyond the declared flows, exit 1."""
    text = SAKURA.read_bytes().decode("cp932")
    lines = text.splitlines()
    deny = lines.index(" deny   ip any 192.168.0.0 0.0.255.255")
    permit = deny + 1
    assert lines[permit] == " permit ip any any"
    moved = [*lines[:deny], lines[permit], lines[deny], *lines[permit + 1 :]]
    before, after = tmp_path / "before.cfg", tmp_path / "after.cfg"
    before.write_text(text, encoding="utf-8")
    after.write_text("\n".join(moved) + "\n", encoding="utf-8")
    code, output = _diff(str(before), str(after), "--host", "sakura-rtr1")
    assert code == 1, output
    document = json.loads(output)
    assert document["opens_undeclared"] is True
    [to_emr] = [p for p in document["pairs"] if p["path"] == ["guest_wifi", "emr"]]
    opened = to_emr["newly_allowed"]
    assert opened["undeclared"] is True
    assert {"host": "sakura-rtr1", "line": deny + 1} in opened["let_through_by"]  # the permit, now above
    assert opened["stopped_by_other_side"] == [{"host": "sakura-rtr1", "line": deny + 1}]  # the deny, before
    # SEG-02 failed before already (guests' HTTPS reached the clinic); the deny, now shadowed, is new:
    assert {"host": "sakura-rtr1", "rule": "HYG-01", "path": None, "before": "pass", "after": "fail"} in document[
        "verdicts"
    ]


def test_no_change_is_exit_0_and_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(SAMPLE_INVENTORY / "configs"), str(SAMPLE_INVENTORY / "configs"),
                                 "--inventory", str(SAMPLE_INVENTORY), "--lang", "en"])  # fmt: skip
    assert (result.exit_code, result.output) == (0, "no change\n")


def test_closing_the_front_port_forward_is_newly_denied_through_both_devices(tmp_path: Path) -> None:
    after = tmp_path / "after"
    shutil.copytree(SAMPLE_INVENTORY / "configs", after)
    shutil.copy(FIXTURES / "yamaha_rtx" / "facility" / "kiri-rtr1-fixed.cfg", after / "kiri-rtr1.cfg")
    code, output = _diff(str(SAMPLE_INVENTORY / "configs"), str(after), "--facility", "clinic_kiri")
    assert code == 0, output  # it only closes
    document = json.loads(output)
    [pair] = document["pairs"]
    assert pair["path"] == ["internet", "office"]
    assert pair["newly_allowed"] is None
    assert pair["newly_denied"]["route"] == ["kiri-rtr1: pp1 → lan1", "kiri-fw1: wan → a"]


def test_a_file_without_its_host_is_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(SAKURA), str(SAKURA), "--inventory", str(SAMPLE_INVENTORY)])
    assert result.exit_code == 2
    assert "a file needs --host" in result.output


def test_each_clinic_against_its_generated_baseline_closes_and_opens_nothing_undeclared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The running snapshots of the sample against the baselines generate would write: what the
    baselines close, with examples (sakura's guests no longer reach the EMR), and nothing undeclared
    opened; no rule newly fails, so exit 0."""
    for name, value in SAMPLE_SECRETS.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["diff", "--against", "generated", "--inventory", str(SAMPLE_INVENTORY), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["opens_undeclared"] is False
    closed = {(p["host"], tuple(p["path"])): p["newly_denied"] for p in document["pairs"] if p["newly_denied"]}
    guests = closed[("sakura-rtr1", ("guest_wifi", "emr"))]
    assert guests["example_packet"].startswith("tcp 192.168.100.")
    assert {host for host, _ in closed} >= {"sakura-rtr1", "aoba-rtr1", "himawari-rtr1", "momiji-fw1"}
    assert all(not p["newly_allowed"] or not p["newly_allowed"]["undeclared"] for p in document["pairs"])


def test_a_side_that_does_not_exist_is_named_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(tmp_path / "nowhere"), str(SAMPLE_INVENTORY / "configs"),
                                 "--inventory", str(SAMPLE_INVENTORY)])  # fmt: skip
    assert result.exit_code == 2
    assert f"{tmp_path / 'nowhere'}: no such snapshot folder or config file" in result.output


def _moved_permit(tmp_path: Path) -> tuple[Path, Path, int]:
    text = SAKURA.read_bytes().decode("cp932")
    lines = text.splitlines()
    deny = lines.index(" deny   ip any 192.168.0.0 0.0.255.255")
    moved = [*lines[:deny], lines[deny + 1], lines[deny], *lines[deny + 2 :]]
    before, after = tmp_path / "before.cfg", tmp_path / "after.cfg"
    before.write_text(text, encoding="utf-8")
    after.write_text("\n".join(moved) + "\n", encoding="utf-8")
    return before, after, deny + 1


def test_the_change_gate_for_ci_in_junit_and_sarif(tmp_path: Path) -> None:
    """The same change as JUnit (the opened pairs and the newly failing rule are failures) and SARIF
    (error results on the after side's line that now lets guests in), both valid by their schemas."""
    before, after, permit_line = _moved_permit(tmp_path)
    common = [str(before), str(after), "--host", "sakura-rtr1", "--inventory", str(SAMPLE_INVENTORY)]
    junit = runner.invoke(app, ["diff", *common, "-f", "junit", "-o", str(tmp_path / "diff.xml")])
    assert junit.exit_code == 1
    xml = (tmp_path / "diff.xml").read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(junit_xsd())).validate(xml)
    for expected in ('name="guest_wifi → emr"', 'type="opened"', 'name="HYG-01"'):
        assert expected in xml
    sarif = runner.invoke(app, ["diff", *common, "-f", "sarif", "-o", str(tmp_path / "diff.sarif")])
    assert sarif.exit_code == 1
    document = json.loads((tmp_path / "diff.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(document, sarif_schema())
    opened = [r for r in document["runs"][0]["results"] if r["ruleId"] == "DIFF-OPENED"]
    assert opened
    assert all(r["level"] == "error" for r in opened)
    lines = {loc["physicalLocation"]["region"]["startLine"] for r in opened for loc in r.get("locations", [])}
    assert permit_line in lines
    assert any(
        r["ruleId"] == "DIFF-VERDICT" and "HYG-01" in r["message"]["text"] for r in document["runs"][0]["results"]
    )


def test_no_change_in_junit_is_an_empty_passing_suite(tmp_path: Path) -> None:
    configs = str(SAMPLE_INVENTORY / "configs")
    result = runner.invoke(app, ["diff", configs, configs, "--inventory", str(SAMPLE_INVENTORY), "-f", "junit"])
    assert result.exit_code == 0
    xmlschema.XMLSchema(str(junit_xsd())).validate(result.output)
    assert 'failures="0"' in result.output


def test_the_change_as_one_page_for_a_reviewer(tmp_path: Path) -> None:
    """-f html: a self-contained page (a CSP forbids every fetch) naming what the change opens, with the
    example and the lines, in the report language; no configuration text on it."""
    before, after, permit_line = _moved_permit(tmp_path)
    common = [str(before), str(after), "--host", "sakura-rtr1", "--inventory", str(SAMPLE_INVENTORY)]
    result = runner.invoke(app, ["diff", *common, "-f", "html", "--lang", "en", "-o", str(tmp_path / "d.html")])
    assert result.exit_code == 1
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "default-src 'none'" in page
    assert "guest_wifi → emr" in page
    assert "newly allowed (beyond the declared flows)" in page
    assert f"sakura-rtr1:{permit_line}" in page
    assert "The change newly allows undeclared traffic" in page
    assert "permit ip any any" not in page  # lines are cited by number, never quoted
    japanese = runner.invoke(app, ["diff", *common, "-f", "html"])
    assert "新たに許可" in japanese.output
