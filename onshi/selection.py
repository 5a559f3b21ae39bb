"""Which hosts of the inventory a command works on: by facility, by host name, by host fields.

Applied to the loaded inventory before anything connects or parses. ``where`` pairs are
``key=value`` over what the inventory says of a host (its platform, facility, the facility's kind and
connection, and its data: role, model, serial, location); a value may be a shell-style pattern
(``location=1F*``). Every name and key must exist: a misspelt facility would otherwise audit
nothing and pass.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, replace

from onshi.inventory import HostEntry, Inventory

_FIELDS: dict[str, Callable[[HostEntry], str]] = {
    "platform": lambda host: host.platform,
    "facility": lambda host: host.facility,
    "kind": lambda host: host.policy.kind,
    "connection": lambda host: host.policy.connection,
    "role": lambda host: str(host.data.role),
    "model": lambda host: host.data.model or "",
    "serial": lambda host: host.data.serial or "",
    "location": lambda host: host.data.location,
}


class SelectionError(ValueError):
    """A selection names what the inventory does not have, or matches no host."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Selection:
    facilities: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    where: tuple[str, ...] = ()  # "key=value" pairs, all of which a host must match

    @property
    def empty(self) -> bool:
        return not (self.facilities or self.hosts or self.where)


def select(inventory: Inventory, selection: Selection) -> Inventory:
    """The inventory with only the selected hosts (all of them for an empty selection)."""
    if selection.empty:
        return inventory
    problems = _unknown("--facility", "facility", selection.facilities, [h.facility for h in inventory.hosts])
    problems += _unknown("--hosts", "host", selection.hosts, [h.name for h in inventory.hosts])
    conditions = [_condition(pair, problems) for pair in selection.where]
    if problems:
        raise SelectionError(problems)
    chosen = tuple(
        host for host in inventory.hosts
        if (not selection.facilities or host.facility in selection.facilities)
        and (not selection.hosts or host.name in selection.hosts)
        and all(fnmatch.fnmatchcase(_FIELDS[key](host), value) for key, value in conditions)
    )  # fmt: skip
    if not chosen:
        raise SelectionError(["the selection matches no host of the inventory"])
    facilities = {host.facility for host in chosen}
    return replace(inventory, hosts=chosen,
                   facilities={k: v for k, v in inventory.facilities.items() if k in facilities})  # fmt: skip


def _unknown(option: str, kind: str, names: tuple[str, ...], known: list[str]) -> list[str]:
    problems = []
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(set(known)), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{option}: no {kind} {name!r} in the inventory{hint}")
    return problems


def _condition(pair: str, problems: list[str]) -> tuple[str, str]:
    key, equals, value = pair.partition("=")
    key = key.strip()
    if not equals or key not in _FIELDS:
        known = ", ".join(sorted(_FIELDS))
        problems.append(f"--where {pair!r}: expected key=value with a key among {known}")
        return "platform", ""
    return key, value.strip()
