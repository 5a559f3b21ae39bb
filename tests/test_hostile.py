"""Hostile input: one clear error, nothing written or read where it should not be, nothing printed by a
library, no escape sequence or formula passed on."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.files import UnsafePath, read_bounded, within
from onshi.report.text import printable, spreadsheet_cell
from tests.helpers import SAMPLE_INVENTORY, fixture_path
from tests.test_generate import SAMPLE_SECRETS

runner = CliRunner()


def _inventory(tmp_path: Path) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, target)
    return target


def _add_host(inventory: Path, name: str) -> None:
    hosts = inventory / "hosts.yaml"
    hosts.write_text(hosts.read_text(encoding="utf-8") + f"\n{json.dumps(name)}:\n  platform: cisco_ios\n"
                     "  groups: [clinic_sakura]\n  data: {role: edge_router}\n", encoding="utf-8")  # fmt: skip


# --- item 3: a line opening with a brace; no library prints ----------------------------------------------


def test_a_line_opening_with_a_brace_prints_no_library_traceback(tmp_path: Path) -> None:
    text = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8")
    config = tmp_path / "brace.cfg"
    config.write_text("}\n" + text.replace("hostname", "} hostname", 0), encoding="utf-8")
    result = runner.invoke(app, ["audit-file", str(config), "--platform", "cisco_ios", "-f", "json"])
    assert result.exit_code in (0, 1)
    document = json.loads(result.stdout)  # stdout is the JSON report and nothing else
    assert "Traceback" not in result.output
    assert document["devices"][0]["parse"]["unrecognized_lines"][0] == {"line": 1, "text": "}", "aspects": []}


# --- item 4: verify on a duplicated section ----------------------------------------------------------------


def test_verify_reports_a_repeated_section_for_that_host_and_verifies_the_others(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    snapshot = inventory / "configs" / "sakura-rtr1.cfg"
    lines = snapshot.read_bytes().decode("cp932").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("username "))
    lines.insert(start, lines[start])  # a user line twice, password and all
    snapshot.write_bytes(("\n".join(lines) + "\n").encode("cp932"))
    result = runner.invoke(app, ["verify", "--inventory", str(inventory)], env={**SAMPLE_SECRETS, "COLUMNS": "200"})
    assert result.exit_code == 2
    assert f"sakura-rtr1: not verified: no remediation: the running config repeats line {start + 2}" in result.output
    assert "aoba-rtr1: drift" in result.output or "aoba-rtr1: in sync" in result.output
    assert "Traceback" not in result.output
    assert lines[start].split()[-1] not in result.output  # the repeated line's secret


# --- item 5: host names that are paths ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../ESCAPED", "/tmp/abs", ".hidden", "a/b", "x" * 300, "bad\x1bname"])
def test_a_host_name_that_is_no_safe_file_name_is_refused_at_load(tmp_path: Path, name: str) -> None:
    inventory = _inventory(tmp_path)
    _add_host(inventory, name)
    for command in (["audit"], ["generate", "--out", str(tmp_path / "g")], ["verify"], ["ledger"]):
        result = runner.invoke(app, [*command, "--inventory", str(inventory)], env=SAMPLE_SECRETS)
        assert result.exit_code == 2, (command, result.output)
        assert "not a safe host name" in result.output
        assert "\x1b" not in result.output
    assert not (tmp_path / "ESCAPED.cfg").exists()
    assert not list(tmp_path.glob("**/ESCAPED*"))


def test_paths_stay_in_their_folder(tmp_path: Path) -> None:
    assert within(tmp_path, "r1", ".cfg") == tmp_path / "r1.cfg"
    (tmp_path / "link").symlink_to("/etc")
    for name in ("../x", "link/../../x", ".x"):
        with pytest.raises(UnsafePath):
            within(tmp_path, name, ".cfg")


# --- item 6: terminal and spreadsheet injection ------------------------------------------------------------


def test_escape_sequences_and_formulas_are_neutralised() -> None:
    assert printable("Gi0/1\x1b[2J\x07 ok\tx\n") == "Gi0/1\\x1b[2J\\x07 ok\tx\n"
    assert printable("\x9b31m") == "\\x9b31m"
    for formula in ('=HYPERLINK("http://x")', "@SUM(A1)", "+1", "-2+3"):
        assert spreadsheet_cell(formula) == "'" + formula
    assert spreadsheet_cell("C891FJ-K9") == "C891FJ-K9"


def test_device_text_reaches_the_terminal_escaped_and_markup_is_not_interpreted(tmp_path: Path) -> None:
    text = fixture_path("cisco_ios", "ap_open_wep.cfg").read_text(encoding="utf-8")
    hostile = text.replace("dot11 ssid OPEN-LOBBY", "dot11 ssid OPEN\x1b[2J[/bold]LOBBY", 1)
    config = tmp_path / "x[bold]y.cfg"
    config.write_text(hostile, encoding="utf-8")
    result = runner.invoke(app, ["audit-file", str(config), "--platform", "cisco_ios", "--lang", "en"],
                           env={"COLUMNS": "250"})  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output
    assert "OPEN\\x1b[2J[/bold]LOBBY" in result.output  # the SSID as written, escape shown, no markup
    assert "x[bold]y" in result.output  # the host name shown as written, not taken as markup


def test_inventory_and_device_values_in_the_ledger_cannot_be_formulas(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    hosts = inventory / "hosts.yaml"
    hosts.write_text(hosts.read_text(encoding="utf-8").replace("location: 1F 事務室 ラック",
                                                                 'location: "=HYPERLINK(\\"http://x\\")"'),
                     encoding="utf-8")  # fmt: skip
    output = tmp_path / "ledger.csv"
    result = runner.invoke(app, ["ledger", "--inventory", str(inventory), "-o", str(output)])
    assert result.exit_code == 0, result.output
    ledger = output.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in ledger
    assert ",=HYPERLINK" not in ledger


# --- item 7: snapshots that are not regular files ----------------------------------------------------------


def test_a_fifo_snapshot_is_refused_without_blocking(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    fifo = inventory / "configs" / "sakura-rtr1.cfg"
    fifo.unlink()
    os.mkfifo(fifo)
    finished = threading.Event()
    outcome: list[object] = []

    def run() -> None:
        outcome.append(runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", "json"]))
        finished.set()

    threading.Thread(target=run, daemon=True).start()
    assert finished.wait(60), "the audit blocked on a FIFO"
    result = outcome[0]
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "not a regular file" in result.output  # type: ignore[attr-defined]


def test_a_device_file_is_not_read_and_a_huge_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_bounded(Path("/dev/zero"))
    big = tmp_path / "big.cfg"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(UnsafePath, match="larger than"):
        read_bounded(big, limit=1024)
    result = runner.invoke(app, ["audit-file", "/dev/zero", "--platform", "cisco_ios"])
    assert result.exit_code == 2
    assert "not a regular file" in result.output


# --- item 8 (part): a YAML bomb --------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    bomb = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    bomb += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    (inventory / "defaults.yaml").write_text("\n".join(bomb) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--inventory", str(inventory)])
    assert result.exit_code == 2
    assert "YAML aliases (*name) are not accepted" in result.output


# --- item 12: exit 2, not a traceback ----------------------------------------------------------------------


def test_a_malformed_snapshot_metadata_file_is_that_hosts_error(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    (inventory / "configs" / "sakura-rtr1.json").write_text('{"facts": ["x"], "collected_at": 5}', encoding="utf-8")
    (inventory / "configs" / "aoba-rtr1.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["verify", "--inventory", str(inventory)], env={**SAMPLE_SECRETS, "COLUMNS": "200"})
    assert result.exit_code == 2
    assert "aoba-rtr1.json: unreadable snapshot metadata" in result.output
    assert "sakura-rtr1: drift" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("document", ['{"findings": [{"message": "x", "status": "fail"}, 3, null]}', "[1, 2]", "{}"])
def test_compare_with_odd_json_is_a_clear_error_or_reads_only_well_formed_findings(
    tmp_path: Path, document: str
) -> None:
    previous = tmp_path / "previous.json"
    previous.write_text(document, encoding="utf-8")
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--compare", str(previous), "-f",
                                 "json"])  # fmt: skip
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "not an onshi JSON report" in result.output
