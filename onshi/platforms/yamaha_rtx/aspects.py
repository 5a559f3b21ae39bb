"""What a Yamaha command bears on, so that a line onshi did not understand makes the rules that read
that part of the router ``manual`` (:class:`~onshi.model.Aspect`)."""

from __future__ import annotations

from collections.abc import Mapping

from onshi.model import Aspect
from onshi.platforms.aspects import ACCOUNTS, FORWARDING, LOGGING, MANAGEMENT, VPN, WIRELESS
from onshi.platforms.yamaha_rtx.state import State

_BY_HEAD: Mapping[str, frozenset[Aspect]] = {
    **dict.fromkeys(
        ("ip", "ipv6", "nat", "pp", "pppoe", "ppp", "lan", "vlan", "bridge", "ngn", "provider"), FORWARDING
    ),
    **dict.fromkeys(("ipsec", "tunnel", "l2tp", "pptp", "radius"), VPN),
    **dict.fromkeys(("telnetd", "sshd", "httpd", "sftpd", "tftp", "snmp", "snmpv2c", "snmpv3", "upnp"), MANAGEMENT),
    **dict.fromkeys(("usbhost", "sd", "external-memory"), MANAGEMENT),
    **dict.fromkeys(("login", "administrator", "user", "security"), ACCOUNTS),
    **dict.fromkeys(("syslog", "ntpdate", "sntpd"), LOGGING),
    **dict.fromkeys(("wlan", "airlink"), WIRELESS),
}


def aspects_of(words: list[str], state: State) -> frozenset[Aspect]:
    """By the command's first word (``no X`` as ``X``); inside ``tunnel select`` a line is the VPN's."""
    head = words[1] if words[0] == "no" and len(words) > 1 else words[0]
    aspects = _BY_HEAD.get(head, frozenset())
    return aspects | VPN if state.tunnel is not None and aspects else aspects
