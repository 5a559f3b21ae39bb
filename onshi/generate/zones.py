"""The zone-based firewall of a baseline: one zone per segment, VPN and the internet; one zone-pair
per direction that has declared flows, inspecting them (replies come back through the session); to
the device itself (the self zone), only what it must receive, passed. Between zones, everything else
is dropped; that is the zone-based firewall's default, and every pair ends in ``class-default drop``.

Every zone gets a pair towards the device, even an empty one: without it the self zone would accept
anything from that zone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from onshi.generate.filters import FilterEntry, Towards, ipsec
from onshi.terms import DEVICE, INTERNET

SELF = "self"  # IOS's name for the device's own zone


@dataclass(frozen=True, slots=True)
class ZoneClassPlan:
    """A class of the pair's policy: what it matches (an IPv4 and an IPv6 ACL; either may be empty)."""

    name: str
    action: Literal["inspect", "pass"]
    entries4: tuple[FilterEntry, ...]
    entries6: tuple[FilterEntry, ...]


@dataclass(frozen=True, slots=True)
class ZonePairPlan:
    source: str
    destination: str  # a zone, or SELF
    classes: tuple[ZoneClassPlan, ...]  # then class-default: drop

    @property
    def name(self) -> str:
        return pair_name(self.source, self.destination)


def pair_name(source: str, destination: str) -> str:
    """A zone-pair's name in the config, which also names its policy's class: ``ONSHI-CLAIMS``."""
    return f"{source.upper()}-{destination.upper()}"


def zone_name(name: str) -> str:
    """The zone of a segment or a VPN, as the config names it."""
    return name.upper()


def zone_pairs(
    sources: Sequence[tuple[str, Sequence[Towards]]],
    peers: Iterable[ipaddress.IPv4Address],
    dhcp_uplink: bool,
) -> tuple[ZonePairPlan, ...]:
    """``sources``: each segment's and VPN's zone name with what it may open, by destination."""
    hosts = [ipaddress.IPv4Network(peer) for peer in peers]
    to_device = [entry for peer in hosts for entry in ipsec(peer, None)]
    if dhcp_uplink:  # the DHCP server's answers to the uplink's client
        to_device.append(FilterEntry("permit", "udp", None, None, (68,), source_port=67))
    internet = (zone_name(INTERNET), [Towards(DEVICE, tuple(to_device))])
    pairs = [pair for source, towards in (*sources, internet) for pair in _pairs_from(source, towards)]
    return (*pairs, _from_device(hosts))


def _pairs_from(source: str, towards: Sequence[Towards]) -> list[ZonePairPlan]:
    pairs = []
    for found in towards:
        if found.destination == DEVICE:
            continue
        pairs.append(_pair(source, zone_name(found.destination), "inspect", found))
    device = next((found for found in towards if found.destination == DEVICE), Towards(DEVICE))
    pairs.append(_pair(source, SELF, "pass", device))
    return pairs


def _pair(source: str, destination: str, action: Literal["inspect", "pass"], towards: Towards) -> ZonePairPlan:
    """The pair's one class matches ``towards``; a pair with nothing to let has no class at all."""
    if not towards.entries4 and not towards.entries6:
        return ZonePairPlan(source, destination, ())
    name = pair_name(source, destination)
    return ZonePairPlan(source, destination, (ZoneClassPlan(name, action, towards.entries4, towards.entries6),))


def _from_device(peers: list[ipaddress.IPv4Network]) -> ZonePairPlan:
    """The device's own traffic to the internet (NTP, DNS, its DHCP client): inspected, so that the
    answers come back; its IKE and ESP to the peers passed, as ESP cannot be inspected."""
    vpn = ZoneClassPlan("SELF-INTERNET-IPSEC", "pass", tuple(e for p in peers for e in ipsec(None, p)), ())
    protocols: tuple[Literal["tcp", "udp", "icmp"], ...] = ("tcp", "udp", "icmp")
    own = ZoneClassPlan("SELF-INTERNET", "inspect", tuple(FilterEntry("permit", p, None, None) for p in protocols), ())
    return ZonePairPlan(SELF, zone_name(INTERNET), (vpn, own) if peers else (own,))
