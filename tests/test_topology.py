"""The facility's topology in the inventory: segment VLANs, links and access points, validated with
errors naming the file, group and field; an access point's SSIDs checked against the segment VLANs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from onshi.inventory import InventoryError, load_inventory
from onshi.model import Status
from onshi.pipeline import DeviceJob, audit
from onshi.policy import json_schema
from onshi.sources import ConfigText
from tests.helpers import SAMPLE_INVENTORY, evidence_lines

AP = (SAMPLE_INVENTORY / "configs" / "sakura-ap1.cfg").read_bytes().decode("cp932")


def _sakura(tmp_path: Path, change: Any = None) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, target)
    if change is not None:
        groups = yaml.safe_load((target / "groups.yaml").read_text(encoding="utf-8"))
        change(groups["clinic_sakura"]["data"]["facility"])
        (target / "groups.yaml").write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    return target


def _wlan04(ap_config: str) -> list[tuple[Status, str]]:
    entry = load_inventory(SAMPLE_INVENTORY).host("sakura-ap1")
    job = DeviceJob("sakura-ap1", "cisco_ios", ConfigText(ap_config, "sakura-ap1.cfg", "utf-8"),
                    facility=entry.facility, policy=entry.policy, host_data=entry.data)  # fmt: skip
    return [(f.status, f.message.en) for f in audit([job]).findings if f.rule == "WLAN-04"]


def test_a_guest_ssid_bridged_onto_the_emr_vlan_fails_wlan_04() -> None:
    bridged = AP.replace("   vlan 100", "   vlan 20").replace("encryption vlan 100", "encryption vlan 20")
    assert bridged != AP
    verdicts = _wlan04(bridged)
    assert (Status.FAIL, "SSID SAKURA-GUEST belongs to segment guest_wifi but is bridged onto VLAN 20, the VLAN of "
            "segment emr: its users join emr.") in verdicts  # fmt: skip
    assert (Status.PASS, "SSID SAKURA-STAFF is bridged onto VLAN 40, its segment staff_wifi's VLAN.") in verdicts


def test_the_sample_access_point_bridges_each_ssid_onto_its_segments_vlan() -> None:
    assert _wlan04(AP) == [
        (Status.PASS, "SSID SAKURA-GUEST is bridged onto VLAN 100, its segment guest_wifi's VLAN."),
        (Status.PASS, "SSID SAKURA-STAFF is bridged onto VLAN 40, its segment staff_wifi's VLAN."),
    ]


def _links(facility: dict[str, Any], links: list[dict[str, Any]], aps: list[dict[str, Any]] | None = None) -> None:
    facility["topology"] = {"links": links, "access_points": aps or []}


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda f: _links(f, [{"device": "sakura-rtr1", "interface": "Vlan20", "segment": "xray"}]),
     "data.facility", "topology.links[0].segment: unknown segment 'xray'"),
    (lambda f: _links(f, [{"device": "aoba-rtr1", "interface": "Gi0", "segment": "emr"}]),
     "data.facility.topology.links[0].device", "'aoba-rtr1' is not a host of this facility"),
    (lambda f: _links(f, [{"device": "sakura-rtr1", "interface": "Gi0", "segment": "emr",
                           "peer": {"device": "sakura-ap1", "interface": "Gi0"}}]),
     "data.facility.topology.links.0", "a link names exactly one of segment or peer"),
    (lambda f: _links(f, [], [{"device": "aoba-rtr1", "uplink": "Gi0", "ssids": {"SAKURA-GUEST": 100}}]),
     "data.facility.topology.access_points[0].device", "'aoba-rtr1' is not a host of this facility"),
    (lambda f: _links(f, [], [{"device": "ceiling-ap", "uplink": "Gi0", "ssids": {"SAKURA-GUEST": 100}}]),
     "data.facility.topology.access_points[0].uplink", "access point 'ceiling-ap' is no host, so its "
     "configuration is not read: add a link from the device its uplink plugs into, with peer "
     "{device: ceiling-ap, interface: Gi0}"),
    (lambda f: f["segments"][1].update(vlan=100),
     "data.facility", "VLAN 100 is given to more than one segment"),
])  # fmt: skip
def test_a_wrong_topology_is_an_error_naming_file_group_and_field(
    tmp_path: Path, change: Any, field: str, message: str
) -> None:
    with pytest.raises(InventoryError) as raised:
        load_inventory(_sakura(tmp_path, change))
    problems = [str(problem) for problem in raised.value.problems]
    assert any("groups.yaml: group clinic_sakura, field " + field in p and message in p for p in problems), problems


def test_a_valid_topology_loads_and_the_schema_describes_it(tmp_path: Path) -> None:
    links: list[dict[str, Any]] = [{"device": "sakura-rtr1", "interface": "Vlan20", "segment": "emr"},
             {"device": "sakura-rtr1", "interface": "FastEthernet3", "peer": {"device": "sakura-ap1",
                                                                              "interface": "GigabitEthernet0"}}]  # fmt: skip
    aps = [{"device": "sakura-ap1", "uplink": "GigabitEthernet0", "ssids": {"SAKURA-GUEST": 100, "SAKURA-STAFF": 40}}]
    inventory = load_inventory(_sakura(tmp_path, lambda f: _links(f, links, aps)))
    policy = inventory.host("sakura-rtr1").policy
    assert policy is not None
    assert [link.segment or (link.peer.device if link.peer else "") for link in policy.topology.links] == [
        "emr", "sakura-ap1"
    ]  # fmt: skip
    schema = json_schema()["$defs"]["FacilityPolicy"]
    assert "topology" in schema["properties"]
    assert {"Topology", "Link", "AccessPointLink"} <= set(schema["$defs"])


def test_evidence_of_the_vlan_check_is_the_ssid_block() -> None:
    bridged = AP.replace("   vlan 100", "   vlan 20")
    entry = load_inventory(SAMPLE_INVENTORY).host("sakura-ap1")
    job = DeviceJob("sakura-ap1", "cisco_ios", ConfigText(bridged, "a.cfg", "utf-8"), facility=entry.facility,
                    policy=entry.policy, host_data=entry.data)  # fmt: skip
    failing = [f for f in audit([job]).findings if f.rule == "WLAN-04" and f.status is Status.FAIL]
    assert len(failing) == 1
    assert bridged.splitlines().index("dot11 ssid SAKURA-GUEST") + 1 in evidence_lines(failing[0])


def test_without_segment_vlans_an_access_points_mapping_is_manual_not_pass() -> None:
    """Nothing on a standalone access point shows which segment its SSID's VLAN is: without the
    policy's segment VLANs, WLAN-04 cannot pass (it used to, 'its VLAN has no address here')."""
    entry = load_inventory(SAMPLE_INVENTORY).host("sakura-ap1")
    assert entry.policy is not None
    undeclared = entry.policy.model_copy(update={"segments": [s.model_copy(update={"vlan": None})
                                                              for s in entry.policy.segments]})  # fmt: skip
    job = DeviceJob("sakura-ap1", "cisco_ios", ConfigText(AP, "sakura-ap1.cfg", "utf-8"), facility=entry.facility,
                    policy=undeclared, host_data=entry.data)  # fmt: skip
    verdicts = [(f.status, f.message.en) for f in audit([job]).findings if f.rule == "WLAN-04"]
    assert [status for status, _ in verdicts] == [Status.MANUAL, Status.MANUAL]
    assert "declare the segments' vlan ids" in verdicts[0][1]
