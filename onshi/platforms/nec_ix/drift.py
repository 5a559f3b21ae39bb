"""What differs between two IX configurations, and the commands that turn one into the other.

IX configurations are a flat list of top-level commands and blocks (``interface``, ``ppp profile``,
``ip router ospf``). A missing command is entered as written (in its block); a command that is not
wanted is removed with its ``no`` form. Access lists are matched entry by entry in the order written,
and IX appends a new entry at the end: a list whose entries must change order or be removed while it
is bound would need a new list bound in its place, which onshi does not generate yet, so such a
change is refused by name (never pasted half right).
"""

from __future__ import annotations

from collections import OrderedDict

from onshi.generate.drift import Drift, NotRemediable
from onshi.platforms.nec_ix.tree import blocks

_ACCESS_LIST = ("ip access-list ", "ipv6 access-list ")


def _index(text: str) -> OrderedDict[str, list[str]]:
    return OrderedDict((block.text, [child.text for child in block.children]) for block in blocks(text.splitlines()))


def drift(intended: str, running: str) -> Drift:
    want, have = _index(intended), _index(running)
    _refuse_reordered_lists(want, have)
    missing: list[str] = []
    extra: list[str] = []
    adds: list[list[str]] = []
    blocks_changed: list[list[str]] = []
    removes: list[list[str]] = []
    for header, children in want.items():
        if header not in have:
            missing.append(header)
            missing += [f"{header} / {child}" for child in children]
            (blocks_changed if children else adds).append([header, *(f"  {child}" for child in children)])
            continue
        gone = [child for child in have[header] if child not in children]
        new = [child for child in children if child not in have[header]]
        missing += [f"{header} / {child}" for child in new]
        extra += [f"{header} / {child}" for child in gone]
        if gone or new:
            undo = [
                f"  {_negate(child)}" for child in gone if _negate(child) is not None and not _overridden(child, new)
            ]
            blocks_changed.append([header, *undo, *(f"  {child}" for child in new)])
    for header in have:
        if header not in want:
            extra.append(header)
            removes.append([f"no {header}"])
    remediation = [line for group in (*adds, *blocks_changed, *removes) for line in group]
    return Drift(tuple(missing), tuple(extra), tuple(remediation), _predicted(want, have))


def _negate(command: str) -> str:
    return command.removeprefix("no ") if command.startswith("no ") else f"no {command}"


def _overridden(old: str, new: list[str]) -> bool:
    """``no shutdown`` gives way to ``shutdown`` (and back) by entering the new one alone."""
    return _negate(old) in new


def _refuse_reordered_lists(want: OrderedDict[str, list[str]], have: OrderedDict[str, list[str]]) -> None:
    for name in {h.split()[2] for h in (*want, *have) if h.startswith(_ACCESS_LIST) and len(h.split()) > 2}:
        wanted = [h for h in want if h.startswith(_ACCESS_LIST) and h.split()[2] == name]
        present = [h for h in have if h.startswith(_ACCESS_LIST) and h.split()[2] == name]
        if present and wanted[: len(present)] != present:
            raise NotRemediable(f"access list {name} changes other than by appending entries: rebinding a new "
                                "list in its place is not generated for nec_ix yet")  # fmt: skip


def _predicted(want: OrderedDict[str, list[str]], have: OrderedDict[str, list[str]]) -> str:
    """The running config after the remediation: its blocks in place, changed as intended."""
    result: list[str] = []
    for header in [*have, *(h for h in want if h not in have)]:
        if header not in want:
            continue
        result += [header, *(f"  {child}" for child in want[header]), "!"]
    return "\n".join(result) + "\n"
