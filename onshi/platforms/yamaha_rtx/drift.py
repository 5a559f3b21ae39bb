"""Intended vs running for Yamaha RTX, and the commands between them (hier_config has no Yamaha driver).

A Yamaha config is a flat list of commands, some entered inside ``pp select N`` / ``tunnel select N``.
Most commands *set* something identified by their first words (``ip filter 100``, ``ip lan1/2
secure filter in``, ``login user NAME``): entering the intended line replaces the running one, so a
changed filter list is simply listed again whole. A command whose identity the intended config no
longer has is removed by its ``no`` form. Commands this module does not know are identified by their
whole text (added as written, removed with ``no``).

Order, so that pasting never leaves the router more open than either config: filter definitions
first (a list never names a filter that does not exist yet), then addresses given up, every other
setting and context, and removals of filter definitions last (after the lists that named them have
been re-listed). Moving the address you are connected to cuts the session: apply such a change from
the console.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from onshi.generate.drift import Drift

_SELECT = re.compile(r"^(pp|tunnel) select (\S+)$")
# (pattern, how many words identify the command); the first pattern that matches decides.
_IDENTITY: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"^ipv?6? filter dynamic \d+ ", 4),
        (r"^ipv?6? filter \d+ ", 3),
        (r"^ipv?6? \S+ secure filter (in|out)\b", 5),
        (r"^ipv?6? \S+ nat descriptor ", 4),
        (r"^ipv?6? (route|prefix) \S+ ", 3),
        (r"^ipv?6? \S+ (address|mtu|rtadv) ", 3),
        (r"^nat descriptor address (outer|inner) \d+ ", 5),
        (r"^nat descriptor masquerade static \d+ \d+ ", 6),
        (r"^nat descriptor type \d+ ", 4),
        (r"^ipsec ike (remote|local) (address|name) \d+ ", 5),
        (r"^ipsec ike keepalive (use|log) \d+ ", 5),
        (r"^ipsec ike \S+ \d+ ", 4),
        (r"^ipsec sa policy \d+ ", 4),
        (r"^(login user|schedule at|ppp \S+|pp auth) \S+ ", 3),
        (r"^syslog execute command ", 3),
        (r"^(description|vlan|administrator password|login password|login timer|ipsec tunnel|pppoe use) ", 2),
        (r"^(console|pp always-on|\S+d (service|host)|tftp host|syslog (info|notice|debug)|\S+ use) ", 2),
        (r"^(timezone|ngn) ", 1),
    )
)
_DEFINITION = re.compile(r"^ipv?6? filter ")
_ADDRESS = re.compile(r"^ipv?6? \S+ address ")
_SWITCH = re.compile(r"^(pp|tunnel) (enable|disable) (\S+)$")


@dataclass(frozen=True, slots=True)
class Statement:
    context: str  # "" (global), or the `pp select N` / `tunnel select N` it is entered under
    line: str

    @property
    def identity(self) -> tuple[str, str]:
        if match := _SWITCH.match(self.line):  # `pp enable 1` and `pp disable 1` set the same thing
            return self.context, f"{match[1]} {match[3]}"
        for pattern, words in _IDENTITY:
            if pattern.match(self.line):
                return self.context, " ".join(self.line.split()[:words])
        return self.context, self.line

    def shown(self) -> str:
        return f"{self.context}: {self.line}" if self.context else self.line


_DESCRIPTION = re.compile(r"^description\s")


def statements(text: str) -> list[Statement]:
    """Every command with the context it is entered in (comments and the selects themselves left out)."""
    found, context = [], ""
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line or line.startswith("#"):
            continue
        if match := _SELECT.match(line):
            context = "" if match[2] == "none" else line
            continue
        found.append(Statement(context, line))
    return found


def drift(intended: str, running: str) -> Drift:
    wanted, present = statements(intended), statements(running)
    have = {s.line for s in present if not s.context} | {s.shown() for s in present}
    missing = [s for s in wanted if s.shown() not in have]
    kept = {s.identity for s in wanted}
    # A description is a note for people (often Japanese): one the baseline does not state is kept.
    gone = [s for s in present if s.identity not in kept and not _DESCRIPTION.match(s.line)]
    extra = [s for s in present if s.shown() not in {w.shown() for w in wanted} and not _DESCRIPTION.match(s.line)]
    return Drift(
        missing=tuple(s.shown() for s in missing),
        extra=tuple(s.shown() for s in extra),
        remediation=tuple(_remediation(missing, gone)),
        predicted=_text(_predicted(present, missing, gone)),
    )


def _remediation(missing: list[Statement], gone: list[Statement]) -> list[str]:
    definitions = [s for s in missing if not s.context and _DEFINITION.match(s.line)]
    removed_definitions = [s for s in gone if not s.context and _DEFINITION.match(s.line)]
    settings = [s for s in missing if s not in definitions]
    removals = [s for s in gone if s not in removed_definitions]
    # An address leaves its old interface before another takes it: the router refuses it twice.
    moved = [s for s in removals if _ADDRESS.match(s.line)]
    commands = [s.line for s in definitions]
    commands += _by_context([*((s, _no(s)) for s in moved), *((s, s.line) for s in settings),
                             *((s, _no(s)) for s in removals if s not in moved)])  # fmt: skip
    return [*commands, *map(_no, removed_definitions)]


def _no(statement: Statement) -> str:
    """The ``no`` form: the command's identifying words (the whole line for one onshi does not know);
    a PP or tunnel no longer enabled is disabled."""
    if match := _SWITCH.match(statement.line):
        return f"{match[1]} disable {match[3]}"
    return f"no {statement.identity[1]}"


def _by_context(changes: Iterable[tuple[Statement, str]]) -> list[str]:
    """Commands grouped under their context's select (entered once, left with ``select none``)."""
    groups: dict[str, list[str]] = {}
    for statement, command in changes:
        groups.setdefault(statement.context, []).append(command)
    commands = groups.pop("", [])
    for context, lines in groups.items():
        kind = context.split()[0]
        commands += [context, *lines, f"{kind} select none"]
    return commands


def _predicted(present: list[Statement], missing: list[Statement], gone: list[Statement]) -> list[Statement]:
    replaced = {s.identity for s in missing}
    kept = [s for s in present if s not in gone and s.identity not in replaced]
    return [*kept, *missing]


def _text(found: list[Statement]) -> str:
    lines = [s.line for s in found if not s.context]
    contexts: dict[str, list[str]] = {}
    for statement in found:
        if statement.context:
            contexts.setdefault(statement.context, []).append(statement.line)
    for context, entered in contexts.items():
        lines += [context, *(f" {line}" for line in entered), f"{context.split()[0]} select none"]
    return "\n".join(lines) + "\n"
