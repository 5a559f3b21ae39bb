"""The facility policy and a host's baseline variables, turned into a neutral plan of what the
baseline config must do: which packets each interface admits, which VPNs exist, which secrets.

Pure functions over frozen dataclasses. A platform module formats the plan; its template renders it.
Anything the baseline cannot express is a :class:`GenerateError` naming the host and the field, so
that nothing is half-rendered.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from onshi.generate.variables import BaselineVars
from onshi.policy import DEVICE, INTERNET, FacilityPolicy, Flow, Segment, Vpn

IPv4 = ipaddress.IPv4Network
PRIVATE = (IPv4("10.0.0.0/8"), IPv4("172.16.0.0/12"), IPv4("192.168.0.0/16"))
FIRST_TUNNEL = 10


class GenerateError(ValueError):
    """A baseline that cannot be generated: names the host and the field."""

    def __init__(self, host: str, field: str, message: str) -> None:
        super().__init__(f"host {host}, field {field}: {message}")
        self.host, self.field = host, field


class SecretValue:
    """A secret read from the environment. Its repr never shows it; only a platform hashes it."""

    def __init__(self, variable: str, value: str) -> None:
        self.variable = variable
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"SecretValue(${self.variable}, ********)"


@dataclass(frozen=True, slots=True)
class FilterEntry:
    action: Literal["permit", "deny"]
    protocol: Literal["ip", "tcp", "udp", "icmp", "esp"]
    source: IPv4 | None  # None: any
    destination: IPv4 | None
    ports: tuple[int, ...] = ()  # destination ports (tcp/udp); () for all


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    name: str
    description: str
    vlan: int
    gateway: ipaddress.IPv4Interface
    filter_in: tuple[FilterEntry, ...]  # then deny everything
    nat: bool  # has internet flows: translated to the uplink address


@dataclass(frozen=True, slots=True)
class VpnPlan:
    name: str
    owner: str
    tunnel: int
    peer: ipaddress.IPv4Address
    address: ipaddress.IPv4Interface
    remote_prefixes: tuple[IPv4, ...]
    filter_in: tuple[FilterEntry, ...]
    filter_out: tuple[FilterEntry, ...]


@dataclass(frozen=True, slots=True)
class UplinkPlan:
    kind: Literal["pppoe", "dhcp"]
    interface: str
    pppoe_username: str | None
    pppoe_password: SecretValue | None
    filter_in: tuple[FilterEntry, ...]
    # Isolated with VPNs kept: (inbound, outbound) filters bound instead of filter_in (then deny all).
    # Separate lists, because one emptied entry by entry while bound would permit everything for a moment.
    isolate: tuple[tuple[FilterEntry, ...], tuple[FilterEntry, ...]] | None = None


@dataclass(frozen=True, slots=True)
class BaselinePlan:
    host: str
    hostname: str
    domain_name: str
    lan_interface: str
    segment_interfaces: Literal["svi", "subinterface"]
    segments: tuple[SegmentPlan, ...]
    vpns: tuple[VpnPlan, ...]
    uplink: UplinkPlan
    management_sources: tuple[IPv4, ...]
    ntp_servers: tuple[str, ...]
    syslog_servers: tuple[str, ...]
    session_timeout: int
    trustpoint: str
    enable_secret: SecretValue
    users: tuple[tuple[str, SecretValue], ...]
    isolation_keep: tuple[str, ...] = ()  # VPNs that stay up when the external network is cut
    isolated: bool = False  # the incident variant (MHLW6 18 ①): internet and other VPNs cut

    def isolated_variant(self) -> BaselinePlan:
        """The incident config: only the kept VPNs' IKE and ESP cross the uplink (when none is kept,
        the uplink is shut), the other tunnels are shut."""
        kept = [vpn.peer for vpn in self.vpns if vpn.name in self.isolation_keep]
        if not kept:  # the uplink is shut: its filters stay as they are
            return replace(self, isolated=True)
        # Outbound, nothing is forwarded: the device's own IKE and ESP to the kept peers are not subject
        # to an outbound ACL on IOS, and a permit for them would let the LAN's translated traffic out too.
        isolate = (_wan_filter(kept), ())
        uplink = replace(self.uplink, isolate=isolate)
        return replace(self, isolated=True, uplink=uplink)


def plan_baseline(
    host: str, policy: FacilityPolicy, variables: BaselineVars, environment: Mapping[str, str]
) -> BaselinePlan:
    _check_supported(host, policy)
    segments = {segment.name: _prefix(host, segment) for segment in policy.segments}
    gateways = {name: _gateway(host, name, prefix, variables) for name, prefix in segments.items()}
    vpns = tuple(_vpn(host, index, vpn, policy=policy, variables=variables, prefixes=segments)
                 for index, vpn in enumerate(policy.vpns))  # fmt: skip
    return BaselinePlan(
        host=host,
        hostname=variables.hostname or host,
        domain_name=variables.domain_name,
        lan_interface=variables.lan_interface,
        segment_interfaces=variables.segment_interfaces,
        segments=tuple(
            _segment(host, s, policy=policy, variables=variables, prefixes=segments, gateways=gateways)
            for s in policy.segments
        ),
        vpns=vpns,
        uplink=_uplink(host, variables, vpns, environment),
        management_sources=tuple(_ipv4_only(host, "facility.management_sources", policy.management_sources)),
        ntp_servers=tuple(policy.ntp_servers),
        syslog_servers=tuple(policy.syslog_servers),
        session_timeout=policy.session_timeout_minutes,
        trustpoint=variables.trustpoint,
        enable_secret=_secret(host, "baseline.enable_secret_env", variables.enable_secret_env, environment),
        users=tuple(
            (user.name, _secret(host, f"baseline.users[{i}].secret_env", user.secret_env, environment))
            for i, user in enumerate(variables.users)
        ),
        isolation_keep=tuple(policy.isolation_keep),
    )


# --- what the baseline supports ----------------------------------------------------------------------


def _check_supported(host: str, policy: FacilityPolicy) -> None:
    if policy.connection != "ipsec_ike":
        raise GenerateError(host, "facility.connection", f"the baseline for {policy.connection!r} (NGN IPv6 IPoE) "
                            "is not implemented yet; only 'ipsec_ike' can be generated")  # fmt: skip
    segments = {segment.name for segment in policy.segments}
    for index, flow in enumerate(policy.flows):
        if flow.source in (INTERNET, DEVICE):
            raise GenerateError(host, f"facility.flows[{index}]", f"flows from {flow.source!r} are not generated "
                                "(a published service needs a reviewed static NAT, never a baseline)")  # fmt: skip
        if flow.source not in segments and flow.destination not in segments:
            raise GenerateError(host, f"facility.flows[{index}]", f"a flow from VPN {flow.source!r} is generated "
                                "only to a segment")  # fmt: skip
    for vpn in policy.vpns:
        if vpn.listener is not None:
            raise GenerateError(host, f"facility.vpns[{vpn.name}].listener", "remote-access listeners are not "
                                "generated; use site-to-site IPsec")  # fmt: skip


def _prefix(host: str, segment: Segment) -> IPv4:
    if len(segment.ipv4) != 1 or segment.ipv6:
        raise GenerateError(host, f"facility.segments[{segment.name}]",
                            "the baseline needs exactly one IPv4 prefix and no IPv6 prefix per segment")  # fmt: skip
    return segment.ipv4[0]


def _ipv4_only(host: str, field: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> list[IPv4]:
    result = []
    for network in networks:
        if not isinstance(network, IPv4):
            raise GenerateError(host, field, f"{network} is IPv6; the baseline is IPv4-only for now")
        result.append(network)
    return result


def _gateway(host: str, segment: str, prefix: IPv4, variables: BaselineVars) -> ipaddress.IPv4Interface:
    gateway = variables.gateways.get(segment) or ipaddress.IPv4Interface(f"{next(prefix.hosts())}/{prefix.prefixlen}")
    if gateway.network != prefix:
        raise GenerateError(host, f"baseline.gateways.{segment}", f"{gateway} is not in the segment's prefix {prefix}")
    return gateway


def _secret(host: str, field: str, variable: str, environment: Mapping[str, str]) -> SecretValue:
    value = environment.get(variable)
    if not value:
        raise GenerateError(host, field, f"environment variable {variable} is not set")
    return SecretValue(variable, value)


# --- filters from the declared flows ---------------------------------------------------------------------


def _permits(flow: Flow, source: IPv4 | None, destinations: tuple[IPv4 | None, ...]) -> list[FilterEntry]:
    return [
        FilterEntry("permit", flow.protocol, source, destination, tuple(flow.ports)) for destination in destinations
    ]


def _segment(
    host: str,
    segment: Segment,
    *,
    policy: FacilityPolicy,
    variables: BaselineVars,
    prefixes: Mapping[str, IPv4],
    gateways: Mapping[str, ipaddress.IPv4Interface],
) -> SegmentPlan:
    """The segment's inbound filter: its declared flows to segments, VPNs and the device, then to the
    internet (any address but the private ranges), then nothing else."""
    vlan = variables.vlans.get(segment.name)
    if vlan is None:
        raise GenerateError(host, f"baseline.vlans.{segment.name}", "every segment needs a VLAN id")
    own = prefixes[segment.name]
    inside: list[FilterEntry] = []
    outside: list[FilterEntry] = []
    vpns = {vpn.name: vpn for vpn in policy.vpns}
    for flow in (f for f in policy.flows if f.source == segment.name):
        if flow.destination in prefixes:
            inside += _permits(flow, own, (prefixes[flow.destination],))
        elif flow.destination in vpns:
            inside += _permits(flow, own, tuple(_ipv4_only(host, f"facility.vpns[{flow.destination}].remote_prefixes",
                                                           vpns[flow.destination].remote_prefixes)))  # fmt: skip
        elif flow.destination == DEVICE:
            inside += _permits(flow, own, (IPv4(gateways[segment.name].ip),))
        elif flow.destination == INTERNET:
            outside += _permits(flow, own, (None,))
    private = [FilterEntry("deny", "ip", None, network) for network in PRIVATE] if outside else []
    return SegmentPlan(segment.name, segment.description, vlan, gateways[segment.name],
                       (*inside, *private, *outside), nat=bool(outside))  # fmt: skip


def _vpn(
    host: str, index: int, vpn: Vpn, *, policy: FacilityPolicy, variables: BaselineVars, prefixes: Mapping[str, IPv4]
) -> VpnPlan:
    field = f"facility.vpns[{vpn.name}]"
    try:
        peers = [ipaddress.ip_address(str(peer)) for peer in vpn.peers]
    except ValueError:
        peers = []  # a host name: the tunnel needs the address it is pinned to
    if len(peers) != 1 or not isinstance(peers[0], ipaddress.IPv4Address):
        raise GenerateError(host, f"{field}.peers", "a generated VPN is pinned to exactly one IPv4 peer address")
    address = variables.tunnels.get(vpn.name)
    if address is None:
        raise GenerateError(host, f"baseline.tunnels.{vpn.name}", "the tunnel's inner address is needed")
    remote = tuple(_ipv4_only(host, f"{field}.remote_prefixes", vpn.remote_prefixes))
    if not remote:
        raise GenerateError(host, f"{field}.remote_prefixes", "a generated VPN carries only declared remote prefixes")
    inbound = [e for f in policy.flows if f.source == vpn.name and f.destination in prefixes
               for r in remote for e in _permits(f, r, (prefixes[f.destination],))]  # fmt: skip
    outbound = [e for f in policy.flows if f.destination == vpn.name and f.source in prefixes
                for e in _permits(f, prefixes[f.source], remote)]  # fmt: skip
    return VpnPlan(vpn.name, vpn.owner, FIRST_TUNNEL + index, peers[0], address, remote,
                   tuple(inbound), tuple(outbound))  # fmt: skip


def _uplink(
    host: str, variables: BaselineVars, vpns: tuple[VpnPlan, ...], environment: Mapping[str, str]
) -> UplinkPlan:
    """The internet side admits the VPN peers' IKE and ESP and nothing else unsolicited."""
    uplink = variables.uplink
    password = None
    if uplink.kind == "pppoe":
        if not uplink.pppoe_username or not uplink.pppoe_password_env:
            raise GenerateError(host, "baseline.uplink", "PPPoE needs pppoe_username and pppoe_password_env")
        password = _secret(host, "baseline.uplink.pppoe_password_env", uplink.pppoe_password_env, environment)
    return UplinkPlan(uplink.kind, uplink.interface, uplink.pppoe_username, password,
                      _wan_filter([vpn.peer for vpn in vpns]))  # fmt: skip


def _wan_filter(peers: list[ipaddress.IPv4Address]) -> tuple[FilterEntry, ...]:
    """Nothing to private addresses; from each peer, its IKE and ESP; then (the template) nothing."""
    entries = [FilterEntry("deny", "ip", None, network) for network in PRIVATE]
    for peer in peers:
        entries += _ipsec(IPv4(peer), None)
    return tuple(entries)


def _ipsec(source: IPv4 | None, destination: IPv4 | None) -> list[FilterEntry]:
    """IKE (udp/500, NAT-T udp/4500) and ESP between the device and a VPN peer."""
    return [FilterEntry("permit", "udp", source, destination, (500,)),
            FilterEntry("permit", "udp", source, destination, (4500,)),
            FilterEntry("permit", "esp", source, destination)]  # fmt: skip
