"""The rule registry: rules register themselves by GUIDELINE.md id."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from onshi.model import Aspect, Severity
from onshi.validators.base import DeviceCheck, FleetCheck, Rule

_RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, *references: str, reads: Iterable[Aspect], facility: bool = False
) -> Callable[[DeviceCheck], DeviceCheck]:
    """Register a device rule; ``reads`` names the parts of a device it looks at, so that a line
    onshi did not understand there keeps it from passing; a ``facility`` rule judges a facility
    whose topology joins several devices as one network (on its lead device)."""

    def register(check: DeviceCheck) -> DeviceCheck:
        _add(Rule(rule_id, severity, references, check=check, reads=frozenset(reads), facility=facility))
        return check

    return register


def fleet_rule(
    rule_id: str, severity: Severity, *references: str, reads: Iterable[Aspect]
) -> Callable[[FleetCheck], FleetCheck]:
    def register(check: FleetCheck) -> FleetCheck:
        _add(Rule(rule_id, severity, references, fleet_check=check, reads=frozenset(reads)))
        return check

    return register


def _add(new: Rule) -> None:
    if new.id in _RULES:
        raise ValueError(f"rule {new.id} registered twice")
    _RULES[new.id] = new


def all_rules() -> list[Rule]:
    _load()
    return sorted(_RULES.values(), key=lambda r: _order(r.id))


def device_rules() -> list[Rule]:
    """The rules that judge each device (or facility) alone: those a worker process can run."""
    return [rule for rule in all_rules() if rule.fleet_check is None]


def comparing_rules() -> list[Rule]:
    """The rules that compare devices with each other (a secret reused elsewhere): run over them all."""
    return [rule for rule in all_rules() if rule.fleet_check is not None]


def get_rule(rule_id: str) -> Rule:
    _load()
    return _RULES[rule_id]


_FAMILY_ORDER = ("SEG", "VPN", "EXT", "WLAN", "MGMT", "AUTH", "LOG", "HYG", "DOC")


def _order(rule_id: str) -> tuple[int, int]:
    family, number = rule_id.split("-")
    return _FAMILY_ORDER.index(family), int(number)


def _load() -> None:
    # Importing the rule modules registers their rules.
    from onshi.validators import (  # noqa: F401
        auth,
        documentation,
        hygiene,
        inbound,
        logs,
        management,
        reachability,
        vpn,
        wireless,
    )
