"""The pytest plugin: `pytest --onshi-inventory DIR` from any folder runs the audit as tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import SAMPLE_INVENTORY


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfs", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "COLUMNS": "250"},  # the short summary is cut to the terminal's width
    )  # fmt: skip


def test_the_sample_audit_runs_as_tests_from_any_folder(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "--onshi-inventory", str(SAMPLE_INVENTORY))
    assert result.returncode == 1, result.stdout[-2000:]
    assert "103 failed, 449 passed, 46 skipped" in result.stdout
    assert "onshi::sakura-rtr1::EXT-02 - EXT-02 critical: 192.168.10.5:3389 is exposed" in result.stdout
    assert "manual:" in result.stdout
    summary = result.stdout.split("short test summary")[1]
    assert not [line for line in summary.splitlines() if line.startswith("FAILED") and "onshi::aoba-rtr1" in line]


def test_failure_shows_evidence_lines(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "--onshi-inventory", str(SAMPLE_INVENTORY), "-k", "sakura-rtr1 and EXT-02")
    assert result.returncode == 1
    assert "sakura-rtr1.cfg:131: ip nat inside source static tcp 192.168.10.5 3389 interface Dialer1 3389" in (
        result.stdout
    )


def test_a_broken_inventory_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "hosts.yaml").write_text("r1: {platform: cisco_ios}\n", encoding="utf-8")
    result = run_pytest(tmp_path, "--onshi-inventory", str(tmp_path))
    assert result.returncode == 4
    assert "onshi inventory:" in result.stderr
