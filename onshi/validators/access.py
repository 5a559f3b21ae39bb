"""Who may reach a management service: the source addresses its ACL permits."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from onshi.analysis.addresses import AddressSet, permitted_sources
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
