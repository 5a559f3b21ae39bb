"""What the IX parser gathers while it reads, before the neutral model is built."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from onshi.model import Account, Aspect, IkePeerKey, IkeProposal, NatRule, Secret, SnmpCommunity, StaticRoute
from onshi.platforms.nec_ix.filters import Binding, Lists
from onshi.platforms.nec_ix.ikev2 import Profile


@dataclass
class InterfaceState:
    name: str
    line: int
    lines: list[int] = field(default_factory=list)
    description: str = ""
    shutdown: bool = False  # IX interfaces are up unless `shutdown` is written
    ipv4: list[ipaddress.IPv4Interface] = field(default_factory=list)
    ipv4_dhcp: bool = False
    ipv4_negotiated: bool = False  # `ip address ipcp`
    unnumbered: str | None = None
    ipv6: list[ipaddress.IPv6Interface] = field(default_factory=list)
    ipv6_enabled: bool = False
    ipv6_autoconfig: bool = False
    encapsulation: str | None = None  # pppoe, ppp, dot1q
    vlan_id: int | None = None
    filters: dict[tuple[int, str], list[Binding]] = field(default_factory=dict)  # (family, in|out) → bindings
    napt: bool = False
    tunnel_mode: str | None = None  # ipsec, ipsec-ikev2, gre ...
    ipsec_map: str | None = None  # `ipsec policy tunnel MAP out`
    ikev2_peer: str | None = None  # `ikev2 peer ADDRESS|any …`, `ikev2 peer-fqdn-ipv4 NAME …`
    ikev2_binding: str | None = None  # `ikev2 binding PROFILE`
    ikev2_dpd: int | None = None  # the tunnel's own `ikev2 dpd interval N` line


@dataclass(frozen=True, slots=True)
class AutokeyMap:
    """``ipsec autokey-map NAME ACL peer A PROPOSAL``: what a tunnel protects, and with whom."""

    name: str
    acl: str
    peer: str
    proposal: str
    pfs: int | None
    line: int


@dataclass
class State:
    raw: list[str]
    hostname: str | None = None
    model: str | None = None
    os_version: str | None = None
    os_version_line: int | None = None
    interfaces: dict[str, InterfaceState] = field(default_factory=dict)
    lists: dict[int, Lists] = field(default_factory=lambda: {4: Lists(), 6: Lists()})
    routes: list[StaticRoute] = field(default_factory=list)
    dynamic_routing: list[int] = field(default_factory=list)
    nat: list[NatRule] = field(default_factory=list)
    proposals: dict[str, IkeProposal] = field(default_factory=dict)
    ike_policies: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # name → (peer, proposal, line)
    peer_keys: list[IkePeerKey] = field(default_factory=list)
    aggressive: list[int] = field(default_factory=list)
    keepalive: dict[str, int] = field(default_factory=dict)  # IKE policy → its `ike keepalive` line
    transforms: dict[str, tuple[str | None, str | None, int]] = field(default_factory=dict)
    maps: dict[str, AutokeyMap] = field(default_factory=dict)
    ikev2_lines: list[int] = field(default_factory=list)
    ikev2_profiles: dict[str, Profile] = field(default_factory=dict)
    servers: dict[str, int] = field(default_factory=dict)  # telnet / ssh / http → the line enabling it
    ssh_access_list: tuple[str, int] | None = None  # `ssh-server ip access-list NAME`: (NAME, line)
    users: list[Account] = field(default_factory=list)
    communities: list[SnmpCommunity] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    upnp: list[int] = field(default_factory=list)
    ntp: list[tuple[str, int]] = field(default_factory=list)
    syslog: list[tuple[str, int]] = field(default_factory=list)
    syslog_hosts: list[tuple[str, int]] = field(default_factory=list)  # `syslog ip host A`
    syslog_enabled: int | None = None  # `syslog ip enable`: without it, nothing is sent
    timestamps: list[int] = field(default_factory=list)
    recognized: set[int] = field(default_factory=set)
    aspects: dict[int, frozenset[Aspect]] = field(default_factory=dict)

    @property
    def sent_syslog(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Where the log goes, and the lines that say so: ``logging`` hosts, and ``syslog ip host``
        ones once ``syslog ip enable`` starts sending."""
        sent = self.syslog + (self.syslog_hosts if self.syslog_enabled is not None else [])
        enabling = (self.syslog_enabled,) if self.syslog_hosts and self.syslog_enabled is not None else ()
        return tuple(host for host, _ in sent), tuple(sorted({line for _, line in sent} | set(enabling)))

    def interface(self, name: str, line: int) -> InterfaceState:
        found = self.interfaces.setdefault(name, InterfaceState(name, line))
        found.lines.append(line)
        return found
