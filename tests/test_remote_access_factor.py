"""VPN-08: a remote-access listener asks for a certificate or a one-time code besides the password
(MHLW6 13 ④: 容易に複製されない方法), on every platform; what the config cannot show is ``manual``."""

from __future__ import annotations

from pathlib import Path

import pytest

from onshi.model import Status
from onshi.pipeline import DeviceJob, audit
from onshi.sources import read_config_file
from tests.helpers import SAMPLE_INVENTORY, evidence_lines, findings, fixture_path

CISCO = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8")
YAMAHA = fixture_path("yamaha_rtx", "edge_compliant.cfg").read_text(encoding="utf-8")
FORTI = fixture_path("fortinet", "fw_compliant.cfg").read_text(encoding="utf-8")
MOMIJI = (SAMPLE_INVENTORY / "configs" / "momiji-fw1.cfg").read_text(encoding="utf-8")

WEBVPN = "webvpn gateway SSLVPN\n ip address 198.51.100.2 port 443\n inservice\n!\n"
WEBVPN_CERT = "webvpn context STAFF\n gateway SSLVPN\n authentication certificate\n inservice\n!\n"
EZVPN = (
    "crypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n"
    "crypto isakmp key 0 Remote-Staff-Key-2026 address 0.0.0.0 0.0.0.0\n"
    "crypto isakmp client configuration group STAFF\n key 0 Group-Key-2026\n"
    "crypto dynamic-map REMOTE 10\n set transform-set CLAIMS-TS\n"
    "crypto map STAFF-MAP client authentication list STAFF-LOGIN\n"
    "crypto map STAFF-MAP 65535 ipsec-isakmp dynamic REMOTE\n"
)
BRANCH = (
    "crypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n"
    "crypto isakmp key 0 Branch-Key-2026-Long address 0.0.0.0 0.0.0.0\n"
    "crypto dynamic-map BRANCHES 10\n set transform-set CLAIMS-TS\n"
)
# The sample's management logins go to TACACS+ (`aaa authentication login default group tacacs+`):
# that server decides WebVPN and XAUTH logins too, so the local-password cases drop the line.
LOCAL_ONLY = CISCO.replace("aaa authentication login default group tacacs+ local\n", "")

L2TP = (
    "pp select anonymous\n pp bind tunnel2\n pp auth request mschap-v2\n"
    " pp auth username staff-nakamura Remote-Pass-2026\n ppp ipcp ipaddress on\n"
    " ip pp remote address pool 192.168.50.10-192.168.50.20\n pp enable anonymous\npp select none\n"
    "l2tp service on\n"
)
RADIUS = "radius auth on\nradius server 192.168.99.20\nradius secret Radius-Shared-Secret-2026\n"

SSL_BASE = (
    'config vpn ssl settings\n    set status enable\n    set source-interface "wan1"\n    set source-address "all"\n'
    '    set default-portal "full-access"\n{extra}end\n'
)
RULE = '    config authentication-rule\n        edit 1\n            set groups "staff"\n        next\n    end\n'
USERS = (
    'config user local\n    edit "dr-suzuki"\n        set type password\n{second}'
    "        set passwd ENC c3RhZmYtcGFzc3dvcmQ=\n    next\nend\n"
    'config user group\n    edit "staff"\n        set member "dr-suzuki"\n    next\nend\n'
)
TOKEN = '        set two-factor fortitoken\n        set fortitoken "FTK200XXXXXXXXXX"\n'
RADIUS_GROUP = (
    'config user radius\n    edit "nps"\n        set server "192.168.99.20"\n'
    "        set secret ENC cmFkaXVzLXNlY3JldA==\n    next\nend\n"
    'config user group\n    edit "staff"\n        set member "nps"\n    next\nend\n'
)
DIALUP = (
    'config vpn ipsec phase1-interface\n    edit "dialup"\n        set type dynamic\n'
    '        set interface "wan1"\n        set mode-cfg enable\n        set proposal aes256-sha256\n'
    "        set dhgrp 14\n{auth}    next\nend\n"
)


def _vpn08(platform: str, text: str, tmp_path: Path) -> list[tuple[Status, str, list[int]]]:
    path = tmp_path / "device.cfg"
    path.write_text(text, encoding="utf-8")
    report = audit([DeviceJob("device", platform, read_config_file(path))])
    assert not report.devices[0].unrecognized, report.devices[0].unrecognized
    return [(f.status, f.message.en, evidence_lines(f)) for f in findings(report, "VPN-08")]


CASES = [
    ("cisco_ios", CISCO, Status.NOT_APPLICABLE, "No remote-access listener"),
    ("cisco_ios", LOCAL_ONLY.replace("\nend", "\n" + WEBVPN + "end"), Status.FAIL, "local users log in with a pass"),
    ("cisco_ios", CISCO.replace("\nend", "\n" + WEBVPN + "end"), Status.MANUAL, "authentication server"),
    ("cisco_ios", LOCAL_ONLY.replace("\nend", "\n" + WEBVPN + WEBVPN_CERT + "end"), Status.PASS,
     "client certificate: certificate"),
    ("cisco_ios", LOCAL_ONLY.replace("\nend", "\n" + EZVPN + "end"), Status.FAIL, "password or pre-shared key"),
    ("cisco_ios", LOCAL_ONLY.replace("\nend", "\n" + BRANCH + "end"), Status.MANUAL, "cannot be told"),
    ("yamaha", YAMAHA + L2TP, Status.FAIL, "user staff-nakamura log in with a password"),
    ("yamaha", YAMAHA + L2TP + RADIUS, Status.MANUAL, "RADIUS"),
    ("yamaha", YAMAHA + "l2tp service on\n", Status.MANUAL, "does not show how its users authenticate"),
    ("fortinet", MOMIJI, Status.FAIL, "user vendor-kobayashi log in with a password"),
    ("fortinet", FORTI + USERS.format(second="") + SSL_BASE.format(extra=RULE), Status.FAIL, "user dr-suzuki"),
    ("fortinet", FORTI + USERS.format(second=TOKEN) + SSL_BASE.format(extra=RULE), Status.PASS,
     "user dr-suzuki: token"),
    ("fortinet", FORTI + SSL_BASE.format(extra="    set reqclientcert enable\n"), Status.PASS, "certificate"),
    ("fortinet", FORTI + RADIUS_GROUP + SSL_BASE.format(extra=RULE), Status.MANUAL, "server nps"),
    ("fortinet", FORTI + SSL_BASE.format(extra=""), Status.MANUAL, "does not show how its users authenticate"),
    ("fortinet", FORTI + DIALUP.format(auth="        set psksecret ENC ZGlhbHVwLXBzaw==\n"), Status.FAIL,
     "pre-shared key"),
    ("fortinet", FORTI + USERS.format(second=TOKEN) + DIALUP.format(
        auth="        set xauthtype auto\n        set authusrgrp \"staff\"\n"), Status.PASS, "token"),
]  # fmt: skip
IDS = ["cisco-none", "cisco-webvpn-local", "cisco-webvpn-tacacs", "cisco-webvpn-cert", "cisco-ezvpn-psk",
       "cisco-branch-dynamic", "rtx-l2tp-users", "rtx-l2tp-radius", "rtx-l2tp-unknown", "fortios-sample",
       "fortios-ssl-password", "fortios-ssl-token", "fortios-ssl-clientcert", "fortios-ssl-radius",
       "fortios-ssl-nobody", "fortios-dialup-psk", "fortios-dialup-xauth-token"]  # fmt: skip


@pytest.mark.parametrize(("platform", "text", "status", "said"), CASES, ids=IDS)
def test_each_listener_is_judged_by_how_its_users_log_in(
    tmp_path: Path, platform: str, text: str, status: Status, said: str
) -> None:
    found = _vpn08(platform, text, tmp_path)
    assert [f[0] for f in found] == [status], found
    assert said in found[0][1]


def test_a_failure_cites_the_listener_and_the_user(tmp_path: Path) -> None:
    text = YAMAHA + L2TP
    [(status, _, lines)] = _vpn08("yamaha", text, tmp_path)
    numbered = text.splitlines()
    assert status is Status.FAIL
    assert [numbered[line - 1] for line in lines] == [
        " pp auth username staff-nakamura Remote-Pass-2026",
        "l2tp service on",
    ]


def test_certificates_do_not_count_while_a_pre_shared_key_is_also_accepted(tmp_path: Path) -> None:
    """An IKE policy with certificates beside one with a pre-shared key: a person can use the key."""
    both = EZVPN.replace("crypto isakmp policy 10\n", "crypto isakmp policy 5\n encr aes 256\n group 14\n"
                         "crypto isakmp policy 10\n")  # fmt: skip
    [(status, message, _)] = _vpn08("cisco_ios", LOCAL_ONLY.replace("\nend", "\n" + both + "end"), tmp_path)
    assert status is Status.FAIL, message


def test_the_radius_secret_never_leaves_masked(tmp_path: Path) -> None:
    path = tmp_path / "device.cfg"
    path.write_text(YAMAHA + L2TP + RADIUS, encoding="utf-8")
    report = audit([DeviceJob("device", "yamaha", read_config_file(path))])
    shown = "\n".join(line.text for f in report.findings for line in f.evidence)
    assert "Radius-Shared-Secret-2026" not in shown + repr(report)


def test_eap_remote_access_without_a_dynamic_map_is_still_a_listener(tmp_path: Path) -> None:
    """IKEv2 remote access through a virtual template: no crypto map, yet persons log in."""
    eap = ("crypto ikev2 profile STAFF\n match identity remote any\n authentication local rsa-sig\n"
           " authentication remote eap query-identity\n virtual-template 1\n")  # fmt: skip
    [(status, message, _)] = _vpn08("cisco_ios", LOCAL_ONLY.replace("\nend", "\n" + eap + "end"), tmp_path)
    assert status is Status.FAIL
    assert "IKE remote access" in message
