"""Rules answered by the exact packet-set engine (SEG-*, VPN-01, VPN-06, EXT-01, EXT-05).

The engine is not built yet. Until it is, these rules are registered and report ``manual`` on
every device, so that no report can read their silence as a pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from onshi.model import Severity
from onshi.validators.base import Outcome, RuleInput, manual
from onshi.validators.registry import rule

REFS_SEG = ("REG-EX 別表 6", "SEC-GL II-5(9)", "MHLW6 システム運用編 18, 13 ①")
REFS_VPN = ("CHECKLIST 外部 4", "MHLW6 システム運用編 13 ⑤", "REG-EX 別表 8")
REFS_EXT = ("REG-EX 別表 5", "CHECKLIST 外部 1, 8, 10", "MHLW6 システム運用編 13 ②, 18")

_PENDING = (
    ("SEG-01", Severity.CRITICAL, REFS_SEG),
    ("SEG-02", Severity.CRITICAL, REFS_SEG),
    ("SEG-03", Severity.HIGH, REFS_SEG),
    ("SEG-04", Severity.MEDIUM, REFS_SEG),
    ("SEG-05", Severity.HIGH, REFS_SEG),
    ("VPN-01", Severity.CRITICAL, REFS_VPN),
    ("VPN-06", Severity.HIGH, REFS_VPN),
    ("EXT-01", Severity.CRITICAL, REFS_EXT),
    ("EXT-05", Severity.MEDIUM, REFS_EXT),
)


def _not_analysed(inp: RuleInput) -> Iterator[Outcome]:
    yield manual("pending")


for _rule_id, _severity, _references in _PENDING:
    rule(_rule_id, _severity, *_references)(_not_analysed)
