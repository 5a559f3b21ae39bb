"""What a FortiOS ``config`` block bears on, so that a line onshi could not read inside it makes the
rules that read that part of the FortiGate ``manual`` (:class:`~onshi.model.Aspect`)."""

from __future__ import annotations

from onshi.model import Aspect

_F, _V, _M, _A, _L, _W = (
    frozenset({Aspect.FORWARDING}),
    frozenset({Aspect.VPN}),
    frozenset({Aspect.MANAGEMENT}),
    frozenset({Aspect.ACCOUNTS}),
    frozenset({Aspect.LOGGING}),
    frozenset({Aspect.WIRELESS}),
)
# By block path, the longest prefix first: `vpn ssl settings` is management as well as a VPN.
_BY_PREFIX: tuple[tuple[str, frozenset[Aspect]], ...] = (
    ("vpn ssl", _V | _M),
    ("vpn ", _V),
    ("system global", _M | _A),
    ("system admin", _A),
    ("system password-policy", _A),
    ("user ", _A),
    ("system snmp", _M),
    ("system accprofile", _A),
    ("system ntp", _L),
    ("log ", _L),
    ("wireless-controller", _W),
    ("system interface", _F | _M),  # allowaccess opens the FortiGate's own services
    ("system zone", _F),
    ("system settings", _F),
    ("system virtual-wan-link", _F),
    ("system sdwan", _F),
    ("firewall ", _F),
    ("router ", _F),
)


def block_aspects(path: str) -> frozenset[Aspect]:
    for prefix, aspects in _BY_PREFIX:
        if path.startswith(prefix):
            return aspects
    return frozenset()
