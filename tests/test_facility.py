"""The facility as one network: the sample's multi-device layouts, judged through every device.

clinic_tsubaki: the claims provider's VPN router and a maintenance vendor's VPN router beside the
clinic's internet router on one LAN. clinic_kiri: a FortiGate behind the carrier's RTX doing PPPoE,
the RTX forwarding RDP to the FortiGate and the FortiGate's VIP on to an office PC. Each is
compared with the single-device view (the same configs without the topology), which is wrong both
ways, and with its corrected version (one config changed), which passes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from onshi.inventory import load_inventory
from onshi.model import Finding, Status
from onshi.pipeline import AuditReport
from onshi.report.html import to_html
from onshi.report.json_report import to_json
from onshi.sources import SnapshotSource
from onshi.tasks.audit import audit_inventory
from tests.helpers import FIXTURES, SAMPLE_INVENTORY, findings

FACILITY_RULES = ("SEG-01", "SEG-02", "SEG-03", "SEG-05", "VPN-01", "EXT-01")


def _audit(folder: Path) -> AuditReport:
    return audit_inventory(load_inventory(folder), SnapshotSource(folder / "configs"))


def _sample_copy(tmp_path: Path, *, fixed: str | None = None, without_topology: str | None = None) -> Path:
    """The sample inventory, with one config replaced by its corrected fixture, or a facility's
    topology removed (each device judged alone)."""
    folder = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, folder)
    if fixed is not None:
        shutil.copy(FIXTURES / "yamaha_rtx" / "facility" / f"{fixed}-fixed.cfg", folder / "configs" / f"{fixed}.cfg")
    if without_topology is not None:
        groups = yaml.safe_load((folder / "groups.yaml").read_text(encoding="utf-8"))
        del groups[without_topology]["data"]["facility"]["topology"]
        (folder / "groups.yaml").write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    return folder


def _failing(report: AuditReport, rule: str, prefix: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule and f.host.startswith(prefix) and f.status is Status.FAIL]


def test_the_vendor_vpn_reaches_the_claims_network_through_three_devices(sample_report: AuditReport) -> None:
    [finding] = _failing(sample_report, "VPN-01", "tsubaki")
    assert finding.host == "tsubaki-rtr1"  # the facility's lead: the device that faces the internet
    assert finding.path == ("vendor", "claims")
    packet = finding.example_packet
    assert packet is not None
    assert packet.src.startswith("172.20.0.")
    assert packet.dst.startswith("10.100.")
    assert (packet.protocol, packet.dst_port) == ("tcp", 443)
    assert finding.route == (
        "tsubaki-vpn-vendor: tunnel1 → lan1",
        "tsubaki-rtr1: lan1 → lan1",
        "tsubaki-vpn-claims: GigabitEthernet0/0/0 → Tunnel1",
    )
    assert "tsubaki-vpn-vendor: tunnel1 → lan1 ▸ tsubaki-rtr1" in finding.message.en
    cited = {(Path(e.file).name, e.text.strip()) for e in finding.evidence}
    assert ("tsubaki-rtr1.cfg", "ip filter 1010 pass * 10.100.0.0/16 * * *") in cited
    assert ("tsubaki-vpn-claims.cfg", "permit tcp any 10.100.0.0 0.0.255.255 eq 443") in cited
    assert ("tsubaki-vpn-claims.cfg", "ip route 10.100.0.0 255.255.0.0 Tunnel1") in cited
    assert any(name == "tsubaki-vpn-vendor.cfg" for name, _ in cited)


def test_the_other_devices_point_to_the_lead_for_the_facility_rules(sample_report: AuditReport) -> None:
    for host in ("tsubaki-vpn-claims", "tsubaki-vpn-vendor", "kiri-fw1"):
        for rule in FACILITY_RULES:
            [finding] = findings(sample_report, rule, host)
            assert finding.status is Status.NOT_APPLICABLE
            assert "Judged for the facility as one network" in finding.message.en


def test_alone_each_device_passes_vpn_01_and_the_leak_is_missed(tmp_path: Path) -> None:
    report = _audit(_sample_copy(tmp_path, without_topology="clinic_tsubaki"))
    for host in ("tsubaki-rtr1", "tsubaki-vpn-claims", "tsubaki-vpn-vendor"):
        assert [f.status for f in findings(report, "VPN-01", host)] == [Status.NOT_APPLICABLE]  # one VPN or none


def test_the_vendor_router_filtering_its_tunnel_closes_the_leak(tmp_path: Path) -> None:
    report = _audit(_sample_copy(tmp_path, fixed="tsubaki-vpn-vendor"))
    for rule in FACILITY_RULES:
        assert not _failing(report, rule, "tsubaki"), rule
    assert [f.status for f in findings(report, "VPN-01", "tsubaki-rtr1")] == [Status.PASS]


def test_rdp_from_the_internet_reaches_the_office_pc_through_both_port_forwards(sample_report: AuditReport) -> None:
    inbound = [f for f in _failing(sample_report, "EXT-01", "kiri") if f.path == ("internet", "office")]
    [finding] = inbound
    assert finding.host == "kiri-rtr1"
    assert finding.route == ("kiri-rtr1: pp1 → lan1", "kiri-fw1: wan → a")
    assert finding.example_packet is not None
    assert finding.example_packet.dst_port == 3389
    cited = {(Path(e.file).name, e.text.strip()) for e in finding.evidence}
    assert ("kiri-rtr1.cfg", "nat descriptor masquerade static 1000 1 192.168.0.2 tcp 3389") in cited or (
        "kiri-rtr1.cfg", "ip filter 200040 pass * 192.168.0.2 tcp * 3389") in cited  # fmt: skip
    assert any(name == "kiri-fw1.cfg" for name, _ in cited)


def test_without_the_front_port_forward_the_facility_passes_where_the_firewall_alone_fails(tmp_path: Path) -> None:
    fixed = _sample_copy(tmp_path / "fixed", fixed="kiri-rtr1")
    assert not _failing(_audit(fixed), "EXT-01", "kiri")
    # Alone, the FortiGate's VIP looks open to the internet: its WAN is taken as the internet.
    alone = _audit(_sample_copy(tmp_path / "alone", fixed="kiri-rtr1", without_topology="clinic_kiri"))
    assert _failing(alone, "EXT-01", "kiri-fw1")


def test_the_guest_ssid_bridged_onto_the_office_vlan_is_a_segmentation_failure_no_router_shows(
    sample_report: AuditReport,
) -> None:
    """clinic_kiri's waiting-room access point (a model onshi does not read, declared in the
    topology) bridges the guest SSID onto the office VLAN: the guests join the office at layer 2."""
    [seg] = _failing(sample_report, "SEG-02", "kiri")
    assert seg.host == "kiri-rtr1"  # the facility's lead: SEG-02 is judged once, for the facility
    assert "KIRI-GUEST onto VLAN 20, the VLAN of office, at kiri-fw1 a" in seg.message.en
    assert [(Path(e.file).name, e.text.strip()) for e in seg.evidence] == [("kiri-fw1.cfg", 'edit "a"')]
    [wlan] = _failing(sample_report, "WLAN-04", "kiri")
    assert wlan.host == "kiri-fw1"  # the device whose port the access point plugs into
    assert "SSID KIRI-GUEST of segment guest_wifi onto VLAN 20, the VLAN of segment office" in wlan.message.en
    # The access point bridges, so it is no member of the facility's routing (nor an unread one).
    for rule in FACILITY_RULES:
        judged = findings(sample_report, rule, "kiri-rtr1")
        assert Status.MANUAL not in {f.status for f in judged}, rule
        assert not any("kiri-ap1" in f.message.en for f in judged if f.rule != "SEG-02"), rule


def test_the_guest_ssid_on_its_own_vlan_passes(tmp_path: Path) -> None:
    folder = _sample_copy(tmp_path)
    groups = yaml.safe_load((folder / "groups.yaml").read_text(encoding="utf-8"))
    [ap] = groups["clinic_kiri"]["data"]["facility"]["topology"]["access_points"]
    ap["ssids"]["KIRI-GUEST"] = 100
    (folder / "groups.yaml").write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    report = _audit(folder)
    assert not _failing(report, "SEG-02", "kiri")
    assert not _failing(report, "WLAN-04", "kiri")
    assert {f.status for f in findings(report, "WLAN-04", "kiri-fw1")} == {Status.PASS}


def test_a_facility_device_that_cannot_be_read_leaves_the_facility_unconfirmed(tmp_path: Path) -> None:
    folder = _sample_copy(tmp_path, fixed="tsubaki-vpn-vendor")
    (folder / "configs" / "tsubaki-vpn-claims.cfg").unlink()
    report = _audit(folder)
    for rule in FACILITY_RULES:
        statuses = {f.status for f in findings(report, rule, "tsubaki-rtr1")}
        assert Status.PASS not in statuses, rule
    [vpn] = findings(report, "VPN-01", "tsubaki-rtr1")
    assert vpn.status is Status.MANUAL
    assert "tsubaki-vpn-claims" in vpn.message.en


def test_the_facility_matrix_replaces_its_devices_and_shows_each_violation_path(sample_report: AuditReport) -> None:
    document = json.loads(to_json(sample_report))
    by_host = {matrix["host"]: matrix for matrix in document["zone_matrices"]}
    assert "tsubaki-vpn-claims" not in by_host
    assert "kiri-fw1" not in by_host
    tsubaki = by_host["tsubaki-rtr1"]
    assert tsubaki["members"] == ["tsubaki-rtr1", "tsubaki-vpn-claims", "tsubaki-vpn-vendor"]
    cell = tsubaki["cells"]["vendor"]["claims"]
    assert (cell["state"], cell["rules"]) == ("violating", ["VPN-01"])
    assert cell["route"] == "tsubaki-vpn-vendor ▸ tsubaki-rtr1 ▸ tsubaki-vpn-claims"
    assert by_host["kiri-rtr1"]["cells"]["internet"]["office"]["route"] == "kiri-rtr1 ▸ kiri-fw1"
    [vpn] = [f for f in document["findings"] if f["rule"] == "VPN-01" and f["host"] == "tsubaki-rtr1"]
    assert vpn["route"][0] == "tsubaki-vpn-vendor: tunnel1 → lan1"
    html = to_html(sample_report, "en")
    assert "the facility as one network: tsubaki-rtr1, tsubaki-vpn-claims, tsubaki-vpn-vendor" in html
    assert "tsubaki-vpn-vendor ▸ tsubaki-rtr1 ▸ tsubaki-vpn-claims" in html


def test_a_device_audited_without_its_cabled_peer_is_unconfirmed_not_an_error(tmp_path: Path) -> None:
    folder = _sample_copy(tmp_path)
    (folder / "configs" / "kiri-rtr1.cfg").unlink()
    report = _audit(folder)
    # The access point's bridge of the guest SSID onto the office VLAN is no device's forwarding:
    # it fails SEG-02 whatever was read.
    [bridged] = findings(report, "SEG-02", "kiri-fw1")
    assert (bridged.status, "at layer 2" in bridged.message.en) == (Status.FAIL, True)
    for rule in set(FACILITY_RULES) - {"SEG-02"}:
        [finding] = findings(report, rule, "kiri-fw1")  # the lead now: the only device of the facility read
        assert finding.status is Status.MANUAL, rule
        assert "kiri-rtr1" in finding.message.en, finding.message.en  # why: the unread device, not a crash
