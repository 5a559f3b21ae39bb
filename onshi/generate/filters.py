"""Filter entries: the neutral form of "which packets pass" that a plan hands to a template, whether
it becomes an interface ACL or the class of a zone-based firewall."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from onshi.policy import Flow

IPv4 = ipaddress.IPv4Network
IPv6 = ipaddress.IPv6Network
Network = IPv4 | IPv6
PRIVATE = (IPv4("10.0.0.0/8"), IPv4("172.16.0.0/12"), IPv4("192.168.0.0/16"))


@dataclass(frozen=True, slots=True)
class FilterEntry:
    action: Literal["permit", "deny"]
    protocol: Literal["ip", "tcp", "udp", "icmp", "esp"]
    source: Network | None  # None: any (of the list's family)
    destination: Network | None
    ports: tuple[int, ...] = ()  # destination ports (tcp/udp); () for all
    source_port: int | None = None
    icmp: str | None = None  # an ICMP message by name: "nd-ns", "router-advertisement" ...


@dataclass(frozen=True, slots=True)
class Towards:
    """What a zone may open towards one destination (a segment, a VPN, the internet or the device):
    the declared flows as entries, IPv4 and IPv6. First match; what matches no entry is not let."""

    destination: str
    entries4: tuple[FilterEntry, ...] = ()
    entries6: tuple[FilterEntry, ...] = ()


def permits(flow: Flow, source: Network | None, destinations: tuple[Network | None, ...]) -> list[FilterEntry]:
    """The flow's entries from ``source`` to each destination; a host-level flow's from its hosts and
    to its hosts instead (those of the list's family: a flow naming IPv4 hosts opens no IPv6)."""
    ports = tuple(flow.ports)
    family = source.version if source is not None else 4  # lists without a source are the IPv4 internet's
    return [FilterEntry("permit", flow.protocol, near, far, ports)
            for destination in destinations
            for near in _narrowed(source, flow.from_hosts, family)
            for far in _narrowed(destination, flow.to_hosts, family)]  # fmt: skip


def _narrowed(network: Network | None, hosts: Sequence[Network], family: int) -> list[Network | None]:
    if not hosts:
        return [network]
    return [host for host in hosts if host.version == family]


def ipsec(source: IPv4 | None, destination: IPv4 | None) -> list[FilterEntry]:
    """IKE (udp/500, NAT-T udp/4500) and ESP between the device and a VPN peer."""
    return [FilterEntry("permit", "udp", source, destination, (500,)),
            FilterEntry("permit", "udp", source, destination, (4500,)),
            FilterEntry("permit", "esp", source, destination)]  # fmt: skip


def group(pairs: list[tuple[str, FilterEntry]]) -> dict[str, list[FilterEntry]]:
    """Entries by destination, in the order the destinations first appear."""
    found: dict[str, list[FilterEntry]] = {}
    for destination, entry in pairs:
        found.setdefault(destination, []).append(entry)
    return found
