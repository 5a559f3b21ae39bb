"""A unique marker planted in every secret-bearing field each parser knows reaches no output: any
report format in either language, the sanitized copy `collect --sanitize` writes, or the drift that
`verify` prints (where each line carries a context before the command)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.collect import Collected, write_snapshot
from onshi.generate.drift import Drift
from onshi.generate.verify import Verification
from onshi.model import DeviceFacts
from onshi.report.drift import drift_text
from tests.helpers import SAMPLE_INVENTORY, fixture_path
from tests.test_generate import SAMPLE_SECRETS

runner = CliRunner()

# Every secret-bearing field, as its line; {m} is replaced by a marker unique to the line.
CISCO = [
    "enable secret 0 {m}", "enable password {m}", "username u1 privilege 15 password 0 {m}",
    "username u2 secret 0 {m}", "snmp-server community {m} RO", "snmp-server host 192.0.2.1 version 2c {m}",
    "no snmp-server host 192.0.2.2 {m}", "snmp-server user u3 g1 v3 auth sha {m} priv aes 128 {m}",
    "no snmp-server user u4 g1 v3 auth sha {m} priv aes 128 {m}", "crypto isakmp key {m} address 192.0.2.3",
    "key chain K", " key 1", "  key-string {m}", "archive", " path ftp://backup:{m}@192.0.2.4/cfg",
    "interface GigabitEthernet0/5", " standby 1 authentication {m}", " vrrp 2 authentication text {m}",
    " ip ospf authentication-key {m}", " ip ospf message-digest-key 1 md5 {m}", "line vty 5 15", " password 0 {m}",
    "radius-server key {m}", "tacacs-server key {m}", "crypto keyring KR", " pre-shared-key address 192.0.2.5 key {m}",
    "dot11 ssid S1", " wpa-psk ascii 0 {m}",
]  # fmt: skip
YAMAHA = [
    "login password {m}", "administrator password {m}", "login user u1 {m}", "pp select 1",
    "pp auth myname isp-user {m}", "pp auth username peer {m}", "pp select none", "tunnel select 1",
    "ipsec ike pre-shared-key 1 text {m}", "ipsec ike xauth myname 1 xuser {m}", "tunnel select none",
    "snmp community read-only {m}", "snmp community read-write {m}", "l2tp tunnel auth on {m}",
    "snmpv3 usm user 1 u1 group 1 sha {m} aes-cfb {m}", "radius secret {m}",
]  # fmt: skip
FORTINET = [
    "config user radius", '    edit "r1"', "        set secret {m}", "        set secondary-secret {m}", "    next", "end",
    "config system admin", '    edit "u1"', "        set password {m}", "    next", "end",
    "config system api-user", '    edit "a1"', "        set api-key {m}", "    next", "end",
    "config system ddns", "    edit 1", "        set ddns-password {m}", "        set ddns-key {m}", "    next", "end",
    "config vpn ipsec manualkey", '    edit "m1"', "        set authkey {m}", "        set enckey {m}", "    next", "end",
    "config web-proxy forward-server", '    edit "p1"', "        set proxy-password {m}", "    next", "end",
    "config router ospf", "    config ospf-interface", '        edit "o1"', "            set authentication-key {m}",
    "            set md5-keys 1 {m}", "        next", "    end", "end",
    "config vpn ipsec phase1-interface", '    edit "t9"', "        set psksecret {m}", "    next", "end",
    "config wireless-controller vap", '    edit "v9"', "        set passphrase {m}", "    next", "end",
]  # fmt: skip
NEC_IX = [
    "username u1 password plain {m} administrator", "username u2 password hash {m}",
    "ike proposal p9 encryption aes-256 hash sha2-256 group 2048-bit",
    "ike policy k9 peer 192.0.2.9 key {m} p9", "ike policy k8 peer 192.0.2.8 key char {m} mode aggressive p9",
    "ikev2 authentication psk id ipv4 192.0.2.10 key char {m}", "snmp-agent ip community {m}",
    "ppp profile isp9", "  authentication myname user@isp", "  authentication password user@isp {m}",
]  # fmt: skip
PLANTED = {"cisco_ios": ("edge_compliant.cfg", CISCO), "yamaha_rtx": ("edge_compliant.cfg", YAMAHA),
           "fortinet": ("fw_compliant.cfg", FORTINET), "nec_ix": ("edge_compliant.cfg", NEC_IX)}  # fmt: skip


def _planted(platform: str, base_text: str | None = None, prefix: str = "") -> tuple[str, list[str]]:
    """The compliant fixture (or ``base_text``) with every template line added, and the markers planted."""
    fixture, templates = PLANTED[platform]
    markers: list[str] = []
    lines = []
    for template in templates:
        line = template
        while "{m}" in line:
            markers.append(f"Mk{prefix}{platform[:3]}{len(markers):03d}Zq")
            line = line.replace("{m}", markers[-1], 1)
        lines.append(line)
    base = (base_text or fixture_path(platform, fixture).read_text(encoding="utf-8")).splitlines()
    # IOS ends at `end`; the other platforms read a line wherever it stands.
    text = [*base[: base.index("end")], *lines, "end"] if platform == "cisco_ios" else [*base, *lines]
    return "\n".join(text) + "\n", markers


@pytest.mark.parametrize("platform", sorted(PLANTED))
def test_no_marker_reaches_any_report(platform: str, tmp_path: Path) -> None:
    text, markers = _planted(platform)
    config = tmp_path / "planted.cfg"
    config.write_text(text, encoding="utf-8")
    assert all(marker in text for marker in markers)
    for output_format in ("table", "json", "jsonl", "html", "junit", "sarif"):
        for lang in ("ja", "en"):
            report = tmp_path / f"r.{output_format}.{lang}"
            result = runner.invoke(app, ["audit-file", str(config), "--platform", platform, "-f", output_format,
                                         "--lang", lang, "-o", str(report)])  # fmt: skip
            assert result.exit_code in (0, 1), result.output
            written = report.read_text(encoding="utf-8") + result.output
            assert [m for m in markers if m in written] == [], (output_format, lang)


@pytest.mark.parametrize("platform", sorted(PLANTED))
def test_no_marker_reaches_the_sanitized_copy_or_the_printed_drift(platform: str, tmp_path: Path) -> None:
    text, markers = _planted(platform)
    write_snapshot(tmp_path, Collected("h1", platform, text, DeviceFacts(), ("show",), "2026-12-04T00:00:00+00:00"),
                   sanitize=True)  # fmt: skip
    sanitized = (tmp_path / "sanitized" / "h1.cfg").read_text(encoding="utf-8")
    assert [m for m in markers if m in sanitized] == []
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    in_context = tuple(f"pp select 1: {line}" for line in lines) + tuple(f"a › b: {line}" for line in lines)
    removals = tuple(f"no {line}" for line in lines)  # remediation removes a line by its `no` form
    drift = Drift(missing=lines, extra=in_context, remediation=(*in_context, *removals), predicted="", unverified=lines)
    printed = drift_text([Verification("h1", platform, drift)])
    assert [m for m in markers if m in printed] == []


def test_no_marker_reaches_any_output_of_the_inventory_commands(tmp_path: Path) -> None:
    """The planted configs as the sample's snapshots: audit in every format, checklist, ledger and
    verify (its printed drift and its remediation files' first lines, its JSON), the isolation
    runbooks built from the running configs, ask, diff and generate (audited beside the running
    configs) carry no marker."""
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    markers: list[str] = []
    for host, platform in (("sakura-rtr1", "cisco_ios"), ("himawari-rtr1", "yamaha_rtx"), ("momiji-fw1", "fortinet"),
                           ("ayame-rtr1", "nec_ix")):  # fmt: skip
        text, planted = _planted(platform)
        (inventory / "configs" / f"{host}.cfg").write_text(text, encoding="utf-8")
        markers += planted
    # A facility judged as one network cites lines of every device: its devices get markers too.
    for host, platform in (("tsubaki-vpn-claims", "cisco_ios"), ("tsubaki-vpn-vendor", "yamaha_rtx")):
        path = inventory / "configs" / f"{host}.cfg"
        encoding = "shift_jis" if platform == "yamaha_rtx" else "utf-8"
        text, planted = _planted(platform, path.read_text(encoding=encoding), prefix=host[-3:])
        path.write_text(text, encoding=encoding)
        markers += planted
    store = tmp_path / "history.sqlite"
    outputs = []
    for output_format in ("table", "json", "jsonl", "html", "junit", "sarif"):
        target = tmp_path / f"audit.{output_format}"
        result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", output_format, "-o", str(target),
                                     "--store", str(store), "--compare", "last"])  # fmt: skip
        assert result.exit_code == 1, result.output
        outputs += [result.output, target.read_text(encoding="utf-8")]
        split = tmp_path / f"split-{output_format}"  # one report per facility and the fleet index
        result = runner.invoke(app, ["audit", "--inventory", str(inventory), "-f", output_format, "-o", str(split),
                                     "--split", "facility", "--store", "none"])  # fmt: skip
        assert result.exit_code == 1, result.output
        outputs += [result.output, *(path.read_text(encoding="utf-8") for path in sorted(split.iterdir()))]
    result = runner.invoke(app, ["history", "--store", str(store)])
    assert result.exit_code == 0, result.output
    outputs.append(result.output)
    # The history store itself: the database and its write-ahead log, as bytes.
    assert store.stat().st_size > 0
    outputs += [path.read_bytes().decode("utf-8", "replace") for path in tmp_path.glob("history.sqlite*")]
    for command in ("checklist", "ledger"):
        result = runner.invoke(app, [command, "--inventory", str(inventory)])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    result = runner.invoke(app, ["verify", "--inventory", str(inventory), "--out", str(tmp_path / "remediation")],
                           env={**SAMPLE_SECRETS, "COLUMNS": "200"})  # fmt: skip
    assert result.exit_code in (1, 2), result.output  # drift, or a planted config that cannot be remediated
    assert "Traceback" not in result.output
    outputs.append(result.output)
    verified = tmp_path / "verify.json"
    result = runner.invoke(app, ["verify", "--inventory", str(inventory), "-f", "json", "-o", str(verified)],
                           env=SAMPLE_SECRETS)  # fmt: skip
    assert result.exit_code in (1, 2), result.output
    outputs += [result.output, verified.read_text(encoding="utf-8")]
    runbooks = tmp_path / "runbooks"
    result = runner.invoke(app, ["generate", "--isolation", "--inventory", str(inventory), "--out", str(runbooks)])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output  # written, or refused for a planted config with the reason
    written = sorted(runbooks.glob("*.cfg"))
    assert written, result.output
    outputs += [result.output, *(path.read_text(encoding="utf-8") for path in written)]
    outputs += _questions_and_changes(inventory, tmp_path)
    everything = "\n".join(outputs)
    assert "sakura-rtr1" in everything
    assert "tsubaki-vpn-claims.cfg" in everything  # the facility finding's evidence from another device's file
    assert [m for m in markers if m in everything] == []


def _questions_and_changes(inventory: Path, tmp_path: Path) -> list[str]:
    """What ask, diff and generate print (and generate writes) over the planted snapshots."""
    outputs = []
    questions = (["ask", "reach", "--facility", "clinic_sakura", "--from", "guest_wifi", "--to", "emr"],
                 ["ask", "exposure"],
                 ["ask", "path", "--facility", "clinic_tsubaki", "--from", "172.20.0.9", "--to", "10.100.0.7"],
                 ["diff", str(SAMPLE_INVENTORY / "configs"), str(inventory / "configs")])  # fmt: skip
    for arguments in questions:
        formats = [[], ["--json"]] + ([["-f", f] for f in ("html", "junit", "sarif")] if arguments[0] == "diff" else [])
        for answer_format in formats:
            result = runner.invoke(app, [*arguments, "--inventory", str(inventory), *answer_format])
            assert result.exit_code in (0, 1), result.output
            outputs.append(result.output)
    result = runner.invoke(app, ["diff", "--against", "generated", "--inventory", str(inventory), "--json"],
                           env=SAMPLE_SECRETS)  # fmt: skip
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    outputs.append(result.output)
    generated = tmp_path / "generated"
    result = runner.invoke(
        app, ["generate", "--inventory", str(inventory), "--out", str(generated)], env=SAMPLE_SECRETS
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    outputs += [result.output, *(path.read_text(encoding="utf-8") for path in sorted(generated.glob("*.cfg")))]
    return outputs
