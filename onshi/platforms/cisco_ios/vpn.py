"""Which tunnels and remote-access listeners a Cisco config runs (VPN-02, VPN-07, VPN-08)."""

from __future__ import annotations

import ipaddress

from onshi.model import (
    AclEntry,
    AddressMatch,
    Interface,
    InterfaceKind,
    IpsecPolicy,
    LoginFactor,
    RemoteLogin,
    VpnEndpoint,
    VpnKind,
)
from onshi.platforms.cisco_ios.context import Context

_GRE_PROTOCOLS = frozenset({"gre", "47", "ip"})
_L2TPV3_PROTOCOLS = frozenset({"115", "ip"})


def vpn_endpoints(ctx: Context) -> tuple[VpnEndpoint, ...]:
    endpoints: list[VpnEndpoint] = []
    for policy in ctx.ipsec:
        if policy.kind == "profile":
            continue  # profiles protect tunnel interfaces, reported with the tunnel
        dynamic = policy.kind == "dynamic_map"
        endpoints.append(
            VpnEndpoint(
                kind=VpnKind.IPSEC_MANUAL if policy.manual_keys else VpnKind.IPSEC,
                name=f"crypto {'dynamic-map' if dynamic else 'map'} {policy.name}",
                peers=policy.peers,
                any_peer=dynamic,
                encrypted=True,
                lines=policy.lines,
                dpd_lines=_dpd(ctx, policy),
                remote_access=dynamic and bool(ctx.remote_access_ike),
                logins=_logins(ctx, VpnKind.IPSEC) if dynamic else (),
            )
        )
    if ctx.remote_access_ike and not any(policy.kind == "dynamic_map" for policy in ctx.ipsec):
        # XAUTH, mode-config or EAP with no dynamic map: remote users arrive through a virtual
        # template (dynamic VTI) that is not modelled as a tunnel; the listener is still there.
        line = ctx.remote_access_ike[0]
        endpoints.append(VpnEndpoint(VpnKind.IPSEC, f"IKE remote access (line {line})", (), True, True,
                                     tuple(ctx.remote_access_ike), dpd_lines=tuple(ctx.global_dpd.get(1, ())),
                                     remote_access=True, logins=_logins(ctx, VpnKind.IPSEC)))  # fmt: skip
    endpoints.extend(_tunnel_endpoint(ctx, interface) for interface in ctx.interfaces if interface.tunnel)
    dynamic_crypto = any(policy.kind == "dynamic_map" for policy in ctx.ipsec)
    for protocol, line, lines in ctx.listeners:
        kind = {"pptp": VpnKind.PPTP, "l2tp": VpnKind.L2TP}.get(protocol, VpnKind.SSL_VPN)
        encrypted = kind is VpnKind.SSL_VPN or (kind is VpnKind.L2TP and dynamic_crypto)
        endpoints.append(VpnEndpoint(kind, f"{protocol} listener (line {line})", (), True, encrypted, lines,
                                     remote_access=True, logins=_logins(ctx, kind)))  # fmt: skip
    for name, lines in ctx.l2tpv3:
        encrypted = _crypto_covers(ctx, None, None, _L2TPV3_PROTOCOLS)
        endpoints.append(VpnEndpoint(VpnKind.L2TPV3, f"pseudowire-class {name}", (), False, encrypted, lines))
    return tuple(endpoints)


def _logins(ctx: Context, kind: VpnKind) -> tuple[RemoteLogin, ...]:
    """How the persons behind a listener authenticate: a client certificate (WebVPN), or an IKE
    certificate under L2TP or XAUTH when no pre-shared key is allowed beside it; else an AAA server
    group of the login type the listener uses (PPP for PPTP and L2TP, login lists for WebVPN and
    XAUTH), whose second factor is not in this config; else the local users, by password alone."""
    if kind is VpnKind.SSL_VPN and ctx.webvpn_cert:
        return (RemoteLogin("client certificate", LoginFactor.CERTIFICATE, tuple(ctx.webvpn_cert)),)
    if kind in (VpnKind.L2TP, VpnKind.IPSEC) and ctx.cert_auth and not _pre_shared_keys_allowed(ctx):
        return (RemoteLogin("IKE certificate", LoginFactor.CERTIFICATE, tuple(ctx.cert_auth)),)
    servers = ctx.external_auth.get("ppp" if kind in (VpnKind.PPTP, VpnKind.L2TP) else "login")
    if servers:
        return (RemoteLogin("aaa server group", LoginFactor.EXTERNAL, tuple(servers)),)
    return (RemoteLogin("local users", LoginFactor.PASSWORD, tuple(user.line for user in ctx.users)),)


def _pre_shared_keys_allowed(ctx: Context) -> bool:
    return bool(ctx.peer_keys) or any((proposal.authentication or "").startswith("pre") for proposal in ctx.ike)


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
