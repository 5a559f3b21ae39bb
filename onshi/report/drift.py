"""Drift between intended and running config as plain text, secrets masked by each host's platform."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from onshi.generate.verify import Verification
from onshi.pipeline import AuditReport
from onshi.platforms import get_driver
from onshi.report.json_report import to_json
from onshi.report.text import printable
from onshi.secrets import mask_in_context

_LIMIT = 400  # lines per list: a wholly different device would otherwise flood the terminal


def _section(title: str, lines: Iterable[str], mask: Callable[[str], str]) -> list[str]:
    masked = [mask_in_context(line, mask) for line in lines]  # drift_text makes every line printable
    shown = masked[:_LIMIT] + ([f"... {len(masked) - _LIMIT} more lines"] if len(masked) > _LIMIT else [])
    return [f"-- {title} ({len(masked)}):", *shown] if masked else []


def drift_text(verifications: Iterable[Verification]) -> str:
    out: list[str] = []
    for result in verifications:
        if result.drift is None:
            out.append(f"== {result.host}: not verified: {result.error}")
            continue
        mask = get_driver(result.platform).mask
        unverified = _section("unverified (the device stores them encrypted)", result.drift.unverified, mask)
        if result.drift.in_sync:
            out += [f"== {result.host}: in sync with its intended config", *unverified]
            continue
        out.append(f"== {result.host}: drift")
        out += _section("missing (intended, not running)", result.drift.missing, mask)
        out += _section("extra (running, not intended)", result.drift.extra, mask)
        out += _section("remediation (in a safe order)", result.drift.remediation, mask)
        out += unverified
    return "\n".join(printable(line) for line in out) + "\n"


_CARRIES_SECRETS = (
    "This file carries secrets in clear that the device needs to be sent (a PPPoE password, a pre-shared key):",
    "keep it to yourself (mode 0600), apply it from the console or an encrypted session, and delete it after use.",
    "このファイルには機器に送る必要のある秘密情報（PPPoE パスワード、事前共有鍵など）が平文で含まれます。",
    "共有せず（モード 0600）、コンソールまたは暗号化された接続から投入し、投入後は削除してください。",
)


def remediation_file(result: Verification) -> str:
    """The remediation commands of one host as a file; one that must carry a secret to be applied says
    so in its first lines (as comments of the platform)."""
    assert result.drift is not None
    driver = get_driver(result.platform)
    commands = result.drift.remediation
    header: tuple[str, ...] = ()
    if any(mask_in_context(command, driver.mask) != command for command in commands):
        header = tuple(f"{driver.comment} {text}" for text in _CARRIES_SECRETS)
    return "\n".join((*header, *commands)) + "\n"


def verification_json(report: AuditReport, results: Iterable[Verification], skipped: Iterable[str]) -> str:
    """The audit of the running configs (as ``onshi audit -f json``) and each host's drift, masked
    (remediation files carry what the device must be sent; this document never does)."""
    hosts = []
    for result in results:
        mask = get_driver(result.platform).mask
        drift = result.drift
        entry: dict[str, Any] = {"host": result.host, "platform": result.platform, "error": result.error}
        if drift is not None:
            entry |= {
                "in_sync": drift.in_sync,
                **{name: [printable(mask_in_context(line, mask)) for line in lines] for name, lines in (
                    ("missing", drift.missing), ("extra", drift.extra), ("remediation", drift.remediation),
                    ("unverified", drift.unverified))},
            }  # fmt: skip
        hosts.append(entry)
    document = {"audit": json.loads(to_json(report)), "verification": hosts, "skipped": list(skipped)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
