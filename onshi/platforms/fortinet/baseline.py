"""The neutral baseline plan as a FortiGate: VLAN interfaces, firewall objects and policies, IPsec
tunnels, administrators and the wireless controller's VAPs. Python prepares names and fields;
``fortinet/firewall.j2`` only prints them.

How the plan becomes FortiOS:

- each segment is a VLAN interface of the LAN port, named ``vlanN`` (never a port's name) with the
  segment's name as its alias; what it may open towards each destination (a
  segment, a VPN's tunnel interface, the internet) is one ``accept`` policy per declared flow entry,
  in the plan's order, the internet's after a ``deny`` of the private ranges. Policies are stateful,
  so replies come back; everything else meets the implicit deny;
- what a segment may reach on the FortiGate itself is its interface's ``allowaccess`` (SSH, HTTPS,
  ping, SNMP: FortiOS opens nothing else to an interface), and the administrators' trusted hosts are
  the management sources;
- each VPN is a route-based IKEv2 tunnel pinned to its peer, with one phase 2 selector per pair of
  local segment and remote prefix, a route to each remote prefix and a blackhole behind it, so that
  a tunnel that is down never sends the claims traffic out to the internet;
- a closed network (IP-VPN over NGN IPv6 IPoE) is its own port, learning its address and gateway
  by DHCPv6 and router advertisements, with the VPN's prefixes routed out of it; dual-stack
  segments advertise their prefix, and IPv6 flows are policies naming ``srcaddr6``/``dstaddr6``;
- the isolated variant (MHLW6 18 ①) keeps only the policies of the VPNs kept: no policy, no path.
  With no VPN kept the uplink port is shut.

Passwords are stored as FortiOS's own ``SH2`` hash (salted SHA-256), computed here with a salt derived
from the host and the account, so output is deterministic; a hash the running config already holds
for the same password is kept. Keys the FortiGate must send (IKE, PPPoE, Wi-Fi, RADIUS) are written
as entered: FortiOS encrypts them with its own key when the config is loaded.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from onshi.generate.filters import PRIVATE, FilterEntry, IPv4, IPv6, Network, Towards
from onshi.generate.plan import (
    BaselinePlan,
    ClosedNetworkPlan,
    GenerateError,
    SecretValue,
    SegmentPlan,
    VpnPlan,
)
from onshi.generate.roles import Plan
from onshi.generate.wireless import SsidPlan
from onshi.platforms.fortinet.tree import parse_tree, quoted
from onshi.platforms.templates import baseline_environment
from onshi.terms import DEVICE, INTERNET

# FortiOS's constant in its SH2 admin password hash: SHA-256(salt | password | magic), salt 12 bytes.
_SH2_MAGIC = bytes.fromhex("a388ba2e424cb04a537930c13107cc3fa1329029a9815b70")
_NAME_LIMIT = 15  # interface and phase 1 names
_POLICY_NAME_LIMIT = 35
_TRUSTHOSTS = 10
# What `allowaccess` can open, by the flow to the device that needs it.
_ALLOWACCESS = {("tcp", 22): "ssh", ("tcp", 443): "https", ("udp", 161): "snmp"}
_PRIVATE_GROUP = "private-networks"
_LINK_MESSAGES = ("nd-ns", "nd-na", "router-solicitation")


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    subnet: str  # "192.168.10.0 255.255.255.0"


@dataclass(frozen=True, slots=True)
class Address6:
    name: str
    prefix: str  # "2001:db8:4000::/40"


@dataclass(frozen=True, slots=True)
class CustomService:
    name: str
    protocol: str  # "tcp" or "udp"
    ports: str  # "22 443"


@dataclass(frozen=True, slots=True)
class Policy:
    number: int
    name: str
    source_interface: str
    destination_interface: str
    source_address: str
    destination_address: str
    service: str
    accept: bool
    nat: bool
    family: int = 4  # 6: a consolidated policy naming IPv6 addresses (srcaddr6/dstaddr6) only


@dataclass(frozen=True, slots=True)
class VlanInterface:
    name: str  # vlanN: never a port's name, so a baseline never collides with the hardware
    alias: str  # the segment's name, as far as FortiOS's 25 characters go
    description: str
    vlan: int
    address: str  # "192.168.10.1 255.255.255.0"
    allowaccess: tuple[str, ...]
    address6: str | None = None  # "2001:db8:1510:10::1/64": dual-stack, advertised for SLAAC
    prefix6: str | None = None
    allowaccess6: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClosedPort:
    """The port on a carrier's closed network (IP-VPN over NGN IPv6 IPoE): its address and default
    route from router advertisements and DHCPv6, the VPN's prefixes routed out of it."""

    interface: str
    name: str
    owner: str
    remote: tuple[str, ...]
    up: bool


@dataclass(frozen=True, slots=True)
class Selector:
    """A phase 2 selector: local and remote subnets as FortiOS writes them."""

    name: str
    local: str
    remote: str


@dataclass(frozen=True, slots=True)
class Tunnel:
    name: str
    owner: str
    peer: ipaddress.IPv4Address
    psk: str
    selectors: tuple[Selector, ...]
    remote: tuple[str, ...]  # its remote prefixes, routed into the tunnel


@dataclass(frozen=True, slots=True)
class LanRoute:
    """A VPN's prefix routed to the router on a segment that terminates it (a provider's VPN router)."""

    prefix: str
    router: ipaddress.IPv4Address
    interface: str


@dataclass(frozen=True, slots=True)
class Admin:
    name: str
    password: str  # "SH2…"


@dataclass(frozen=True, slots=True)
class Vap:
    name: str
    ssid: str
    guest: bool  # WPA2-personal, broadcast; internal: WPA2-enterprise through RADIUS, hidden
    passphrase: str | None
    vlan: int


@dataclass(frozen=True, slots=True)
class FortiGate:
    plan: BaselinePlan
    uplink_up: bool
    segments: tuple[VlanInterface, ...]
    tunnels: tuple[Tunnel, ...]
    closed: tuple[ClosedPort, ...]
    lan_routes: tuple[LanRoute, ...]
    addresses: tuple[Address, ...]
    addresses6: tuple[Address6, ...]
    private: tuple[str, ...]  # the private ranges' address names (group "private-networks")
    services: tuple[CustomService, ...]
    policies: tuple[Policy, ...]
    admins: tuple[Admin, ...]
    trusthosts: tuple[str, ...]
    vaps: tuple[Vap, ...]
    radius_key: str | None
    private_group: str = _PRIVATE_GROUP


def render_baseline(plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
    if not isinstance(plan, BaselinePlan):
        raise jinja2.TemplateNotFound(f"{role}.j2")  # a FortiGate's access points are its own VAPs
    environment = baseline_environment("fortinet", template_dirs)
    environment.filters["quoted"] = quoted
    template = environment.get_template(f"{role}.j2")
    return template.render(fortigate=fortigate(plan, running_hashes(running)), plan=plan)


def fortigate(plan: BaselinePlan, running: dict[str, str] | None = None) -> FortiGate:
    """The plan in FortiOS's terms, or a :class:`GenerateError` for what the baseline cannot say."""
    _check_supported(plan)
    names = _Names(plan)
    policies = _Policies(plan, names)
    parts: tuple[SegmentPlan | VpnPlan | ClosedNetworkPlan, ...] = (*plan.segments, *plan.vpns,
                                                                    *plan.closed_networks)  # fmt: skip
    for part in parts:
        if part.name not in policies.cut:
            policies.add(part.name, part.towards)
    segments = tuple(_vlan_interface(plan, policies.interfaces[s.name], s) for s in plan.segments)
    denies = any(not policy.accept for policy in policies.found)
    private = tuple(names.address(network) for network in PRIVATE) if denies else ()
    return FortiGate(
        plan=plan,
        uplink_up=not plan.uplink.shut,  # isolated with no VPN kept
        segments=segments,
        tunnels=tuple(_tunnel(plan, vpn) for vpn in plan.vpns),
        closed=tuple(_closed_port(plan, network) for network in plan.closed_networks),
        lan_routes=_lan_routes(plan, policies.interfaces),
        addresses=tuple(names.addresses.values()),
        addresses6=tuple(names.addresses6.values()),
        private=private,
        services=tuple(names.services.values()),
        policies=tuple(policies.found),
        admins=_admins(plan, running or {}),
        trusthosts=tuple(_subnet(network) for network in plan.management_sources),
        vaps=tuple(_vap(index, ssid) for index, ssid in enumerate(plan.ssids, start=1)),
        radius_key=plan.radius.key.reveal() if plan.radius else None,
    )


def _lan_routes(plan: BaselinePlan, interfaces: dict[str, str]) -> tuple[LanRoute, ...]:
    return tuple(LanRoute(_subnet(prefix), vpn.router, interfaces[vpn.segment])
                 for vpn in plan.lan_vpns for prefix in vpn.remote_prefixes)  # fmt: skip


def _closed_port(plan: BaselinePlan, network: ClosedNetworkPlan) -> ClosedPort:
    remote = tuple(str(prefix) for prefix in network.remote_prefixes)
    return ClosedPort(network.interface, network.name, network.owner, remote, up=not plan.cut(network.name))


def _vlan_interface(plan: BaselinePlan, name: str, segment: SegmentPlan) -> VlanInterface:
    six = segment.gateway6
    return VlanInterface(name, segment.name[:25], segment.description, segment.vlan, _subnet(segment.gateway),
                         _allowaccess(plan, segment.name, segment.towards, 4),
                         str(six) if six else None, str(six.network) if six else None,
                         _allowaccess(plan, segment.name, segment.towards, 6))  # fmt: skip


def _vap(index: int, ssid: SsidPlan) -> Vap:
    return Vap(f"onshi-vap{index}", ssid.name, ssid.guest, ssid.passphrase.reveal() if ssid.passphrase else None,
               ssid.vlan)  # fmt: skip


def _check_supported(plan: BaselinePlan) -> None:
    if plan.uplink.carries is not None:
        raise GenerateError(plan.host, "data.vpn_interfaces", f"{plan.uplink.interface} would carry both the PPPoE "
                            f"internet line and closed network {plan.uplink.carries!r}: give the closed network "
                            "its own port on a FortiGate")  # fmt: skip
    taken = {plan.uplink.interface, plan.lan_interface, *(f"vlan{s.vlan}" for s in plan.segments),
             *(n.interface for n in plan.closed_networks)}  # fmt: skip
    for name in (vpn.name for vpn in plan.vpns):
        if len(name) > _NAME_LIMIT or name in taken:
            raise GenerateError(plan.host, f"facility.vpns[{name}]", f"a VPN is a FortiGate tunnel interface: a name "
                                f"of at most {_NAME_LIMIT} characters, not a port's or a VLAN's")  # fmt: skip
    if len(plan.management_sources) > _TRUSTHOSTS:
        raise GenerateError(plan.host, "facility.management_sources", f"an administrator has at most {_TRUSTHOSTS} "
                            "trusted hosts")  # fmt: skip
    if any(name == "admin" for name, _ in plan.users):
        raise GenerateError(plan.host, "baseline.users", "'admin' is the built-in account, whose password is "
                            "enable_secret_env: name each person's own account")  # fmt: skip


def _subnet(network: IPv4 | ipaddress.IPv4Interface) -> str:
    return f"{network.network_address if isinstance(network, IPv4) else network.ip} {network.netmask}"


class _Names:
    """Address and service objects, one per distinct network and (protocol, ports), named for people."""

    def __init__(self, plan: BaselinePlan) -> None:
        self.known: dict[IPv4, str] = {}
        for segment in plan.segments:
            self.known[segment.gateway.network] = f"{segment.name}-net"
        remote: list[tuple[str, tuple[IPv4, ...]]] = [(v.name, v.remote_prefixes) for v in plan.vpns]
        remote += [(v.name, v.remote_prefixes) for v in plan.lan_vpns]
        for name, prefixes in remote:
            for index, prefix in enumerate(prefixes, start=1):
                suffix = "" if len(prefixes) == 1 else str(index)
                self.known.setdefault(prefix, f"{name}-net{suffix}")
        for network in PRIVATE:
            self.known.setdefault(network, f"private-{network.network_address}")
        self.known6: dict[IPv6, str] = {}
        for segment in plan.segments:
            if segment.gateway6 is not None:
                self.known6[segment.gateway6.network] = f"{segment.name}-net6"
        for closed in plan.closed_networks:
            for index, prefix6 in enumerate(closed.remote_prefixes, start=1):
                suffix = "" if len(closed.remote_prefixes) == 1 else str(index)
                self.known6.setdefault(prefix6, f"{closed.name}-net6{suffix}")
        self.addresses: dict[str, Address] = {}
        self.addresses6: dict[str, Address6] = {}
        self.services: dict[str, CustomService] = {}

    def address(self, network: Network | None) -> str:
        if network is None:
            return "all"
        if isinstance(network, IPv6):
            name = self.known6.get(network) or f"net6-{network.network_address}-{network.prefixlen}"
            self.addresses6.setdefault(name, Address6(name, str(network)))
            return name
        name = self.known.get(network) or f"net-{network.network_address}-{network.prefixlen}"
        self.addresses.setdefault(name, Address(name, _subnet(network)))
        return name

    def service(self, entry: FilterEntry, family: int) -> str:
        if entry.protocol == "ip":
            return "ALL"
        if entry.protocol == "icmp":
            return "ALL_ICMP6" if family == 6 else "ALL_ICMP"
        if entry.protocol == "esp":
            return "ESP"
        if not entry.ports:
            return f"ALL_{entry.protocol.upper()}"
        ports = " ".join(map(str, entry.ports))
        name = f"{entry.protocol}-{ports.replace(' ', '-')}"
        if len(name) > 79:  # FortiOS's limit: a digest keeps long port lists apart
            name = f"{entry.protocol}-{len(entry.ports)}-ports-{hashlib.sha256(ports.encode()).hexdigest()[:8]}"
        self.services.setdefault(name, CustomService(name, entry.protocol, ports))
        return name


class _Policies:
    """Policies in the plan's order; numbered as written, so ``edit`` order is the table order."""

    def __init__(self, plan: BaselinePlan, names: _Names) -> None:
        self.plan, self.names = plan, names
        self.found: list[Policy] = []
        self.interfaces = {s.name: f"vlan{s.vlan}" for s in plan.segments} | {v.name: v.name for v in plan.vpns}
        self.interfaces |= {n.name: n.interface for n in plan.closed_networks}
        self.interfaces[INTERNET] = plan.uplink.interface
        # Isolated (MHLW6 18 ①): the internet and the VPNs not kept lose their policies.
        vpns = [*(vpn.name for vpn in plan.vpns), *(network.name for network in plan.closed_networks)]
        self.cut = {name for name in vpns if plan.cut(name)} | ({INTERNET} if plan.isolated else set())

    def add(self, source: str, towards: Iterable[Towards]) -> None:
        for found in towards:
            if found.destination == DEVICE or found.destination in self.cut:
                continue
            for entry in found.entries4:
                self._entry(source, found.destination, entry, 4)
            for entry in found.entries6:
                self._entry(source, found.destination, entry, 6)

    def _entry(self, source: str, destination: str, entry: FilterEntry, family: int) -> None:
        if entry.source_port is not None or entry.icmp is not None:
            raise GenerateError(self.plan.host, f"facility.flows ({source} to {destination})", "a flow by source "
                                "port or ICMP message is not generated for fortinet")  # fmt: skip
        internet = destination == INTERNET
        deny = entry.action == "deny"
        if deny and not (internet and entry.destination in PRIVATE):
            raise GenerateError(self.plan.host, f"facility.flows ({source} to {destination})", "only the private "
                                "ranges are denied, towards the internet")  # fmt: skip
        interface = self.interfaces[source]
        if deny and any(not p.accept and p.source_interface == interface for p in self.found):
            return  # one policy denies all three ranges
        number = len(self.found) + 1
        index = 1 + sum(p.accept and p.source_interface == interface and p.destination_interface ==
                        self.interfaces[destination] for p in self.found)  # fmt: skip
        name = f"{source}-{destination}" + ("-private" if deny else f"-{index}" if index > 1 else "")
        self.found.append(Policy(
            number=number,
            name=name if len(name) <= _POLICY_NAME_LIMIT else f"onshi-{number}",
            source_interface=interface,
            destination_interface=self.interfaces[destination],
            source_address=self.names.address(entry.source),
            destination_address=_PRIVATE_GROUP if deny else self.names.address(entry.destination),
            service="ALL" if deny else self.names.service(entry, family),
            accept=not deny,
            nat=internet and not deny,
            family=family,
        ))  # fmt: skip


def _allowaccess(plan: BaselinePlan, segment: str, towards: Iterable[Towards], family: int) -> tuple[str, ...]:
    """What the segment's flows to the device open on its interface (``ip6-allowaccess`` for IPv6);
    anything else is refused. Neighbour discovery and router solicitation FortiOS answers itself."""
    found: list[str] = []
    own = next((s for s in plan.segments if s.name == segment), None)
    whole = {own.gateway.network, own.gateway6.network if own.gateway6 else None} if own else set()
    for entry in (e for t in towards if t.destination == DEVICE for e in (t.entries6 if family == 6 else t.entries4)):
        if entry.icmp in _LINK_MESSAGES:
            continue
        if entry.source is not None and entry.source not in whole:
            raise GenerateError(plan.host, f"facility.flows ({segment} to device)", "allowaccess opens a service to "
                                "the whole interface: a flow to the device from some hosts only is not generated "
                                "for fortinet (trusted hosts are the management sources)")  # fmt: skip
        if entry.protocol == "icmp" and entry.icmp is None:
            found.append("ping")
            continue
        services = [_ALLOWACCESS.get((entry.protocol, port)) for port in entry.ports] or [None]
        if None in services:
            raise GenerateError(plan.host, f"facility.flows ({segment} to device)", "a FortiGate answers only SSH "
                                "(tcp/22), HTTPS (tcp/443), SNMP (udp/161) and ping on an interface")  # fmt: skip
        found += [s for s in services if s is not None]
    return tuple(dict.fromkeys(found))


def _tunnel(plan: BaselinePlan, vpn: VpnPlan) -> Tunnel:
    if vpn.psk is None:
        raise GenerateError(plan.host, f"baseline.psk_env.{vpn.name}", "a FortiGate tunnel authenticates with a "
                            "pre-shared key: name the environment variable that holds it")  # fmt: skip
    local = dict.fromkeys([*(e.source for e in vpn.filter_out), *(e.destination for e in vpn.filter_in)])
    pairs = [(near, far) for near in local if isinstance(near, IPv4) for far in vpn.remote_prefixes]
    selectors = tuple(Selector(f"{vpn.name}-{i}", _subnet(near), _subnet(far))
                      for i, (near, far) in enumerate(pairs, start=1))  # fmt: skip
    return Tunnel(vpn.name, vpn.owner, vpn.peer, vpn.psk.reveal(), selectors,
                  tuple(_subnet(prefix) for prefix in vpn.remote_prefixes))  # fmt: skip


# --- administrators -----------------------------------------------------------------------------------------


def _admins(plan: BaselinePlan, running: dict[str, str]) -> tuple[Admin, ...]:
    """The built-in ``admin`` (enable_secret_env) and each person's account."""
    accounts = [("admin", plan.enable_secret), *plan.users]
    return tuple(Admin(name, _hash(secret, f"{plan.host}:{name}", running.get(name))) for name, secret in accounts)


def sh2(password: str, salt: bytes) -> str:
    """FortiOS's stored form of an administrator password: ``SH2`` and base64(salt | SHA-256(salt |
    password | FortiOS's constant)), salt 12 bytes."""
    digest = hashlib.sha256(salt + password.encode() + _SH2_MAGIC).digest()
    return "SH2" + base64.b64encode(salt + digest).decode("ascii")


def sh2_matches(stored: str, password: str) -> bool:
    try:
        raw = base64.b64decode(stored.removeprefix("SH2"), validate=True)
    except ValueError:
        return False
    return stored.startswith("SH2") and len(raw) == 44 and sh2(password, raw[:12]) == stored


def _hash(secret: SecretValue, seed: str, running: str | None) -> str:
    """The device's own hash when it already stores this password (verify then shows no drift)."""
    if running is not None and sh2_matches(running, secret.reveal()):
        return running
    return sh2(secret.reveal(), hashlib.sha256(f"onshi-sh2:{seed}".encode()).digest()[:12])


def running_hashes(running: str) -> dict[str, str]:
    """The administrators' SH2 hashes in a running config, by account name."""
    found = {}
    for name, entry in parse_tree(running).block("system admin").entries.items():
        values = entry.values("password")
        if len(values) == 2 and values[0] == "ENC":
            found[name] = values[1]
    return found
