"""AUTH-07: a minimum password length is enforced where the platform can (REG-EX 6: 極端に短い文字列)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onshi.model import Status
from onshi.pipeline import DeviceJob, audit
from onshi.sources import read_config_file
from tests.helpers import SAMPLE_INVENTORY, findings, fixture_path


def _auth07(platform: str, text: str, tmp_path: Path) -> tuple[Status, str, tuple[str, ...]]:
    path = tmp_path / "device.cfg"
    path.write_text(text, encoding="utf-8")
    report = audit([DeviceJob("device", platform, read_config_file(path))])
    [finding] = findings(report, "AUTH-07")
    return finding.status, finding.message.en, finding.remediation


SETTING = "security passwords min-length 12\n"
CISCO = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8").replace(SETTING, "")
FORTI = (SAMPLE_INVENTORY / "configs" / "momiji-fw1.cfg").read_text(encoding="utf-8")
POLICY_BLOCK = "config system password-policy\n    set status enable\n    set minimum-length {}\nend\n"


@pytest.mark.parametrize(
    ("platform", "text", "status", "said"),
    [
        ("cisco_ios", CISCO.replace("\nend", "\n" + SETTING + "end"), Status.PASS, "shorter than 12"),
        ("cisco_ios", CISCO.replace("\nend", "\nsecurity passwords min-length 4\nend"), Status.FAIL,
         "is 4, below 8"),
        ("cisco_ios", CISCO, Status.FAIL, "No minimum password length"),
        ("fortinet", FORTI + POLICY_BLOCK.format(10), Status.PASS, "shorter than 10"),
        ("fortinet", FORTI + POLICY_BLOCK.format(6), Status.FAIL, "is 6, below 8"),
        ("fortinet", FORTI, Status.FAIL, "No minimum password length"),
    ],
    ids=["cisco-12", "cisco-4", "cisco-none", "fortios-10", "fortios-6", "fortios-none"],
)  # fmt: skip
def test_the_minimum_length_is_read_and_judged(
    tmp_path: Path, platform: str, text: str, status: Status, said: str
) -> None:
    found, message, _ = _auth07(platform, text, tmp_path)
    assert found is status
    assert said in message


def test_a_platform_without_the_setting_is_to_confirm_by_hand(tmp_path: Path) -> None:
    text = (SAMPLE_INVENTORY / "configs" / "himawari-rtr1.cfg").read_text(encoding="shift_jis")
    found, message, remediation = _auth07("yamaha", text, tmp_path)
    assert found is Status.MANUAL
    assert "has no minimum password length setting" in message
    assert remediation == ()


def test_the_remediation_is_the_platform_setting(tmp_path: Path) -> None:
    assert _auth07("cisco_ios", CISCO, tmp_path)[2] == ("security passwords min-length 12",)
    assert "    set minimum-length 12" in _auth07("fortinet", FORTI, tmp_path)[2]
