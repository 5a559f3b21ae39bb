"""Every remediation onshi prints is proven by applying it: a config with a finding's commands
applied (as the device would take them) no longer fails that finding, rule by rule, on each
platform that renders commands: the sample's devices and the platform fixtures full of violations."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from onshi.inventory import load_inventory
from onshi.model import Finding, Status
from onshi.pipeline import AuditReport, DeviceJob, Reading, audit
from onshi.platforms import get_driver
from onshi.policy import FacilityPolicy, HostData, Role
from onshi.sources import ConfigText, SnapshotSource, read_config_file
from onshi.tasks.audit import job
from tests.helpers import SAMPLE_INVENTORY, fixture_path
from tests.remediation import apply_fortios, apply_ios, apply_ix, apply_yamaha, with_secret
from tests.test_rules_fortinet import POLICY as FORTIGATE_POLICY
from tests.test_rules_yamaha import POLICY as YAMAHA_POLICY

APPLIERS = {"yamaha_rtx": apply_yamaha, "fortinet": apply_fortios, "cisco_ios": apply_ios, "nec_ix": apply_ix}
FIXTURES = {("yamaha_rtx", "edge_violations.cfg"): YAMAHA_POLICY}


@cache
def _jobs() -> dict[str, DeviceJob]:
    """What is audited, by label: the sample's hosts, and each fixture as a host with its policy."""
    inventory = load_inventory(SAMPLE_INVENTORY)
    source = SnapshotSource(SAMPLE_INVENTORY / "configs")
    found = {entry.name: job(entry, source.fetch(entry.name), None) for entry in inventory.hosts}
    for (platform, name), policy in FIXTURES.items():
        path = fixture_path(platform, name)
        found[f"{platform}/{name}"] = DeviceJob(
            path.stem, platform, read_config_file(path), facility="test",
            policy=FacilityPolicy.model_validate(policy), host_data=HostData(role=Role.EDGE_ROUTER),
        )  # fmt: skip
    return found


def _remediated(label: str) -> list[Finding]:
    """Findings with commands an engineer enters as printed: not those that ask for a new secret, which
    only a person chooses (``<new-password>``)."""
    report = audit([_jobs()[label]], matrices=False)
    return [f for f in report.findings if f.remediation and f.status is not Status.PASS
            and not any("<new-" in command for command in f.remediation)]  # fmt: skip


def _cases() -> list[tuple[str, str]]:
    """(label, rule) of every finding with commands on a platform whose commands can be applied."""
    chosen = [label for label, item in _jobs().items() if item.platform in _platforms()]
    return sorted({(label, f.rule) for label in chosen for f in _remediated(label)})


def _platforms() -> set[str]:
    return {item.platform for item in _jobs().values() if get_driver(item.platform).name in APPLIERS}


@pytest.mark.parametrize(("label", "rule"), _cases())
def test_applying_the_remediation_clears_the_finding(label: str, rule: str) -> None:
    item = _jobs()[label]
    assert item.config is not None
    before = [f for f in _remediated(label) if f.rule == rule]
    raw = item.config.text.splitlines()
    commands = tuple(with_secret(command, raw) for finding in before for command in finding.remediation)
    fixed_text = APPLIERS[get_driver(item.platform).name](item.config.text, commands)
    assert fixed_text != item.config.text, commands
    after = audit([replace(item, config=replace(item.config, text=fixed_text), reading=Reading.AUTHORED)],
                  matrices=False)  # fmt: skip
    assert not after.devices[0].error, after.devices[0].error
    unread = {item.text.strip() for item in audit([item], matrices=False).devices[0].unrecognized}
    assert {i.text.strip() for i in after.devices[0].unrecognized} <= unread, commands  # every command read back
    undone = {finding.message.en for finding in before}
    still = [f for f in after.findings if f.rule == rule and f.status in (Status.FAIL, Status.MANUAL)
             and f.message.en in undone]  # fmt: skip
    assert not still, (commands, [f.message.en for f in still])


def test_every_platform_has_its_commands_proven() -> None:
    rules = {(get_driver(_jobs()[label].platform).name, rule) for label, rule in _cases()}
    yamaha = {"EXT-02", "EXT-04", "MGMT-01", "MGMT-03", "MGMT-05", "MGMT-06", "AUTH-04", "LOG-01", "LOG-02", "VPN-03",
              "VPN-05", "MGMT-02", "EXT-03"}  # fmt: skip
    cisco = {"EXT-02", "MGMT-01", "MGMT-02", "MGMT-03", "MGMT-05", "MGMT-06", "AUTH-02", "AUTH-04", "AUTH-06",
             "AUTH-07", "LOG-01", "LOG-02", "VPN-03", "VPN-05", "EXT-03", "WLAN-01", "WLAN-02"}  # fmt: skip
    expected = {("yamaha_rtx", r) for r in yamaha} | {("cisco_ios", r) for r in cisco}
    fortinet = {("fortinet", r) for r in ("AUTH-04", "AUTH-07", "EXT-02", "EXT-03", "MGMT-01", "MGMT-04", "MGMT-05",
                                             "MGMT-06", "VPN-03", "WLAN-01")}  # fmt: skip
    nec_ix = {("nec_ix", r) for r in ("EXT-02", "MGMT-01", "MGMT-02", "EXT-03", "VPN-03")}
    assert expected | fortinet | nec_ix <= rules


def test_fortigate_dead_peer_detection_turned_off_is_turned_back_on() -> None:
    """No sample FortiGate turns DPD off: the compliant fixture with `set dpd disable` on its phase 1
    fails VPN-05, and its commands applied pass it."""
    text = fixture_path("fortinet", "fw_compliant.cfg").read_text(encoding="utf-8")
    text = text.replace("        set dpd on-idle\n", "        set dpd disable\n", 1)
    item = DeviceJob("fw", "fortinet", ConfigText(text, "fw.cfg", "utf-8"), facility="test",
                     policy=FacilityPolicy.model_validate(FORTIGATE_POLICY), host_data=HostData(role=Role.EDGE_ROUTER))  # fmt: skip
    before = [f for f in audit([item], matrices=False).findings if f.rule == "VPN-05"]
    assert [f.status for f in before] == [Status.FAIL]
    fixed = apply_fortios(text, before[0].remediation)
    after = audit([replace(item, config=ConfigText(fixed, "fw.cfg", "utf-8"))], matrices=False)
    assert [f.status for f in after.findings if f.rule == "VPN-05"] == [Status.PASS], before[0].remediation


def test_a_rule_with_commands_on_a_platform_carries_them_on_every_failure_of_the_sample(
    sample_report: AuditReport,
) -> None:
    """No half-covered rule: where a platform has commands for a rule, each of the sample's failures of
    that rule carries them, except a failure that only a person can decide."""
    person_decides = ("is open to the internet",)  # an SSL-VPN portal: keep it, move it, or drop it
    platform = {device.host: device.platform for device in sample_report.devices}
    failures = [f for f in sample_report.findings if f.status is Status.FAIL]
    covered = {(platform[f.host], f.rule) for f in failures if f.remediation}
    bare = [(f.host, f.rule, f.message.en) for f in failures if (platform[f.host], f.rule) in covered
            and not f.remediation and not any(phrase in f.message.en for phrase in person_decides)]  # fmt: skip
    assert not bare
