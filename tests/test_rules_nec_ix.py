"""Every rule on NEC IX configs, passing and failing, through the neutral model.

``edge_violations.cfg`` is the sample clinic's IX2215 (telnet open from the WAN, an RDP port forward,
aggressive-mode IKE with MD5 and DH group 1, a guest filter with no deny of the internal networks,
IPv6 on the WAN with no inbound filter); ``edge_compliant.cfg`` is the same clinic put right. Lines
are 1-based lines of the fixture file.
"""

from __future__ import annotations

from typing import Any

import pytest

from onshi.inventory import load_inventory
from onshi.model import Acl, SecretStorage, Status
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.platforms import get_driver
from onshi.platforms.identify import identify
from onshi.platforms.nec_ix.parser import parse
from onshi.sources import ConfigText
from tests.helpers import CORPUS, SAMPLE_INVENTORY, assert_case, audit_fixture, findings, fixture_path

FAIL, PASS, MANUAL = Status.FAIL, Status.PASS, Status.MANUAL
LEDGER = {"model": "IX2215", "serial": "23A1234567", "location": "事務室 ラック"}
POLICY: dict[str, Any] = (
    load_inventory(SAMPLE_INVENTORY).host("ayame-rtr1").policy.model_dump(mode="json", by_alias=True)
)

# (fixture, rule, status, evidence lines, message phrase)
CASES: list[tuple[str, str, Status, list[int], str]] = [
    # the guest filter permits every destination: no deny of the internal networks before it
    ("edge_violations.cfg", "SEG-02", FAIL, [38, 79, 92], "guest_wifi reaches onshi"),
    ("edge_compliant.cfg", "SEG-02", PASS, [44, 45, 46, 47, 105], "reach only the internet"),
    ("edge_compliant.cfg", "SEG-01", PASS, [38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 91, 98, 105, 112],
     "except the declared flows"),
    ("edge_violations.cfg", "SEG-05", PASS, [28, 29, 82], "reaches only the claims network"),
    # the WAN filter lets tcp/3389 and telnet in; IPv6 on the WAN port has no filter at all
    ("edge_violations.cfg", "EXT-01", FAIL, [25, 66, 79], "IPv4 traffic from the internet reaches onshi"),
    ("edge_violations.cfg", "EXT-01", FAIL, [59], "IPv6 traffic from the internet reaches device"),
    ("edge_compliant.cfg", "EXT-01", PASS, [22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 85],
     "Unsolicited traffic from the internet"),
    ("edge_violations.cfg", "EXT-02", FAIL, [73], "192.168.20.5:3389 is exposed to the internet as GigaEthernet0.1"),
    ("edge_violations.cfg", "EXT-03", FAIL, [49, 59], "telnet-server accepts any source"),
    ("edge_compliant.cfg", "EXT-03", PASS, [], "restricted"),
    ("edge_violations.cfg", "EXT-05", FAIL, [66, 76], "GigaEthernet0.1 accepts packets with private"),
    ("edge_compliant.cfg", "EXT-05", PASS, [22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 75, 85],
     "Spoofed sources are dropped on GigaEthernet0.1"),
    # IKE and IPsec
    ("edge_violations.cfg", "VPN-03", FAIL, [40], "3des, md5, DH group 1"),
    ("edge_violations.cfg", "VPN-03", FAIL, [42], "aggressive mode"),
    ("edge_violations.cfg", "VPN-03", FAIL, [45], "uses sha1"),
    ("edge_violations.cfg", "VPN-03", FAIL, [47], "perfect forward secrecy"),
    ("edge_compliant.cfg", "VPN-03", PASS, [53, 58, 60], "strong"),
    ("edge_violations.cfg", "VPN-04", FAIL, [42], "has 9 characters"),
    ("edge_compliant.cfg", "VPN-04", PASS, [55], "strong, distinct pre-shared keys"),
    ("edge_violations.cfg", "VPN-05", PASS, [43], "Tunnel0.0"),
    ("edge_compliant.cfg", "VPN-06", PASS, [50, 51, 127], "only its declared segments"),
    ("edge_violations.cfg", "VPN-07", PASS, [112], "declared and pinned"),
    # management, accounts, logs
    ("edge_violations.cfg", "MGMT-01", FAIL, [49], "telnet-server accepts telnet"),
    ("edge_compliant.cfg", "MGMT-01", PASS, [], "encrypted protocols only"),
    ("edge_violations.cfg", "AUTH-02", FAIL, [10], "vendor-mori is stored in plain text"),
    ("edge_compliant.cfg", "AUTH-02", MANUAL, [9], "ayame-ito is stored in a form onshi does not know"),
    ("edge_compliant.cfg", "AUTH-04", MANUAL, [], "console sets no idle timeout"),
    ("edge_compliant.cfg", "LOG-01", PASS, [17], "133.243.238.164"),
    ("edge_violations.cfg", "LOG-02", FAIL, [], "No syslog server"),
    ("edge_compliant.cfg", "LOG-02", MANUAL, [15], "log logins and configuration changes"),
    ("edge_compliant.cfg", "DOC-02", PASS, [2], "10.2.16 meets the declared minimum 10.2"),
]  # fmt: skip
_REPORTS: dict[str, AuditReport] = {}


def _report(fixture: str) -> AuditReport:
    if fixture not in _REPORTS:
        _REPORTS[fixture] = audit_fixture(fixture, "nec_ix", policy=POLICY, **LEDGER)
    return _REPORTS[fixture]


@pytest.mark.parametrize(("fixture", "rule", "status", "lines", "phrase"), CASES)
def test_rule_on_ix_config(fixture: str, rule: str, status: Status, lines: list[int], phrase: str) -> None:
    assert_case(_report(fixture), rule, status, lines, phrase)


def test_the_compliant_ix_fails_no_rule() -> None:
    report = _report("edge_compliant.cfg")
    assert [(f.rule, f.message.en) for f in report.findings if f.status is FAIL] == []
    assert report.devices[0].unrecognized == ()


def test_the_violations_fixture_is_the_sample_clinics_router() -> None:
    sample = (SAMPLE_INVENTORY / "configs" / "ayame-rtr1.cfg").read_text(encoding="utf-8")
    assert fixture_path("nec_ix", "edge_violations.cfg").read_text(encoding="utf-8") == sample


def test_the_examples_name_the_guest_leak_and_the_forwarded_rdp() -> None:
    report = _report("edge_violations.cfg")
    guest = next(f for f in findings(report, "SEG-02") if f.path == ("guest_wifi", "onshi"))
    assert guest.example_packet is not None
    assert (guest.example_packet.src, guest.example_packet.dst) == ("192.168.100.23", "192.168.10.5")
    rdp = next(f for f in findings(report, "EXT-01") if f.path == ("internet", "onshi"))
    assert rdp.example_packet is not None
    assert (rdp.example_packet.protocol, rdp.example_packet.dst_port) == ("tcp", 3389)


def test_filters_bound_by_sequence_make_one_list_with_the_implicit_deny() -> None:
    text = ("ip access-list second permit tcp src any sport any dest any dport eq 22\n"
            "ip access-list first deny tcp src any sport any dest any dport eq 22\n"
            "interface GigaEthernet0.0\n  ip address 192.0.2.1/24\n  ip filter second 20 in\n  ip filter first 10 in\n")  # fmt: skip
    device = parse(text, "seq.cfg")
    acl = device.acl(device.interfaces[0].acl_in)
    assert acl is not None
    assert [entry.action for entry in acl.entries] == ["deny", "permit"]  # sequence 10 before 20
    assert acl.unparsed_lines == ()


def test_what_is_not_read_is_said_never_guessed() -> None:
    text = ("ip access-list odd permit ip src any dest 50\n"  # a protocol where the destination goes
            "interface GigaEthernet0.1\n  ip napt enable\n  ip napt service web 192.168.1.5 none tcp 8080 80\n"
            "  ip filter missing 1 in\n")  # fmt: skip
    device = parse(text, "odd.cfg")
    assert [item.line for item in device.unrecognized] == [1, 4]  # the forward's two ports: either way round
    acl = device.acl(device.interfaces[0].acl_in)
    assert acl is not None
    assert acl.unparsed_lines == (5,)


def _bound(text: str) -> tuple[Acl, Acl]:
    """The lists the first interface binds in and out, every line of the text read."""
    device = parse(text, "lists.cfg")
    assert device.unrecognized == ()
    interface = device.interfaces[0]
    inbound, out = device.acl(interface.acl_in), device.acl(interface.acl_out)
    assert inbound is not None
    assert out is not None
    return inbound, out


def test_a_dynamic_list_passes_what_its_trigger_permits_and_a_deny_in_it_is_not_guessed() -> None:
    text = ("ip access-list any-list permit ip src any dest any\n"
            "ip access-list dyn permit tcp src any sport any dest any dport eq 22\n"  # a static list of the same name
            "ip access-list dynamic dyn access any-list\n"
            "ip access-list odd permit ip src any dest 10.0.0.0/8\n"
            "ip access-list odd deny ip src any dest any\n"
            "ip access-list dynamic odd-dyn access odd\n"
            "ip access-list dynamic timer tcp 3600\n"
            "interface GigaEthernet0.0\n  ip address 192.0.2.1/24\n  ip filter dyn 10 out\n  ip filter odd-dyn 10 in\n")  # fmt: skip
    inbound, out = _bound(text)
    # the dynamic list is bound, not the static one of its name: every packet starts a session
    assert [(e.action, e.protocol, e.stateful, e.line) for e in out.entries] == [("permit", "ip", True, 1)]
    assert out.unparsed_lines == ()
    # whether a trigger's deny discards or goes on to the next filter is not confirmed: not exact
    assert inbound.unparsed_lines == (6,)


def test_an_optimised_list_is_exact_only_where_its_order_cannot_matter() -> None:
    text = ("ip access-list invalid option optimize\n"
            "ip access-list invalid deny ip src 0.0.0.0/8 dest any\n"
            "ip access-list invalid deny ip src 127.0.0.0/8 dest any\n"
            "ip access-list mixed option optimize\n"
            "ip access-list mixed deny tcp src any sport any dest any dport eq 445\n"
            "ip access-list mixed permit ip src any dest any\n"
            "ipv6 access-list icmp6 permit icmp type 2 src any dest any\n"
            "interface GigaEthernet0.0\n  ip address dhcp receive-default\n  ip napt enable\n"
            "  ip napt hairpinning\n  ip napt translation tcp-timeout 7440\n"
            "  ip filter invalid 2 in suppress-logging\n  ip filter mixed 1 out\n  ipv6 enable\n"
            "  ipv6 filter icmp6 1 in\n")  # fmt: skip
    inbound, out = _bound(text)
    assert [entry.line for entry in inbound.entries] == [2, 3]  # bound despite suppress-logging
    assert inbound.unparsed_lines == ()  # denies only: the same in any order
    assert out.unparsed_lines == (4,)  # a deny before a permit: the optimised order is not known


def _ikev2_findings(text: str, rule: str) -> list[tuple[Status, str]]:
    report = audit([DeviceJob("v2", "nec_ix", ConfigText(text, "ikev2_tunnel.cfg", "utf-8"))], matrices=False)
    assert report.devices[0].unrecognized == ()
    return [(f.status, f.message.en) for f in report.findings if f.rule == rule]


def test_an_ikev2_profile_is_judged_by_what_it_offers() -> None:
    """``ikev2 profile``: the IKE SA's and the child SA's offers, PFS and DPD, read from the profile the
    tunnel binds; a 1024-bit group among the offers and ``child-pfs off`` fail VPN-03."""
    text = fixture_path("nec_ix", "ikev2_tunnel.cfg").read_text(encoding="utf-8")
    assert _ikev2_findings(text, "VPN-03") == [
        (FAIL, "ikev2 profile claims offers weak algorithms: DH group 2."),
        (FAIL, "ikev2 profile claims does not use perfect forward secrecy (PFS)."),
    ]
    assert [status for status, _ in _ikev2_findings(text, "VPN-05")] == [PASS]  # the profile's dpd interval
    strong = text.replace("dh 2048-bit 1024-bit", "dh 2048-bit").replace("child-pfs off", "child-pfs 2048-bit")
    assert [status for status, _ in _ikev2_findings(strong, "VPN-03")] == [PASS]


def test_an_ikev2_profile_leaving_algorithms_to_ix_defaults_is_not_guessed() -> None:
    text = fixture_path("nec_ix", "ikev2_tunnel.cfg").read_text(encoding="utf-8")
    for line in ("  sa-proposal dh 2048-bit 1024-bit\n", "  child-pfs off\n"):
        found = _ikev2_findings(text.replace(line, ""), "VPN-03")
        assert found == [(MANUAL, "IKEv2 runs on the platform's default proposal, whose algorithms depend on the "
                                  "release; configure an explicit proposal.")]  # fmt: skip
    unbound = text.replace("  ikev2 binding claims\n", "")  # the default profile: not in the config
    assert MANUAL in [status for status, _ in _ikev2_findings(unbound, "VPN-03")]


def test_napt_static_without_an_address_keeps_the_port_for_the_router() -> None:
    text = "interface GigaEthernet0.1\n  ip napt enable\n  ip napt static GigaEthernet0.1 udp 500\n"
    device = parse(text, "own.cfg")
    assert [rule.kind for rule in device.nat] == ["dynamic"]  # no forward to an inside host
    assert not device.unrecognized


def test_secrets_are_masked_and_described() -> None:
    text = fixture_path("nec_ix", "edge_violations.cfg").read_text(encoding="utf-8")
    device = parse(text, "edge_violations.cfg")
    shown = "\n".join(device.source.lines)
    for secret in ("Ayame2024", "Mori2020", "Pppoe-Ayame-2026", "1A2B3C4D5E6F7A8B9C0D"):
        assert secret not in shown
    assert {s.kind: s.storage for s in device.secrets} == {"user": SecretStorage.PLAINTEXT,
                                                          "ike_psk": SecretStorage.PLAINTEXT}  # fmt: skip
    assert get_driver("nec_ix").mask("  authentication password user@isp Secret-1") == (
        "  authentication password user@isp <masked>"
    )


def test_the_corpus_header_is_recognised_as_ix() -> None:
    text = (CORPUS / "nec_ix" / "ix2025-router1-first-showrun-aggressive-md5-telnet.cfg").read_text(encoding="utf-8")
    guess = identify(text)
    assert guess is not None
    assert guess.signature.platform == "nec_ix"
    facts = get_driver("nec_ix").parse_facts({"show version": text})
    assert (facts.model, facts.os_version) == ("IX2025", "9.5.20")
