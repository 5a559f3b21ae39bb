"""Who may reach a management service: the source addresses its ACL permits."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from onshi.analysis.addresses import AddressSet, permitted_sources
from onshi.model import Action, TerminalLine
from onshi.validators.base import RuleInput


class Restriction(enum.Enum):
    NONE = "none"  # no ACL, an undefined ACL, or an ACL permitting every source
    UNKNOWN = "unknown"  # the ACL has entries onshi could not model
    RESTRICTED = "restricted"  # some sources only (not checked against a declaration)
    DECLARED = "declared"  # only declared management sources
    UNDECLARED = "undeclared"  # sources outside the declared management sources


@dataclass(frozen=True, slots=True)
class AccessVerdict:
    restriction: Restriction
    acl: str | None
    lines: tuple[int, ...]
    example_source: str | None = None  # a permitted source outside the declaration


def judge_acl(inp: RuleInput, acl_name: str | None, family: int = 4) -> AccessVerdict:
    """How far ``acl_name`` restricts sources of ``family``, against the declared sources."""
    if acl_name is None:
        return AccessVerdict(Restriction.NONE, None, ())
    acl = inp.device.acl(acl_name)
    if acl is None:
        # An access-class or community ACL that is not defined restricts nothing on IOS.
        return AccessVerdict(Restriction.NONE, acl_name, ())
    lines = (acl.line, *(entry.line for entry in acl.entries))
    permitted = permitted_sources(acl, family)
    if permitted is None:
        return AccessVerdict(Restriction.UNKNOWN, acl_name, lines)
    if permitted.is_everything():
        return AccessVerdict(Restriction.NONE, acl_name, lines)
    declared_sources = inp.policy.management_sources if inp.policy else []
    if not declared_sources:
        return AccessVerdict(Restriction.RESTRICTED, acl_name, lines)
    outside = permitted.difference(AddressSet.of(family, declared_sources))
    if outside.is_empty():
        return AccessVerdict(Restriction.DECLARED, acl_name, lines)
    return AccessVerdict(Restriction.UNDECLARED, acl_name, lines, outside.example())


def restrict_login(inp: RuleInput, terminal: TerminalLine) -> list[Action]:
    """Logins on ``terminal`` limited to the declared IPv4 management sources (what its IPv4 access
    class is judged against); nothing to offer when the policy declares none."""
    return restrict(inp, "restrict_login", line=terminal.name)


def restrict(inp: RuleInput, action: str, **params: object) -> list[Action]:
    """``action`` limiting a management service to the declared IPv4 management sources (``sources``
    beside ``params``), or nothing when the policy declares none."""
    declared = [n for n in (inp.policy.management_sources if inp.policy else []) if n.version == 4]
    if not declared:
        return []
    return [Action(action, {**params, "sources": [_source(n) for n in declared]})]


def _source(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> dict[str, object]:
    """A source network as each platform's commands may need it: address and host mask (IOS), first
    and last address (ranges), and prefix length."""
    return {"address": str(network.network_address), "hostmask": str(network.hostmask),
            "first": str(network[0]), "last": str(network[-1]), "prefixlen": network.prefixlen}  # fmt: skip
