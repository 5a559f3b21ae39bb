"""The neutral baseline plan as a Yamaha RTX router: numbered filters, secure filter lists, VLANs,
tunnels. Python prepares the numbers and fields; ``yamaha_rtx/edge_router.j2`` only prints them.

How the plan's filters become Yamaha lists (first match, statics before dynamics, then reject):

- a segment's declared flows are ``dynamic`` filters of the ``filter M`` form, M a static filter
  naming the flow exactly: the flow may start, and its replies come back through every other list
  (the internet's, a tunnel's) without opening them. Internet flows are written towards the four
  ranges that are not private, so no ``reject`` has to precede them;
- a tunnel admits the VPN's declared flows into segments the same way, and nothing else;
- the line admits only IKE and ESP from each peer to the router's own address that NAT forwards
  them to (and, on a DHCP uplink, DHCP answers);
- a closed network (NGN IPv6 IPoE) admits router advertisements, neighbour discovery and DHCPv6
  answers to the router's link-scoped addresses, after rejecting spoofed own prefixes, and the
  declared flows into segments as dynamic filters, as a tunnel does.

Accounts: Yamaha's ``encrypted`` password form is the router's own and undocumented, so onshi cannot
compute it. The environment variables of ``enable_secret_env`` and the users' ``secret_env`` hold that
form, as ``show config`` prints it after the password was set once on the console with
``administrator password encrypted`` / ``login user NAME encrypted``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from onshi.analysis.addresses import BOGONS
from onshi.generate.filters import FilterEntry, IPv4, IPv6, Network
from onshi.generate.plan import BaselinePlan, ClosedNetworkPlan, GenerateError, SecretValue, SegmentPlan, VpnPlan
from onshi.generate.roles import Plan
from onshi.platforms.templates import render_router
from onshi.terms import DEVICE

_ENCRYPTED = re.compile(r"^[A-Za-z0-9./]{32}$")
# IPv4 outside the private ranges: where an internet flow may go, as ranges a filter can name.
PUBLIC = ("0.0.0.0-9.255.255.255", "11.0.0.0-172.15.255.255", "172.32.0.0-192.167.255.255",
          "192.169.0.0-255.255.255.255")  # fmt: skip
REJECT = 999999  # the one filter that rejects everything, for a list that lets nothing through
LINK_SCOPES = (IPv6("fe80::/10"), IPv6("ff02::/16"))
_ICMP = {"router-solicitation": 133, "router-advertisement": 134, "nd-ns": 135, "nd-na": 136}


@dataclass(frozen=True, slots=True)
class StaticFilter:
    """``ip filter N ACTION SRC DST PROTO SPORT DPORT`` (or ``ipv6 filter``), fields as written."""

    number: int
    action: str
    source: str
    destination: str
    protocol: str
    source_port: str
    destination_port: str


@dataclass(frozen=True, slots=True)
class DynamicFilter:
    """``ip filter dynamic N * * filter M in R``: what static M matches starts a session, and its
    replies (static R, M's mirror) come back."""

    number: int
    pattern: int
    reply: int


@dataclass(frozen=True, slots=True)
class SecureList:
    static: tuple[int, ...] = ()
    dynamic: tuple[int, ...] = ()

    @property
    def numbers(self) -> str:
        words = [*map(str, self.static), *(("dynamic", *map(str, self.dynamic)) if self.dynamic else ())]
        return " ".join(words)

    def __bool__(self) -> bool:
        return bool(self.static or self.dynamic)


@dataclass(frozen=True, slots=True)
class RtxSegment:
    name: str
    description: str
    interface: str
    vlan: int
    gateway: ipaddress.IPv4Interface
    gateway6: ipaddress.IPv6Interface | None
    list4: SecureList
    list6: SecureList


@dataclass(frozen=True, slots=True)
class RtxTunnel:
    name: str
    owner: str
    number: int
    peer: ipaddress.IPv4Address
    address: ipaddress.IPv4Interface
    remote_prefixes: tuple[IPv4, ...]
    psk: str
    list4: SecureList
    enabled: bool = True  # the isolated variant disables the tunnels it does not keep


@dataclass(frozen=True, slots=True)
class RtxClosedNetwork:
    name: str
    owner: str
    interface: str
    remote_prefixes: tuple[IPv6, ...]
    list6: SecureList
    list6_out: SecureList = SecureList()  # isolated: nothing leaves either


@dataclass
class _Numbers:
    """Filter numbers, IPv4 and IPv6 apart. Each part of the config has its own block (``part``:
    segment k at 100000 + 1000·k, tunnel k at 300000 + 1000·k, the line at 500000 ...), statics from
    its start and dynamics from +500: a flow added to one segment renumbers nothing elsewhere, so the
    drift between two baselines is only what changed."""

    statics: dict[int, list[StaticFilter]] = field(default_factory=lambda: {4: [], 6: []})
    dynamics: dict[int, list[DynamicFilter]] = field(default_factory=lambda: {4: [], 6: []})
    base: int = 0
    used: dict[tuple[int, int], int] = field(default_factory=dict)  # (family, base + offset) → count

    def part(self, base: int) -> _Numbers:
        self.base = base
        return self

    def static(self, family: int, entry: FilterEntry, destination: str | None = None) -> int:
        return self._add(family, lambda number: _static(number, family, entry, destination))

    def dynamic(self, family: int, entry: FilterEntry, destination: str | None = None) -> int:
        """A session that ``entry`` starts; its replies are the mirror of ``entry``."""
        pattern = self.static(family, entry, destination)
        reply = self._add(family, _mirror(self.statics[family][-1]))
        number = self._next(family, 500)
        self.dynamics[family].append(DynamicFilter(number, pattern, reply))
        return number

    def _add(self, family: int, make: Callable[[int], StaticFilter]) -> int:
        number = self._next(family, 0)
        self.statics[family].append(make(number))
        return number

    def _next(self, family: int, offset: int) -> int:
        count = self.used.get((family, self.base + offset), 0) + 1
        if count >= 500:
            raise OverflowError("more than 499 filters in one part of the config")
        self.used[(family, self.base + offset)] = count
        return self.base + offset + count

    def secure(self, family: int, static: tuple[int, ...], dynamic: tuple[int, ...]) -> SecureList:
        """A list that lets nothing through is written as one reject: an unbound list lets all through."""
        if static or dynamic:
            return SecureList(static, dynamic)
        if not any(f.number == REJECT for f in self.statics[family]):
            self.statics[family].append(_static(REJECT, family, FilterEntry("deny", "ip", None, None), None))
        return SecureList((REJECT,))


@dataclass(frozen=True, slots=True)
class RtxRouter:
    plan: BaselinePlan
    segments: tuple[RtxSegment, ...]
    tunnels: tuple[RtxTunnel, ...]
    closed_networks: tuple[RtxClosedNetwork, ...]
    uplink_list: SecureList
    uplink_out: SecureList  # isolated with tunnels kept: only the router's IKE and ESP leave
    uplink_enabled: bool  # isolated with no tunnel kept: the PP (or the DHCP line's port) is off
    ike_local: ipaddress.IPv4Address  # the router's own LAN address, that NAT forwards IKE and ESP to
    statics4: tuple[StaticFilter, ...]
    dynamics4: tuple[DynamicFilter, ...]
    statics6: tuple[StaticFilter, ...]
    dynamics6: tuple[DynamicFilter, ...]
    administrator: str
    users: tuple[tuple[str, str], ...]
    pppoe_password: str | None
    ssh_hosts: tuple[str, ...]
    login_timer: int


def render_baseline(plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
    return render_router("yamaha_rtx", plan, role, template_dirs, router)  # no access point baseline


def router(plan: BaselinePlan) -> RtxRouter:
    """The plan in Yamaha's terms, or a :class:`GenerateError` for what the baseline cannot say."""
    numbers = _Numbers()
    segments = tuple(_segment(numbers.part(100000 + 1000 * index), plan.lan_interface, index, s)
                     for index, s in enumerate(plan.segments, start=1))  # fmt: skip
    management = next((s for s in segments if s.name in _management_names(plan)), segments[0])
    tunnels = tuple(_tunnel(numbers.part(300000 + 1000 * vpn.tunnel), plan, vpn) for vpn in plan.vpns)
    closed = tuple(_closed(numbers.part(600000 + 1000 * index), plan, network)
                   for index, network in enumerate(plan.closed_networks, start=1))  # fmt: skip
    uplink, uplink_out = _uplink_lists(numbers.part(500000), plan, management.gateway.ip)
    return RtxRouter(
        plan=plan,
        segments=segments,
        tunnels=tunnels,
        closed_networks=closed,
        uplink_list=uplink,
        uplink_out=uplink_out,
        uplink_enabled=not plan.uplink.shut,
        ike_local=management.gateway.ip,
        statics4=tuple(numbers.statics[4]),
        dynamics4=tuple(numbers.dynamics[4]),
        statics6=tuple(numbers.statics[6]),
        dynamics6=tuple(numbers.dynamics[6]),
        administrator=_encrypted(plan.host, "baseline.enable_secret_env", plan.enable_secret),
        users=tuple((name, _encrypted(plan.host, f"baseline.users[{name}]", s)) for name, s in plan.users),
        pppoe_password=plan.uplink.pppoe_password.reveal() if plan.uplink.pppoe_password else None,
        ssh_hosts=tuple(_range(network) for network in plan.management_sources),
        login_timer=plan.session_timeout * 60,
    )


def _management_names(plan: BaselinePlan) -> set[str]:
    """Segments holding a management source: the router's IKE address lives there."""
    return {s.name for s in plan.segments if any(s.gateway.ip in source for source in plan.management_sources)}


def _encrypted(host: str, field_name: str, secret: SecretValue) -> str:
    value = secret.reveal()
    if not _ENCRYPTED.match(value):
        message = (f"${secret.variable} must hold Yamaha's `encrypted` form (32 characters as show config prints "
                   "it after the password is set once on the console), not a password")  # fmt: skip
        raise GenerateError(host, field_name, message)
    return value


def _range(network: IPv4) -> str:
    """A management source as ``sshd host`` takes it: an address or a range."""
    if network.prefixlen == 32:
        return str(network.network_address)
    return f"{network.network_address}-{network.broadcast_address}"


# --- filters ----------------------------------------------------------------------------------------------


def _address(network: Network | None) -> str:
    if network is None:
        return "*"
    full = network.prefixlen == network.max_prefixlen
    return str(network.network_address) if full else str(network)


def _static(number: int, family: int, entry: FilterEntry, destination: str | None) -> StaticFilter:
    protocol = {"ip": "*", "icmp": "icmp" if family == 4 else "icmp6"}.get(entry.protocol, entry.protocol)
    ported = entry.protocol in ("tcp", "udp")
    if entry.icmp is not None:  # Yamaha writes the ICMP type where a port would be
        source_port, destination_port = str(_ICMP[entry.icmp]), "*"
    else:
        source_port = str(entry.source_port) if ported and entry.source_port else "*"
        destination_port = ",".join(map(str, entry.ports)) if ported and entry.ports else "*"
    action = "pass" if entry.action == "permit" else "reject"
    target = destination if destination is not None else _address(entry.destination)
    return StaticFilter(number, action, _address(entry.source), target, protocol, source_port, destination_port)


def _mirror(pattern: StaticFilter) -> Callable[[int], StaticFilter]:
    """The replies' filter: addresses and ports swapped (an ICMP type stays: replies differ anyway)."""
    icmp = pattern.protocol.startswith("icmp")
    source_port, destination_port = (
        (pattern.source_port, "*") if icmp else (pattern.destination_port, pattern.source_port)
    )
    return lambda number: StaticFilter(number, "pass", pattern.destination, pattern.source, pattern.protocol,
                                       "*" if icmp else source_port, destination_port)  # fmt: skip


def _flows(numbers: _Numbers, family: int, entries: Sequence[FilterEntry]) -> tuple[int, ...]:
    """Declared flows as dynamic filters; towards the internet (any destination), one per public range."""
    found = []
    for entry in entries:
        if entry.action != "permit":
            continue  # the plan's denies of private destinations: the public ranges already leave them out
        if entry.destination is None and family == 4:
            found += [numbers.dynamic(4, entry, public) for public in PUBLIC]
        else:
            found.append(numbers.dynamic(family, entry))
    return tuple(found)


def _segment(numbers: _Numbers, lan: str, index: int, segment: SegmentPlan) -> RtxSegment:
    # Neighbour discovery and router solicitations to the router: static passes (nothing to track).
    link = [e for e in segment.filter_in6 if e.icmp is not None]
    flows6 = [e for e in segment.filter_in6 if e.icmp is None]
    list4 = numbers.secure(4, (), _flows(numbers, 4, segment.filter_in))
    list6 = SecureList()
    if segment.gateway6 is not None:
        list6 = numbers.secure(6, tuple(numbers.static(6, e) for e in link), _flows(numbers, 6, flows6))
    return RtxSegment(segment.name, segment.description, f"{lan}/{index}", segment.vlan, segment.gateway,
                      segment.gateway6, list4, list6)  # fmt: skip


def _tunnel(numbers: _Numbers, plan: BaselinePlan, vpn: VpnPlan) -> RtxTunnel:
    if vpn.psk is None:
        raise GenerateError(plan.host, f"baseline.psk_env.{vpn.name}", "a Yamaha tunnel authenticates with a "
                            "pre-shared key: name the environment variable that holds it")  # fmt: skip
    flows = numbers.secure(4, (), _flows(numbers, 4, vpn.filter_in))
    return RtxTunnel(vpn.name, vpn.owner, vpn.tunnel, vpn.peer, vpn.address, vpn.remote_prefixes,
                     vpn.psk.reveal(), flows, enabled=not plan.cut(vpn.name))  # fmt: skip


def _closed(numbers: _Numbers, plan: BaselinePlan, network: ClosedNetworkPlan) -> RtxClosedNetwork:
    """Statics: the spoofed own prefixes and the router's segment addresses rejected, then what the
    router needs of the link (router advertisements, neighbour discovery, DHCPv6 answers) to
    link-scoped destinations only, which are never forwarded; then the declared flows into segments
    as dynamic filters (their replies come back through the segments' lists); then reject. Nothing
    static lets a packet into a segment, so no reject of the segments has to precede the flows."""
    if plan.cut(network.name):  # isolated: the port may carry the kept PPPoE line, so filters cut it
        reject = numbers.secure(6, (), ())
        return RtxClosedNetwork(network.name, network.owner, network.interface, network.remote_prefixes, reject,
                                reject)  # fmt: skip
    device = [e for towards in network.towards if towards.destination == DEVICE for e in towards.entries6]
    flows = [e for towards in network.towards if towards.destination != DEVICE for e in towards.entries6]
    spoofed = [e for e in network.filter_in6 if e.action == "deny" and e not in _segment_rejects(network)]
    statics = [numbers.static(6, e) for e in spoofed]
    statics += [numbers.static(6, scoped) for e in device for scoped in _link_scoped(e)]
    dynamics = [numbers.dynamic(6, e) for e in flows if e.action == "permit"]
    list6 = numbers.secure(6, tuple(statics), tuple(dynamics))
    return RtxClosedNetwork(network.name, network.owner, network.interface, network.remote_prefixes, list6)


def _segment_rejects(network: ClosedNetworkPlan) -> list[FilterEntry]:
    """The plan's rejects of whole segments (for first-match lists whose device entries are open-ended):
    with device entries confined to the link, they are not needed."""
    return [e for e in network.filter_in6 if e.action == "deny" and e.source is None and e.destination is not None
            and e.destination.prefixlen < 128]  # fmt: skip


def _link_scoped(entry: FilterEntry) -> list[FilterEntry]:
    """An entry for the router itself, towards the link-local and link-scope multicast addresses it
    is reached on (neither is ever forwarded into a segment)."""
    if entry.destination is not None:
        return [entry]
    return [FilterEntry(entry.action, entry.protocol, entry.source, scope, entry.ports, entry.source_port, entry.icmp)
            for scope in LINK_SCOPES]  # fmt: skip


def _uplink_lists(numbers: _Numbers, plan: BaselinePlan, own: ipaddress.IPv4Address) -> tuple[SecureList, SecureList]:
    """In: IKE and ESP from each peer to the address NAT forwards them to; then the plan's rejects of
    private destinations (the segments); then, on a DHCP line, DHCP answers from any real source (a
    carrier's router answering from a private address is refused: EXT-05 drops private sources).
    Out: nothing is filtered, except in isolation, where only the router's own IKE and ESP to the
    kept peers leave."""
    if plan.uplink.isolate is not None:  # its own block: the normal filters stay defined as they are
        numbers.part(510000)
        kept = plan.uplink.isolate[0]
        inbound = [_to(entry, own) for entry in kept if entry.action == "permit"]
        outbound = [FilterEntry(e.action, e.protocol, IPv4(own), e.source, e.ports) for e in inbound]
        return (numbers.secure(4, tuple(numbers.static(4, e) for e in inbound), ()),
                numbers.secure(4, tuple(numbers.static(4, e) for e in outbound), ()))  # fmt: skip
    ike = [_to(e, own) for e in plan.uplink.filter_in if e.action == "permit"]
    private = [e for e in plan.uplink.filter_in if e.action == "deny"]
    dhcp = []
    if plan.uplink.kind == "dhcp":
        dhcp = [FilterEntry("deny", "ip", source, None) for source in BOGONS if isinstance(source, IPv4)]
        dhcp.append(FilterEntry("permit", "udp", None, None, (68,), source_port=67))
    return numbers.secure(4, tuple(numbers.static(4, entry) for entry in (*ike, *private, *dhcp)), ()), SecureList()


def _to(entry: FilterEntry, own: ipaddress.IPv4Address) -> FilterEntry:
    """A peer's IKE or ESP as the line's filter sees it: forwarded by NAT to the router's LAN address."""
    return FilterEntry(entry.action, entry.protocol, entry.source, IPv4(own), entry.ports)
