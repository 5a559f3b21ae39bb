"""Yamaha RTX / NVR ``show config`` into the neutral model.

Router defaults that matter to the guideline are stated, not assumed away: TELNET is served unless
``telnetd service off``; without ``telnetd host`` / ``httpd host`` the factory restriction differs
by firmware, so onshi takes the widest (any host) and says so through the rules.
"""

from __future__ import annotations

import re
from dataclasses import replace

from onshi.analysis.exposure import INTERNET_ACCESS
from onshi.model import (
    Accounts,
    Acl,
    Crypto,
    Definition,
    Device,
    IkePeerKey,
    IkeProposal,
    Interface,
    InterfaceKind,
    IpsecPolicy,
    Logging,
    LoginFactor,
    NatRole,
    NatRule,
    RemoteLogin,
    SourceText,
    TransformSet,
    TunnelConfig,
    Unrecognized,
    VpnEndpoint,
    VpnKind,
)
from onshi.platforms.yamaha_rtx.aspects import aspects_of
from onshi.platforms.yamaha_rtx.commands import DESCRIPTOR, HANDLERS, Handler
from onshi.platforms.yamaha_rtx.filters import secure_list
from onshi.platforms.yamaha_rtx.management import host_acl, management
from onshi.platforms.yamaha_rtx.secrets import mask_line
from onshi.platforms.yamaha_rtx.state import IkeGateway, InterfaceState, SaPolicy, State

PLATFORM = "yamaha_rtx"
# IPv4 over the carrier's IPv6 to the provider: the internet line itself, not a VPN (v6plus MAP-E;
# DS-Lite and fixed-IP services are `ipip` to the provider's tunnel end on FLET'S).
_ACCESS_TUNNELS = frozenset({"map-e", "ipip"})
_HEADER = re.compile(r"^#\s*(RTX\S*|NVR\S*|FWX\S*|RT\S*)\s+Rev\.(\S+)")
# Only `embedded file NAME <<WORD` reads a here-document (a Lua script, up to the line WORD); `<<` at
# the end of any other line (a description, say) is text.
_HEREDOC = re.compile(r"^embedded\s+file\s+\S+\s+<<\s*(\S+)\s*$")
_PROMPT = re.compile(r"^\S*\s*[>#]\s*show\s+config")


def parse(text: str, file: str, encoding: str = "utf-8") -> Device:
    raw = text.splitlines()
    state = State(raw=raw)
    script: tuple[int, str] | None = None  # (first line, terminator) of an embedded file being read
    for number, line in enumerate(raw, start=1):
        stripped = line.strip()
        if script is not None:  # inside `embedded file NAME <<EOF ... EOF`: a script, not config
            state.recognized.add(number)
            script = None if stripped == script[1] else script
            continue
        if not stripped or _comment(state, number, stripped):
            continue
        if match := _HEREDOC.match(stripped):
            script = (number, match[1])
            state.recognized.add(number)
            continue
        words = stripped.split()
        handler = HANDLERS.get(words[0])
        if handler is not None and len(words) > 1 and _handled(handler, state, number, words):
            state.recognized.add(number)
        state.aspects[number] = aspects_of(words, state)
    if script is not None:
        # No terminator: what followed was configuration the router would not have read as a script
        # either; never let it vanish into one.
        state.recognized.difference_update(range(script[0], len(raw) + 1))
    return _device(state, file, encoding)


def _handled(handler: Handler, state: State, number: int, words: list[str]) -> bool:
    """Apply a command; one whose values do not read (`login timer \\600`) is reported, never raised."""
    try:
        return handler(state, number, words)
    except (ValueError, IndexError, KeyError):
        state.unparsed.add(number)
        return False


def _comment(state: State, number: int, stripped: str) -> bool:
    if _PROMPT.match(stripped):
        state.recognized.add(number)
        return True
    if not stripped.startswith("#"):
        return False
    state.recognized.add(number)
    if (match := _HEADER.match(stripped)) and state.os_version is None:
        state.model, state.os_version, state.os_version_line = match[1], match[2], number
    return True


def _definitions(state: State) -> tuple[Definition, ...]:
    """Each static and dynamic filter, by its number, with its line."""
    found = []
    for table in (state.filters, state.dynamics):
        for (family, number), kept in table.items():
            kind = f"{'ip' if family == 4 else 'ipv6'} filter{' dynamic' if kept.dynamic else ''}"
            found.append(Definition(kind, str(number), (kept.line,)))
    return tuple(found)


def _device(state: State, file: str, encoding: str) -> Device:
    masked = tuple(map(mask_line, state.raw))
    acls = [acl for interface in state.interfaces.values() for acl in _lists(state, interface)]
    return Device(
        hostname=None,
        platform=PLATFORM,
        os_version=state.os_version,
        os_version_line=state.os_version_line,
        source=SourceText(file=file, lines=masked, encoding=encoding),
        interfaces=tuple(_interface(state, i) for i in state.interfaces.values()),
        acls=(*acls, *_host_acls(state)),
        static_routes=tuple(state.routes),
        nat=tuple(_nat_rules(state)),
        crypto=_crypto(state),
        vpns=tuple(_vpns(state)),
        management=management(state),
        accounts=Accounts(
            users=tuple(state.accounts), enable=tuple(state.administrator), line_passwords=tuple(state.login_passwords)
        ),
        logging=Logging(
            ntp_servers=tuple(server for server, _ in state.ntp),
            ntp_lines=tuple(line for _, line in state.ntp),
            syslog_hosts=tuple(server for server, _ in state.syslog),
            syslog_lines=tuple(line for _, line in state.syslog),
            # The router dates every log entry with its own clock; there is no setting to turn it off.
            timestamp_lines=tuple(line for _, line in state.syslog),
            login_log_lines=tuple(state.login_log_lines),
            config_change_log_lines=tuple(state.command_log_lines),
        ),
        secrets=tuple(state.secrets),
        definitions=_definitions(state),
        nat_outside_filters=True,
        unrecognized=tuple(
            Unrecognized(number, masked[number - 1], state.aspects.get(number, frozenset()))
            for number, line in enumerate(state.raw, start=1)
            if line.strip() and (number not in state.recognized or number in state.unparsed)
        ),
    )


# --- interfaces and filters -----------------------------------------------------------------------------


def _kind(name: str) -> InterfaceKind:
    if name.startswith("pp"):
        return InterfaceKind.DIALER
    if name.startswith("tunnel"):
        return InterfaceKind.TUNNEL
    if name.startswith("loopback"):
        return InterfaceKind.LOOPBACK
    if name.startswith("bridge"):
        return InterfaceKind.BRIDGE
    if "/" in name or name.startswith("vlan"):
        return InterfaceKind.VLAN
    return InterfaceKind.SUBINTERFACE if "." in name else InterfaceKind.PHYSICAL


def list_name(interface: str, family: int, direction: str) -> str:
    """The name under which onshi reports a bound list: as the command that binds it."""
    return f"{'ip' if family == 4 else 'ipv6'} {interface} secure filter {direction}"


def _lists(state: State, interface: InterfaceState) -> list[Acl]:
    """Each bound list as one ACL; a number whose filter is missing or unreadable (reported as an
    unrecognized line) leaves the list inexact."""
    return [
        secure_list(
            list_name(interface.name, family, direction),
            family,
            binding,
            (state.filters, state.dynamics),
            state.unreadable_filters,
        )
        for (family, direction), binding in interface.secure.items()
    ]


def _interface(state: State, interface: InterfaceState) -> Interface:
    def bound(family: int, direction: str) -> str | None:
        return list_name(interface.name, family, direction) if (family, direction) in interface.secure else None

    outside = bool(interface.nat_descriptors)
    any_nat = any(i.nat_descriptors for i in state.interfaces.values())
    nat = NatRole.OUTSIDE if outside else (NatRole.INSIDE if any_nat and _kind(interface.name) not in (
        InterfaceKind.DIALER, InterfaceKind.TUNNEL) else None)  # fmt: skip
    tunnel = None
    if interface.encapsulation is not None or interface.ipsec_policy is not None:
        mode = "ipsec" if interface.ipsec_policy is not None else (interface.encapsulation or "other")
        mode = INTERNET_ACCESS if mode in _ACCESS_TUNNELS else mode
        gateway = _gateway(state, interface)
        tunnel = TunnelConfig(mode, None, interface.endpoint or (gateway.remote if gateway else None),
                              str(interface.ipsec_policy or "") or None, None, tuple(interface.lines))  # fmt: skip
    return Interface(
        name=interface.name,
        kind=_kind(interface.name),
        description=interface.description,
        shutdown=not interface.enabled,
        vrf=None,
        ipv4=tuple(interface.ipv4),
        ipv4_dhcp=interface.ipv4_dhcp,
        ipv4_negotiated=interface.ipv4_negotiated or (interface.name.startswith("pp") and not interface.ipv4),
        ipv6=tuple(interface.ipv6),
        ipv6_enabled=interface.ipv6_enabled,
        ipv6_autoconfig=interface.ipv6_autoconfig,
        ipv6_prefix_from=interface.ipv6_prefix_from,
        acl_in=bound(4, "in"),
        acl_out=bound(4, "out"),
        ipv6_acl_in=bound(6, "in"),
        ipv6_acl_out=bound(6, "out"),
        nat=nat,
        zone=None,
        crypto_map=None,
        dialer_pool=None,
        pppoe_client=interface.pppoe_over is not None,
        cdp_enabled=False,  # Yamaha has no CDP
        vlan_id=interface.vlan_id,
        tunnel=tunnel,
        urpf=False,
        lines=tuple(interface.lines),
    )


def _gateway(state: State, interface: InterfaceState) -> IkeGateway | None:
    """The IKE gateway (``ipsec ike ... N``) a tunnel's ``ipsec tunnel N`` policy uses."""
    policy = state.sa_policies.get(interface.ipsec_policy) if interface.ipsec_policy is not None else None
    return state.gateways.get(policy.gateway) if policy is not None else None


def _nat_rules(state: State) -> list[NatRule]:
    """Port forwards name the interface their descriptor is bound to."""
    bound = {d: name for name, i in state.interfaces.items() for d in i.nat_descriptors}
    return [_bound_to(rule, bound) for rule in state.nat_rules]


def _bound_to(rule: NatRule, bound: dict[int, str]) -> NatRule:
    descriptor = rule.outside_interface
    if descriptor is None or not descriptor.startswith(DESCRIPTOR):
        return rule
    return replace(rule, outside_interface=bound.get(int(descriptor.removeprefix(DESCRIPTOR))))


# --- IPsec ------------------------------------------------------------------------------------------------

_ENCRYPTION_DEFAULT = "3des-cbc"  # Yamaha's `ipsec ike encryption` default
_HASH_DEFAULT = "sha"
_GROUP_DEFAULT = 2  # modp1024


def _crypto(state: State) -> Crypto:
    gateways = list(state.gateways.values())
    return Crypto(
        ike_proposals=tuple(_proposal(gateway) for gateway in gateways),
        peer_keys=tuple(
            IkePeerKey(gateway.remote or "any", gateway.remote in (None, "any"), gateway.psk, gateway.psk_line)
            for gateway in gateways
            if gateway.psk is not None and gateway.psk_line is not None
        ),
        transform_sets=tuple(
            TransformSet(f"ipsec sa policy {p.number}", p.encryption, p.integrity, p.line)
            for p in state.sa_policies.values()
        ),
        policies=tuple(_sa_policy(p, state.gateways.get(p.gateway)) for p in state.sa_policies.values()),
        dpd_lines=tuple(line for g in gateways for line in g.keepalive_lines),
        aggressive_mode_lines=tuple(line for g in gateways if g.version == 1 for line in g.local_name_lines),
        # Yamaha negotiates aggressive mode only for a gateway identified by name; others use main mode.
        aggressive_mode_refused=True,
    )


def _proposal(gateway: IkeGateway) -> IkeProposal:
    """An IKE gateway's algorithms; what it does not write is Yamaha's default, and named as such."""
    written = (("encryption", gateway.encryption), ("integrity", gateway.hashes), ("group", gateway.groups))
    return IkeProposal(
        name=f"ipsec ike {gateway.number}",
        version=2 if gateway.version == 2 else 1,
        encryption=tuple(gateway.encryption or [_ENCRYPTION_DEFAULT]),
        integrity=tuple(gateway.hashes or [_HASH_DEFAULT]),
        groups=tuple(gateway.groups or [_GROUP_DEFAULT]),
        authentication="pre-share" if gateway.psk else None,
        defaults_used=tuple(name for name, given in written if not given),
        line=min(gateway.lines),
        lines=tuple(gateway.algorithm_lines),
    )


def _sa_policy(policy: SaPolicy, gateway: IkeGateway | None) -> IpsecPolicy:
    name = f"ipsec sa policy {policy.number}"
    pfs = (gateway.groups or [_GROUP_DEFAULT])[0] if gateway is not None and gateway.pfs else None
    return IpsecPolicy(
        name=name,
        kind="profile",
        manual_keys=False,
        peers=(gateway.remote,) if gateway is not None and gateway.remote else (),
        transform_sets=(name,),
        pfs_group=pfs,
        match_acl=None,
        ike_version=2 if gateway is not None and gateway.version == 2 else 1,
        ike_profile=None,
        line=policy.line,
        lines=(policy.line,),
    )


def _vpns(state: State) -> list[VpnEndpoint]:
    found = []
    for interface in state.interfaces.values():
        if interface.ipsec_policy is not None:
            gateway = _gateway(state, interface)
            remote = gateway.remote if gateway is not None else None
            peers = (remote,) if remote else ()
            keepalive = tuple(gateway.keepalive_lines) if gateway is not None else ()
            carries_l2tp = interface.encapsulation == "l2tp"  # L2TP/IPsec: persons log in through PPP
            found.append(VpnEndpoint(VpnKind.IPSEC, interface.name, peers, remote in (None, "any"), True,
                                     tuple(interface.lines), dpd_lines=keepalive, remote_access=carries_l2tp,
                                     ike_gateway=str(gateway.number) if gateway is not None else None,
                                     logins=_dial_in_logins(state) if carries_l2tp else ()))  # fmt: skip
        elif interface.encapsulation == "l2tpv3":
            kind = VpnKind.L2TPV3
            found.append(VpnEndpoint(kind, interface.name, (interface.endpoint,) if interface.endpoint else (), False,
                                     False, tuple(interface.lines)))  # fmt: skip
    for protocol, line in state.listeners:
        kind = VpnKind.PPTP if protocol == "pptp" else VpnKind.L2TP
        found.append(VpnEndpoint(kind, f"{protocol} service (line {line})", (), True, protocol == "l2tp", (line,),
                                 remote_access=True, logins=_dial_in_logins(state)))  # fmt: skip
    return found


def _dial_in_logins(state: State) -> tuple[RemoteLogin, ...]:
    """PPP logins of L2TP and PPTP callers: a RADIUS server when ``radius auth on`` (its second
    factor is not in this config), else each ``pp auth username`` by password alone (RTX has no
    one-time password or client certificate for PPP)."""
    if state.radius_auth_lines:
        return (RemoteLogin("RADIUS", LoginFactor.EXTERNAL, tuple(state.radius_auth_lines)),)
    return tuple(RemoteLogin(f"user {name}", LoginFactor.PASSWORD, (line,)) for name, line in state.dial_in_users)


# --- management ---------------------------------------------------------------------------------------------


def _host_acls(state: State) -> list[Acl]:
    """``telnetd host`` / ``sshd host`` / ``httpd host`` address lists as ACLs (``lan`` and interface
    names: the LAN interfaces' own prefixes, as the router answers only hosts arriving there)."""
    return [acl for name, (values, line) in state.hosts.items() if (acl := host_acl(state, name, values, line))]
