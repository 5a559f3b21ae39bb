"""Remote login, web management and device services of an IX.

The telnet, SSH and HTTP servers run only where ``telnet-server ip enable``, ``ssh-server ip
enable`` and ``http-server ip enable`` say so. ``ssh-server ip access-list NAME`` limits the SSH
server to the sources NAME permits (NEC's reference: the SSH server judges the source address only;
onshi's reading of the sources a list permits is exact for source-only lists and wider otherwise).
What onshi has not confirmed from NEC's reference is marked unknown in the model, so the rules that
would read it say ``manual``: the SSH protocol versions the server accepts, and the idle timeout of a
login session.
"""

from __future__ import annotations

from onshi.model import Management, Service, TerminalLine, WebManagement
from onshi.platforms.nec_ix.state import State


def _terminal(
    name: str, transport: str, line: int, remote: bool, access: tuple[str, int] | None = None
) -> TerminalLine:
    lines = tuple(sorted({line, *((access[1],) if access else ())} - {0}))
    return TerminalLine(name=name, remote=remote, transport_input=(transport,) if remote else None,
                        transport_default=None, access_class_v4=access[0] if access else None, access_class_v6=None,
                        exec_timeout_seconds=None, default_timeout_seconds=0, has_login=True, line=line,
                        lines=lines, default_timeout_known=False)  # fmt: skip


def management(state: State) -> Management:
    servers = state.servers
    lines = [_terminal("console", "console", 0, remote=False)]
    lines += [_terminal(f"{name}-server", name, servers[name], remote=True,
                        access=state.ssh_access_list if name == "ssh" else None)
              for name in ("telnet", "ssh") if name in servers]  # fmt: skip
    http_line = servers.get("http")
    web = None
    if http_line is not None:
        web = WebManagement(http=True, https=False, tls_versions=None, tls_default_ok=None, access_class=None,
                            lines=(http_line,))  # fmt: skip
    return Management(
        terminal_lines=tuple(lines),
        ssh_version=None,
        ssh_version_known=False,
        ssh_lines=(servers["ssh"],) if "ssh" in servers else (),
        web=web,
        snmp_communities=tuple(state.communities),
        services=(Service("http_server", http_line is not None, http_line is None, http_line),),
        usb_control_supported=None,
        upnp_supported=True,
        upnp_lines=tuple(state.upnp),
        login_throttle_supported=False,
        password_policy_supported=False,
    )
