"""The bundled sample inventory: the clinic's listed violations fail on the right lines, the
pharmacy has no fail, and both facilities are reported."""

from __future__ import annotations

import pytest

from onshi.model import Status
from onshi.pipeline import AuditReport
from tests.helpers import SAMPLE_DEVICES, evidence_lines, findings, only


@pytest.mark.parametrize(
    ("host", "rule", "line", "text"),
    [
        ("sakura-rtr1", "MGMT-01", 156, "line vty 0 4"),  # telnet on vty
        (
            "sakura-rtr1",
            "EXT-02",
            131,
            "ip nat inside source static tcp 192.168.10.5 3389 interface Dialer1 3389",
        ),
        ("sakura-rtr1", "AUTH-02", 14, "enable password 7 <masked>"),  # type-7 enable password
        ("sakura-rtr1", "LOG-01", None, None),  # no NTP: nothing to cite
        ("sakura-ap1", "WLAN-01", 41, " encryption vlan 40 mode ciphers aes-ccm tkip"),  # TKIP on staff SSID
    ],
)
def test_clinic_violations_fail_with_their_lines(
    sample_report: AuditReport, host: str, rule: str, line: int | None, text: str | None
) -> None:
    failing = [f for f in findings(sample_report, rule, host) if f.status is Status.FAIL]
    assert failing, f"{rule} does not fail on {host}"
    if line is not None:
        cited = {(e.line, e.text) for f in failing for e in f.evidence}
        assert (line, text) in cited


def test_clinic_ike_3des_sha1_dh2_fails_on_the_policy_line(sample_report: AuditReport) -> None:
    weak = [f for f in findings(sample_report, "VPN-03", "sakura-rtr1") if "isakmp policy 10" in f.message.en]
    assert len(weak) == 1
    assert weak[0].status is Status.FAIL
    assert evidence_lines(weak[0]) == [32]
    for algorithm in ("3des", "sha", "DH group 2"):
        assert algorithm in weak[0].message.en


def test_clinic_and_ap_share_a_secret(sample_report: AuditReport) -> None:
    router = only(sample_report, "AUTH-05", Status.FAIL, "sakura-rtr1")
    assert "sakura-ap1" in router.message.en
    assert evidence_lines(router) == [14]


def test_pharmacy_has_no_fail_and_passes_what_it_configures(sample_report: AuditReport) -> None:
    pharmacy = [f for f in sample_report.findings if f.host == "aoba-rtr1"]
    assert [f.rule for f in pharmacy if f.status is Status.FAIL] == []
    passed = {f.rule for f in pharmacy if f.status is Status.PASS}
    expected = {"VPN-02", "VPN-03", "VPN-04", "VPN-05", "VPN-07", "EXT-02", "EXT-03", "MGMT-01", "MGMT-02",
                "MGMT-03", "MGMT-05", "MGMT-06", "AUTH-01", "AUTH-02", "AUTH-03", "AUTH-04", "AUTH-05",
                "AUTH-06", "LOG-01", "LOG-02", "DOC-01", "DOC-02"}  # fmt: skip
    assert expected <= passed


def test_both_facilities_and_every_device_are_reported(sample_report: AuditReport) -> None:
    assert {(d.host, d.facility) for d in sample_report.devices} == set(SAMPLE_DEVICES.items())
    assert all(d.error is None and d.unrecognized == () for d in sample_report.devices)
    assert {d.host: d.encoding for d in sample_report.devices} == {
        "sakura-rtr1": "shift_jis",
        "sakura-ap1": "cp932",
        "aoba-rtr1": "utf-8",
        "kaede-rtr1": "utf-8",
        "kaede-ap1": "utf-8",
        "himawari-rtr1": "shift_jis",
        "momiji-fw1": "utf-8",
        "tsubaki-rtr1": "utf-8",  # no Japanese in it
        "tsubaki-vpn-claims": "utf-8",
        "tsubaki-vpn-vendor": "shift_jis",
        "kiri-rtr1": "utf-8",
        "kiri-fw1": "utf-8",
        "ayame-rtr1": "utf-8",
    }


def test_clinic_has_segmentation_and_vpn_findings_with_example_packets(sample_report: AuditReport) -> None:
    guest = [f for f in findings(sample_report, "SEG-02", "sakura-rtr1") if "reaches onshi" in f.message.en]
    assert len(guest) == 1
    packet = guest[0].example_packet
    assert packet is not None
    assert (packet.protocol, packet.dst_port) == ("tcp", 443)
    assert packet.src.startswith("192.168.100.")
    assert packet.dst.startswith("192.168.10.")
    assert 139 in evidence_lines(guest[0])  # GUEST-IN: permit tcp any any eq 443, above the deny
    vpn = [f for f in findings(sample_report, "VPN-06", "sakura-rtr1") if f.status is Status.FAIL]
    assert any("VENDOR-ACL" in f.message.en and f.example_packet is not None for f in vpn)


def test_pharmacy_is_clean_under_exact_analysis(sample_report: AuditReport) -> None:
    for rule in ("SEG-01", "SEG-03", "SEG-05", "VPN-06", "EXT-01", "EXT-05"):
        assert {f.status for f in findings(sample_report, rule, "aoba-rtr1")} == {Status.PASS}, rule


@pytest.mark.parametrize(
    ("rule", "line", "text", "phrase"),
    [
        # the guest VLAN's list rejects onshi and mgmt but not the office (nor the claims network)
        # (its dynamic tcp filter, line 79, then passes what no reject stopped)
        ("SEG-02", 79, "ip filter dynamic 1392 192.168.100.0/24 * tcp", "reaches office"),
        ("MGMT-01", 103, "telnetd host any", "telnetd accepts telnet"),
        ("EXT-02", 101, "nat descriptor masquerade static 1000 3 192.168.20.50 tcp 3389", "192.168.20.50:3389"),
        ("VPN-03", 54, "  ipsec ike group 1 modp1024", "DH group 2"),
        # the office is numbered from lan2's IPoE prefix, and lan2 has no `ipv6 lan2 secure filter in`
        ("EXT-01", 33, "ipv6 lan2 dhcp service client ir=on", "IPv6 traffic from the internet reaches office"),
    ],
)
def test_yamaha_clinic_violations_fail_with_their_lines(
    sample_report: AuditReport, rule: str, line: int, text: str, phrase: str
) -> None:
    failing = [f for f in findings(sample_report, rule, "himawari-rtr1") if f.status is Status.FAIL]
    matching = [f for f in failing if phrase in f.message.en]
    assert matching, [f.message.en for f in failing]
    assert (line, text) in {(e.line, e.text) for e in matching[0].evidence}


def test_yamaha_clinic_findings_carry_example_packets(sample_report: AuditReport) -> None:
    ipoe = next(f for f in findings(sample_report, "EXT-01", "himawari-rtr1") if "IPv6" in f.message.en)
    assert ipoe.example_packet is not None
    assert ipoe.example_packet.dst.startswith("<lan1/2 prefix>::")
    guest = next(f for f in findings(sample_report, "SEG-02", "himawari-rtr1") if "reaches office" in f.message.en)
    packet = guest.example_packet
    assert packet is not None
    assert packet.src.startswith("192.168.100.")
    assert packet.dst.startswith("192.168.20.")
