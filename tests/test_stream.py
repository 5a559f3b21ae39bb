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
from typer.testing import CliRunner

from onshi.cli import app
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
