"""A running config with some interfaces down (the incident runbook's target state): ``shutdown``
in each named interface block, in place of ``no shutdown``."""

from __future__ import annotations

from collections.abc import Iterable


def shut(text: str, interfaces: Iterable[str]) -> str:
    names = {name.lower() for name in interfaces}
    result: list[str] = []
    inside: str | None = None  # the interface block being copied, when it is one to shut
    for line in text.splitlines():
        words = line.split()
        if line[:1] not in (" ", "\t") and line.strip():
            _close(result, inside)
            inside = words[1].lower() if words[:1] == ["interface"] and len(words) == 2 and words[1].lower() in names \
                else None  # fmt: skip
            result.append(line)
            continue
        if inside is not None and words in (["shutdown"], ["no", "shutdown"]):
            continue  # written once, at the end of the block
        result.append(line)
    _close(result, inside)
    missing = names - {line.split()[1].lower() for line in text.splitlines() if line.startswith("interface ")}
    for name in sorted(missing):  # named but not written: an interface of the platform's defaults
        result += ["!", f"interface {name}", "  shutdown"]
    return "\n".join(result) + "\n"


def _close(result: list[str], inside: str | None) -> None:
    """End the block being shut: ``shutdown`` before the separator lines that follow it."""
    if inside is None:
        return
    index = len(result)
    while index > 0 and result[index - 1].strip() in ("", "!"):
        index -= 1
    result.insert(index, "  shutdown")
