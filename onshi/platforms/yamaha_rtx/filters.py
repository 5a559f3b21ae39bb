"""Yamaha filters: ``ip filter N ACTION SRC DST PROTO SPORT DPORT`` (and ``ipv6 filter``) as ACL
entries, and a ``secure filter`` list bound to an interface as one first-match ACL.

A list is evaluated in the order written; the first filter that decides (pass or reject) wins, and
what no filter decides is rejected. Omitted fields match anything (``*``). Each field may list
several values (``udp,tcp``, ``www,21``); a filter with lists matches their combinations, so it
becomes consecutive entries with the same action. ``restrict`` passes only over a connection that
is already up (a PP line it does not dial): for reachability that is a pass.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal

from onshi.model import ANY_ADDRESS, ANY_PORT, Acl, AclEntry, AddressMatch, IPNetwork, PortMatch

# Yamaha's port mnemonics (the command reference's table), by name.
PORTS: dict[str, int] = {
    "ftpdata": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "dhcps": 67,
    "bootps": 67, "dhcpc": 68, "bootpc": 68, "tftp": 69, "gopher": 70, "finger": 79, "www": 80,
    "http": 80, "pop3": 110, "sunrpc": 111, "ident": 113, "nntp": 119, "ntp": 123, "ms-rpc": 135,
    "netbios_ns": 137, "netbios_dgm": 138, "netbios_ssn": 139, "imap": 143, "snmp": 161,
    "snmptrap": 162, "bgp": 179, "imap3": 220, "ldap": 389, "https": 443, "ms-ds": 445, "ike": 500,
    "exec": 512, "login": 513, "shell": 514, "syslog": 514, "printer": 515, "rip": 520, "ripng": 521,
    "dhcpv6c": 546, "dhcpv6s": 547, "submission": 587, "ldaps": 636, "ftps": 990, "imaps": 993,
    "pop3s": 995, "l2tp": 1701, "pptp": 1723, "radius": 1812, "radacct": 1813, "nfs": 2049,
    "nat-t": 4500, "sip": 5060,
}  # fmt: skip
_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmp6": "icmp", "esp": "esp", "ah": "ahp",
              "gre": "gre", "ipv6": "41", "established": "tcp"}  # fmt: skip
# Protocols matched with conditions the model does not represent (TCP flags, ICMP classes).
_QUALIFIED = {"tcpfin": "tcp", "tcprst": "tcp", "tcpsyn": "tcp", "icmp-error": "icmp", "icmp-info": "icmp"}
Action = Literal["permit", "deny"]
ACTIONS: dict[str, Action] = {"pass": "permit", "restrict": "permit", "reject": "deny"}


class FilterSyntaxError(ValueError):
    """A filter field onshi cannot read: the filter is reported, and lists using it are inexact."""


@dataclass(frozen=True, slots=True)
class Filter:
    """One ``ip filter`` / ``ipv6 filter`` (static), or ``ip filter dynamic`` (stateful: it passes
    what it matches and lets the replies back)."""

    number: int
    family: Literal[4, 6]
    entries: tuple[AclEntry, ...]
    line: int
    dynamic: bool = False
    refers: tuple[int, ...] = ()  # `ip filter dynamic N * * filter M ...`: starts what static M matches


def parse_filter(tokens: list[str], family: Literal[4, 6], line: int) -> Filter:
    """``ip filter N ACTION [SRC [DST [PROTO [SPORT [DPORT]]]]]`` (tokens after ``ip``/``ipv6``)."""
    number = int(tokens[1])
    action = ACTIONS.get(tokens[2].split("-")[0])
    if action is None:
        raise FilterSyntaxError(f"unknown filter action {tokens[2]!r}")
    fields = [*tokens[3:], "*", "*", "*", "*", "*"][:5]
    return Filter(number, family, tuple(_entries(action, fields, family, line)), line)


def parse_dynamic(tokens: list[str], family: Literal[4, 6], line: int) -> Filter:
    """``ip filter dynamic N SRC DST PROTOCOL [options]``: PROTOCOL is tcp, udp, a service
    (www, ftp, domain ...) or ``filter N [in M] [out K]`` (the listed static filters' packets)."""
    number = int(tokens[2])
    source, destination, service = ([*tokens[3:6], "*", "*", "*"])[:3]
    if service == "filter":  # `filter M [M2 ...] [in K ...] [out L ...]`: in/out only shape the replies
        if (source, destination) != ("*", "*"):
            raise FilterSyntaxError("a dynamic filter defined by static filters narrows nothing itself: write * *")
        numbers = list(itertools.takewhile(lambda word: word not in ("in", "out"), tokens[6:]))
        if not numbers or not all(word.isdigit() for word in numbers):
            raise FilterSyntaxError("`filter` needs the numbers of static filters")
        return Filter(number, family, (), line, dynamic=True, refers=tuple(map(int, numbers)))
    if service in ("tcp", "udp") or service in ("icmp", "icmp6"):
        protocol, ports = service, "*"
    elif service in ("ping", "ping6"):  # echo requests (and their replies)
        icmp = "icmp" if service == "ping" else "icmp6"
        entries = _entries(
            "permit", [source, destination, icmp, "8" if service == "ping" else "128", "*"], family, line
        )
        return Filter(number, family, tuple(entries), line, dynamic=True)
    elif service == "www":  # dynamic `www` is HTTP and HTTPS
        protocol, ports = "tcp", "www,https"
    elif service in ("domain", "ntp", "tftp", "snmp", "syslog"):
        protocol, ports = "udp,tcp" if service == "domain" else "udp", service
    else:
        protocol, ports = "tcp", service
    entries = _entries("permit", [source, destination, protocol, "*", ports], family, line)
    return Filter(number, family, tuple(entries), line, dynamic=True)


def _entries(action: Action, fields: list[str], family: int, line: int) -> list[AclEntry]:
    sources = _addresses(fields[0], family)
    destinations = _addresses(fields[1], family)
    found = []
    for protocol_name in fields[2].split(","):
        protocol, established, qualified = _protocol(protocol_name, family)
        icmp = protocol == "icmp"
        for source, destination in itertools.product(sources, destinations):
            if icmp:
                icmp_type = None if fields[3] == "*" else _number(fields[3])
                icmp_code = None if fields[4] == "*" else _number(fields[4])
                found.append(AclEntry(action, protocol, source, ANY_PORT, destination, ANY_PORT,
                                      False, icmp_type, icmp_code, line, qualified))  # fmt: skip
                continue
            ported = protocol in ("tcp", "udp")
            source_ports = _ports(fields[3]) if ported else ANY_PORT
            destination_ports = _ports(fields[4]) if ported else ANY_PORT
            found.append(AclEntry(action, protocol, source, source_ports, destination, destination_ports,
                                  established, None, None, line, qualified))  # fmt: skip
    return found


def _protocol(name: str, family: int) -> tuple[str, bool, bool]:
    """(protocol, established, qualified)."""
    if name == "*":
        return ("ip" if family == 4 else "ipv6"), False, False
    if name in _QUALIFIED:
        return _QUALIFIED[name], False, True
    if name in _PROTOCOLS:
        return _PROTOCOLS[name], name == "established", False
    if name.isdigit():
        return name, False, False
    raise FilterSyntaxError(f"unknown protocol {name!r}")


def _number(text: str) -> int:
    if not text.isdigit():
        raise FilterSyntaxError(f"expected a number, not {text!r}")
    return int(text)


def _addresses(text: str, family: int) -> list[AddressMatch]:
    """``*``, an address, a prefix, a range ``A-B``, octet wildcards ``192.168.1.*``, or a list."""
    if text == "*":
        return [ANY_ADDRESS]
    networks: list[IPNetwork] = []
    for part in text.split(","):
        networks.extend(_networks(part, family))
    return [AddressMatch(tuple(networks))]


def _networks(part: str, family: int) -> list[IPNetwork]:
    try:
        if "*" in part and family == 4:
            octets = part.split(".")
            fixed = [o for o in octets if o != "*"]
            if len(octets) != 4 or octets[len(fixed) :] != ["*"] * (4 - len(fixed)):
                raise FilterSyntaxError(f"unsupported wildcard {part!r}")
            return [ipaddress.ip_network(".".join([*fixed, *["0"] * (4 - len(fixed))]) + f"/{8 * len(fixed)}")]
        if "-" in part:
            first, last = (ipaddress.ip_address(value) for value in part.split("-", 1))
            return list(ipaddress.summarize_address_range(first, last))
        network = ipaddress.ip_network(part, strict=False)
    except ValueError as error:
        raise FilterSyntaxError(f"unreadable address {part!r}") from error
    if network.version != family:
        raise FilterSyntaxError(f"{part} is not IPv{family}")
    return [network]


def _ports(text: str) -> PortMatch:
    """``*``, a port or mnemonic, a range ``A-B`` (either end may be open), or a list of them."""
    if text == "*":
        return ANY_PORT
    ranges = []
    for part in text.split(","):
        if "-" in part and part not in PORTS:
            low, high = part.split("-", 1)
            ranges.append((_port(low) if low else 0, _port(high) if high else 65535))
        else:
            port = _port(part)
            ranges.append((port, port))
    return PortMatch(tuple(ranges))


def _port(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in PORTS:
        return PORTS[text]
    raise FilterSyntaxError(f"unknown port name {text!r}")


@dataclass(frozen=True, slots=True)
class Binding:
    """``ip lan1 secure filter in 1 2 3 dynamic 100 101``: the listed numbers, and its line."""

    static: tuple[int, ...]
    dynamic: tuple[int, ...]
    line: int


FilterTable = dict[tuple[int, int], Filter]  # (family, number) → filter


def secure_list(
    name: str,
    family: Literal[4, 6],
    binding: Binding,
    tables: tuple[FilterTable, FilterTable],
    unreadable: Collection[tuple[int, int]] = frozenset(),
) -> Acl:
    """The list bound by ``secure filter in|out N ... [dynamic M ...]`` as one first-match ACL.

    Static filters decide first, in the order listed: a static ``reject`` drops a packet whatever
    the dynamic filters say, which is why a list of rejects followed by ``dynamic`` filters is the
    usual way to let a LAN start only some connections. A packet no static filter decides is
    passed if a dynamic filter matches it (which also admits its replies: return traffic, which
    the analysis leaves out), else rejected. A number with no filter defined, or one onshi cannot
    read, leaves the list inexact; one with no filter of that number written at all (static, dynamic or
    unread) is also named as undefined (HYG-04)."""
    statics, dynamics = tables
    entries: list[AclEntry] = []
    missing: list[int] = []
    for number, table in [*((n, statics) for n in binding.static), *((n, dynamics) for n in binding.dynamic)]:
        found = table.get((family, number))
        if found is None:
            missing.append(number)
            continue
        stateful = table is dynamics
        entries.extend(replace(entry, stateful=True) if stateful else entry for entry in found.entries)
        for refer in found.refers:  # what the referred static filter matches starts a session
            pattern = statics.get((family, refer))
            if pattern is None:
                missing.append(refer)
            else:
                entries.extend(replace(entry, action="permit", line=found.line, stateful=True)
                               for entry in pattern.entries)  # fmt: skip
    unparsed = (binding.line,) if missing else ()
    # Written in neither table, nor as a line onshi could not read: nothing of that number exists.
    written = {*statics, *dynamics, *unreadable}
    undefined = tuple((str(number), binding.line) for number in missing if (family, number) not in written)
    return Acl(name, family, "extended", tuple(entries), binding.line, unparsed_lines=unparsed, implicit_nd=False,
               missing=undefined)  # fmt: skip
