"""Cisco IOS / IOS-XE ``show running-config`` text into the neutral :class:`~onshi.model.Device`.

ciscoconfparse gives the block hierarchy; handlers keyed by the first words of each top-level line
build the model. A line counts as understood when it was modelled or is known to bear on no rule
(QoS, physical tuning, voice ...); every other non-blank line is returned as unrecognized, so that
reports show the parse coverage. Lines of a modelled kind that could not be modelled (an ACL entry
with a non-contiguous wildcard, say) are unrecognized too, and the element records that it is
incomplete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from onshi.model import (
    Accounts,
    Acl,
    Crypto,
    Definition,
    Device,
    Logging,
    Management,
    Service,
    SourceText,
    Ssid,
    Unrecognized,
    VpnEndpoint,
    VpnKind,
    WebManagement,
    WifiSecurity,
    ZoneAction,
    ZonePair,
)
from onshi.platforms.cisco_ios import crypto, filters, interfaces, keywords, management, tree
from onshi.platforms.cisco_ios.aspects import block_aspects
from onshi.platforms.cisco_ios.context import AclBuilder, ConfigLine, Context, Handler, line_of, walk
from onshi.platforms.cisco_ios.secrets import mask_line
from onshi.platforms.cisco_ios.vpn import vpn_endpoints

PLATFORM = "cisco_ios"
_VERSION = re.compile(r"^version\s+(\d+)\.(\d+)\S*", re.IGNORECASE)

# Top-level commands known to bear on no rule; their blocks are understood as a whole.
_IRRELEVANT = frozenset(
    {
        "!", "end", "building", "current", "boot", "boot-start-marker", "boot-end-marker", "clock",
        "memory", "control-plane", "banner", "redundancy", "license", "spanning-tree", "vlan",
        "multilink", "track", "route-map", "dial-peer", "voice", "voice-card", "mac-address-table",
        "diagnostic", "platform", "hw-module", "card", "subscriber", "dialer-list", "mgcp", "sccp",
        "telephony-service", "ephone", "ephone-dn", "call-manager-fallback", "gatekeeper",
        "application", "stcapp", "event", "wsma", "netconf-yang", "restconf", "errdisable",
        "port-channel", "vtp", "alias", "scheduler", "process", "file", "system", "cpu",
        "mpls", "bba-group", "key", "tacacs-server", "tacacs", "radius-server", "radius", "chat-script",
        "username", "enable", "service", "exception", "privilege",
        "vpdn", "call", "rtr", "sdm", "vstack", "transceiver", "archive", "macro", "parameter-map",
        "template", "authentication", "dot1x", "device-tracking", "nat64", "qos",
        "mls", "table-map", "lldp", "cdp", "udld", "vrf", "snmp", "xconnect",
        "l2tp-class", "sip-ua", "translation-rule", "voice-port", "mta", "warm-reboot",
        "power", "pnp", "fhrp", "ntp", "sntp", "logging", "aaa", "bfd", "policy-map", "class-map",
        "monitor", "flow", "cts", "call-home", "virtual-service", "iox", "app-hosting", "sd-routing",
        "sdwan", "segment-routing", "srv6", "utd", "stack-mac", "switch",
        "wireless", "ap", "wlan", "access-session", "identity", "epm", "tftp-server",
        "default", "mac", "service-template", "coap", "ethernet", "ptp", "rmon", "kron",
        "first-hop-security", "mab", "x25", "frame-relay", "isdn", "controller", "network-clock",
        "network-clock-participate", "spd", "login", "security", "dns", "appfw", "ips", "mmi",
        "memory-size", "resource", "bfd-template", "wlccp", "bridge", "endpoint-tracker", "exit",
    }
)  # fmt: skip
# Of these, only those without a handler are really irrelevant; the handlers below win.
_IP_IRRELEVANT = frozenset(
    {
        "cef", "domain", "domain-name", "domain-lookup", "name-server", "dhcp", "tcp", "sla",
        "prefix-list", "forward-protocol", "wccp", "bgp-community", "ips", "inspect", "ftp", "tftp",
        "scp", "local", "ospf", "classless", "subnet-zero", "multicast-routing", "pim", "igmp",
        "flow-export", "flow-cache", "flow-top-talkers", "flow", "host", "telnet", "rcmd", "dns",
        "as-path", "community-list", "extcommunity-list", "explicit-path", "rsvp", "icmp",
        "gratuitous-arps", "accounting-threshold", "routing", "multicast", "nbar", "admission",
        "auth-proxy", "audit", "port-map", "urlfilter", "arp", "device", "radius", "tacacs",
        "options", "virtual-reassembly", "mroute", "default-gateway", "default-network",
        "unicast-routing", "hardware", "general-prefix", "nd", "vrf", "mfib", "source-interface",
        "name", "nhrp", "mtu", "traffic-export", "host-routing",
        "verify", "accounting", "local-policy", "rip", "access-list", "msdp",
        "router", "unicast", "neighbor", "sdee", "snmp",
    }
)  # fmt: skip


def parse(
    text: str, file: str, encoding: str = "utf-8", build: Callable[[list[str]], Sequence[ConfigLine]] = tree.build
) -> Device:
    """The model of an IOS config. ``build`` makes the tree of lines: onshi's own, or (in the tests and
    the benchmark) ciscoconfparse's, against which it is checked."""
    raw = text.splitlines()
    canonical = [
        _brace_safe(line) if "{" in line or "}" in line else line  # the test first: a call per line costs
        for line in keywords.canonical_lines(raw, _TOP_KEYWORDS, _CHILD_KEYWORDS)
    ]
    top = list(build(canonical))
    ctx = Context(raw=raw)
    _read_version(ctx, top)
    for item in top:
        tokens = item.text.split()
        if not tokens:
            continue
        if tokens[0][0] in "!#":  # a comment (a quarter of a config): read, and of no part any rule reads
            ctx.mark_tree(item)
            continue
        try:
            _dispatch(ctx, item, tokens)
        except (ValueError, IndexError, KeyError):  # a value that does not read: the block is reported
            for node in walk(item):
                ctx.bad(node)
        aspects = block_aspects(tokens)
        if aspects:
            ctx.aspects.update(dict.fromkeys([line_of(node) for node in walk(item)], aspects))
    return _assemble(ctx, file, encoding)


def _brace_safe(line: str) -> str:
    """ciscoconfparse (the tree's reference in the tests) takes a line opening with a brace for
    Junos-style syntax and raises on it; no IOS command starts with one, so the brace is given a name
    no handler knows (the line is reported), and both trees read the same lines."""
    stripped = line.lstrip()
    if stripped[:1] in ("{", "}"):
        return line[: len(line) - len(stripped)] + "brace" + stripped
    return line


def _read_version(ctx: Context, top: list[ConfigLine]) -> None:
    for item in top:
        match = _VERSION.match(item.text)
        if match:
            ctx.version_major = int(match.group(1))
            ctx.os_version = item.text.split()[1]
            ctx.os_version_line = line_of(item)
            return


def _dispatch(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    head = tokens[0].lower()
    if head == "no":
        _negated(ctx, item, tokens)
        return
    second = tokens[1].lower() if len(tokens) > 1 else ""
    if head in ("ip", "ipv6"):
        handler = _IP_HANDLERS.get((head, second))
        if handler is not None:
            handler(ctx, item, tokens)
        elif second in _IP_IRRELEVANT:
            ctx.mark_tree(item)
        return
    if head == "service":
        _service(ctx, item, tokens, enabled=True)
        return
    handler = _HANDLERS.get(head)
    if handler is not None:
        handler(ctx, item, tokens)
    elif head in _IRRELEVANT:
        ctx.mark_tree(item)


def _negated(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    rest = words[1:3]
    if rest in (["ip", "http"], ["ip", "https"]):
        management.handle_ip_http(ctx, item, tokens, negated=True)
    elif words[1:2] == ["service"]:
        _service(ctx, item, tokens[1:], enabled=False)
    elif rest == ["ip", "source-route"]:
        management.set_service(ctx, "source_route", False, item)
    elif rest == ["ipv6", "source-route"]:
        management.set_service(ctx, "source_route_v6", False, item)
    elif rest == ["cdp", "run"]:
        management.set_service(ctx, "cdp", False, item)
    elif rest == ["lldp", "run"]:
        management.set_service(ctx, "lldp", False, item)
    elif rest == ["ip", "finger"]:
        management.set_service(ctx, "finger", False, item)
    elif words[1:4] == ["ip", "bootp", "server"]:
        management.set_service(ctx, "bootp_server", False, item)
    elif words[1:2] == ["crypto"]:
        ctx.mark(item)  # removes a default (diagnostics, aggressive-mode refusal is `... disable`)
    elif len(words) > 1 and (
        words[1] in _IRRELEVANT or (words[1] in ("ip", "ipv6") and rest[1:] and rest[1] in _IP_IRRELEVANT)
    ):
        ctx.mark_tree(item)


_SERVICES = {
    "tcp-small-servers": "tcp_small_servers",
    "udp-small-servers": "udp_small_servers",
    "finger": "finger",
    "pad": "pad",
    "config": "config_autoload",
}


def _service(ctx: Context, item: ConfigLine, tokens: list[str], *, enabled: bool) -> None:
    """``service X`` / ``no service X``."""
    words = [word.lower() for word in tokens]
    name = words[1] if len(words) > 1 else ""
    if name in _SERVICES:
        management.set_service(ctx, _SERVICES[name], enabled, item)
        return
    if enabled and words[1:3] == ["timestamps", "log"] and "datetime" in words:
        ctx.timestamp_lines.append(line_of(item))
    ctx.mark(item)


def _ip_service(name: str, enabled: bool) -> Handler:
    def handler(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
        management.set_service(ctx, name, enabled, item)

    return handler


def _vrf(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    name_index = 2 if words[:2] in (["ip", "vrf"], ["vrf", "definition"]) else None
    if name_index is not None and len(tokens) > name_index:
        ctx.vrfs.append(tokens[name_index])
    ctx.mark_tree(item)


def _ip_bootp(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    management.set_service(ctx, "bootp_server", True, item)


def _hostname(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    ctx.hostname = tokens[1] if len(tokens) > 1 else None
    ctx.mark(item)


def _platform(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    if [word.lower() for word in tokens[1:3]] == ["usb", "disable"]:
        ctx.usb_disabled.append(line_of(item))
    ctx.mark_tree(item)


def _cdp_lldp(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    if len(tokens) > 1 and tokens[1].lower() == "run":
        management.set_service(ctx, tokens[0].lower(), True, item)
    else:
        ctx.mark_tree(item)


def _ip_http(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    management.handle_ip_http(ctx, item, tokens, negated=False)


_HANDLERS: dict[str, Handler] = {
    "hostname": _hostname,
    "version": lambda ctx, item, tokens: ctx.mark(item),
    "interface": interfaces.handle_interface,
    "access-list": filters.handle_access_list,
    "object-group": filters.handle_object_group,
    "router": filters.handle_router,
    "crypto": crypto.handle_crypto,
    "zone": crypto.handle_zone,
    "zone-pair": crypto.handle_zone_pair,
    "class-map": crypto.handle_class_map,
    "policy-map": crypto.handle_policy_map,
    "vpdn-group": crypto.handle_vpdn_group,
    "pseudowire-class": crypto.handle_pseudowire_class,
    "webvpn": crypto.handle_webvpn,
    "line": management.handle_line,
    "snmp-server": management.handle_snmp,
    "username": management.handle_username,
    "enable": management.handle_enable,
    "aaa": management.handle_aaa,
    "login": management.handle_login,
    "security": management.handle_security,
    "ntp": management.handle_ntp,
    "sntp": management.handle_ntp,
    "logging": management.handle_logging,
    "archive": management.handle_archive,
    "dot11": management.handle_dot11,
    "vrf": _vrf,
    "platform": _platform,
    "cdp": _cdp_lldp,
    "lldp": _cdp_lldp,
}

_IP_HANDLERS: dict[tuple[str, str], Callable[[Context, ConfigLine, list[str]], None]] = {
    ("ip", "access-list"): filters.handle_ip_access_list,
    ("ipv6", "access-list"): filters.handle_ipv6_access_list,
    ("ip", "route"): filters.handle_route,
    ("ipv6", "route"): filters.handle_route,
    ("ip", "nat"): filters.handle_nat,
    ("ip", "http"): _ip_http,
    ("ip", "ssh"): management.handle_ip_ssh,
    ("ip", "source-route"): _ip_service("source_route", True),
    ("ip", "finger"): _ip_service("finger", True),
    ("ip", "bootp"): _ip_bootp,
    ("ip", "vrf"): _vrf,
    ("ip", "multicast-routing"): lambda ctx, item, tokens: _multicast(ctx, item, 4),
    ("ipv6", "multicast-routing"): lambda ctx, item, tokens: _multicast(ctx, item, 6),
}


def _multicast(ctx: Context, item: ConfigLine, family: int) -> None:
    ctx.multicast_routing.add(family)
    ctx.mark_tree(item)


# What the keyword canonicaliser must know: every keyword the parser reads or knows to ignore.
_TOP_KEYWORDS = keywords.with_keywords(
    keywords.with_keywords(keywords.TOP, [*_IRRELEVANT, *_HANDLERS, "policy"]),
    [second for head, second in _IP_HANDLERS if head == "ip"] + sorted(_IP_IRRELEVANT),
    under="ip",
)
_CHILD_KEYWORDS = {
    "interface": keywords.with_keywords(
        keywords.with_keywords(keywords.INTERFACE, interfaces.IGNORED_FIRST), interfaces.IGNORED_IP, under="ip"
    ),
    "line": keywords.with_keywords(keywords.LINE, management.LINE_IGNORED),
}


# --- assembly -------------------------------------------------------------------------------------

# IOS defaults for services MGMT-05 judges, when the config does not say.
_SERVICE_DEFAULTS = {
    "http_server": False,
    "source_route": True,
    "cdp": True,
    "lldp": False,
    "tcp_small_servers": False,
    "udp_small_servers": False,
    "finger": False,
    "bootp_server": True,
    "pad": True,
}


def _definitions(acls: tuple[Acl, ...], raw: list[str]) -> tuple[Definition, ...]:
    """The ACLs as the owner wrote them, each with every line that defines it (a numbered list's lines,
    its remarks too, all start with ``access-list N``)."""
    numbered: dict[str, list[int]] = {}
    for number, text in enumerate(raw, start=1):
        if "access-list" not in text:  # most lines: not split at all
            continue
        words = text.split()
        if words[:1] == ["access-list"] and len(words) > 1:
            numbered.setdefault(words[1], []).append(number)
    return tuple(
        Definition("ACL", acl.name, tuple(sorted({acl.line, *(e.line for e in acl.entries), *acl.unparsed_lines,
                                                  *numbered.get(acl.name, ())})))
        for acl in acls if not acl.derived
    )  # fmt: skip


def _assemble(ctx: Context, file: str, encoding: str) -> Device:
    masked = tuple(map(mask_line, ctx.raw))
    acls = tuple(_acl(builder) for builder in ctx.acls.values())
    return Device(
        hostname=ctx.hostname,
        platform=PLATFORM,
        os_version=ctx.os_version,
        os_version_line=ctx.os_version_line,
        source=SourceText(file=file, lines=masked, encoding=encoding),
        interfaces=tuple(ctx.interfaces),
        vrfs=tuple(ctx.vrfs),
        acls=acls,
        definitions=_definitions(acls, ctx.raw),
        object_groups=tuple(ctx.object_groups),
        static_routes=tuple(ctx.routes),
        dynamic_routing_lines=tuple(ctx.dynamic_routing),
        nat=tuple(ctx.nat),
        multicast_routing=frozenset(ctx.multicast_routing),
        zones=tuple(ctx.zones),
        zone_pairs=_zone_pairs(ctx),
        crypto=Crypto(
            ike_proposals=tuple(ctx.ike),
            peer_keys=tuple(ctx.peer_keys),
            transform_sets=tuple(ctx.transform_sets),
            policies=tuple(ctx.ipsec),
            dpd_lines=tuple(ctx.dpd),
            aggressive_mode_lines=tuple(ctx.aggressive),
            aggressive_mode_refused=ctx.aggressive_refused,
            certificate_auth_lines=tuple(ctx.cert_auth),
            default_ike_proposal=bool(ctx.ikev2_profiles) and not any(p.version == 2 for p in ctx.ike),
        ),
        vpns=vpn_endpoints(ctx),
        management=_management(ctx),
        accounts=Accounts(
            users=tuple(ctx.users),
            enable=tuple(ctx.enable),
            line_passwords=tuple(ctx.line_passwords),
            central_auth_lines=tuple(ctx.central_auth),
        ),
        logging=Logging(
            ntp_servers=tuple(ctx.ntp_servers),
            ntp_lines=tuple(ctx.ntp_lines),
            syslog_hosts=tuple(ctx.syslog_hosts),
            syslog_lines=tuple(ctx.syslog_lines),
            timestamp_lines=tuple(ctx.timestamp_lines),
            login_log_lines=tuple(ctx.login_log_lines),
            config_change_log_lines=tuple(ctx.config_log_lines),
        ),
        ssids=_ssids(ctx),
        secrets=tuple(ctx.secrets),
        unrecognized=_unrecognized(ctx, masked),
    )


def _acl(builder: AclBuilder) -> Acl:
    kind: Literal["standard", "extended"] = "standard" if builder.kind == "standard" else "extended"
    return Acl(builder.name, builder.family, kind, tuple(builder.entries), builder.line, tuple(builder.unparsed))


def _unrecognized(ctx: Context, masked: tuple[str, ...]) -> tuple[Unrecognized, ...]:
    found = []
    for number, text in enumerate(masked, start=1):
        stripped = text.strip()
        if (number not in ctx.seen or number in ctx.unparsed) and stripped and not stripped.startswith("!"):
            found.append(Unrecognized(number, text, ctx.aspects.get(number, frozenset())))
    return tuple(found)


def _zone_pairs(ctx: Context) -> tuple[ZonePair, ...]:
    pairs = []
    for name, source, destination, policy, line in ctx.zone_pairs:
        actions = []
        for policy_class in ctx.policy_maps.get(policy or "", []):
            class_map = ctx.class_maps.get(policy_class.class_name)
            is_default = policy_class.class_name == "class-default"
            actions.append(
                ZoneAction(
                    class_name=policy_class.class_name,
                    action=_zone_action(policy_class.action),
                    match_any=is_default or (class_map is not None and class_map.match_any),
                    acls=tuple(class_map.acls) if class_map else (),
                    protocols=tuple(class_map.protocols) if class_map else (),
                    line=policy_class.line,
                    match_all=class_map.match_all if class_map else False,
                    unmodelled=class_map.unmodelled if class_map else (not is_default),
                )
            )
        pairs.append(ZonePair(name, source, destination, policy, tuple(actions), line))
    return tuple(pairs)


def _zone_action(action: str | None) -> Literal["inspect", "pass", "drop"]:
    if action == "inspect":
        return "inspect"
    if action == "pass":
        return "pass"
    return "drop"  # IOS: a class without an action, and class-default, drop


def _management(ctx: Context) -> Management:
    services = []
    for name, default in _SERVICE_DEFAULTS.items():
        if name == "http_server":
            enabled = bool(ctx.http.get("http", default))
            line = ctx.http_lines[0] if ctx.http_lines and "http" in ctx.http else None
            services.append(Service(name, enabled, "http" not in ctx.http, line))
        elif name in ctx.services:
            services.append(ctx.services[name])
        else:
            services.append(Service(name, default, True, None))
    classic = ctx.version_major is not None and ctx.version_major < 16
    return Management(
        terminal_lines=tuple(ctx.terminal_lines),
        ssh_version=ctx.ssh_version,
        ssh_lines=tuple(ctx.ssh_lines),
        web=WebManagement(
            http=bool(ctx.http.get("http", False)),
            https=bool(ctx.http.get("https", False)),
            tls_versions=ctx.http.get("tls"),
            tls_default_ok=False if classic else None,
            access_class=ctx.http.get("access_class"),
            lines=tuple(ctx.http_lines),
        ),
        snmp_communities=tuple(ctx.communities),
        snmp_v3_groups=tuple(ctx.v3_groups),
        login_throttle_lines=tuple(ctx.throttle),
        password_min_length=ctx.password_min_length[0] if ctx.password_min_length else None,
        password_min_length_lines=ctx.password_min_length[1:] if ctx.password_min_length else (),
        services=tuple(services),
        usb_disabled_lines=tuple(ctx.usb_disabled),
        usb_control_supported=None if not ctx.usb_disabled else True,
        upnp_supported=False,
        upnp_lines=(),
    )


def _ssids(ctx: Context) -> tuple[Ssid, ...]:
    result = []
    for builder in ctx.ssids.values():
        ciphers, cipher_line = ctx.radio_ciphers.get(builder.vlan) or ctx.radio_ciphers.get(None) or ([], None)
        wep_line = ctx.radio_wep.get(builder.vlan, ctx.radio_wep.get(None))
        lines = list(builder.lines)
        lines.extend(line for line in (cipher_line, wep_line) if line is not None)
        key_management = []
        if builder.eap:
            key_management.append("dot1x")
        if builder.psk is not None:
            key_management.append("psk")
        result.append(
            Ssid(
                name=builder.name,
                security=_wifi_security(builder.key_management, ciphers, wep_line is not None or builder.shared),
                ciphers=tuple(ciphers),
                key_management=tuple(key_management),
                psk=builder.psk,
                broadcast=builder.broadcast,
                mac_filter=builder.mac_filter or bool(ctx.mac_list_lines),
                vlan=builder.vlan,
                lines=tuple(sorted(set(lines))),
            )
        )
    return tuple(result)


def _wifi_security(key_management: str | None, ciphers: list[str], wep: bool) -> WifiSecurity:
    if key_management == "wpa3":
        return WifiSecurity.WPA3
    if key_management == "wpa2":
        return WifiSecurity.WPA2
    if key_management == "wpa":
        # Without `version`, an autonomous AP offers WPA with TKIP and WPA2 with AES-CCMP as the
        # ciphers allow: AES-only means WPA2 in practice.
        return WifiSecurity.WPA if any("tkip" in cipher for cipher in ciphers) else WifiSecurity.WPA2
    if wep or any(cipher.startswith("wep") for cipher in ciphers):
        return WifiSecurity.WEP
    return WifiSecurity.OPEN


__all__ = ["PLATFORM", "VpnEndpoint", "VpnKind", "parse"]
