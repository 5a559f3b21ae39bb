"""What a FortiOS ``config`` block bears on, so that a line onshi could not read inside it makes the
rules that read that part of the FortiGate ``manual`` (:class:`~onshi.model.Aspect`)."""

from __future__ import annotations

from onshi.model import Aspect
from onshi.platforms.aspects import ACCOUNTS, FORWARDING, LOGGING, MANAGEMENT, VPN, WIRELESS

# By block path, the longest prefix first: `vpn ssl settings` is management as well as a VPN.
_BY_PREFIX: tuple[tuple[str, frozenset[Aspect]], ...] = (
    ("vpn ssl", VPN | MANAGEMENT),
    ("vpn ", VPN),
    ("system global", MANAGEMENT | ACCOUNTS),
    ("system admin", ACCOUNTS),
    ("system password-policy", ACCOUNTS),
    ("user ", ACCOUNTS),
    ("system snmp", MANAGEMENT),
    ("system accprofile", ACCOUNTS),
    ("system ntp", LOGGING),
    ("log ", LOGGING),
    ("wireless-controller", WIRELESS),
    ("system interface", FORWARDING | MANAGEMENT),  # allowaccess opens the FortiGate's own services
    ("system zone", FORWARDING),
    ("system settings", FORWARDING),
    ("system virtual-wan-link", FORWARDING),
    ("system sdwan", FORWARDING),
    ("firewall ", FORWARDING),
    ("router ", FORWARDING),
)


def block_aspects(path: str) -> frozenset[Aspect]:
    for prefix, aspects in _BY_PREFIX:
        if path.startswith(prefix):
            return aspects
    return frozenset()
