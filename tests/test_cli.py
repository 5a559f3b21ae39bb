"""The command line: exit codes, formats, files written atomically, one bad device among good ones."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.inventory import load_inventory
from tests.helpers import FIXTURES, SAMPLE_DEVICES, SAMPLE_INVENTORY

runner = CliRunner()


def test_sample_audit_json_shape() -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"summary", "devices", "findings", "zone_matrices"}
    assert document["summary"]["devices"] == len(SAMPLE_DEVICES)
    matrix = document["zone_matrices"][0]  # the sample clinic's router: guest Wi-Fi reaches the EMR
    assert matrix["host"] == "sakura-rtr1"
    assert matrix["cells"]["guest_wifi"]["emr"]["state"] == "violating"
    assert "SEG-01" in matrix["cells"]["guest_wifi"]["emr"]["rules"]
    device = document["devices"][0]
    assert {"host", "facility", "platform", "parse", "error"} <= set(device)
    assert {"lines", "unrecognized"} <= set(device["parse"])
    finding = document["findings"][0]
    assert {"host", "facility", "rule", "severity", "status", "message", "evidence", "references",
            "remediation", "example_packet"} <= set(finding)  # fmt: skip
    assert set(finding["message"]) == {"ja", "en"}


def test_fail_on_threshold_sets_the_exit_code() -> None:
    pharmacy_only = FIXTURES / "cisco_ios" / "edge_compliant.cfg"
    low = runner.invoke(app, ["audit-file", str(pharmacy_only), "--platform", "cisco_ios", "--fail-on", "low"])
    assert low.exit_code == 0  # without a policy nothing can fail here: every gap is `manual`
    violations = FIXTURES / "cisco_ios" / "edge_violations.cfg"
    critical = runner.invoke(app, ["audit-file", str(violations), "--platform", "cisco_ios", "--fail-on", "critical"])
    assert critical.exit_code == 1


def test_table_in_both_languages() -> None:
    ja = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY)], env={"COLUMNS": "200"})
    en = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--lang", "en"], env={"COLUMNS": "200"})
    assert "施設: clinic_sakura" in ja.output
    assert "施設: pharmacy_aoba" in ja.output
    assert "インターネットに" in ja.output
    assert "Facility: pharmacy_aoba" in en.output
    assert "is exposed to the internet" in en.output


def test_missing_snapshot_is_an_error_row_and_others_go_on(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    (inventory / "configs" / "sakura-ap1.cfg").unlink()
    output = tmp_path / "report.json"
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", "json", "-o", str(output)])
    assert result.exit_code == 2
    document = json.loads(output.read_text(encoding="utf-8"))
    errors = {d["host"]: d["error"] for d in document["devices"]}
    assert "sakura-ap1.cfg: no such snapshot file" in errors["sakura-ap1"]
    assert errors["sakura-rtr1"] is None
    assert errors["aoba-rtr1"] is None
    assert {f["host"] for f in document["findings"]} == set(SAMPLE_DEVICES) - {"sakura-ap1"}


def test_unknown_platform_for_audit_file_is_a_usage_error() -> None:
    result = runner.invoke(app, ["audit-file", "x.cfg", "--platform", "juniper_junos"])
    assert result.exit_code == 2
    assert "unknown platform" in result.output


def test_unreadable_file_in_audit_file_is_an_error_row(tmp_path: Path) -> None:
    good = FIXTURES / "cisco_ios" / "edge_compliant.cfg"
    result = runner.invoke(app, ["audit-file", str(good), str(tmp_path / "absent.cfg"), "--platform", "cisco_ios",
                                 "-f", "json"])  # fmt: skip
    assert result.exit_code == 2
    devices = {d["host"]: d["error"] for d in json.loads(result.stdout)["devices"]}
    assert devices["edge_compliant"] is None
    assert "absent.cfg: no such snapshot file" in devices["absent"]


def test_schema_is_json_schema_for_the_inventory_data(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = runner.invoke(app, ["schema", "-o", str(target)])
    assert result.exit_code == 0
    schema = json.loads(target.read_text(encoding="utf-8"))
    facility = schema["$defs"]["FacilityPolicy"]
    assert {"name", "code", "connection", "segments"} <= set(facility["required"])
    assert "from" in json.dumps(facility)  # flows use the YAML names, not the Python ones
    # An editor checks the sample FortiGate's baseline variables, and catches a misspelt key.
    firewall = {**schema["$defs"]["FirewallVars"], "$defs": schema["$defs"]["FirewallVars"].get("$defs", {})}
    momiji = load_inventory(SAMPLE_INVENTORY).host("momiji-fw1").data.model_dump(mode="json")["baseline"]
    jsonschema.validate(momiji, firewall)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**momiji, "wifi": {"pskenv": {}}}, firewall)


def test_report_file_is_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous", encoding="utf-8")
    runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(target)])
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["devices"] == len(SAMPLE_DEVICES)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left behind


def test_the_command_line_starts_without_loading_what_no_command_has_asked_for() -> None:
    """`onshi --help` (and typer's completion) import only the command line: SSH, the packet engine,
    the parsers and the policy models load when a command runs (issue 20: start-up)."""
    heavy = ("netmiko", "paramiko", "nornir", "dd", "networkx", "ciscoconfparse", "pydantic", "sqlalchemy", "jinja2")
    probe = ("import sys, onshi.cli; "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))")  # fmt: skip
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    shown = subprocess.run([sys.executable, "-m", "onshi", "--help"], capture_output=True, text=True, check=False)
    assert shown.returncode == 0
    assert "audit" in shown.stdout


def test_a_one_file_audit_loads_no_generator_drift_ssh_or_graph_library(tmp_path: Path) -> None:
    """audit-file parses and judges one file: the baseline generator, hier_config (drift), SSH and
    networkx (which dd would import for graph export) stay unloaded, so it starts sooner (issue 20)."""
    unused = ("hier_config", "onshi.generate.plan", "netmiko", "paramiko", "nornir", "networkx", "distributed")
    probe = ("import sys\nfrom onshi.cli import main\n"
             f"sys.argv = ['onshi', 'audit-file', {str(SAMPLE_INVENTORY / 'configs' / 'aoba-rtr1.cfg')!r}, "
             f"'--format', 'json', '-o', {str(tmp_path / 'r.json')!r}]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"print(sorted(m for m in {unused!r} if m in sys.modules))")  # fmt: skip
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip().splitlines()[-1] == "[]"
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["devices"] == 1


def test_a_one_file_json_audit_loads_neither_pydantic_nor_rich(tmp_path: Path) -> None:
    """The policy models (pydantic) are the inventory's, the tables rich's: a bare file audited to
    JSON needs neither, and starts without them (issue 20)."""
    probe = ("import sys\nfrom onshi.cli import main\n"
             f"sys.argv = ['onshi', 'audit-file', {str(SAMPLE_INVENTORY / 'configs' / 'aoba-rtr1.cfg')!r}, "
             f"'--format', 'json', '-o', {str(tmp_path / 'r.json')!r}]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pydantic', 'rich', 'onshi.policy') if m in sys.modules))")  # fmt: skip
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip().splitlines()[-1] == "[]"
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["devices"] == 1


def test_worker_processes_give_the_same_report_in_the_same_order(tmp_path: Path) -> None:
    """--jobs judges facilities in worker processes: the JSON is what one process writes, down to the
    order, and a password reused across files is still found when the files are read in different
    processes (fingerprints are keyed per run, not per process)."""
    files = []
    for copy in range(3):  # the same config three times: AUTH-05 sees each secret reused
        target = tmp_path / f"edge_{copy}.cfg"
        shutil.copyfile(FIXTURES / "cisco_ios" / "edge_violations.cfg", target)
        files.append(str(target))
    documents = []
    for jobs in ("1", "2"):
        output = tmp_path / f"report_{jobs}.json"
        result = runner.invoke(app, ["audit-file", *files, "-f", "json", "-o", str(output), "--jobs", jobs])
        assert result.exit_code == 1, result.output
        document = json.loads(output.read_text(encoding="utf-8"))
        document["summary"].pop("generated_at")
        documents.append(document)
    assert documents[0] == documents[1]
    reused = [f for f in documents[1]["findings"] if f["rule"] == "AUTH-05" and f["status"] == "fail"]
    assert reused
    assert "edge_1" in reused[0]["message"]["en"]
    sample = []
    for jobs in ("1", "2"):
        output = tmp_path / f"sample_{jobs}.json"
        runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--store", "none", "-f", "json",
                            "-o", str(output), "--jobs", jobs])  # fmt: skip
        document = json.loads(output.read_text(encoding="utf-8"))
        document["summary"].pop("generated_at")
        sample.append(document)
    assert sample[0] == sample[1]


def test_spawned_workers_share_the_run_s_fingerprint_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes cannot fork (macOS, Windows), workers import onshi afresh: they are handed the
    run's fingerprint key, or a password reused across devices judged in two workers would go unseen."""
    monkeypatch.setattr("onshi.pipeline.multiprocessing.get_all_start_methods", lambda: ["spawn"])
    files = []
    for copy in range(2):
        target = tmp_path / f"edge_{copy}.cfg"
        shutil.copyfile(FIXTURES / "cisco_ios" / "edge_violations.cfg", target)
        files.append(str(target))
    output = tmp_path / "report.json"
    result = runner.invoke(app, ["audit-file", *files, "-f", "json", "-o", str(output), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    findings = json.loads(output.read_text(encoding="utf-8"))["findings"]
    reused = [f for f in findings if f["rule"] == "AUTH-05" and f["status"] == "fail" and f["host"] == "edge_0"]
    assert reused
    assert "edge_1" in reused[0]["message"]["en"]
