"""Which interfaces face the internet.

Inferred from the model (NAT outside, PPPoE dialer, DHCP client, default-route egress, a public
address, an outside firewall zone); the host's inventory data may override the inference with an
explicit list. Tunnels, loopbacks and templates are never internet-facing themselves (a VPN is its
own zone), except a tunnel that is the internet access itself (MAP-E, DS-Lite over IPv6 IPoE).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from onshi.model import Device, Interface, InterfaceKind, IPNetwork, Lines, NatRole

_NOT_EDGE = frozenset(
    {InterfaceKind.TUNNEL, InterfaceKind.LOOPBACK, InterfaceKind.VIRTUAL_TEMPLATE, InterfaceKind.NULL}
)
_OUTSIDE_ZONE = re.compile(r"out|internet|wan|untrust|inet|public|isp", re.IGNORECASE)
_SHARED_SPACE = ipaddress.IPv4Network("100.64.0.0/10")
# A tunnel that is the line itself: IPv4 over the carrier's IPv6 (MAP-E, DS-Lite, fixed-IP IPIP).
INTERNET_ACCESS = "internet_access"


@dataclass(frozen=True, slots=True)
class InternetInterface:
    name: str
    reasons: tuple[str, ...]  # "declared", "nat_outside", "pppoe", "dhcp_client", ...
    lines: Lines


class UnknownInterfaceError(ValueError):
    """The inventory names an internet interface the configuration does not have."""


def internet_interfaces(
    device: Device,
    declared: list[str] | None = None,
    closed: Mapping[str, str] | None = None,
    attached: Iterable[str] = (),
) -> tuple[InternetInterface, ...]:
    """The internet-facing interfaces: as declared, else inferred, never one of the ``closed``
    networks' interfaces (see :func:`closed_network_interfaces`) nor one the facility's topology
    ``attached`` to a segment or another device (a VPN router on the clinic LAN routes its default
    there, yet that is the LAN)."""
    inside = {name.lower() for name in attached}
    if declared is not None:
        return tuple(_declared(device, name) for name in declared)
    default_egress = _default_route_interfaces(device)
    found = []
    for interface in device.interfaces:
        access = interface.tunnel is not None and interface.tunnel.mode == INTERNET_ACCESS
        if (
            (interface.kind in _NOT_EDGE and not access)
            or interface.shutdown
            or interface.name.lower() in (closed or {})
            or interface.name.lower() in inside
        ):
            continue
        reasons = _reasons(interface, default_egress)
        if reasons:
            found.append(InternetInterface(interface.name, tuple(reasons), interface.lines[:1]))
    return tuple(found)


def closed_network_interfaces(device: Device, declared: Mapping[str, str]) -> dict[str, str]:
    """The host's ``vpn_interfaces`` (interface → VPN), checked against the config, keyed by the
    lower-cased interface name."""
    return {_known(device, name, "vpn_interfaces").name.lower(): vpn for name, vpn in declared.items()}


def topology_interfaces(device: Device, names: Iterable[str]) -> set[str]:
    """The interfaces the facility's topology links name for this device, checked against the
    config, in lower case."""
    return {_known(device, name, "topology.links").name.lower() for name in names}


def _declared(device: Device, name: str) -> InternetInterface:
    interface = _known(device, name, "internet_interfaces")
    return InternetInterface(interface.name, ("declared",), interface.lines[:1])


def _known(device: Device, name: str, field: str) -> Interface:
    interface = device.interface(name)
    if interface is None:
        known = ", ".join(i.name for i in device.interfaces)
        raise UnknownInterfaceError(f"{field} names {name!r}, not in the config (has: {known})")
    return interface


def _reasons(interface: Interface, default_egress: set[str]) -> list[str]:
    reasons = []
    if interface.tunnel is not None and interface.tunnel.mode == INTERNET_ACCESS:
        reasons.append("internet_tunnel")
    if interface.nat is NatRole.OUTSIDE:
        reasons.append("nat_outside")
    if interface.kind is InterfaceKind.DIALER or (interface.pppoe_client and interface.ipv4_negotiated):
        reasons.append("pppoe")
    if interface.ipv4_dhcp:
        reasons.append("dhcp_client")
    if interface.ipv6_autoconfig:  # it learns its address and default route from the line (RA, DHCPv6)
        reasons.append("ipv6_autoconfig")
    if interface.name.lower() in default_egress:
        reasons.append("default_route")
    if any(_public(address.ip) for address in interface.ipv4):
        reasons.append("public_address")
    if interface.zone is not None and _OUTSIDE_ZONE.search(interface.zone):
        reasons.append("outside_zone")
    return reasons


def _public(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and address not in _SHARED_SPACE


def _default_route_interfaces(device: Device) -> set[str]:
    names: set[str] = set()
    for route in device.static_routes:
        if route.prefix.prefixlen != 0 or route.vrf is not None:
            continue
        if route.interface is not None:
            names.add(route.interface.lower())
        elif route.next_hop is not None:
            names.update(_connected_to(device, route.next_hop))
    return names


def _connected_to(device: Device, next_hop: ipaddress.IPv4Address | ipaddress.IPv6Address) -> set[str]:
    names = set()
    for interface in device.interfaces:
        networks: list[IPNetwork] = [address.network for address in interface.addresses]
        if any(network.version == next_hop.version and next_hop in network for network in networks):
            names.add(interface.name.lower())
    return names
