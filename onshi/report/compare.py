"""Report-to-report comparison (Nipper-style): which failures are new, fixed or unchanged.

A failing finding is identified by host, rule and English message (the message names the object:
the SSID, the line vty, the zone pair, the example packet), so a finding whose substance changed
counts as fixed plus new, which is what an auditor wants to see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onshi.model import Finding, Status
from onshi.pipeline import AuditReport

Key = tuple[str, str, str]


class CompareError(ValueError):
    """The previous report cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Comparison:
    previous: str
    new: tuple[Key, ...]
    unchanged: tuple[Key, ...]
    fixed: tuple[dict[str, Any], ...]  # the previous findings, as they were written

    def change(self, finding: Finding) -> str | None:
        key = _key(finding.host, finding.rule, finding.message.en)
        if finding.status is not Status.FAIL:
            return None
        return "new" if key in self.new else "unchanged"


def _key(host: str, rule: str, message: str) -> Key:
    return (host, rule, message)


def load_previous(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        findings = document["findings"]
        assert isinstance(findings, list)
        return [f for f in findings if isinstance(f, dict)]
    except FileNotFoundError as error:
        raise CompareError(f"{path}: no such report") from error
    except (OSError, ValueError, KeyError, AssertionError, TypeError) as error:
        raise CompareError(f"{path}: not an onshi JSON report ({type(error).__name__})") from error


def compare(report: AuditReport, previous: list[dict[str, Any]], name: str) -> Comparison:
    before = {
        _key(str(f.get("host")), str(f.get("rule")), str((f.get("message") or {}).get("en"))): f
        for f in previous
        if f.get("status") == Status.FAIL.value
    }
    now = {_key(f.host, f.rule, f.message.en) for f in report.findings if f.status is Status.FAIL}
    audited = {device.host for device in report.devices if not device.error}
    return Comparison(
        previous=name,
        new=tuple(sorted(now - set(before))),
        unchanged=tuple(sorted(now & set(before))),
        # A device that could not be audited this time has not fixed anything.
        fixed=tuple(finding for key, finding in sorted(before.items()) if key not in now and key[0] in audited),
    )
