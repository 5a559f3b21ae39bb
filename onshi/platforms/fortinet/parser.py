"""FortiOS configuration (FortiGate 5.x to 7.x) into the neutral model."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from typing import Any, Literal

from onshi.model import (
    ANY_PORT,
    Account,
    Accounts,
    Acl,
    AclEntry,
    AddressMatch,
    Crypto,
    Device,
    IkePeerKey,
    IkeProposal,
    Interface,
    InterfaceKind,
    IpsecPolicy,
    Logging,
    Management,
    NatRole,
    NatRule,
    PortMatch,
    Secret,
    SecretStorage,
    Service,
    SnmpCommunity,
    SnmpV3Group,
    SourceText,
    StaticRoute,
    TerminalLine,
    TransformSet,
    TunnelConfig,
    Unrecognized,
    VpnEndpoint,
    VpnKind,
    WebManagement,
)
from onshi.platforms.fortinet.aspects import block_aspects
from onshi.platforms.fortinet.definitions import definitions
from onshi.platforms.fortinet.logins import dialup_is_remote_access, dialup_logins, ssl_vpn_logins
from onshi.platforms.fortinet.objects import Addresses, address_tables, service_table
from onshi.platforms.fortinet.policies import ACCESS, Objects, firewall, zone_names
from onshi.platforms.fortinet.references import references
from onshi.platforms.fortinet.secrets import mask_community, mask_line, stored_secret
from onshi.platforms.fortinet.selectors import Selectors, tunnel_selectors
from onshi.platforms.fortinet.tree import Node, Tree, parse_tree
from onshi.platforms.fortinet.wireless import ssids

PLATFORM = "fortinet"
_HEADER = re.compile(r"^#config-version=([A-Z0-9]+)-(\d+)\.(\d+)(?:\.(\d+))?-FW-build(\d+)")
_DEFAULT_ADMIN_TIMEOUT = 5 * 60  # `system global` admintimeout, minutes


def parse(text: str, file: str, encoding: str = "utf-8") -> Device:
    tree = parse_tree(text)
    bad: list[int] = []  # entries with a value onshi cannot read (an address like 8.x.x.x): reported
    raw = text.splitlines()
    communities = {s.line for e in tree.block("system snmp community").entries.values()
                   if (s := e.settings.get("name")) is not None}  # fmt: skip
    masked = tuple(mask_community(line) if n in communities else mask_line(line) for n, line in enumerate(raw, 1))
    version, version_line = _version(raw)
    interfaces = _interfaces(tree, bad)
    zone_of = zone_names(tree, [i.name for i in interfaces])
    vips, nat = _vips(tree, bad)
    v4, v6 = address_tables(tree, vips)
    access, access6 = _allowaccess(tree, interfaces), _allowaccess(tree, interfaces, 6)
    local_in = {4: _local_in(tree, access, zone_of), 6: _local_in(tree, access6, zone_of, 6)}
    rules = firewall(tree, zone_of, Objects(v4, v6, service_table(tree)), local_in)
    outside = {rule.outside_interface for rule in nat if rule.outside_interface} | _wan(tree, interfaces)
    interfaces = [_with_zone(i, zone_of, outside) for i in interfaces]
    interfaces, selector_acls = _with_selectors(interfaces, tunnel_selectors(tree, v4, v6), bad)
    management, trusthosts = _management(tree, access, access6, bad)
    routes = _routes(tree, bad)
    unrecognized = sorted({*tree.bad_lines, *rules.unmodelled_lines, *bad})
    return Device(
        hostname=tree.block("system global").value("hostname"),
        platform=PLATFORM,
        os_version=version,
        os_version_line=version_line,
        source=SourceText(file=file, lines=masked, encoding=encoding),
        interfaces=tuple(interfaces),
        acls=(*rules.acls, *trusthosts, *selector_acls),
        static_routes=tuple(routes),
        dynamic_routing_lines=_dynamic_routing(tree),
        references=references(tree),
        definitions=definitions(tree),
        multicast_routing=frozenset({4})
        if tree.block("router multicast").value("multicast-routing") == "enable"
        else frozenset(),
        nat=tuple(nat),
        zones=tuple(rules.zones),
        zone_pairs=tuple(rules.pairs),
        crypto=_crypto(tree),
        vpns=tuple(_vpns(tree)),
        management=management,
        accounts=_accounts(tree),
        logging=_logging(tree),
        ssids=ssids(tree),
        secrets=_secrets(tree),
        unrecognized=tuple(
            Unrecognized(n, masked[n - 1], block_aspects(tree.owners.get(n, "")))
            for n in unrecognized
            if 0 < n <= len(masked)
        ),
    )


def _version(raw: list[str]) -> tuple[str | None, int | None]:
    """``#config-version=FGVMK6-7.4.12-FW-build2902-…`` → 7.4.12; ``FG100D-5.04-FW-build1064`` → 5.4
    (a release train without its patch: DOC-02 says when that is too imprecise to decide)."""
    for number, line in enumerate(raw[:5], start=1):
        if match := _HEADER.match(line):
            major, minor, patch = int(match[2]), int(match[3]), match[4]
            return f"{major}.{minor}" + (f".{int(patch)}" if patch else ""), number
    return None, None


# --- interfaces ------------------------------------------------------------------------------------------


def _interfaces(tree: Tree, bad: list[int]) -> list[Interface]:
    found = {}
    for name, entry in tree.block("system interface").entries.items():
        try:
            found[name] = _interface(entry)
        except ValueError:
            bad.append(entry.line)
    for block in ("vpn ipsec phase1-interface",):
        for name, entry in tree.block(block).entries.items():
            tunnel = TunnelConfig("ipsec", entry.value("interface"), entry.value("remote-gw"), name, None,
                                  entry.lines())  # fmt: skip
            base = found.get(name) or _interface(Node(name, entry.line))
            found[name] = replace(base, kind=InterfaceKind.TUNNEL, tunnel=tunnel)
    return list(found.values())


def _interface(entry: Node) -> Interface:
    ip = entry.values("ip")
    ipv4: tuple[ipaddress.IPv4Interface, ...] = ()
    if len(ip) >= 2 and ip[0] != "0.0.0.0":
        ipv4 = (ipaddress.IPv4Interface(f"{ip[0]}/{ip[1]}"),)
    six = entry.blocks.get("ipv6")
    ipv6: tuple[ipaddress.IPv6Interface, ...] = ()
    if six is not None and (address := six.value("ip6-address")) and not address.startswith("::/"):
        ipv6 = (ipaddress.IPv6Interface(address),)
    mode = entry.value("mode", "static")
    kind = InterfaceKind.VLAN if entry.value("vlanid") else InterfaceKind.PHYSICAL
    if entry.value("type") == "loopback":
        kind = InterfaceKind.LOOPBACK
    return Interface(
        name=entry.name, kind=kind, description=entry.value("description") or entry.value("alias") or "",
        shutdown=entry.value("status") == "down", vrf=None, ipv4=ipv4, ipv4_dhcp=mode == "dhcp",
        ipv4_negotiated=mode == "pppoe", ipv6=ipv6, ipv6_enabled=bool(ipv6) or (six is not None and bool(six.settings)),
        ipv6_autoconfig=six is not None and six.value("ip6-mode") in ("dhcp", "pppoe"),
        acl_in=None, acl_out=None, ipv6_acl_in=None, ipv6_acl_out=None, nat=None, zone=None, crypto_map=None,
        dialer_pool=None, pppoe_client=mode == "pppoe", cdp_enabled=False,
        vlan_id=int(entry.value("vlanid") or 0) or None, tunnel=None, urpf=False, lines=entry.lines(),
    )  # fmt: skip


def _wan(tree: Tree, interfaces: list[Interface]) -> set[str]:
    roles = tree.block("system interface").entries
    return {i.name for i in interfaces if i.name in roles and roles[i.name].value("role") == "wan"}


def _with_zone(interface: Interface, zone_of: dict[str, str], outside: set[str]) -> Interface:
    """Its zone and NAT side. Never uRPF, even with ``strict-src-check enable``: FortiOS's reverse-path
    check takes the default route, which covers every private and bogon source arriving on the WAN,
    so EXT-05 judges what the policies admit from such sources."""
    nat = NatRole.OUTSIDE if interface.name in outside else NatRole.INSIDE
    return replace(interface, zone=zone_of.get(interface.name, interface.name), nat=nat)


Allowaccess = tuple[tuple[str, tuple[str, ...], int], ...]  # (interface, services, line)


def _allowaccess(tree: Tree, interfaces: list[Interface], family: int = 4) -> Allowaccess:
    """What each interface answers itself, read once for the firewall and management: IPv4's
    ``allowaccess``, or IPv6's ``ip6-allowaccess`` (in its ``config ipv6``), which FortiOS keeps apart."""
    entries = tree.block("system interface").entries
    found = []
    for interface in interfaces:
        entry = entries.get(interface.name)
        node = entry.blocks.get("ipv6") if entry is not None and family == 6 else entry
        key = "ip6-allowaccess" if family == 6 else "allowaccess"
        if node is not None and node.values(key):
            found.append((interface.name, node.values(key), node.line_of(key) or node.line))
    return tuple(found)


def _local_in(
    tree: Tree, allowaccess: Allowaccess, zone_of: dict[str, str], family: int = 4
) -> dict[str, list[AclEntry]]:
    """Per zone, what reaches the FortiGate itself over one family: ``allowaccess`` (or
    ``ip6-allowaccess``), and over IPv4 IKE where a VPN terminates and the SSL-VPN port where it
    listens (from any source: trusthosts are judged by the management rules)."""
    system = tree.block("system global")
    found: dict[str, list[AclEntry]] = {}
    for name, services, line in allowaccess:
        for access in services:
            if access in ACCESS:
                protocol, key, default = ACCESS[access]
                port = int(system.value(key, str(default)) or default) if key else default
                found.setdefault(zone_of.get(name, name), []).append(_to_device(protocol, port, line))
    if family == 6:
        return found
    for block in ("vpn ipsec phase1-interface", "vpn ipsec phase1"):
        for entry in tree.block(block).entries.values():
            zone = zone_of.get(entry.value("interface") or "", entry.value("interface") or "")
            line = entry.line
            found.setdefault(zone, []).extend([_to_device("udp", 500, line), _to_device("udp", 4500, line),
                                               _to_device("50", None, line)])  # fmt: skip
    ssl = tree.block("vpn ssl settings")
    if _ssl_enabled(ssl):
        port = int(ssl.value("port", "443") or 443)
        for name in ssl.values("source-interface"):
            found.setdefault(zone_of.get(name, name), []).append(_to_device("tcp", port, ssl.line))
    return found


def _to_device(protocol: str, port: int | None, line: int) -> AclEntry:
    if protocol == "icmp":
        return AclEntry("permit", "icmp", AddressMatch(any_=True), ANY_PORT, AddressMatch(any_=True), ANY_PORT, False,
                        port, None, line)  # fmt: skip
    ports = PortMatch(((port, port),)) if port is not None else ANY_PORT
    return AclEntry("permit", protocol, AddressMatch(any_=True), ANY_PORT, AddressMatch(any_=True), ports, False,
                    None, None, line)  # fmt: skip


def _ssl_enabled(ssl: Node) -> bool:
    return ssl.value("status") != "disable" and bool(ssl.values("source-interface"))


# --- NAT, routes -----------------------------------------------------------------------------------------


def _vips(tree: Tree, bad: list[int]) -> tuple[Addresses, list[NatRule]]:
    """VIPs as the addresses policies name (their mapped side) and as static NAT / port forwards."""
    table: Addresses = {}
    rules = []
    for name, entry in tree.block("firewall vip").entries.items():
        try:
            external = ipaddress.IPv4Address((entry.value("extip") or "0.0.0.0").split("-")[0])
            mapped = [ipaddress.IPv4Address(part.split("-")[0]) for part in entry.values("mappedip")]
        except ValueError:
            table[name] = None
            bad.append(entry.line)
            continue
        table[name] = tuple(ipaddress.IPv4Network(m) for m in mapped)
        if not mapped:
            continue
        forward = entry.value("portforward") == "enable"
        outer = int((entry.value("extport") or "0").split("-")[0]) if forward else None
        inner = int((entry.value("mappedport") or str(outer or 0)).split("-")[0]) if forward else None
        interface = entry.value("extintf", "any")
        rules.append(NatRule("port_forward" if forward else "static", "inside", mapped[0], inner,
                             None if external.is_unspecified else external,
                             None if interface == "any" else interface, outer,
                             entry.value("protocol", "tcp") if forward else None, None, None, entry.line))  # fmt: skip
    groups = tree.block("firewall vipgrp").entries
    for name, entry in groups.items():
        members = [table.get(m) for m in entry.values("member")]
        table[name] = None if any(m is None for m in members) else tuple(n for m in members if m for n in m)
    return table, rules


def _routes(tree: Tree, bad: list[int]) -> list[StaticRoute]:
    found = []
    for block, any_route in (("router static", "0.0.0.0/0"), ("router static6", "::/0")):
        for entry in tree.block(block).entries.values():
            if entry.value("status") == "disable":
                continue
            try:
                found.append(_route(entry, any_route))
            except ValueError:
                bad.append(entry.line)
    return found


def _route(entry: Node, any_route: str) -> StaticRoute:
    destination = entry.values("dst")
    prefix = ipaddress.ip_network("/".join(destination[:2]) if destination else any_route, strict=False)
    gateway = ipaddress.ip_address(entry.value("gateway") or ("0.0.0.0" if prefix.version == 4 else "::"))
    device = "null" if entry.value("blackhole") == "enable" else entry.value("device")
    hop = None if gateway.is_unspecified else gateway
    return StaticRoute(None, prefix, hop, device, int(entry.value("distance", "10") or 10), entry.line)


def _dynamic_routing(tree: Tree) -> tuple[int, ...]:
    lines = []
    for block in ("router ospf", "router bgp", "router rip", "router ospf6"):
        node = tree.block(block)
        if node.entries or any(b.entries for b in node.blocks.values()):
            lines.append(node.line)
    return tuple(lines)


def _with_selectors(
    interfaces: list[Interface], selectors: dict[str, Selectors], bad: list[int]
) -> tuple[list[Interface], list[Acl]]:
    """Tunnel interfaces filtered by their phase 2 selectors (out) and the selectors' mirror (in). A
    selector onshi cannot resolve leaves its tunnel unfiltered (wider, never narrower) and is reported."""
    result: list[Interface] = []
    acls: list[Acl] = []
    for interface in interfaces:
        found = selectors.get(interface.name) if interface.kind is InterfaceKind.TUNNEL else None
        if found is None or found.unreadable:
            bad.extend(found.unreadable if found else ())
            result.append(interface)
            continue
        acls.extend((*found.v4, *found.v6))
        result.append(replace(interface, acl_out=found.v4[0].name, acl_in=found.v4[1].name,
                              ipv6_acl_out=found.v6[0].name, ipv6_acl_in=found.v6[1].name))  # fmt: skip
    return result, acls


# --- VPN ---------------------------------------------------------------------------------------------------

_DH = {"1": 1, "2": 2, "5": 5, "14": 14, "15": 15, "16": 16, "19": 19, "20": 20, "21": 21, "31": 31, "32": 32}


def _crypto(tree: Tree) -> Crypto:
    proposals, keys, transforms, policies, dpd, aggressive = [], [], [], [], [], []
    for block in ("vpn ipsec phase1-interface", "vpn ipsec phase1"):
        for name, entry in tree.block(block).entries.items():
            encryption, integrity = _proposal(entry.values("proposal") or ("aes128-sha256", "aes256-sha256"))
            version: Literal[1, 2] = 2 if entry.value("ike-version") == "2" else 1
            groups = tuple(_DH[g] for g in entry.values("dhgrp") or ("14", "5") if g in _DH)
            psk = entry.value("authmethod", "psk") == "psk"
            chosen = tuple(n for k in ("proposal", "dhgrp") if (n := entry.line_of(k)))
            proposals.append(IkeProposal(f"phase1 {name}", version, encryption, integrity, groups,
                                         "pre-share" if psk else "rsa-sig", (), entry.line, chosen))  # fmt: skip
            secret = entry.settings.get("psksecret")
            if psk and secret is not None:
                peer = entry.value("remote-gw") or "any"
                any_peer = entry.value("type") == "dynamic"
                key = stored_secret("ike_psk", secret.values, secret.line)
                keys.append(IkePeerKey(peer, any_peer, key, secret.line))
            if entry.value("dpd") != "disable":
                dpd.append(entry.line_of("dpd") or entry.line)
            if version == 1 and entry.value("mode") == "aggressive" and psk:
                aggressive.append(entry.line_of("mode") or entry.line)
    for block in ("vpn ipsec phase2-interface", "vpn ipsec phase2"):
        for name, entry in tree.block(block).entries.items():
            encryption, integrity = _proposal(entry.values("proposal") or ("aes128-sha1",))
            transforms.append(TransformSet(f"phase2 {name}", ", ".join(encryption), ", ".join(integrity), entry.line))
            pfs = None if entry.value("pfs") == "disable" else _DH.get((entry.values("dhgrp") or ("14",))[0])
            policies.append(IpsecPolicy(f"phase2 {name}", "profile", False, (), (f"phase2 {name}",), pfs, None, None,
                                        entry.value("phase1name"), entry.line, entry.lines()))  # fmt: skip
    return Crypto(tuple(proposals), tuple(keys), tuple(transforms), tuple(policies), tuple(dpd), tuple(aggressive),
                  aggressive_mode_refused=True)  # fmt: skip


def _proposal(values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``aes256-sha256 3des-sha1`` → (encryptions, integrities); ``aes256gcm-prfsha384`` has its own."""
    encryption, integrity = [], []
    for value in values:
        cipher, _, digest = value.partition("-")
        encryption.append(cipher)
        integrity.append(digest or "none")
    return tuple(dict.fromkeys(encryption)), tuple(dict.fromkeys(integrity))


def _vpns(tree: Tree) -> list[VpnEndpoint]:
    found = []
    for block in ("vpn ipsec phase1-interface", "vpn ipsec phase1"):
        for name, entry in tree.block(block).entries.items():
            peer = entry.value("remote-gw")
            dynamic = entry.value("type") == "dynamic" or not peer
            dpd = () if entry.value("dpd") == "disable" else (entry.line_of("dpd") or entry.line,)  # default on-demand
            found.append(VpnEndpoint(VpnKind.IPSEC, name, (peer,) if peer and not dynamic else (), dynamic, True,
                                     entry.lines(), dpd_lines=dpd,
                                     remote_access=dynamic and dialup_is_remote_access(entry),
                                     logins=dialup_logins(tree, entry) if dynamic else ()))  # fmt: skip
    ssl = tree.block("vpn ssl settings")
    if _ssl_enabled(ssl):
        # `ssl-min-proto-ver tls1-0`; not written: the release's default (TLS 1.2 since FortiOS 6.2).
        version = (ssl.value("ssl-min-proto-ver") or "").removeprefix("tls").replace("-", ".") or None
        found.append(VpnEndpoint(VpnKind.SSL_VPN, "vpn ssl settings", (), True, True, ssl.lines(), version,
                                 remote_access=True, logins=ssl_vpn_logins(tree, ssl)))  # fmt: skip
    return found


# --- management, accounts, logging --------------------------------------------------------------------------


def _password_policy(tree: Tree) -> dict[str, Any]:
    """``config system password-policy``: with ``status enable``, ``minimum-length`` (FortiOS default 8)."""
    policy = tree.block("system password-policy")
    if policy.value("status") != "enable":
        return {}
    length = policy.value("minimum-length", "8") or "8"
    lines = tuple(n for n in (policy.line_of("status"), policy.line_of("minimum-length")) if n)
    return {"password_min_length": int(length) if length.isdigit() else None, "password_min_length_lines": lines}


def _management(
    tree: Tree, allowaccess: Allowaccess, allowaccess6: Allowaccess, bad: list[int]
) -> tuple[Management, list[Acl]]:
    system = tree.block("system global")
    opened: dict[str, list[int]] = {}  # allowaccess service (either family) → the lines that open it
    for _, services, line in (*allowaccess, *allowaccess6):
        for access in services:
            opened.setdefault(access, []).append(line)
    trusthosts = _trusthosts(tree, bad)
    restriction = trusthosts.name if trusthosts else None
    lockout = system.line_of("admin-lockout-threshold") or system.line
    management = Management(
        terminal_lines=_admin_lines(system, opened, restriction),
        ssh_version=2 if "ssh" in opened else None,
        ssh_lines=tuple(opened.get("ssh", ())),
        web=_web(system, opened, restriction),
        snmp_communities=_communities(tree),
        snmp_v3_groups=_snmp_users(tree),
        # FortiOS locks an administrator out after failed logins by default (admin-lockout-threshold 3).
        login_throttle_lines=(lockout,) if lockout else (),
        **_password_policy(tree),
        services=(Service("http_server", "http" in opened, False, opened["http"][0] if "http" in opened else None),),
        usb_disabled_lines=_usb_off(tree),
        usb_control_supported=True,
        upnp_supported=False,
        interface_services=allowaccess,
        interface_services6=allowaccess6,
    )
    return management, [trusthosts] if trusthosts else []


def _admin_lines(system: Node, opened: dict[str, list[int]], restriction: str | None) -> tuple[TerminalLine, ...]:
    """SSH and TELNET administration, where an interface allows them; ``admintimeout`` in minutes."""
    timeout = int(system.value("admintimeout", "5") or 5) * 60
    timer = tuple(n for n in (system.line_of("admintimeout"),) if n)
    return tuple(
        TerminalLine(
            f"admin {transport}",
            True,
            (transport,),
            None,
            restriction,
            None,
            timeout,
            _DEFAULT_ADMIN_TIMEOUT,
            True,
            opened[transport][0],
            (*opened[transport], *timer),
        )
        for transport in ("ssh", "telnet")
        if transport in opened
    )


def _web(system: Node, opened: dict[str, list[int]], restriction: str | None) -> WebManagement | None:
    if "http" not in opened and "https" not in opened:
        return None
    versions = tuple(v.removeprefix("tlsv").replace("-", ".") for v in system.values("admin-https-ssl-versions"))
    lines = (*opened.get("http", []), *opened.get("https", []))
    return WebManagement("http" in opened, "https" in opened, versions or None, None, restriction, lines)


def _communities(tree: Tree) -> tuple[SnmpCommunity, ...]:
    """FortiOS communities are read-only; the community string is the entry's ``name``."""
    found = []
    for entry in tree.block("system snmp community").entries.values():
        name = entry.settings.get("name")
        if name is not None and entry.value("status") != "disable":
            found.append(SnmpCommunity(stored_secret("snmp_community", name.values, name.line), False, None, name.line))
    return tuple(found)


_LEVELS: dict[str, Literal["noauth", "auth", "priv"]] = {
    "no-auth-no-priv": "noauth", "auth-no-priv": "auth", "auth-priv": "priv",
}  # fmt: skip


def _snmp_users(tree: Tree) -> tuple[SnmpV3Group, ...]:
    users = tree.block("system snmp user").entries.items()
    return tuple(SnmpV3Group(name, _LEVELS.get(e.value("security-level") or "", "noauth"), e.line) for name, e in users)


def _usb_off(tree: Tree) -> tuple[int, ...]:
    """USB auto-install of configurations and images off: the FortiGate's USB port reads nothing."""
    auto = tree.block("system auto-install")
    keys = ("auto-install-config", "auto-install-image")
    return tuple(n for key in keys if auto.value(key) == "disable" and (n := auto.line_of(key)))


def _trusthosts(tree: Tree, bad: list[int]) -> Acl | None:
    """Administrators' trusted hosts as one source ACL; None when any administrator may log in
    from anywhere (FortiOS then answers every source)."""
    networks = []
    lines = []
    for entry in tree.block("system admin").entries.values():
        hosts = [entry.settings[k] for k in sorted(entry.settings) if re.fullmatch(r"trusthost\d+", k)]
        restricting = [h for h in hosts if h.values and h.values[0] != "0.0.0.0"]
        if not restricting:
            return None
        for host in restricting:
            try:
                networks.append(ipaddress.IPv4Network("/".join(host.values[:2]), strict=False))
            except ValueError:  # unreadable: taken as no restriction, and reported
                bad.append(host.line)
                return None
            lines.append(host.line)
    if not networks:
        return None
    permit = AclEntry("permit", "ip", AddressMatch(tuple(networks)), ANY_PORT, AddressMatch(any_=True), ANY_PORT, False,
                      None, None, min(lines))  # fmt: skip
    return Acl("trusthosts", 4, "standard", (permit,), min(lines), implicit_nd=False, derived=True)


def _accounts(tree: Tree) -> Accounts:
    users = []
    for name, entry in tree.block("system admin").entries.items():
        password = entry.settings.get("password")
        profile = entry.value("accprofile", "")
        secret = stored_secret("user", password.values, password.line) if password else Secret(
            "user", SecretStorage.EMPTY, f"empty:{name}", 0, True, entry.line)  # fmt: skip
        users.append(
            Account(name, 15 if profile == "super_admin" else 1, secret, password.line if password else entry.line)
        )
    return Accounts(users=tuple(users))


def _logging(tree: Tree) -> Logging:
    ntp = tree.block("system ntp")
    servers = [e.value("server") or "" for e in ntp.blocks.get("ntpserver", ntp).entries.values()]
    ntp_on = ntp.value("ntpsync") == "enable"
    if ntp_on and ntp.value("type", "fortiguard") == "fortiguard":
        servers = ["fortiguard"]
    # Up to four syslog servers: `log syslogd setting`, `log syslogd2 setting` ... `syslogd4`.
    syslogs = [tree.block(f"log syslogd{n} setting") for n in ("", "2", "3", "4")]
    enabled = [s for s in syslogs if s.value("status") == "enable" and s.value("server")]
    hosts = [s.value("server") or "" for s in enabled]
    syslog_lines = tuple(n for s in enabled for n in (s.line_of("status"), s.line_of("server")) if n)
    # FortiOS stamps every log and logs administrator logins and configuration changes as events.
    return Logging(
        ntp_servers=tuple(s for s in servers if s) if ntp_on else (),
        ntp_lines=ntp.lines() if ntp_on else (),
        syslog_hosts=tuple(hosts),
        syslog_lines=syslog_lines,
        timestamp_lines=syslog_lines,
        login_log_lines=syslog_lines,
        config_change_log_lines=syslog_lines,
    )


# --- secrets ----------------------------------------------------------------------------------------------


_SECRET_SETTINGS = (
    ("vpn ipsec phase1-interface", "psksecret", "ike_psk"),
    ("vpn ipsec phase1", "psksecret", "ike_psk"),
    ("system admin", "password", "user"),
    ("wireless-controller vap", "passphrase", "wifi_psk"),
)


def _secrets(tree: Tree) -> tuple[Secret, ...]:
    found = []
    for block, key, kind in _SECRET_SETTINGS:
        for entry in tree.block(block).entries.values():
            setting = entry.settings.get(key)
            if setting is not None:
                found.append(stored_secret(kind, setting.values, setting.line))
    return tuple(found)
