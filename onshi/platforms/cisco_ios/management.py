"""Management plane, accounts, logging and time, and ``dot11 ssid`` blocks."""

from __future__ import annotations

import ipaddress
from typing import Literal

from onshi.model import Account, SecretStorage, Service, SnmpCommunity, SnmpV3Group, TerminalLine
from onshi.platforms.cisco_ios.context import ConfigLine, Context, SsidBuilder, line_of
from onshi.platforms.cisco_ios.secrets import split_typed, typed_secret
from onshi.secrets import describe_secret

_DEFAULT_EXEC_TIMEOUT = 600  # IOS: 10 minutes
_DEFAULT_COMMUNITIES_WRITE = frozenset({"rw"})
_V3_LEVELS: dict[str, Literal["noauth", "auth", "priv"]] = {
    "noauth": "noauth",
    "auth": "auth",
    "priv": "priv",
}


def _vty_default_transport(ctx: Context) -> tuple[str, ...] | None:
    """Classic IOS (12.x/15.x) accepts every transport on a vty unless told otherwise; the
    default changed across IOS XE releases, so there it is not assumed."""
    if ctx.version_major is not None and ctx.version_major < 16:
        return ("telnet", "ssh", "rlogin")
    return None


# Line sub-commands that bear on no rule (terminal settings, who may log in is `login`/AAA).
LINE_IGNORED = frozenset(
    {
        "logging", "history", "length", "width", "stopbits", "speed", "flowcontrol", "databits", "parity",
        "escape-character", "location", "rotary", "autoselect", "modem", "exec", "privilege", "login",
        "session-timeout", "absolute-timeout", "activation-character", "notify", "vacant-message",
        "terminal-type", "international", "exec-character-bits", "special-character-bits",
        "media-type", "authorization", "accounting", "transport", "session-limit", "timeout", "motd-banner",
        "exec-banner", "insecure", "cts", "logout-warning", "stopbit", "padding", "hold-character",
        "disconnect-character",
    }
)  # fmt: skip


def _line_irrelevant(lowered: list[str]) -> bool:
    """A line sub-command known to bear on no rule: `transport output/preferred`, `login local`, `no exec`
    ... (`transport input` and the others the rules read are handled before this)."""
    words = lowered[1:] if lowered[:1] == ["no"] else lowered
    if words[:2] == ["transport", "input"] or not words:
        return False
    if words[0] == "access-class" or words[:2] == ["ipv6", "access-class"]:
        return words[-1] == "out"  # who the line may connect out to, not who may log in
    if words[0] == "transport":
        return words[1:2] in (["output"], ["preferred"])
    return words[0] in LINE_IGNORED


def handle_line(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``line vty A B`` / ``line con 0`` / ``line aux 0`` / ``line N M``."""
    name = " ".join(tokens[1:])
    kind = tokens[1].lower() if len(tokens) > 1 else ""
    vty = kind == "vty"
    transport: tuple[str, ...] | None = None
    access_v4 = access_v6 = None
    timeout: int | None = None
    has_login = True
    lines = [line_of(item)]
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        lowered = [word.lower() for word in words]
        lines.append(line_of(child))
        understood = True
        if lowered[:2] == ["transport", "input"]:
            transport = _transports(lowered[2:])
        elif lowered[:1] == ["access-class"] and len(words) > 2 and lowered[2] == "in":
            access_v4 = words[1]
        elif lowered[:2] == ["ipv6", "access-class"] and len(words) > 3:
            access_v6 = words[2]
        elif lowered[:1] == ["exec-timeout"] and len(words) > 1 and words[1].isdigit():
            seconds = int(words[2]) if len(words) > 2 and words[2].isdigit() else 0
            timeout = int(words[1]) * 60 + seconds
        elif lowered[:2] == ["no", "exec-timeout"]:
            timeout = 0
        elif lowered[:2] == ["no", "login"]:
            has_login = False
        elif lowered[:1] == ["password"]:
            typed = split_typed(words, 1)
            if typed is not None:
                secret = typed_secret("line", typed[0], typed[1], line_of(child), hashed=False)
                ctx.line_passwords.append(Account(f"line {name}", None, ctx.secret(secret), line_of(child)))
            understood = typed is not None
        else:
            understood = _line_irrelevant(lowered)
        if understood:
            ctx.mark_tree(child)
        else:
            ctx.bad(child)
    explicit_remote = transport is not None and bool(set(transport) & {"telnet", "ssh", "rlogin"})
    ctx.terminal_lines.append(
        TerminalLine(
            name=name,
            remote=vty or (kind not in ("con", "console") and explicit_remote),
            transport_input=transport,
            transport_default=_vty_default_transport(ctx) if vty else (),
            access_class_v4=access_v4,
            access_class_v6=access_v6,
            exec_timeout_seconds=timeout,
            default_timeout_seconds=_DEFAULT_EXEC_TIMEOUT,
            has_login=has_login,
            line=line_of(item),
            lines=tuple(lines),
        )
    )


def _transports(words: list[str]) -> tuple[str, ...]:
    if "all" in words:
        return ("telnet", "ssh", "rlogin")
    return tuple(word for word in words if word != "none")


def handle_ip_ssh(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[2:3] == ["version"] and len(words) > 3 and words[3].isdigit():
        ctx.ssh_version = int(words[3])
        ctx.ssh_lines.append(line_of(item))
    ctx.mark_tree(item)


def handle_ip_http(ctx: Context, item: ConfigLine, tokens: list[str], negated: bool) -> None:
    words = [word.lower() for word in tokens]
    offset = 1 if negated else 0
    sub = words[2 + offset] if len(words) > 2 + offset else ""
    if sub == "server":
        ctx.http["http"] = not negated
    elif sub == "secure-server":
        ctx.http["https"] = not negated
    elif sub == "access-class" and len(tokens) > 3 + offset:
        ctx.http["access_class"] = tokens[-1]
    elif sub == "tls-version" and not negated:
        ctx.http["tls"] = tuple(word.replace("tlsv", "") for word in words[3:])
    ctx.http_lines.append(line_of(item))
    ctx.mark_tree(item)


def handle_snmp(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    ctx.mark_tree(item)
    if words[1:2] == ["community"] and len(tokens) > 2:
        rest = words[3:]
        write = bool(set(rest) & _DEFAULT_COMMUNITIES_WRITE)
        acl = None
        if rest and rest[-1] not in ("ro", "rw") and (len(rest) < 2 or rest[-2] not in ("view", "ipv6")):
            acl = tokens[-1]
        community = describe_secret("snmp_community", SecretStorage.PLAINTEXT, tokens[2], line_of(item))
        secret = ctx.secret(community)
        ctx.communities.append(SnmpCommunity(secret, write, acl, line_of(item)))
    elif words[1:2] == ["group"] and len(words) > 4 and words[3] == "v3":
        level = _V3_LEVELS.get(words[4], "noauth")
        ctx.v3_groups.append(SnmpV3Group(tokens[2], level, line_of(item)))
    # `snmp-server host` lines name trap receivers; a community grants access only on
    # `snmp-server community` lines, so the host lines carry nothing more to judge.


def handle_username(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``username NAME [privilege N] [view V] secret|password [T] VALUE`` or ``nopassword``."""
    if len(tokens) < 2:
        return
    name = tokens[1]
    words = [word.lower() for word in tokens]
    privilege = int(words[words.index("privilege") + 1]) if "privilege" in words[2:-1] else None
    secret = None
    if "nopassword" in words:
        secret = describe_secret("user", SecretStorage.EMPTY, "", line_of(item))
    for keyword in ("secret", "password"):
        if keyword in words[2:]:
            typed = split_typed(tokens, words.index(keyword, 2) + 1)
            if typed is not None:
                secret = typed_secret("user", typed[0], typed[1], line_of(item), hashed=keyword == "secret")
            break
    ctx.mark(item)
    if secret is None:
        if len(words) > 2 and words[2] in (
            "privilege",
            "view",
            "autocommand",
            "access-class",
            "algorithm-type",
        ):
            return  # attributes of a user whose password is on another line
        ctx.bad(item)
        return
    ctx.users.append(Account(name, privilege, ctx.secret(secret), line_of(item)))


def handle_enable(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``enable secret|password [level N] [T] VALUE``."""
    words = [word.lower() for word in tokens]
    if len(words) < 3 or words[1] not in ("secret", "password"):
        ctx.mark(item)
        return
    index = 2
    level = None
    if words[index] == "level" and len(words) > index + 1:
        level, index = int(words[index + 1]), index + 2
    typed = split_typed(tokens, index)
    if typed is None:
        ctx.bad(item)
        return
    secret = typed_secret("enable", typed[0], typed[1], line_of(item), hashed=words[1] == "secret")
    ctx.enable.append(Account(f"enable {words[1]}", level, ctx.secret(secret), line_of(item)))
    ctx.mark(item)


def handle_aaa(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:2] == ["authentication"] and "group" in words and len(words) > 2:
        ctx.external_auth.setdefault(words[2], []).append(line_of(item))
    if words[1:3] == ["authentication", "login"] and "group" in words:
        ctx.central_auth.append(line_of(item))
    elif words[1:4] == ["local", "authentication", "attempts"]:
        ctx.throttle.append(line_of(item))
    ctx.mark_tree(item)


def handle_login(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:2] == ["block-for"]:
        ctx.throttle.append(line_of(item))
    elif words[1:2] in (["on-success"], ["on-failure"]) and "log" in words:
        ctx.login_log_lines.append(line_of(item))
    ctx.mark_tree(item)


def handle_security(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:4] == ["authentication", "failure", "rate"]:
        ctx.throttle.append(line_of(item))
    elif words[1:3] == ["passwords", "min-length"] and len(words) > 3 and words[3].isdigit():
        ctx.password_min_length = (int(words[3]), line_of(item))
    ctx.mark_tree(item)


def handle_ntp(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:2] in (["server"], ["peer"]) and len(tokens) > 2:
        rest = tokens[2:]
        if words[2] == "vrf" and len(tokens) > 4:
            rest = tokens[4:]
        if words[2] in ("ip", "ipv6") and len(tokens) > 3:
            rest = tokens[3:]
        ctx.ntp_servers.append(rest[0])
        ctx.ntp_lines.append(line_of(item))
    ctx.mark_tree(item)


def handle_logging(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    target = None
    if words[1:2] in (["host"], ["server"]) and len(tokens) > 2:
        target = tokens[3] if words[2] in ("ipv6", "vrf") and len(tokens) > 3 else tokens[2]
    elif len(tokens) > 1 and _is_address(tokens[1]):
        target = tokens[1]
    if target is not None:
        ctx.syslog_hosts.append(target)
        ctx.syslog_lines.append(line_of(item))
    elif words[1:2] == ["userinfo"]:
        ctx.login_log_lines.append(line_of(item))
    ctx.mark_tree(item)


def _is_address(token: str) -> bool:
    try:
        ipaddress.ip_address(token)
    except ValueError:
        return False
    return True


def handle_archive(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``archive`` / ``log config`` / ``logging enable``: configuration changes are logged."""
    ctx.mark_tree(item)
    for child in item.children:
        if child.text.split() == ["log", "config"]:
            for grandchild in child.children:
                if grandchild.text.split() == ["logging", "enable"]:
                    ctx.config_log_lines.append(line_of(grandchild))


def set_service(ctx: Context, name: str, enabled: bool, item: ConfigLine) -> None:
    ctx.services[name] = Service(name, enabled, False, line_of(item))
    ctx.mark(item)


# --- wireless (autonomous IOS access points, ISR embedded APs) ------------------------------------


def handle_dot11(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:2] == ["ssid"] and len(tokens) > 2:
        read_ssid(ctx, item, " ".join(tokens[2:]))
    elif words[1:3] == ["association", "mac-list"]:
        ctx.mac_list_lines.append(line_of(item))
        ctx.mark(item)
    else:
        ctx.mark_tree(item)


def read_ssid(ctx: Context, item: ConfigLine, name: str) -> None:
    """A ``dot11 ssid NAME`` block, or (IOS 12.2 and earlier) an ``ssid NAME`` block under the radio."""
    ssid = SsidBuilder(name=name, lines=[line_of(item)])
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        lowered = [word.lower() for word in words]
        ssid.lines.append(line_of(child))
        ctx.mark(child)
        if lowered[:1] == ["vlan"] and len(words) > 1 and words[1].isdigit():
            ssid.vlan = int(words[1])
        elif lowered[:2] == ["authentication", "key-management"]:
            version = lowered[lowered.index("version") + 1] if "version" in lowered[:-1] else None
            ssid.key_management = {"2": "wpa2", "3": "wpa3"}.get(version or "", "wpa")
        elif lowered[:2] == ["authentication", "network-eap"]:
            ssid.eap = True
        elif lowered[:2] == ["authentication", "open"]:
            ssid.eap = ssid.eap or "eap" in lowered
            ssid.mac_filter = ssid.mac_filter or "mac-address" in lowered
        elif lowered[:2] == ["authentication", "shared"]:
            ssid.shared = True
        elif lowered[:1] == ["wpa-psk"] and len(words) > 2:
            typed = split_typed(words, 2)
            if typed is not None:
                secret = typed_secret("wifi_psk", typed[0], typed[1], line_of(child), hashed=False)
                ssid.psk = ctx.secret(secret)
        elif lowered in (["guest-mode"], ["mbssid", "guest-mode"]):
            ssid.broadcast = True
        elif lowered[:1] not in (["mobility"], ["accounting"], ["max-associations"], ["infrastructure-ssid"]):
            ctx.bad(child)
    ctx.ssids[name] = ssid
