"""Shared test helpers: fixtures by platform and name, audits of single configs, finding lookup."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from onshi.analysis.network import DeviceNetwork
from onshi.analysis.oracle import forward
from onshi.analysis.packets import Packet
from onshi.model import Finding, Status
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.policy import DEVICE, INTERNET, FacilityPolicy, HostData
from onshi.sources import read_config_file

TESTS = Path(__file__).parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SAMPLE_INVENTORY = REPO / "inventory"
# The sample's devices and their facilities (inventory groups), in inventory order.
SAMPLE_DEVICES = {
    "sakura-rtr1": "clinic_sakura", "sakura-ap1": "clinic_sakura", "aoba-rtr1": "pharmacy_aoba",
    "kaede-rtr1": "clinic_kaede", "kaede-ap1": "clinic_kaede", "himawari-rtr1": "clinic_himawari",
    "momiji-fw1": "clinic_momiji", "tsubaki-rtr1": "clinic_tsubaki", "tsubaki-vpn-claims": "clinic_tsubaki",
    "tsubaki-vpn-vendor": "clinic_tsubaki", "kiri-rtr1": "clinic_kiri", "kiri-fw1": "clinic_kiri",
    "ayame-rtr1": "clinic_ayame",
}  # fmt: skip
CORPUS = REPO.parent / "shared" / "corpus"

# A facility policy for the fixture configs (the sample inventory's policies belong to the sample).
CLINIC_POLICY: dict[str, Any] = {
    "name": "テスト診療所",
    "code": "1399999999",
    "connection": "ipsec_ike",
    "segments": [
        {"name": "onshi", "kind": "onshi", "level": "high", "ipv4": ["192.168.10.0/24"]},
        {"name": "office", "kind": "office", "level": "medium", "ipv4": ["192.168.1.0/24"]},
        {"name": "staff_wifi", "kind": "staff_wifi", "level": "medium", "ipv4": ["192.168.40.0/24"], "vlan": 40,
         "ssids": ["CLINIC-STAFF", "CLINIC-OLD", "CLINIC-WPA"]},
        {"name": "guest_wifi", "kind": "guest_wifi", "level": "low", "ipv4": ["192.168.100.0/24"],
         "ssids": ["CLINIC-GUEST", "OPEN-LOBBY"]},
        {"name": "mgmt", "kind": "management", "level": "high", "ipv4": ["192.168.99.0/24"]},
    ],
    "vpns": [
        {"name": "claims", "kind": "claims_network", "owner": "請求網事業者", "peers": ["198.51.100.9"],
         "local_segments": ["onshi"]},
    ],
    "flows": [{"from": "office", "to": "internet"}],
    "management_sources": ["192.168.99.0/24"],
    "ntp_servers": ["133.243.238.164"],
    "syslog_servers": ["192.168.99.10"],
    "min_os_versions": {"cisco_ios": "15.9"},
}  # fmt: skip


def fixture_path(platform: str, name: str) -> Path:
    return FIXTURES / platform / name


def audit_fixture(
    name: str,
    platform: str = "cisco_ios",
    *,
    policy: dict[str, Any] | None = None,
    role: str | None = "edge_router",
    **host_data: Any,
) -> AuditReport:
    """Audit one fixture config as a host with the given policy (None: no inventory, as audit-file)."""
    path = fixture_path(platform, name)
    facility = FacilityPolicy.model_validate(policy) if policy is not None else None
    data = HostData.model_validate({"role": role, **host_data}) if role is not None else None
    job = DeviceJob(path.stem, platform, read_config_file(path), facility="test", policy=facility, host_data=data)
    return audit([job])


def findings(report: AuditReport, rule: str, host: str | None = None) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule and (host is None or f.host == host)]


def statuses(report: AuditReport, rule: str, host: str | None = None) -> list[Status]:
    return [f.status for f in findings(report, rule, host)]


def evidence_lines(finding: Finding) -> list[int]:
    return [evidence.line for evidence in finding.evidence]


def only(report: AuditReport, rule: str, status: Status, host: str | None = None) -> Finding:
    """The single finding of ``rule`` with ``status``; fails the test when there is not exactly one."""
    matching = [f for f in findings(report, rule, host) if f.status is status]
    assert len(matching) == 1, [(f.status, f.message.en) for f in findings(report, rule, host)]
    return matching[0]


def assert_case(report: AuditReport, rule: str, status: Status, lines: list[int], phrase: str) -> None:
    """A finding of ``rule`` with ``status`` whose English message says ``phrase`` cites exactly ``lines``."""
    matching = [f for f in findings(report, rule) if f.status is status and phrase in f.message.en]
    assert matching, [(f.status, f.message.en) for f in findings(report, rule)]
    assert evidence_lines(matching[0]) == lines


def assert_forwarded_only_to(
    network: DeviceNetwork, interface: str, zone: str, packet: Packet, expected: str | None, config: str
) -> None:
    """``packet`` arriving on ``interface`` (in ``zone``) goes to ``expected`` and nowhere else, both by
    onshi's single-packet oracle and in the engine's exact set for every destination."""
    verdict = forward(network, network.interfaces[interface], packet)
    assert verdict.zones == ({expected} if expected else set()), (config, packet, expected, verdict)
    for destination in [*network.zones(), DEVICE]:
        reach = network.reach(zone, destination)
        assert reach.exact, reach.reasons
        in_set = network.space.contains(reach.packets, packet)
        assert in_set == (destination == expected), (config, packet, destination, expected)


def _facility_text(group: str, body: dict[str, Any]) -> set[str]:
    """A facility's name, code, hosts and VPN peers, as the inventory states them."""
    facility = body["data"]["facility"]
    found = {group, facility["name"], facility["code"]}
    found |= {str(peer) for vpn in facility.get("vpns", []) for peer in vpn.get("peers", [])}
    return found | {host for host, owner in SAMPLE_DEVICES.items() if owner == group}


def other_facilities_text(keep: str) -> list[str]:
    """What names every facility but ``keep`` and not ``keep`` itself (two clinics may share a peer)."""
    groups = yaml.safe_load((SAMPLE_INVENTORY / "groups.yaml").read_text(encoding="utf-8"))
    own = _facility_text(keep, groups[keep])
    others = set().union(*(_facility_text(group, body) for group, body in groups.items() if group != keep))
    return sorted(others - own)


@dataclass(frozen=True)
class PacketShape:
    """The packets a single-device property test draws: from a zone's hosts (or the internet) to
    the hosts and ports its random configurations name."""

    hosts: tuple[str, ...]
    ports: tuple[int, ...]
    dst_ports: tuple[int, ...] = ()  # () : ``ports``
    protocols: tuple[int, ...] = (6, 6, 17, 1, 50)
    icmp_types: tuple[int, ...] = (0, 8, 3)
    internet_sources: tuple[str, ...] = ("198.51.100.7", "8.8.8.8", "10.0.1.5")
    segments: Mapping[str, str] = field(default_factory=lambda: {"a": "10.0.1.0/24", "b": "10.0.2.0/24"})


@st.composite
def shaped_packets(draw: st.DrawFn, zone: str, shape: PacketShape) -> Packet:
    if zone == INTERNET:
        source = ipaddress.ip_address(draw(st.sampled_from(shape.internet_sources)))
    else:
        source = ipaddress.ip_network(shape.segments[zone])[draw(st.integers(2, 250))]
    protocol = draw(st.sampled_from(shape.protocols))
    ported = protocol in (6, 17)
    return Packet(
        src=source,
        dst=ipaddress.ip_address(draw(st.sampled_from(shape.hosts))),
        protocol=protocol,
        src_port=draw(st.sampled_from(shape.ports)) if ported else 0,
        dst_port=draw(st.sampled_from(shape.dst_ports or shape.ports)) if ported else 0,
        icmp_type=draw(st.sampled_from(shape.icmp_types)) if protocol == 1 else 0,
        established=False,
    )


def assert_reference_agrees(
    network: DeviceNetwork,
    zone_of: Mapping[str, str],
    data: st.DataObject,
    shape: PacketShape,
    destination: Callable[[str, Packet], str | None],
    config: str,
) -> None:
    """Random packets from each interface's zone go where the reference says, by the engine's sets
    and by the single-packet oracle (interface names as the config writes them)."""
    for interface, zone in zone_of.items():
        for _ in range(4):
            packet = data.draw(shaped_packets(zone, shape), label=f"packet from {zone}")
            assert_forwarded_only_to(network, interface.lower(), zone, packet, destination(interface, packet), config)


def two_segments(code: str) -> FacilityPolicy:
    """The facility of the single-device property tests: segment a (onshi terminals, 10.0.1.0/24)
    and segment b (office, 10.0.2.0/24), over IPsec+IKE."""
    return FacilityPolicy.model_validate({
        "name": "random", "code": code, "connection": "ipsec_ike",
        "segments": [
            {"name": "a", "kind": "onshi", "level": "high", "ipv4": ["10.0.1.0/24"]},
            {"name": "b", "kind": "office", "level": "medium", "ipv4": ["10.0.2.0/24"]},
        ],
    })  # fmt: skip
