"""Baselines for a facility of several devices: a maintenance vendor's VPN router on a segment of
the clinic, beside the generated edge router (the provider-router layout). The edge routes the
VPN's prefixes to that router, builds no tunnel for it, and admits the VPN's declared flows on that
segment's interface; composed with the vendor's router (filtering its tunnel and LAN side to the
declared flows, as the facility requires of it), the facility forwards exactly the declared flows,
checked by the exact engine over random policies on Cisco, Yamaha, FortiGate and NEC IX."""

from __future__ import annotations

import copy
import ipaddress
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from onshi.generate.build import GenerateErrors, generate, plan_inventory
from onshi.generate.plan import BaselinePlan, GenerateError
from onshi.generate.roles import plan_host
from onshi.inventory import HostEntry, Inventory, load_inventory
from onshi.model import Status
from onshi.pipeline import DeviceJob, Reading, audit
from onshi.platforms import get_driver
from onshi.policy import FacilityPolicy, HostData
from onshi.sources import ConfigText, SnapshotSource
from onshi.validators.facility import facility_roles
from tests.helpers import FIXTURES, SAMPLE_INVENTORY
from tests.test_generate import (
    SAMPLE_SECRETS,
    Drawn,
    _as_fortigate,
    _as_ix,
    _as_yamaha,
    _assert_exactly_declared,
    _policy_data,
    policies,
)

VENDOR_PEER = "198.51.100.7"
VENDOR_PREFIX = ipaddress.ip_network("172.20.0.0/24")
ROLES = {"cisco_ios": "edge_router", "yamaha_rtx": "edge_router", "fortinet": "firewall", "nec_ix": "edge_router"}
SHAPES = {"cisco_ios": lambda drawn: drawn, "yamaha_rtx": _as_yamaha, "fortinet": _as_fortigate, "nec_ix": _as_ix}


def vendor_router(address: str, gateway: str, flows: list[dict[str, Any]], segments: dict[str, str]) -> str:
    """The vendor's VPN router as a compliant facility requires it: its tunnel admits the VPN's
    declared flows into the facility, its LAN side the declared flows towards the VPN, nothing else."""

    def lines(flow: dict[str, Any], inward: bool) -> list[str]:
        facility_side = [ipaddress.ip_network(h) for h in flow.get("to_hosts" if inward else "from_hosts", [])]
        facility_side = facility_side or [ipaddress.ip_network(segments[flow["to" if inward else "from"]])]
        ports = [f" eq {port}" for port in flow.get("ports", [])] or [""]
        found = []
        for network in facility_side:
            near = f"{network.network_address} {network.hostmask}"
            far = f"{VENDOR_PREFIX.network_address} {VENDOR_PREFIX.hostmask}"
            source, destination = (far, near) if inward else (near, far)
            found += [f" permit {flow['protocol']} {source} {destination}{port}" for port in ports]
        return found

    tunnel_in = [line for f in flows if f["from"] == "vendor" for line in lines(f, True)]
    lan_in = [line for f in flows if f["to"] == "vendor" for line in lines(f, False)]
    return "\n".join([
        "hostname vendor-vr", "interface GigabitEthernet0/0", f" ip address {address} 255.255.255.0",
        " ip access-group VR-LAN in", "interface Tunnel1", " ip address 172.30.0.1 255.255.255.252",
        " ip access-group VR-TUNNEL in", " tunnel source GigabitEthernet0/0", f" tunnel destination {VENDOR_PEER}",
        f"ip route 0.0.0.0 0.0.0.0 {gateway}", f"ip route {VENDOR_PREFIX.network_address} {VENDOR_PREFIX.netmask} Tunnel1",
        "ip access-list extended VR-TUNNEL", *tunnel_in, " deny ip any any",
        "ip access-list extended VR-LAN", *lan_in, " deny ip any any", "end", "",
    ])  # fmt: skip


@st.composite
def layouts(draw: st.DrawFn) -> tuple[Drawn, str]:
    """A random IP-sec facility with a vendor VPN whose router sits on a segment other than EMR."""
    policy, variables, vpn_interfaces = draw(policies())
    names = [s["name"] for s in policy["segments"]]
    assume(policy["connection"] == "ipsec_ike" and any(v["name"] == "vendor" for v in policy["vpns"]))
    candidates = [name for name in names if name not in ("emr", "onshi")]
    assume(candidates)
    segment = draw(st.sampled_from(candidates))
    if draw(st.booleans()):
        policy["flows"].append({"from": "emr", "to": "vendor", "protocol": "tcp", "ports": [22]})
    router = str(ipaddress.ip_network(policy["segments"][names.index(segment)]["ipv4"][0]).network_address + 254)
    return (policy, {**variables, "vpn_routers": {"vendor": router}}, vpn_interfaces), segment


def _facility(platform: str, drawn: Drawn, segment: str) -> None:
    shaped = SHAPES[platform](drawn)
    policy, variables = shaped[0], {**shaped[1], "vpn_routers": drawn[1]["vpn_routers"]}
    router = variables["vpn_routers"]["vendor"]
    role = ROLES[platform]
    data = HostData.model_validate({"role": role, "vpn_interfaces": shaped[2], "baseline": variables})
    edge_interface = _edge_interface(platform, policy, data, segment)
    policy = {**policy, "topology": {"links": [
        {"device": "edge", "interface": edge_interface, "segment": segment},
        {"device": "vendor-vr", "interface": "GigabitEthernet0/0", "segment": segment},
    ]}}  # fmt: skip
    facility = FacilityPolicy.model_validate(policy)
    plan = plan_host(HostEntry("edge", platform, "f", facility, data), SAMPLE_SECRETS)
    text = get_driver(platform).render_baseline(plan, role)
    prefixes = {s["name"]: s["ipv4"][0] for s in policy["segments"]}
    gateway = str(ipaddress.ip_network(prefixes[segment]).network_address + 1)
    vendor = vendor_router(router, gateway, policy["flows"], prefixes)
    report = audit([
        DeviceJob("edge", platform, ConfigText(text, "edge.cfg", "utf-8"), facility="f", policy=facility,
                  host_data=data, reading=Reading.AUTHORED),
        DeviceJob("vendor-vr", "cisco_ios", ConfigText(vendor, "vendor-vr.cfg", "utf-8"), facility="f",
                  policy=facility, host_data=HostData.model_validate({"role": "edge_router"}), reading=Reading.AUTHORED),
    ])  # fmt: skip
    assert [d.unrecognized for d in report.devices] == [(), ()], text
    failing = [(f.host, f.rule, f.message.en) for f in report.findings if f.status is Status.FAIL and f.host == "edge"]
    assert failing == [], text
    roles = facility_roles(report.inputs)
    lead = next(inp for inp in report.inputs if inp.host == roles["edge"].lead)
    view = roles[lead.host].view
    assert view is not None
    _assert_exactly_declared(lead, view.network, others=(router,))


def _edge_interface(platform: str, policy: dict[str, Any], data: HostData, segment: str) -> str:
    """The edge's interface on ``segment`` as its generated config names it (the one holding the
    segment's gateway address), from a render without the topology."""
    probe = FacilityPolicy.model_validate({**policy, "topology": {"links": [
        {"device": "edge", "interface": "probe", "segment": segment},
        {"device": "vendor-vr", "interface": "GigabitEthernet0/0", "segment": segment},
    ]}})  # fmt: skip
    plan = plan_host(HostEntry("edge", platform, "f", probe, data), SAMPLE_SECRETS)
    device = get_driver(platform).parse(get_driver(platform).render_baseline(plan, ROLES[platform]), "edge.cfg")
    gateway = ipaddress.ip_network(next(s["ipv4"][0] for s in policy["segments"] if s["name"] == segment))[1]
    found = [i.name for i in device.interfaces if any(a.ip == gateway for a in i.ipv4)]
    assert found, ([(i.name, i.ipv4) for i in device.interfaces], gateway)
    return found[0]


@pytest.mark.parametrize("platform", sorted(ROLES))
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(layouts())
def test_the_edge_beside_a_vendor_vpn_router_forwards_exactly_the_declared_flows(
    platform: str, layout: tuple[Drawn, str]
) -> None:
    _facility(platform, *layout)


def _tsubaki(tmp_path: Path, vendor_fixed: bool) -> Path:
    """The sample with a baseline for clinic_tsubaki's internet router: one segment, the claims
    provider's and the maintenance vendor's VPN routers on it (the provider-router layout)."""
    folder = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, folder)
    hosts = yaml.safe_load((folder / "hosts.yaml").read_text(encoding="utf-8"))
    hosts["tsubaki-rtr1"]["data"]["baseline"] = {
        "lan_interface": "lan1", "uplink": {"kind": "pppoe", "interface": "lan2", "pppoe_username": "t@isp",
                                            "pppoe_password_env": "HIMAWARI_PPPOE_PASSWORD"},
        "vlans": {"onshi": 10}, "gateways": {"onshi": "192.168.10.1/24"},
        "vpn_routers": {"claims": "192.168.10.2", "vendor": "192.168.10.3"},
        "enable_secret_env": "HIMAWARI_ADMINISTRATOR_ENCRYPTED",
        "users": [{"name": "tsubaki-admin", "secret_env": "HIMAWARI_KATO_ENCRYPTED"},
                  {"name": "vendor-suzuki", "secret_env": "HIMAWARI_SUZUKI_ENCRYPTED"}],
    }  # fmt: skip
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts, allow_unicode=True), encoding="utf-8")
    # The baseline carries the segment as a tagged VLAN of lan1 (lan1/1), where the running router
    # has it untagged on lan1: the topology names the interface the generated config has.
    groups = yaml.safe_load((folder / "groups.yaml").read_text(encoding="utf-8"))
    links = groups["clinic_tsubaki"]["data"]["facility"]["topology"]["links"]
    links[0]["interface"] = "lan1/1"
    (folder / "groups.yaml").write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    if vendor_fixed:
        fixed = FIXTURES / "yamaha_rtx" / "facility" / "tsubaki-vpn-vendor-fixed.cfg"
        shutil.copy(fixed, folder / "configs" / "tsubaki-vpn-vendor.cfg")
    return folder


def test_the_clinic_router_beside_the_vpn_routers_is_written_once_the_facility_complies(tmp_path: Path) -> None:
    """clinic_tsubaki: the generated internet router is audited with the two VPN routers as they
    run. It closes the running leak itself (the vendor's VPN reached the claims network through the
    clinic router: no VPN-01 fail now), but while the vendor's router lets its VPN open anything on
    the LAN the facility fails SEG-03 and the baseline is not written; with the vendor's tunnel
    filtered, it is."""
    inventory = load_inventory(_tsubaki(tmp_path / "a", vendor_fixed=False))
    selected = Inventory(inventory.directory, tuple(h for h in inventory.hosts if h.name.startswith("tsubaki")),
                         inventory.facilities, inventory.waivers)  # fmt: skip
    result = generate(selected, tmp_path / "out-a", SAMPLE_SECRETS,
                      beside=SnapshotSource(inventory.directory / "configs"))  # fmt: skip
    problems = result.problems("tsubaki-rtr1")
    assert [p for p in problems if p.startswith("VPN-01")] == []
    assert any(p.startswith("SEG-03 fail: vendor → onshi") and "[tsubaki-vpn-vendor: tunnel1 → lan1]" in p
               for p in problems), problems  # fmt: skip
    assert not (tmp_path / "out-a" / "tsubaki-rtr1.cfg").exists()

    inventory = load_inventory(_tsubaki(tmp_path / "b", vendor_fixed=True))
    selected = Inventory(inventory.directory, tuple(h for h in inventory.hosts if h.name.startswith("tsubaki")),
                         inventory.facilities, inventory.waivers)  # fmt: skip
    result = generate(selected, tmp_path / "out-b", SAMPLE_SECRETS,
                      beside=SnapshotSource(inventory.directory / "configs"))  # fmt: skip
    assert result.problems("tsubaki-rtr1") == []
    text = (tmp_path / "out-b" / "tsubaki-rtr1.cfg").read_text(encoding="utf-8")
    assert "ip route 10.100.0.0/16 gateway 192.168.10.2" in text
    assert "tunnel select" not in text  # the VPNs are the other routers'


def test_without_the_vpn_routers_config_the_facility_is_not_confirmed(tmp_path: Path) -> None:
    inventory = load_inventory(_tsubaki(tmp_path, vendor_fixed=True))
    (inventory.directory / "configs" / "tsubaki-vpn-claims.cfg").unlink()
    selected = Inventory(inventory.directory, tuple(h for h in inventory.hosts if h.name.startswith("tsubaki")),
                         inventory.facilities, inventory.waivers)  # fmt: skip
    result = generate(
        selected, tmp_path / "out", SAMPLE_SECRETS, beside=SnapshotSource(inventory.directory / "configs")
    )
    facility = [f for f in result.report.findings if f.rule == "VPN-01" and f.host == "tsubaki-rtr1"]
    assert [f.status for f in facility] == [Status.MANUAL]
    assert "tsubaki-vpn-claims" in facility[0].message.en


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"vpn_routers": {"nowhere": "192.168.10.2"}}, "baseline.vpn_routers.nowhere", "no such VPN"),
    ({"vpn_routers": {"claims": "10.9.9.9"}}, "baseline.vpn_routers.claims", "is no host of a segment"),
    ({"vpn_routers": {"claims": "192.168.10.1"}}, "baseline.vpn_routers.claims", "is no host of a segment"),
])  # fmt: skip
def test_a_vpn_router_the_baseline_cannot_use_is_one_clear_error(
    tmp_path: Path, change: dict[str, Any], field: str, message: str
) -> None:
    inventory = load_inventory(_tsubaki(tmp_path, vendor_fixed=True))
    entry = inventory.host("tsubaki-rtr1")
    baseline = {**entry.data.model_dump(mode="json")["baseline"], **change}
    data = HostData.model_validate({**entry.data.model_dump(mode="json"), "baseline": baseline})
    with pytest.raises(GenerateError) as raised:
        plan_host(HostEntry(entry.name, entry.platform, entry.facility, entry.policy, data), SAMPLE_SECRETS)
    assert raised.value.field == field
    assert message in str(raised.value)


def test_a_vpn_router_outside_the_facility_topology_is_refused() -> None:
    """Alone, the edge cannot tell the VPN's traffic from its segment's: without the router in the
    topology the facility is never judged as one network, so the baseline is not generated."""
    policy = FacilityPolicy.model_validate({**_policy_data("tsubaki-rtr1"), "topology": {}})
    entry = load_inventory(SAMPLE_INVENTORY).host("tsubaki-rtr1")
    data = HostData.model_validate({**entry.data.model_dump(mode="json"), "baseline": {
        "lan_interface": "lan1", "uplink": {"kind": "dhcp", "interface": "lan2"}, "vlans": {"onshi": 10},
        "vpn_routers": {"claims": "192.168.10.2"}, "enable_secret_env": "HIMAWARI_ADMINISTRATOR_ENCRYPTED",
        "users": [{"name": "tsubaki-admin", "secret_env": "HIMAWARI_KATO_ENCRYPTED"}]}})  # fmt: skip
    with pytest.raises(GenerateError, match=r"linked to segment 'onshi' in topology\.links"):
        plan_host(HostEntry("tsubaki-rtr1", "yamaha_rtx", "clinic_tsubaki", policy, data), SAMPLE_SECRETS)


def test_the_isolated_variant_no_longer_lets_a_vpn_routers_flows_through() -> None:
    """MHLW6 18 ①: cut in an incident, the VPN another router terminates loses its flows through
    this router too (that router itself is cut on its own console); a kept one keeps them."""
    policy = FacilityPolicy.model_validate({
        "name": "f", "code": "1399999999", "connection": "ipsec_ike",
        "segments": [{"name": "onshi", "kind": "onshi", "level": "high", "ipv4": ["192.168.10.0/24"]},
                     {"name": "emr", "kind": "emr", "level": "high", "ipv4": ["192.168.11.0/24"]},
                     {"name": "office", "kind": "office", "level": "medium", "ipv4": ["192.168.12.0/24"]}],
        "vpns": [{"name": "claims", "kind": "claims_network", "owner": "p", "peers": ["203.0.113.10"],
                  "remote_prefixes": ["10.100.0.0/16"], "local_segments": ["onshi"]},
                 {"name": "vendor", "kind": "remote_maintenance", "owner": "v", "peers": [VENDOR_PEER],
                  "remote_prefixes": [str(VENDOR_PREFIX)], "local_segments": ["emr"]}],
        "flows": [{"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]},
                  {"from": "vendor", "to": "emr", "protocol": "tcp", "ports": [3389]}],
        "topology": {"links": [{"device": "vendor-vr", "interface": "GigabitEthernet0/0", "segment": "office"}]},
    })  # fmt: skip
    data = HostData.model_validate({"role": "edge_router", "baseline": {
        "lan_interface": "FastEthernet0", "uplink": {"kind": "dhcp", "interface": "GigabitEthernet8"},
        "vlans": {"onshi": 10, "emr": 11, "office": 12}, "tunnels": {"claims": "172.31.255.2/30"},
        "vpn_routers": {"vendor": "192.168.12.254"}, "enable_secret_env": "AOBA_ENABLE_SECRET",
        "users": [{"name": "clinic-admin", "secret_env": "AOBA_ADMIN_SECRET"}]}})  # fmt: skip
    plan = plan_host(HostEntry("edge", "cisco_ios", "f", policy, data), SAMPLE_SECRETS)
    assert isinstance(plan, BaselinePlan)

    def vendor_entries(variant: BaselinePlan) -> list[str]:
        return [str(e.destination) for s in variant.segments for e in s.filter_in if e.source == VENDOR_PREFIX]

    assert vendor_entries(plan) == ["192.168.11.0/24"]
    assert vendor_entries(plan.isolated_variant()) == []
    kept = replace(plan, isolation_keep=("vendor",))
    assert vendor_entries(kept.isolated_variant()) == ["192.168.11.0/24"]


def test_two_generated_routers_in_one_network_are_refused(tmp_path: Path) -> None:
    """clinic_kiri (a FortiGate behind an RTX): each baseline is drawn from the whole policy as the
    facility's edge, so a second one in the same network is refused, naming the first (the
    secrets the copied baselines share are refused too, AUTH-05)."""
    folder = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, folder)
    hosts = yaml.safe_load((folder / "hosts.yaml").read_text(encoding="utf-8"))
    vlans = {"onshi": 10, "office": 20, "guest_wifi": 100, "transit": 30}
    for name, baseline in (("kiri-rtr1", "himawari-rtr1"), ("kiri-fw1", "momiji-fw1")):
        copied = {key: value for key, value in hosts[baseline]["data"]["baseline"].items() if key != "wifi"}
        hosts[name]["data"]["baseline"] = copy.deepcopy({**copied, "vlans": vlans})  # no YAML aliases
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts, allow_unicode=True), encoding="utf-8")
    inventory = load_inventory(folder)
    with pytest.raises(GenerateErrors) as raised:
        plan_inventory(inventory, SAMPLE_SECRETS)
    [refused] = [p for p in raised.value.problems if p.field == "data.baseline"]
    first = ({"kiri-rtr1", "kiri-fw1"} - {refused.host}).pop()  # the first of the two in hosts.yaml
    assert f"{first} already has its generated router" in str(refused)
