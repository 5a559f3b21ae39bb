"""Drift between intended and running config as plain text, secrets masked by each host's platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from onshi.generate.verify import Verification
from onshi.platforms import get_driver

_LIMIT = 400  # lines per list: a wholly different device would otherwise flood the terminal


def _section(title: str, lines: Iterable[str], mask: Callable[[str], str]) -> list[str]:
    masked = [mask(line) for line in lines]
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
    return "\n".join(out) + "\n"
