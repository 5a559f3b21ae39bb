"""Selection on every command: --facility, --hosts and --where, applied before anything is read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from onshi.cli import app
from tests.helpers import SAMPLE_DEVICES, SAMPLE_INVENTORY

runner = CliRunner()


def _facility_text(group: str, body: dict[str, Any]) -> set[str]:
    """A facility's name, code, hosts and VPN peers, as the inventory states them."""
    facility = body["data"]["facility"]
    found = {group, facility["name"], facility["code"]}
    found |= {str(peer) for vpn in facility.get("vpns", []) for peer in vpn.get("peers", [])}
    return found | {host for host, owner in SAMPLE_DEVICES.items() if owner == group}


def _other_facilities_text(keep: str) -> list[str]:
    """What names every facility but ``keep`` and not ``keep`` itself (two clinics may share a peer)."""
    groups = yaml.safe_load((SAMPLE_INVENTORY / "groups.yaml").read_text(encoding="utf-8"))
    own = _facility_text(keep, groups[keep])
    others = set().union(*(_facility_text(group, body) for group, body in groups.items() if group != keep))
    return sorted(others - own)


def test_one_facility_report_holds_nothing_of_another(tmp_path: Path) -> None:
    target = tmp_path / "sakura.html"
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--facility", "clinic_sakura",
                                 "-f", "html", "-o", str(target)])  # fmt: skip
    assert result.exit_code == 1, result.output  # sakura has failing findings
    html = target.read_text(encoding="utf-8")
    assert "sakura-rtr1" in html
    leaked = [text for text in _other_facilities_text("clinic_sakura") if re.search(re.escape(text), html)]
    assert leaked == []


def test_where_and_hosts_narrow_the_hosts() -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--where", "role=firewall",
                                 "-f", "json"])  # fmt: skip
    document = json.loads(result.output)
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
    document = json.loads(result.output)
    [vpn] = [f for f in document["findings"] if f["rule"] == "VPN-01"]
    assert vpn["status"] == "manual"
    assert "tsubaki-vpn-claims, tsubaki-vpn-vendor is not in this audit" in vpn["message"]["en"]
