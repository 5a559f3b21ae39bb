"""Cisco IOS access-list entries: addresses, wildcards, object-groups, ports, ICMP types."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from onshi.model import ANY_ADDRESS, ANY_PORT, AclEntry, AddressMatch, IPNetwork, PortMatch

PORT_NAMES: dict[str, int] = {
    "bgp": 179, "biff": 512, "bootpc": 68, "bootps": 67, "chargen": 19, "cmd": 514, "daytime": 13,
    "discard": 9, "dnsix": 195, "domain": 53, "drip": 3949, "echo": 7, "exec": 512, "finger": 79,
    "ftp": 21, "ftp-data": 20, "gopher": 70, "hostname": 101, "ident": 113, "irc": 194,
    "isakmp": 500, "klogin": 543, "kshell": 544, "login": 513, "lpd": 515, "mobile-ip": 434,
    "nameserver": 42, "netbios-dgm": 138, "netbios-ns": 137, "netbios-ss": 139, "nntp": 119,
    "non500-isakmp": 4500, "ntp": 123, "pim-auto-rp": 496, "pop2": 109, "pop3": 110, "rip": 520,
    "smtp": 25, "snmp": 161, "snmptrap": 162, "sunrpc": 111, "syslog": 514, "tacacs": 49,
    "talk": 517, "telnet": 23, "tftp": 69, "time": 37, "uucp": 540, "who": 513, "whois": 43,
    "www": 80, "xdmcp": 177, "https": 443, "ssh": 22, "rdp": 3389,
}  # fmt: skip

ICMP_TYPES: dict[str, tuple[int, int | None]] = {
    "echo-reply": (0, None), "unreachable": (3, None), "net-unreachable": (3, 0),
    "host-unreachable": (3, 1), "protocol-unreachable": (3, 2), "port-unreachable": (3, 3),
    "source-quench": (4, None), "redirect": (5, None),
    "alternate-address": (6, None), "echo": (8, None), "router-advertisement": (9, None),
    "router-solicitation": (10, None), "time-exceeded": (11, None), "ttl-exceeded": (11, 0),
    "parameter-problem": (12, None), "timestamp-request": (13, None), "timestamp-reply": (14, None),
    "information-request": (15, None), "information-reply": (16, None), "mask-request": (17, None),
    "mask-reply": (18, None), "traceroute": (30, None),
}  # fmt: skip
# ICMPv6 names in `ipv6 access-list` entries: the same words mean other numbers than in IPv4.
ICMPV6_TYPES: dict[str, tuple[int, int | None]] = {
    "unreachable": (1, None), "destination-unreachable": (1, None), "no-route": (1, 0),
    "no-admin": (1, 1), "beyond-scope": (1, 2), "port-unreachable": (1, 4), "packet-too-big": (2, None),
    "time-exceeded": (3, None), "hop-limit": (3, 0), "reassembly-timeout": (3, 1),
    "parameter-problem": (4, None), "header": (4, 0), "next-header": (4, 1), "parameter-option": (4, 2),
    "echo-request": (128, None), "echo-reply": (129, None), "mld-query": (130, None),
    "mld-report": (131, None), "mld-reduction": (132, None), "router-solicitation": (133, None),
    "router-advertisement": (134, None), "nd-ns": (135, None), "nd-na": (136, None),
    "router-renumbering": (138, None),
}  # fmt: skip

_PORTED = frozenset({"tcp", "udp"})
_PROTOCOLS = frozenset(
    {"ip", "ipv6", "tcp", "udp", "icmp", "esp", "ahp", "gre", "igmp", "ospf", "eigrp", "pim", "ipinip",
     "nos", "pcp", "sctp"}
)  # fmt: skip
# Options that narrow a match in ways the model does not represent: the engine treats the entry
# conservatively (``qualified``) rather than pretending it matches every such packet.
_QUALIFIERS_WITH_VALUE = frozenset({"dscp", "precedence", "tos", "time-range", "ttl", "option", "reflect"})
_QUALIFIERS = frozenset({"fragments", "ack", "fin", "psh", "rst", "syn", "urg", "match-any", "match-all"})
_IGNORED = frozenset({"log", "log-input"})


class AclSyntaxError(ValueError):
    """An entry onshi cannot model exactly; the line is reported as not understood."""


def wildcard_network(address: str, wildcard: str) -> ipaddress.IPv4Network:
    """``A W`` (wildcard mask) as a network; a non-contiguous wildcard is not modelled."""
    inverse = int(ipaddress.IPv4Address(wildcard)) ^ 0xFFFFFFFF
    netmask = ipaddress.IPv4Address(inverse)
    try:
        return ipaddress.IPv4Network(f"{address}/{netmask}", strict=False)
    except ValueError as error:
        raise AclSyntaxError(f"non-contiguous wildcard {wildcard}") from error


class _Cursor:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        if self.position >= len(self.tokens):
            raise AclSyntaxError("entry ends early")
        token = self.tokens[self.position]
        self.position += 1
        return token


def _address(cursor: _Cursor, family: int, groups: Mapping[str, tuple[IPNetwork, ...]]) -> AddressMatch:
    token = cursor.take().lower()
    if token in ("any", "any4", "any6"):
        return ANY_ADDRESS
    if token == "host":
        host = ipaddress.ip_address(cursor.take())
        return AddressMatch((ipaddress.ip_network(host),))
    if token in ("object-group", "addrgroup"):
        name = cursor.take()
        if name not in groups:
            raise AclSyntaxError(f"unknown object-group {name}")
        return AddressMatch(groups[name])
    try:
        if family == 6 or "/" in token:
            return AddressMatch((ipaddress.ip_network(token, strict=False),))
        wildcard = cursor.peek()
        if wildcard is not None and _looks_like_ipv4(wildcard):
            cursor.take()
            return AddressMatch((wildcard_network(token, wildcard),))
        return AddressMatch((ipaddress.ip_network(token),))
    except ValueError as error:
        raise AclSyntaxError(str(error)) from error


def _looks_like_ipv4(token: str) -> bool:
    parts = token.split(".")
    return len(parts) == 4 and all(part.isdigit() for part in parts)


def port_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token in PORT_NAMES:
        return PORT_NAMES[token]
    raise AclSyntaxError(f"unknown port name {token}")


def _ports(cursor: _Cursor) -> PortMatch:
    operator = cursor.peek()
    if operator not in ("eq", "neq", "gt", "lt", "range"):
        return ANY_PORT
    cursor.take()
    if operator == "range":
        low, high = port_number(cursor.take()), port_number(cursor.take())
        return PortMatch(((low, high),))
    if operator == "eq":
        ports = [port_number(cursor.take())]
        while (nxt := cursor.peek()) is not None and (nxt.isdigit() or nxt in PORT_NAMES):
            ports.append(port_number(cursor.take()))
        return PortMatch(tuple((port, port) for port in sorted(set(ports))))
    value = port_number(cursor.take())
    if operator == "gt":
        return PortMatch(((value + 1, 65535),))
    if operator == "lt":
        return PortMatch(((0, value - 1),))
    return PortMatch(tuple(r for r in ((0, value - 1), (value + 1, 65535)) if r[0] <= r[1]))


@dataclass(frozen=True, slots=True)
class ServiceItem:
    """A member of ``object-group service``."""

    protocol: str
    source_ports: PortMatch
    destination_ports: PortMatch
    icmp_type: int | None


def service_object(tokens: list[str]) -> tuple[ServiceItem, ...] | None:
    """``tcp eq 443`` / ``udp range A B`` / ``tcp source eq X`` / ``esp`` / ``icmp echo`` /
    ``tcp-udp eq 53``; None for a nested ``group-object``."""
    words = [token.lower() for token in tokens]
    if not words:
        raise AclSyntaxError("empty object-group member")
    if words[0] == "group-object":
        return None
    if words[0] == "description":
        return ()
    protocols = ["tcp", "udp"] if words[0] == "tcp-udp" else [words[0]]
    if protocols[0] not in _PROTOCOLS and not protocols[0].isdigit():
        raise AclSyntaxError(f"unknown protocol {words[0]}")
    cursor = _Cursor(words[1:])
    source_ports = ANY_PORT
    if cursor.peek() == "source":
        cursor.take()
        source_ports = _ports(cursor)
    destination_ports = ANY_PORT
    if cursor.peek() == "destination":
        cursor.take()
    if cursor.peek() in ("eq", "neq", "gt", "lt", "range"):
        destination_ports = _ports(cursor)
    icmp_type = None
    if protocols[0] == "icmp" and (token := cursor.peek()) is not None:
        cursor.take()
        icmp_type = int(token) if token.isdigit() else ICMP_TYPES.get(token, (None, None))[0]
        if icmp_type is None:
            raise AclSyntaxError(f"unknown icmp type {token}")
    if cursor.peek() is not None:
        raise AclSyntaxError(f"unknown service option {cursor.peek()}")
    return tuple(ServiceItem(protocol, source_ports, destination_ports, icmp_type) for protocol in protocols)


def parse_extended(
    tokens: list[str],
    line: int,
    family: Literal[4, 6],
    groups: Mapping[str, tuple[IPNetwork, ...]],
    services: Mapping[str, tuple[ServiceItem, ...]],
) -> list[AclEntry]:
    """``permit|deny PROTO SRC [PORTS] DST [PORTS] [options]`` (sequence number already removed).

    A service object-group in the protocol position expands into one entry per service, all with
    the entry's line number: first-match order is kept because they are consecutive.
    """
    if len(tokens) > 2 and tokens[1].lower() == "object-group":
        name = tokens[2]
        if name not in services:
            raise AclSyntaxError(f"unknown service object-group {name}")
        base = _parse_one([tokens[0], "ip", *tokens[3:]], line, family, groups)
        return [
            replace(
                base,
                protocol=item.protocol,
                source_ports=item.source_ports,
                destination_ports=item.destination_ports,
                icmp_type=item.icmp_type,
            )
            for item in services[name]
        ]
    return [_parse_one(tokens, line, family, groups)]


def _parse_one(
    tokens: list[str],
    line: int,
    family: Literal[4, 6],
    groups: Mapping[str, tuple[IPNetwork, ...]],
) -> AclEntry:
    cursor = _Cursor(tokens)
    action = cursor.take().lower()
    if action not in ("permit", "deny"):
        raise AclSyntaxError(f"unknown action {action}")
    protocol = cursor.take().lower()
    if protocol not in _PROTOCOLS and not protocol.isdigit():
        raise AclSyntaxError(f"unknown protocol {protocol}")
    if protocol == "ipv6":
        protocol = "ip"
    source = _address(cursor, family, groups)
    source_ports = _ports(cursor) if protocol in _PORTED else ANY_PORT
    destination = _address(cursor, family, groups)
    destination_ports = _ports(cursor) if protocol in _PORTED else ANY_PORT
    established = False
    icmp_type: int | None = None
    icmp_code: int | None = None
    qualified = False
    icmp_names = ICMPV6_TYPES if family == 6 else ICMP_TYPES
    while (token := cursor.peek()) is not None:
        token = cursor.take().lower()
        if token == "established" and protocol == "tcp":
            established = True
        elif protocol == "icmp" and token.isdigit() and icmp_type is None:
            icmp_type = int(token)
            nxt = cursor.peek()
            if nxt is not None and nxt.isdigit():
                icmp_code = int(cursor.take())
        elif protocol == "icmp" and token in icmp_names and icmp_type is None:
            icmp_type, icmp_code = icmp_names[token]
        elif token in _IGNORED:
            if cursor.peek() is not None and cursor.peek() not in _QUALIFIERS_WITH_VALUE | _QUALIFIERS:
                cursor.take()  # a log tag
        elif token in _QUALIFIERS_WITH_VALUE:
            cursor.take()
            qualified = True
        elif token in _QUALIFIERS:
            qualified = True
        else:
            raise AclSyntaxError(f"unknown option {token}")
    return AclEntry(
        action="permit" if action == "permit" else "deny",
        protocol=protocol,
        source=source,
        source_ports=source_ports,
        destination=destination,
        destination_ports=destination_ports,
        established=established,
        icmp_type=icmp_type,
        icmp_code=icmp_code,
        line=line,
        qualified=qualified,
    )


def parse_standard(tokens: list[str], line: int) -> AclEntry:
    """``permit|deny SOURCE [WILDCARD] [log]``: matches on source address only."""
    cursor = _Cursor(tokens)
    action = cursor.take().lower()
    if action not in ("permit", "deny"):
        raise AclSyntaxError(f"unknown action {action}")
    source = _address(cursor, 4, {})
    while (token := cursor.peek()) is not None:
        cursor.take()
        if token.lower() not in _IGNORED:
            raise AclSyntaxError(f"unknown option {token}")
    return AclEntry(
        action="permit" if action == "permit" else "deny",
        protocol="ip",
        source=source,
        source_ports=ANY_PORT,
        destination=ANY_ADDRESS,
        destination_ports=ANY_PORT,
        established=False,
        icmp_type=None,
        icmp_code=None,
        line=line,
    )


def network_object(tokens: list[str]) -> tuple[IPNetwork, ...] | None:
    """A member line of ``object-group network``: host A, A MASK, A/len, range A B; None: a nested group."""
    if not tokens:
        raise AclSyntaxError("empty object-group member")
    head = tokens[0].lower()
    if head == "host":
        return (ipaddress.ip_network(tokens[1]),)
    if head == "range":
        first, last = ipaddress.ip_address(tokens[1]), ipaddress.ip_address(tokens[2])
        return tuple(ipaddress.summarize_address_range(first, last))
    if head == "group-object":
        return None
    if head == "description":
        return ()
    if len(tokens) >= 2 and _looks_like_ipv4(tokens[1]):
        return (ipaddress.ip_network(f"{tokens[0]}/{tokens[1]}", strict=False),)
    return (ipaddress.ip_network(tokens[0], strict=False),)
