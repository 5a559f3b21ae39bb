"""Firewall policies as the neutral model's zone-based firewall.

Every interface is a zone (or its ``system zone``). ``firewall policy`` (and ``policy6``) entries are
first-match in the order written, per source and destination zone, with an implicit deny; sessions
are stateful, so a policy is an ``inspect`` class and its replies come back. ``any`` interfaces
expand to every zone. A disabled policy is left out. A policy whose match onshi cannot make exact
(an FQDN or geography address, internet services, negation, users) is an unmodelled class: the
engine then widens what it accepts and says so (never a narrower answer).
Traffic to the FortiGate itself (the self zone) is what each interface's ``allowaccess`` opens,
plus IKE where a VPN terminates and the SSL-VPN port where it listens.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from onshi.model import (
    ANY_ADDRESS,
    ANY_PORT,
    Acl,
    AclEntry,
    AddressMatch,
    IPNetwork,
    PortMatch,
    Zone,
    ZoneAction,
    ZonePair,
)
from onshi.platforms.fortinet.objects import SHIPPED, Addresses, ServiceMatch
from onshi.platforms.fortinet.tree import Node, Tree

SELF = "self"
# What `allowaccess` opens: (protocol, port) with the admin ports of `system global`.
ACCESS: dict[str, tuple[str, str | None, int]] = {
    "ping": ("icmp", None, 8), "https": ("tcp", "admin-sport", 443), "http": ("tcp", "admin-port", 80),
    "ssh": ("tcp", "admin-ssh-port", 22), "telnet": ("tcp", "admin-telnet-port", 23), "snmp": ("udp", None, 161),
    "fgfm": ("tcp", None, 541), "radius-acct": ("udp", None, 1813), "probe-response": ("udp", None, 8008),
    "ftm": ("tcp", None, 8013), "fabric": ("tcp", None, 8013), "speed-test": ("tcp", None, 5201),
}  # fmt: skip
_UNMODELLED_KEYS = ("internet-service", "internet-service-src", "srcaddr-negate", "dstaddr-negate",
                    "service-negate", "users", "groups", "fsso-groups")  # fmt: skip


@dataclass
class Firewall:
    zones: list[Zone] = field(default_factory=list)
    pairs: list[ZonePair] = field(default_factory=list)
    acls: list[Acl] = field(default_factory=list)
    unmodelled_lines: list[int] = field(default_factory=list)


def zone_names(tree: Tree, interfaces: Iterable[str]) -> dict[str, str]:
    """Interface → zone (its `system zone`, else itself)."""
    found = {name: name for name in interfaces}
    for zone, entry in tree.block("system zone").entries.items():
        for member in entry.values("interface"):
            found[member] = zone
    return found


@dataclass(frozen=True)
class Objects:
    """What policies name: addresses (IPv4, IPv6) and services, resolved or ``None``."""

    v4: Addresses
    v6: Addresses
    services: Mapping[str, tuple[ServiceMatch, ...] | None]


def firewall(
    tree: Tree, zone_of: Mapping[str, str], objects: Objects, local_in: Mapping[int, Mapping[str, list[AclEntry]]]
) -> Firewall:
    result = Firewall()
    zones = sorted(set(zone_of.values()))
    result.zones = [Zone(name, 0) for name in zones]
    by_pair: dict[tuple[str, str], list[ZoneAction]] = {}
    for block in ("firewall policy", "firewall policy6"):
        for number, policy in tree.block(block).entries.items():
            if policy.value("status") == "disable":
                continue
            action = _action(policy, f"{block.removeprefix('firewall ')} {number}", objects, result)
            for source, destination in itertools.product(_zones(policy, "srcintf", zone_of, zones),
                                                         _zones(policy, "dstintf", zone_of, zones)):  # fmt: skip
                by_pair.setdefault((source, destination), []).append(action)
    block_line = tree.block("firewall policy").line  # the implicit deny is the policy table's
    intrazone = {zone: entry.value("intrazone") == "allow" for zone, entry in tree.block("system zone").entries.items()}
    for source in zones:
        for destination in zones:
            actions = by_pair.get((source, destination), [])
            same = source == destination and intrazone.get(source, False)
            default = ZoneAction("implicit", "pass" if same else "drop", True, (), (), block_line)
            result.pairs.append(ZonePair(f"{source}->{destination}", source, destination, None,
                                         (*actions, default), actions[0].line if actions else block_line))  # fmt: skip
        # An ACL without entries would match everything: a zone that opens nothing has only the drop.
        names, first = [], 0
        families: tuple[tuple[Literal[4, 6], str], ...] = ((4, ""), (6, " v6"))
        for family, suffix in families:
            entries = local_in.get(family, {}).get(source, [])
            if entries:
                names.append(f"local-in {source}{suffix}")
                first = first or entries[0].line
                result.acls.append(Acl(names[-1], family, "extended", tuple(entries), entries[0].line,
                                       implicit_nd=False, derived=True))  # fmt: skip
        allowed: tuple[ZoneAction, ...] = ()
        if names:
            allowed = (ZoneAction("allowaccess", "pass", False, tuple(names), (), first),)
        drop = ZoneAction("implicit", "drop", True, (), (), block_line)
        result.pairs.append(ZonePair(f"{source}->self", source, SELF, None, (*allowed, drop), 0))
    return result


def _zones(policy: Node, key: str, zone_of: Mapping[str, str], zones: list[str]) -> list[str]:
    names = policy.values(key)
    if "any" in names:
        return zones
    return sorted({zone_of.get(name, name) for name in names})


def _action(policy: Node, name: str, objects: Objects, result: Firewall) -> ZoneAction:
    """One policy (``name``: "policy 3", "policy6 2") as a class: an ACL per family."""
    verdict: Literal["inspect", "drop"] = "inspect" if policy.value("action", "deny") == "accept" else "drop"
    # `policy6` names IPv6 addresses in srcaddr/dstaddr; a consolidated policy has srcaddr6/dstaddr6.
    six = name.startswith("policy6")
    pairs = [(objects.v6, "srcaddr", "dstaddr")] if six else [(objects.v4, "srcaddr", "dstaddr"),
                                                              (objects.v6, "srcaddr6", "dstaddr6")]  # fmt: skip
    sides = [(_resolve(policy, src, table), _resolve(policy, dst, table)) for table, src, dst in pairs]
    matches = [objects.services.get(service) for service in policy.values("service") or ("ALL",)]
    unmodelled = [policy.line_of(key) for key in _UNMODELLED_KEYS if policy.value(key) not in (None, "disable")]
    unresolved = any(None in side for side in sides) or any(m is None for m in matches)
    if unresolved or unmodelled or policy.value("action") == "ipsec":
        result.unmodelled_lines.extend(line for line in (*unmodelled, policy.line) if line)
        # A name no table defines (FortiOS refuses one when it is entered; a hand-edited file may hold
        # one): HYG-04 names it. One defined but not resolvable (an FQDN) is only not exact.
        undefined = [(n, policy.line) for table, src, dst in pairs for key in (src, dst)
                     for n in policy.values(key) if n not in table and n not in SHIPPED]  # fmt: skip
        undefined += [(n, policy.line) for n in policy.values("service") if n not in objects.services
                      and n not in SHIPPED]  # fmt: skip
        result.acls.append(Acl(name, 4, "extended", (), policy.line, unparsed_lines=(policy.line,), implicit_nd=False,
                               missing=tuple(undefined)))  # fmt: skip
        return ZoneAction(name, verdict, False, (name,), (), policy.line, unmodelled=True)
    names = []
    families: tuple[Literal[4, 6], ...] = (6,) if six else (4, 6)
    for family, (sources, destinations) in zip(families, sides, strict=True):
        assert sources is not None
        assert destinations is not None
        entries = [entry for found in matches if found for service in found
                   for entry in _entries(service, sources, destinations, policy.line)]  # fmt: skip
        if entries:  # an ACL without entries would match every packet of its family; none matches none
            names.append(f"{name} v{family}")
            result.acls.append(Acl(names[-1], family, "extended", tuple(entries), policy.line, implicit_nd=False))
    return ZoneAction(name, verdict, False, tuple(names), (), policy.line)


def _resolve(policy: Node, key: str, table: Addresses) -> tuple[IPNetwork, ...] | None:
    found: list[IPNetwork] = []
    for name in policy.values(key):
        resolved = table.get(name)
        if resolved is None:
            return None
        found.extend(resolved)
    return tuple(found)


def _entries(service: ServiceMatch, sources: tuple[IPNetwork, ...], destinations: tuple[IPNetwork, ...],
             line: int) -> list[AclEntry]:  # fmt: skip
    found = []
    for source, destination in itertools.product(sources, destinations):
        if source.version != destination.version:
            continue
        protocol = service.protocol
        if (protocol == "icmp6" and source.version == 4) or (protocol == "icmp" and source.version == 6):
            continue
        name = "icmp" if protocol in ("icmp", "icmp6") else protocol
        found.append(AclEntry("permit", name, _match(source), _ports(service.source_ports), _match(destination),
                              _ports(service.ports), False, service.icmp_type, None, line))  # fmt: skip
    return found


def _match(network: IPNetwork) -> AddressMatch:
    return ANY_ADDRESS if network.prefixlen == 0 else AddressMatch((network,))


def _ports(ranges: tuple[tuple[int, int], ...]) -> PortMatch:
    return PortMatch(ranges) if ranges else ANY_PORT
