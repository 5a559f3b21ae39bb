"""Which vendor's syntax a configuration text is written in.

A Junos file audited as Cisco IOS would be 100% unrecognized lines, yet rules that look for a bad
line would find none and pass. Before a text is parsed, its syntax is recognised here from each
vendor's tell-tale lines (every vendor onshi meets in the field, supported or not), so a text in
another vendor's syntax is refused by name instead of audited. The signatures are vendor syntax and
so live under ``platforms/``; nothing outside asks for a vendor by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_HEADER_WEIGHT = 10  # a header line says what printed the text; any other line only hints
_SCANNED_LINES = 3000  # enough to tell, bounded for huge files


@dataclass(frozen=True, slots=True)
class Signature:
    name: str  # as a person calls it
    platform: str | None  # the onshi platform that reads it, or None
    headers: tuple[str, ...]  # regular expressions, compiled together when first asked for (not at every start)
    lines: tuple[str, ...]


def _patterns(*texts: str) -> tuple[str, ...]:
    return texts


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "Cisco IOS / IOS-XE",
        "cisco_ios",
        _patterns(r"^(Building configuration\.\.\.|Current configuration : \d+ bytes)", r"^version \d+\.\d+$"),
        _patterns(
            r"^interface (GigabitEthernet|FastEthernet|TenGigabitEthernet|Ethernet|Dialer|Vlan|Loopback|Tunnel"
            r"|Virtual-Template|BVI|Dot11Radio|Cellular|Serial|Port-channel)\d",
            r"^ ip address \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+", r"^line (vty|con|aux) \d", r"^ip route \d",
            r"^ip access-list (standard|extended) ", r"^access-list \d+ (permit|deny) ", r"^ transport input ",
            r"^service (timestamps|password-encryption)", r"^ip nat (inside|outside) source ", r"^ exec-timeout ",
            r"^ip (http|ssh|domain|cef|forward-protocol)\b", r"^end$", r"^crypto (isakmp|ikev2|ipsec) ",
        ),
    ),
    Signature(
        "Cisco ASA",
        None,
        _patterns(r"^(ASA|PIX) Version \d", r"^: (Saved|Serial Number|Hardware)"),
        _patterns(r"^ nameif ", r"^ security-level \d", r"^access-group \S+ (in|out) interface ",
                  r"^access-list \S+ extended ", r"^same-security-traffic ", r"^object network ", r"^: end$",
                  r"^route \S+ \d+\.\d+\.\d+\.\d+ "),
    ),
    Signature(
        "NEC UNIVERGE IX",
        "nec_ix",
        _patterns(r"^! NEC Portable Internetwork Core", r"^! IX Series IX\d"),
        _patterns(r"^interface (GigaEthernet|FastEthernet)\d+(/\d+)?\.\d+$", r"^interface Tunnel\d+\.\d+$",
                  r"^ ip address \S+/\d+$", r"^ip ufs-cache ", r"^ ?ip napt ", r"^ike (proposal|policy) ",
                  r"^ipsec autokey-(map|proposal) ", r"^ip access-list \S+ (permit|deny) ", r"^timezone [+-]\d+ \d+$",
                  r"^ppp profile ", r"^proxy-dns ", r"^(telnet|http|ssh)-server\b"),
    ),
    Signature(
        "Yamaha RTX / NVR",
        "yamaha_rtx",
        _patterns(r"^#\s*(RTX|NVR|FWX|RT)\S*\s+Rev\."),
        _patterns(r"^ip (lan\d|pp|tunnel) ", r"^(pp|tunnel) select ", r"^ip filter \d+ (pass|reject|restrict)",
                  r"^nat descriptor ", r"^ipv6 (lan\d|pp|prefix) ", r"^(telnetd|sshd|httpd) (host|service) ",
                  r"^ipsec (ike|sa|tunnel) ", r"^login (password|user|timer) ", r"^administrator password ",
                  r"^dns (server|host|service) ", r"^description (lan\d|pp) ", r"^ip route default gateway "),
    ),
    Signature(
        "Fortinet FortiOS",
        "fortinet",
        _patterns(r"^#config-version="),
        _patterns(r"^config (system|firewall|router|vpn|user|log|wireless-controller) ", r"^\s+set \S+",
                  r"^\s+edit \S+", r"^\s*next$"),
    ),
    Signature(
        "Juniper Junos",
        None,
        _patterns(r"^version \S+;$", r"^## Last commit"),
        _patterns(r"^set (system|interfaces|security|protocols|routing-options|policy-options|firewall|snmp|version) ",
                  # The end first (a lookahead): else every indented line of other vendors backtracks
                  # through its words before failing on the missing brace or semicolon.
                  r"^(?=.*\{$)\s*[\w-]+( \S+)? \{$", r"^\s*\}$", r"^(?=.*;$)\s+[\w-]+( \S+)*;$"),
    ),
    Signature(
        "Juniper ScreenOS",
        None,
        _patterns(),
        _patterns(r"^set policy id \d+", r'^set interface "?[\w/.]+"? (zone|ip) ', r"^set admin name ",
                  r"^unset key protection", r"^set zone "),
    ),
    Signature(
        "OpenWrt UCI",
        None,
        _patterns(),
        _patterns(r"^config (interface|wifi-iface|wifi-device|zone|rule|redirect|forwarding|defaults|dnsmasq)\b",
                  r"^\s+option \S+"),
    ),
    Signature(
        "hostapd",
        None,
        _patterns(),
        _patterns(r"^(interface|ssid|wpa|wpa_passphrase|wpa_key_mgmt|hw_mode|channel|driver|auth_algs|wpa_pairwise"
                  r"|rsn_pairwise|ieee8021x)="),
    ),
    Signature(
        "Aruba Instant",
        None,
        _patterns(r"^virtual-controller-"),
        _patterns(r"^wlan ssid-profile ", r"^arm$", r"^ (wpa-passphrase|opmode|essid|type) "),
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Guess:
    signature: Signature
    score: int


def scores(text: str) -> dict[str, int]:
    """Each signature's score for ``text``, by name."""
    result = dict.fromkeys((signature.name for signature in SIGNATURES), 0)
    anything, matchers = _matchers()
    # Most lines say nothing of any vendor: one call for each, in C, instead of one per vendor.
    for line in filter(anything.match, text.splitlines()[:_SCANNED_LINES]):
        for name, header, hint in matchers:
            if header.match(line):
                result[name] += _HEADER_WEIGHT
            elif hint.match(line):
                result[name] += 1
    return result


@cache
def _matchers() -> tuple[re.Pattern[str], list[tuple[str, re.Pattern[str], re.Pattern[str]]]]:
    """What matches any signature's line, and each signature's (name, header, other lines)."""
    matchers = [(signature.name, _either(signature.headers), _either(signature.lines)) for signature in SIGNATURES]
    return _either(tuple(p for signature in SIGNATURES for p in (*signature.headers, *signature.lines))), matchers


@cache
def _either(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern matching where any of ``patterns`` matches (one call per line instead of one per
    pattern: the scan runs on every poorly read file of a fleet audit)."""
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def identify(text: str, found: dict[str, int] | None = None) -> Guess | None:
    """The vendor whose syntax ``text`` is written in, or None when nothing says clearly (``found``:
    its :func:`scores`, when the caller has them)."""
    found = scores(text) if found is None else found
    ranked = sorted(SIGNATURES, key=lambda signature: found[signature.name], reverse=True)
    best, second = found[ranked[0].name], found[ranked[1].name]
    if best < 3 or best < 2 * second:
        return None
    return Guess(ranked[0], best)


def foreign_syntax(text: str, platform: str) -> str | None:
    """Why ``text`` cannot be ``platform``'s: it is clearly another vendor's syntax; None otherwise."""
    found = scores(text)
    own = next((found[s.name] for s in SIGNATURES if s.platform == platform), 0)
    guess = identify(text, found)
    if guess is None or guess.signature.platform == platform or own * 2 >= guess.score:
        return None
    hint = f" (audit it with --platform {guess.signature.platform})" if guess.signature.platform else ""
    return f"it is written in {guess.signature.name} syntax, not {platform}{hint}"


@dataclass(frozen=True, slots=True)
class Unrecognised:
    reason: str


def recognised_platform(text: str) -> str | Unrecognised:
    """The onshi platform that reads ``text``, or why there is none (another vendor, or unclear)."""
    if not text.strip():
        return Unrecognised("it is empty")
    guess = identify(text)
    if guess is None:
        return Unrecognised("its platform could not be recognised: name it with --platform")
    if guess.signature.platform is None:
        return Unrecognised(f"it is written in {guess.signature.name} syntax, which onshi does not audit")
    return guess.signature.platform
