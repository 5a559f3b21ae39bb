"""What one Yamaha parse builds up: interfaces by name, filters by number, IKE gateways by number."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from onshi.model import Account, Aspect, NatRule, Secret, SnmpCommunity, SnmpV3Group, StaticRoute
from onshi.platforms.yamaha_rtx.filters import Binding, Filter


@dataclass
class InterfaceState:
    name: str  # lan1, lan1/2, lan1.3, vlan1, bridge1, pp1, tunnel1, loopback1
    lines: list[int] = field(default_factory=list)
    description: str = ""
    ipv4: list[ipaddress.IPv4Interface] = field(default_factory=list)
    ipv4_dhcp: bool = False
    ipv4_negotiated: bool = False
    ipv6: list[ipaddress.IPv6Interface] = field(default_factory=list)
    ipv6_enabled: bool = False
    ipv6_autoconfig: bool = False
    ipv6_prefix_from: str | None = None  # `ra-prefix@lan2::1/64`: numbered from lan2's learnt prefix
    secure: dict[tuple[Literal[4, 6], str], Binding] = field(default_factory=dict)  # by (family, direction)
    nat_descriptors: list[int] = field(default_factory=list)
    vlan_id: int | None = None
    pppoe_over: str | None = None  # pp: the LAN port it runs PPPoE on
    enabled: bool = True
    encapsulation: str | None = None  # tunnel: ipsec, ipip, l2tp, l2tpv3 ...
    ipsec_policy: int | None = None  # tunnel: `ipsec tunnel N`
    endpoint: str | None = None  # tunnel: remote endpoint address or name
    ngn: bool = False  # `ngn type lanX ...`: the port is on the NGN (IPv6 IPoE)

    def touch(self, line: int) -> None:
        if line not in self.lines:
            self.lines.append(line)


@dataclass
class IkeGateway:
    """``ipsec ike ... N``: one IKE peer's settings."""

    number: int
    lines: list[int] = field(default_factory=list)
    encryption: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    algorithm_lines: list[int] = field(default_factory=list)  # encryption, hash, group
    version: int = 1
    remote: str | None = None
    psk: Secret | None = None
    psk_line: int | None = None
    keepalive_lines: list[int] = field(default_factory=list)
    pfs: bool = False
    local_name_lines: list[int] = field(default_factory=list)  # name identity: IKEv1 aggressive mode


@dataclass
class SaPolicy:
    number: int
    gateway: int
    encryption: str | None
    integrity: str | None
    line: int


@dataclass
class State:
    raw: list[str]
    recognized: set[int] = field(default_factory=set)
    unparsed: set[int] = field(default_factory=set)
    unreadable_filters: set[tuple[int, int]] = field(default_factory=set)  # (family, number) written, not read
    aspects: dict[int, frozenset[Aspect]] = field(default_factory=dict)  # line → what it bears on
    model: str | None = None
    os_version: str | None = None
    os_version_line: int | None = None
    pp: str | None = None  # the selected pp (`pp select N`)
    tunnel: str | None = None  # the selected tunnel (`tunnel select N`)
    interfaces: dict[str, InterfaceState] = field(default_factory=dict)
    filters: dict[tuple[int, int], Filter] = field(default_factory=dict)
    dynamics: dict[tuple[int, int], Filter] = field(default_factory=dict)
    routes: list[StaticRoute] = field(default_factory=list)
    nat_types: dict[int, tuple[str, int]] = field(default_factory=dict)  # descriptor → (type, line)
    nat_rules: list[NatRule] = field(default_factory=list)
    gateways: dict[int, IkeGateway] = field(default_factory=dict)
    sa_policies: dict[int, SaPolicy] = field(default_factory=dict)
    listeners: list[tuple[str, int]] = field(default_factory=list)  # ("pptp" | "l2tp", line)
    dial_in_users: list[tuple[str, int]] = field(default_factory=list)  # `pp auth username NAME …`: (NAME, line)
    radius_auth_lines: list[int] = field(default_factory=list)  # `radius auth on`: a RADIUS server decides
    services: dict[str, tuple[str, int]] = field(default_factory=dict)  # telnetd/sshd/httpd/tftp...
    hosts: dict[str, tuple[list[str], int]] = field(default_factory=dict)  # telnetd/sshd/httpd host lists
    login_timer: tuple[int, int] | None = None  # (seconds, line); 0: never
    accounts: list[Account] = field(default_factory=list)
    administrator: list[Account] = field(default_factory=list)
    login_passwords: list[Account] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    communities: list[SnmpCommunity] = field(default_factory=list)
    snmp_v3: list[SnmpV3Group] = field(default_factory=list)
    ntp: list[tuple[str, int]] = field(default_factory=list)
    syslog: list[tuple[str, int]] = field(default_factory=list)
    login_log_lines: list[int] = field(default_factory=list)  # `syslog info on`: logins are INFO
    command_log_lines: list[int] = field(default_factory=list)  # `syslog execute command on`
    upnp_lines: list[int] = field(default_factory=list)
    usb_off_lines: list[int] = field(default_factory=list)

    def interface(self, name: str, line: int) -> InterfaceState:
        found = self.interfaces.setdefault(name, InterfaceState(name))
        found.touch(line)
        return found

    def gateway(self, number: int, line: int) -> IkeGateway:
        found = self.gateways.setdefault(number, IkeGateway(number))
        found.lines.append(line)
        return found
