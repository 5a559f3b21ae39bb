"""Intended against running: the sample clinic's drift, a remediation in a safe order, and the round
trip: the running config with the remediation applied (as hier_config predicts it) passes the audit."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.generate.build import generate, plan_inventory, render
from onshi.generate.drift import Drift
from onshi.generate.plan import SecretValue
from onshi.generate.verify import Verification, verify
from onshi.inventory import load_inventory
from onshi.model import Status
from onshi.pipeline import audit
from onshi.platforms import get_driver
from onshi.platforms.cisco_ios.baseline import type9_salted
from onshi.platforms.fortinet.baseline import sh2, sh2_matches
from onshi.report.drift import drift_text
from onshi.sources import ConfigText, SnapshotSource, read_config_file
from onshi.tasks.audit import job
from tests.helpers import SAMPLE_INVENTORY
from tests.test_generate import SAMPLE_SECRETS


def _clinic() -> tuple[Verification, ConfigText]:
    """The sample clinic's verification against its running snapshot, and that snapshot."""
    running = SnapshotSource(SAMPLE_INVENTORY / "configs").fetch("sakura-rtr1")
    results = verify(
        load_inventory(SAMPLE_INVENTORY), {"sakura-rtr1": running, "aoba-rtr1": "not read"}, SAMPLE_SECRETS
    )
    return next(r for r in results if r.host == "sakura-rtr1"), running


def test_remediation_applied_to_the_running_clinic_passes_the_audit() -> None:
    result, running = _clinic()
    assert result.drift is not None
    assert not result.drift.in_sync
    assert any("transport input telnet" in line for line in result.drift.extra)  # the clinic's telnet
    entry = load_inventory(SAMPLE_INVENTORY).host("sakura-rtr1")
    before = audit([job(entry, running, None)])
    after = audit([job(entry, ConfigText(result.drift.predicted, "predicted", "utf-8"), None)])
    assert any(f.status is Status.FAIL for f in before.findings)
    assert after.devices[0].unrecognized == ()
    assert [(f.rule, f.message.en) for f in after.findings if f.status is Status.FAIL] == []


def test_acls_are_defined_before_bound_and_unbound_before_removed() -> None:
    result, _ = _clinic()
    assert result.drift is not None
    lines = [line.strip() for line in result.drift.remediation]
    defined = {
        m[2]: i for i, line in enumerate(lines) if (m := re.match(r"ip access-list (standard|extended) (\S+)$", line))
    }
    removed = {
        m[2]: i
        for i, line in enumerate(lines)
        if (m := re.match(r"no ip access-list (standard|extended) (\S+)$", line))
    }
    bound = {m[1]: i for i, line in enumerate(lines) if (m := re.match(r"ip access-group (\S+) (in|out)$", line))}
    unbound = {m[1]: i for i, line in enumerate(lines) if (m := re.match(r"no ip access-group (\S+) (in|out)$", line))}
    assert bound
    assert removed
    for name, index in bound.items():
        assert defined[name] < index, name
    for name, index in removed.items():
        assert unbound.get(name, -1) < index, name
    # An ACL that changes type under the same name is removed first, or IOS would refuse the new one.
    assert lines[0] == "no ip access-list extended NAT-INSIDE"
    assert defined["NAT-INSIDE"] > 0


def test_generated_config_is_in_sync_with_itself(tmp_path: Path) -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    generated = generate(inventory, tmp_path, SAMPLE_SECRETS).generated
    running = {g.host: ConfigText(g.text, str(g.path), "utf-8") for g in generated}
    results = verify(inventory, running, SAMPLE_SECRETS, check_whole=False)  # generated, not `show` output
    assert [(r.host, r.drift is not None and r.drift.in_sync) for r in results] == [
        ("sakura-rtr1", True), ("aoba-rtr1", True), ("kaede-rtr1", True), ("kaede-ap1", True),
        ("himawari-rtr1", True), ("momiji-fw1", True), ("ayame-rtr1", True),
    ]  # fmt: skip
    assert drift_text(results).count("in sync with its intended config") == 7


def test_drift_text_masks_secrets() -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    running = SnapshotSource(SAMPLE_INVENTORY / "configs").fetch("sakura-rtr1")
    text = drift_text(verify(inventory, {"sakura-rtr1": running, "aoba-rtr1": "no snapshot"}, SAMPLE_SECRETS))
    assert "$9$" not in text
    assert "enable secret 9 <masked>" in text
    assert "== aoba-rtr1: not verified: no snapshot" in text


def test_cli_verify_reports_drift_and_writes_remediation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SAMPLE_SECRETS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "remediation"
    result = CliRunner().invoke(
        app, ["verify", "--inventory", str(SAMPLE_INVENTORY), "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 1, result.output
    assert "== sakura-rtr1: drift" in result.output
    written = out / "sakura-rtr1.remediation.cfg"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "no ip access-list extended GUEST-IN" in written.read_text(encoding="utf-8")


def test_a_password_the_device_hashed_with_its_own_salt_is_not_drift(tmp_path: Path) -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    (generated,) = [g for g in generate(inventory, tmp_path, SAMPLE_SECRETS).generated if g.host == "aoba-rtr1"]
    rehashed = type9_salted(SecretValue("AOBA_ENABLE_SECRET", SAMPLE_SECRETS["AOBA_ENABLE_SECRET"]), "abcdefghijklmn")
    running = re.sub(r"^enable secret 9 \S+$", f"enable secret 9 {rehashed}", generated.text, flags=re.MULTILINE)
    assert running != generated.text
    results = verify(inventory, {"aoba-rtr1": ConfigText(running, "running", "utf-8")}, SAMPLE_SECRETS)
    aoba = next(r for r in results if r.host == "aoba-rtr1")
    assert aoba.drift is not None
    assert aoba.drift.in_sync
    changed = {**SAMPLE_SECRETS, "AOBA_ENABLE_SECRET": "a-new-enable-secret"}
    aoba = next(
        r for r in verify(inventory, {"aoba-rtr1": ConfigText(running, "r", "utf-8")}, changed) if r.host == "aoba-rtr1"
    )
    assert aoba.drift is not None
    assert [line.split(" 9 ")[0] for line in aoba.drift.remediation] == ["enable secret"]


def test_the_ip_vpn_clinic_remediation_refilters_the_closed_network_in_place() -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    running = SnapshotSource(SAMPLE_INVENTORY / "configs").fetch("kaede-rtr1")
    (result,) = [r for r in verify(inventory, {"kaede-rtr1": running}, SAMPLE_SECRETS) if r.host == "kaede-rtr1"]
    assert result.drift is not None
    lines = [line.strip() for line in result.drift.remediation]
    # The widened entry is replaced at its own position, not appended after the list's final deny.
    assert lines.index("no sequence 10 permit ipv6 2001:DB8:1510:10::/64 any") < lines.index(
        "sequence 10 permit tcp 2001:DB8:1510:10::/64 2001:DB8:4000::/40 eq 443"
    )
    assert "ipv6 traffic-filter CLAIMS-IN6 in" in lines
    entry = inventory.host("kaede-rtr1")
    after = audit([job(entry, ConfigText(result.drift.predicted, "predicted", "utf-8"), None)])
    assert after.devices[0].unrecognized == ()
    assert [(f.rule, f.message.en) for f in after.findings if f.status is Status.FAIL] == []


def test_the_pharmacy_moves_from_interface_acls_to_the_zone_based_firewall_never_unfiltered() -> None:
    """The C1111 (IOS-XE) runs stateless ACLs; its baseline is the zone-based firewall. The remediation
    defines zones and policies before any interface joins a zone, and each interface joins its zone
    before it gives up its ACL; applied, the config passes the audit."""
    inventory = load_inventory(SAMPLE_INVENTORY)
    running = SnapshotSource(SAMPLE_INVENTORY / "configs").fetch("aoba-rtr1")
    (result,) = [r for r in verify(inventory, {"aoba-rtr1": running}, SAMPLE_SECRETS) if r.host == "aoba-rtr1"]
    assert result.drift is not None
    lines = result.drift.remediation
    first_member = next(i for i, line in enumerate(lines) if "zone-member security" in line)
    assert (
        max(i for i, line in enumerate(lines) if line.startswith(("zone ", "zone-pair ", "policy-map "))) < first_member
    )
    for index, line in enumerate(lines):
        if line.strip().startswith("no ip access-group"):
            section = max(i for i in range(index) if not lines[i].startswith(" "))
            assert any("zone-member security" in lines[i] for i in range(section, index)), lines[section]
    after = audit([job(inventory.host("aoba-rtr1"), ConfigText(result.drift.predicted, "predicted", "utf-8"), None)])
    assert after.devices[0].unrecognized == ()
    assert [(f.rule, f.message.en) for f in after.findings if f.status is Status.FAIL] == []


def test_the_yamaha_clinic_is_remediated_to_its_baseline_with_zero_fail() -> None:
    """The RTX snapshot with its five violations, the remediation applied (as the drift predicts it):
    in sync with the intended config, and the audit of the result fails nothing."""
    drift = _drift_of_sample("himawari-rtr1")
    commands = drift.remediation
    assert "no telnetd host" in commands
    assert "tunnel disable 1" in commands
    assert "nat descriptor masquerade static 1000 3 192.168.99.1 esp" in commands  # replaces the RDP forward
    assert "no ipv6 lan1/2 address" in commands  # the IPoE LAN without an inbound filter goes
    # Filters are defined before a list names them, and removed only after no list does.
    first_list = next(i for i, c in enumerate(commands) if " secure filter " in c and not c.startswith("no "))
    assert all(i < first_list for i, c in enumerate(commands) if c.startswith("ip filter "))
    last_list = max(i for i, c in enumerate(commands) if " secure filter " in c)
    assert all(i > last_list for i, c in enumerate(commands) if c.startswith("no ip filter "))
    _assert_remediated("himawari-rtr1", drift)


def _drift_of_sample(host: str) -> Drift:
    """The drift of the host's sample snapshot from its baseline: there is some."""
    running = read_config_file(SAMPLE_INVENTORY / "configs" / f"{host}.cfg")
    (result,) = [r for r in verify(load_inventory(SAMPLE_INVENTORY), {host: running}, SAMPLE_SECRETS) if r.host == host]
    assert result.drift is not None
    assert not result.drift.in_sync
    return result.drift


def _assert_remediated(host: str, drift: Drift) -> None:
    """The running config with the remediation applied (as the drift predicts it) is in sync with the
    baseline, and its audit understands every line and fails nothing."""
    inventory = load_inventory(SAMPLE_INVENTORY)
    entry = inventory.host(host)
    (plan,) = [plan for found, plan in plan_inventory(inventory, SAMPLE_SECRETS) if found.name == host]
    assert get_driver(entry.platform).drift(render(entry, plan, ()), drift.predicted).in_sync
    report = audit([job(entry, ConfigText(drift.predicted, "predicted.cfg", "utf-8"), None)])
    assert report.devices[0].unrecognized == ()
    assert [(f.rule, f.message.en) for f in report.findings if f.status is Status.FAIL] == []


def test_fortigate_remediation_deletes_what_the_baseline_lacks_and_orders_the_policies() -> None:
    """The sample FortiGate: the RDP VIP and its policy deleted (the accept first, the VIP after it),
    ports giving up their addresses before the VLANs take them, policies moved into the baseline's
    order; applied, the config is in sync and passes the audit. Keys FortiOS stores encrypted are
    reported as unverified, never entered again or called in sync."""
    drift = _drift_of_sample("momiji-fw1")
    commands = [line.strip() for line in drift.remediation]
    vip_policy = commands.index("delete 6")
    assert vip_policy < commands.index("delete rdp-receipt")
    assert vip_policy < commands.index("edit vlan10")  # no moment with the RDP forward and the new VLANs
    assert commands.index("unset ip") < commands.index("set ip 192.168.10.1 255.255.255.0")
    assert [c for c in commands if c.startswith("move ")] == ["move 2 after 1", "move 3 after 2"]
    assert commands[:4] == ["config system interface", "edit wan1", "unset allowaccess", "next"]  # telnet first
    assert not any("psksecret" in c or "Momiji" in c for c in commands)
    assert any("psksecret" in line for line in drift.unverified)
    _assert_remediated("momiji-fw1", drift)


def test_fortigate_admin_hashes_of_unchanged_passwords_are_kept() -> None:
    """A running SH2 hash of the same password is kept (no drift); another password gets a new one."""
    inventory = load_inventory(SAMPLE_INVENTORY)
    entry = inventory.host("momiji-fw1")
    (plan,) = [plan for host, plan in plan_inventory(inventory, SAMPLE_SECRETS) if host.name == entry.name]
    stored = sh2(SAMPLE_SECRETS["MOMIJI_STAFF_SECRET"], b"123456789012")
    running = f'config system admin\n    edit "momiji-admin"\n        set password ENC {stored}\n    next\nend\n'
    assert f"set password ENC {stored}" in render(entry, plan, (), running=running)
    other = running.replace(stored, sh2("another-Password-1", b"123456789012"))
    assert f"set password ENC {stored}" not in render(entry, plan, (), running=other)


def test_fortios_sh2_matches_the_published_test_vector() -> None:
    """John the Ripper's FortiOS256 format publishes this hash of "a"; onshi computes the same."""
    published = "SH2+n+OiTlautpJQF1NBcMU2H1otOvlAz9g5wzxwHw+4il3Aiixv9oPtKnRgCc="
    assert sh2_matches(published, "a")
    assert not sh2_matches(published, "b")
    assert not sh2_matches("SH2not-base64!", "a")


def test_a_fortigate_with_vdoms_gets_no_remediation_and_the_others_still_do() -> None:
    inventory = load_inventory(SAMPLE_INVENTORY)
    running = read_config_file(SAMPLE_INVENTORY / "configs" / "momiji-fw1.cfg")
    vdoms = ConfigText("config vdom\nedit root\n" + running.text + "end\n", running.file, "utf-8")
    sakura = SnapshotSource(SAMPLE_INVENTORY / "configs").fetch("sakura-rtr1")
    results = {r.host: r for r in verify(inventory, {"momiji-fw1": vdoms, "sakura-rtr1": sakura}, SAMPLE_SECRETS)}
    assert results["momiji-fw1"].drift is None
    error = "no remediation: the running config has VDOMs: its remediation is not generated"
    assert results["momiji-fw1"].error == error
    assert results["sakura-rtr1"].drift is not None
