"""A running config with some interfaces shut (the incident runbook's target state)."""

from __future__ import annotations

from collections.abc import Iterable


def shut(text: str, interfaces: Iterable[str]) -> str:
    """``text`` with ``shutdown`` under each named interface (its ``no shutdown`` dropped)."""
    wanted = {name.lower() for name in interfaces}
    result: list[str] = []
    inside = False
    for line in text.splitlines():
        if line and not line.startswith(" "):
            words = line.split()
            inside = len(words) > 1 and words[0].lower() == "interface" and words[1].lower() in wanted
            result.append(line)
            if inside:
                result.append(" shutdown")
            continue
        if inside and line.strip() in ("shutdown", "no shutdown"):
            continue
        result.append(line)
    return "\n".join(result) + "\n"
