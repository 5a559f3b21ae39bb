"""A running config with some interfaces down (the incident runbook's target state): a PP or tunnel
disabled in its select (``pp disable 1``), a LAN port shut (``lan shutdown lan2``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SWITCH = re.compile(r"^(pp|tunnel) (enable|disable) (\d+)$")
_NUMBERED = re.compile(r"^(pp|tunnel)(\d+)$")


def shut(text: str, interfaces: Iterable[str]) -> str:
    names = {name.lower() for name in interfaces}
    switched = {(m[1], m[2]) for name in names if (m := _NUMBERED.match(name))}
    result, found = [], set()
    for line in text.splitlines():
        match = _SWITCH.match(line.strip())
        if match and (match[1], match[3]) in switched:
            result.append(f"{match[1]} disable {match[3]}")
            found.add((match[1], match[3]))
            continue
        result.append(line)
    for kind, number in sorted(switched - found):  # never enabled by a line: disable it in its select
        result += [f"{kind} select {number}", f"{kind} disable {number}", f"{kind} select none"]
    result += [f"lan shutdown {name}" for name in sorted(names) if name.startswith("lan") and "/" not in name]
    return "\n".join(result) + "\n"
