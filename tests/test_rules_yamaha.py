"""Every rule on Yamaha RTX configs, passing and failing, through the same neutral model as Cisco.

Each case names the fixture, the rule, the expected status, the evidence lines the finding must
cite and a phrase its English message must contain. Lines are 1-based lines of the fixture file.
Reachability findings also assert their example packet.
"""

from __future__ import annotations

import pytest

from onshi.analysis.network import DeviceNetwork
from onshi.model import Finding, Status
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.platforms.yamaha_rtx.parser import parse
from onshi.policy import FacilityPolicy
from onshi.sources import ConfigText
from tests.helpers import CLINIC_POLICY, assert_case, audit_fixture, evidence_lines, findings, fixture_path

FAIL, PASS, MANUAL = Status.FAIL, Status.PASS, Status.MANUAL
POLICY = {**CLINIC_POLICY, "min_os_versions": {"yamaha_rtx": "14.01.38"}}
LEDGER = {"model": "RTX1210", "serial": "S4K012345", "location": "受付 ラック"}

# (fixture, rule, status, evidence lines, message phrase)
CASES: list[tuple[str, str, Status, list[int], str]] = [
    # segmentation: secure filter lists, first match, statics before dynamics
    ("edge_compliant.cfg", "SEG-01", PASS, [15, 19, 23, 27, 30, *range(67, 78)], "except the declared flows"),
    ("edge_compliant.cfg", "SEG-02", PASS, [30, 74], "reach only the internet"),
    ("edge_compliant.cfg", "SEG-03", PASS, [23, *range(67, 72), 74, 75, 76, 77], "no wider than declared"),
    ("edge_compliant.cfg", "SEG-04", PASS, [14, 17, 21, 25, 28, 32, 48], "belongs to a declared segment"),
    ("edge_compliant.cfg", "SEG-05", PASS, [19, 74], "reaches only the claims network"),
    ("edge_violations.cfg", "SEG-05", FAIL, [13, 15, 38], "reaches vpn:any"),
    # VPN
    ("edge_compliant.cfg", "VPN-02", PASS, [48], "IPsec with IKE"),
    ("edge_violations.cfg", "VPN-02", FAIL, [62], "PPTP"),
    ("edge_compliant.cfg", "VPN-03", PASS, [51, 52], "strong"),
    ("edge_violations.cfg", "VPN-03", FAIL, [41, 42, 43], "3des-cbc, sha, DH group 2"),
    ("edge_violations.cfg", "VPN-03", FAIL, [40], "3des-cbc, md5-hmac"),
    ("edge_compliant.cfg", "VPN-04", PASS, [60], "distinct pre-shared keys"),
    ("edge_violations.cfg", "VPN-04", FAIL, [45], "6 characters"),
    ("edge_compliant.cfg", "VPN-05", PASS, [57], "keepalive"),
    ("edge_violations.cfg", "VPN-05", FAIL, [38], "has no dead-peer detection"),
    ("edge_compliant.cfg", "VPN-06", PASS, [62, 74], "only its declared segments"),
    ("edge_compliant.cfg", "VPN-07", PASS, [48], "declared and pinned"),
    ("edge_violations.cfg", "VPN-07", FAIL, [45], "any peer address"),
    ("edge_violations.cfg", "VPN-07", FAIL, [62], "not declared in the inventory"),
    # the internet side
    ("edge_compliant.cfg", "EXT-01", PASS, [43, *range(78, 88)], "dropped"),
    ("edge_compliant.cfg", "EXT-02", PASS, [97], "device's own address 192.168.99.1"),
    ("edge_violations.cfg", "EXT-02", FAIL, [61], "192.168.1.20:3389 is exposed to the internet as pp1:3389"),
    ("edge_compliant.cfg", "EXT-03", PASS, [101, 102], "restricted"),
    ("edge_compliant.cfg", "EXT-04", PASS, [], "UPnP is off"),
    ("edge_violations.cfg", "EXT-04", FAIL, [66], "UPnP is enabled"),
    ("edge_compliant.cfg", "EXT-05", PASS, [32, 43, *range(78, 88)], "Spoofed sources are dropped on pp1"),
    ("edge_violations.cfg", "EXT-05", FAIL, [28, 34], "pp1 accepts packets with private"),
    # management
    ("edge_compliant.cfg", "MGMT-01", PASS, [101], "encrypted protocols only"),
    ("edge_violations.cfg", "MGMT-01", FAIL, [9, 63], "telnetd accepts telnet"),
    ("edge_violations.cfg", "MGMT-01", FAIL, [], "HTTP server (without TLS)"),
    ("edge_violations.cfg", "MGMT-01", FAIL, [64], "write access"),
    ("edge_compliant.cfg", "MGMT-02", PASS, [101, 102], "declared management sources"),
    ("edge_violations.cfg", "MGMT-02", FAIL, [63], "any source address"),
    ("edge_compliant.cfg", "MGMT-03", PASS, [106], "authentication and privacy"),
    ("edge_violations.cfg", "MGMT-03", FAIL, [64], "read-write"),
    ("edge_compliant.cfg", "MGMT-05", PASS, [103], "Unneeded services are off"),
    ("edge_violations.cfg", "MGMT-05", FAIL, [], "HTTP server is on: the platform default"),
    ("edge_compliant.cfg", "MGMT-06", PASS, [114, 115], "USB storage is disabled"),
    ("edge_violations.cfg", "MGMT-06", MANUAL, [], "does not disable USB storage"),
    # accounts
    ("edge_compliant.cfg", "AUTH-01", PASS, [6, 7, 8], "3 stored unreadably"),
    ("edge_violations.cfg", "AUTH-01", FAIL, [7], "administrator uses a factory-default or well-known"),
    ("edge_compliant.cfg", "AUTH-02", PASS, [6, 7, 8], "strong irreversible hash"),
    ("edge_violations.cfg", "AUTH-02", FAIL, [8], "admin is stored in plain text"),
    ("edge_violations.cfg", "AUTH-02", FAIL, [6], "login is stored in plain text"),
    ("edge_compliant.cfg", "AUTH-03", PASS, [6, 7], "clinic-tanaka, vendor-sato"),
    ("edge_violations.cfg", "AUTH-03", FAIL, [8], "Only generic accounts (admin)"),
    ("edge_compliant.cfg", "AUTH-04", PASS, [9, 101], "within 15 minutes"),  # login timer 600: console and ssh
    ("edge_violations.cfg", "AUTH-04", FAIL, [9], "console times out after ∞ minutes"),
    ("edge_compliant.cfg", "AUTH-06", MANUAL, [], "platform yamaha_rtx"),
    # time, logs, versions
    ("edge_compliant.cfg", "LOG-01", PASS, [112], "133.243.238.164"),
    ("edge_violations.cfg", "LOG-01", FAIL, [], "No NTP server"),
    ("edge_compliant.cfg", "LOG-02", PASS, [108, 109, 111], "logins and configuration changes are logged"),
    ("edge_violations.cfg", "LOG-02", FAIL, [], "Configuration changes are not logged"),
    ("edge_compliant.cfg", "DOC-02", PASS, [1], "14.01.42 meets the declared minimum 14.01.38"),
    ("edge_violations.cfg", "DOC-02", FAIL, [1], "14.01.26 is below"),
]  # fmt: skip
_REPORTS: dict[str, AuditReport] = {}


def _report(fixture: str) -> AuditReport:
    if fixture not in _REPORTS:
        _REPORTS[fixture] = audit_fixture(fixture, "yamaha_rtx", policy=POLICY, **LEDGER)
    return _REPORTS[fixture]


@pytest.mark.parametrize(("fixture", "rule", "status", "lines", "phrase"), CASES)
def test_rule_on_yamaha_config(fixture: str, rule: str, status: Status, lines: list[int], phrase: str) -> None:
    assert_case(_report(fixture), rule, status, lines, phrase)


def test_the_compliant_router_fails_no_rule() -> None:
    report = _report("edge_compliant.cfg")
    assert [(f.rule, f.message.en) for f in report.findings if f.status is FAIL] == []
    assert report.devices[0].unrecognized == ()


def test_guest_example_packets_name_the_leak() -> None:
    report = _report("edge_violations.cfg")
    by_target = {f.path: f for f in findings(report, "SEG-02") if f.status is FAIL}
    office = by_target[("guest_wifi", "office")]
    assert evidence_lines(office) == [17, 22, 51]  # the office VLAN, the guest list, its pass-all filter
    packet = office.example_packet
    assert packet is not None
    assert (packet.src, packet.dst, packet.protocol) == ("192.168.100.23", "192.168.1.5", "tcp")
    assert ("guest_wifi", "vpn:any") in by_target


def _inbound(report: AuditReport, family: str, zone: str) -> Finding:
    return next(f for f in findings(report, "EXT-01") if f.path == ("internet", zone) and family in f.message.en)


def test_an_ipoe_lan_without_an_ipv6_inbound_filter_is_open_to_the_internet() -> None:
    report = _report("edge_violations.cfg")
    office = _inbound(report, "IPv6", "office")
    assert office.status is FAIL
    assert evidence_lines(office) == [17, 26]  # the LAN, and lan2 (the IPoE line) with no secure filter
    packet = office.example_packet
    assert packet is not None
    assert packet.dst == "<lan1/2 prefix>::5"
    assert packet.protocol == "tcp"
    telnet = next(f for f in findings(report, "EXT-03") if f.status is FAIL and "telnet" in f.message.en)
    assert telnet.example_packet is not None
    assert telnet.example_packet.dst_port == 23
    assert evidence_lines(telnet) == [26, 63]  # reached over IPv6; `telnetd host any`


def test_the_pp_filter_sees_the_forwarded_inside_address() -> None:
    """Yamaha translates before the PP's inbound filters: ``pass * 192.168.1.20 tcp * 3389`` (line
    55) names the inside host, and is what lets the tcp/3389 port forward (line 61) through."""
    office = _inbound(_report("edge_violations.cfg"), "IPv4", "office")
    assert office.status is FAIL
    assert evidence_lines(office) == [17, 28, 55]
    packet = office.example_packet
    assert packet is not None
    assert (packet.dst, packet.dst_port) == ("192.168.1.20", 3389)
    text = fixture_path("yamaha_rtx", "edge_violations.cfg").read_text(encoding="utf-8")
    written_for_the_line = text.replace("pass * 192.168.1.20 tcp * 3389", "pass * 203.0.113.2 tcp * 3389")
    device = parse(written_for_the_line, "edge.cfg")
    assert not device.unrecognized
    network = DeviceNetwork(device, FacilityPolicy.model_validate(POLICY), ["pp1"])
    sp = network.space
    assert sp.is_empty(network.reach("internet", "office").packets & sp.ipv4 & sp.established(False))


def test_weak_ike_is_reported_with_yamaha_defaults_named() -> None:
    text = fixture_path("yamaha_rtx", "edge_violations.cfg").read_text(encoding="utf-8")
    device = parse(text.replace("  ipsec ike encryption 1 3des-cbc\n", ""), "edge.cfg")
    proposal = device.crypto.ike_proposals[0]
    assert proposal.encryption == ("3des-cbc",)
    assert "encryption" in proposal.defaults_used


def test_ipsec_tunnel_zone_is_its_ike_peer() -> None:
    text = fixture_path("yamaha_rtx", "edge_compliant.cfg").read_text(encoding="utf-8")
    tunnel = parse(text, "edge.cfg").interface("tunnel1")
    assert tunnel is not None
    assert tunnel.tunnel is not None
    assert tunnel.tunnel.destination == "198.51.100.9"


MAP_E = """# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)
ip route default gateway tunnel 1
ip lan1 address 192.168.100.1/24
ipv6 prefix 1 ra-prefix@lan2::/64
ipv6 lan1 address ra-prefix@lan2::1/64
ipv6 lan2 secure filter in 200039
ipv6 lan2 dhcp service client ir=on
ngn type lan2 ntt
tunnel select 1
 tunnel encapsulation {encapsulation}
 ip tunnel secure filter in 200030 200039
 ip tunnel nat descriptor 1000
 tunnel enable 1
ip filter 200030 pass * 192.168.100.0/24 icmp * *
ip filter 200039 reject * *
ipv6 filter 200039 reject * *
nat descriptor type 1000 masquerade
"""


@pytest.mark.parametrize("encapsulation", ["map-e", "ipip"])
def test_an_ipv4_over_ipv6_access_tunnel_is_the_internet_not_a_vpn(encapsulation: str) -> None:
    """v6plus MAP-E and DS-Lite / fixed-IP IPIP carry the IPv4 internet: what their list lets in is
    unsolicited inbound traffic (here ICMP echo to the LAN), and they are no VPN to declare."""
    path = fixture_path("yamaha_rtx", "edge_compliant.cfg").parent / f"access-{encapsulation}.cfg"
    job = DeviceJob("rtx", "yamaha_rtx", ConfigText(MAP_E.format(encapsulation=encapsulation), str(path), "utf-8"))
    report = audit([job])
    inbound = [f for f in findings(report, "EXT-01") if f.status is FAIL and f.path == ("internet", "inside")]
    assert [evidence_lines(f) for f in inbound] == [[3, 9, 14]]  # the LAN, the tunnel, its ICMP pass
    packet = inbound[0].example_packet
    assert packet is not None
    assert (packet.protocol, packet.dst) == ("icmp type 8", "192.168.100.5")
    assert {f.status for f in findings(report, "VPN-07")} == {Status.NOT_APPLICABLE}
