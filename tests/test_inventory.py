"""A broken inventory gets one clear error per problem, naming file, host/group and field; exit 2."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from onshi import inventory as inventory_module
from onshi.cli import app
from onshi.inventory import InventoryError, load_inventory, load_inventory_apart
from onshi.policy import Flow
from tests.helpers import SAMPLE_INVENTORY

runner = CliRunner()


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, target)
    return target


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _errors(inventory: Path) -> str:
    result = runner.invoke(app, ["audit", "--inventory", str(inventory)])
    assert result.exit_code == 2, result.output
    return result.output


def test_bad_prefix_names_group_and_field(inventory: Path) -> None:
    _edit(inventory / "groups.yaml", lambda d: d["clinic_sakura"]["data"]["facility"]["segments"][0].update(
        ipv4=["192.168.10.0/33"]))  # fmt: skip
    output = _errors(inventory)
    assert "groups.yaml" in output
    assert "group clinic_sakura" in output
    assert "data.facility.segments.0.ipv4.0" in output


def test_unknown_segment_in_a_flow(inventory: Path) -> None:
    _edit(inventory / "groups.yaml", lambda d: d["pharmacy_aoba"]["data"]["facility"]["flows"].append(
        {"from": "office", "to": "pharmacy_wifi"}))  # fmt: skip
    output = _errors(inventory)
    assert "group pharmacy_aoba" in output
    assert "flows[4].to: unknown zone 'pharmacy_wifi'" in output


def test_host_without_platform(inventory: Path) -> None:
    _edit(inventory / "hosts.yaml", lambda d: d["aoba-rtr1"].pop("platform"))
    output = _errors(inventory)
    assert "hosts.yaml" in output
    assert "host aoba-rtr1" in output
    assert "field platform: missing" in output


def test_unknown_platform_lists_the_supported_ones(inventory: Path) -> None:
    _edit(inventory / "hosts.yaml", lambda d: d["aoba-rtr1"].update(platform="cisco_nxos"))
    output = _errors(inventory)
    assert "unknown platform 'cisco_nxos'" in output
    assert "cisco_ios" in output


def test_every_problem_is_reported_at_once(inventory: Path) -> None:
    _edit(
        inventory / "hosts.yaml",
        lambda d: (d["aoba-rtr1"].pop("platform"), d["sakura-ap1"]["data"].pop("role")),
    )
    with pytest.raises(InventoryError) as raised:
        load_inventory(inventory)
    where = sorted(problem.where for problem in raised.value.problems)
    assert where == ["host aoba-rtr1", "host sakura-ap1"]


def test_invalid_yaml_names_the_line(inventory: Path) -> None:
    (inventory / "groups.yaml").write_text("clinic:\n  data: [unclosed\n", encoding="utf-8")
    assert "groups.yaml" in _errors(inventory)


def test_host_in_no_facility(inventory: Path) -> None:
    _edit(inventory / "hosts.yaml", lambda d: d["aoba-rtr1"].update(groups=[]))
    assert "belongs to no facility" in _errors(inventory)


def test_declared_internet_interface_must_exist(inventory: Path) -> None:
    _edit(inventory / "hosts.yaml", lambda d: d["aoba-rtr1"]["data"].update(internet_interfaces=["Dialer9"]))
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", "json"])
    assert result.exit_code == 2
    assert "internet_interfaces names 'Dialer9'" in result.output
    assert '"host": "sakura-rtr1"' in result.output  # the other hosts are still audited


def test_ports_on_a_flow_without_a_transport_are_refused() -> None:
    with pytest.raises(ValidationError, match="need protocol tcp or udp"):
        Flow.model_validate({"from": "office", "to": "internet", "protocol": "ip", "ports": [22]})


def test_a_vpn_interface_names_a_vpn_of_the_hosts_facility(inventory: Path) -> None:
    _edit(inventory / "hosts.yaml", lambda d: d["kaede-rtr1"]["data"].update(vpn_interfaces={"GigabitEthernet8": "x"}))
    assert "host kaede-rtr1, field data.vpn_interfaces.GigabitEthernet8: 'x' is not a VPN of facility clinic_kaede" in (
        _errors(inventory)
    )


def test_an_interface_is_internet_or_vpn_not_both(inventory: Path) -> None:
    _edit(inventory / "hosts.yaml", lambda d: d["kaede-rtr1"]["data"].update(internet_interfaces=["GigabitEthernet8"]))
    assert "listed both as internet and as VPN interfaces" in _errors(inventory)


def test_a_misspelt_host_data_key_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    target = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, target)
    hosts = target / "hosts.yaml"
    text = hosts.read_text(encoding="utf-8")
    assert "    vpn_interfaces: {GigabitEthernet8: claims}" in text
    hosts.write_text(text.replace("    vpn_interfaces: {GigabitEthernet8: claims}",
                                  "    vpn_interface: {GigabitEthernet8: claims}"), encoding="utf-8")  # fmt: skip
    with pytest.raises(InventoryError) as raised:
        load_inventory(target)
    messages = [str(problem) for problem in raised.value.problems]
    assert any(
        message.endswith("field data.vpn_interface: unknown key 'vpn_interface' (did you mean 'vpn_interfaces'?)")
        and "hosts.yaml: host kaede-rtr1" in message
        for message in messages
    ), messages


def test_an_inventory_loaded_apart_is_the_inventory_loaded_here() -> None:
    """The streamed fleet audit reads its inventory in a child process: the same inventory comes back."""
    assert load_inventory_apart(SAMPLE_INVENTORY) == load_inventory(SAMPLE_INVENTORY)


def test_an_inventory_loaded_apart_brings_back_every_problem(inventory: Path) -> None:
    _edit(inventory / "groups.yaml", lambda data: data["pharmacy_aoba"]["data"]["facility"].update(bogus=1))
    with pytest.raises(InventoryError) as here:
        load_inventory(inventory)
    with pytest.raises(InventoryError) as apart:
        load_inventory_apart(inventory)
    assert apart.value.problems == here.value.problems
    assert "bogus" in str(apart.value)


def test_a_loader_that_fails_or_dies_is_an_inventory_error_that_quotes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def defect(directory: Path) -> None:
        raise RuntimeError("community s3cret-from-the-file")

    monkeypatch.setattr(inventory_module, "load_inventory", defect)  # the loader is forked: it runs this
    with pytest.raises(InventoryError) as failed:
        load_inventory_apart(SAMPLE_INVENTORY)
    assert "RuntimeError" in str(failed.value)
    assert "s3cret" not in str(failed.value)

    monkeypatch.setattr(inventory_module, "load_inventory", lambda directory: os._exit(3))
    with pytest.raises(InventoryError, match="ended with code 3"):
        load_inventory_apart(SAMPLE_INVENTORY)
