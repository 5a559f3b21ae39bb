"""A running config with some interfaces down (the incident runbook's target state): ``set status
down`` in the interface's entry of ``config system interface``. An IPsec tunnel's interface that the
text does not list there (FortiOS creates it with the phase1-interface, and a saved config may leave
it out) gets an entry of its own at the end of the block: ``edit`` selects the existing interface."""

from __future__ import annotations

from collections.abc import Iterable

from onshi.platforms.fortinet.tree import words


def shut(text: str, interfaces: Iterable[str]) -> str:
    unseen = list(dict.fromkeys(interfaces))  # the ones to shut that no entry has named yet
    names = set(unseen)
    result: list[str] = []
    block = False  # inside `config system interface`
    entry: str | None = None  # the indentation of the open entry to shut
    for line in text.splitlines():
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if stripped == "config system interface":
            block = True
        elif block and entry is None and stripped == "end" and not indent:
            block = False
            for name in unseen:
                result += [f'    edit "{name}"', "        set status down", "    next"]
        if block and stripped.startswith("edit ") and _name(stripped) in unseen:
            unseen.remove(_name(stripped))
        if block and stripped.startswith("edit ") and _name(stripped) in names:
            entry = indent
            result += [line, f"{indent}    set status down"]
            continue
        if entry is not None:
            if stripped == "next" and indent == entry:
                entry = None
            elif stripped.startswith("set status ") and indent == entry + "    ":
                continue
        result.append(line)
    return "\n".join(result) + "\n"


def _name(edit: str) -> str:
    parsed = words(edit)
    return parsed[1] if len(parsed) > 1 else ""
