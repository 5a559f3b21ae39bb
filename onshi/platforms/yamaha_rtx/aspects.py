"""What a Yamaha command bears on, so that a line onshi did not understand makes the rules that read
that part of the router ``manual`` (:class:`~onshi.model.Aspect`)."""

from __future__ import annotations

from collections.abc import Mapping

from onshi.model import Aspect
from onshi.platforms.yamaha_rtx.state import State

_F, _V, _M, _A, _L, _W = (
    frozenset({Aspect.FORWARDING}),
    frozenset({Aspect.VPN}),
    frozenset({Aspect.MANAGEMENT}),
    frozenset({Aspect.ACCOUNTS}),
    frozenset({Aspect.LOGGING}),
    frozenset({Aspect.WIRELESS}),
)
_BY_HEAD: Mapping[str, frozenset[Aspect]] = {
    **dict.fromkeys(("ip", "ipv6", "nat", "pp", "pppoe", "ppp", "lan", "vlan", "bridge", "ngn", "provider"), _F),
    **dict.fromkeys(("ipsec", "tunnel", "l2tp", "pptp"), _V),
    **dict.fromkeys(("telnetd", "sshd", "httpd", "sftpd", "tftp", "snmp", "snmpv2c", "snmpv3", "upnp"), _M),
    **dict.fromkeys(("usbhost", "sd", "external-memory"), _M),
    **dict.fromkeys(("login", "administrator", "user", "security"), _A),
    **dict.fromkeys(("syslog", "ntpdate", "sntpd"), _L),
    **dict.fromkeys(("wlan", "airlink"), _W),
}


def aspects_of(words: list[str], state: State) -> frozenset[Aspect]:
    """By the command's first word (``no X`` as ``X``); inside ``tunnel select`` a line is the VPN's."""
    head = words[1] if words[0] == "no" and len(words) > 1 else words[0]
    aspects = _BY_HEAD.get(head, frozenset())
    return aspects | _V if state.tunnel is not None and aspects else aspects
