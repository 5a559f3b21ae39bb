"""Which settings name each firewall object, so that a remediation removes an object the way FortiOS
accepts it: what names the object first (FortiOS refuses to delete an entry still in use).

A policy or group that names the object beside others loses that one value (``unselect``); one that
names it alone goes with it, and whatever names that policy or group in turn goes before it.
"""

from __future__ import annotations

from onshi.model import Reference
from onshi.platforms.fortinet.tree import Node, Tree, quoted

# Blocks whose entries are objects other settings name.
_OBJECTS = ("firewall vip", "firewall vipgrp", "firewall address", "firewall addrgrp", "firewall address6",
            "firewall addrgrp6", "firewall service custom", "firewall service group")  # fmt: skip
# Settings that name objects: (block, keys).
_NAMING = (
    ("firewall policy", ("srcaddr", "dstaddr", "srcaddr6", "dstaddr6", "service")),
    ("firewall policy6", ("srcaddr", "dstaddr", "service")),
    ("firewall vipgrp", ("member",)),
    ("firewall addrgrp", ("member",)),
    ("firewall addrgrp6", ("member",)),
    ("firewall service group", ("member",)),
)

_Naming = dict[str, list[tuple[Node, str]]]  # object name → (entry, key) that name it


def references(tree: Tree) -> tuple[tuple[int, tuple[Reference, ...]], ...]:
    """Per object's ``edit`` line, the settings to undo before it can go, in the order to undo them."""
    objects = {name: entry for block in _OBJECTS for name, entry in tree.block(block).entries.items()}
    naming: _Naming = {}
    for block, keys in _NAMING:
        for entry in tree.block(block).entries.values():
            for key in keys:
                for value in entry.values(key):
                    naming.setdefault(value, []).append((entry, key))
    found = []
    for name, entry in objects.items():
        ordered = _undo(name, naming, objects, set())
        if ordered:
            found.append((entry.line, tuple(ordered)))
    return tuple(found)


def _undo(
    name: str, naming: dict[str, list[tuple[Node, str]]], objects: dict[str, Node], seen: set[str]
) -> list[Reference]:
    """What to undo before ``name`` goes: each entry naming it alone goes, after what names that entry."""
    seen.add(name)
    ordered: list[Reference] = []
    for entry, key in naming.get(name, []):
        setting = entry.settings[key]
        sole = len(setting.values) == 1
        holder = entry.name
        if sole and holder in objects and objects[holder] is entry and holder not in seen:
            ordered += _undo(holder, naming, objects, seen)
        ordered.append(Reference(setting.line, quoted(name), sole))
    return ordered
