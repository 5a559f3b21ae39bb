"""Live collection over real SSH (netmiko's own cisco_ios driver) against simulated devices."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir.core.inventory import Host
from typer.testing import CliRunner

from onshi.cli import app
from onshi.collect import CollectError, CollectOptions, CredentialsError, finish, resolve_credentials
from onshi.inventory import load_inventory
from onshi.platforms import get_driver
from onshi.tasks.collect import collect_inventory
from tests.helpers import FIXTURES, SAMPLE_INVENTORY
from tests.simulator import LOOPBACK, SimulatedDevice, free_port, large_config

runner = CliRunner()
CONFIG = (SAMPLE_INVENTORY / "configs" / "aoba-rtr1.cfg").read_text(encoding="utf-8")
FACTS = (FIXTURES / "cisco_ios" / "collect" / "show_version_c1111.txt").read_text(encoding="utf-8")
PASSWORD, ENABLE = "Sim-Pass-7391!", "Sim-Enable-5822!"
ENV = {"ONSHI_USERNAME": "admin", "ONSHI_PASSWORD": PASSWORD, "ONSHI_ENABLE_SECRET": ENABLE}
FAST = ["--connect-timeout", "3", "--command-timeout", "4"]


@pytest.fixture
def devices() -> Iterator[list[SimulatedDevice]]:
    started: list[SimulatedDevice] = []
    yield started
    for device in started:
        device.stop()


def start(devices: list[SimulatedDevice], **options: Any) -> SimulatedDevice:
    device = SimulatedDevice(CONFIG, FACTS, **options).start()
    devices.append(device)
    return device


def inventory(
    tmp_path: Path, hosts: dict[str, SimulatedDevice | int], platform: str = "cisco_ios", group: str = "pharmacy_aoba"
) -> Path:
    """An inventory folder whose hosts are the simulated devices (or bare ports) on 127.0.0.1."""
    folder = tmp_path / "inventory"
    folder.mkdir()
    groups = yaml.safe_load((SAMPLE_INVENTORY / "groups.yaml").read_text(encoding="utf-8"))
    (folder / "groups.yaml").write_text(yaml.safe_dump({group: groups[group]}, allow_unicode=True),
                                        encoding="utf-8")  # fmt: skip
    entries = {
        name: {"hostname": LOOPBACK, "port": target if isinstance(target, int) else target.port,
               "platform": platform, "groups": [group], "data": {"role": "edge_router", "location": "調剤室"}}
        for name, target in hosts.items()
    }  # fmt: skip
    (folder / "hosts.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    return folder


def collect(folder: Path, tmp_path: Path, *extra: str) -> Any:
    return runner.invoke(
        app,
        ["collect", "--inventory", str(folder), "--out", str(tmp_path / "out"),
         "--known-hosts", str(tmp_path / "known_hosts"), *FAST, *extra],
        env=ENV,
    )  # fmt: skip


def test_collect_writes_the_config_byte_for_byte_with_facts(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    device = start(devices, hostname="aoba-rtr1")
    result = collect(inventory(tmp_path, {"aoba-rtr1": device}), tmp_path, "--accept-new-host-keys", "--sanitize")
    assert result.exit_code == 0, result.output
    snapshot = tmp_path / "out" / "aoba-rtr1.cfg"
    assert snapshot.read_bytes() == CONFIG.encode("utf-8")
    metadata = json.loads((tmp_path / "out" / "aoba-rtr1.json").read_text(encoding="utf-8"))
    assert metadata["sha256"] == hashlib.sha256(snapshot.read_bytes()).hexdigest()
    assert metadata["commands"] == ["show running-config", "show version"]
    assert metadata["facts"] == {"model": "C1111-4P", "serial": "FGL2420L0AB", "os_version": "17.09.04a",
                                 "hostname": "aoba-rtr1"}  # fmt: skip
    for path in (snapshot, tmp_path / "out" / "aoba-rtr1.json", tmp_path / "known_hosts"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    sanitized = (tmp_path / "out" / "sanitized" / "aoba-rtr1.cfg").read_text(encoding="utf-8")
    assert "<masked>" in sanitized
    assert "Aoba-Snmp-Auth-2025" not in sanitized
    assert f"[{LOOPBACK}]:{device.port} ssh-rsa" in (tmp_path / "known_hosts").read_text(encoding="utf-8")


def test_audit_live_uses_the_collected_config_and_facts(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    device = start(devices, hostname="aoba-rtr1")
    folder = inventory(tmp_path, {"aoba-rtr1": device})
    result = runner.invoke(app, ["audit", "--live", "--inventory", str(folder), "--known-hosts",
                                 str(tmp_path / "known_hosts"), "--accept-new-host-keys", "-f", "json", *FAST],
                           env=ENV)  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout[result.stdout.index("{") :])
    assert document["devices"][0]["error"] is None
    ledger = next(f for f in document["findings"] if f["rule"] == "DOC-01")
    assert ledger["status"] == "pass"
    assert "C1111-4P" in ledger["message"]["en"]
    assert "FGL2420L0AB" in ledger["message"]["en"]


FAULTS = {
    "refused": ("connection refused", {}),
    "silent": ("timed out connecting", {"fault": "silent_tcp"}),
    "wrongpw": ("authentication failed", {"password": "Another-Pass-1!"}),
    "dropped": ("the connection dropped", {"fault": "drop_mid_output"}),
    "noprompt": ("no prompt", {"fault": "no_prompt"}),
    "paging": ("pages its output ('--More--')", {"fault": "ignores_paging"}),
    "truncated": ("truncated", {"fault": "truncated"}),
}


def test_each_fault_is_its_own_error_and_other_hosts_are_kept(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    hosts: dict[str, SimulatedDevice | int] = {"good": start(devices, hostname="good")}
    for name, (_, options) in FAULTS.items():
        hosts[name] = free_port() if name == "refused" else start(devices, hostname=name, **options)
    previous = tmp_path / "out" / "dropped.cfg"
    previous.parent.mkdir()
    previous.write_text("! the previous snapshot\n", encoding="utf-8")
    result = collect(inventory(tmp_path, hosts), tmp_path, "--accept-new-host-keys", "--workers", "8")
    assert result.exit_code == 2
    for name, (reason, _) in FAULTS.items():
        error_lines = [line for line in result.output.splitlines() if line.startswith(f"error: host {name} ")]
        assert len(error_lines) == 1, (name, result.output)
        assert reason in error_lines[0], (name, error_lines)
    assert (tmp_path / "out" / "good.cfg").read_bytes() == CONFIG.encode("utf-8")
    assert previous.read_text(encoding="utf-8") == "! the previous snapshot\n"  # untouched
    assert sorted(p.name for p in (tmp_path / "out").glob("*.cfg")) == ["dropped.cfg", "good.cfg"]


def test_a_legacy_only_device_is_collected(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    device = start(devices, hostname="legacy", legacy_only=True)
    result = collect(inventory(tmp_path, {"legacy": device}), tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "legacy.cfg").read_bytes() == CONFIG.encode("utf-8")


def test_an_unknown_host_key_is_refused_without_accept_new(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    device = start(devices, hostname="new")
    result = collect(inventory(tmp_path, {"new": device}), tmp_path)
    assert result.exit_code == 2
    assert "host key unknown" in result.output
    assert not (tmp_path / "out" / "new.cfg").exists()


def test_a_changed_host_key_is_an_error(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    first = start(devices, hostname="r1", key_name="first")
    folder = inventory(tmp_path, {"r1": first})
    assert collect(folder, tmp_path, "--accept-new-host-keys").exit_code == 0
    first.stop()
    start(devices, hostname="r1", key_name="second", port=first.port)  # same address, another key
    for extra in ((), ("--accept-new-host-keys",)):
        result = collect(folder, tmp_path, *extra)
        assert result.exit_code == 2
        assert "host key changed" in result.output


def test_no_credential_in_any_file_or_output(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    good = start(devices, hostname="good")
    bad = start(devices, hostname="bad", password="Another-Pass-1!")
    folder = inventory(tmp_path, {"good": good, "bad": bad})
    outputs = [collect(folder, tmp_path, "--accept-new-host-keys", "--sanitize").output]
    for output_format in ("json", "table"):
        audit = runner.invoke(app, ["audit", "--live", "--inventory", str(folder), "--known-hosts",
                                    str(tmp_path / "known_hosts"), "-f", output_format, *FAST], env=ENV)  # fmt: skip
        outputs.append(audit.output)
    written = [path.read_bytes().decode("utf-8", "replace") for path in tmp_path.rglob("*") if path.is_file()]
    for text in [*outputs, *written]:
        assert PASSWORD not in text
        assert ENABLE not in text


def test_progress_is_plain_lines_off_a_terminal(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    folder = inventory(tmp_path, {"r1": start(devices, hostname="r1"), "r2": free_port()})
    stream = io.StringIO()
    outcomes = collect_inventory(
        load_inventory(folder),
        lambda host: resolve_credentials(host, ENV, None),
        CollectOptions(tmp_path / "known_hosts", accept_new_host_keys=True, connect_timeout=3, command_timeout=4),
        workers=2,
        stream=stream,
    )
    assert [type(o).__name__ for o in outcomes] == ["Collected", "CollectError"]
    lines = stream.getvalue().splitlines()
    assert sorted(line.split("] ", 1)[1] for line in lines) == ["r1: collected", "r2: failed"]
    assert sorted(line.split("]", 1)[0] for line in lines) == ["[1/2", "[2/2"]


def test_credentials_come_from_inventory_then_environment_then_prompt() -> None:
    asked: list[str] = []

    def prompt(question: str, secret: bool) -> str:
        asked.append(question)
        return "typed-secret" if secret else "typed-user"

    in_inventory = Host(name="r1", username="inv-user", password="inv-pass")
    assert resolve_credentials(in_inventory, ENV, prompt).username == "inv-user"
    from_env = resolve_credentials(Host(name="r2"), ENV, prompt)
    assert (from_env.username, from_env.enable_secret) == ("admin", ENABLE)
    typed = resolve_credentials(Host(name="r3"), {}, prompt)
    assert (typed.username, typed.password) == ("typed-user", "typed-secret")
    assert len(asked) == 2
    with pytest.raises(CredentialsError, match="host r4: no credentials"):
        resolve_credentials(Host(name="r4"), {}, None)
    assert PASSWORD not in repr(from_env)
    assert ENABLE not in repr(from_env)


@pytest.mark.parametrize(("fixture", "facts"), [
    ("show_version_c1111.txt", ("C1111-4P", "FGL2420L0AB", "17.09.04a")),
    ("show_version_c891.txt", ("C891FJ-K9", "FGL2231A0BC", "15.7(3)M5")),
])  # fmt: skip
def test_facts_from_show_version(fixture: str, facts: tuple[str, str, str]) -> None:
    text = (FIXTURES / "cisco_ios" / "collect" / fixture).read_text(encoding="utf-8")
    parsed = get_driver("cisco_ios").parse_facts({"show version": text})
    assert (parsed.model, parsed.serial, parsed.os_version) == facts


def test_running_config_header_is_removed_and_truncation_seen() -> None:
    driver = get_driver("cisco_ios")
    output = "Building configuration...\n\nCurrent configuration : 42 bytes\n!\nversion 17.9\nend"
    assert driver.clean_config(output) == "!\nversion 17.9\nend\n"
    assert driver.incomplete("!\nversion 17.9\nend\n") is None
    assert "does not end with 'end'" in (driver.incomplete("!\nversion 17.9\ninterface Gi0\n") or "")


# --- Yamaha RTX: netmiko's `yamaha` driver, `administrator` for show config -------------------------------

YAMAHA_CONFIG = (FIXTURES / "yamaha_rtx" / "edge_compliant.cfg").read_text(encoding="utf-8")
YAMAHA_FACTS = (FIXTURES / "yamaha_rtx" / "collect" / "show_environment_rtx1210.txt").read_text(encoding="utf-8")


def start_rtx(devices: list[SimulatedDevice], **options: Any) -> SimulatedDevice:
    device = SimulatedDevice(YAMAHA_CONFIG, YAMAHA_FACTS, hostname="RTX1210", dialect="yamaha", **options).start()
    devices.append(device)
    return device


def test_a_yamaha_router_is_collected_as_administrator(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    folder = inventory(tmp_path, {"rtx": start_rtx(devices)}, platform="yamaha", group="clinic_himawari")
    result = collect(folder, tmp_path, "--accept-new-host-keys", "--sanitize")
    assert result.exit_code == 0, result.output
    snapshot = tmp_path / "out" / "rtx.cfg"
    assert snapshot.read_bytes() == YAMAHA_CONFIG.encode("utf-8")  # the Japanese descriptions intact
    metadata = json.loads((tmp_path / "out" / "rtx.json").read_text(encoding="utf-8"))
    assert metadata["commands"] == ["show config", "show environment"]
    facts = metadata["facts"]
    assert (facts["model"], facts["os_version"], facts["serial"]) == ("RTX1210", "14.01.42", "S4K012345")
    sanitized = (tmp_path / "out" / "sanitized" / "rtx.cfg").read_text(encoding="utf-8")
    assert "Claims-Net-PSK-7h3K9mQ2" not in sanitized
    assert "<masked>" in sanitized


@pytest.mark.parametrize(("options", "environment", "reason"), [
    ({"fault": "ignores_paging"}, ENV, "pages its output ('---つづく---')"),
    # Without the administrator password the router refuses show config: no header, nothing audited.
    ({}, {k: v for k, v in ENV.items() if k != "ONSHI_ENABLE_SECRET"}, "not a whole configuration"),
])  # fmt: skip
def test_a_yamaha_router_that_cannot_be_read_is_a_clear_error(
    tmp_path: Path, devices: list[SimulatedDevice], options: dict[str, Any], environment: dict[str, str], reason: str
) -> None:
    folder = inventory(tmp_path, {"rtx": start_rtx(devices, **options)}, platform="yamaha", group="clinic_himawari")
    result = runner.invoke(app, ["collect", "--inventory", str(folder), "--out", str(tmp_path / "out"),
                                 "--known-hosts", str(tmp_path / "known_hosts"), "--accept-new-host-keys", *FAST],
                           env=environment)  # fmt: skip
    assert result.exit_code == 2
    assert reason in result.output
    assert not (tmp_path / "out" / "rtx.cfg").exists()


# --- NEC IX: netmiko's `nec_ix` driver, configuration mode for `terminal length 0` ---------------------------

IX_CONFIG = (FIXTURES / "nec_ix" / "edge_compliant.cfg").read_text(encoding="utf-8")
IX_FACTS = (FIXTURES / "nec_ix" / "collect" / "show_version_ix2215.txt").read_text(encoding="utf-8")


def start_ix(devices: list[SimulatedDevice], **options: Any) -> SimulatedDevice:
    device = SimulatedDevice(IX_CONFIG, IX_FACTS, hostname="ayame-rtr1", dialect="nec_ix", **options).start()
    devices.append(device)
    return device


def test_an_ix_router_is_collected_with_its_facts(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    folder = inventory(tmp_path, {"ix": start_ix(devices)}, platform="nec_ix", group="clinic_ayame")
    result = collect(folder, tmp_path, "--accept-new-host-keys", "--sanitize")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "ix.cfg").read_bytes() == IX_CONFIG.encode("utf-8")
    metadata = json.loads((tmp_path / "out" / "ix.json").read_text(encoding="utf-8"))
    assert metadata["commands"] == ["show running-config", "show version", "show hardware"]
    facts = metadata["facts"]
    assert (facts["model"], facts["os_version"], facts["serial"]) == ("IX2215", "10.2.16", "23A1234567")
    sanitized = (tmp_path / "out" / "sanitized" / "ix.cfg").read_text(encoding="utf-8")
    assert "Ayame-Claims-Psk-2026-7h3K" not in sanitized
    assert "Pppoe-Ayame-2026" not in sanitized


def test_an_ix_router_that_pages_is_a_clear_error(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    folder = inventory(tmp_path, {"ix": start_ix(devices, fault="ignores_paging")}, platform="nec_ix",
                       group="clinic_ayame")  # fmt: skip
    result = collect(folder, tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 2
    assert "pages its output ('--More--')" in result.output
    assert not (tmp_path / "out" / "ix.cfg").exists()


# --- FortiGate: netmiko's `fortinet` driver, with a read-only administrator profile ------------------------

FORTI_CONFIG = (FIXTURES / "fortinet" / "fw_compliant.cfg").read_text(encoding="utf-8")
FORTI_STATUS = (FIXTURES / "fortinet" / "collect" / "get_system_status_60f.txt").read_text(encoding="utf-8")


def start_fortigate(devices: list[SimulatedDevice], **options: Any) -> SimulatedDevice:
    # netmiko offers a FortiGate only the SHA-1 key exchanges FortiOS has long spoken (legacy_only).
    device = SimulatedDevice(FORTI_CONFIG, FORTI_STATUS, hostname="momiji-fw1", dialect="fortinet", read_only=True,
                             enable_secret=None, legacy_only=True, **options).start()  # fmt: skip
    devices.append(device)
    return device


def test_a_fortigate_is_collected_with_a_read_only_profile(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    """With the console's output already `standard` (set once by a read-write administrator),
    netmiko changes nothing, so a read-only profile collects the whole configuration."""
    device = start_fortigate(devices)
    folder = inventory(tmp_path, {"momiji-fw1": device}, platform="fortinet", group="clinic_momiji")
    result = collect(folder, tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "momiji-fw1.cfg").read_bytes() == FORTI_CONFIG.encode("utf-8")
    facts = json.loads((tmp_path / "out" / "momiji-fw1.json").read_text(encoding="utf-8"))["facts"]
    assert (facts["model"], facts["os_version"], facts["serial"]) == ("FortiGate-60F", "7.2.8", "FGT60FTK21000123")
    assert device.console_output == "standard"  # nothing was changed on the device


def test_a_read_only_fortigate_that_pages_is_a_clear_error(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    """Output mode `more` and a profile that may not change it: the paged output is refused by name."""
    device = start_fortigate(devices, console_output="more")
    folder = inventory(tmp_path, {"momiji-fw1": device}, platform="fortinet", group="clinic_momiji")
    result = collect(folder, tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 2
    assert "pages its output ('--More--')" in result.output
    assert not (tmp_path / "out" / "momiji-fw1.cfg").exists()


def test_a_slow_device_whose_config_names_its_own_hostname_is_read_to_the_prompt(
    tmp_path: Path, devices: list[SimulatedDevice]
) -> None:
    """netmiko stopped at the bare hostname, which the config's own `hostname X` line matches: a slow
    device was cut there. Collection reads to the prompt at the end of the output."""
    assert "hostname aoba-rtr1" in CONFIG
    device = start(devices, hostname="aoba-rtr1", slow_output=0.02)
    result = collect(inventory(tmp_path, {"aoba-rtr1": device}), tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "aoba-rtr1.cfg").read_bytes() == CONFIG.encode("utf-8")


def test_a_device_reporting_another_identity_is_not_collected_unless_accepted(
    tmp_path: Path, devices: list[SimulatedDevice]
) -> None:
    device = start(devices, hostname="aoba-rtr1")
    folder = inventory(tmp_path, {"aoba-rtr1": device})
    assert collect(folder, tmp_path, "--accept-new-host-keys").exit_code == 0
    metadata_path = tmp_path / "out" / "aoba-rtr1.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    assert metadata["facts"]["serial"] == "FGL2420L0AB"  # the reported identity is kept
    metadata["facts"]["hostname"] = "the-router-before"
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    before = (tmp_path / "out" / "aoba-rtr1.cfg").read_bytes()
    refused = collect(folder, tmp_path)
    assert refused.exit_code == 2
    assert "reports hostname 'aoba-rtr1', but its last snapshot (aoba-rtr1.json) says 'the-router-before'" in (
        refused.output
    )  # fmt: skip
    assert (tmp_path / "out" / "aoba-rtr1.cfg").read_bytes() == before  # the previous snapshot is untouched
    # An edited previous snapshot does not switch the check off: the identity comes from its .json.
    (tmp_path / "out" / "aoba-rtr1.cfg").write_bytes(before + b"! edited by hand\n")
    assert collect(folder, tmp_path).exit_code == 2
    assert collect(folder, tmp_path, "--accept-identity-change").exit_code == 0


def test_a_device_whose_serial_is_not_the_inventorys_is_refused(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    device = start(devices, hostname="aoba-rtr1")
    folder = inventory(tmp_path, {"aoba-rtr1": device})
    hosts = yaml.safe_load((folder / "hosts.yaml").read_text(encoding="utf-8"))
    hosts["aoba-rtr1"]["data"]["serial"] = "FGL9999X0ZZ"
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts), encoding="utf-8")
    result = collect(folder, tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 2
    assert "reports serial 'FGL2420L0AB', but the inventory says 'FGL9999X0ZZ'" in result.output


def test_a_device_printing_without_end_is_failed_at_the_bound(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    endless = start(devices, hostname="endless", fault="endless")
    good = start(devices, hostname="aoba-rtr1")
    folder = inventory(tmp_path, {"endless": endless, "aoba-rtr1": good})
    result = collect(folder, tmp_path, "--accept-new-host-keys", "--max-output-mb", "1")
    assert result.exit_code == 2
    assert "host endless (cisco_ios): the output ran past 1 MB without ending: not collected" in result.output
    assert (tmp_path / "out" / "aoba-rtr1.cfg").exists()
    assert not (tmp_path / "out" / "endless.cfg").exists()


def test_a_fortigate_output_that_stopped_at_an_inner_end_is_not_collected() -> None:
    text = (FIXTURES / "fortinet" / "fw_compliant.cfg").read_text(encoding="utf-8").splitlines()
    inner = next(i for i, line in enumerate(text) if line == "    end")  # ends in `end`, blocks still open
    outputs = {"show full-configuration": "\n".join(text[: inner + 1]) + "\n", "get system status": ""}
    outcome = finish("fw", "fortinet", outputs)
    assert isinstance(outcome, CollectError)
    assert "is never closed" in outcome.reason


def test_a_500_kb_configuration_arrives_byte_for_byte(tmp_path: Path, devices: list[SimulatedDevice]) -> None:
    config = large_config(500)
    device = SimulatedDevice(config, FACTS, hostname="large").start()
    devices.append(device)
    result = collect(inventory(tmp_path, {"large": device}), tmp_path, "--accept-new-host-keys")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "large.cfg").read_bytes() == config.encode("utf-8")
