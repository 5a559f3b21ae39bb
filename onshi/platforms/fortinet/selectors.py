"""Phase 2 selectors: what a route-based IPsec tunnel carries.

FortiOS sends into a tunnel interface only packets that match one of its phase 2 selectors
(``src-subnet``/``dst-subnet``, ``src-addr-type``/``dst-addr-type`` ``subnet|range|ip|name`` and
their IPv6 forms, ``protocol``, ``src-port``, ``dst-port``); anything else routed there has no SA
and is dropped, and what arrives decrypted matched the mirror. A tunnel's selectors are therefore
its outbound filter, and their mirror its inbound filter: onshi models them as two filters on the
tunnel interface, so the packet engine applies them like any other.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from onshi.model import ANY_ADDRESS, ANY_PORT, Acl, AclEntry, AddressMatch, IPNetwork, PortMatch
from onshi.platforms.fortinet.objects import Addresses
from onshi.platforms.fortinet.tree import Node, Tree

_PHASE2 = ("vpn ipsec phase2-interface", "vpn ipsec phase2")


@dataclass(frozen=True, slots=True)
class Selectors:
    """The filters a tunnel's phase 2 selectors amount to, by family: (outbound, inbound)."""

    v4: tuple[Acl, Acl]
    v6: tuple[Acl, Acl]
    unreadable: tuple[int, ...]  # selector lines onshi could not resolve: that tunnel is not filtered


def tunnel_selectors(tree: Tree, v4: Addresses, v6: Addresses) -> dict[str, Selectors]:
    """Per phase 1 (tunnel interface) name, the filters of its phase 2 entries."""
    entries: dict[str, list[Node]] = {}
    for block in _PHASE2:
        for entry in tree.block(block).entries.values():
            if (phase1 := entry.value("phase1name")) is not None:
                entries.setdefault(phase1, []).append(entry)
    return {tunnel: _selectors(tunnel, found, v4, v6) for tunnel, found in entries.items()}


def _selectors(tunnel: str, entries: list[Node], v4: Addresses, v6: Addresses) -> Selectors:
    out: dict[int, list[AclEntry]] = {4: [], 6: []}
    back: dict[int, list[AclEntry]] = {4: [], 6: []}
    unreadable: list[int] = []
    for entry in entries:
        family: Literal[4, 6] = 6 if (entry.value("src-addr-type") or "").endswith("6") else 4
        source = _side(entry, "src", family, v4 if family == 4 else v6)
        destination = _side(entry, "dst", family, v4 if family == 4 else v6)
        if source is None or destination is None:
            unreadable.append(entry.line)
            continue
        protocol = entry.value("protocol", "0") or "0"
        sport, dport = _port(entry.value("src-port")), _port(entry.value("dst-port"))
        out[family].append(_entry(protocol, (source, sport), (destination, dport), entry.line))
        back[family].append(_entry(protocol, (destination, dport), (source, sport), entry.line))
    return Selectors(_pair(tunnel, 4, out, back, entries), _pair(tunnel, 6, out, back, entries), tuple(unreadable))


def _pair(
    tunnel: str, family: Literal[4, 6], out: dict[int, list[AclEntry]], back: dict[int, list[AclEntry]],
    entries: list[Node],
) -> tuple[Acl, Acl]:  # fmt: skip
    """The two filters of one family; a family with no selector carries nothing (empty lists deny all)."""
    line = entries[0].line
    return (
        Acl(
            f"phase2 {tunnel} out (IPv{family})",
            family,
            "extended",
            tuple(out[family]),
            line,
            implicit_nd=False,
            derived=True,
        ),
        Acl(
            f"phase2 {tunnel} in (IPv{family})",
            family,
            "extended",
            tuple(back[family]),
            line,
            implicit_nd=False,
            derived=True,
        ),
    )


def _side(entry: Node, side: str, family: int, table: Addresses) -> AddressMatch | None:
    """One end of a selector (``src``/``dst``); None when it cannot be resolved exactly."""
    kind = (entry.value(f"{side}-addr-type") or "subnet").removesuffix("6")
    suffix = "6" if family == 6 else ""
    try:
        if kind == "subnet":
            written = entry.values(f"{side}-subnet{suffix}")
            return _match(_subnet(written, family))
        if kind in ("range", "ip"):
            first = ipaddress.ip_address(entry.value(f"{side}-start-ip{suffix}") or "")
            end = entry.value(f"{side}-end-ip{suffix}") if kind == "range" else None
            last = ipaddress.ip_address(end) if end else first
            return _match(tuple(ipaddress.summarize_address_range(first, last)))
        if kind == "name":
            resolved = table.get(entry.value(f"{side}-name{suffix}") or "")
            return _match(resolved) if resolved is not None else None
    except ValueError:
        return None
    return None


def _subnet(written: tuple[str, ...], family: int) -> tuple[IPNetwork, ...]:
    """``10.0.0.0 255.255.255.0`` / ``10.0.0.0/24`` / ``2001:db8::/48``; not written: any."""
    if not written:
        return (ipaddress.ip_network("0.0.0.0/0" if family == 4 else "::/0"),)
    text = "/".join(written[:2]) if len(written) > 1 else written[0]
    return (ipaddress.ip_network(text, strict=False),)


def _match(networks: tuple[IPNetwork, ...]) -> AddressMatch:
    if any(network.prefixlen == 0 for network in networks):
        return ANY_ADDRESS
    return AddressMatch(networks)


def _port(value: str | None) -> PortMatch:
    if value is None or value in ("", "0"):
        return ANY_PORT
    return PortMatch(((int(value), int(value)),))


Side = tuple[AddressMatch, PortMatch]


def _entry(protocol: str, source: Side, destination: Side, line: int) -> AclEntry:
    name = {"0": "ip", "6": "tcp", "17": "udp"}.get(protocol, protocol)
    ports = name in ("tcp", "udp")
    return AclEntry("permit", name, source[0], source[1] if ports else ANY_PORT, destination[0],
                    destination[1] if ports else ANY_PORT, False, None, None, line)  # fmt: skip
