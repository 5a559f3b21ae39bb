"""Selection on every command: --facility, --hosts and --where, applied before anything is read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from tests.helpers import SAMPLE_INVENTORY, other_facilities_text

runner = CliRunner()


def test_one_facility_report_holds_nothing_of_another(tmp_path: Path) -> None:
    target = tmp_path / "sakura.html"
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--facility", "clinic_sakura",
                                 "-f", "html", "-o", str(target)])  # fmt: skip
    assert result.exit_code == 1, result.output  # sakura has failing findings
    html = target.read_text(encoding="utf-8")
    assert "sakura-rtr1" in html
    leaked = [text for text in other_facilities_text("clinic_sakura") if re.search(re.escape(text), html)]
    assert leaked == []


def test_where_and_hosts_narrow_the_hosts() -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--where", "role=firewall",
                                 "-f", "json"])  # fmt: skip
    document = json.loads(result.stdout)
    assert {d["host"] for d in document["devices"]} == {"momiji-fw1", "kiri-fw1"}
    result = runner.invoke(app, ["ledger", "--inventory", str(SAMPLE_INVENTORY), "--hosts", "aoba-rtr1, kaede-ap1",
                                 "--where", "location=*天井"])  # fmt: skip
    rows = [line.split(",")[0] for line in result.output.lstrip("\ufeff").splitlines()[1:]]
    assert rows == ["kaede-ap1"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            ["--facility", "clinic_sakra"],
            "--facility: no facility 'clinic_sakra' in the inventory (did you mean 'clinic_sakura'?)",
        ),
        (["--hosts", "aoba-rtr2"], "--hosts: no host 'aoba-rtr2' in the inventory (did you mean 'aoba-rtr1'?)"),
        (["--where", "colour=red"], "--where 'colour=red': expected key=value with a key among connection"),
        (["--where", "platform=juniper"], "the selection matches no host of the inventory"),
    ],
)
def test_a_selection_of_nothing_known_is_an_input_error(arguments: list[str], expected: str) -> None:
    for command in ("audit", "checklist", "generate", "verify", "collect"):
        result = runner.invoke(app, [command, "--inventory", str(SAMPLE_INVENTORY), *arguments])
        assert result.exit_code == 2, (command, result.output)
        assert expected in result.output, (command, result.output)


def test_one_device_of_a_facility_judged_as_one_network_leaves_the_facility_unconfirmed() -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--hosts", "tsubaki-rtr1",
                                 "-f", "json"])  # fmt: skip
    document = json.loads(result.stdout)
    [vpn] = [f for f in document["findings"] if f["rule"] == "VPN-01"]
    assert vpn["status"] == "manual"
    assert "tsubaki-vpn-claims, tsubaki-vpn-vendor is not in this audit" in vpn["message"]["en"]
