"""Management plane (MGMT-01..06)."""

from __future__ import annotations

from collections.abc import Iterator

from onshi.model import Action, Aspect, Severity, SnmpCommunity, Status, VpnKind
from onshi.validators.access import Restriction, judge_acl, restrict_login
from onshi.validators.base import (
    Outcome,
    RuleInput,
    failed,
    manual,
    names,
    not_applicable,
    outcome,
    passed,
    remove_line,
)
from onshi.validators.registry import rule

REFS_MGMT = ("MHLW6 システム運用編 13 ⑩", "CHECKLIST 技術的 1-9", "REG-EX 5")
_DEFAULT_COMMUNITIES = frozenset({"public", "private", "cisco", "default", "community", "snmp", "admin"})
# Services the guideline counts as unneeded when on (name -> message label).
_UNNEEDED = {
    "http_server": "HTTP server",
    "source_route": "IP source routing",
    "source_route_v6": "IPv6 source routing",
    "tcp_small_servers": "TCP small servers",
    "udp_small_servers": "UDP small servers",
    "finger": "finger",
    "bootp_server": "BOOTP server",
    "pad": "PAD",
    "config_autoload": "network config autoload",
    "lldp": "LLDP",
    "tftp_server": "TFTP server",
}


def _answered(inp: RuleInput) -> dict[str, list[tuple[str, list[str]]]]:
    """The management services each interface answers itself (FortiOS allowaccess, and over IPv6
    ip6-allowaccess), for platforms whose remediation rewrites an interface's whole list."""
    management = inp.device.management
    return {
        "answered": [(interface, list(services)) for interface, services, _ in management.interface_services],
        "answered6": [(interface, list(services)) for interface, services, _ in management.interface_services6],
    }


@rule("MGMT-01", Severity.HIGH, *REFS_MGMT, reads=(Aspect.MANAGEMENT,))
def no_plaintext_management(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    found = False
    for terminal in management.terminal_lines:
        transports = terminal.effective_transport
        if not terminal.remote:
            continue
        if transports is None:
            found = True
            yield manual("transport_default", [terminal.line], line=terminal.name)
        elif "telnet" in transports or "rlogin" in transports:
            found = True
            yield failed(
                "telnet",
                [terminal.line, *terminal.lines[1:]],
                actions=[Action("ssh_only", {"line": terminal.name, **_answered(inp)})],
                line=terminal.name,
                defaulted=terminal.transport_input is None,
            )
    if management.web is not None and management.web.http:
        found = True
        yield failed("http", management.web.lines, actions=[Action("disable_http", _answered(inp))])
    for community in management.snmp_communities:
        if community.write:
            found = True
            yield failed("snmp_write", [community.line])
    if not found:
        lines = [t.line for t in management.terminal_lines if t.remote]
        yield passed("encrypted_only", lines)


@rule("MGMT-02", Severity.MEDIUM, *REFS_MGMT, reads=(Aspect.MANAGEMENT, Aspect.FORWARDING))
def ssh_v2_from_management_sources(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    remote = [t for t in management.terminal_lines if t.remote and t.effective_transport != ()]
    if not remote:
        yield not_applicable("no_remote_login")
        return
    ssh = [t for t in remote if t.effective_transport is None or "ssh" in (t.effective_transport or ())]
    problems = False
    if ssh and not management.ssh_version_known:
        problems = True
        yield manual("ssh_version_unknown", [*management.ssh_lines, *(t.line for t in ssh)])
    elif ssh and management.ssh_version != 2:
        problems = True
        yield failed(
            "ssh_v1",
            [*management.ssh_lines, *(t.line for t in ssh)],
            actions=[Action("ssh_version_2", {})],
        )
    for terminal in remote:
        verdict = judge_acl(inp, terminal.access_class_v4)
        lines = [terminal.line, *verdict.lines]
        if verdict.restriction is Restriction.NONE:
            problems = True
            yield failed("unrestricted", lines, line=terminal.name, actions=restrict_login(inp, terminal))
        elif verdict.restriction is Restriction.UNDECLARED:
            problems = True
            yield failed("undeclared_source", lines, line=terminal.name, source=verdict.example_source,
                         actions=restrict_login(inp, terminal))  # fmt: skip
        elif verdict.restriction is Restriction.UNKNOWN:
            problems = True
            yield manual("acl_unknown", lines, acl=verdict.acl)
        elif verdict.restriction is Restriction.RESTRICTED:
            problems = True
            yield manual("no_declared_sources", lines, acl=verdict.acl)
    if not problems:
        yield passed("ok", [*management.ssh_lines, *(t.line for t in remote)])


def _community_problem(community: SnmpCommunity, inp: RuleInput) -> tuple[str, Severity] | None:
    if community.write:
        return "write", Severity.HIGH
    if community.secret.weak:
        return "default", Severity.HIGH
    if judge_acl(inp, community.acl).restriction is Restriction.NONE:
        return "no_acl", Severity.MEDIUM
    return None


@rule("MGMT-03", Severity.HIGH, *REFS_MGMT, reads=(Aspect.MANAGEMENT, Aspect.FORWARDING))
def snmp(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    if not management.snmp_communities and not management.snmp_v3_groups:
        yield not_applicable("no_snmp")
        return
    problems = False
    for community in management.snmp_communities:
        problem = _community_problem(community, inp)
        if problem is not None:
            problems = True
            key, severity = problem
            action = remove_line(inp, community.line)
            yield outcome(Status.FAIL, f"community_{key}", [community.line], severity=severity, actions=[action])
    for group in management.snmp_v3_groups:
        if group.level != "priv":
            problems = True
            severity = Severity.MEDIUM if group.level == "noauth" else Severity.LOW
            yield outcome(Status.FAIL, "v3_level", [group.line], severity=severity, group=group.name, level=group.level)
    if not problems:
        lines = [c.line for c in management.snmp_communities] + [g.line for g in management.snmp_v3_groups]
        key = "v3_priv" if not management.snmp_communities else "community_ok"
        yield passed(key, lines)


@rule("MGMT-04", Severity.MEDIUM, *REFS_MGMT, "MHLW6 システム運用編 13 ⑥", reads=(Aspect.MANAGEMENT, Aspect.VPN))
def tls_versions(inp: RuleInput) -> Iterator[Outcome]:
    web = inp.device.management.web
    ssl_vpns = [vpn for vpn in inp.device.vpns if vpn.kind is VpnKind.SSL_VPN]
    https = web is not None and web.https
    if not https and not ssl_vpns:
        yield not_applicable("no_tls_service")
        return
    for vpn in ssl_vpns:
        if inp.internet:
            yield outcome(Status.FAIL, "ssl_vpn_internet", vpn.lines, severity=Severity.HIGH, name=vpn.name)
        else:
            yield manual("ssl_vpn", vpn.lines, name=vpn.name)
        if vpn.min_tls in ("1.0", "1.1"):
            yield failed("ssl_vpn_old_tls", vpn.lines, name=vpn.name, version=vpn.min_tls,
                         actions=[Action("ssl_vpn_tls12_only", {})])  # fmt: skip
    if not https or web is None:
        return
    if web.tls_versions is not None:
        old = [version for version in web.tls_versions if version in ("1.0", "1.1", "ssl3", "v1.0", "v1.1")]
        if old:
            yield failed("old_tls", web.lines, versions=names(old), actions=[Action("tls12_only", {})])
        else:
            yield passed("tls12", web.lines, versions=names(web.tls_versions))
    elif web.tls_default_ok is False:
        yield failed("default_old", web.lines, actions=[Action("tls12_only", {})])
    elif web.tls_default_ok is None:
        yield manual("default_unknown", web.lines)
    else:
        yield passed("default_ok", web.lines)


@rule("MGMT-05", Severity.LOW, *REFS_MGMT, reads=(Aspect.MANAGEMENT,))
def unneeded_services(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    found = False
    for service in management.services:
        if service.enabled and service.name in _UNNEEDED:
            found = True
            yield failed(
                "service_default" if service.from_default else "service_on",
                [service.line],
                actions=[Action("disable_service", {"service": service.name, **_answered(inp)})],
                service=_UNNEEDED[service.name],
            )
    cdp = next((s for s in management.services if s.name == "cdp"), None)
    if cdp is not None and cdp.enabled:
        for interface in inp.device.interfaces:
            if interface.name.lower() in inp.internet_names and interface.cdp_enabled is not False:
                found = True
                yield failed(
                    "cdp_wan",
                    [interface.first_line],
                    actions=[Action("disable_cdp_interface", {"interface": interface.name})],
                    interface=interface.name,
                )
    if not found:
        yield passed("off", [s.line for s in management.services])


@rule("MGMT-06", Severity.LOW, "REG-EX 別表 4", reads=(Aspect.MANAGEMENT,))
def external_storage(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    if management.usb_disabled_lines:
        yield passed("disabled", management.usb_disabled_lines)
    elif management.usb_control_supported is False:
        yield not_applicable("unsupported")
    else:
        yield outcome(Status.MANUAL, "confirm", actions=[Action("disable_usb", {})])
