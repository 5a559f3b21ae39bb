"""Remote login, web GUI and device services of a Yamaha router, with the router's defaults.

TELNET is served unless ``telnetd service off``; SSH only with ``sshd service on``; the web GUI
unless ``httpd host none``. Without a ``… host`` restriction, onshi takes the widest (any host):
the factory restriction differs between firmware releases, and an audit must not assume the kind one.
"""

from __future__ import annotations

import ipaddress

from onshi.model import (
    ANY_PORT,
    Acl,
    AclEntry,
    AddressMatch,
    IPNetwork,
    Management,
    Service,
    TerminalLine,
    WebManagement,
)
from onshi.platforms.yamaha_rtx.state import State

_DEFAULT_TIMER = 300  # seconds, `login timer`'s default
_LAN_KINDS = ("lan", "vlan", "bridge")


def host_acl(state: State, daemon: str, values: list[str], line: int) -> Acl | None:
    """``telnetd host …`` as a source ACL; None for ``any`` (no restriction) and ``none`` (no access,
    which :func:`management` reads as no transport)."""
    words = [word for value in values for word in value.split(",") if word]
    if not words or words in (["any"], ["none"]):
        return None
    networks: list[IPNetwork] = []
    unreadable = False
    for word in words:
        found = _sources(state, word)
        if found is None:
            unreadable = True
        else:
            networks.extend(found)
    entries = (AclEntry("permit", "ip", AddressMatch(tuple(networks)), ANY_PORT, AddressMatch(any_=True), ANY_PORT,
                        False, None, None, line),) if networks else ()  # fmt: skip
    return Acl(f"{daemon} host", 4, "standard", entries, line, (line,) if unreadable or not networks else (),
               implicit_nd=False, derived=True)  # fmt: skip


def _sources(state: State, word: str) -> list[IPNetwork] | None:
    """A host list item: ``lan`` (every LAN interface's prefixes), ``lanN``, an address or a range."""
    if word == "lan" or word.startswith(_LAN_KINDS):
        names = [n for n in state.interfaces if n.startswith(_LAN_KINDS)] if word == "lan" else [word]
        prefixes: list[IPNetwork] = [
            a.network for n in names if n in state.interfaces for a in state.interfaces[n].ipv4
        ]
        return prefixes or None
    try:
        if "-" in word:
            first, last = (ipaddress.IPv4Address(part) for part in word.split("-", 1))
            return list(ipaddress.summarize_address_range(first, last))
        return [ipaddress.ip_network(word, strict=False)]
    except ValueError:
        return None


def _acl_name(state: State, daemon: str) -> str | None:
    values, _ = state.hosts.get(daemon, (["any"], 0))
    return None if values in (["any"], ["none"]) else f"{daemon} host"


def _closed(state: State, daemon: str) -> bool:
    return state.hosts.get(daemon, ([], 0))[0] == ["none"]


def _terminal(state: State, daemon: str, transport: str, default_on: bool) -> TerminalLine:
    setting, line = state.services.get(daemon, ("on" if default_on else "off", 0))
    on = setting == "on" and not _closed(state, daemon)
    timer = state.login_timer
    host_line = state.hosts.get(daemon, ([], 0))[1]
    lines = tuple(n for n in (line or host_line, host_line, timer[1] if timer else 0) if n)
    return TerminalLine(
        name=daemon,
        remote=True,
        transport_input=(transport,) if on else (),
        transport_default=None,
        access_class_v4=_acl_name(state, daemon),
        access_class_v6=None,
        exec_timeout_seconds=timer[0] if timer else None,
        default_timeout_seconds=_DEFAULT_TIMER,
        has_login=True,
        line=line or host_line,  # 0: served by the router's default, no line says so
        lines=tuple(dict.fromkeys(lines)),
    )


def _console(state: State) -> TerminalLine:
    """The serial console: local, and timed out by the same ``login timer``."""
    timer = state.login_timer
    return TerminalLine(name="console", remote=False, transport_input=None, transport_default=None,
                        access_class_v4=None, access_class_v6=None,
                        exec_timeout_seconds=timer[0] if timer else None, default_timeout_seconds=_DEFAULT_TIMER,
                        has_login=True, line=timer[1] if timer else 0,
                        lines=(timer[1],) if timer else ())  # fmt: skip


def management(state: State) -> Management:
    telnet = _terminal(state, "telnetd", "telnet", default_on=True)
    ssh = _terminal(state, "sshd", "ssh", default_on=False)
    # A daemon that is off is no login line; the console always is.
    lines = (_console(state), *(t for t in (telnet, ssh) if t.transport_input))
    http_setting, http_line = state.services.get("httpd", ("on", 0))
    http = http_setting == "on" and not _closed(state, "httpd")
    host_line = state.hosts.get("httpd", ([], 0))[1]
    web = WebManagement(http=http, https=False, tls_versions=None, tls_default_ok=None,
                        access_class=_acl_name(state, "httpd"),
                        lines=tuple(n for n in (http_line, host_line) if n))  # fmt: skip
    tftp_values, tftp_line = state.hosts.get("tftp", (["none"], 0))
    services = (
        Service("http_server", http, not (http_line or host_line), http_line or host_line or None),
        Service("tftp_server", tftp_values != ["none"], not tftp_line, tftp_line or None),
    )
    return Management(
        terminal_lines=lines,
        ssh_version=2 if ssh.transport_input else None,
        ssh_lines=tuple(n for n in (ssh.line, state.hosts.get("sshd", ([], 0))[1]) if n),
        web=web,
        snmp_communities=tuple(state.communities),
        snmp_v3_groups=tuple(state.snmp_v3),
        services=services,
        usb_disabled_lines=tuple(state.usb_off_lines),
        usb_control_supported=True,
        upnp_supported=True,
        upnp_lines=tuple(state.upnp_lines),
        login_throttle_supported=False,
        password_policy_supported=False,  # RTX has no minimum password length setting
    )
