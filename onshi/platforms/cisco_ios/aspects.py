"""What an IOS block bears on, so that a line onshi did not understand inside it makes the rules
that read that part of the device ``manual`` (:class:`~onshi.model.Aspect`)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from onshi.model import Aspect
from onshi.platforms.aspects import ACCOUNTS, FORWARDING, LOGGING, MANAGEMENT, NONE, VPN, WIRELESS

_BY_HEAD: Mapping[str, frozenset[Aspect]] = {
    **dict.fromkeys(
        ("access-list", "object-group", "zone", "zone-pair", "class-map", "policy-map", "parameter-map",
         "router", "route-map", "vrf"), FORWARDING,
    ),
    **dict.fromkeys(("crypto", "webvpn", "vpdn", "vpdn-group", "pseudowire-class", "l2tp-class"), VPN),
    **dict.fromkeys(
        ("line", "snmp-server", "snmp", "service", "cdp", "lldp", "control-plane", "platform"), MANAGEMENT
    ),
    **dict.fromkeys(
        ("username", "enable", "aaa", "login", "security", "tacacs-server", "radius-server", "tacacs", "radius"),
        ACCOUNTS,
    ),
    **dict.fromkeys(("logging", "ntp", "sntp", "archive"), LOGGING),
    **dict.fromkeys(("dot11", "wlan", "wireless", "ap"), WIRELESS),
}  # fmt: skip
_BY_IP: Mapping[str, frozenset[Aspect]] = {
    **dict.fromkeys(
        ("access-list", "route", "nat", "inspect", "prefix-list", "vrf", "general-prefix", "unicast-routing",
         "multicast-routing", "policy", "local"), FORWARDING,
    ),
    **dict.fromkeys(("http", "ssh", "bootp", "finger", "source-route", "dhcp", "domain", "scp", "tftp"), MANAGEMENT),
}  # fmt: skip
_INTERFACE_EXTRA: tuple[tuple[str, frozenset[Aspect]], ...] = (
    ("dot11radio", WIRELESS),
    ("tunnel", VPN),
    ("virtual-template", VPN),
)


def block_aspects(words: list[str]) -> frozenset[Aspect]:
    """The aspects of a top-level command (canonical words), ``no`` forms as their positive."""
    if words[:1] == ["no"]:
        words = words[1:]
    if not words:
        return NONE
    head = words[0].lower()
    if head == "interface":
        name = words[1].lower() if len(words) > 1 else ""
        extra = [aspects for prefix, aspects in _INTERFACE_EXTRA if name.startswith(prefix)]
        return FORWARDING.union(*extra)
    if head in ("ip", "ipv6"):
        return _ip_aspects(words[1].lower() if len(words) > 1 else "")
    return _head_aspects(head)


# Configurations repeat a few hundred keywords: each is looked up (and, abbreviated, matched
# against every keyword) once per process; bounded, as a hostile text may bring any number of words.
@lru_cache(maxsize=4096)
def _ip_aspects(word: str) -> frozenset[Aspect]:
    return _lookup(_BY_IP, word)


@lru_cache(maxsize=4096)
def _head_aspects(word: str) -> frozenset[Aspect]:
    return _lookup(_BY_HEAD, word)


def _lookup(table: Mapping[str, frozenset[Aspect]], word: str) -> frozenset[Aspect]:
    """By keyword; a word that was not spelt out (an ambiguous abbreviation) takes every aspect of the
    keywords it could stand for, so it fails closed whichever IOS would have read."""
    if word in table:
        return table[word]
    if not word:
        return NONE
    return NONE.union(*(aspects for keyword, aspects in table.items() if keyword.startswith(word)))
