"""Firewall objects: addresses and address groups, services and service groups, as the networks and
(protocol, ports) they match. An object onshi cannot resolve exactly (an FQDN, a geography, a
dynamic or wildcard address, a service by protocol number range ...) is ``None``: the policy that
uses it is analysed as matching anything (for an accept) or nothing (for a deny), and reported."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from onshi.model import IPNetwork
from onshi.platforms.fortinet.tree import Node, Tree

ANY4 = ipaddress.IPv4Network("0.0.0.0/0")
ANY6 = ipaddress.IPv6Network("::/0")


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    """One protocol and its destination (and source) port ranges; ``icmp_type`` for ICMP."""

    protocol: str  # "ip", "tcp", "udp", "icmp", "icmp6", or a number
    ports: tuple[tuple[int, int], ...] = ()  # destination; () for any
    source_ports: tuple[tuple[int, int], ...] = ()
    icmp_type: int | None = None


# FortiOS predefined services (firewall service custom, as shipped), the ones policies use most.
def _tcp(*ports: int) -> tuple[ServiceMatch, ...]:
    return (ServiceMatch("tcp", tuple((p, p) for p in ports)),)


def _udp(*ports: int) -> tuple[ServiceMatch, ...]:
    return (ServiceMatch("udp", tuple((p, p) for p in ports)),)


PREDEFINED: dict[str, tuple[ServiceMatch, ...]] = {
    "ALL": (ServiceMatch("ip"),),
    "ALL_TCP": (ServiceMatch("tcp"),), "ALL_UDP": (ServiceMatch("udp"),), "ALL_ICMP": (ServiceMatch("icmp"),),
    "ALL_ICMP6": (ServiceMatch("icmp6"),), "PING": (ServiceMatch("icmp", icmp_type=8),),
    "PING6": (ServiceMatch("icmp6", icmp_type=128),), "HTTP": _tcp(80), "HTTPS": _tcp(443), "SSH": _tcp(22),
    "TELNET": _tcp(23), "FTP": _tcp(21), "SMTP": _tcp(25), "SMTPS": _tcp(465), "POP3": _tcp(110),
    "POP3S": _tcp(995), "IMAP": _tcp(143), "IMAPS": _tcp(993), "RDP": _tcp(3389), "VNC": _tcp(5900),
    "SAMBA": _tcp(139), "SMB": _tcp(445), "MS-SQL": _tcp(1433, 1434), "MYSQL": _tcp(3306), "LDAP": _tcp(389),
    "KERBEROS": (*_tcp(88), *_udp(88)), "DNS": (*_tcp(53), *_udp(53)), "NTP": (*_tcp(123), *_udp(123)),
    "SNMP": (ServiceMatch("tcp", ((161, 162),)), ServiceMatch("udp", ((161, 162),))), "SYSLOG": _udp(514),
    "DHCP": _udp(67, 68), "TFTP": _udp(69), "IKE": _udp(500, 4500), "ESP": (ServiceMatch("50"),),
    "GRE": (ServiceMatch("47"),), "AH": (ServiceMatch("51"),), "WEB": _tcp(80, 443),
}  # fmt: skip


Addresses = dict[str, tuple[IPNetwork, ...] | None]


def address_tables(tree: Tree, vips: Addresses) -> tuple[Addresses, Addresses]:
    """Every named address and group, IPv4 and IPv6 apart (both families have an ``all``); ``None``
    where it cannot be resolved exactly. A VIP in a policy stands for its mapped (inside) addresses:
    the policy sees the packet after the VIP translated it."""
    v4: Addresses = {"all": (ANY4,), "none": (), **vips}
    v6: Addresses = {"all": (ANY6,), "none": ()}
    for name, entry in tree.block("firewall address").entries.items():
        v4[name] = _address(entry) if name != "all" else (ANY4,)
    for name, entry in tree.block("firewall address6").entries.items():
        v6[name] = _address6(entry) if name != "all" else (ANY6,)
    for block, table in (("firewall addrgrp", v4), ("firewall addrgrp6", v6)):
        groups = tree.block(block).entries
        for name in groups:
            table[name] = _group(name, groups, table, set())
    return v4, v6


def _address(entry: Node) -> tuple[IPNetwork, ...] | None:
    kind = entry.value("type", "ipmask")
    if kind == "ipmask":
        subnet = entry.values("subnet") or ("0.0.0.0", "0.0.0.0")
        try:
            return (ipaddress.IPv4Network("/".join(subnet[:2]) if len(subnet) > 1 else subnet[0], strict=False),)
        except ValueError:
            return None
    if kind == "iprange":
        try:
            first = ipaddress.IPv4Address(entry.value("start-ip", "0.0.0.0"))
            last = ipaddress.IPv4Address(entry.value("end-ip", "0.0.0.0"))
            return tuple(ipaddress.summarize_address_range(first, last))
        except ValueError:
            return None
    return None  # fqdn, geography, wildcard, dynamic, interface-subnet ...: not exact


def _address6(entry: Node) -> tuple[IPNetwork, ...] | None:
    kind = entry.value("type", "ipprefix")
    if kind == "ipprefix":
        try:
            return (ipaddress.IPv6Network(entry.value("ip6", "::/0") or "::/0", strict=False),)
        except ValueError:
            return None
    return None


def _group(name: str, groups: dict[str, Node], table: dict[str, tuple[IPNetwork, ...] | None],
           seen: set[str]) -> tuple[IPNetwork, ...] | None:  # fmt: skip
    if name in seen:
        return None  # a loop
    found: list[IPNetwork] = []
    for member in groups[name].values("member"):
        resolved = _group(member, groups, table, seen | {name}) if member in groups else table.get(member)
        if resolved is None:
            return None
        found.extend(resolved)
    return tuple(found)


def service_table(tree: Tree) -> dict[str, tuple[ServiceMatch, ...] | None]:
    table: dict[str, tuple[ServiceMatch, ...] | None] = dict(PREDEFINED)
    for name, entry in tree.block("firewall service custom").entries.items():
        table[name] = _service(entry)
    groups = tree.block("firewall service group").entries
    for name, entry in groups.items():
        members = [table.get(member) for member in entry.values("member")]
        table[name] = None if any(m is None for m in members) else tuple(s for m in members if m for s in m)
    return table


def _service(entry: Node) -> tuple[ServiceMatch, ...] | None:
    protocol = entry.value("protocol", "TCP/UDP/SCTP")
    if protocol in ("ICMP", "ICMP6"):
        kind = entry.value("icmptype")
        return (ServiceMatch(protocol.lower(), icmp_type=int(kind) if kind and kind.isdigit() else None),)
    if protocol == "IP":
        number = entry.value("protocol-number", "0")
        return (ServiceMatch("ip" if number == "0" else str(number)),)
    if protocol != "TCP/UDP/SCTP":
        return None
    found: list[ServiceMatch] = []
    for key, name in (("tcp-portrange", "tcp"), ("udp-portrange", "udp")):
        for item in entry.values(key):
            parsed = _port_item(item)
            if parsed is None:
                return None
            destination, source = parsed
            found.append(ServiceMatch(name, (destination,), (source,) if source else ()))
    if entry.values("sctp-portrange") and not found:
        return None
    return tuple(found) if found else None


def _port_item(item: str) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """``80``, ``8080-8090``, ``443:1024-65535`` (destination[:source])."""
    destination, _, source = item.partition(":")
    parsed = [_range(part) for part in (destination, source) if part]
    if any(p is None for p in parsed) or not parsed or parsed[0] is None:
        return None
    return parsed[0], parsed[1] if len(parsed) > 1 else None


def _range(text: str) -> tuple[int, int] | None:
    low, _, high = text.partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return None
    return int(low), int(high or low)


# As FortiOS 6 and 7 ship them (FortiOS writes them into every configuration).
SHIPPED = frozenset({
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
