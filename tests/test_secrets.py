"""No secret ever leaves masked form: not in JSON, not in the table (either language), not in
remediation, not in error rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.inventory import load_inventory
from onshi.platforms import get_driver
from onshi.platforms.cisco_ios.secrets import decode_type7, mask_line
from tests.helpers import FIXTURES, SAMPLE_INVENTORY
from tests.test_generate import SAMPLE_SECRETS

runner = CliRunner()

# Secret values written in the sample inventory and the fixtures (decoded type-7 values included).
KNOWN_SECRETS = [
    "Sakura2019!", "sakura-ppp", "073C20475B1B18574743524D", "071C20475B1B184807021B",
    "03375A00131D201E1E584044", "sakura-claims-key", "Vendor#Maint2020", "welcome-sakura-guest",
    "sakura-staff-2019", "$1$kq3T$yGdCqW7pKv2mRrvQf0Y9r.", "Aoba-Snmp-Auth-2025", "Aoba-Snmp-Priv-2025",
    "$9$Vq3XcP7Pz2yF8k$0RbDcz2l8XW6b8JYQ3oWb1v9hjGZqN2hT4eS0yL5yXw", "cisco123", "Short-Key-9",
    "Adm1n-Legacy-Pass", "S3cr3t-Write", "N7r$Qw2-vLp9#Xz4!Hk8mTc6", "Rd0nly-7fK2p",
    "Guest-Wifi-Key-2025!", "070C285F4D06", "9C3A6F2F8C75", "Staff-Wifi-Key-2025#",
    "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "Pp0e-Line-Secret-2026", "Claims-Net-PSK-7h3K9mQ2", "Snmp-Auth-Key-2026",
    "Snmp-Priv-Key-2026", "F3kL9qWmZx2Vb7Yt1Hn8Pc4Rs6Dg0Jq5", "Zm9Xc2Vb8Nq4Wl7Kj1Hg5Fd3Sa6Po0Iu", "clinic2018",
    "Ek8kB2WoDSa3mF1Qz5Ry7Uw9Kd6Zv0", "Qm9yTGk3bmR5ZGhwTkQ0a0xvOXhtM1F3", "Zm9ydGktZ3Vlc3QtcGFzc3BocmFzZQ==",
]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("enable secret 9 $9$abc$def", "enable secret 9 <masked>"),
        ("enable secret level 15 5 $1$x$y", "enable secret level 15 5 <masked>"),
        ("username admin privilege 15 password 7 0822455D0A16", "username admin privilege 15 password 7 <masked>"),
        ("crypto isakmp key cisco123 address 0.0.0.0 0.0.0.0", "crypto isakmp key <masked> address 0.0.0.0 0.0.0.0"),
        ("crypto isakmp key 6 AbC address 1.2.3.4", "crypto isakmp key 6 <masked> address 1.2.3.4"),
        ("  pre-shared-key local 0 Secret-1", "  pre-shared-key local 0 <masked>"),
        (" pre-shared-key address 1.2.3.4 key Secret-2", " pre-shared-key address 1.2.3.4 key <masked>"),
        ("snmp-server community public RO 10", "snmp-server community <masked> RO 10"),
        ("snmp-server host 10.0.0.1 version 2c Comm-1", "snmp-server host 10.0.0.1 version 2c <masked>"),
        ("snmp-server user u g v3 auth sha Auth-1 priv aes 128 Priv-1",
         "snmp-server user u g v3 auth sha <masked> priv aes 128 <masked>"),
        ("   wpa-psk ascii 0 Wifi-Key-1", "   wpa-psk ascii 0 <masked>"),
        (" encryption vlan 1 key 1 size 128bit 7 ABCDEF transmit-key",
         " encryption vlan 1 key 1 size 128bit 7 <masked> transmit-key"),
        (" ppp chap password 7 071C20475B1B184807021B", " ppp chap password 7 <masked>"),
        (" ospfv3 encryption ipsec spi 1001 esp null md5 0 2757613409",
         " ospfv3 encryption ipsec spi 1001 esp null md5 0 <masked>"),
        ("tacacs-server key 7 0822455D0A16", "tacacs-server key 7 <masked>"),
        ("interface GigabitEthernet0/1", "interface GigabitEthernet0/1"),
        ("service password-encryption", "service password-encryption"),
    ],
)  # fmt: skip
def test_mask_line(line: str, masked: str) -> None:
    assert mask_line(line) == masked


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("login password encrypted EpSmI122iNTK", "login password encrypted <masked>"),
        ("login password clinic", "login password <masked>"),
        ("administrator password admin", "administrator password <masked>"),
        ("login user matac encrypted kcrt4CrcOLr", "login user matac encrypted <masked>"),
        (" pp auth myname user@isp.ne.jp Line-Pass-1", " pp auth myname user@isp.ne.jp <masked>"),
        (" pp auth username guest Guest-Pass-1 myname me Own-Pass-1",
         " pp auth username guest <masked> myname me <masked>"),
        ("  ipsec ike pre-shared-key 1 text Psk-Text-1", "  ipsec ike pre-shared-key 1 text <masked>"),
        ("snmp community read-write Write-Comm-1", "snmp community read-write <masked>"),
        ("snmpv3 usm user 1 mon group 1 sha Auth-Pass-1 aes128-cfb Priv-Pass-1",
         "snmpv3 usm user 1 mon group 1 sha <masked> aes128-cfb <masked>"),
        ("sshd host key generate 488165920 AAAAB3Nza BBBB", "sshd host key generate 488165920 <masked>"),
        ('    PASSWORD = "Lua-Pass-1"', '    PASSWORD = "<masked>"'),
        ("ip lan1 address 192.168.100.1/24", "ip lan1 address 192.168.100.1/24"),
    ],
)  # fmt: skip
def test_yamaha_mask_line(line: str, masked: str) -> None:
    assert get_driver("yamaha_rtx").mask(line) == masked


def test_a_fortigate_snmp_community_name_is_masked_where_it_is_the_secret() -> None:
    text = 'config system snmp community\n    edit 1\n        set name "Clinic-Community-9"\n    next\nend\n'
    device = get_driver("fortinet").parse(text, "fw.cfg")
    assert "Clinic-Community-9" not in "\n".join(device.source.lines)
    assert get_driver("fortinet").mask('        set name "Clinic-Community-9"') == "        set name <masked>"


def test_type7_decoding() -> None:
    assert decode_type7("073C20475B1B18574743524D") == "Sakura2019!"
    assert decode_type7("not-type-7") is None


def _assert_no_secret(text: str, secrets: list[str]) -> None:
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []


@pytest.mark.parametrize("args", [["--format", "json"], ["--lang", "ja"], ["--lang", "en"]])
def test_sample_audit_output_holds_no_secret(args: list[str]) -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), *args], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    _assert_no_secret(result.output, KNOWN_SECRETS)


@pytest.mark.parametrize("platform", ["cisco_ios", "yamaha_rtx", "fortinet"])
@pytest.mark.parametrize("output_format", ["json", "table"])
def test_fixture_audit_output_holds_no_secret(platform: str, output_format: str, tmp_path: Path) -> None:
    files = sorted(str(path) for path in (FIXTURES / platform).glob("*.cfg"))
    report = tmp_path / f"report.{output_format}"
    result = runner.invoke(app, ["audit-file", *files, "--platform", platform, "-f", output_format, "-o", str(report)])
    assert result.exit_code == 1, result.output
    _assert_no_secret(report.read_text(encoding="utf-8") + result.output, KNOWN_SECRETS)


def _masked_tokens(path: Path, platform: str) -> list[str]:
    """Every token the masker hides in a file, long enough not to occur by chance elsewhere."""
    text = path.read_bytes().decode("utf-8", "replace")
    driver = get_driver(platform)
    hidden: set[str] = set()
    for line in text.splitlines():
        masked = driver.mask(line)
        if masked != line:
            hidden.update(set(line.split()) - set(masked.split()))
    visible = "\n".join(driver.mask(line) for line in text.splitlines())
    # A bare lowercase word (a FortiGate object's name, masked blindly as it might be a community) is
    # not a secret to hunt for: "status" is also a key of every JSON finding.
    secrets = [t for t in hidden if len(t) >= 6 and not re.fullmatch(r'"?[a-z_-]+"?', t)]
    return [token for token in secrets if not re.search(re.escape(token), visible)]


@pytest.mark.parametrize(("platform", "folders", "at_least"), [
    ("cisco_ios", ("cisco_ios", "cisco_ap"), 20), ("yamaha_rtx", ("yamaha_rtx",), 5),
    ("fortinet", ("fortinet",), 20),
])  # fmt: skip
def test_corpus_secrets_never_reach_any_output(
    corpus_dir: Path, tmp_path: Path, platform: str, folders: tuple[str, ...], at_least: int
) -> None:
    files = sorted(path for folder in folders for path in (corpus_dir / folder).glob("*.cfg"))
    secrets = [token for path in files for token in _masked_tokens(path, platform)]
    assert len(secrets) >= at_least  # the corpus is full of published lab secrets
    for output_format in ("json", "table"):
        report = tmp_path / f"corpus.{output_format}"
        arguments = ["audit-file", *map(str, files), "--platform", platform, "-f", output_format, "-o", str(report),
                     "--allow-partial"]  # fmt: skip
        result = runner.invoke(app, arguments)
        assert result.exit_code in (0, 1), result.output
        _assert_no_secret(report.read_text(encoding="utf-8") + result.output, secrets)


def test_verify_on_the_sample_prints_no_secret_and_says_when_a_remediation_file_carries_one(tmp_path: Path) -> None:
    """The sample's own values: the environment's and every secret of the running configs. Drift lines
    carry a context (`pp select 1: ...`, `... › vap: ...`) that must not hide a secret from the masker."""
    platforms = {host.name: host.platform for host in load_inventory(SAMPLE_INVENTORY).hosts}
    running = [token for host, platform in platforms.items()
               for token in _masked_tokens(SAMPLE_INVENTORY / "configs" / f"{host}.cfg", platform)]  # fmt: skip
    secrets = [value for value in SAMPLE_SECRETS.values() if len(value) >= 6] + running
    assert len(running) >= 10
    out = tmp_path / "remediation"
    result = runner.invoke(app, ["verify", "--inventory", str(SAMPLE_INVENTORY), "--out", str(out)],
                           env={**SAMPLE_SECRETS, "COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "pp auth myname" in result.output  # the drift is there, its password is not
    _assert_no_secret(result.output, secrets)
    himawari = (out / "himawari-rtr1.remediation.cfg").read_text(encoding="utf-8")
    assert SAMPLE_SECRETS["HIMAWARI_PPPOE_PASSWORD"] in himawari  # the router must be sent it
    assert himawari.startswith("# This file carries secrets in clear")
