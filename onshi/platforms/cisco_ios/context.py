"""The state one Cisco IOS parse builds up, shared by the handler modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from onshi.model import (
    Account,
    AclEntry,
    Aspect,
    IkePeerKey,
    IkeProposal,
    Interface,
    IPNetwork,
    IpsecPolicy,
    NatRule,
    Secret,
    Service,
    SnmpCommunity,
    SnmpV3Group,
    StaticRoute,
    TerminalLine,
    TransformSet,
    Zone,
)
from onshi.platforms.cisco_ios.acl import ServiceItem


class ConfigLine(Protocol):
    """The part of ciscoconfparse's line object the handlers use."""

    text: str
    linenum: int
    children: list[Any]


@dataclass
class AclBuilder:
    name: str
    family: Literal[4, 6]
    kind: str
    line: int
    entries: list[AclEntry] = field(default_factory=list)
    unparsed: list[int] = field(default_factory=list)


@dataclass
class ClassMap:
    name: str
    match_any: bool
    acls: list[str]
    protocols: list[str]
    line: int
    match_all: bool = False
    unmodelled: bool = False


@dataclass
class PolicyClass:
    class_name: str
    action: str | None
    line: int


@dataclass
class SsidBuilder:
    name: str
    lines: list[int]
    vlan: int | None = None
    key_management: str | None = None  # "wpa", "wpa2", "wpa3"
    psk: Secret | None = None
    eap: bool = False
    shared: bool = False
    mac_filter: bool = False
    broadcast: bool = False


@dataclass
class Context:
    """Everything a parse collects; handlers append, :mod:`.parser` assembles the Device."""

    raw: list[str]
    version_major: int | None = None
    hostname: str | None = None
    os_version: str | None = None
    os_version_line: int | None = None
    seen: set[int] = field(default_factory=set)
    unparsed: set[int] = field(default_factory=set)
    aspects: dict[int, frozenset[Aspect]] = field(default_factory=dict)  # line → its block's aspects
    interfaces: list[Interface] = field(default_factory=list)
    vrfs: list[str] = field(default_factory=list)
    acls: dict[str, AclBuilder] = field(default_factory=dict)
    object_groups: dict[str, tuple[IPNetwork, ...]] = field(default_factory=dict)
    service_groups: dict[str, tuple[ServiceItem, ...]] = field(default_factory=dict)
    routes: list[StaticRoute] = field(default_factory=list)
    dynamic_routing: list[int] = field(default_factory=list)
    nat: list[NatRule] = field(default_factory=list)
    multicast_routing: set[int] = field(default_factory=set)
    zones: list[Zone] = field(default_factory=list)
    zone_pairs: list[tuple[str, str, str, str | None, int]] = field(default_factory=list)
    class_maps: dict[str, ClassMap] = field(default_factory=dict)
    policy_maps: dict[str, list[PolicyClass]] = field(default_factory=dict)
    ike: list[IkeProposal] = field(default_factory=list)
    ikev2_policy_proposals: list[str] = field(default_factory=list)
    ikev2_profiles: dict[str, int] = field(default_factory=dict)
    peer_keys: list[IkePeerKey] = field(default_factory=list)
    transform_sets: list[TransformSet] = field(default_factory=list)
    ipsec: list[IpsecPolicy] = field(default_factory=list)
    dpd: list[int] = field(default_factory=list)
    profile_dpd: dict[str, list[int]] = field(default_factory=dict)  # IKE profile → its dpd / keepalive lines
    global_dpd: dict[int, list[int]] = field(default_factory=dict)  # IKE version → device-wide DPD lines
    aggressive: list[int] = field(default_factory=list)
    aggressive_refused: bool = False
    cert_auth: list[int] = field(default_factory=list)
    remote_access_ike: list[int] = field(default_factory=list)  # XAUTH, mode-config or EAP: persons log in
    # `aaa authentication ppp|login LIST … group …`, by type: an AAA server decides those logins
    external_auth: dict[str, list[int]] = field(default_factory=dict)
    webvpn_cert: list[int] = field(default_factory=list)  # a WebVPN context asks for a client certificate
    listeners: list[tuple[str, int, tuple[int, ...]]] = field(default_factory=list)
    l2tpv3: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    terminal_lines: list[TerminalLine] = field(default_factory=list)
    ssh_version: int | None = None
    ssh_lines: list[int] = field(default_factory=list)
    http: dict[str, Any] = field(default_factory=dict)
    http_lines: list[int] = field(default_factory=list)
    communities: list[SnmpCommunity] = field(default_factory=list)
    v3_groups: list[SnmpV3Group] = field(default_factory=list)
    throttle: list[int] = field(default_factory=list)
    password_min_length: tuple[int, int] | None = None  # (length, line) of `security passwords min-length`
    services: dict[str, Service] = field(default_factory=dict)
    usb_disabled: list[int] = field(default_factory=list)
    users: list[Account] = field(default_factory=list)
    enable: list[Account] = field(default_factory=list)
    line_passwords: list[Account] = field(default_factory=list)
    central_auth: list[int] = field(default_factory=list)
    ntp_servers: list[str] = field(default_factory=list)
    ntp_lines: list[int] = field(default_factory=list)
    syslog_hosts: list[str] = field(default_factory=list)
    syslog_lines: list[int] = field(default_factory=list)
    timestamp_lines: list[int] = field(default_factory=list)
    login_log_lines: list[int] = field(default_factory=list)
    config_log_lines: list[int] = field(default_factory=list)
    ssids: dict[str, SsidBuilder] = field(default_factory=dict)
    radio_ciphers: dict[int | None, tuple[list[str], int]] = field(default_factory=dict)
    radio_wep: dict[int | None, int] = field(default_factory=dict)
    radio_ssids: list[str] = field(default_factory=list)
    mac_list_lines: list[int] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)

    def mark(self, item: ConfigLine) -> None:
        self.seen.add(item.linenum + 1)

    def mark_tree(self, item: ConfigLine) -> None:
        """The line and everything under it is understood (or known to bear on no rule)."""
        if item.children:
            self.seen.update(node.linenum + 1 for node in walk(item))
        else:  # most lines so marked stand alone
            self.seen.add(item.linenum + 1)

    def bad(self, item: ConfigLine) -> None:
        """A line of a modelled kind whose content could not be modelled."""
        self.unparsed.add(item.linenum + 1)

    def secret(self, value: Secret) -> Secret:
        self.secrets.append(value)
        return value


def walk(item: ConfigLine) -> list[ConfigLine]:
    """The line and every line under it, in file order (a list, not a recursive generator: every
    block of every configuration is walked, most of them one line deep)."""
    if not item.children:
        return [item]
    lines = [item]
    pending = list(reversed(item.children))
    while pending:
        node = pending.pop()
        lines.append(node)
        pending.extend(reversed(node.children))
    return lines


def line_of(item: ConfigLine) -> int:
    return item.linenum + 1


Handler = Callable[[Context, ConfigLine, list[str]], None]
