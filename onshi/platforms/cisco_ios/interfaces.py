"""``interface`` blocks, including the Dot11Radio encryption settings of autonomous APs."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from onshi.model import Interface, InterfaceKind, NatRole, TunnelConfig
from onshi.platforms.cisco_ios.context import ConfigLine, Context, line_of
from onshi.platforms.cisco_ios.management import read_ssid

_KIND_PREFIXES: tuple[tuple[str, InterfaceKind], ...] = (
    ("dialer", InterfaceKind.DIALER),
    ("tunnel", InterfaceKind.TUNNEL),
    ("virtual-template", InterfaceKind.VIRTUAL_TEMPLATE),
    ("virtual-access", InterfaceKind.VIRTUAL_TEMPLATE),
    ("loopback", InterfaceKind.LOOPBACK),
    ("vlan", InterfaceKind.VLAN),
    ("bvi", InterfaceKind.BRIDGE),
    ("dot11radio", InterfaceKind.WIRELESS),
    ("null", InterfaceKind.NULL),
    ("nve", InterfaceKind.OTHER),
    ("port-channel", InterfaceKind.PHYSICAL),
)

# Interface sub-commands that bear on no rule (physical tuning, QoS, routing protocol knobs ...).
IGNORED_FIRST = frozenset(
    {
        "speed", "duplex", "negotiation", "mtu", "load-interval", "standby", "vrrp", "glbp",
        "hold-queue", "keepalive", "bandwidth", "delay", "service-policy", "carrier-delay", "atm",
        "pvc", "dsl", "max-reserved-bandwidth", "full-duplex", "half-duplex", "media-type",
        "arp", "ospfv3", "channel-group", "spanning-tree", "storm-control", "logging", "snmp",
        "power", "auto", "mac-address", "macsec", "lacp", "mls", "mpls", "ppp", "dialer-group",
        "dialer", "encapsulation", "switchport", "peer", "nameif", "security-level",
        "pppoe", "cdp", "lldp", "udld", "priority-queue", "queue-set", "srr-queue", "wrr-queue",
        "rate-limit", "qos", "traffic-shape", "frame-relay", "clock", "crypto", "zone-member",
        "description", "shutdown", "vrf", "bridge-group", "bridge", "dot1q", "ethernet", "source",
        "xconnect", "authentication", "dot1x", "mab", "access-session", "device-tracking",
        "platform", "cts", "flowcontrol", "stackwise-virtual", "tunnel", "negotiate", "transceiver",
        "plim", "ntp", "fair-queue", "random-detect", "tx-ring-limit", "dampening", "timeout",
        "no-autostate", "autostate", "evc", "service", "shape", "medium", "sonet", "aps",
        "framing", "cablelength", "linecode", "pri-group", "isdn",
        "station-role", "world-mode", "antenna", "channel", "beacon", "infrastructure-client",
        "packet", "rts", "fragment-threshold", "preamble-short", "dfs", "speed-auto",
        "l2protocol-tunnel", "vlan-range", "umbrella", "nhrp", "hsrp", "track",
        "mbssid", "broadcast-key", "guest-mode", "mop", "mdix", "routing", "bundle-enable", "bfd",
    }
)  # fmt: skip
# "ip"/"ipv6"/"no"/... sub-commands that bear on no rule.
IGNORED_IP = frozenset(
    {
        "redirects", "unreachables", "proxy-arp", "mtu", "tcp", "virtual-reassembly", "ospf",
        "helper-address", "pim", "igmp", "flow", "route-cache", "accounting", "dhcp", "nd", "nhrp",
        "mroute-cache", "directed-broadcast", "mask-reply", "policy", "wccp", "nbar", "rip",
        "summary-address", "split-horizon", "eigrp", "hello-interval", "hold-time", "authentication",
        "bandwidth-percent", "local-proxy-arp", "information-reply", "sap", "router", "inspect",
        "ips", "admission", "auth-proxy", "load-sharing", "multicast", "sla", "cgmp", "dvmrp",
        "sdr", "rsvp", "flow-export", "dns", "urd", "rtp", "header-compression", "cef", "port-unreachable",
        "mld", "traffic-filter-log", "multicast-routing", "verify", "access-group", "traffic-filter",
        "address", "nat", "vrf", "unnumbered", "enable", "source-guard", "arp", "ospfv3",
        "next-hop-self",
    }
)  # fmt: skip
# Strict uRPF only: loose mode (`any`) accepts the facility's own prefixes, and `allow-default` any
# source the default route (out of the WAN itself) covers, so neither drops spoofed sources.
_VERIFY = re.compile(r"^(ip|ipv6) verify unicast (source )?reachable-via rx(?!.*allow-default)", re.IGNORECASE)


def interface_kind(name: str) -> InterfaceKind:
    lowered = name.lower()
    for prefix, kind in _KIND_PREFIXES:
        if lowered.startswith(prefix):
            return kind
    if "." in lowered:
        return InterfaceKind.SUBINTERFACE
    return InterfaceKind.PHYSICAL


@dataclass
class _Iface:
    name: str
    line: int
    lines: list[int] = field(default_factory=list)
    description: str = ""
    shutdown: bool = False
    vrf: str | None = None
    ipv4: list[ipaddress.IPv4Interface] = field(default_factory=list)
    ipv4_dhcp: bool = False
    ipv4_negotiated: bool = False
    ipv6: list[ipaddress.IPv6Interface] = field(default_factory=list)
    ipv6_enabled: bool = False
    ipv6_autoconfig: bool = False
    acl: dict[str, str] = field(default_factory=dict)
    nat: NatRole | None = None
    zone: str | None = None
    crypto_map: str | None = None
    dialer_pool: int | None = None
    pppoe_client: bool = False
    cdp: bool | None = None
    vlan_id: int | None = None
    tunnel: dict[str, str] = field(default_factory=dict)
    tunnel_lines: list[int] = field(default_factory=list)
    urpf: bool = False
    urpf6: bool = False


def handle_interface(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    if len(tokens) < 2:
        return
    name = "".join(tokens[1:2]) if len(tokens) == 2 else tokens[1]
    state = _Iface(name=name, line=line_of(item), lines=[line_of(item)])
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        if not words:
            continue
        if words[0].lower() == "ssid" and child.children and len(words) > 1:
            # IOS 12.2 and earlier define the SSID under the radio (later: `dot11 ssid`, referenced here).
            read_ssid(ctx, child, " ".join(words[1:]))
            ctx.radio_ssids.append(words[1])
        elif _child(ctx, state, child, words):
            ctx.mark(child)
            state.lines.append(line_of(child))
            _mark_grandchildren(ctx, child)
    ctx.interfaces.append(_freeze(state))


def _mark_grandchildren(ctx: Context, child: ConfigLine) -> None:
    for grandchild in child.children:
        ctx.mark_tree(grandchild)


def _child(ctx: Context, state: _Iface, child: ConfigLine, words: list[str]) -> bool:
    """Apply one interface sub-command; False when it is not understood."""
    head = words[0].lower()
    second = words[1].lower() if len(words) > 1 else ""
    line = line_of(child)
    if head == "shut":
        state.shutdown = True
    elif head == "description":
        state.description = child.text.strip()[len("description") :].strip()
    elif head == "shutdown":
        state.shutdown = True
    elif head == "ip":
        return _ip(ctx, state, child, words)
    elif head == "ipv6":
        return _ipv6(state, words)
    elif head == "vrf" and second == "forwarding" and len(words) > 2:
        state.vrf = words[2]
    elif head == "zone-member" and len(words) > 2:
        state.zone = words[2]
    elif head == "crypto" and second == "map" and len(words) > 2:
        state.crypto_map = words[2]
    elif head == "encapsulation" and second == "dot1q" and len(words) > 2 and words[2].isdigit():
        state.vlan_id = int(words[2])
    elif head == "dialer" and second in ("pool", "pool-member") and len(words) > 2 and words[2].isdigit():
        state.dialer_pool = int(words[2])
    elif head == "pppoe-client" and len(words) > 2 and words[-1].isdigit():
        state.pppoe_client = True
        state.dialer_pool = int(words[-1])
    elif head == "pppoe" and second == "enable":
        state.pppoe_client = True
    elif head == "cdp" and second == "enable":
        state.cdp = True
    elif head == "tunnel":
        return _tunnel(state, words, line)
    elif head == "switchport" and second == "access" and len(words) > 3 and words[3].isdigit():
        state.vlan_id = int(words[3])
    elif head == "encryption":
        return _radio_encryption(ctx, words, line)
    elif head == "ssid" and len(words) > 1:
        ctx.radio_ssids.append(words[1])
    elif head == "no":
        return _negated(state, words)
    elif head not in IGNORED_FIRST:
        return False
    return True


def _negated(state: _Iface, words: list[str]) -> bool:
    second = words[1].lower() if len(words) > 1 else ""
    third = words[2].lower() if len(words) > 2 else ""
    if second in ("shutdown", "shut"):
        state.shutdown = False
    elif second == "cdp" and third == "enable":
        state.cdp = False
    elif second in ("ip", "ipv6"):
        return third in IGNORED_IP
    else:
        return second in IGNORED_FIRST
    return True


def _radio_encryption(ctx: Context, words: list[str], line: int) -> bool:
    """``encryption [vlan N] mode ciphers C..`` / ``mode wep ...`` / ``key ...`` on a radio."""
    lowered = [word.lower() for word in words]
    vlan: int | None = None
    if len(lowered) > 2 and lowered[1] == "vlan" and lowered[2].isdigit():
        vlan = int(lowered[2])
    if "ciphers" in lowered:
        ciphers = [word for word in lowered[lowered.index("ciphers") + 1 :] if word != "key"]
        ctx.radio_ciphers[vlan] = (ciphers, line)
        return True
    if "wep" in lowered or "key" in lowered:
        ctx.radio_wep[vlan] = line
        return True
    return False


def _ip(ctx: Context, state: _Iface, child: ConfigLine, words: list[str]) -> bool:
    if len(words) < 2:
        return False
    sub = words[1].lower()
    rest = words[2:]
    if sub == "address":
        return _ipv4_address(state, rest)
    if sub == "access-group" and len(rest) >= 2:
        state.acl["in" if rest[-1].lower() == "in" else "out"] = rest[0]
        return True
    if sub == "nat" and rest and rest[0].lower() in ("inside", "outside"):
        state.nat = NatRole(rest[0].lower())
        return True
    if sub == "vrf" and len(rest) >= 2 and rest[0].lower() == "forwarding":
        state.vrf = rest[1]
        return True
    if sub == "verify":
        state.urpf = state.urpf or bool(_VERIFY.match(child.text.strip()))
        return True
    if sub == "unnumbered":
        return True
    return sub in IGNORED_IP


def _ipv4_address(state: _Iface, rest: list[str]) -> bool:
    if not rest:
        return False
    first = rest[0].lower()
    if first == "dhcp":
        state.ipv4_dhcp = True
        return True
    if first == "negotiated":
        state.ipv4_negotiated = True
        return True
    if len(rest) >= 2:
        try:
            state.ipv4.append(ipaddress.IPv4Interface(f"{rest[0]}/{rest[1]}"))
        except ValueError:
            return False
        return True
    return False


def _ipv6(state: _Iface, words: list[str]) -> bool:
    if len(words) < 2:
        return False
    sub = words[1].lower()
    rest = words[2:]
    if sub == "address" and rest:
        state.ipv6_enabled = True
        first = rest[0].lower()
        if first == "autoconfig":
            state.ipv6_autoconfig = True
            return True
        if first == "dhcp":
            state.ipv6_autoconfig = True
            return True
        if "link-local" in (word.lower() for word in rest):
            return True  # link-local addresses are not routed
        try:
            state.ipv6.append(ipaddress.IPv6Interface(rest[0]))
        except ValueError:
            return False
        return True
    if sub == "enable":
        state.ipv6_enabled = True
        return True
    if sub == "traffic-filter" and len(rest) >= 2:
        state.acl["v6in" if rest[-1].lower() == "in" else "v6out"] = rest[0]
        return True
    if sub == "verify":
        state.urpf6 = state.urpf6 or bool(_VERIFY.match(" ".join(words)))
        return True
    if sub == "nat":
        state.nat = NatRole.INSIDE if rest and rest[0].lower() == "inside" else state.nat
        return True
    return sub in IGNORED_IP


def _tunnel(state: _Iface, words: list[str], line: int) -> bool:
    if len(words) < 3:
        return False
    sub = words[1].lower()
    state.tunnel_lines.append(line)
    if sub == "source":
        state.tunnel["source"] = words[2]
    elif sub == "destination":
        state.tunnel["destination"] = words[2]
    elif sub == "mode":
        state.tunnel["mode"] = " ".join(word.lower() for word in words[2:])
    elif sub == "protection" and len(words) >= 5:
        state.tunnel["protection"] = words[4]
    elif sub == "vrf":
        state.tunnel["vrf"] = words[2]
    elif sub not in ("key", "path-mtu-discovery", "bandwidth", "ttl", "tos", "checksum", "route-via"):
        return False
    return True


def _tunnel_mode(mode: str | None) -> str:
    if mode is None or mode.startswith("gre ip") or mode == "gre":
        return "gre"
    if mode.startswith("gre multipoint"):
        return "gre_multipoint"
    if mode.startswith("ipsec"):
        return "ipsec"
    if mode.startswith("l2tpv3"):
        return "l2tpv3"
    return "other"


_SVI = re.compile(r"^vlan(\d+)$", re.IGNORECASE)


def _freeze(state: _Iface) -> Interface:
    kind = interface_kind(state.name)
    svi = _SVI.match(state.name)
    if svi is not None and state.vlan_id is None:
        state.vlan_id = int(svi.group(1))  # an SVI routes its own VLAN
    tunnel = None
    if kind is InterfaceKind.TUNNEL:
        tunnel = TunnelConfig(
            mode=_tunnel_mode(state.tunnel.get("mode")),
            source=state.tunnel.get("source"),
            destination=state.tunnel.get("destination"),
            protection_profile=state.tunnel.get("protection"),
            vrf=state.tunnel.get("vrf"),
            lines=tuple(state.tunnel_lines),
        )
    return Interface(
        name=state.name,
        kind=kind,
        description=state.description,
        shutdown=state.shutdown,
        vrf=state.vrf,
        ipv4=tuple(state.ipv4),
        ipv4_dhcp=state.ipv4_dhcp,
        ipv4_negotiated=state.ipv4_negotiated,
        ipv6=tuple(state.ipv6),
        ipv6_enabled=state.ipv6_enabled,
        ipv6_autoconfig=state.ipv6_autoconfig,
        acl_in=state.acl.get("in"),
        acl_out=state.acl.get("out"),
        ipv6_acl_in=state.acl.get("v6in"),
        ipv6_acl_out=state.acl.get("v6out"),
        nat=state.nat,
        zone=state.zone,
        crypto_map=state.crypto_map,
        dialer_pool=state.dialer_pool,
        pppoe_client=state.pppoe_client,
        cdp_enabled=state.cdp,
        vlan_id=state.vlan_id,
        tunnel=tunnel,
        urpf=state.urpf,
        urpf6=state.urpf6,
        lines=tuple(state.lines),
    )
