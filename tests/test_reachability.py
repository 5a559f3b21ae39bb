"""The acceptance scenarios of exact reachability, each a real config with the policy it is judged by."""

from __future__ import annotations

import re
from typing import Any

import pytest

from onshi.model import Finding, Status
from onshi.pipeline import AuditReport
from onshi.validators.reachability import device_network
from tests.helpers import audit_fixture, evidence_lines, findings

POLICY: dict[str, Any] = {
    "name": "シナリオ診療所",
    "code": "1300000001",
    "connection": "ipsec_ike",
    "segments": [
        {"name": "onshi", "kind": "onshi", "level": "high", "ipv4": ["192.168.10.0/24"]},
        {"name": "emr", "kind": "emr", "level": "high", "ipv4": ["192.168.20.0/24"]},
        {"name": "guest", "kind": "guest_wifi", "level": "low", "ipv4": ["192.168.100.0/24"]},
    ],
    "vpns": [
        {"name": "claims", "kind": "claims_network", "owner": "請求網", "peers": ["203.0.113.20"],
         "remote_prefixes": ["10.100.0.0/16"], "local_segments": ["onshi"]},
        {"name": "vendor", "kind": "remote_maintenance", "owner": "保守ベンダー", "peers": ["198.51.100.7"],
         "remote_prefixes": ["172.20.0.0/24"], "local_segments": ["emr"]},
    ],
    "flows": [
        {"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]},
        {"from": "guest", "to": "internet"},
        {"from": "emr", "to": "vendor"},
        {"from": "vendor", "to": "emr", "protocol": "tcp", "ports": [3389]},
    ],
}  # fmt: skip


def audit(name: str, policy: dict[str, Any] | None = POLICY) -> AuditReport:
    return audit_fixture(f"reachability/{name}", policy=policy)


def failing(report: AuditReport, rule: str) -> list[Finding]:
    return [f for f in findings(report, rule) if f.status is Status.FAIL]


def test_guest_acl_permitting_443_above_its_deny_fails_seg_02() -> None:
    report = audit("guest_acl_443_above_deny.cfg")
    to_onshi = [f for f in failing(report, "SEG-02") if "reaches onshi" in f.message.en]
    assert len(to_onshi) == 1
    packet = to_onshi[0].example_packet
    assert packet is not None
    assert (packet.protocol, packet.dst_port) == ("tcp", 443)
    assert packet.dst.startswith("192.168.10.")
    assert 26 in evidence_lines(to_onshi[0])  # `permit tcp any any eq 443`, the line that lets it through


def test_the_same_acl_reordered_passes_seg_02() -> None:
    report = audit("guest_acl_deny_first.cfg")
    assert [f.status for f in findings(report, "SEG-02")] == [Status.PASS]
    assert 26 in evidence_lines(findings(report, "SEG-02")[0])  # the deny that blocks


def test_zone_pair_inspecting_everything_from_guest_fails() -> None:
    report = audit("zbfw_guest_inspect_any.cfg")
    to_onshi = [f for f in failing(report, "SEG-02") if "reaches onshi" in f.message.en]
    assert len(to_onshi) == 1
    assert {10, 17} <= set(evidence_lines(to_onshi[0]))  # the inspect class and the zone-pair


def test_two_tunnels_in_one_vrf_with_routes_both_ways_fail_vpn_01() -> None:
    report = audit("two_tunnels_one_vrf.cfg")
    transit = failing(report, "VPN-01")
    pattern = re.compile(r"Packets from VPN (\S+) are forwarded into VPN (\S+):")
    pairs = {match.groups() for f in transit if (match := pattern.match(f.message.en))}
    assert pairs == {("vendor", "claims"), ("claims", "vendor")}
    packet = next(f.example_packet for f in transit if "VPN vendor are" in f.message.en)
    assert packet is not None
    assert packet.src.startswith("172.20.0.")
    assert packet.dst.startswith("10.100.")


def test_two_tunnels_in_separate_vrfs_pass_vpn_01() -> None:
    report = audit("two_tunnels_vrfs.cfg")
    assert [f.status for f in findings(report, "VPN-01")] == [Status.PASS]


def test_maintenance_crypto_acl_covering_the_onshi_segment_fails_vpn_06() -> None:
    report = audit("vendor_crypto_acl_covers_onshi.cfg")
    scope = [f for f in failing(report, "VPN-06") if "VENDOR-ACL" in f.message.en]
    assert len(scope) == 1
    packet = scope[0].example_packet
    assert packet is not None
    assert packet.src.startswith("192.168.10.")
    assert {17, 41} <= set(evidence_lines(scope[0]))  # the map entry and the entry covering onshi


def test_wan_acl_with_established_and_ike_only_passes_ext_01() -> None:
    for policy in (POLICY, None):  # also decided without a policy (audit-file)
        report = audit("wan_established_ike_only.cfg", policy)
        assert [f.status for f in findings(report, "EXT-01")] == [Status.PASS]


def test_ipv6_address_without_traffic_filter_fails_ext_01_on_ipv6() -> None:
    report = audit("wan_ipv6_no_filter.cfg")
    inbound = failing(report, "EXT-01")
    assert inbound
    assert all("IPv6" in f.message.en for f in inbound)
    packet = inbound[0].example_packet
    assert packet is not None
    assert ":" in packet.dst


def test_rdp_port_forward_fails_ext_01_through_nat_and_ext_02() -> None:
    report = audit("rdp_port_forward.cfg", None)
    inbound = failing(report, "EXT-01")
    through_nat = [f for f in inbound if f.example_packet and f.example_packet.dst == "<Dialer1 address>"]
    assert len(through_nat) == 1
    packet = through_nat[0].example_packet
    assert packet is not None
    assert (packet.protocol, packet.dst_port) == ("tcp", 3389)
    assert {14, 22, 29} <= set(evidence_lines(through_nat[0]))  # WAN ingress, the port forward, its permit
    assert failing(report, "EXT-02")


@pytest.mark.parametrize("name", ["guest_acl_443_above_deny.cfg", "two_tunnels_one_vrf.cfg", "rdp_port_forward.cfg"])
def test_every_failing_example_is_confirmed_by_the_oracle(name: str) -> None:
    report = audit(name)
    reachability = [f for f in report.findings if f.example_packet is not None]
    assert reachability
    assert not [f for f in report.findings if "disagree" in f.message.en]


@pytest.mark.parametrize(
    ("name", "exact"), [("nat_outbound_acl_blind.cfg", True), ("nat_outbound_acl_source.cfg", False)]
)
def test_outbound_acl_after_nat_is_exact_when_it_ignores_the_source(name: str, exact: bool) -> None:
    """PAT rewrites the source address and port before an outbound ACL on the outside interface sees
    the packet: an ACL matching on neither decides exactly; one matching the inside source does not."""
    report = audit(name, {**POLICY, "segments": [POLICY["segments"][2]], "vpns": [], "flows": []})
    network = device_network(report.inputs[0])
    reach = network.reach("guest", "internet")
    assert reach.exact is exact
    smtp = network.space.protocol(6) & network.space.value("dport", 25)
    assert network.space.is_empty(reach.packets & smtp) is exact  # over-approximated when not exact


# --- IP-VPN: the claims network over the NGN closed network (IPv6 IPoE) ---------------------------------

NGN_POLICY: dict[str, Any] = {
    "name": "閉域網診療所",
    "code": "1300000002",
    "connection": "ip_vpn",
    "segments": [{"name": "onshi", "kind": "onshi", "level": "high", "ipv4": ["192.168.10.0/24"],
                  "ipv6": ["2001:db8:1510:10::/64"]}],
    "vpns": [{"name": "claims", "kind": "claims_network", "owner": "IP-VPN 接続事業者",
              "remote_prefixes": ["2001:db8:4000::/40"], "local_segments": ["onshi"]}],
    "flows": [{"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]}],
}  # fmt: skip


def audit_ngn(name: str) -> AuditReport:
    return audit_fixture(f"reachability/{name}", policy=NGN_POLICY, vpn_interfaces={"GigabitEthernet9": "claims"})


def test_an_unfiltered_ngn_port_lets_any_subscriber_reach_the_onshi_terminals() -> None:
    report = audit_ngn("ngn_ipoe_no_filter.cfg")
    network = device_network(report.inputs[0])
    assert network.zone_of["gigabitethernet9"] == "claims"  # declared: a closed network, not the internet
    inbound = [f for f in failing(report, "EXT-01") if f.path == ("claims", "onshi")]
    assert len(inbound) == 1
    packet = inbound[0].example_packet
    assert packet is not None
    assert packet.src.startswith("2001:db8:ffff:")
    assert packet.dst.startswith("2001:db8:1510:10:")
    assert "closed network claims" in inbound[0].message.en
    assert "閉域網 claims" in inbound[0].message.ja
    assert {12, 18} <= set(evidence_lines(inbound[0]))  # the NGN port, the onshi VLAN: no filter on the way
    assert [f.status for f in findings(report, "VPN-02")] == [Status.PASS]
    assert evidence_lines(findings(report, "VPN-02")[0]) == [12]


def test_a_filtered_ngn_port_admits_only_replies_and_the_onshi_segment_reaches_only_its_declared_flow() -> None:
    report = audit_ngn("ngn_ipoe_filtered.cfg")
    # ICMPv6 names are ICMPv6 types: echo-reply is 129, a reply; read as ICMP's 0 it would be unsolicited.
    assert [f.status for f in findings(report, "EXT-01")] == [Status.PASS]
    # Neighbour discovery to link-local addresses is permitted, and never forwarded to the closed network.
    assert [f.status for f in findings(report, "SEG-03")] == [Status.PASS]
    assert [f.status for f in findings(report, "SEG-05")] == [Status.PASS]


def test_a_vpn_interface_the_config_lacks_is_an_error_row() -> None:
    report = audit_fixture("reachability/ngn_ipoe_filtered.cfg", policy=NGN_POLICY,
                           vpn_interfaces={"GigabitEthernet7": "claims"})  # fmt: skip
    assert report.devices[0].error is not None
    assert "vpn_interfaces names 'GigabitEthernet7'" in report.devices[0].error
