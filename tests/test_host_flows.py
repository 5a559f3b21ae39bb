"""Host-level policy: a flow may name hosts or prefixes inside its zones (only the onshi terminal may
reach the claims network), checked exactly; hosts outside their zone are an input error."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from onshi.generate.build import generate
from onshi.inventory import load_inventory
from onshi.model import Status
from onshi.pipeline import AuditReport
from onshi.policy import FacilityPolicy
from onshi.sources import SnapshotSource
from onshi.tasks.audit import audit_inventory
from onshi.validators.reachability import expected, network_of, new_connections
from tests.helpers import SAMPLE_INVENTORY
from tests.test_generate import SAMPLE_SECRETS


def _sakura(tmp_path: Path, hosts: dict[str, Any]) -> Path:
    """The sample with the onshi → claims flow narrowed to ``hosts`` (from_hosts / to_hosts)."""
    target = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, target)
    groups = yaml.safe_load((target / "groups.yaml").read_text(encoding="utf-8"))
    flows = groups["clinic_sakura"]["data"]["facility"]["flows"]
    flows[0].update(hosts)
    (target / "groups.yaml").write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    return target


def _audit(folder: Path) -> AuditReport:
    inventory = load_inventory(folder)
    return audit_inventory(inventory, SnapshotSource(folder / "configs"))


def _sakura_findings(report: AuditReport, rule: str) -> list[Any]:
    return [f for f in report.findings if f.host == "sakura-rtr1" and f.rule == rule]


def _undeclared_https(report: AuditReport, source: str) -> bool:
    """Whether sakura's router forwards onshi → claims tcp/443 from ``source`` beyond the declared flows."""
    inp = next(i for i in report.inputs if i.host == "sakura-rtr1")
    network = network_of(inp)
    sp = network.space
    packet = (sp.address("src", ipaddress.ip_address(source)) & sp.address("dst", ipaddress.ip_address("10.100.0.5"))
              & sp.protocol(6) & sp.value("dport", 443) & new_connections(sp))  # fmt: skip
    forwarded = network.reach("onshi", "claims").packets & packet
    return not sp.is_empty(forwarded) and not sp.is_empty(forwarded & ~expected(inp, "onshi", "claims"))


def test_only_the_onshi_terminal_may_reach_the_claims_network(tmp_path: Path) -> None:
    before = _audit(_sakura(tmp_path / "a", {}))
    after = _audit(_sakura(tmp_path / "b", {"from_hosts": ["192.168.10.5/32"]}))
    assert not _undeclared_https(before, "192.168.10.23")  # the whole segment was declared
    assert _undeclared_https(after, "192.168.10.23")  # now only the terminal is
    assert not _undeclared_https(after, "192.168.10.5")
    wider = [f for f in _sakura_findings(after, "SEG-03") if f.status is Status.FAIL and f.path == ("onshi", "claims")]
    assert len(wider) == 1
    assert wider[0].example_packet is not None
    assert wider[0].example_packet.src != "192.168.10.5"


def test_naming_the_whole_zone_as_hosts_changes_nothing(tmp_path: Path) -> None:
    whole = _audit(_sakura(tmp_path / "a", {"from_hosts": ["192.168.10.0/24"], "to_hosts": ["10.100.0.0/16"]}))
    zone = _audit(_sakura(tmp_path / "b", {}))
    assert [(f.rule, f.status, f.message.en) for f in whole.findings] == [
        (f.rule, f.status, f.message.en) for f in zone.findings
    ]  # fmt: skip


@pytest.mark.parametrize(("hosts", "message"), [
    ({"from_hosts": ["192.168.20.5/32"]}, "flows[0].from_hosts: 192.168.20.5/32 is not inside zone 'onshi'"),
    ({"to_hosts": ["10.200.0.1/32"]}, "flows[0].to_hosts: 10.200.0.1/32 is not inside zone 'claims'"),
])  # fmt: skip
def test_hosts_outside_their_zone_are_an_input_error(hosts: dict[str, Any], message: str) -> None:
    facility = yaml.safe_load((SAMPLE_INVENTORY / "groups.yaml").read_text(encoding="utf-8"))["clinic_sakura"]
    policy = facility["data"]["facility"]
    policy["flows"][0].update(hosts)
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        FacilityPolicy.model_validate(policy)


def test_generation_opens_a_host_level_flow_to_its_hosts_only(tmp_path: Path) -> None:
    """The baseline writes a host-level flow from its hosts only: the generated router passes every
    rule, forwards the terminal's HTTPS to the claims network, and no other host's."""
    inventory = load_inventory(_sakura(tmp_path, {"from_hosts": ["192.168.10.5/32"]}))
    result = generate(inventory, tmp_path / "out", SAMPLE_SECRETS)
    assert result.problems("sakura-rtr1") == []
    assert "192.168.10.5" in (tmp_path / "out" / "sakura-rtr1.cfg").read_text(encoding="utf-8")
    inp = next(i for i in result.report.inputs if i.host == "sakura-rtr1")
    network = network_of(inp)
    sp = network.space
    https = sp.protocol(6) & sp.value("dport", 443) & new_connections(sp)
    forwarded = network.reach("onshi", "claims").packets & https
    assert not sp.is_empty(forwarded & sp.address("src", ipaddress.ip_address("192.168.10.5")))
    assert sp.is_empty(forwarded & ~sp.address("src", ipaddress.ip_address("192.168.10.5")))
