"""The terminal report a person reads: problems first, readable at 80 columns and in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from onshi.model import Status
from onshi.pipeline import AuditReport
from tests.helpers import SAMPLE_INVENTORY


def _piped(*arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "onshi", "audit", "--inventory", str(SAMPLE_INVENTORY), "--store", "none",
         *arguments],
        capture_output=True, text=True, timeout=300, check=False, env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    return result.stdout


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_piped_audit_fits_80_columns_and_shows_every_failure_with_file_and_line(
    sample_report: AuditReport, language: str
) -> None:
    text = _piped("--lang", language)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert len(lines) < 1500  # a list, not a squeezed table of every pass (7,060 lines before)
    for finding in sample_report.findings:
        if finding.status is Status.FAIL:
            cited = sorted({(Path(e.file).name, e.line) for e in finding.evidence})[:8]
            for name, line in cited:
                assert f"{name}:{line}" in text, (finding.rule, finding.host, name, line)
    per_facility = [line for line in lines if line.startswith(("施設: ", "Facility: ")) and " — " in line]
    assert len(per_facility) == 8  # one summary line per facility


def test_passes_are_collapsed_unless_asked(sample_report: AuditReport) -> None:
    problems = _piped("--lang", "en")
    everything = _piped("--lang", "en", "--show", "all")
    assert "pass and not-applicable hidden (--show all)" in problems
    assert "  pass  " not in problems
    assert "  pass  " in everything
    assert len(everything.splitlines()) > len(problems.splitlines())
