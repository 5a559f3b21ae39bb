"""The first hour (issue 17, in part): CLI conventions, output paths, every missing variable at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onshi.files import write_atomic
from tests.helpers import FIXTURES, SAMPLE_INVENTORY


def _onshi(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m onshi ...`` as a user runs it (the real entry point, with its error handling)."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "onshi", *args], input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, env=environment, check=False, timeout=120)  # fmt: skip


def test_version_and_short_help() -> None:
    assert _onshi("--version").stdout.strip().startswith("onshi ")
    helped = _onshi("-h")
    assert helped.returncode == 0
    assert "audit-file" in helped.stdout
    assert "--install-completion" in helped.stdout


def test_audit_file_reads_standard_input() -> None:
    config = (FIXTURES / "cisco_ios" / "edge_violations.cfg").read_bytes()
    result = _onshi("audit-file", "-", "--platform", "cisco_ios", "-f", "json", stdin=config)
    assert result.returncode == 1, result.stderr
    assert '"host": "stdin"' in result.stdout


@pytest.mark.parametrize("target", ["folder", "under_a_file"])
def test_an_output_path_problem_is_one_line_and_exit_2(tmp_path: Path, target: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    output = tmp_path if target == "folder" else blocker / "report.json"
    result = _onshi("audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(output))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert ("is a folder, not a file" if target == "folder" else "is a file, not a folder") in lines[0]


def test_schema_to_a_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _onshi("schema", "-o", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path}: is a folder, not a file"


def test_output_to_dev_null_leaves_the_character_device() -> None:
    result = _onshi("audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", "/dev/null")
    assert result.returncode == 1, result.stderr
    assert Path("/dev/null").is_char_device()


def test_a_symlink_planted_at_a_snapshot_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "out" / "r1.cfg"
    target.parent.mkdir()
    target.symlink_to(victim)
    write_atomic(target, "hostname r1\n", mode=0o600)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not target.is_symlink()
    assert target.read_text(encoding="utf-8") == "hostname r1\n"


def test_generate_lists_every_missing_variable_of_every_host_in_one_run(tmp_path: Path) -> None:
    result = _onshi("generate", "--inventory", str(SAMPLE_INVENTORY), "--out", str(tmp_path / "g"))
    assert result.returncode == 2
    missing = [line for line in result.stderr.splitlines() if "is not set" in line]
    assert "environment variable SAKURA_ADMIN_SECRET is not set" in result.stderr
    assert "environment variable SAKURA_VENDOR_SECRET is not set" in result.stderr  # the same host's second
    assert len(missing) >= 20
    assert not (tmp_path / "g").exists()
