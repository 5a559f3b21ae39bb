"""Verdict errors found by outside tests: DPD per VPN, broadcast and multicast, FortiGate phase 2
selectors, and example packets a person can use."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from onshi.analysis.oracle import forward
from onshi.analysis.packets import Packet
from onshi.model import Status
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.policy import INTERNET, FacilityPolicy, HostData
from onshi.sources import ConfigText
from onshi.validators.reachability import network_of
from tests.helpers import CLINIC_POLICY, findings, fixture_path
from tests.test_rules_fortinet import POLICY as MOMIJI_POLICY

COMPLIANT = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8")
VIOLATIONS = fixture_path("cisco_ios", "edge_violations.cfg").read_text(encoding="utf-8")
FORTIGATE = fixture_path("fortinet", "fw_violations.cfg").read_text(encoding="utf-8")


def _audit(text: str, platform: str = "cisco_ios", policy: object = CLINIC_POLICY) -> AuditReport:
    job = DeviceJob("r1", platform, ConfigText(text, "r1.cfg", "utf-8"), facility="f",
                    policy=FacilityPolicy.model_validate(policy),
                    host_data=HostData.model_validate({"role": "edge_router"}))  # fmt: skip
    return audit([job])


def _inserted(text: str, before: str, lines: list[str]) -> str:
    rows = text.splitlines()
    index = rows.index(before)
    return "\n".join([*rows[:index], *lines, *rows[index:]]) + "\n"


# --- VPN-05: dead-peer detection per VPN ------------------------------------------------------------------

IKEV1_MAP = [
    "crypto isakmp policy 10",
    " encr aes 256",
    " hash sha256",
    " authentication pre-share",
    " group 14",
    "crypto map CLAIMS-MAP 20 ipsec-isakmp",
    " set peer 198.51.100.20",
    " set transform-set CLAIMS-TS",
    " match address CLAIMS-ACL",
]


def test_an_ikev1_crypto_map_without_keepalive_fails_beside_an_ikev2_profile_with_dpd() -> None:
    assert [f.status for f in findings(_audit(COMPLIANT), "VPN-05")] == [Status.PASS]
    report = _audit(_inserted(COMPLIANT, "crypto map CLAIMS-MAP 10 ipsec-isakmp", IKEV1_MAP))
    vpn05 = findings(report, "VPN-05")
    assert [(f.status, f.message.en.split(" has ")[0]) for f in vpn05] == [(Status.FAIL, "crypto map CLAIMS-MAP 20")]


def test_a_global_isakmp_keepalive_covers_the_ikev1_map() -> None:
    text = _inserted(COMPLIANT, "crypto map CLAIMS-MAP 10 ipsec-isakmp", [*IKEV1_MAP, "crypto isakmp keepalive 30 5"])
    vpn05 = findings(_audit(text), "VPN-05")
    assert [f.status for f in vpn05] == [Status.PASS]
    assert "crypto map CLAIMS-MAP 10" in vpn05[0].message.en
    assert "crypto map CLAIMS-MAP 20" in vpn05[0].message.en


# --- broadcast and multicast are not routed ---------------------------------------------------------------


def _office_to_internet(text: str) -> tuple[object, object]:
    report = _audit(text)
    network = network_of(report.inputs[0])
    return network, network.reach("office", INTERNET)


def test_the_limited_broadcast_and_multicast_are_never_forwarded_without_multicast_routing() -> None:
    network, reach = _office_to_internet(VIOLATIONS)
    sp = network.space  # type: ignore[attr-defined]
    for destination in ("255.255.255.255/32", "224.0.0.0/4", "0.0.0.0/8", "127.0.0.0/8"):
        leaked = reach.packets & sp.network("dst", ipaddress.ip_network(destination))  # type: ignore[attr-defined]
        assert sp.is_empty(leaked), destination
    assert not sp.is_empty(reach.packets & sp.network("dst", ipaddress.ip_network("203.0.113.0/24")))  # type: ignore[attr-defined]
    interface = network.interfaces["gigabitethernet0/1"]  # type: ignore[attr-defined]
    dhcp = Packet(
        ipaddress.ip_address("192.168.1.23"), ipaddress.ip_address("255.255.255.255"), 17, 68, 67, 0, 0, False
    )
    ssdp = Packet(ipaddress.ip_address("192.168.1.23"), ipaddress.ip_address("239.255.255.250"), 17, 50000, 1900, 0, 0,
                  False)  # fmt: skip
    for packet in (dhcp, ssdp):  # the single-packet oracle agrees
        assert INTERNET not in forward(network, interface, packet).zones  # type: ignore[arg-type]


def test_with_multicast_routing_multicast_is_forwarded_and_named_an_approximation() -> None:
    text = _inserted(VIOLATIONS, "ip http server", ["ip multicast-routing"])
    network, reach = _office_to_internet(text)
    sp = network.space  # type: ignore[attr-defined]
    assert not sp.is_empty(reach.packets & sp.network("dst", ipaddress.ip_network("224.0.0.0/4")))  # type: ignore[attr-defined]
    assert not reach.exact  # type: ignore[attr-defined]
    assert any("multicast routing is on" in reason for reason in reach.reasons)  # type: ignore[attr-defined]


# --- FortiGate phase 2 selectors --------------------------------------------------------------------------


def _any_source_to_claims(text: str) -> str:
    """Policy 1 widened to every source of internal and office: only the selectors still narrow it."""
    text = text.replace(
        '''        set srcintf "internal"
        set dstintf "claims"
        set srcaddr "onshi-net"''',
        '''        set srcintf "internal" "office"
        set dstintf "claims"
        set srcaddr "all"''',
    )
    assert '"internal" "office"' in text
    return text


def test_phase_2_selectors_decide_what_enters_the_tunnel() -> None:
    report = _audit(_any_source_to_claims(FORTIGATE), "fortinet", MOMIJI_POLICY)
    network = network_of(report.inputs[0])
    assert network.space.is_empty(network.reach("office", "claims").packets)
    assert [f.status for f in findings(report, "VPN-06")] == [Status.PASS]
    assert not network.space.is_empty(network.reach("onshi", "claims").packets)


def test_without_narrow_selectors_the_widened_policy_leaks_office_traffic_into_the_tunnel() -> None:
    any_selector = _any_source_to_claims(FORTIGATE).replace(
        "        set src-subnet 192.168.10.0 255.255.255.0\n", ""
    )  # fmt: skip
    report = _audit(any_selector, "fortinet", MOMIJI_POLICY)
    network = network_of(report.inputs[0])
    assert not network.space.is_empty(network.reach("office", "claims").packets)
    assert Status.FAIL in [f.status for f in findings(report, "VPN-06")]


# --- example packets a person can use ---------------------------------------------------------------------

_NOT_A_HOST = [ipaddress.ip_network(n) for n in ("0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3", "::/127", "ff00::/8",
                                                 "fe80::/10")]  # fmt: skip


def _usable(address: str, policy: FacilityPolicy) -> bool:
    if address.startswith("<"):
        return True  # a stand-in for an address learnt at run time, labelled by its interface
    ip = ipaddress.ip_address(address)
    if any(ip in network for network in _NOT_A_HOST if network.version == ip.version):
        return False
    edges = {edge for s in policy.segments for p in s.prefixes if p.num_addresses > 2
             for edge in (p.network_address, *([p.broadcast_address] if p.version == 4 else []))}  # fmt: skip
    return ip not in edges


@settings(max_examples=25, deadline=None)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["permit", "deny"]),
            st.sampled_from(["ip", "tcp", "udp", "icmp"]),
            st.sampled_from(["any", "192.168.1.0 0.0.0.255", "host 192.168.1.0", "host 192.168.1.255"]),
            st.sampled_from(["any", "host 255.255.255.255", "224.0.0.0 15.255.255.255", "192.168.10.0 0.0.0.255",
                             "host 192.168.10.0", "host 192.168.10.255", "0.0.0.0 0.255.255.255"]),
        ),
        min_size=1,
        max_size=6,
    )
)  # fmt: skip
def test_no_example_packet_is_a_network_broadcast_or_multicast_address(
    entries: list[tuple[str, str, str, str]],
) -> None:
    lines = [f" {action} {protocol} {source} {destination}" for action, protocol, source, destination in entries]
    text = VIOLATIONS.replace(
        "interface GigabitEthernet0/1\n", "interface GigabitEthernet0/1\n ip access-group LEAK in\n"
    )
    text = _inserted(text, "end", ["ip access-list extended LEAK", *lines])
    report = _audit(text)
    policy = FacilityPolicy.model_validate(CLINIC_POLICY)
    for finding in report.findings:
        example = finding.example_packet
        if example is None:
            continue
        assert _usable(example.src, policy), (finding.rule, example.describe())
        assert _usable(example.dst, policy), (finding.rule, example.describe())


def test_a_wifi_key_onshi_cannot_read_is_manual_not_not_applicable(sample_report: AuditReport) -> None:
    """The FortiGate stores its guest SSID's passphrase encrypted: the check was not made, so it is
    for a person to confirm (it used to read as not applicable, and vanish from the to-do list)."""
    [finding] = [f for f in sample_report.findings if f.rule == "WLAN-05" and f.host == "momiji-fw1"]
    assert finding.status is Status.MANUAL
    assert "MOMIJI-GUEST" in finding.message.en
    assert "13 characters or more" in finding.message.en


# --- what is missing: an interface that filters nothing inbound ---------------------------------------------


def test_a_leak_through_an_interface_without_inbound_filter_says_so_and_cites_its_block(
    sample_report: AuditReport,
) -> None:
    """sakura's Dialer1 binds no inbound ACL: the EXT-01 finding says what is missing, in both
    languages, and cites the interface block it is missing from."""
    leak = next(f for f in findings(sample_report, "EXT-01", "sakura-rtr1") if f.status is Status.FAIL)
    assert leak.message.en.endswith("No inbound IPv4 filter is bound to Dialer1, and no firewall policy applies there.")
    assert "Dialer1 には受信方向の IPv4 フィルタが設定されておらず" in leak.message.ja
    assert "interface Dialer1" in [e.text for e in leak.evidence]


def test_a_leak_through_a_bound_filter_does_not_call_it_missing() -> None:
    """WAN-IN is bound and lets RDP in: the filter is there, only too wide."""
    opened = _inserted(COMPLIANT, " deny   ip any any log", [" permit tcp any any eq 3389"])
    leaks = [f for f in findings(_audit(opened), "EXT-01") if f.status is Status.FAIL]
    assert leaks
    assert all("No inbound" not in f.message.en for f in leaks), [f.message.en for f in leaks]
