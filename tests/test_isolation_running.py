"""The incident runbook is built from the router as it runs (issue 17, item 1): applied to the running
config, the engine proves nothing reaches or leaves the internet or a VPN not kept."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from onshi.generate.isolate import Refused, Runbook, runbook_files, runbooks
from onshi.inventory import load_inventory
from onshi.pipeline import Reading, prepare
from onshi.platforms import get_driver
from onshi.policy import DEVICE, INTERNET
from onshi.sources import ConfigText, SnapshotSource
from onshi.tasks.audit import job, snapshot_texts
from onshi.validators.reachability import network_of
from tests.helpers import SAMPLE_INVENTORY

ROUTERS = ["sakura-rtr1", "aoba-rtr1", "kaede-rtr1", "himawari-rtr1", "momiji-fw1", "ayame-rtr1"]


def _runbooks() -> dict[str, Runbook | Refused]:
    inventory = load_inventory(SAMPLE_INVENTORY)
    texts = snapshot_texts(inventory, SnapshotSource(SAMPLE_INVENTORY / "configs"))
    return {outcome.host: outcome for outcome in runbooks(inventory, texts)}


@pytest.mark.parametrize("host", ROUTERS)
def test_the_runbook_applied_to_the_running_config_cuts_the_internet_and_the_vpns(host: str) -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    entry = inventory.host(host)
    runbook = _runbooks()[host]
    assert isinstance(runbook, Runbook), runbook
    running = SnapshotSource(SAMPLE_INVENTORY / "configs").fetch(host)
    driver = get_driver(entry.platform)
    applied = driver.drift(driver.shut(running.text, runbook.cut), running.text)
    assert applied.remediation == runbook.isolate  # the commands written are the ones applied here
    after = prepare(job(entry, replace(running, text=applied.predicted), None, Reading.AUTHORED))[1]
    assert after is not None
    network = network_of(after)
    assert entry.policy is not None
    cut = [INTERNET, *(vpn.name for vpn in entry.policy.vpns)]
    zones = [*network.zones(), DEVICE]
    for source in zones:
        for destination in zones:
            if source not in (destination, DEVICE) and (source in cut or destination in cut):
                assert network.space.is_empty(network.reach(source, destination).packets), (source, destination)


def test_the_sample_clinics_runbook_shuts_its_real_pppoe_uplink() -> None:
    runbook = _runbooks()["sakura-rtr1"]
    assert isinstance(runbook, Runbook)
    assert runbook.cut == ("Dialer1",)  # not the baseline's Tunnel10/11 and GigabitEthernet8
    assert runbook.isolate == ("interface Dialer1", "  shutdown")
    assert runbook.restore == ("interface Dialer1", "  no shutdown")
    files = runbook_files(runbook, "cisco_ios")
    data = (SAMPLE_INVENTORY / "configs" / "sakura-rtr1.cfg").read_bytes()
    header = [line for line in files["isolate"].splitlines() if line.startswith("!")]
    assert f"! 元にした設定 / built from the running config: sha256 {hashlib.sha256(data).hexdigest()}" in "\n".join(
        header
    )
    assert any("さくら内科クリニック" in line for line in header)
    assert any("sakura-rtr1.restore.cfg" in line for line in header)


def test_a_host_without_a_running_config_is_refused() -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    texts = snapshot_texts(inventory, SnapshotSource(SAMPLE_INVENTORY / "configs"))
    texts["sakura-rtr1"] = "sakura-rtr1.cfg: no such snapshot file"
    outcome = {o.host: o for o in runbooks(inventory, texts)}["sakura-rtr1"]
    assert isinstance(outcome, Refused)
    assert "no running config" in outcome.reason


def test_a_running_config_no_commands_can_be_derived_from_is_refused_and_the_others_still_built() -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    texts = snapshot_texts(inventory, SnapshotSource(SAMPLE_INVENTORY / "configs"))
    running = texts["sakura-rtr1"]
    assert isinstance(running, ConfigText)
    texts["sakura-rtr1"] = replace(running, text=running.text.replace("\nend", "\nhostname sakura-rtr1\nend"))
    outcomes = {o.host: o for o in runbooks(inventory, texts)}
    refused = outcomes["sakura-rtr1"]
    assert isinstance(refused, Refused)
    assert "no commands can be derived from the running config: the running config repeats line" in refused.reason
    assert any(isinstance(outcome, Runbook) for outcome in outcomes.values())


def test_a_kept_vpn_over_the_uplink_is_refused_with_its_reason() -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    entry = inventory.host("sakura-rtr1")
    assert entry.policy is not None
    kept = entry.policy.model_copy(update={"isolation_keep": ["vendor"]})
    texts = snapshot_texts(inventory, SnapshotSource(SAMPLE_INVENTORY / "configs"))
    keeping = replace(inventory, hosts=(replace(entry, policy=kept),))
    outcome = runbooks(keeping, {"sakura-rtr1": texts["sakura-rtr1"]})[0]
    assert isinstance(outcome, Refused)
    assert "VPN vendor is kept but rides the internet uplink" in outcome.reason
