"""The firewall objects an owner defines, for HYG-03: addresses, address groups, services, service
groups and virtual IPs, each with the lines of its ``edit`` entry.

FortiOS ships objects of its own in every configuration (``all``, ``HTTPS``, ``G Suite`` ...): those
are not the owner's, and an unused one says nothing of how the firewall is kept, so they are left
out by name. A shipped object this list does not know is judged as the owner's: unused, it is named,
which is true of it too.
"""

from __future__ import annotations

from onshi.model import Definition
from onshi.platforms.fortinet.objects import SHIPPED
from onshi.platforms.fortinet.tree import Node, Tree

_KINDS = {"firewall address": "address", "firewall address6": "address6", "firewall addrgrp": "address group",
          "firewall addrgrp6": "address group6", "firewall service custom": "service",
          "firewall service group": "service group", "firewall vip": "virtual IP", "firewall vip6": "virtual IP6",
          "firewall vipgrp": "virtual IP group"}  # fmt: skip


def definitions(tree: Tree) -> tuple[Definition, ...]:
    return tuple(
        Definition(kind, name, _lines(entry))
        for block, kind in _KINDS.items()
        for name, entry in tree.block(block).entries.items()
        if name not in SHIPPED
    )


def _lines(entry: Node) -> tuple[int, ...]:
    """The ``edit`` line and every line of the entry (its settings and nested blocks)."""
    found = {entry.line, *(setting.line for setting in entry.settings.values())}
    for block in entry.blocks.values():
        found |= set(_lines(block))
    return tuple(sorted(found))
