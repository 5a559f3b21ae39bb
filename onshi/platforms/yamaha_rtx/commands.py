"""Handlers for Yamaha's flat commands. Each takes the state, the line number and the words, and
returns whether it understood the line; what it does not understand is reported by the parser.

Yamaha writes one command per line. ``pp select N`` and ``tunnel select N`` choose the PP or tunnel
that the following ``pp``/``ip pp``/``tunnel``/``ip tunnel`` commands configure, until another
select (``none`` leaves it).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Literal

from onshi.model import Account, NatRule, Secret, SecretStorage, SnmpCommunity, SnmpV3Group, StaticRoute
from onshi.platforms.yamaha_rtx.filters import PORTS, Binding, FilterSyntaxError, parse_dynamic, parse_filter
from onshi.platforms.yamaha_rtx.state import InterfaceState, SaPolicy, State
from onshi.secrets import describe_secret

Handler = Callable[[State, int, list[str]], bool]
DESCRIPTOR = "descriptor:"  # a port forward's outside interface until its NAT descriptor's binding is known
_LEARNT = re.compile(r"^(ra|dhcp)-prefix@([a-z]+\d+(?:[./]\d+)?)::")
_LAN = re.compile(r"^(lan\d+([./]\d+)?|vlan\d+|bridge\d+|loopback\d+)$")
_GROUPS = {"modp768": 1, "modp1024": 2, "modp1536": 5, "modp2048": 14, "modp3072": 15, "modp4096": 16,
           "ecp256": 19, "ecp384": 20}  # fmt: skip
# Words that only tune an interface (MTU, MSS, RIP, proxy ARP ...): understood, no rule reads them.
_TUNING = frozenset({
    "mtu", "tcp", "rip", "proxyarp", "intrusion", "routing", "icmp", "forward", "ospf", "igmp", "rebound",
    "traffic", "mss", "prefix", "rtadv", "dhcp", "ospfv3", "inbound", "outbound",
})  # fmt: skip


def _interface_name(state: State, word: str) -> str | None:
    """``lan1`` and friends, or ``pp``/``tunnel`` meaning the selected one."""
    if _LAN.match(word):
        return word
    if word == "pp":
        return state.pp
    if word == "tunnel":
        return state.tunnel
    return None


# --- contexts ----------------------------------------------------------------------------------------


def select(state: State, line: int, words: list[str]) -> bool:
    """``pp select N|anonymous|none``, ``tunnel select N|none``."""
    if len(words) != 3 or words[1] != "select":
        return False
    chosen = None if words[2] == "none" else f"{words[0]}{words[2]}"
    if words[0] == "pp":
        state.pp = chosen
    else:
        state.tunnel = chosen
    if chosen is not None:
        state.interface(chosen, line)
    return True


def pp(state: State, line: int, words: list[str]) -> bool:
    if words[1] == "select":
        return select(state, line, words)
    if state.pp is None:
        return words[1] in ("disable", "enable") and words[2:] == ["all"]
    interface = state.interface(state.pp, line)
    if words[1] == "enable":
        interface.enabled = True
    elif words[1] == "disable":
        interface.enabled = False
    elif words[1:3] == ["auth", "myname"] and len(words) >= 5:
        _secret(state, "pppoe_password", words[4], line)
    elif words[1:3] == ["auth", "username"] and len(words) >= 5:
        _secret(state, "remote_user", words[4], line)
        state.dial_in_users.append((words[3], line))
    return True  # keepalive, always-on, auth accept, bind ...: understood


def pppoe(state: State, line: int, words: list[str]) -> bool:
    if state.pp is None:
        return False
    if words[1] == "use" and len(words) > 2:
        state.interface(state.pp, line).pppoe_over = words[2]
    return True


def ppp(state: State, line: int, words: list[str]) -> bool:
    if state.pp is None:
        return False
    state.interface(state.pp, line)
    if words[1:3] == ["ipcp", "ipaddress"] and words[3:4] == ["on"]:
        state.interfaces[state.pp].ipv4_negotiated = True
    return True


def tunnel(state: State, line: int, words: list[str]) -> bool:
    if words[1] == "select":
        return select(state, line, words)
    if words[1] in ("enable", "disable") and words[2:] == ["all"]:
        return True
    if state.tunnel is None:
        return False
    interface = state.interface(state.tunnel, line)
    if words[1] == "encapsulation" and len(words) > 2:
        interface.encapsulation = words[2]
    elif words[1] == "endpoint" and "address" in words:
        interface.endpoint = words[-1]
    elif words[1] == "disable":
        interface.enabled = False
    return True


def description(state: State, line: int, words: list[str]) -> bool:
    """``description lan1 TEXT`` / ``description pp TEXT`` (Shift_JIS text decodes with the file)."""
    if len(words) < 3:
        return False
    name = _interface_name(state, words[1])
    if name is None:
        return False
    state.interface(name, line).description = " ".join(words[2:]).strip('"')
    return True


def vlan(state: State, line: int, words: list[str]) -> bool:
    """``vlan lan1/1 802.1q vid=10``."""
    match = re.match(r"vid=(\d+)", words[3]) if len(words) > 3 and words[2] == "802.1q" else None
    if match is None:
        return False
    state.interface(words[1], line).vlan_id = int(match[1])
    return True


def ngn(state: State, line: int, words: list[str]) -> bool:
    if words[1] == "type" and len(words) > 2:
        state.interface(words[2], line).ngn = True
        return True
    return False


# --- ip / ipv6 -----------------------------------------------------------------------------------------


def ip(state: State, line: int, words: list[str]) -> bool:
    family: Literal[4, 6] = 4 if words[0] == "ip" else 6
    if len(words) < 3:
        return False
    if words[1] == "filter":
        return _filter(state, line, words, family)
    if words[1] == "route":
        return _route(state, line, words)
    if family == 6 and words[1] == "prefix":
        return True  # ipv6 prefix N ra-prefix@lan2::/64: the prefix an interface address refers to
    name = _interface_name(state, words[1])
    if name is None:
        return words[1] in ("host", "keepalive", "stealth", "simple-service", "icmp", "routing", "source-route")
    interface = state.interface(name, line)
    rest = words[2:]
    if rest[0] == "address" and len(rest) > 1:
        return _address(state, interface, rest[1], family)
    if rest[:2] == ["secure", "filter"] and len(rest) > 3 and rest[2] in ("in", "out"):
        static, _, dynamic = " ".join(rest[3:]).partition("dynamic")
        numbers = [static.split(), dynamic.split()]
        if not all(word.isdigit() for words in numbers for word in words):
            return False
        static_numbers, dynamic_numbers = (tuple(map(int, words)) for words in numbers)
        interface.secure[(family, rest[2])] = Binding(static_numbers, dynamic_numbers, line)
        return True
    if rest[:3] == ["remote", "address", "pool"]:
        return True  # addresses handed to dial-in callers: they arrive on the pp, as its filters judge
    if rest[:2] == ["nat", "descriptor"]:
        interface.nat_descriptors += [int(word) for word in rest[2:] if word.isdigit()]
        return True
    if family == 6 and rest[0] == "dhcp":
        interface.ipv6_enabled = True
        if rest[1:3] == ["service", "client"]:  # a DHCPv6 client: it learns from the line (RA, prefix)
            interface.ipv6_autoconfig = True
        return True
    return rest[0] in _TUNING


def _address(state: State, interface: InterfaceState, value: str, family: int) -> bool:
    if family == 4:
        if value == "dhcp":
            interface.ipv4_dhcp = True
            return True
        try:
            interface.ipv4.append(ipaddress.IPv4Interface(value))
        except ValueError:
            return False
        return True
    interface.ipv6_enabled = True
    if value in ("auto", "dhcp"):  # SLAAC / DHCPv6 on the line itself
        interface.ipv6_autoconfig = True
        return True
    if match := _LEARNT.match(value):  # numbered from the prefix another interface learns
        interface.ipv6_prefix_from = match[2]
        upstream = state.interfaces.setdefault(match[2], InterfaceState(match[2]))
        upstream.ipv6_enabled = upstream.ipv6_autoconfig = True  # it hears the prefix (and a default route)
        return True
    try:
        interface.ipv6.append(ipaddress.IPv6Interface(value))
    except ValueError:
        return False
    return True


def _filter(state: State, line: int, words: list[str], family: int) -> bool:
    if len(words) < 4:
        return words[2] in ("source-route", "directed-broadcast")
    fam: int = family
    try:
        if words[2] == "dynamic":
            if words[3] == "timer":
                return True
            found = parse_dynamic(words[1:], 4 if fam == 4 else 6, line)
            state.dynamics[(family, found.number)] = found
        elif words[2].isdigit():
            found = parse_filter(words[1:], 4 if fam == 4 else 6, line)
            state.filters[(family, found.number)] = found
        else:
            return words[2] in ("source-route", "directed-broadcast", "set")
    except (FilterSyntaxError, ValueError):
        state.unparsed.add(line)
        number = words[3] if words[2] == "dynamic" else words[2]
        if number.isdigit():  # defined, though not read: a list naming it is inexact, not naming nothing
            state.unreadable_filters.add((family, int(number)))
        return True
    return True


def _route(state: State, line: int, words: list[str]) -> bool:
    """``ip route NET gateway G [filter ...] [gateway G2 ...]``; each gateway is a possible egress."""
    try:
        prefix = ipaddress.ip_network("0.0.0.0/0" if words[2] == "default" else words[2], strict=False)
    except ValueError:
        return False
    if words[0] == "ipv6" and words[2] == "default":
        prefix = ipaddress.ip_network("::/0")
    found = False
    for index, word in enumerate(words):
        if word != "gateway" or index + 1 >= len(words):
            continue
        target = words[index + 1 : index + 3]
        found = True
        if target[0] in ("pp", "tunnel") and len(target) > 1:
            state.routes.append(StaticRoute(None, prefix, None, f"{target[0]}{target[1]}", 1, line))
        elif target[0] == "dhcp" and len(target) > 1:
            state.routes.append(StaticRoute(None, prefix, None, target[1], 1, line))
        elif _LAN.match(target[0]):
            state.routes.append(StaticRoute(None, prefix, None, target[0], 1, line))
        elif target[0] == "null":
            state.routes.append(StaticRoute(None, prefix, None, "null", 1, line))
        else:
            try:
                state.routes.append(StaticRoute(None, prefix, ipaddress.ip_address(target[0]), None, 1, line))
            except ValueError:
                return False
    return found


# --- NAT ------------------------------------------------------------------------------------------------


def nat(state: State, line: int, words: list[str]) -> bool:
    if words[1] != "descriptor" or len(words) < 4:
        return False
    if words[2] == "type" and len(words) > 4:
        state.nat_types[int(words[3])] = (words[4], line)
        return True
    if words[2] == "masquerade" and words[3] == "static" and len(words) >= 8:
        return _port_forward(state, line, words)
    if words[2] == "static" and len(words) >= 6 and "=" in words[5]:
        outside, inside = words[5].split("=", 1)
        state.nat_rules.append(NatRule("static", "inside", ipaddress.ip_address(inside), None,
                                       ipaddress.ip_address(outside), None, None, None, None, None, line))  # fmt: skip
        return True
    return words[2] in ("address", "masquerade", "timer", "log", "static", "sip", "ftp")


def _port_forward(state: State, line: int, words: list[str]) -> bool:
    """``nat descriptor masquerade static N M INSIDE PROTO OUTER[=INNER]``: the outside port forwards
    to the inside host; ``PROTO`` alone (esp) forwards the whole protocol."""
    descriptor, inside, protocol = int(words[4]), ipaddress.ip_address(words[6]), words[7]
    ports = words[8] if len(words) > 8 else None
    for port in ports.split(",") if ports else [None]:
        outer, inner = ([*port.split("=", 1), None])[:2] if port else (None, None)
        outer_port = _port_number(outer)
        inner_port = _port_number(inner) if inner else outer_port
        state.nat_rules.append(NatRule("port_forward", "inside", inside, inner_port, None, f"{DESCRIPTOR}{descriptor}",
                                       outer_port, protocol, None, None, line))  # fmt: skip
    return True


def _port_number(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else PORTS.get(text)


# --- IPsec and IKE --------------------------------------------------------------------------------------


def ipsec(state: State, line: int, words: list[str]) -> bool:
    if words[1] == "tunnel" and len(words) > 2 and state.tunnel is not None:
        state.interface(state.tunnel, line).ipsec_policy = int(words[2])
        return True
    if words[1:3] == ["sa", "policy"] and len(words) >= 6:
        state.sa_policies[int(words[3])] = SaPolicy(int(words[3]), int(words[4]), words[6] if len(words) > 6 else None,
                                                    words[7] if len(words) > 7 else None, line)  # fmt: skip
        return True
    if words[1] == "ike" and len(words) > 3 and words[3].isdigit():
        return _ike(state, line, words[2], int(words[3]), words[4:])
    if (words[1] == "ike" and words[2:4] == ["remote", "address"]) or words[2:4] == ["local", "address"]:
        return _ike(state, line, " ".join(words[2:4]), int(words[4]), words[5:])
    if words[1] == "ike" and words[2:4] in (["keepalive", "use"], ["keepalive", "log"], ["local", "name"],
                                           ["remote", "name"]):  # fmt: skip
        return _ike(state, line, " ".join(words[2:4]), int(words[4]), words[5:])
    return words[1] in ("auto", "use", "transport", "ike", "sa", "log", "ipcomp")


def _ike(state: State, line: int, setting: str, number: int, values: list[str]) -> bool:
    gateway = state.gateway(number, line)
    if setting in ("encryption", "hash", "group"):
        gateway.algorithm_lines.append(line)
    if setting == "encryption":
        gateway.encryption += values
    elif setting == "hash":
        gateway.hashes += values
    elif setting == "group":
        groups = [_GROUPS.get(value) for value in values]
        if None in groups:
            return False
        gateway.groups += [g for g in groups if g is not None]
    elif setting == "version" and values:
        gateway.version = int(values[0])
    elif setting == "remote address" and values:
        gateway.remote = values[0]
    elif setting == "pre-shared-key" and len(values) >= 2:
        storage = SecretStorage.PLAINTEXT if values[0] in ("text", "hex") else SecretStorage.ENCRYPTED
        gateway.psk = describe_secret("ike_psk", storage, values[-1], line)
        gateway.psk_line = line
        state.secrets.append(gateway.psk)
    elif setting == "keepalive use" and values[:1] == ["on"]:
        gateway.keepalive_lines.append(line)
    elif setting == "pfs" and values[:1] == ["on"]:
        gateway.pfs = True
    elif setting in ("local name", "remote name"):
        gateway.local_name_lines.append(line)
    return True


def service(state: State, line: int, words: list[str]) -> bool:
    """``pptp service on``, ``l2tp service on``, ``telnetd service off``, ``sshd service on`` ..."""
    if words[1] != "service" or len(words) < 3:
        return words[0] in ("pptp", "l2tp", "sshd", "telnetd", "httpd", "tftp", "sntpd") and len(words) > 1
    state.services[words[0]] = (words[2], line)
    if words[0] in ("pptp", "l2tp") and words[2] == "on":
        state.listeners.append((words[0], line))
    return True


def radius(state: State, line: int, words: list[str]) -> bool:
    """``radius auth on`` (PPP logins are checked by a RADIUS server), ``radius secret S``, ``radius
    server A`` ..."""
    if words[1:3] == ["auth", "on"]:
        state.radius_auth_lines.append(line)
    elif words[1] == "secret" and len(words) > 2:
        _secret(state, "radius_secret", words[2], line)
    return words[1] in ("auth", "account", "secret", "server", "retry", "wait")


def host(state: State, line: int, words: list[str]) -> bool:
    """``telnetd host any|lan|lan1,lan2|192.168.1.1-192.168.1.10|none`` (and sshd, httpd, tftp)."""
    if words[1] != "host":
        return service(state, line, words)
    if words[0] == "sshd" and words[2:4] == ["key", "generate"]:
        return True  # the host key (masked in every output)
    state.hosts[words[0]] = (words[2:], line)
    return True


# --- accounts, logging, SNMP ---------------------------------------------------------------------------


def _secret(state: State, kind: str, value: str, line: int, encrypted: bool = False) -> Secret:
    """A secret as written. ``*`` is how the router shows a password set without ``encrypted``:
    stored as typed (plaintext), its value hidden, so it is neither length-checked nor compared
    across devices (every hidden value would look alike)."""
    if value == "*" and not encrypted:
        return Secret(kind, SecretStorage.PLAINTEXT, f"hidden:{id(state)}:{line}", None, None, line)
    storage = SecretStorage.STRONG_HASH if encrypted else SecretStorage.PLAINTEXT
    secret = describe_secret(kind, storage, value, line)
    state.secrets.append(secret)
    return secret


def login(state: State, line: int, words: list[str]) -> bool:
    if words[1] == "timer" and len(words) > 2:
        state.login_timer = (0 if words[2] == "clear" else int(words[2]), line)
        return True
    if words[1] == "password" and len(words) > 2:
        encrypted = words[2] == "encrypted"
        state.login_passwords.append(Account("login", None, _secret(state, "line", words[-1], line, encrypted), line))
        return True
    if words[1] == "user" and len(words) > 3:
        encrypted = words[3] == "encrypted"
        state.accounts.append(Account(words[2], None, _secret(state, "user", words[-1], line, encrypted), line))
        return True
    return False


def administrator(state: State, line: int, words: list[str]) -> bool:
    if words[1] != "password" or len(words) < 3:
        return False
    secret = _secret(state, "enable", words[-1], line, words[2] == "encrypted")
    state.administrator.append(Account("administrator", 15, secret, line))
    return True


def snmp(state: State, line: int, words: list[str]) -> bool:
    if words[0] == "snmpv3":
        if words[1:3] == ["usm", "user"]:
            privacy = {"des-cbc", "aes128-cfb", "aes-cfb"}.intersection(words)
            level = "priv" if privacy else "auth" if {"md5", "sha", "sha256"}.intersection(words) else "noauth"
            state.snmp_v3.append(SnmpV3Group(words[4] if len(words) > 4 else "?", level, line))  # type: ignore[arg-type]
        return True
    if words[1] == "community" and len(words) > 3:
        secret = _secret(state, "snmp_community", words[3], line)
        state.communities.append(SnmpCommunity(secret, words[2] == "read-write", None, line))
        return True
    return words[1] in ("host", "trap", "sysname", "syscontact", "syslocation", "local", "yrifname")


def logging_(state: State, line: int, words: list[str]) -> bool:
    if words[0] == "ntpdate" and len(words) > 1:
        state.ntp.append((words[1], line))
        return True
    if words[0] == "syslog":
        if words[1] == "host" and len(words) > 2:
            state.syslog.append((words[2], line))
        elif words[1:] == ["info", "on"]:
            state.login_log_lines.append(line)
        elif words[1:] == ["execute", "command", "on"]:
            state.command_log_lines.append(line)
        return True
    if words[0] == "schedule":
        if "ntpdate" in words:
            state.ntp.append((words[words.index("ntpdate") + 1], line))
        return True
    return False


def feature(state: State, line: int, words: list[str]) -> bool:
    """``upnp use on``, ``usbhost use off``, ``sd use off``."""
    if words[1:2] != ["use"] or len(words) < 3:
        return words[0] == "upnp"
    if words[0] == "upnp" and words[2] == "on":
        state.upnp_lines.append(line)
    if words[0] in ("usbhost", "sd") and words[2] == "off":
        state.usb_off_lines.append(line)
    return True


def negated(state: State, line: int, words: list[str]) -> bool:
    """``no X``: the default of X. Only the forms with no effect on the model are understood
    (``no tunnel enable all`` / ``no pp enable all``: interfaces stay off unless enabled one by one);
    any other ``no`` line is reported, as it may undo something onshi cannot see."""
    return words[1:] in (["tunnel", "enable", "all"], ["pp", "enable", "all"])


def lan(state: State, line: int, words: list[str]) -> bool:
    """``lan shutdown lan2`` takes a port down; other ``lan`` settings (type, speed, mirroring) tune it."""
    if words[1] == "shutdown" and len(words) > 2:
        state.interface(words[2], line).enabled = False
    return True


def understood(state: State, line: int, words: list[str]) -> bool:
    """Commands no rule reads (DHCP, DNS, switch, statistics ...): understood and left."""
    return True


# Commands no rule reads (DHCP, DNS, switch, statistics ...): understood and left.
_UNREAD = (
    "dhcp", "dns", "switch", "statistics", "dashboard", "analog", "console", "user", "security", "queue",
    "speed", "operation", "netvolante-dns", "clear", "show", "save", "wins", "lua", "alarm", "timezone",
    "rip", "ospf", "bgp", "external-memory", "airlink", "sip", "telnet", "mail", "status-led", "heartbeat2",
    "cooperation", "l2ms", "lldp", "ethernet", "provider", "url", "pki", "ntp", "system", "fast-path",
)  # fmt: skip
HANDLERS: dict[str, Handler] = {
    "pp": pp, "pppoe": pppoe, "ppp": ppp, "tunnel": tunnel, "description": description, "vlan": vlan, "ngn": ngn,
    "ip": ip, "ipv6": ip, "nat": nat, "ipsec": ipsec, "pptp": service, "l2tp": service, "telnetd": host,
    "sshd": host, "httpd": host, "tftp": host, "sntpd": service, "login": login, "administrator": administrator,
    "snmp": snmp, "snmpv3": snmp, "radius": radius, "ntpdate": logging_, "syslog": logging_, "schedule": logging_,
    "upnp": feature, "usbhost": feature, "sd": feature, "no": negated, "lan": lan, **dict.fromkeys(_UNREAD, understood),
}  # fmt: skip
