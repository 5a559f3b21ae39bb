"""Baseline generation: the sample and random valid policies generate configs that pass every rule and
forward exactly the declared flows; invalid input writes nothing; output matches the golden files."""

from __future__ import annotations

import ipaddress
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from onshi.cli import app
from onshi.generate.build import GenerateErrors, baseline_vars, generate
from onshi.generate.plan import GenerateError, plan_baseline
from onshi.generate.variables import BaselineVars
from onshi.inventory import HostEntry, load_inventory
from onshi.model import Status
from onshi.pipeline import DeviceJob, audit
from onshi.platforms import get_driver
from onshi.policy import DEVICE, INTERNET, FacilityPolicy, HostData
from onshi.sources import ConfigText
from onshi.tasks.generate import render_with_nornir
from onshi.validators.base import RuleInput
from onshi.validators.reachability import flow_set, network_of, new_connections
from tests.helpers import FIXTURES, SAMPLE_INVENTORY

GOLDEN = FIXTURES / "cisco_ios" / "golden"
SAMPLE_SECRETS = {
    "AOBA_PPPOE_PASSWORD": "pppoe-Secret-1",
    "AOBA_ENABLE_SECRET": "enable-Secret-2",
    "AOBA_ADMIN_SECRET": "admin-Secret-3",
    "SAKURA_ENABLE_SECRET": "enable-Secret-4",
    "SAKURA_ADMIN_SECRET": "admin-Secret-5",
    "SAKURA_VENDOR_SECRET": "vendor-Secret-6",
}


def test_sample_generates_configs_that_pass_every_rule(tmp_path: Path) -> None:
    result = generate(load_inventory(SAMPLE_INVENTORY), tmp_path, SAMPLE_SECRETS)
    assert {g.host for g in result.generated} == {"sakura-rtr1", "aoba-rtr1"}  # the AP has no baseline data
    assert [(f.host, f.rule) for f in result.report.findings if f.status is Status.FAIL] == []
    assert all(device.unrecognized == () and device.error is None for device in result.report.devices)
    for generated in result.generated:
        written = generated.path.read_text(encoding="utf-8")
        assert written == generated.text
        assert stat.S_IMODE(generated.path.stat().st_mode) == 0o600
        for secret in SAMPLE_SECRETS.values():
            assert secret not in written


@pytest.mark.parametrize("host", ["aoba-rtr1", "sakura-rtr1"])
def test_rendered_config_matches_its_golden_file(host: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    result = generate(load_inventory(SAMPLE_INVENTORY), tmp_path, SAMPLE_SECRETS)
    text = next(g.text for g in result.generated if g.host == host)
    golden = GOLDEN / f"{host}.cfg"
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
    plan_baseline(entry.name, entry.policy, baseline_vars(entry), SAMPLE_SECRETS)


def test_ip_vpn_is_refused_loudly() -> None:
    policy = load_inventory(SAMPLE_INVENTORY).host("aoba-rtr1").policy.model_copy(update={"connection": "ip_vpn"})
    with pytest.raises(GenerateError, match="not implemented yet"):
        plan_baseline("aoba-rtr1", policy, BaselineVars.model_validate(_AOBA_VARS), SAMPLE_SECRETS)


def test_cli_generates_and_the_audit_reads_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SAMPLE_SECRETS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "generated"
    result = CliRunner().invoke(app, ["generate", "--inventory", str(SAMPLE_INVENTORY), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "sakura-ap1: skipped (no data.baseline)" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["aoba-rtr1.cfg", "sakura-rtr1.cfg"]


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


@st.composite
def policies(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A facility the guideline allows: onshi reaches only the claims network, guests only the
    internet, a vendor only EMR hosts; other segments get random flows among themselves."""
    kinds = ["onshi", *draw(st.lists(st.sampled_from(_OPTIONAL_KINDS), unique=True, max_size=5))]
    segments = [{"name": kind, "kind": kind, "level": "medium", "ipv4": [f"192.168.{10 + i}.0/24"]}
                for i, kind in enumerate(kinds)]  # fmt: skip
    vpns = [{"name": "claims", "kind": "claims_network", "owner": "provider", "peers": ["203.0.113.10"],
             "remote_prefixes": ["10.100.0.0/16"], "local_segments": ["onshi"]}]  # fmt: skip
    flows: list[dict[str, Any]] = [{"from": "onshi", "to": "claims", "protocol": "tcp", "ports": [443]}]
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
    if "management" in kinds:
        flows.append({"from": "management", "to": "device", "protocol": "tcp", "ports": [22]})
    policy = {
        "name": "random clinic",
        "code": "1399999999",
        "connection": "ipsec_ike",
        "segments": segments,
        "vpns": vpns,
        "flows": flows,
        "ntp_servers": ["133.243.238.164"],
        "syslog_servers": ["192.168.10.10"],
        "management_sources": [segments[kinds.index("management")]["ipv4"][0]] if "management" in kinds else [],
    }
    variables = {
        "lan_interface": "FastEthernet0", "uplink": draw(st.sampled_from(_UPLINKS)),
        "segment_interfaces": draw(st.sampled_from(["svi", "subinterface"])),
        "vlans": {kind: 10 + i for i, kind in enumerate(kinds)},
        "tunnels": {"claims": "172.31.255.2/30", "vendor": "172.31.255.6/30"},
        "enable_secret_env": "AOBA_ENABLE_SECRET",
        "users": [{"name": "clinic-admin", "secret_env": "AOBA_ADMIN_SECRET"},
                  {"name": "vendor-maint", "secret_env": "AOBA_ADMIN_SECRET"}],
    }  # fmt: skip
    return policy, variables


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_random_policies_generate_configs_forwarding_exactly_the_declared_flows(
    drawn: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    policy = FacilityPolicy.model_validate(drawn[0])
    plan = plan_baseline("r1", policy, BaselineVars.model_validate(drawn[1]), SAMPLE_SECRETS)
    text = get_driver("cisco_ios").render_baseline(plan, "edge_router")
    data = HostData.model_validate({"role": "edge_router"})
    report = audit([DeviceJob("r1", "cisco_ios", ConfigText(text, "r1.cfg", "utf-8"), facility="f", policy=policy,
                              host_data=data)])  # fmt: skip
    assert report.devices[0].unrecognized == ()
    assert [(f.rule, f.message.en) for f in report.findings if f.status is Status.FAIL] == []
    _assert_exactly_declared(report.inputs[0])


def _assert_exactly_declared(inp: RuleInput) -> None:
    """Between segments, VPNs, the internet and the device: every declared flow is forwarded (within
    the zones' addresses) and nothing else is, as new connections."""
    assert inp.policy is not None
    network = network_of(inp)
    sp = network.space
    zones = [s.name for s in inp.policy.segments] + [v.name for v in inp.policy.vpns] + [INTERNET]
    scope = {s.name: sp.networks("dst", s.ipv4) for s in inp.policy.segments}
    scope |= {v.name: sp.networks("dst", v.remote_prefixes) for v in inp.policy.vpns}
    scope[INTERNET] = sp.network("dst", ipaddress.ip_network("198.51.100.0/24"))
    gateways = {s.name: next(s.ipv4[0].hosts()) for s in inp.policy.segments}
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
            for flow in declared:
                # The router's own addresses are the device, not the segment behind them.
                own = sp.networks("dst", [ipaddress.ip_network(g) for g in gateways.values()])
                target = (sp.network("dst", ipaddress.ip_network(gateways[source])) if destination == DEVICE
                          else scope[destination] & ~own)  # fmt: skip
                wanted = flow_set(sp, flow) & sp.networks("src", _sources(inp.policy, source)) & target
                wanted &= ~sp.protocol(58)  # "icmp" flows include ICMPv6, which IPv4 addresses never carry
                missing = wanted & new_connections(sp) & ~forwarded
                assert sp.is_empty(missing), (source, destination, sp.example(missing))


def _sources(policy: FacilityPolicy, zone: str) -> list[Any]:
    segment = policy.segment(zone)
    if segment is not None:
        return list(segment.ipv4)
    return next(list(v.remote_prefixes) for v in policy.vpns if v.name == zone)


def test_a_broken_user_template_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "cisco_ios").mkdir(parents=True)
    (templates / "cisco_ios" / "edge_router.j2").write_text("hostname {{ plan.no_such_field }}\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(GenerateErrors) as raised:
        generate(load_inventory(SAMPLE_INVENTORY), out, SAMPLE_SECRETS, [templates], renderer=render_with_nornir)
    assert [p.field for p in raised.value.problems] == ["template", "template"]
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
    assert not out.exists()
