"""Every implemented rule, passing and failing, on real-looking Cisco IOS configs.

Each case names the fixture, the rule, the expected status, the evidence lines the finding must
cite and a phrase its English message must contain. Lines are 1-based lines of the fixture file.
"""

from __future__ import annotations

from typing import Any

import pytest

from onshi.model import Severity, Status
from onshi.pipeline import DeviceJob, audit
from onshi.sources import read_config_file
from tests.helpers import CLINIC_POLICY, audit_fixture, evidence_lines, findings, fixture_path

FAIL, PASS, MANUAL, NA = Status.FAIL, Status.PASS, Status.MANUAL, Status.NOT_APPLICABLE
LEDGER = {"model": "ISR4331", "serial": "FDO2231X0AB", "location": "1F rack"}

# (fixture, with policy, role, rule, status, evidence lines, message phrase)
CASES: list[tuple[str, bool, str, str, Status, list[int], str]] = [
    # VPN
    ("edge_compliant.cfg", True, "edge_router", "VPN-02", PASS, [52], "IPsec with IKE"),
    ("edge_violations.cfg", False, "edge_router", "VPN-02", FAIL, [39, 40, 41, 42], "manual keys"),
    ("edge_violations.cfg", False, "edge_router", "VPN-02", FAIL, [52, 53, 54, 55, 56], "GRE without IPsec"),
    ("edge_violations.cfg", False, "edge_router", "VPN-02", FAIL, [47, 49], "PPTP"),
    ("edge_compliant.cfg", True, "edge_router", "VPN-03", PASS, [28, 49, 52], "strong"),
    ("edge_violations.cfg", False, "edge_router", "VPN-03", FAIL, [16], "des, sha, DH group 1"),
    ("edge_violations.cfg", False, "edge_router", "VPN-03", FAIL, [18], "md5, DH group 5"),
    ("edge_violations.cfg", False, "edge_router", "VPN-03", FAIL, [27], "esp-des, esp-md5-hmac"),
    ("edge_violations.cfg", False, "edge_router", "VPN-03", FAIL, [30, 31, 32], "weak DH group 1"),
    ("edge_violations.cfg", False, "edge_router", "VPN-03", FAIL, [23, 24, 25], "aggressive mode"),
    ("edge_compliant.cfg", True, "edge_router", "VPN-04", PASS, [39, 40], "distinct pre-shared keys"),
    ("edge_violations.cfg", False, "edge_router", "VPN-04", FAIL, [23], "well-known value"),
    ("edge_violations.cfg", False, "edge_router", "VPN-04", FAIL, [24], "also used for 198.51.100.10"),
    ("edge_compliant.cfg", True, "edge_router", "VPN-05", PASS, [47], "has dead-peer detection"),
    ("edge_violations.cfg", False, "edge_router", "VPN-05", FAIL, [34], "LEGACY-MAP 10 has no dead-peer detection"),
    ("edge_compliant.cfg", True, "edge_router", "VPN-07", PASS, [52], "declared and pinned"),
    ("edge_violations.cfg", False, "edge_router", "VPN-07", FAIL, [23], "any peer address"),
    ("edge_violations.cfg", False, "edge_router", "VPN-07", FAIL, [30], "accepts any peer"),
    ("edge_violations.cfg", True, "edge_router", "VPN-07", FAIL, [39], "undeclared peers: 198.51.100.10"),
    ("edge_violations.cfg", True, "edge_router", "VPN-07", FAIL, [47, 49], "not declared"),
    # EXT
    ("edge_compliant.cfg", True, "edge_router", "EXT-02", PASS, [81], "No static NAT"),
    ("edge_violations.cfg", False, "edge_router", "EXT-02", FAIL, [78], "192.168.1.10 is exposed"),
    ("edge_compliant.cfg", True, "edge_router", "EXT-03", PASS, [95, 96, 108], "restricted"),
    ("edge_violations.cfg", False, "edge_router", "EXT-03", FAIL, [58, 101], "line vty 0 4"),
    ("edge_violations.cfg", False, "edge_router", "EXT-03", FAIL, [58, 75, 76], "web management"),
    ("edge_violations.cfg", False, "edge_router", "EXT-03", FAIL, [58, 89], "SNMP"),
    ("edge_compliant.cfg", True, "edge_router", "EXT-04", NA, [], "no UPnP"),
    # WLAN
    ("ap_compliant.cfg", True, "wireless", "WLAN-01", PASS, [17, 18, 19, 20, 21, 38], "CLINIC-STAFF uses WPA2"),
    ("ap_open_wep.cfg", True, "wireless", "WLAN-01", FAIL, [10, 11, 12, 13, 14, 25], "CLINIC-OLD uses WEP"),
    ("ap_open_wep.cfg", True, "wireless", "WLAN-01", FAIL, [16, 17, 18, 19, 20, 26], "CLINIC-WPA uses TKIP"),
    ("ap_compliant.cfg", True, "wireless", "WLAN-02", PASS, [17, 18, 19, 20, 21, 38], "not broadcast"),
    ("ap_compliant.cfg", True, "wireless", "WLAN-02", PASS, [23, 24, 25, 26, 27, 28, 39], "guest SSID"),
    ("ap_open_wep.cfg", True, "wireless", "WLAN-02", FAIL, [10, 11, 12, 13, 14, 25], "CLINIC-OLD is broadcast"),
    ("ap_compliant.cfg", True, "wireless", "WLAN-03", PASS, [17, 18, 19, 20, 21, 38], "802.1X"),
    ("ap_open_wep.cfg", True, "wireless", "WLAN-03", FAIL, [16, 17, 18, 19, 20, 26], "CLINIC-WPA has neither"),
    # A standalone AP: the policy's segment VLANs say which segment VLAN 40 is (else it is manual).
    ("ap_compliant.cfg", True, "wireless", "WLAN-04", PASS, [17, 18, 19, 20, 21, 38], "bridged onto VLAN 40"),
    ("ap_compliant.cfg", False, "wireless", "WLAN-04", MANUAL, [17, 23], "needs a facility policy"),
    ("isr_embedded_ap.cfg", True, "edge_router", "WLAN-04", FAIL, [5, 6, 7, 8, 9, 13, 20],
     "belongs to segment staff_wifi but its VLAN is network 192.168.1.0/24"),
    ("ap_compliant.cfg", True, "wireless", "WLAN-05", PASS, [28], "at least 13"),
    ("ap_open_wep.cfg", True, "wireless", "WLAN-05", FAIL, [20], "5 characters"),
    # MGMT
    ("edge_compliant.cfg", True, "edge_router", "MGMT-01", PASS, [108], "encrypted protocols only"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-01", FAIL, [101, 102, 103], "accepts telnet"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-01", FAIL, [75, 76], "HTTP server"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-01", FAIL, [89], "write access"),
    ("edge_compliant.cfg", True, "edge_router", "MGMT-02", PASS, [108, 114], "declared management sources"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-02", FAIL, [101, 104], "version 2"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-02", FAIL, [87, 104], "any source"),
    ("edge_compliant.cfg", True, "edge_router", "MGMT-03", PASS, [98], "read-only"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-03", FAIL, [89], "read-write"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-03", FAIL, [90], "default or well-known"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-03", FAIL, [91], "noauth"),
    ("edge_compliant.cfg", True, "edge_router", "MGMT-04", PASS, [76, 77, 78, 79, 80], "TLS 1.2 only"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-04", FAIL, [95, 97], "SSL-VPN"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-04", FAIL, [75, 76], "TLS 1.0"),
    ("edge_compliant.cfg", True, "edge_router", "MGMT-05", PASS, [6, 18, 20, 21, 76], "off"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-05", FAIL, [6], "TCP small servers"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-05", FAIL, [], "IP source routing is on: the platform default"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-05", FAIL, [58], "CDP is sent on internet-facing"),
    ("edge_compliant.cfg", True, "edge_router", "MGMT-06", PASS, [7], "disabled"),
    ("edge_violations.cfg", False, "edge_router", "MGMT-06", MANUAL, [], "does not disable USB"),
    # AUTH
    ("edge_compliant.cfg", True, "edge_router", "AUTH-01", PASS, [11, 26], "No empty or well-known"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-01", FAIL, [13], "cisco uses a factory-default"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-01", FAIL, [101], "without a password"),
    ("edge_compliant.cfg", True, "edge_router", "AUTH-02", PASS, [11, 26], "strong irreversible hash"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-02", FAIL, [14], "admin is stored in plain text"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-02", FAIL, [11], "MD5-based hash"),
    ("edge_compliant.cfg", True, "edge_router", "AUTH-03", PASS, [14], "centrally"),
    ("ap_compliant.cfg", False, "wireless", "AUTH-03", PASS, [14, 15], "centrally"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-03", FAIL, [13, 14], "Only generic accounts"),
    ("edge_compliant.cfg", True, "edge_router", "AUTH-04", PASS, [106, 108], "within 15 minutes"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-04", FAIL, [99, 100], "con 0"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-04", FAIL, [104, 105, 106, 107], "45 minutes"),
    ("edge_compliant.cfg", True, "edge_router", "AUTH-06", PASS, [16], "throttled"),
    ("edge_violations.cfg", False, "edge_router", "AUTH-06", FAIL, [], "neither throttled"),
    # LOG
    ("edge_compliant.cfg", True, "edge_router", "LOG-01", PASS, [113], "declared NTP source"),
    ("edge_violations.cfg", True, "edge_router", "LOG-01", FAIL, [109], "not among the declared"),
    ("edge_violations.cfg", False, "edge_router", "LOG-01", MANUAL, [109], "declares no NTP sources"),
    ("edge_compliant.cfg", True, "edge_router", "LOG-02", PASS, [4, 23, 24, 100, 103], "timestamps"),
    ("edge_violations.cfg", False, "edge_router", "LOG-02", FAIL, [], "no date and time"),
    ("edge_violations.cfg", False, "edge_router", "LOG-02", FAIL, [], "Configuration changes are not logged"),
    # DOC
    ("edge_compliant.cfg", True, "edge_router", "DOC-01", PASS, [2], "ISR4331, OS 17.12"),
    ("edge_violations.cfg", False, "edge_router", "DOC-01", MANUAL, [4], "model, serial, location"),
    ("edge_compliant.cfg", True, "edge_router", "DOC-02", PASS, [2], "meets the declared minimum"),
    ("edge_violations.cfg", True, "edge_router", "DOC-02", FAIL, [4], "below the declared minimum 15.9"),
    ("edge_compliant.cfg", True, "edge_router", "DOC-03", MANUAL, [], "anti-malware"),
]  # fmt: skip


def _report(fixture: str, with_policy: bool, role: str) -> Any:
    ledger = LEDGER if fixture == "edge_compliant.cfg" else {}
    return audit_fixture(fixture, policy=CLINIC_POLICY if with_policy else None, role=role, **ledger)


@pytest.mark.parametrize(("fixture", "with_policy", "role", "rule", "status", "lines", "phrase"), CASES)
def test_rule(
    fixture: str, with_policy: bool, role: str, rule: str, status: Status, lines: list[int], phrase: str
) -> None:
    report = _report(fixture, with_policy, role)
    matching = [f for f in findings(report, rule) if f.status is status and phrase in f.message.en]
    assert matching, [(f.status.value, f.message.en) for f in findings(report, rule)]
    assert any(evidence_lines(f) == lines for f in matching), [evidence_lines(f) for f in matching]


# Rules whose negative answer on Cisco IOS is `manual` by design: an incomplete ledger, and USB
# control that not every IOS platform has. DOC-03 is always manual; IOS has no UPnP (EXT-04).
NEGATIVE_IS_MANUAL = {"DOC-01", "MGMT-06"}


def test_every_implemented_rule_has_a_passing_and_a_failing_case() -> None:
    implemented = {case[3] for case in CASES} - {"DOC-03", "EXT-04"}
    for rule in implemented:
        outcomes = {case[4] for case in CASES if case[3] == rule}
        negative = MANUAL if rule in NEGATIVE_IS_MANUAL else FAIL
        assert PASS in outcomes, rule
        assert negative in outcomes, rule


def test_open_guest_ssid_is_high_not_critical() -> None:
    report = _report("ap_open_wep.cfg", True, "wireless")
    open_lobby = [f for f in findings(report, "WLAN-01") if "OPEN-LOBBY" in f.message.en]
    assert [(f.status, f.severity) for f in open_lobby] == [(FAIL, Severity.HIGH)]


def test_sha1_alone_is_a_medium_finding() -> None:
    report = _report("edge_violations.cfg", False, "edge_router")
    weak_esp = [f for f in findings(report, "VPN-03") if "WEAK-TS" in f.message.en]
    assert weak_esp[0].severity is Severity.HIGH  # DES and MD5 outrank SHA-1
    sample = audit_fixture("edge_compliant.cfg", policy=None)
    assert [f.status for f in findings(sample, "VPN-03")] == [PASS]


def test_wireless_device_does_not_terminate_the_claims_vpn() -> None:
    report = _report("ap_compliant.cfg", True, "wireless")
    assert [f.status for f in findings(report, "VPN-02")] == [NA]


def test_remediation_is_rendered_for_the_platform() -> None:
    report = _report("edge_violations.cfg", False, "edge_router")
    telnet = next(f for f in findings(report, "MGMT-01") if "vty 0 4" in f.message.en)
    assert telnet.remediation == ("line vty 0 4", " transport input ssh")
    exposure = next(f for f in findings(report, "EXT-02") if f.status is FAIL)
    assert exposure.remediation == ("no ip nat inside source static 192.168.1.10 203.0.113.67",)
    community = next(f for f in findings(report, "MGMT-03") if "read-write" in f.message.en)
    assert community.remediation == ("no snmp-server community <value from line 89> RW",)


def test_secret_reuse_is_found_across_devices_by_fingerprint() -> None:
    path = fixture_path("cisco_ios", "edge_violations.cfg")
    jobs = [DeviceJob(name, "cisco_ios", read_config_file(path)) for name in ("site-a", "site-b")]
    jobs.append(DeviceJob("site-c", "cisco_ios", read_config_file(fixture_path("cisco_ios", "edge_compliant.cfg"))))
    report = audit(jobs)
    reused = [f for f in findings(report, "AUTH-05", "site-a") if f.status is FAIL]
    assert {tuple(evidence_lines(f)) for f in reused} == {
        (11,),
        (13,),
        (14,),
        (23,),
        (24,),
        (25,),
        (89,),
        (90,),
    }
    assert all("site-b" in f.message.en and "site-c" not in f.message.en for f in reused)
    assert [f.status for f in findings(report, "AUTH-05", "site-c")] == [PASS]


def test_ssid_missing_from_the_policy_fails_wlan_04() -> None:
    policy = {
        **CLINIC_POLICY,
        "segments": [s for s in CLINIC_POLICY["segments"] if s["name"] != "guest_wifi"],
    }
    report = audit_fixture("ap_compliant.cfg", policy=policy, role="wireless")
    guest = [f for f in findings(report, "WLAN-04") if "CLINIC-GUEST" in f.message.en]
    assert [(f.status, evidence_lines(f)) for f in guest] == [(FAIL, [23, 24, 25, 26, 27, 28, 39])]
