"""audit-file --format jsonl: the fleet audit that streams. Each file's results are written as JSON
lines when it is judged; the records are the JSON report's, whatever the order and the number of
worker processes; a secret reused across files is still found (the comparing rules run last, over
what each worker handed back); nothing but counts stays in memory (see benchmarks/bench_fleet_audit)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from onshi.cli import app
from onshi.inventory import load_inventory
from onshi.sources import ConfigText, SnapshotSource
from onshi.tasks.audit import inventory_groups
from tests.helpers import FIXTURES, SAMPLE_INVENTORY

runner = CliRunner()


def _files(tmp_path: Path) -> list[str]:
    """Three copies of one config (each secret reused on two other files), the sample's routers of
    three platforms, and a file that is not a configuration (an error row)."""
    files = []
    for copy in range(3):
        target = tmp_path / f"edge_{copy}.cfg"
        shutil.copyfile(FIXTURES / "cisco_ios" / "edge_violations.cfg", target)
        files.append(str(target))
    for host in ("sakura-rtr1", "himawari-rtr1", "momiji-fw1", "ayame-rtr1"):
        files.append(str(SAMPLE_INVENTORY / "configs" / f"{host}.cfg"))
    (tmp_path / "notes.cfg").write_text("these are meeting notes, not a configuration\n", encoding="utf-8")
    return [*files, str(tmp_path / "notes.cfg")]


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _canonical(items: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps({k: v for k, v in item.items() if k != "type"}, sort_keys=True) for item in items)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_lines_hold_what_the_json_report_holds(tmp_path: Path, jobs: str) -> None:
    files = _files(tmp_path)
    whole = runner.invoke(app, ["audit-file", *files, "-f", "json", "-o", str(tmp_path / "r.json")])
    streamed = runner.invoke(
        app, ["audit-file", *files, "-f", "jsonl", "-o", str(tmp_path / "r.jsonl"), "--jobs", jobs]
    )
    assert streamed.exit_code == whole.exit_code == 2  # the notes file is an error row; the others are audited
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    records = _records(tmp_path / "r.jsonl")
    assert _canonical([r for r in records if r["type"] == "device"]) == _canonical(document["devices"])
    assert _canonical([r for r in records if r["type"] == "finding"]) == _canonical(document["findings"])
    summary = records[-1]
    assert summary["type"] == "summary"
    assert {k: summary[k] for k in ("devices", "device_errors", "findings", "by_status", "fail_by_severity")} == {
        k: document["summary"][k] for k in ("devices", "device_errors", "findings", "by_status", "fail_by_severity")
    }
    reused = [r for r in records if r["type"] == "finding" and r["rule"] == "AUTH-05" and r["status"] == "fail"]
    assert reused
    assert {r["host"] for r in reused} == {"edge_0", "edge_1", "edge_2"}


def test_the_exit_code_is_the_reports(tmp_path: Path) -> None:
    clean = str(FIXTURES / "cisco_ios" / "edge_compliant.cfg")
    for fail_on in ("critical", "low"):
        whole = runner.invoke(app, ["audit-file", clean, "-f", "json", "--fail-on", fail_on])
        streamed = runner.invoke(app, ["audit-file", clean, "-f", "jsonl", "--fail-on", fail_on])
        assert streamed.exit_code == whole.exit_code
        assert streamed.output.strip().splitlines()[-1].startswith('{"type": "summary"')


def test_a_folder_as_the_output_is_one_line_naming_it(tmp_path: Path) -> None:
    """As the command runs (its entry point turns a path problem into one line, exit 2)."""
    clean = str(FIXTURES / "cisco_ios" / "edge_compliant.cfg")
    command = [sys.executable, "-m", "onshi", "audit-file", clean, "-f", "jsonl", "-o", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path}: is a folder, not a file"
    assert result.stdout == ""


# --- audit over an inventory: the same stream, facility by facility ---------------------------------------

_RDP_WAIVER = {"rule": "EXT-02", "host": "himawari-rtr1", "match": {"text": "192.168.20.50:3389"},
               "reason": "保守ベンダーのリモート保守", "approver": "院長 田中", "expires": "2099-03-31",
               "allow_critical": True}  # fmt: skip


def _waived_inventory(tmp_path: Path) -> Path:
    """The sample with a waiver that covers a fail and one that covers nothing."""
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    unused = {**_RDP_WAIVER, "match": {"text": "192.168.20.99:3389"}}
    (inventory / "waivers.yaml").write_text(yaml.safe_dump([_RDP_WAIVER, unused], allow_unicode=True), encoding="utf-8")
    return inventory


def _warnings(output: str) -> set[str]:
    return {line for line in output.splitlines() if line.startswith("warning:")}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_inventory_audit_streams_what_the_json_report_holds(tmp_path: Path, jobs: str) -> None:
    """`audit -f jsonl` writes each facility's records as it is judged: the JSON report's records, the
    waivers applied (and what is said of them) as in a whole run, the same exit code."""
    inventory = _waived_inventory(tmp_path)
    common = ["audit", "--inventory", str(inventory), "--store", "none", "--jobs", jobs]
    whole = runner.invoke(app, [*common, "-f", "json", "-o", str(tmp_path / "r.json")])
    streamed = runner.invoke(app, [*common, "-f", "jsonl", "-o", str(tmp_path / "r.jsonl")])
    assert streamed.exit_code == whole.exit_code == 1, streamed.output
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    records = _records(tmp_path / "r.jsonl")
    assert _canonical([r for r in records if r["type"] == "device"]) == _canonical(document["devices"])
    assert _canonical([r for r in records if r["type"] == "finding"]) == _canonical(document["findings"])
    assert records[-1]["type"] == "summary"
    assert records[-1]["by_status"] == document["summary"]["by_status"]
    waived = [r for r in records if r["type"] == "finding" and r["status"] == "waived"]
    assert [(r["host"], r["rule"]) for r in waived] == [("himawari-rtr1", "EXT-02")]
    said = _warnings(streamed.output)
    assert said == _warnings(whole.output)
    assert any("waivers.yaml[1]" in line and "covers no failing finding" in line for line in said)


def test_an_inventory_stream_keeps_only_what_is_in_flight(tmp_path: Path) -> None:
    """The groups are read as the stream asks for them: a host's text is not read before its
    facility's turn (what keeps a fleet's memory flat)."""
    inventory = load_inventory(SAMPLE_INVENTORY)
    read: list[str] = []

    class Counting(SnapshotSource):
        def fetch(self, host: str) -> ConfigText:
            read.append(host)
            return super().fetch(host)

    groups = inventory_groups(inventory, Counting(SAMPLE_INVENTORY / "configs"))
    first = next(groups)
    assert read == [job.host for job in first]
    assert {job.facility for job in first} == {first[0].facility}
    rest = [job.host for group in groups for job in group]
    assert sorted([*read[: len(first)], *rest]) == sorted(entry.name for entry in inventory.hosts)


def test_compare_with_json_lines_says_it_is_not_shown(tmp_path: Path) -> None:
    """A comparison marks findings in a whole report; JSON lines never carried it (the stream writes
    records as they come): the command says so rather than dropping it in silence."""
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--store", "none", "-f", "jsonl",
                                 "--compare", "last", "-o", str(tmp_path / "r.jsonl")])  # fmt: skip
    assert result.exit_code == 1
    assert "warning: --compare is not shown in JSON lines" in result.output
    assert _records(tmp_path / "r.jsonl")[-1]["type"] == "summary"


def test_a_broken_inventory_streamed_with_workers_is_one_error_and_no_output(tmp_path: Path) -> None:
    """The workers start before the inventory is read (so that they hold no copy of it): an inventory
    that does not load still ends as an input error naming its file, the workers stopped, nothing written."""
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "hosts.yaml").write_text("sakura-rtr1: [1\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "--store", "none", "-f", "jsonl",
                                 "--jobs", "2", "-o", str(tmp_path / "r.jsonl")])  # fmt: skip
    assert result.exit_code == 2
    assert f"{inventory / 'hosts.yaml'}: line 2: invalid YAML" in result.output
    assert not (tmp_path / "r.jsonl").exists()
