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

from onshi.files import UnsafePath, read_bounded
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

    def narrowed(self, hosts: set[str]) -> Comparison:
        """Only these hosts' findings (one facility's report must not count another's)."""
        return Comparison(
            self.previous,
            tuple(key for key in self.new if key[0] in hosts),
            tuple(key for key in self.unchanged if key[0] in hosts),
            tuple(finding for finding in self.fixed if finding.get("host") in hosts),
        )

    def change(self, finding: Finding) -> str | None:
        key = _key(finding.host, finding.rule, finding.message.en)
        if finding.status is not Status.FAIL:
            return None
        return "new" if key in self.new else "unchanged"


def _key(host: str, rule: str, message: str) -> Key:
    return (host, rule, message)


def load_previous(path: Path) -> list[dict[str, Any]]:
    """The failing-finding records of a previous JSON report; anything else in it is not read."""
    try:
        document = json.loads(read_bounded(path).decode("utf-8"))
    except FileNotFoundError as error:
        raise CompareError(f"{path}: no such report") from error
    except (OSError, UnsafePath, ValueError) as error:
        raise CompareError(f"{path}: not an onshi JSON report ({type(error).__name__})") from error
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, list):
        raise CompareError(f"{path}: not an onshi JSON report (no list of findings)")
    return [finding for finding in findings if _well_formed(finding)]


def _well_formed(finding: object) -> bool:
    """A finding record as onshi writes it: text host, rule and status, and an English message."""
    if not isinstance(finding, dict):
        return False
    message = finding.get("message")
    texts = (finding.get("host"), finding.get("rule"), finding.get("status"))
    return all(isinstance(text, str) for text in texts) and isinstance(message, dict) and isinstance(
        message.get("en"), str
    )  # fmt: skip


def compare(report: AuditReport, previous: list[dict[str, Any]], name: str) -> Comparison:
    before = {
        _key(f["host"], f["rule"], f["message"]["en"]): f for f in previous if f.get("status") == Status.FAIL.value
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
