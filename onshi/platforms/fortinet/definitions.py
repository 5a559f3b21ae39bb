"""The firewall objects an owner defines, for HYG-03: addresses, address groups, services, service
groups and virtual IPs, each with the lines of its ``edit`` entry.

FortiOS ships objects of its own in every configuration (``all``, ``HTTPS``, ``G Suite`` ...): those
are not the owner's, and an unused one says nothing of how the firewall is kept, so they are left
out by name. A shipped object this list does not know is judged as the owner's: unused, it is named,
which is true of it too.
"""

from __future__ import annotations

from onshi.model import Definition
from onshi.platforms.fortinet.objects import PREDEFINED
from onshi.platforms.fortinet.tree import Node, Tree

_KINDS = {"firewall address": "address", "firewall address6": "address6", "firewall addrgrp": "address group",
          "firewall addrgrp6": "address group6", "firewall service custom": "service",
          "firewall service group": "service group", "firewall vip": "virtual IP", "firewall vip6": "virtual IP6",
          "firewall vipgrp": "virtual IP group"}  # fmt: skip
# As FortiOS 6 and 7 ship them (FortiOS writes them into every configuration).
_SHIPPED = frozenset({
    "all", "none", "FIREWALL_AUTH_PORTAL_ADDRESS", "FABRIC_DEVICE", "SSLVPN_TUNNEL_ADDR1", "SSLVPN_TUNNEL_IPv6_ADDR1",
    "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "gmail.com", "wildcard.google.com",
    "wildcard.dropbox.com", "EMS_ALL_UNKNOWN_CLIENTS", "EMS_ALL_UNMANAGEABLE_CLIENTS", "G Suite",
    "Microsoft Office 365", "Email Access", "Web Access", "Windows AD", "Exchange Server",
    "ALL", "ALL_TCP", "ALL_UDP", "ALL_ICMP", "ALL_ICMP6", "GRE", "AH", "ESP", "AOL", "BGP", "DHCP", "DNS", "FINGER",
    "FTP", "FTP_GET", "FTP_PUT", "GOPHER", "H323", "HTTP", "HTTPS", "IKE", "IMAP", "IMAPS", "Internet-Locator-Service",
    "IRC", "L2TP", "LDAP", "NetMeeting", "NFS", "NNTP", "NTP", "OSPF", "PC-Anywhere", "PING", "TIMESTAMP",
    "INFO_REQUEST", "INFO_ADDRESS", "ONC-RPC", "DCE-RPC", "POP3", "POP3S", "PPTP", "QUAKE", "RAUDIO", "REXEC", "RIP",
    "RLOGIN", "RSH", "SCCP", "SIP", "SIP-MSNmessenger", "SAMBA", "SMTP", "SMTPS", "SNMP", "SSH", "SYSLOG", "TALK",
    "TELNET", "TFTP", "MGCP", "UUCP", "VDOLIVE", "WAIS", "WINFRAME", "X-WINDOWS", "PING6", "MS-SQL", "MYSQL", "RDP",
    "VNC", "DHCP6", "SQUID", "SOCKS", "WINS", "RADIUS", "RADIUS-OLD", "CVSPSERVER", "AFS3", "TRACEROUTE", "RTSP",
    "MMS", "KERBEROS", "LDAP_UDP", "SMB", "NONE", "webproxy",
}) | frozenset(PREDEFINED)  # fmt: skip


def definitions(tree: Tree) -> tuple[Definition, ...]:
    return tuple(
        Definition(kind, name, _lines(entry))
        for block, kind in _KINDS.items()
        for name, entry in tree.block(block).entries.items()
        if name not in _SHIPPED
    )


def _lines(entry: Node) -> tuple[int, ...]:
    """The ``edit`` line and every line of the entry (its settings and nested blocks)."""
    found = {entry.line, *(setting.line for setting in entry.settings.values())}
    for block in entry.blocks.values():
        found |= set(_lines(block))
    return tuple(sorted(found))
