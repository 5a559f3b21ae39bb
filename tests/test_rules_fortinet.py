"""Every rule on FortiGate configs, passing and failing, through the neutral model.

``fw_violations.cfg`` is the sample clinic's FortiGate (the six violations the issue lists);
``fw_compliant.cfg`` is the same clinic put right. Lines are 1-based lines of the fixture file.
"""

from __future__ import annotations

from typing import Any

import pytest

from onshi.inventory import load_inventory
from onshi.model import Status
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.platforms.fortinet.tree import parse_tree
from onshi.policy import FacilityPolicy, HostData
from onshi.sources import ConfigText
from tests.helpers import SAMPLE_INVENTORY, assert_case, audit_fixture, findings, fixture_path
from tests.remediation import apply_fortios

FAIL, PASS, MANUAL = Status.FAIL, Status.PASS, Status.MANUAL
LEDGER = {"model": "FG-60F", "serial": "FGT60FTK21000123", "location": "受付 ラック"}
POLICY: dict[str, Any] = (
    load_inventory(SAMPLE_INVENTORY).host("momiji-fw1").policy.model_dump(mode="json", by_alias=True)
)

# (fixture, rule, status, evidence lines, message phrase)
CASES: list[tuple[str, str, Status, list[int], str]] = [
    # a guest→internal policy with service ALL above the deny (policy 4, line 157)
    ("fw_violations.cfg", "SEG-02", FAIL, [22, 37, 163], "guest_wifi reaches onshi"),
    ("fw_compliant.cfg", "SEG-02", PASS, [], "reach only the internet"),
    ("fw_compliant.cfg", "SEG-01", PASS, [], "except the declared flows"),
    ("fw_compliant.cfg", "SEG-05", PASS, [], "only the claims network"),
    # a VIP forwarding tcp/3389 to the receipt computer, and the policy letting it in
    ("fw_violations.cfg", "EXT-02", FAIL, [99], "192.168.10.20:3389 is exposed to the internet as wan1:3389"),
    ("fw_violations.cfg", "EXT-01", FAIL, [13, 22, 205], "reaches onshi"),
    ("fw_compliant.cfg", "EXT-01", PASS, [], "dropped"),
    ("fw_compliant.cfg", "EXT-02", PASS, [], "No static NAT"),
    # allowaccess ping https ssh http telnet on wan1
    ("fw_violations.cfg", "EXT-03", FAIL, [16], "wan1 faces the internet and answers management (https, ssh, http, telnet)"),
    ("fw_violations.cfg", "MGMT-01", FAIL, [7, 16], "telnet accepts telnet"),
    ("fw_violations.cfg", "MGMT-01", FAIL, [16, 25, 47], "HTTP server"),
    ("fw_compliant.cfg", "EXT-03", PASS, [49, 58], "restricted"),
    ("fw_compliant.cfg", "MGMT-01", PASS, [49], "encrypted protocols only"),
    ("fw_compliant.cfg", "MGMT-02", PASS, [49], "declared management sources"),
    # SSL-VPN on wan1 with TLS 1.0 (line 130), on a release with exploited SSL-VPN flaws
    ("fw_violations.cfg", "MGMT-04", FAIL, [129, 130, 131, 132, 133, 134, 135], "SSL-VPN vpn ssl settings is open"),
    ("fw_violations.cfg", "MGMT-04", FAIL, [16, 25, 47], "HTTPS management accepts 1.1"),
    ("fw_violations.cfg", "MGMT-04", FAIL, [129, 130, 131, 132, 133, 134, 135], "accepts TLS 1.0"),
    ("fw_violations.cfg", "VPN-07", FAIL, [129, 130, 131, 132, 133, 134, 135], "not declared in the inventory"),
    ("fw_violations.cfg", "VPN-08", FAIL, [129, 230], "lets user vendor-kobayashi log in with a password"),
    ("fw_violations.cfg", "DOC-02", FAIL, [1], "6.4.5 is affected by CVE-2022-42475"),
    ("fw_compliant.cfg", "MGMT-04", PASS, [49], "TLS 1.2, 1.3 only"),
    ("fw_compliant.cfg", "DOC-02", PASS, [1], "7.2.8 meets the declared minimum"),
    # a phase1 with 3des-sha1 and DH group 2
    ("fw_violations.cfg", "VPN-03", FAIL, [109, 114, 115], "3des, sha1, DH group 2"),
    ("fw_compliant.cfg", "VPN-03", PASS, [98, 111], "strong"),
    ("fw_violations.cfg", "VPN-04", MANUAL, [117], "stored encrypted"),
    ("fw_compliant.cfg", "VPN-05", PASS, [105], "keepalive"),
    ("fw_compliant.cfg", "VPN-07", PASS, [98], "declared and pinned"),
    # a VAP with TKIP
    ("fw_violations.cfg", "WLAN-01", FAIL, [144, 145, 146, 147, 148, 149], "MOMIJI-GUEST uses TKIP"),
    ("fw_compliant.cfg", "WLAN-01", PASS, [123, 124, 125, 126, 127, 128], "WPA2 with AES"),
    # accounts, logs, anti-spoofing
    ("fw_compliant.cfg", "AUTH-02", PASS, [59, 65], "strong irreversible hash"),
    ("fw_compliant.cfg", "AUTH-03", PASS, [59, 65], "momiji-admin, vendor-fujita"),
    ("fw_violations.cfg", "AUTH-04", FAIL, [7, 16], "telnet times out after 30 minutes"),
    ("fw_compliant.cfg", "AUTH-06", PASS, [5], "locked out"),
    ("fw_compliant.cfg", "LOG-01", PASS, [68, 69, 70], "133.243.238.164"),
    ("fw_compliant.cfg", "LOG-02", PASS, [78, 79], "192.168.99.10"),
    ("fw_compliant.cfg", "EXT-05", PASS, [16], "Spoofed sources are dropped on wan1"),
    ("fw_violations.cfg", "EXT-05", FAIL, [13], "wan1 accepts packets with private"),
    ("fw_compliant.cfg", "MGMT-06", PASS, [185, 186], "USB storage is disabled"),
]  # fmt: skip
_REPORTS: dict[str, AuditReport] = {}


def _report(fixture: str) -> AuditReport:
    if fixture not in _REPORTS:
        _REPORTS[fixture] = audit_fixture(fixture, "fortinet", policy=POLICY, **LEDGER)
    return _REPORTS[fixture]


@pytest.mark.parametrize(("fixture", "rule", "status", "lines", "phrase"), CASES)
def test_rule_on_fortigate_config(fixture: str, rule: str, status: Status, lines: list[int], phrase: str) -> None:
    assert_case(_report(fixture), rule, status, lines, phrase)


def test_the_compliant_fortigate_fails_no_rule() -> None:
    report = _report("fw_compliant.cfg")
    assert [(f.rule, f.message.en) for f in report.findings if f.status is FAIL] == []
    assert report.devices[0].unrecognized == ()


def test_the_examples_name_the_guest_leak_and_the_forwarded_rdp() -> None:
    report = _report("fw_violations.cfg")
    guest = next(f for f in findings(report, "SEG-02") if f.status is FAIL)
    assert guest.example_packet is not None
    assert (guest.example_packet.src, guest.example_packet.dst) == ("192.168.100.23", "192.168.10.5")
    rdp = next(f for f in findings(report, "EXT-01") if f.path == ("internet", "onshi"))
    assert rdp.example_packet is not None
    assert (rdp.example_packet.dst, rdp.example_packet.dst_port) == ("192.168.10.20", 3389)


def test_a_disabled_policy_is_ignored_and_a_deny_above_wins() -> None:
    """First match by the order written: with the guest accept disabled, the deny below it decides."""
    path = SAMPLE_INVENTORY / "configs" / "momiji-fw1.cfg"
    text = path.read_text(encoding="utf-8").replace('        set name "guest-to-internal"\n',
                                                    '        set name "guest-to-internal"\n        set status disable\n')  # fmt: skip
    report = audit([DeviceJob("fw", "fortinet", ConfigText(text, "fw.cfg", "utf-8"), facility="f",
                              policy=FacilityPolicy.model_validate(POLICY))])  # fmt: skip
    assert {f.status for f in findings(report, "SEG-02")} == {PASS}


def test_the_violations_fixture_is_the_sample_clinics_firewall() -> None:
    """The cases above cite the sample's own config: the two must not drift apart."""
    sample = (SAMPLE_INVENTORY / "configs" / "momiji-fw1.cfg").read_text(encoding="utf-8")
    assert fixture_path("fortinet", "fw_violations.cfg").read_text(encoding="utf-8") == sample


def test_administration_over_ipv6_is_read_from_ip6_allowaccess() -> None:
    """FortiOS keeps IPv6 administration apart (``ip6-allowaccess`` in the interface's ``config
    ipv6``): SSH and TELNET answered there on the internet side are exposed like IPv4's, and the
    remediation rewrites that list, which the re-audit then passes."""
    text = fixture_path("fortinet", "fw_compliant.cfg").read_text(encoding="utf-8")
    opened = text.replace(
        "        set password ENC Ek8kB2WoDSa3mF1Qz5Ry7Uw9Kd6Zv0\n    next\n",
        "        set password ENC Ek8kB2WoDSa3mF1Qz5Ry7Uw9Kd6Zv0\n        config ipv6\n            set ip6-mode pppoe\n"
        "            set ip6-allowaccess ping ssh telnet\n        end\n    next\n",
        1,
    )
    assert opened != text
    policy = FacilityPolicy.model_validate(POLICY)
    report = audit([DeviceJob("fw", "fortinet", ConfigText(opened, "fw.cfg", "utf-8"), facility="f", policy=policy,
                              host_data=HostData.model_validate({"role": "firewall", **LEDGER}))])  # fmt: skip
    assert report.devices[0].unrecognized == ()
    listening = [f for f in findings(report, "EXT-03") if f.status is FAIL]
    assert any("wan1" in f.message.en and "ssh, telnet" in f.message.en for f in listening), listening
    [telnet] = [f for f in findings(report, "MGMT-01") if f.status is FAIL]
    commands = "\n".join(telnet.remediation)
    assert "set ip6-allowaccess ping ssh" in commands
    fixed = apply_fortios(opened, telnet.remediation)
    again = audit([DeviceJob("fw", "fortinet", ConfigText(fixed, "fw.cfg", "utf-8"), facility="f", policy=policy)])
    assert FAIL not in {f.status for f in findings(again, "MGMT-01")}


FORWARDS = """config firewall vip
    edit "rdp-pc"
        set extintf "wan1"
        set portforward enable
        set mappedip "192.168.20.30"
        set extport 3389
        set mappedport 3389
    next
    edit "web-cam"
        set extintf "wan1"
        set portforward enable
        set mappedip "192.168.20.31"
        set extport 8080
        set mappedport 80
    next
end
config firewall vipgrp
    edit "cameras"
        set interface "wan1"
        set member "web-cam"
    next
end
config firewall policy
    edit 20
        set name "published"
        set srcintf "wan1"
        set dstintf "office"
        set srcaddr "all"
        set dstaddr "rdp-pc" "office-net"
        set action accept
        set schedule "always"
        set service "ALL"
    next
    edit 21
        set name "cameras"
        set srcintf "wan1"
        set dstintf "office"
        set srcaddr "all"
        set dstaddr "cameras"
        set action accept
        set schedule "always"
        set service "ALL"
    next
end
"""


def test_a_port_forward_is_removed_after_what_names_it() -> None:
    """FortiOS refuses to delete a VIP in use: a policy naming it beside another address loses that
    value; a group naming it alone goes, after the policy that names the group. Applied, both
    forwards are gone and the policy's other address stays."""
    text = fixture_path("fortinet", "fw_compliant.cfg").read_text(encoding="utf-8") + FORWARDS
    policy = FacilityPolicy.model_validate(POLICY)
    report = audit([DeviceJob("fw", "fortinet", ConfigText(text, "fw.cfg", "utf-8"), facility="f", policy=policy)])
    forwards = [f for f in findings(report, "EXT-02") if f.status is FAIL]
    assert len(forwards) == 2
    commands = tuple(command for finding in forwards for command in finding.remediation)
    assert '        unselect dstaddr "rdp-pc"' in commands
    assert (
        commands.index("    delete 21")
        < commands.index('    delete "cameras"')
        < commands.index('    delete "web-cam"')
    )
    fixed = apply_fortios(text, commands)
    again = audit([DeviceJob("fw", "fortinet", ConfigText(fixed, "fw.cfg", "utf-8"), facility="f", policy=policy)])
    assert again.devices[0].unrecognized == ()
    assert FAIL not in {f.status for f in findings(again, "EXT-02")}
    policies = parse_tree(fixed).block("firewall policy").entries
    assert policies["20"].values("dstaddr") == ("office-net",)
    assert "21" not in policies
