"""onshi says so whenever it did not really read a device: never `pass` on what it did not read."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.model import Aspect, Device, Status
from onshi.pipeline import AuditReport, DeviceJob, Reading, audit
from onshi.platforms import get_driver
from onshi.policy import FacilityPolicy, HostData
from onshi.sources import ConfigText
from tests.helpers import CLINIC_POLICY, CORPUS, SAMPLE_INVENTORY, evidence_lines, findings, fixture_path
from tests.test_rules_yamaha import POLICY as YAMAHA_POLICY

runner = CliRunner()
CISCO = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8")
VIOLATIONS = fixture_path("cisco_ios", "edge_violations.cfg").read_text(encoding="utf-8")


def _audit_text(text: str, platform: str = "cisco_ios", reading: Reading = Reading.WHOLE) -> AuditReport:
    job = DeviceJob("r1", platform, ConfigText(text, "r1.cfg", "utf-8"), facility="f",
                    policy=FacilityPolicy.model_validate(CLINIC_POLICY),
                    host_data=HostData.model_validate({"role": "edge_router"}), reading=reading)  # fmt: skip
    return audit([job])


def _statuses(report: AuditReport, rule: str) -> list[Status]:
    return [f.status for f in findings(report, rule)]


# --- the read-coverage gate ----------------------------------------------------------------------------


def test_a_junos_file_audited_as_cisco_is_refused_by_name(tmp_path: Path) -> None:
    junos = CORPUS / "junos" / "ciscoconfparse-sample_04-junos-11.4-telnet-rootlogin.cfg"
    output = tmp_path / "r.json"
    result = runner.invoke(app, ["audit-file", str(junos), "--platform", "cisco_ios", "-f", "json", "-o", str(output)])
    assert result.exit_code == 2
    device = json.loads(output.read_text(encoding="utf-8"))["devices"][0]
    assert "Juniper Junos syntax, not cisco_ios" in device["error"]
    assert json.loads(output.read_text(encoding="utf-8"))["findings"] == []  # no pass on what was not read


def test_audit_file_without_platform_recognises_each_file(tmp_path: Path) -> None:
    files = [
        fixture_path("cisco_ios", "edge_compliant.cfg"),
        fixture_path("yamaha_rtx", "edge_compliant.cfg"),
        fixture_path("fortinet", "fw_compliant.cfg"),
        CORPUS / "junos" / "batfish-srx-testbed-junos-srx-1-set.cfg",
    ]
    output = tmp_path / "r.json"
    result = runner.invoke(app, ["audit-file", *map(str, files), "-f", "json", "-o", str(output)])
    assert result.exit_code == 2  # the Junos file: an error row, the others audited
    devices = json.loads(output.read_text(encoding="utf-8"))["devices"]
    assert [d["platform"] for d in devices] == ["cisco_ios", "yamaha_rtx", "fortinet", "unknown"]
    assert [d["error"] is None for d in devices] == [True, True, True, False]
    assert "Juniper Junos syntax, which onshi does not audit" in devices[3]["error"]


def _inventory_copy(tmp_path: Path) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, target)
    return target


def test_a_cisco_snapshot_declared_yamaha_is_a_device_error_and_the_others_are_audited(tmp_path: Path) -> None:
    inventory = _inventory_copy(tmp_path)
    shutil.copy(inventory / "configs" / "sakura-rtr1.cfg", inventory / "configs" / "himawari-rtr1.cfg")
    output = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", "json", "-o", str(output)])
    assert result.exit_code == 2
    document = json.loads(output.read_text(encoding="utf-8"))
    errors = {d["host"]: d["error"] for d in document["devices"]}
    assert "Cisco IOS / IOS-XE syntax, not yamaha_rtx (audit it with --platform cisco_ios)" in errors["himawari-rtr1"]
    assert not [f for f in document["findings"] if f["host"] == "himawari-rtr1"]  # SEG-01/04 no longer pass
    assert [host for host, error in errors.items() if error is None] == [
        h for h in errors if h != "himawari-rtr1"
    ]  # fmt: skip
    assert {f["host"] for f in document["findings"]} == {h for h in errors if h != "himawari-rtr1"}


@pytest.mark.parametrize(("text", "reason"), [
    ("", "is empty"),
    ("\n\n   \n", "is empty"),
    ("\n".join(CISCO.splitlines()[:80]) + "\n", "does not end with 'end'"),
])  # fmt: skip
def test_an_empty_or_cut_snapshot_is_a_device_error_naming_the_reason(tmp_path: Path, text: str, reason: str) -> None:
    inventory = _inventory_copy(tmp_path)
    (inventory / "configs" / "sakura-rtr1.cfg").write_text(text, encoding="utf-8")
    output = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", "json", "-o", str(output)])
    assert result.exit_code == 2
    devices = {d["host"]: d for d in json.loads(output.read_text(encoding="utf-8"))["devices"]}
    assert reason in devices["sakura-rtr1"]["error"]
    assert "--allow-partial" in devices["sakura-rtr1"]["error"]


def test_a_cut_snapshot_with_allow_partial_has_no_pass_and_keeps_its_failures(tmp_path: Path) -> None:
    cut = "\n".join(VIOLATIONS.splitlines()[:90]) + "\n"  # cut before the vty lines and the end
    whole = _audit_text(VIOLATIONS)
    partial = _audit_text(cut, reading=Reading.PARTIAL)
    assert partial.devices[0].partial is not None
    statuses = {f.status for f in partial.findings}
    assert Status.PASS not in statuses
    assert Status.NOT_APPLICABLE not in statuses
    manual = [f for f in partial.findings if f.status is Status.MANUAL and "not whole" in f.message.en]
    assert manual
    assert "--allow-partial" in manual[0].message.en
    # What the part read shows stays failed (the telnet-open HTTP server, the RW community).
    for rule in ("MGMT-03", "EXT-02"):
        assert Status.FAIL in _statuses(partial, rule), rule
        assert Status.FAIL in _statuses(whole, rule), rule


def test_allow_partial_on_the_command_line(tmp_path: Path) -> None:
    cut = tmp_path / "cut.cfg"
    cut.write_text("\n".join(VIOLATIONS.splitlines()[:90]) + "\n", encoding="utf-8")
    output = tmp_path / "r.json"
    refused = runner.invoke(app, ["audit-file", str(cut), "--platform", "cisco_ios"])
    assert refused.exit_code == 2
    result = runner.invoke(app, ["audit-file", str(cut), "--platform", "cisco_ios", "--allow-partial", "-f", "json",
                                 "-o", str(output)])  # fmt: skip
    assert result.exit_code == 1  # failures found in what was read
    document = json.loads(output.read_text(encoding="utf-8"))
    assert "does not end with 'end'" in document["devices"][0]["parse"]["partial"]
    assert "pass" not in {f["status"] for f in document["findings"]}


@pytest.mark.parametrize(("platform", "fixture", "cut"), [
    ("yamaha_rtx", "edge_compliant.cfg", lambda lines: lines[3:]),  # the header gone
    ("fortinet", "fw_compliant.cfg", lambda lines: lines[:60]),  # stopped inside a block
    ("fortinet", "fw_compliant.cfg", lambda lines: lines[: lines.index("end", 40)]),  # stopped at an inner end
])  # fmt: skip
def test_every_platform_says_what_a_whole_config_looks_like(platform: str, fixture: str, cut: object) -> None:
    driver = get_driver(platform)
    text = fixture_path(platform, fixture).read_text(encoding="utf-8")
    assert driver.incomplete(text) is None
    assert callable(cut)
    assert driver.incomplete("\n".join(cut(text.splitlines())) + "\n") is not None
    assert driver.incomplete("") == "it is empty"


def test_a_fortigate_output_that_stopped_at_an_inner_end_is_not_whole() -> None:
    text = fixture_path("fortinet", "fw_compliant.cfg").read_text(encoding="utf-8").splitlines()
    inner = next(i for i, line in enumerate(text) if line == "    end")  # a nested block's end
    reason = get_driver("fortinet").incomplete("\n".join(text[: inner + 1]) + "\n")
    assert reason is not None
    assert "never closed" in reason


# --- recognized means understood ---------------------------------------------------------------------------


def test_the_aironet_wep_ssids_fail_wlan_01_with_the_encryption_line() -> None:
    path = CORPUS / "cisco_ap" / "ciscoconfparse-sample_03-aironet-wep-leap.cfg"
    text = path.read_text(encoding="utf-8")
    report = audit([DeviceJob("ap", "cisco_ios", ConfigText(text, str(path), "utf-8"))])
    failing = [f for f in findings(report, "WLAN-01") if f.status is Status.FAIL]
    assert sorted(f.message.en.split()[1] for f in failing) == ["RADIOSCREAM", "RADIOSHOUT"]
    assert all("uses WEP" in f.message.en for f in failing)
    wep_line = text.splitlines().index(" encryption mode wep mandatory") + 1
    assert all(wep_line in evidence_lines(f) for f in failing)


def _with_line(text: str, after: str, line: str) -> str:
    lines = text.splitlines()
    index = lines.index(after) + 1
    return "\n".join([*lines[:index], line, *lines[index:]]) + "\n"


def test_an_unknown_line_under_line_vty_makes_the_rules_reading_it_manual() -> None:
    typo = _with_line(CISCO, " transport input ssh", " transport inptu telnet")
    report = _audit_text(typo)
    assert _statuses(_audit_text(CISCO), "MGMT-01") == [Status.PASS]
    mgmt = findings(report, "MGMT-01")
    assert [f.status for f in mgmt] == [Status.MANUAL]
    assert "transport inptu telnet" in mgmt[0].message.en
    assert CISCO.splitlines().index(" transport input ssh") + 2 in evidence_lines(mgmt[0])
    unrecognized = report.devices[0].unrecognized
    assert [(u.text, u.aspects) for u in unrecognized] == [(" transport inptu telnet", frozenset({Aspect.MANAGEMENT}))]
    # Rules that read other parts of the device are not affected by it.
    assert _statuses(report, "WLAN-01") == _statuses(_audit_text(CISCO), "WLAN-01")
    assert _statuses(report, "SEG-01") == _statuses(_audit_text(CISCO), "SEG-01")


def test_an_unknown_line_in_a_crypto_map_makes_the_vpn_rules_manual() -> None:
    report = _audit_text(_with_line(CISCO, "crypto map CLAIMS-MAP 10 ipsec-isakmp", " set pere 198.51.100.9"))
    for rule in ("VPN-05", "VPN-03"):
        assert Status.PASS not in _statuses(report, rule), rule
        assert Status.MANUAL in _statuses(report, rule), rule


# IOS accepts any unambiguous prefix of a keyword, in any case; hand-edited files use them.
ABBREVIATED = {
    "line vty 0 4": "lin vty 0 4",
    " transport input all": " tran in all",
    " exec-timeout 0 0": " exec-t 0 0",
    "ip http server": "ip http serv",
    "snmp-server community S3cr3t-Write RW": "snmp-server comm S3cr3t-Write RW",
    "ip nat inside source static 192.168.1.10 203.0.113.67": "ip nat ins source static 192.168.1.10 203.0.113.67",
    "interface GigabitEthernet0/1": "INTERFACE GigabitEthernet0/1",
    " ip nat inside": " IP NAT INSIDE",
}


def _abbreviated(text: str) -> str:
    return "\n".join(ABBREVIATED.get(line, line) for line in text.splitlines()) + "\n"


def _model(device: Device) -> Device:
    return dataclasses.replace(device, source=dataclasses.replace(device.source, file="", lines=()), secrets=(),
                               accounts=dataclasses.replace(device.accounts, line_passwords=()),
                               management=dataclasses.replace(device.management, snmp_communities=()))  # fmt: skip


def test_ios_abbreviations_and_case_read_as_the_full_commands() -> None:
    abbreviated = _abbreviated(VIOLATIONS)
    assert abbreviated != VIOLATIONS
    assert all(line in abbreviated.splitlines() for line in ABBREVIATED.values())
    driver = get_driver("cisco_ios")
    full, short = driver.parse(VIOLATIONS, "full.cfg"), driver.parse(abbreviated, "short.cfg")
    assert short.unrecognized == full.unrecognized
    assert _model(short) == _model(full)
    assert [(c.write, c.line) for c in short.management.snmp_communities] == [
        (c.write, c.line) for c in full.management.snmp_communities
    ]  # fmt: skip
    assert _verdicts(_audit_text(abbreviated)) == _verdicts(_audit_text(VIOLATIONS))


def _verdicts(report: AuditReport) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.status.value, f.message.en) for f in report.findings)


def test_an_ambiguous_abbreviation_stays_unrecognized() -> None:
    ambiguous = VIOLATIONS.replace("line vty 0 4", "l vty 0 4")  # line? logging? login? IOS refuses it too
    device = get_driver("cisco_ios").parse(ambiguous, "r.cfg")
    line = ambiguous.splitlines().index("l vty 0 4") + 1
    assert line in [u.line for u in device.unrecognized]
    assert Status.PASS not in _statuses(_audit_text(ambiguous), "MGMT-01")


# --- parsers that swallowed the rest of a config ------------------------------------------------------------


def _yamaha(text: str) -> AuditReport:
    job = DeviceJob("rtx", "yamaha_rtx", ConfigText(text, "rtx.cfg", "utf-8"), facility="f",
                    policy=FacilityPolicy.model_validate(YAMAHA_POLICY),
                    host_data=HostData.model_validate({"role": "edge_router"}))  # fmt: skip
    return audit([job])


def test_a_yamaha_line_ending_in_a_here_document_marker_does_not_swallow_the_rest() -> None:
    text = fixture_path("yamaha_rtx", "edge_violations.cfg").read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("ip lan1 address"))
    marked = "\n".join([*lines[:first], "description lan1 x<<y", *lines[first:]]) + "\n"
    before, after = _yamaha(text), _yamaha(marked)
    for rule in ("EXT-01", "EXT-02", "EXT-03", "VPN-03"):
        assert sorted(f.status for f in findings(after, rule)) == sorted(f.status for f in findings(before, rule)), rule
        assert Status.FAIL in _statuses(after, rule), rule


def test_an_unterminated_yamaha_embedded_file_leaves_the_rest_unrecognized() -> None:
    text = fixture_path("yamaha_rtx", "edge_compliant.cfg").read_text(encoding="utf-8")
    lines = text.splitlines()
    opened = "\n".join([*lines[:5], "embedded file a.lua <<EOF", *lines[5:]]) + "\n"
    device = get_driver("yamaha_rtx").parse(opened, "r.cfg")
    assert len(device.unrecognized) >= len([line for line in lines[5:] if line.strip()])


def test_a_missing_fortios_end_is_reported_where_it_happens_and_the_rest_reads_normally() -> None:
    driver = get_driver("fortinet")
    text = fixture_path("fortinet", "fw_violations.cfg").read_text(encoding="utf-8")
    lines = text.splitlines()
    first_end = lines.index("end")
    cut = "\n".join([*lines[:first_end], "", *lines[first_end + 1 :]]) + "\n"  # numbering kept
    whole, broken = driver.parse(text, "fw.cfg"), driver.parse(cut, "fw.cfg")
    opened = max(i for i in range(first_end) if lines[i].startswith("config ")) + 1
    assert [u.line for u in broken.unrecognized] == [opened]
    assert len(broken.zone_pairs) == len(whole.zone_pairs)
    assert broken.interfaces == whole.interfaces
    assert driver.incomplete(cut) is not None


def test_a_stray_fortios_quote_is_reported_on_its_line_only() -> None:
    driver = get_driver("fortinet")
    text = fixture_path("fortinet", "fw_violations.cfg").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("set alias"))
    lines[index] += ' "'
    broken = driver.parse("\n".join(lines) + "\n", "fw.cfg")
    assert [u.line for u in broken.unrecognized] == [index + 1]
    assert broken.zone_pairs == driver.parse(text, "fw.cfg").zone_pairs
