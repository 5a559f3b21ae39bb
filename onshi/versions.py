"""OS version strings compared as numbers, honest about imprecision.

A config often states only ``version 15.4`` or ``version 17.3``: a *prefix* of the release that is
running. Comparisons therefore answer True, False or None (cannot tell from this precision).
"""

from __future__ import annotations

import re

_PART = re.compile(r"\d+|[a-z]\b", re.IGNORECASE)
_WIDTH = 8
_HIGH = 10**9


def version_key(version: str) -> tuple[int, ...]:
    """``17.3.8a`` -> (17, 3, 8, 1); ``15.2(4)E6`` -> (15, 2, 4, 6); letters after a number count
    as a further component (a < b < ...), train letters inside parentheses are ignored."""
    parts: list[int] = []
    for token in _PART.findall(version):
        if token.isdigit():
            parts.append(int(token))
        elif parts:
            parts.append(ord(token.lower()) - ord("a") + 1)
    return tuple(parts)


def _bounds(version: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    key = version_key(version)[:_WIDTH]
    low = key + (0,) * (_WIDTH - len(key))
    high = key + (_HIGH,) * (_WIDTH - len(key))
    return low, high


def _full(version: str) -> tuple[int, ...]:
    key = version_key(version)[:_WIDTH]
    return key + (0,) * (_WIDTH - len(key))


def at_least(version: str, minimum: str) -> bool | None:
    low, high = _bounds(version)
    target = _full(minimum)
    if low >= target:
        return True
    if high < target:
        return False
    return None


def in_range(version: str, introduced: str, fixed: str) -> bool | None:
    """Whether ``version`` lies in [introduced, fixed)."""
    low, high = _bounds(version)
    start, end = _full(introduced), _full(fixed)
    if low >= start and high < end:
        return True
    if high < start or low >= end:
        return False
    return None
