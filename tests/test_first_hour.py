"""The first hour (issue 17, in part): CLI conventions, output paths, every missing variable at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from onshi.files import write_atomic
from tests.helpers import FIXTURES, SAMPLE_INVENTORY
from tests.test_generate import SAMPLE_SECRETS


def _onshi(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m onshi ...`` as a user runs it (the real entry point, with its error handling)."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "onshi", *args], input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, env=environment, check=False, timeout=120)  # fmt: skip


def test_version_and_short_help() -> None:
    assert _onshi("--version").stdout.strip().startswith("onshi ")
    helped = _onshi("-h")
    assert helped.returncode == 0
    assert "audit-file" in helped.stdout
    assert "--install-completion" in helped.stdout


def test_audit_file_reads_standard_input() -> None:
    config = (FIXTURES / "cisco_ios" / "edge_violations.cfg").read_bytes()
    result = _onshi("audit-file", "-", "--platform", "cisco_ios", "-f", "json", stdin=config)
    assert result.returncode == 1, result.stderr
    assert '"host": "stdin"' in result.stdout


@pytest.mark.parametrize("target", ["folder", "under_a_file"])
def test_an_output_path_problem_is_one_line_and_exit_2(tmp_path: Path, target: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    output = tmp_path if target == "folder" else blocker / "report.json"
    result = _onshi("audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(output))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert ("is a folder, not a file" if target == "folder" else "is a file, not a folder") in lines[0]


def test_schema_to_a_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _onshi("schema", "-o", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path}: is a folder, not a file"


def test_output_to_dev_null_leaves_the_character_device() -> None:
    result = _onshi("audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", "/dev/null")
    assert result.returncode == 1, result.stderr
    assert Path("/dev/null").is_char_device()


def test_a_symlink_planted_at_a_snapshot_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "out" / "r1.cfg"
    target.parent.mkdir()
    target.symlink_to(victim)
    write_atomic(target, "hostname r1\n", mode=0o600)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not target.is_symlink()
    assert target.read_text(encoding="utf-8") == "hostname r1\n"


def test_generate_lists_every_missing_variable_of_every_host_in_one_run(tmp_path: Path) -> None:
    result = _onshi("generate", "--inventory", str(SAMPLE_INVENTORY), "--out", str(tmp_path / "g"))
    assert result.returncode == 2
    missing = [line for line in result.stderr.splitlines() if "is not set" in line]
    assert "environment variable SAKURA_ADMIN_SECRET is not set" in result.stderr
    assert "environment variable SAKURA_VENDOR_SECRET is not set" in result.stderr  # the same host's second
    assert len(missing) >= 20
    assert not (tmp_path / "g").exists()


def test_verify_as_json_says_what_it_skipped_carries_no_secret_and_keeps_descriptions(tmp_path: Path) -> None:
    output = tmp_path / "verify.json"
    result = _onshi("verify", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(output),
                    "--out", str(tmp_path / "remediation"), env=SAMPLE_SECRETS)  # fmt: skip
    assert result.returncode == 1, result.stderr
    text = output.read_text(encoding="utf-8")
    document = json.loads(text)
    # An access point and the facility layouts' devices have no data.baseline.
    assert document["skipped"] == ["sakura-ap1", "tsubaki-rtr1", "tsubaki-vpn-claims", "tsubaki-vpn-vendor",
                                   "kiri-rtr1", "kiri-fw1"]  # fmt: skip
    assert {h["host"] for h in document["verification"]} == {"sakura-rtr1", "aoba-rtr1", "kaede-rtr1", "kaede-ap1",
                                                               "himawari-rtr1", "momiji-fw1", "ayame-rtr1"}  # fmt: skip
    assert document["audit"]["summary"]["devices"] == 13  # every host of the sample
    assert [value for value in SAMPLE_SECRETS.values() if value in text] == []
    # A description the baseline does not state (often Japanese) is a note for people: never removed.
    remediation = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "remediation").glob("*.cfg"))
    for removal in ("no description", "unset description", "unset alias"):
        assert removal not in remediation
    kaede_ap = next(h for h in document["verification"] if h["host"] == "kaede-ap1")
    assert not [line for line in kaede_ap["extra"] if "待合室" in line]


def test_japanese_table_and_junit_speak_japanese_and_print_the_example_once() -> None:
    table = _onshi("audit", "--inventory", str(SAMPLE_INVENTORY), "--lang", "ja", env={"COLUMNS": "250"})
    assert table.returncode == 1
    assert "不適合" in table.stdout
    assert "合計: 不適合: " in table.stdout
    assert "読めなかった機器: 0" in table.stdout
    assert "fail: " not in table.stdout
    example = "tcp 192.168.100.23:51000 → 192.168.20.5:443"
    seg02 = [line for line in table.stdout.splitlines() if example in line]
    assert seg02  # the guest → EMR example ...
    assert not [line for line in table.stdout.splitlines() if line.strip().startswith("e.g. " + example)]  # ... once
    junit = _onshi("audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "junit", "--lang", "ja")
    assert 'message="要確認: ' in junit.stdout
    assert "[不適合/重大]" in junit.stdout


def test_a_schema_per_inventory_file_accepts_the_sample_and_catches_a_misspelt_key(tmp_path: Path) -> None:
    result = _onshi("schema", "--files", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("hosts", "groups", "defaults"):
        schema = json.loads((tmp_path / f"{name}.schema.json").read_text(encoding="utf-8"))
        document = yaml.safe_load((SAMPLE_INVENTORY / f"{name}.yaml").read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(json.dumps(document, default=str)), schema)  # the sample is valid
    hosts = yaml.safe_load((SAMPLE_INVENTORY / "hosts.yaml").read_text(encoding="utf-8"))
    hosts["kaede-rtr1"]["data"]["vpn_interface"] = hosts["kaede-rtr1"]["data"].pop("vpn_interfaces")
    schema = json.loads((tmp_path / "hosts.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(hosts, default=str)), schema)
    waiver = {"rule": "EXT-02", "host": "himawari-rtr1", "match": {"text": "192.168.20.50:3389"}, "reason": "保守",
              "approver": "院長", "expires": "2027-03-31", "allow_critical": True}  # fmt: skip
    waivers = json.loads((tmp_path / "waivers.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate([waiver], waivers)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**waiver, "approved_by": "院長"}], waivers)
