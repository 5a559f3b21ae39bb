"""The zone matrix of a device: for every pair of its zones, whether it forwards new connections
beyond, within or outside the declared flows, with an example and the rules failing on the pair. A
facility judged as one network has one matrix, over the composed forwarding of its devices, shown
on its lead device, with the path each example takes through the devices.

An analysis result computed once with the findings (:func:`onshi.pipeline.audit`) and carried in the
reports: the HTML renders it, the JSON carries it; neither computes reachability itself.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from onshi.analysis.facility import FacilityNetwork
from onshi.analysis.facility_oracle import reaches
from onshi.analysis.network import DeviceNetwork
from onshi.analysis.packets import Packet
from onshi.model import Finding, Status
from onshi.terms import DEVICE, INTERNET
from onshi.validators.base import RuleInput
from onshi.validators.facility import Judged, facility_roles
from onshi.validators.reachability import (
    Network,
    example_from,
    example_of,
    expected,
    network_of,
    new_connections,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MatrixCell:
    # "violating" (a rule fails on this pair) | "undeclared" (forwarded beyond the declared flows, which
    # no rule forbids here) | "declared" | "denied" | "approximate" (to confirm) | "self"
    state: str
    example: str = ""  # the whole example packet, for the tooltip
    service: str = ""  # "tcp/3389": what fits in a cell
    rules: tuple[str, ...] = ()  # the rules failing on the pair
    route: str = ""  # in a facility's matrix: the devices the example crosses


@dataclass(frozen=True, slots=True)
class InterfaceRow:
    name: str
    description: str  # configuration text: untrusted, rendered escaped
    addresses: str
    zone: str
    line: int | None


@dataclass(frozen=True, slots=True)
class ZoneMatrix:
    host: str
    facility: str
    zones: tuple[str, ...]  # the columns; the rows are the keys of ``cells``
    cells: Mapping[str, Mapping[str, MatrixCell]]
    interfaces: tuple[InterfaceRow, ...]  # how the zones were derived
    error: str = ""  # the matrix could not be computed: said in the report, never left out silently
    members: tuple[str, ...] = ()  # a facility's matrix: the devices whose forwarding it composes


def _matrix(inp: RuleInput, failing: Mapping[tuple[str, str], tuple[str, ...]]) -> ZoneMatrix | None:
    """Zones × (zones, device): what this device forwards as new connections, against the declared
    flows, and which rules fail on each pair (``failing``, from the findings' paths). None for a device
    on a single zone (an access point), which forwards between none."""
    if inp.policy is None:
        return None
    network = network_of(inp)
    zones = [z for z in network.zones() if not z.startswith("unassigned:")]
    sources = [z for z in zones if z != INTERNET] + ([INTERNET] if INTERNET in zones else [])
    if len(sources) < 2:
        return None
    destinations = (*sources, DEVICE)
    cells = {
        source: {
            target: _cell(inp, network, (source, target), failing.get((source, target), ())) for target in destinations
        }
        for source in sources
    }
    if isinstance(network, FacilityNetwork):
        rows = tuple(row for host, member in network.devices.items() for row in _interfaces(member, f"{host}: "))
        return ZoneMatrix(inp.host, inp.policy.name, destinations, cells, rows, members=tuple(network.devices))
    return ZoneMatrix(inp.host, inp.policy.name, destinations, cells, _interfaces(network))


def _interfaces(network: DeviceNetwork, prefix: str = "") -> tuple[InterfaceRow, ...]:
    return tuple(
        InterfaceRow(
            prefix + interface.name,
            interface.description,
            ", ".join(str(address) for address in interface.addresses),
            network.zone_of.get(name) or "-",
            interface.lines[0] if interface.lines else None,
        )
        for name, interface in network.interfaces.items()
        if interface.addresses
    )


def _cell(inp: RuleInput, network: Network, path: tuple[str, str], rules: tuple[str, ...]) -> MatrixCell:
    source, destination = path
    if source == destination:
        return MatrixCell("self")
    sp = network.space
    reach = network.reach(source, destination)
    forwarded = reach.packets & new_connections(sp)
    if sp.is_empty(forwarded):
        return MatrixCell("denied")
    packet = example_from(network, source, forwarded & ~expected(inp, source, destination), (), destination)
    if packet is None:
        return MatrixCell("declared")
    example = example_of(network, packet)
    service = example.protocol + (f"/{example.dst_port}" if example.dst_port is not None else "")
    state = "approximate" if not reach.exact else "violating" if rules else "undeclared"
    return MatrixCell(state, example.describe(), service, rules, _route(network, source, destination, packet))


def _route(network: Network, source: str, destination: str, packet: Packet) -> str:
    """In a facility: the devices the example crosses, as the oracle walks it."""
    if not isinstance(network, FacilityNetwork):
        return ""
    trace = reaches(network, source, packet, destination)
    return " ▸ ".join(hop.device for hop in trace.hops) if trace is not None else ""


def zone_matrices(
    inputs: Iterable[RuleInput], findings: Iterable[Finding], roles: Mapping[str, Judged] | None = None
) -> tuple[ZoneMatrix, ...]:
    """Per device with a policy and two zones or more, its zone matrix (rules failing per pair from the
    findings' paths); for a facility judged as one network, the facility's on its lead device instead
    of its devices' own (``roles``: from :func:`~onshi.validators.facility.facility_roles`)."""
    inputs = list(inputs)
    roles = facility_roles(inputs) if roles is None else roles
    failing: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.status is Status.FAIL and finding.path is not None:
            rules = failing[finding.host][finding.path]
            if finding.rule not in rules:
                rules.append(finding.rule)
    judged = [_as_judged(inp, roles.get(inp.host)) for inp in inputs]
    found = (_safe_matrix(inp, {path: tuple(rules) for path, rules in failing[inp.host].items()})
             for inp in judged if inp is not None)  # fmt: skip
    return tuple(matrix for matrix in found if matrix is not None)


def _as_judged(inp: RuleInput, role: Judged | None) -> RuleInput | None:
    """The input a matrix is drawn for: the facility's on its lead, none on its other devices."""
    if role is None:
        return inp
    return replace(inp, composed=role.view) if role.view is not None else None


def _safe_matrix(inp: RuleInput, failing: Mapping[tuple[str, str], tuple[str, ...]]) -> ZoneMatrix | None:
    """The matrix, or one that names its error: one device's analysis failing never loses the report."""
    try:
        return _matrix(inp, failing)
    except Exception as error:  # the rules report their own failures as manual findings
        log.error("zone matrix of %s failed: %s", inp.host, type(error).__name__)
        facility = inp.policy.name if inp.policy else ""
        return ZoneMatrix(inp.host, facility, (), {}, (), error=type(error).__name__)
