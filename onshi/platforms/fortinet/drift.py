"""Intended vs running for FortiOS, and the CLI commands between them.

hier_config's FortiOS driver is not used: it turns a removed ``edit`` entry into an empty ``edit X`` /
``next`` (which deletes nothing), it cannot order policies (``move``), and it would ``unset`` every
setting of ``system global`` the baseline does not state. This module compares the two configs as
FortiOS's own tree (``tree.parse_tree``), by these rules:

- a settings block (``system global``, ``vpn ssl settings`` ...) is the device's: only the settings
  the baseline states are set; the others stay as they are;
- an ``edit`` entry the baseline states is an object stated whole: its settings are set, and the
  settings it does not state are ``unset`` (back to FortiOS's default), except the ones that name
  the object itself (uuid, type, vdom ...). FortiOS commits an entry at ``next``, so each one
  changes at once;
- blocks the baseline does not state are left alone (FortiOS has hundreds), except the tables it
  owns: policies, VIPs, tunnels, routes, administrators, VAPs and VLAN interfaces not in the
  baseline are deleted; a port it does not use gives up its address and management access.

Order, so that pasting never opens more than either config: ports give up addresses first (a
subnet may then move to a VLAN); then accept policies the baseline does not have are deleted; then
every block is set in the baseline's order (objects before the policies that name them); then
policies are moved into the baseline's order; then the rest is deleted, dependents first.

Keys FortiOS stores encrypted with its own key (``ENC …``: IKE, PPPoE, Wi-Fi, RADIUS) cannot be
compared with the key the baseline enters: they are listed as unverified, never as in sync.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from onshi.generate.drift import Drift, NotRemediable
from onshi.platforms.fortinet.secrets import is_admin_hash
from onshi.platforms.fortinet.tree import Node, Setting, Tree, parse_tree, quoted

_IDENTITY = frozenset({"uuid", "snmp-index", "type", "vdom", "macaddr"})
# Notes for people (often Japanese): kept when the baseline states none, never unset.
_DOCUMENTATION = frozenset({"description", "alias", "comments", "comment"})
_PLAIN = re.compile(r"^[A-Za-z0-9._:/+=@-]+$")
_VDOMS = re.compile(r"^config vdom\s*$", re.MULTILINE)


def _vlan(entry: Node) -> bool:
    return entry.value("vlanid") is not None


def _always(entry: Node) -> bool:
    return True


# Tables whose entries the baseline owns, in the order their leftovers are deleted (dependents first).
_OWNED: dict[str, Callable[[Node], bool]] = {
    "firewall policy": _always,
    "firewall policy6": _always,
    "firewall vipgrp": _always,
    "firewall vip": _always,
    "router static": _always,
    "vpn ipsec phase2-interface": _always,
    "vpn ipsec phase1-interface": _always,
    "wireless-controller vap": _always,
    "system interface": _vlan,
    "system admin": _always,
}
_POLICIES = "firewall policy"


@dataclass
class _Changes:
    """Commands grouped by block, in the order they are made, and what they say changed."""

    commands: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)

    def block(self, path: str, body: list[str]) -> None:
        if body:
            self.commands += [f"config {path}", *_indent(body), "end"]


def drift(intended: str, running: str) -> Drift:
    if _VDOMS.search(running):
        raise NotRemediable("the running config has VDOMs: its remediation is not generated")
    want, have = parse_tree(intended), parse_tree(running)
    work = copy.deepcopy(have)
    changes = _Changes()
    _free_addresses(want, work, changes)
    _reset_tunnel_interfaces(want, work, changes)
    _delete(work, changes, _POLICIES, _leftover(want.block(_POLICIES), _accepts))
    for path, block in want.root.blocks.items():
        changes.block(path, _diff_block(path, block, _ensure(work.root, path), changes))
    _order_policies(want, work, changes)
    for path, deletable in _OWNED.items():
        _delete(work, changes, path, _leftover(want.block(path), deletable))
    return Drift(
        missing=tuple(changes.missing),
        extra=tuple(changes.extra),
        remediation=tuple(changes.commands),
        predicted=serialize(work.root),
        unverified=tuple(changes.unverified),
    )


def _leftover(wanted: Node, deletable: Callable[[Node], bool]) -> Callable[[str, Node], bool]:
    """Whether a running entry is one the baseline does not have and may be deleted."""
    return lambda name, entry: name not in wanted.entries and deletable(entry)


def _accepts(entry: Node) -> bool:
    return entry.value("action", "deny") == "accept"


def _ensure(parent: Node, path: str) -> Node:
    return parent.blocks.setdefault(path, Node(path, 0))


# --- phases ------------------------------------------------------------------------------------------------


def _free_addresses(want: Tree, work: Tree, changes: _Changes) -> None:
    """Ports and interfaces that hold an address the baseline does not give them let it go first."""
    body = []
    wanted = want.block("system interface").entries
    for name, entry in work.block("system interface").entries.items():
        target = wanted.get(name)
        if _vlan(entry) and target is None:
            continue  # deleted at the end, with the policies that name it already gone
        lines = []
        for key in ("ip", "allowaccess"):
            if key in entry.settings and (target is None or key not in target.settings):
                lines.append(f"unset {key}")
                changes.extra.append(f"system interface › {name}: set {key} {_words(entry.settings[key].values)}")
                del entry.settings[key]
        if lines:
            body += [f"edit {_word(name)}", *(f"    {line}" for line in lines), "next"]
    changes.block("system interface", body)


def _reset_tunnel_interfaces(want: Tree, work: Tree, changes: _Changes) -> None:
    """An IPsec tunnel's own interface entry that the intended text leaves out (FortiOS creates it
    with the phase1-interface) stands at FortiOS's defaults there: what the running entry sets is
    unset (an isolation runbook's ``set status down`` is restored this way)."""
    stated = want.block("system interface").entries
    body = []
    for name, entry in work.block("system interface").entries.items():
        if name in stated or name not in want.block("vpn ipsec phase1-interface").entries:
            continue
        keys = [key for key in entry.settings if key not in _DOCUMENTATION]
        for key in keys:
            changes.extra.append(f"system interface › {name}: set {key} {_words(entry.settings[key].values)}")
            del entry.settings[key]
        if keys:
            body += [f"edit {_word(name)}", *(f"    unset {key}" for key in keys), "next"]
    changes.block("system interface", body)


def _delete(work: Tree, changes: _Changes, path: str, doomed: Callable[[str, Node], bool]) -> None:
    entries = work.block(path).entries
    names = [name for name, entry in entries.items() if doomed(name, entry)]
    for name in names:
        del entries[name]
        changes.extra.append(f"{path}: edit {name}")
    changes.block(path, [f"delete {_word(name)}" for name in names])


def _order_policies(want: Tree, work: Tree, changes: _Changes) -> None:
    """``move`` until the baseline's policies stand in its order. Every move is relative to the
    baseline's own policies, so the leftovers (denies, deleted last) may stand anywhere meanwhile."""
    order = list(want.block(_POLICIES).entries)
    table = work.block(_POLICIES).entries
    current = [name for name in table if name in order] + [name for name in table if name not in order]
    moves = []
    for index, name in enumerate(order):
        place = 0 if index == 0 else current.index(order[index - 1]) + 1
        if current.index(name) == place:
            continue
        moves.append(f"move {name} before {current[place]}" if index == 0 else f"move {name} after {order[index - 1]}")
        current.remove(name)
        current.insert(place, name)
    if moves:
        changes.missing += [f"{_POLICIES}: {move}" for move in moves]
        changes.block(_POLICIES, moves)
        work.block(_POLICIES).entries = {name: table[name] for name in current}


# --- comparing blocks and entries -----------------------------------------------------------------------------


def _diff_block(
    where: str, want: Node, have: Node, changes: _Changes, *, owned: bool = False, nested: bool = False
) -> list[str]:
    """Commands inside ``config`` that make ``have`` say what ``want`` says (``owned``: an entry,
    whose unstated settings are unset; ``nested``: a table inside a block or entry, stated whole)."""
    body = list(_settings(where, want, have, changes, owned))
    for path, block in want.blocks.items():
        inner = _diff_block(f"{where} › {path}", block, _ensure(have, path), changes, nested=True)
        if inner:
            body += [f"config {path}", *_indent(inner), "end"]
    for name, entry in want.entries.items():
        current = have.entries.get(name)
        if current is None:
            current = have.entries[name] = Node(name, 0)
        inner = _diff_block(f"{where} › {name}", entry, current, changes, owned=True)
        if inner:
            body += [f"edit {_word(name)}", *_indent(inner), "next"]
    if want.entries and nested:  # a table inside a block, stated whole (NTP servers ...)
        stale = [name for name in have.entries if name not in want.entries]
        for name in stale:
            del have.entries[name]
            changes.extra.append(f"{where}: edit {name}")
        body += [f"delete {_word(name)}" for name in stale]
    return body


def _settings(where: str, want: Node, have: Node, changes: _Changes, owned: bool) -> Iterator[str]:
    for key, setting in want.settings.items():
        current = have.settings.get(key)
        if current is not None and current.values == setting.values:
            continue
        text = f"set {key} {_words(setting.values)}"
        if current is not None and _encrypted(current) and not _encrypted(setting):
            changes.unverified.append(f"{where}: set {key} (stored encrypted by the device: cannot be compared)")
            continue
        changes.missing.append(f"{where}: {text}")
        have.settings[key] = Setting(setting.values, 0)
        yield text
    if owned:
        for key in [k for k in have.settings if k not in want.settings and k not in _IDENTITY | _DOCUMENTATION]:
            changes.extra.append(f"{where}: set {key} {_words(have.settings.pop(key).values)}")
            yield f"unset {key}"


def _encrypted(setting: Setting) -> bool:
    """``ENC <ciphertext>`` that FortiOS can decrypt (not an administrator's SH2 hash)."""
    values = setting.values
    return len(values) == 2 and values[0] == "ENC" and not is_admin_hash(values[1])


# --- text -------------------------------------------------------------------------------------------------


def _word(value: str) -> str:
    return value if _PLAIN.match(value) else quoted(value)


def _words(values: tuple[str, ...]) -> str:
    return " ".join(_word(value) for value in values)


def _indent(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


def serialize(node: Node) -> str:
    """A tree as FortiOS configuration text."""
    return "\n".join(_lines(node)) + "\n"


def _lines(node: Node) -> Iterator[str]:
    for key, setting in node.settings.items():
        yield f"set {key} {_words(setting.values)}"
    for path, block in node.blocks.items():
        yield f"config {path}"
        yield from _indent(list(_lines(block)))
        yield "end"
    for name, entry in node.entries.items():
        yield f"edit {_word(name)}"
        yield from _indent(list(_lines(entry)))
        yield "next"
