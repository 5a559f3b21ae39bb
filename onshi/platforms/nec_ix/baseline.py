"""The neutral baseline plan as an NEC UNIVERGE IX router: access lists bound by sequence number, VLAN
subinterfaces, IKE tunnels, PPPoE or DHCP on the WAN. Python prepares the lists and names;
``nec_ix/edge_router.j2`` only prints them.

How the plan's filters become IX filters (README, "How onshi reads an NEC IX router"):

- every interface (segment, tunnel, the WAN) binds one static list ``in`` at sequence 10, the plan's
  entries for what may start there in first-match order, then the implicit deny of a bound filter;
- and ``out``, at sequence 100, the dynamic list ``onshi-dyn`` whose trigger is every packet: what
  leaves an interface opens a session there, and its replies come back in through it before the
  static list is read. So new connections are decided by the ``in`` lists alone, and no reply ever
  needs a static permit (which would also admit what merely looks like one);
- the WAN admits IKE, NAT-T and ESP from each peer only (and DHCP answers on a DHCP line); IKE ends on
  the WAN address, kept from NAPT by ``ip napt static``;
- isolated (MHLW6 18 ①) with tunnels kept: lists of their own (``-cut``) are bound at sequence 5 before
  the normal ones are unbound (never a moment unfiltered): the segments lose their internet flows,
  and the WAN passes only the kept peers' IKE and ESP, both ways (on IX a filter also sees the
  router's own packets). With no tunnel kept, the WAN subinterface is shut; tunnels not kept are shut.

Accounts: IX's ``password hash`` form is the router's own and not documented, so onshi cannot compute
it. The users' ``secret_env`` variables hold that form, as ``show running-config`` prints it after the
password was set once on the console. IX has no enable password: ``enable_secret_env`` is not written.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from onshi.analysis.addresses import BOGONS
from onshi.generate.filters import FilterEntry, IPv4, Network
from onshi.generate.plan import BaselinePlan, GenerateError, SecretValue, SegmentPlan, VpnPlan
from onshi.generate.roles import Plan
from onshi.platforms.templates import render_router

_HASH = re.compile(r"^[0-9A-Fa-f]{8,}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$")  # with a 4-character suffix, IX's 15 at most
_PORT = re.compile(r"^[A-Za-z]+\d+$")  # a port, not a subinterface: GigaEthernet0, FastEthernet1
_PROTOCOLS = {"esp": "50"}
DYNAMIC = "onshi-dyn"  # bound out everywhere: every packet that leaves opens a session for its replies
TRIGGER = "onshi-any"
MANAGEMENT = "onshi-mgmt"


@dataclass(frozen=True, slots=True)
class IxEntry:
    """One ``ip access-list NAME …`` entry, its fields as written (ports ``None`` where the protocol has
    none)."""

    action: str
    protocol: str
    source: str
    source_port: str | None
    destination: str
    destination_port: str | None


@dataclass(frozen=True, slots=True)
class IxList:
    name: str
    entries: tuple[IxEntry, ...]


@dataclass(frozen=True, slots=True)
class Filters:
    """What one interface binds: a static list in (and its sequence), and out either the dynamic list
    or, isolated, a static one."""

    inbound: str
    sequence: int = 10
    outbound: str = DYNAMIC
    out_sequence: int = 100


@dataclass(frozen=True, slots=True)
class IxSegment:
    name: str
    description: str
    interface: str
    vlan: int
    gateway: ipaddress.IPv4Interface
    filters: Filters


@dataclass(frozen=True, slots=True)
class IxTunnel:
    name: str
    owner: str
    interface: str
    peer: ipaddress.IPv4Address
    address: ipaddress.IPv4Interface
    remote_prefixes: tuple[IPv4, ...]
    psk: str
    names: dict[str, str]  # the IKE proposal, IKE policy, IPsec proposal, map and selector list
    filters: Filters
    enabled: bool


@dataclass(frozen=True, slots=True)
class IxUplink:
    kind: str
    port: str  # GigaEthernet0.0: the physical port's own interface
    interface: str  # where the address and NAPT live: the PPPoE session (GigaEthernet0.1) or the port
    pppoe_username: str | None
    pppoe_password: str | None
    filters: Filters
    enabled: bool


@dataclass(frozen=True, slots=True)
class IxRouter:
    plan: BaselinePlan
    lan: str  # GigaEthernet1.0: the trunk's own interface, no address
    segments: tuple[IxSegment, ...]
    tunnels: tuple[IxTunnel, ...]
    uplink: IxUplink
    lists: tuple[IxList, ...]
    users: tuple[tuple[str, str], ...]
    ssh: bool  # the SSH server runs, limited to the management sources (the MANAGEMENT list)
    dynamic: str = DYNAMIC
    trigger: str = TRIGGER
    management: str = MANAGEMENT


def render_baseline(plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
    return render_router("nec_ix", plan, role, template_dirs, router)  # no access point baseline


def router(plan: BaselinePlan) -> IxRouter:
    """The plan in IX's terms, or a :class:`GenerateError` for what the baseline cannot say."""
    _refuse_unsupported(plan)
    lists = _Lists()
    lists.add(TRIGGER, [FilterEntry("permit", "ip", None, None)])
    segments = tuple(_segment(lists, plan, index, s) for index, s in enumerate(plan.segments, start=1))
    tunnels = tuple(_tunnel(lists, plan, vpn) for vpn in plan.vpns)
    if plan.management_sources:
        lists.add(MANAGEMENT, [FilterEntry("permit", "ip", source, None) for source in plan.management_sources])
    return IxRouter(
        plan=plan,
        lan=f"{_port(plan, 'baseline.lan_interface', plan.lan_interface)}.0",
        segments=segments,
        tunnels=tunnels,
        uplink=_uplink(lists, plan),
        lists=tuple(lists.found),
        users=tuple((name, _hash(plan.host, f"baseline.users[{name}]", secret)) for name, secret in plan.users),
        ssh=bool(plan.management_sources),
    )


def _refuse_unsupported(plan: BaselinePlan) -> None:
    if plan.closed_networks:
        raise GenerateError(plan.host, "data.vpn_interfaces", "onshi does not generate an IX on a closed network "
                            "(IP-VPN over NGN IPv6 IPoE) yet: reach the claims network through IPsec+IKE, or "
                            "through the provider's router on a segment (baseline.vpn_routers)")  # fmt: skip


def _port(plan: BaselinePlan, field: str, name: str) -> str:
    if not _PORT.match(name):
        raise GenerateError(plan.host, field, f"{name!r}: name the IX port (GigaEthernet1); onshi numbers its "
                            "subinterfaces")  # fmt: skip
    return name


def _hash(host: str, field: str, secret: SecretValue) -> str:
    value = secret.reveal()
    if not _HASH.match(value):
        raise GenerateError(host, field, f"${secret.variable} must hold IX's `password hash` form (hexadecimal, "
                            "as show running-config prints it after the password is set once on the console), "
                            "not a password")  # fmt: skip
    return value


def _name(name: str, fallback: str) -> str:
    """A plan name as an IX list or object name (letters, digits, ``-``, ``_``; 15 at most with the
    suffix): the name itself where it fits, else ``fallback``."""
    return name if _NAME.match(name) else fallback


# --- access lists -------------------------------------------------------------------------------------------


class _Lists:
    def __init__(self) -> None:
        self.found: list[IxList] = []

    def add(self, name: str, entries: Sequence[FilterEntry]) -> str:
        """A list of ``entries`` (first match); one that would let nothing through denies everything."""
        written = [line for entry in entries for line in _entries(entry)]
        self.found.append(IxList(name, tuple(written or [IxEntry("deny", "ip", "any", None, "any", None)])))
        return name


def _address(network: Network | None) -> str:
    return "any" if network is None else str(network)


def _entries(entry: FilterEntry) -> list[IxEntry]:
    """An entry as IX writes it: one per destination port; tcp and udp name both ports."""
    if entry.icmp is not None or (entry.source is not None and entry.source.version != 4):
        raise ValueError(f"an IPv4 IX list cannot hold {entry}")  # the plan gives IPv4 entries here
    protocol = _PROTOCOLS.get(entry.protocol, entry.protocol)
    ported = entry.protocol in ("tcp", "udp")
    source_port = (f"eq {entry.source_port}" if entry.source_port else "any") if ported else None
    ports = [f"eq {port}" for port in entry.ports] if ported and entry.ports else ["any" if ported else None]
    return [IxEntry(entry.action, protocol, _address(entry.source), source_port, _address(entry.destination), port)
            for port in ports]  # fmt: skip


def _segment(lists: _Lists, plan: BaselinePlan, index: int, segment: SegmentPlan) -> IxSegment:
    base = _name(segment.name, f"seg{index}")
    interface = f"{plan.lan_interface}.{index}"
    filters = Filters(lists.add(f"{base}-in", segment.filter_in))
    if _cut(plan):
        kept = [entry for entry in segment.filter_in if entry.destination is not None]  # no internet flow
        if kept != list(segment.filter_in):
            filters = Filters(lists.add(f"{base}-cut", kept), sequence=5)
    return IxSegment(segment.name, segment.description, interface, segment.vlan, segment.gateway, filters)


def _tunnel(lists: _Lists, plan: BaselinePlan, vpn: VpnPlan) -> IxTunnel:
    if vpn.psk is None:
        raise GenerateError(plan.host, f"baseline.psk_env.{vpn.name}", "an IX tunnel authenticates with a "
                            "pre-shared key: name the environment variable that holds it")  # fmt: skip
    psk = vpn.psk.reveal()
    if not psk or any(character.isspace() for character in psk):
        raise GenerateError(plan.host, f"baseline.psk_env.{vpn.name}", f"${vpn.psk.variable}: an IX pre-shared "
                            "key is one word (no spaces)")  # fmt: skip
    base = _name(vpn.name, f"vpn{vpn.tunnel}")
    names = {kind: f"{base}-{kind}" for kind in ("ikep", "ike", "sa", "map", "sel")}
    # Route-based: the tunnel carries what is routed to it, and its filters decide what may start.
    lists.add(names["sel"], [FilterEntry("permit", "ip", None, None)])
    filters = Filters(lists.add(f"{base}-in", vpn.filter_in))
    return IxTunnel(vpn.name, vpn.owner, f"Tunnel{vpn.tunnel}.0", vpn.peer, vpn.address, vpn.remote_prefixes, psk,
                    names, filters, enabled=not plan.cut(vpn.name))  # fmt: skip


def _cut(plan: BaselinePlan) -> bool:
    """Isolated with tunnels kept: the WAN stays up behind filters of its own."""
    return plan.uplink.isolate is not None


def _uplink(lists: _Lists, plan: BaselinePlan) -> IxUplink:
    uplink = plan.uplink
    port = _port(plan, "baseline.uplink.interface", uplink.interface)
    interface = f"{port}.1" if uplink.kind == "pppoe" else f"{port}.0"
    dhcp: list[FilterEntry] = []
    if uplink.kind == "dhcp":  # answers from a real DHCP server: never from a bogon source
        dhcp = [FilterEntry("deny", "ip", source, None) for source in BOGONS if isinstance(source, IPv4)]
        dhcp.append(FilterEntry("permit", "udp", None, None, (68,), source_port=67))
    filters = Filters(lists.add("wan-in", [*uplink.filter_in, *dhcp]))
    if uplink.isolate is not None:  # bound in place of the normal lists, which stay defined
        inbound = uplink.isolate[0]
        outbound = [FilterEntry("permit", e.protocol, None, e.source, e.ports) for e in inbound if e.action == "permit"]
        filters = Filters(lists.add("wan-cut", inbound), 5, lists.add("wan-out-cut", outbound), 5)
    password = uplink.pppoe_password.reveal() if uplink.pppoe_password else None
    return IxUplink(uplink.kind, f"{port}.0", interface, uplink.pppoe_username, password, filters,
                    enabled=not uplink.shut)  # fmt: skip
