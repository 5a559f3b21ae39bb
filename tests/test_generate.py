"""Baseline generation: the sample and random valid policies generate configs that pass every rule and
forward exactly the declared flows; invalid input writes nothing; output matches the golden files."""

from __future__ import annotations

import ipaddress
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from onshi.analysis.facility import FacilityNetwork
from onshi.analysis.network import DeviceNetwork
from onshi.cli import app
from onshi.generate.build import GenerateErrors, generate
from onshi.generate.filters import PRIVATE
from onshi.generate.plan import GenerateError, plan_baseline
from onshi.generate.roles import plan_host
from onshi.generate.variables import BaselineVars
from onshi.inventory import HostEntry, load_inventory
from onshi.model import Status
from onshi.pipeline import DeviceJob, Reading, audit
from onshi.platforms import get_driver
from onshi.platforms.fortinet.baseline import sh2_matches
from onshi.policy import DEVICE, INTERNET, FacilityPolicy, HostData
from onshi.sources import ConfigText
from onshi.tasks.generate import render_with_nornir
from onshi.validators.base import RuleInput
from onshi.validators.reachability import device_network, flow_set, new_connections
from tests.helpers import FIXTURES, SAMPLE_INVENTORY

GOLDEN = FIXTURES / "cisco_ios" / "golden"
PLATFORM_OF = {"himawari-rtr1": "yamaha_rtx", "momiji-fw1": "fortinet", "ayame-rtr1": "nec_ix"}  # others: Cisco
SAMPLE_SECRETS = {
    "AOBA_PPPOE_PASSWORD": "pppoe-Secret-1",
    "AOBA_ENABLE_SECRET": "enable-Secret-2",
    "AOBA_ADMIN_SECRET": "admin-Secret-3",
    "SAKURA_ENABLE_SECRET": "enable-Secret-4",
    "SAKURA_ADMIN_SECRET": "admin-Secret-5",
    "SAKURA_VENDOR_SECRET": "vendor-Secret-6",
    "KAEDE_PPPOE_PASSWORD": "pppoe-Secret-7",
    "KAEDE_ENABLE_SECRET": "enable-Secret-8",
    "KAEDE_ADMIN_SECRET": "admin-Secret-9",
    "KAEDE_AP_ENABLE_SECRET": "enable-Secret-10",
    "KAEDE_AP_ADMIN_SECRET": "admin-Secret-11",
    "KAEDE_RADIUS_KEY": "radius-Key-12-long",
    "KAEDE_GUEST_PSK": "guest-Passphrase-13",
    "HIMAWARI_PPPOE_PASSWORD": "Himawari-Pppoe-14",
    "HIMAWARI_CLAIMS_PSK": "claims-Psk-15-Himawari",
    "HIMAWARI_VENDOR_PSK": "vendor-Psk-16-Himawari",
    # Yamaha's `encrypted` forms, as show config prints them (onshi cannot compute them).
    "HIMAWARI_ADMINISTRATOR_ENCRYPTED": "Qz8Lm2Vx5Bn7Cd1Fg4Hj6Kl9Pw3Rt0Ys",
    "HIMAWARI_KATO_ENCRYPTED": "Ab3De5Gh7Jk9Mn1Pq2St4Vw6Yz8Bc0Ef",
    "HIMAWARI_SUZUKI_ENCRYPTED": "Xy1Wv3Ut5Sr7Qp9On2Ml4Kj6Ih8Gf0Ed",
    "MOMIJI_PPPOE_PASSWORD": "Momiji-Pppoe-17",
    "MOMIJI_CLAIMS_PSK": "claims-Psk-18-Momiji",
    "MOMIJI_ADMIN_SECRET": "admin-Secret-19",
    "MOMIJI_STAFF_SECRET": "staff-Secret-20",
    "MOMIJI_VENDOR_SECRET": "vendor-Secret-21",
    "MOMIJI_GUEST_PSK": "guest-Passphrase-22",
    "AYAME_PPPOE_PASSWORD": "Ayame-Pppoe-23",
    "AYAME_CLAIMS_PSK": "claims-Psk-24-Ayame",
    # IX's `password hash` forms, as show running-config prints them (onshi cannot compute them).
    "AYAME_ITO_HASH": "5F3A9C0E2B7D4186",
    "AYAME_MORI_HASH": "9E1C7A3F0B5D2864",
}
GENERATED = {"sakura-rtr1", "aoba-rtr1", "kaede-rtr1", "kaede-ap1", "himawari-rtr1", "momiji-fw1", "ayame-rtr1"}
# Secrets written as given: Yamaha's encrypted forms, and the keys a device must send (Yamaha keeps them
# in clear; FortiOS encrypts them with its own key when the config is loaded). Passwords are hashed.
STORED_AS_GIVEN = {"himawari-rtr1": ("HIMAWARI_",), "ayame-rtr1": ("AYAME_",),
                   "momiji-fw1": ("MOMIJI_PPPOE", "MOMIJI_CLAIMS_PSK", "MOMIJI_GUEST_PSK")}  # fmt: skip


def test_sample_generates_configs_that_pass_every_rule(tmp_path: Path) -> None:
    result = generate(load_inventory(SAMPLE_INVENTORY), tmp_path, SAMPLE_SECRETS)
    assert {g.host for g in result.generated} == GENERATED  # sakura-ap1 has no baseline data
    assert [(f.host, f.rule) for f in result.report.findings if f.status is Status.FAIL] == []
    assert all(device.unrecognized == () and device.error is None for device in result.report.devices)
    for generated in result.generated:
        written = generated.path.read_text(encoding="utf-8")
        assert written == generated.text
        assert stat.S_IMODE(generated.path.stat().st_mode) == 0o600
        prefixes = STORED_AS_GIVEN.get(generated.host, ())
        for variable, secret in SAMPLE_SECRETS.items():
            assert variable.startswith(prefixes) or secret not in written, variable


@pytest.mark.parametrize("host", sorted(GENERATED))
def test_rendered_config_matches_its_golden_file(host: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    result = generate(load_inventory(SAMPLE_INVENTORY), tmp_path, SAMPLE_SECRETS)
    text = next(g.text for g in result.generated if g.host == host)
    golden = FIXTURES / PLATFORM_OF.get(host, "cisco_ios") / "golden" / f"{host}.cfg"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} missing: run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8"), "rendered output changed: review, then pytest --update-golden"


def test_missing_secret_names_host_and_field_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    secrets = {k: v for k, v in SAMPLE_SECRETS.items() if k != "AOBA_PPPOE_PASSWORD"}
    with pytest.raises(GenerateErrors) as raised:
        generate(load_inventory(SAMPLE_INVENTORY), out, secrets)
    assert [str(p) for p in raised.value.problems] == [
        "host aoba-rtr1, field baseline.uplink.pppoe_password_env: environment variable AOBA_PPPOE_PASSWORD is not set"
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vlans": {"onshi": 1}}, "baseline.vlans.onshi"),
        ({"vlans": {"onshi": 10}}, "baseline.vlans.office"),
        ({"gateways": {"onshi": "192.168.11.1/24"}}, "baseline.gateways.onshi"),
        ({"tunnels": {}}, "baseline.tunnels.claims"),
        ({"enable_secret_env": "lower-case"}, "baseline.enable_secret_env"),
    ],
)
def test_invalid_variables_are_one_clear_error(change: dict[str, Any], field: str) -> None:
    entry = load_inventory(SAMPLE_INVENTORY).host("aoba-rtr1")
    data = HostData.model_validate({**entry.data.model_dump(), "baseline": {**_AOBA_VARS, **change}})
    with pytest.raises(GenerateError) as raised:
        _plan(HostEntry(entry.name, entry.platform, entry.facility, entry.policy, data))
    assert raised.value.host == "aoba-rtr1"
    assert raised.value.field == field


def _plan(entry: HostEntry) -> None:
    plan_host(entry, SAMPLE_SECRETS)


def _kaede(data: dict[str, Any] | None = None, facility: dict[str, Any] | None = None) -> HostEntry:
    entry = load_inventory(SAMPLE_INVENTORY).host("kaede-rtr1")
    policy = FacilityPolicy.model_validate({**entry.policy.model_dump(by_alias=True, mode="json"), **(facility or {})})
    host_data = HostData.model_validate({**entry.data.model_dump(), **(data or {})})
    return HostEntry(entry.name, entry.platform, entry.facility, policy, host_data)


_KAEDE_BASELINE = load_inventory(SAMPLE_INVENTORY).host("kaede-rtr1").data.model_dump()["baseline"]


@pytest.mark.parametrize(
    ("data", "facility", "field"),
    [
        ({"vpn_interfaces": {}}, None, "data.vpn_interfaces"),  # ip_vpn without the closed network's port
        (None, {"connection": "ipsec_ike"}, "data.vpn_interfaces.GigabitEthernet8"),
        (None, {"vpns": [{"name": "claims", "kind": "claims_network", "owner": "x", "peers": ["203.0.113.10"],
                          "remote_prefixes": ["2001:db8:4000::/40"]}]}, "facility.vpns[claims].peers"),
        (None, {"vpns": [{"name": "claims", "kind": "claims_network", "owner": "x",
                          "remote_prefixes": ["10.100.0.0/16"]}]}, "facility.vpns[claims].remote_prefixes"),
        ({"baseline": {**_KAEDE_BASELINE, "uplink": {"kind": "dhcp", "interface": "GigabitEthernet8"}}}, None,
         "baseline.uplink.interface"),  # a DHCP internet and the closed network cannot share a port
        (None, {"segments": [{"name": "onshi", "kind": "onshi", "level": "high", "ipv4": ["192.168.10.0/24"]},
                             {"name": "office", "kind": "office", "level": "medium", "ipv4": ["192.168.20.0/24"]},
                             {"name": "staff_wifi", "kind": "staff_wifi", "level": "medium",
                              "ipv4": ["192.168.40.0/24"]},
                             {"name": "guest_wifi", "kind": "guest_wifi", "level": "low", "ipv4": ["192.168.100.0/24"]},
                             {"name": "mgmt", "kind": "management", "level": "high", "ipv4": ["192.168.99.0/24"]}]},
         "facility.segments[onshi].ipv6"),  # the flow to the IPv6 claims network needs an IPv6 prefix
    ],
)  # fmt: skip
def test_ip_vpn_input_the_template_cannot_express_is_one_clear_error(
    data: dict[str, Any] | None, facility: dict[str, Any] | None, field: str
) -> None:
    with pytest.raises(GenerateError) as raised:
        _plan(_kaede(data, facility))
    assert (raised.value.host, raised.value.field) == ("kaede-rtr1", field)


def test_zone_names_that_would_clash_in_the_config_are_one_clear_error() -> None:
    policy = _aoba_policy().model_dump(by_alias=True, mode="json")
    policy["segments"].append({"name": "OFFICE", "kind": "office", "level": "medium", "ipv4": ["192.168.30.0/24"]})
    with pytest.raises(GenerateError) as raised:
        plan_baseline("r1", FacilityPolicy.model_validate(policy), BaselineVars.model_validate(_AOBA_VARS), {})
    assert raised.value.field == "facility.segments"
    assert "'OFFICE'" in str(raised.value)


def test_the_ios_xe_baseline_filters_by_zones_without_cbac() -> None:
    """IOS-XE (the pharmacy's C1111) has no CBAC: its baseline puts every routed interface in a zone
    and has no `ip inspect`, which the router would refuse line by line."""
    text = (GOLDEN / "aoba-rtr1.cfg").read_text(encoding="utf-8")
    device = get_driver("cisco_ios").parse(text, "aoba-rtr1.cfg")
    routed = [i for i in device.interfaces if i.addresses or i.ipv4_negotiated or i.ipv4_dhcp]
    assert routed
    assert all(interface.zone is not None for interface in routed)
    assert not [line for line in text.splitlines() if line.strip().startswith(("ip inspect", "ipv6 inspect"))]


def test_a_secret_shared_by_two_devices_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    secrets = {**SAMPLE_SECRETS, "KAEDE_AP_ADMIN_SECRET": SAMPLE_SECRETS["KAEDE_ADMIN_SECRET"]}
    with pytest.raises(GenerateErrors) as raised:
        generate(load_inventory(SAMPLE_INVENTORY), tmp_path / "out", secrets)
    assert [(p.host, p.field) for p in raised.value.problems] == [("kaede-ap1", "$KAEDE_AP_ADMIN_SECRET")]
    assert "$KAEDE_ADMIN_SECRET of host kaede-rtr1" in str(raised.value.problems[0])
    assert not (tmp_path / "out").exists()


def test_cli_generates_and_the_audit_reads_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SAMPLE_SECRETS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "generated"
    result = CliRunner().invoke(app, ["generate", "--inventory", str(SAMPLE_INVENTORY), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "sakura-ap1: skipped (no data.baseline)" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{host}.cfg" for host in GENERATED)


def test_user_templates_are_searched_first(tmp_path: Path) -> None:
    (tmp_path / "cisco_ios").mkdir()
    (tmp_path / "cisco_ios" / "edge_router.j2").write_text("hostname {{ plan.hostname }}\nend\n", encoding="utf-8")
    plan = plan_baseline("r1", _aoba_policy(), BaselineVars.model_validate(_AOBA_VARS), SAMPLE_SECRETS)
    assert get_driver("cisco_ios").render_baseline(plan, "edge_router", [tmp_path]) == "hostname r1\nend\n"


# --- random valid policies --------------------------------------------------------------------------------

_AOBA_VARS: dict[str, Any] = {
    "lan_interface": "GigabitEthernet0/0/1",
    "segment_interfaces": "subinterface",
    "uplink": {"kind": "pppoe", "interface": "GigabitEthernet0/0/0", "pppoe_username": "a@isp",
               "pppoe_password_env": "AOBA_PPPOE_PASSWORD"},
    "vlans": {"onshi": 10, "office": 20, "mgmt": 99},
    "tunnels": {"claims": "172.31.255.2/30"},
    "enable_secret_env": "AOBA_ENABLE_SECRET",
    "users": [{"name": "aoba-admin", "secret_env": "AOBA_ADMIN_SECRET"}],
}  # fmt: skip


def _aoba_policy() -> FacilityPolicy:
    return load_inventory(SAMPLE_INVENTORY).host("aoba-rtr1").policy


_UPLINKS = (
    {"kind": "dhcp", "interface": "GigabitEthernet8"},
    {
        "kind": "pppoe",
        "interface": "GigabitEthernet8",
        "pppoe_username": "u@isp",
        "pppoe_password_env": "AOBA_PPPOE_PASSWORD",
    },
)
_OPTIONAL_KINDS = ("emr", "office", "medical", "staff_wifi", "guest_wifi", "management")
_PORTS = st.lists(st.integers(1, 65535), min_size=1, max_size=12, unique=True)


Drawn = tuple[dict[str, Any], dict[str, Any], dict[str, str]]  # policy, baseline variables, vpn_interfaces


@st.composite
def policies(draw: st.DrawFn) -> Drawn:
    """A facility the guideline allows, over IPsec+IKE or IP-VPN (NGN IPv6 IPoE, with dual-stack
    segments): onshi reaches only the claims network, guests only the internet, a vendor only EMR
    hosts; other segments get random flows among themselves."""
    connection = draw(st.sampled_from(["ipsec_ike", "ip_vpn"]))
    kinds = ["onshi", *draw(st.lists(st.sampled_from(_OPTIONAL_KINDS), unique=True, max_size=5))]
    segments = [{"name": kind, "kind": kind, "level": "medium", "ipv4": [f"192.168.{10 + i}.0/24"]}
                for i, kind in enumerate(kinds)]  # fmt: skip
    uplink = draw(st.sampled_from(_UPLINKS))
    vpn_interfaces: dict[str, str] = {}
    if connection == "ipsec_ike":
        vpns = [{"name": "claims", "kind": "claims_network", "owner": "provider", "peers": ["203.0.113.10"],
                 "remote_prefixes": ["10.100.0.0/16"], "local_segments": ["onshi"]}]  # fmt: skip
    else:
        vpns = [{"name": "claims", "kind": "claims_network", "owner": "provider",
                 "remote_prefixes": ["2001:db8:4000::/40"], "local_segments": ["onshi"]}]  # fmt: skip
        shared = uplink["kind"] == "pppoe" and draw(st.booleans())  # PPPoE and IPoE on one FLET'S port
        vpn_interfaces = {"GigabitEthernet8" if shared else "GigabitEthernet9": "claims"}
        for i, segment in enumerate(segments):
            if segment["name"] == "onshi" or draw(st.booleans()):
                segment["ipv6"] = [f"2001:db8:1510:{100 + i}::/64"]
    flows: list[dict[str, Any]] = [{"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]}]
    if connection == "ip_vpn" and draw(st.booleans()):
        flows.append({"from": "claims", "to": "onshi", "protocol": "tcp", "ports": draw(_PORTS)})
    ordinary = [k for k in kinds if k not in ("onshi", "guest_wifi", "management")]
    if "emr" in kinds and draw(st.booleans()):
        vpns.append({"name": "vendor", "kind": "remote_maintenance", "owner": "vendor", "peers": ["198.51.100.7"],
                     "remote_prefixes": ["172.20.0.0/24"], "local_segments": ["emr"]})  # fmt: skip
        flows.append({"from": "vendor", "to": "emr", "protocol": "tcp", "ports": draw(_PORTS)})
    for source in ordinary:
        for destination in ordinary:
            if source != destination and draw(st.booleans()):
                protocol = draw(st.sampled_from(["ip", "tcp", "udp", "icmp"]))
                ports = draw(_PORTS) if protocol in ("tcp", "udp") and draw(st.booleans()) else []
                flows.append({"from": source, "to": destination, "protocol": protocol, "ports": ports})
    for source in [k for k in kinds if k in ("office", "staff_wifi", "guest_wifi", "medical")]:
        if draw(st.booleans()):
            flows.append({"from": source, "to": "internet"})
    _narrow_some(draw, flows, {kind: f"192.168.{10 + i}.0/24" for i, kind in enumerate(kinds)})
    if "management" in kinds:
        flows.append({"from": "management", "to": "device", "protocol": "tcp", "ports": [22]})
    policy = {
        "name": "random clinic",
        "code": "1399999999",
        "connection": connection,
        "segments": segments,
        "vpns": vpns,
        "flows": flows,
        "ntp_servers": ["133.243.238.164"],
        "syslog_servers": ["192.168.10.10"],
        "management_sources": [segments[kinds.index("management")]["ipv4"][0]] if "management" in kinds else [],
    }
    variables = {
        "lan_interface": "FastEthernet0", "uplink": uplink,
        "segment_interfaces": draw(st.sampled_from(["svi", "subinterface"])),
        "firewall": draw(st.sampled_from(["zone", "cbac"])),
        "vlans": {kind: 10 + i for i, kind in enumerate(kinds)},
        "tunnels": {"claims": "172.31.255.2/30", "vendor": "172.31.255.6/30"},
        "enable_secret_env": "AOBA_ENABLE_SECRET",
        "users": [{"name": "clinic-admin", "secret_env": "AOBA_ADMIN_SECRET"},
                  {"name": "vendor-maint", "secret_env": "AOBA_ADMIN_SECRET"}],
    }  # fmt: skip
    return policy, variables, vpn_interfaces


def _narrow_some(draw: st.DrawFn, flows: list[dict[str, Any]], prefixes: dict[str, str]) -> None:
    """Make some flows host-level: from a host or small prefix of their segment, to one of theirs."""
    for flow in flows:
        for end, hosts in (("from", "from_hosts"), ("to", "to_hosts")):
            zone = flow[end]
            if zone in prefixes and draw(st.integers(0, 3)) == 0:
                network = ipaddress.ip_network(prefixes[zone])
                size = draw(st.sampled_from([32, 29, 28]))
                start = draw(st.integers(1, 200)) // (2 ** (32 - size)) * (2 ** (32 - size))
                flow[hosts] = [f"{network.network_address + start}/{size}"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_random_policies_generate_configs_forwarding_exactly_the_declared_flows(drawn: Drawn) -> None:
    inp = _generated_without_fail("cisco_ios", drawn)
    _assert_exactly_declared(inp)
    if drawn[1]["firewall"] == "zone":
        _assert_replies_unfiltered(inp)


def _generated_without_fail(platform: str, drawn: Drawn, role: str = "edge_router") -> RuleInput:
    """Plan, render and audit the drawn facility: every line understood, no rule failing."""
    policy = FacilityPolicy.model_validate(drawn[0])
    data = HostData.model_validate({"role": role, "vpn_interfaces": drawn[2], "baseline": drawn[1]})
    plan = plan_host(HostEntry("r1", platform, "f", policy, data), SAMPLE_SECRETS)
    text = get_driver(platform).render_baseline(plan, role)
    report = audit([DeviceJob("r1", platform, ConfigText(text, "r1.cfg", "utf-8"), facility="f", policy=policy,
                              host_data=data, reading=Reading.AUTHORED)])  # fmt: skip
    assert report.devices[0].unrecognized == (), text
    assert [(f.rule, f.message.en) for f in report.findings if f.status is Status.FAIL] == [], text
    return report.inputs[0]


def _as_yamaha(drawn: Drawn) -> Drawn:
    """The same facility on an RTX: segments tagged on lan1, the line on lan2 (the closed network on
    lan2 with PPPoE, or lan3), keys and Yamaha's encrypted password forms from the environment."""
    policy, variables, vpn_interfaces = drawn
    uplink = {**variables["uplink"], "interface": "lan2"}
    closed = {("lan2" if name == "GigabitEthernet8" else "lan3"): vpn for name, vpn in vpn_interfaces.items()}
    yamaha = {
        "lan_interface": "lan1", "uplink": uplink, "vlans": variables["vlans"], "tunnels": variables["tunnels"],
        "psk_env": {"claims": "HIMAWARI_CLAIMS_PSK", "vendor": "HIMAWARI_VENDOR_PSK"},
        "enable_secret_env": "HIMAWARI_ADMINISTRATOR_ENCRYPTED",
        "users": [{"name": "clinic-admin", "secret_env": "HIMAWARI_KATO_ENCRYPTED"},
                  {"name": "vendor-maint", "secret_env": "HIMAWARI_SUZUKI_ENCRYPTED"}],
    }  # fmt: skip
    return policy, yamaha, closed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_random_policies_generate_yamaha_configs_forwarding_exactly_the_declared_flows(drawn: Drawn) -> None:
    _assert_exactly_declared(_generated_without_fail("yamaha_rtx", _as_yamaha(drawn)))


def _as_fortigate(drawn: Drawn) -> Drawn:
    """The same facility on a FortiGate: segments as VLANs of internal, the line on wan1, IKE keys and
    the guest SSIDs' passphrases from the environment, served by the FortiGate's own access points."""
    policy, variables, _ = drawn
    wireless = ("guest_wifi", "staff_wifi")
    segments = [
        {**s, "ssids": [f"{s['name'].upper()}-SSID"]} if s["kind"] in wireless else s for s in policy["segments"]
    ]
    fortigate = {
        "lan_interface": "internal", "uplink": {**variables["uplink"], "interface": "wan1"},
        "vlans": variables["vlans"], "tunnels": variables["tunnels"],
        "psk_env": {"claims": "MOMIJI_CLAIMS_PSK", "vendor": "HIMAWARI_VENDOR_PSK"},
        "enable_secret_env": "MOMIJI_ADMIN_SECRET",
        "users": [{"name": "clinic-admin", "secret_env": "MOMIJI_STAFF_SECRET"},
                  {"name": "vendor-maint", "secret_env": "MOMIJI_VENDOR_SECRET"}],
        "wifi": {"psk_env": {"GUEST_WIFI-SSID": "MOMIJI_GUEST_PSK"},
                 "radius": {"address": "192.168.10.20", "key_env": "KAEDE_RADIUS_KEY"}},
    }  # fmt: skip
    # The closed network has its own port: PPPoE and IPoE on one port is refused (tested below).
    return {**policy, "segments": segments}, fortigate, {"wan2": "claims"} if drawn[2] else {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_random_policies_generate_fortigate_configs_forwarding_exactly_the_declared_flows(drawn: Drawn) -> None:
    _assert_exactly_declared(_generated_without_fail("fortinet", _as_fortigate(drawn), "firewall"))


def _as_ix(drawn: Drawn) -> Drawn:
    """The same facility on an NEC IX: segments as VLAN subinterfaces of GigaEthernet1, the line on
    GigaEthernet0, IKE keys and IX's password hash forms from the environment."""
    policy, variables, _ = drawn
    ix = {
        "lan_interface": "GigaEthernet1", "uplink": {**variables["uplink"], "interface": "GigaEthernet0"},
        "vlans": variables["vlans"], "tunnels": variables["tunnels"],
        "psk_env": {"claims": "AYAME_CLAIMS_PSK", "vendor": "HIMAWARI_VENDOR_PSK"},
        "enable_secret_env": "AYAME_ITO_HASH",
        "users": [{"name": "clinic-admin", "secret_env": "AYAME_ITO_HASH"},
                  {"name": "vendor-maint", "secret_env": "AYAME_MORI_HASH"}],
    }  # fmt: skip
    return policy, ix, {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(policies())
def test_random_policies_generate_ix_configs_forwarding_exactly_the_declared_flows(drawn: Drawn) -> None:
    assume(not drawn[2])  # IPsec+IKE: onshi refuses an IX on a closed network (tested below)
    _assert_exactly_declared(_generated_without_fail("nec_ix", _as_ix(drawn)))


def test_ix_refuses_what_it_cannot_generate() -> None:
    """A closed network (NGN IPoE) and a password in clear where IX's hash form belongs: one clear error
    each, naming the field."""
    ix = {
        "lan_interface": "GigaEthernet1",
        "uplink": {"kind": "dhcp", "interface": "GigaEthernet0"},
        "vlans": {"onshi": 10, "office": 20, "staff_wifi": 40, "guest_wifi": 100, "mgmt": 99},
        "enable_secret_env": "AYAME_ITO_HASH",
        "users": [{"name": "kaede-admin", "secret_env": "AYAME_MORI_HASH"}],
    }
    kaede = load_inventory(SAMPLE_INVENTORY).host("kaede-rtr1").policy
    closed = HostData.model_validate({"role": "edge_router", "vpn_interfaces": {"GigaEthernet2": "claims"},
                                      "baseline": ix})  # fmt: skip
    plan = plan_host(HostEntry("r1", "nec_ix", "f", kaede, closed), SAMPLE_SECRETS)
    with pytest.raises(GenerateError, match=r"data.vpn_interfaces: onshi does not generate an IX on a closed network"):
        get_driver("nec_ix").render_baseline(plan, "edge_router")
    ayame = load_inventory(SAMPLE_INVENTORY).host("ayame-rtr1")
    clear = {**SAMPLE_SECRETS, "AYAME_MORI_HASH": "a-password-in-clear"}
    plan = plan_host(HostEntry("r1", "nec_ix", "f", ayame.policy, ayame.data), clear)
    with pytest.raises(GenerateError, match=r"baseline.users\[vendor-mori\]: \$AYAME_MORI_HASH must hold IX's"):
        get_driver("nec_ix").render_baseline(plan, "edge_router")


def test_yamaha_admits_declared_flows_from_the_closed_network_and_nothing_else() -> None:
    """On NGN IPoE, the claims network's declared flow into the onshi segment is a dynamic filter of
    the closed network's list (its replies come back through the segment's list); the router's own
    needs of the link go only to link-scoped addresses, which are never forwarded."""
    policy = {**_policy_data("kaede-rtr1"), "flows": [
        {"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]},
        {"from": "claims", "to": "onshi", "protocol": "tcp", "ports": [8443]},
        {"from": "mgmt", "to": "device", "protocol": "tcp", "ports": [22]},
    ]}  # fmt: skip
    variables = {
        "lan_interface": "lan1", "uplink": {"kind": "dhcp", "interface": "lan2"},
        "vlans": {"onshi": 10, "office": 20, "staff_wifi": 40, "guest_wifi": 100, "mgmt": 99},
        "enable_secret_env": "HIMAWARI_ADMINISTRATOR_ENCRYPTED",
        "users": [{"name": "kaede-admin", "secret_env": "HIMAWARI_KATO_ENCRYPTED"}],
    }  # fmt: skip
    inp = _generated_without_fail("yamaha_rtx", (policy, variables, {"lan3": "claims"}))
    _assert_exactly_declared(inp)
    network = device_network(inp)
    sp = network.space
    into_onshi = network.reach("claims", "onshi").packets & new_connections(sp)
    example = sp.example(into_onshi)
    assert example is not None
    assert example.dst_port == 8443


def test_yamaha_refuses_what_it_cannot_generate() -> None:
    variables = BaselineVars.model_validate({
        "lan_interface": "lan1", "uplink": {"kind": "dhcp", "interface": "lan2"},
        "vlans": {"onshi": 10, "office": 20, "staff_wifi": 40, "guest_wifi": 100, "mgmt": 99},
        "enable_secret_env": "HIMAWARI_ADMINISTRATOR_ENCRYPTED",
        "users": [{"name": "kaede-admin", "secret_env": "HIMAWARI_KATO_ENCRYPTED"}],
    })  # fmt: skip
    clear = {**SAMPLE_SECRETS, "HIMAWARI_ADMINISTRATOR_ENCRYPTED": "a-password-in-clear"}
    plan = plan_baseline("kaede-rtr1", FacilityPolicy.model_validate(_policy_data("kaede-rtr1")), variables, clear,
                         {"lan3": "claims"})  # fmt: skip
    with pytest.raises(GenerateError, match=r"baseline.enable_secret_env: \$HIMAWARI_ADMINISTRATOR_ENCRYPTED must"):
        get_driver("yamaha_rtx").render_baseline(plan, "edge_router")


def _policy_data(host: str) -> dict[str, Any]:
    return load_inventory(SAMPLE_INVENTORY).host(host).policy.model_dump(mode="json", by_alias=True)


def _assert_replies_unfiltered(inp: RuleInput) -> None:
    """The zone-based firewall lets an inspected session's replies back, but an interface ACL still
    filters them (IOS-XE): outside isolation, no interface in a zone may carry one."""
    for interface in inp.device.interfaces:
        if interface.zone is not None:
            bound = (interface.acl_in, interface.acl_out, interface.ipv6_acl_in, interface.ipv6_acl_out)
            assert bound == (None, None, None, None), interface.name


def _assert_exactly_declared(
    inp: RuleInput, facility: FacilityNetwork | None = None, others: tuple[str, ...] = ()
) -> None:
    """Between segments, VPNs, the internet and the device: every declared flow is forwarded (within
    the zones' addresses) and nothing else is, as new connections (by the device alone, or by the
    ``facility`` it is judged in as one network, whose ``others`` devices' addresses are no hosts)."""
    assert inp.policy is not None
    network: DeviceNetwork | FacilityNetwork = facility if facility is not None else device_network(inp)
    sp = network.space
    zones = [s.name for s in inp.policy.segments] + [v.name for v in inp.policy.vpns] + [INTERNET]
    scope = {s.name: sp.networks("dst", s.prefixes) for s in inp.policy.segments}
    scope |= {v.name: sp.networks("dst", v.remote_prefixes) for v in inp.policy.vpns}
    scope[INTERNET] = sp.network("dst", ipaddress.ip_network("198.51.100.0/24"))
    gateways = {s.name: [p.network_address + 1 for p in s.prefixes] for s in inp.policy.segments}
    own = sp.networks("dst", [ipaddress.ip_network(g) for found in gateways.values() for g in found])
    own |= sp.networks("dst", [ipaddress.ip_network(address) for address in others])
    # "icmp" flows name ICMP and ICMPv6: each family carries only its own.
    consistent = (sp.ipv4 & ~sp.protocol(58)) | (sp.ipv6 & ~sp.protocol(1))
    for source in zones:
        for destination in [*zones, DEVICE]:
            if source == destination:
                continue
            declared = [f for f in inp.policy.flows if f.source == source and f.destination == destination]
            reach = network.reach(source, destination)
            assert reach.exact, (source, destination, reach.reasons)
            forwarded = reach.packets & new_connections(sp)
            allowed = sp.false
            for flow in declared:
                allowed |= flow_set(sp, flow)
            if destination != DEVICE:  # what the device itself receives is the MGMT rules' question
                assert sp.is_empty(forwarded & ~allowed), (source, destination, sp.example(forwarded & ~allowed))
            if destination == INTERNET:  # the internet is public addresses: private ones never leave
                leaked = forwarded & sp.networks("dst", list(PRIVATE))
                assert sp.is_empty(leaked), (source, sp.example(leaked))
            for flow in declared:
                # The router's own addresses are the device, not the segment behind them.
                target = (sp.networks("dst", [ipaddress.ip_network(g) for g in gateways[source]])
                          if destination == DEVICE else scope[destination] & ~own)  # fmt: skip
                wanted = flow_set(sp, flow) & _senders(network, inp.policy, source) & target & consistent
                missing = wanted & new_connections(sp) & ~forwarded
                assert sp.is_empty(missing), (source, destination, sp.example(missing))


def _senders(network: DeviceNetwork | FacilityNetwork, policy: FacilityPolicy, zone: str) -> Any:
    """A segment's hosts (not its network or broadcast address: no host sends from those), or a
    VPN's remote prefixes."""
    if policy.segment(zone) is not None:
        return network.declared_hosts(zone, "src")
    return network.space.networks("src", next(list(v.remote_prefixes) for v in policy.vpns if v.name == zone))


def test_a_broken_user_template_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "cisco_ios").mkdir(parents=True)
    (templates / "cisco_ios" / "edge_router.j2").write_text("hostname {{ plan.no_such_field }}\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(GenerateErrors) as raised:
        generate(load_inventory(SAMPLE_INVENTORY), out, SAMPLE_SECRETS, [templates], renderer=render_with_nornir)
    assert [(p.host, p.field) for p in raised.value.problems] == [
        (host, "template")
        for host in ("sakura-rtr1", "aoba-rtr1", "kaede-rtr1")  # the AP's template is onshi's
    ]
    assert "cisco_ios/edge_router.j2: UndefinedError" in str(raised.value.problems[0])
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"flows": [{"from": "claims", "to": "device", "protocol": "tcp", "ports": [22]}]}, "facility.flows[0]"),
        ({"flows": [{"from": "internet", "to": "office"}]}, "facility.flows[0]"),
        (
            {
                "vpns": [
                    {
                        "name": "claims",
                        "kind": "claims_network",
                        "owner": "x",
                        "peers": ["vpn.example.jp"],
                        "remote_prefixes": ["10.100.0.0/16"],
                    }
                ]
            },
            "facility.vpns[claims].peers",
        ),
    ],
)
def test_policies_the_template_cannot_express_are_refused(change: dict[str, Any], field: str) -> None:
    policy = _aoba_policy().model_copy(update={"flows": []}).model_dump(by_alias=True, mode="json")
    with pytest.raises(GenerateError) as raised:
        plan_baseline("r1", FacilityPolicy.model_validate({**policy, **change}),
                      BaselineVars.model_validate(_AOBA_VARS), SAMPLE_SECRETS)  # fmt: skip
    assert raised.value.field == field


def test_a_config_that_fails_a_rule_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SAMPLE_SECRETS.items():
        monkeypatch.setenv(name, value)
    templates = tmp_path / "templates"
    (templates / "cisco_ios").mkdir(parents=True)
    (templates / "cisco_ios" / "edge_router.j2").write_text(
        "hostname {{ plan.hostname }}\nline vty 0 4\n transport input telnet\nend\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["generate", "--inventory", str(SAMPLE_INVENTORY), "--out", str(out),
                                      "--templates", str(templates)])  # fmt: skip
    assert result.exit_code == 1
    assert "aoba-rtr1: NOT written: MGMT-01 fail:" in result.output
    # The Cisco routers' configs fail; the AP's, the Yamaha router's, the FortiGate's and the IX's
    # (onshi's own templates) pass.
    assert sorted(p.name for p in out.iterdir()) == ["ayame-rtr1.cfg", "himawari-rtr1.cfg", "kaede-ap1.cfg",
                                                      "momiji-fw1.cfg"]  # fmt: skip


# --- access points ----------------------------------------------------------------------------------------

_AP_BASELINE = load_inventory(SAMPLE_INVENTORY).host("kaede-ap1").data.model_dump()["baseline"]


@pytest.mark.parametrize(
    ("change", "secrets", "field"),
    [
        ({"radius": None}, {}, "baseline.radius"),  # the staff SSID is 802.1X: it needs a RADIUS server
        ({"psk_env": {}}, {}, "baseline.psk_env.KAEDE-GUEST"),
        ({}, {"KAEDE_GUEST_PSK": "short-psk"}, "baseline.psk_env.KAEDE-GUEST"),  # WLAN-05: 13 characters
        ({"address": "192.168.40.9/24"}, {}, "baseline.address"),  # managed from outside the management sources
        ({"vlans": {"staff_wifi": 40}}, {}, "baseline.vlans.guest_wifi"),
        ({"management_vlan": 1}, {}, "baseline.management_vlan"),
    ],
)
def test_invalid_access_point_variables_are_one_clear_error(
    change: dict[str, Any], secrets: dict[str, str], field: str
) -> None:
    entry = load_inventory(SAMPLE_INVENTORY).host("kaede-ap1")
    data = HostData.model_validate({**entry.data.model_dump(), "baseline": {**_AP_BASELINE, **change}})
    with pytest.raises(GenerateError) as raised:
        plan_host(HostEntry(entry.name, entry.platform, entry.facility, entry.policy, data), SAMPLE_SECRETS | secrets)
    assert (raised.value.host, raised.value.field) == ("kaede-ap1", field)


def test_the_access_point_hides_internal_ssids_and_stores_no_secret_in_clear(tmp_path: Path) -> None:
    result = generate(load_inventory(SAMPLE_INVENTORY), tmp_path, SAMPLE_SECRETS)
    text = next(g.text for g in result.generated if g.host == "kaede-ap1")
    staff = text[text.index("dot11 ssid KAEDE-STAFF") : text.index("dot11 ssid KAEDE-GUEST")]
    assert "guest-mode" not in staff
    assert "authentication open eap eap_methods" in staff
    assert "wpa-psk ascii 7 " in text
    assert " key 7 " in text
    wlan = [f for f in result.report.findings if f.host == "kaede-ap1" and f.rule.startswith("WLAN")]
    assert {f.status for f in wlan} == {Status.PASS, Status.NOT_APPLICABLE}  # WLAN-03 asks nothing of a guest SSID
    assert {f.rule for f in wlan if f.status is Status.PASS} == {"WLAN-01", "WLAN-02", "WLAN-03", "WLAN-04", "WLAN-05"}


# --- FortiGate --------------------------------------------------------------------------------------------

_MOMIJI = load_inventory(SAMPLE_INVENTORY).host("momiji-fw1")


def _momiji(policy: dict[str, Any], baseline: dict[str, Any]) -> str:
    """The sample FortiGate's baseline with the policy and variables changed."""
    data = _MOMIJI.data.model_dump(mode="json")
    data["baseline"] = {**data["baseline"], **baseline}
    facility = FacilityPolicy.model_validate({**_policy_data("momiji-fw1"), **policy})
    entry = HostEntry(_MOMIJI.name, _MOMIJI.platform, _MOMIJI.facility, facility, HostData.model_validate(data))
    return get_driver("fortinet").render_baseline(plan_host(entry, SAMPLE_SECRETS), "firewall")


@pytest.mark.parametrize(
    ("policy", "baseline", "field"),
    [
        ({}, {"users": [{"name": "admin", "secret_env": "MOMIJI_STAFF_SECRET"}]}, "baseline.users"),
        ({"flows": [{"from": "mgmt", "to": "device", "protocol": "tcp", "ports": [80]}]}, {},
         "facility.flows (mgmt to device)"),
        ({}, {"psk_env": {}}, "baseline.psk_env.claims"),
        ({}, {"wifi": {"psk_env": {}}}, "baseline.wifi.psk_env.MOMIJI-GUEST"),
    ],
)  # fmt: skip
def test_fortigate_input_the_template_cannot_express_is_one_clear_error(
    policy: dict[str, Any], baseline: dict[str, Any], field: str
) -> None:
    with pytest.raises(GenerateError) as raised:
        _momiji(policy, baseline)
    assert raised.value.field == field


def test_fortigate_refuses_the_closed_network_on_the_pppoe_port() -> None:
    """FLET'S carries PPPoE and IPoE on one port; an RTX or IOS takes both there, a FortiGate gives the
    closed network its own port (a clear error, naming the field)."""
    policy = {
        **_policy_data("kaede-rtr1"),
        "segments": [
            {
                "name": "onshi",
                "kind": "onshi",
                "level": "high",
                "ipv4": ["192.168.10.0/24"],
                "ipv6": ["2001:db8:1::/64"],
            }
        ],
        "flows": [{"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]}],
        "management_sources": [],
    }
    drawn = (policy, {"vlans": {"onshi": 10}, "uplink": _UPLINKS[1], "tunnels": {}}, {"GigabitEthernet8": "claims"})
    fortigate = _as_fortigate(drawn)
    data = HostData.model_validate({"role": "firewall", "vpn_interfaces": {"wan1": "claims"},
                                    "baseline": fortigate[1]})  # fmt: skip
    plan = plan_host(HostEntry("r1", "fortinet", "f", FacilityPolicy.model_validate(fortigate[0]), data),
                     SAMPLE_SECRETS)  # fmt: skip
    with pytest.raises(GenerateError, match="wan1 would carry both the PPPoE internet line and closed network"):
        get_driver("fortinet").render_baseline(plan, "firewall")


def test_fortigate_admin_passwords_are_sh2_hashes_of_the_environment_values() -> None:
    text = _momiji({}, {})
    hashes = re.findall(r"set password ENC (SH2\S+)", text)
    assert len(hashes) == 3
    for stored, variable in zip(hashes, ("MOMIJI_ADMIN_SECRET", "MOMIJI_STAFF_SECRET", "MOMIJI_VENDOR_SECRET"),
                                strict=True):  # fmt: skip
        assert sh2_matches(stored, SAMPLE_SECRETS[variable])
    assert "set trusthost1 192.168.99.0 255.255.255.0" in text
