"""Intended vs running for Cisco IOS through hier_config 3, with onshi's ordering on top of its
driver: ACLs are defined before anything binds them and removed only after everything unbinds them
(an access-group naming a missing ACL permits everything on IOS)."""

from __future__ import annotations

import re
from collections.abc import Callable

from hier_config import HConfig, WorkflowRemediation, get_hconfig
from hier_config.models import IdempotentCommandsRule, MatchRule, OrderingRule
from hier_config.platforms.cisco_ios.driver import HConfigDriverCiscoIOS
from hier_config.platforms.driver_base import HConfigDriverRules

from onshi.generate.drift import Drift, NotRemediable

_DEFINE_FIRST = ("ip access-list ", "ipv6 access-list ", "object-group ")
_REMOVE_LAST = ("no ip access-list ", "no ipv6 access-list ", "no object-group ")


class _Driver(HConfigDriverCiscoIOS):
    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        rules = HConfigDriverCiscoIOS._instantiate_rules()
        rules.ordering.extend(OrderingRule(match_rules=(MatchRule(startswith=p),), weight=-100) for p in _DEFINE_FIRST)
        rules.ordering.extend(OrderingRule(match_rules=(MatchRule(startswith=p),), weight=300) for p in _REMOVE_LAST)
        # A new secret replaces the old one in place: negating first would leave the account without one.
        rules.idempotent_commands.extend(
            IdempotentCommandsRule(match_rules=(rule,))
            for rule in (MatchRule(startswith="enable secret "), MatchRule(re_search=r"^username (\S+) "))
        )
        rules.post_load_callbacks.append(_add_ipv6_acl_sequence_numbers)
        return rules


def _add_ipv6_acl_sequence_numbers(config: HConfig) -> None:
    """Number IPv6 ACL entries as hier_config numbers IPv4 ones: an entry added without a sequence
    number goes to the end of the list, after its final deny, where it never matches."""
    for acl in config.get_children(startswith="ipv6 access-list "):
        number = 10
        for entry in acl.children:
            if entry.text.startswith(("permit", "deny")):
                entry.text = f"sequence {number} {entry.text}"
                number += 10


def _lines(config: HConfig) -> tuple[str, ...]:
    return tuple(child.cisco_style_text() for child in config.all_children_sorted())


_ACL = re.compile(r"^(no )?ip access-list (standard|extended) (\S+)$")


def _retyped_first(lines: tuple[str, ...]) -> tuple[str, ...]:
    """An ACL whose type changes (extended → standard under the same name) must be removed before it
    is defined again: IOS refuses the new one while the old exists, and removing it last would remove
    the new one. Briefly undefined, it matches nothing in NAT and everything in an access-group."""
    defined = {m[3]: m[2] for line in lines if (m := _ACL.match(line)) and not m[1]}
    early = [line for line in lines if (m := _ACL.match(line)) and m[1] and defined.get(m[3], m[2]) != m[2]]
    return (*early, *(line for line in lines if line not in early))


_BINDING = re.compile(r"^\s+(no )?ip(v6)? (access-group|traffic-filter) \S+ (in|out)$")
_ZONE_MEMBER = re.compile(r"^\s+(no )?zone-member security \S+$")


def _blocks(lines: tuple[str, ...], change: Callable[[list[str]], list[str]]) -> tuple[str, ...]:
    """``change`` applied to the indented lines under each section; a section whose lines all go goes
    with them."""
    result: list[str] = []
    header: str | None = None
    block: list[str] = []
    for line in (*lines, ""):
        if line.startswith(" "):
            block.append(line)
            continue
        changed = change(block)
        if header is not None and (changed or not block):
            result.append(header)
        result += changed
        header, block = (line or None), []
    return tuple(result)


_NO_DESCRIPTION = re.compile(r"^\s+(no )?description\b")


def _without_descriptions(block: list[str]) -> list[str]:
    """A description is a note for people (often Japanese): one the baseline does not state is kept,
    never removed (a description the baseline states is set, and replaces it, as a missing line)."""
    return [line for line in block if not _NO_DESCRIPTION.match(line)]


def _rebind_in_place(block: list[str]) -> list[str]:
    """Binding another ACL in a direction replaces the bound one on IOS; unbinding first would leave
    the interface unfiltered for a moment. Drop such unbindings."""
    bound = {(m[2], m[4]) for item in block if (m := _BINDING.match(item)) and not m[1]}
    return [item for item in block if not ((m := _BINDING.match(item)) and m[1] and (m[2], m[4]) in bound)]


def _protect_before_unprotect(block: list[str]) -> list[str]:
    """An interface moving between ACLs and the zone-based firewall joins its zone (or binds its ACL)
    before it leaves the other: in between, traffic is dropped (a zone member and an interface in
    no zone do not talk), never forwarded unfiltered."""

    def rank(line: str) -> int:
        match = _BINDING.match(line) or _ZONE_MEMBER.match(line)
        return 1 if match is None else (2 if match[1] else 0)

    return sorted(block, key=rank)


def _safe_order(block: list[str]) -> list[str]:
    return _protect_before_unprotect(_rebind_in_place(block))


def drift(intended: str, running: str) -> Drift:
    driver = _Driver()
    repeated = _repeated_line(running)
    if repeated is not None:
        # hier_config cannot hold a section twice; IOS never prints one twice, so the file was edited.
        raise NotRemediable(f"the running config repeats line {repeated} (a section or line IOS prints once)")
    want, have = get_hconfig(driver, intended), get_hconfig(driver, running)
    remediation = WorkflowRemediation(have, want).remediation_config
    return Drift(
        missing=_lines(want.difference(have)),
        extra=_blocks(_lines(have.difference(want)), _without_descriptions),
        remediation=_blocks(
            _retyped_first(_lines(remediation)),
            lambda b: _protect_before_unprotect(_rebind_in_place(_without_descriptions(b))),
        ),
        predicted="\n".join(_lines(have.future(remediation))) + "\n",
    )


def _repeated_line(text: str) -> int | None:
    """The number of the first line that repeats an earlier one of the same block (top level, or
    the same parent), comments and blank lines aside."""
    seen: set[tuple[str, str]] = set()
    parent = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("!"):
            continue
        top = line == line.lstrip()
        key = ("", stripped) if top else (parent, line.rstrip())
        if top:
            parent = stripped
        if key in seen and stripped != "end":
            return number
        seen.add(key)
    return None
