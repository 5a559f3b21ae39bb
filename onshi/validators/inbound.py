"""External inbound (EXT): exposure of inside hosts and management to the internet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from onshi.analysis.packets import PacketSpace
from onshi.model import Action, Aspect, NatRule, Severity
from onshi.terms import DEVICE, INTERNET
from onshi.validators.access import Restriction, judge_acl, restrict, restrict_login
from onshi.validators.base import (
    Outcome,
    RuleInput,
    failed,
    manual,
    not_applicable,
    passed,
    remove_line,
)
from onshi.validators.reachability import network_of, reach_outcome
from onshi.validators.registry import rule

REFS_EXT = ("REG-EX 別表 5", "CHECKLIST 外部 1, 8, 10", "MHLW6 システム運用編 13 ②, 10, 18")


@rule("EXT-02", Severity.CRITICAL, *REFS_EXT, reads=(Aspect.FORWARDING,))
def no_inside_host_exposed(inp: RuleInput) -> Iterator[Outcome]:
    exposing = [rule for rule in inp.device.nat if rule.direction == "inside" and rule.kind != "dynamic"]
    if not exposing:
        yield passed("no_static_nat", [rule.line for rule in inp.device.nat])
        return
    if not inp.internet:
        yield manual("no_internet_interface", [rule.line for rule in exposing])
        return
    own = {address.ip for interface in inp.device.interfaces for address in interface.addresses}
    for nat in exposing:
        outside = _endpoint(nat.outside_interface or str(nat.outside_address), nat.outside_port)
        if nat.inside_address in own:  # the device's own service (IKE behind its own NAT)
            yield passed("to_device", [nat.line], inside=str(nat.inside_address), protocol=nat.protocol or "ip",
                         outside=outside)  # fmt: skip
        elif _faces_internet(inp, nat):
            yield failed(
                "exposed",
                [nat.line],
                actions=[remove_line(inp, nat.line)],
                inside=_endpoint(str(nat.inside_address), nat.inside_port),
                outside=outside,
                protocol=nat.protocol or "ip",
            )
        else:
            yield passed("not_internet", [nat.line], outside=nat.outside_interface or str(nat.outside_address))


def _endpoint(address: str, port: int | None) -> str:
    return f"{address}:{port}" if port is not None else address


def _faces_internet(inp: RuleInput, nat: NatRule) -> bool:
    if nat.outside_interface is not None:
        return nat.outside_interface.lower() in inp.internet_names
    if nat.outside_address is None:
        return True
    for interface in inp.device.interfaces:
        on_interface = any(nat.outside_address in address.network for address in interface.ipv4)
        if on_interface:
            return interface.name.lower() in inp.internet_names
    # A global address routed to the router (no interface holds it) arrives from the internet.
    return True


@rule("EXT-03", Severity.HIGH, *REFS_EXT, "MHLW6 システム運用編 13 ⑩", reads=(Aspect.FORWARDING, Aspect.MANAGEMENT))
def no_management_from_internet(inp: RuleInput) -> Iterator[Outcome]:
    """Management services open to every source on the device itself, and reachable from the
    internet through the device's filters (answered exactly by the packet engine)."""
    if not inp.internet:
        yield not_applicable("no_internet_interface")
        return
    sp = network_of(inp).space
    exposed = False
    for service, lines, params, ports, actions in _exposed_services(inp):
        result = reach_outcome(inp, INTERNET, DEVICE, ports(sp), f"open_{service}", lines=lines, message=params,
                               actions=actions)  # fmt: skip
        if result is not None:
            exposed = True
            yield result
    management = inp.device.management
    for family, answered in ((4, management.interface_services), (6, management.interface_services6)):
        for interface, services, line in answered:
            admin = [s for s in services if s in _ADMIN_SERVICES]
            if admin and interface.lower() in inp.internet_names:
                exposed = True
                keep = [s for s in services if s not in _ADMIN_SERVICES]
                close = Action("close_management", {"interface": interface, "keep": keep, "family": family})
                yield failed("listening_on_internet", [line], interface=interface, services=", ".join(admin),
                             actions=[close])  # fmt: skip
    if not exposed:
        yield passed("restricted", _restricting_lines(inp))


_Ports = Callable[[PacketSpace], Any]
_Exposure = tuple[str, tuple[int, ...], dict[str, str], _Ports, list[Action]]
_TRANSPORT_PORTS = {"telnet": 23, "ssh": 22, "rlogin": 513}
_ADMIN_SERVICES = ("https", "http", "ssh", "telnet", "snmp", "fgfm")


def _tcp(*ports: int) -> _Ports:
    def build(sp: PacketSpace) -> Any:
        result = sp.false
        for port in ports:
            result |= sp.protocol(6) & sp.value("dport", port)
        return result

    return build


def _exposed_services(inp: RuleInput) -> Iterator[_Exposure]:
    """(service key, lines, message parameters, its packets) for each service open to every source."""
    management = inp.device.management
    for terminal in management.terminal_lines:
        transports = terminal.effective_transport
        if not terminal.remote or transports == ():
            continue
        verdict = judge_acl(inp, terminal.access_class_v4)
        if verdict.restriction in (Restriction.NONE, Restriction.UNKNOWN):
            chosen = transports if transports is not None else ("telnet", "ssh")
            ports = _tcp(*(_TRANSPORT_PORTS[t] for t in chosen if t in _TRANSPORT_PORTS))
            params = {"line": terminal.name, "protocols": "/".join(chosen)}
            yield "vty", (terminal.line,), params, ports, restrict_login(inp, terminal)
    web = management.web
    if web is not None and (web.http or web.https):
        verdict = judge_acl(inp, web.access_class)
        if verdict.restriction in (Restriction.NONE, Restriction.UNKNOWN):
            ports = _tcp(*((80,) if web.http else ()), *((443,) if web.https else ()))
            yield "web", web.lines, {}, ports, restrict(inp, "restrict_web")
    for community in management.snmp_communities:
        verdict = judge_acl(inp, community.acl)
        if verdict.restriction in (Restriction.NONE, Restriction.UNKNOWN):
            text = inp.device.source.text(community.line)
            actions = restrict(inp, "restrict_snmp", text=text, line=community.line, acl=community.acl)
            yield "snmp", (community.line,), {}, _udp_snmp, actions


def _udp_snmp(sp: PacketSpace) -> Any:
    return sp.protocol(17) & sp.value("dport", 161)


def _restricting_lines(inp: RuleInput) -> list[int]:
    lines: list[int] = []
    for terminal in inp.device.management.terminal_lines:
        if terminal.remote:
            lines.append(terminal.line)
            acl = inp.device.acl(terminal.access_class_v4)
            if acl is not None:
                lines.extend(entry.line for entry in acl.entries)
    return lines


@rule("EXT-04", Severity.MEDIUM, *REFS_EXT, reads=(Aspect.MANAGEMENT,))
def no_upnp(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    if management.upnp_lines:
        yield failed(
            "enabled",
            management.upnp_lines,
            actions=[remove_line(inp, line) for line in management.upnp_lines],
        )
    elif not management.upnp_supported:
        yield not_applicable("unsupported")
    else:
        yield passed("disabled")
