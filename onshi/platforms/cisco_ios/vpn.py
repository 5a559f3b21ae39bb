"""Which tunnels and remote-access listeners a Cisco config runs (VPN-02, VPN-07)."""

from __future__ import annotations

import ipaddress

from onshi.model import AclEntry, AddressMatch, Interface, InterfaceKind, IpsecPolicy, VpnEndpoint, VpnKind
from onshi.platforms.cisco_ios.context import Context

_GRE_PROTOCOLS = frozenset({"gre", "47", "ip"})
_L2TPV3_PROTOCOLS = frozenset({"115", "ip"})


def vpn_endpoints(ctx: Context) -> tuple[VpnEndpoint, ...]:
    endpoints: list[VpnEndpoint] = []
    for policy in ctx.ipsec:
        if policy.kind == "profile":
            continue  # profiles protect tunnel interfaces, reported with the tunnel
        endpoints.append(
            VpnEndpoint(
                kind=VpnKind.IPSEC_MANUAL if policy.manual_keys else VpnKind.IPSEC,
                name=f"crypto {'dynamic-map' if policy.kind == 'dynamic_map' else 'map'} {policy.name}",
                peers=policy.peers,
                any_peer=policy.kind == "dynamic_map",
                encrypted=True,
                lines=policy.lines,
                dpd_lines=_dpd(ctx, policy),
            )
        )
    endpoints.extend(_tunnel_endpoint(ctx, interface) for interface in ctx.interfaces if interface.tunnel)
    dynamic_crypto = any(policy.kind == "dynamic_map" for policy in ctx.ipsec)
    for protocol, line, lines in ctx.listeners:
        kind = {"pptp": VpnKind.PPTP, "l2tp": VpnKind.L2TP}.get(protocol, VpnKind.SSL_VPN)
        encrypted = kind is VpnKind.SSL_VPN or (kind is VpnKind.L2TP and dynamic_crypto)
        endpoints.append(VpnEndpoint(kind, f"{protocol} listener (line {line})", (), True, encrypted, lines))
    for name, lines in ctx.l2tpv3:
        encrypted = _crypto_covers(ctx, None, None, _L2TPV3_PROTOCOLS)
        endpoints.append(VpnEndpoint(VpnKind.L2TPV3, f"pseudowire-class {name}", (), False, encrypted, lines))
    return tuple(endpoints)


def _tunnel_endpoint(ctx: Context, interface: Interface) -> VpnEndpoint:
    tunnel = interface.tunnel
    assert tunnel is not None
    peers = (tunnel.destination,) if tunnel.destination else ()
    multipoint = tunnel.mode == "gre_multipoint"
    protected = tunnel.mode == "ipsec" or tunnel.protection_profile is not None
    if not protected and tunnel.mode in ("gre", "gre_multipoint"):
        protected = _crypto_covers(ctx, _address_of(ctx, tunnel.source), tunnel.destination, _GRE_PROTOCOLS)
    if tunnel.mode == "l2tpv3":
        kind = VpnKind.IPSEC if protected else VpnKind.L2TPV3
    else:
        kind = VpnKind.IPSEC if protected else VpnKind.GRE
    profile = next((p for p in ctx.ipsec if p.kind == "profile" and p.name == tunnel.protection_profile), None)
    dpd = _dpd(ctx, profile) if profile is not None else tuple(ctx.global_dpd.get(1, ()))
    return VpnEndpoint(kind, interface.name, peers, multipoint, protected, interface.lines, dpd_lines=dpd)


def _dpd(ctx: Context, policy: IpsecPolicy) -> tuple[int, ...]:
    """The DPD lines that reach this crypto map entry or IPsec profile: its IKE profile's own, else
    the device-wide ones of its IKE version (IKEv1 unless an IKEv2 profile is set)."""
    own = ctx.profile_dpd.get(policy.ike_profile or "", [])
    return tuple(own or ctx.global_dpd.get(policy.ike_version or 1, []))


def _address_of(ctx: Context, source: str | None) -> str | None:
    """A tunnel source written as an interface name resolves to that interface's address."""
    if source is None:
        return None
    try:
        ipaddress.ip_address(source)
    except ValueError:
        for interface in ctx.interfaces:
            if interface.name.lower() == source.lower() and interface.ipv4:
                return str(interface.ipv4[0].ip)
        return None
    return source


def _crypto_covers(ctx: Context, source: str | None, destination: str | None, protocols: frozenset[str]) -> bool:
    """Whether an applied crypto map's ACL permits this tunnel's packets (unknown ends match)."""
    applied = {
        interface.crypto_map
        for interface in ctx.interfaces
        if interface.crypto_map and interface.kind is not InterfaceKind.TUNNEL
    }
    for policy in ctx.ipsec:
        if policy.kind != "crypto_map" or policy.name.split()[0] not in applied or policy.match_acl is None:
            continue
        acl = ctx.acls.get(policy.match_acl)
        if acl is None:
            continue
        for entry in acl.entries:
            if entry.action == "permit" and entry.protocol in protocols and _matches(entry, source, destination):
                return True
    return False


def _matches(entry: AclEntry, source: str | None, destination: str | None) -> bool:
    return _in(entry.source, source) and _in(entry.destination, destination)


def _in(match: AddressMatch, address: str | None) -> bool:
    if match.any_ or address is None:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in match.networks)
