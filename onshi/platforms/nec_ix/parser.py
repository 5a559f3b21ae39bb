"""NEC UNIVERGE IX ``show running-config`` into the neutral model.

IX syntax reads like IOS but means other things; what decides a verdict (README, "NEC UNIVERGE IX"):
- Filters: ``ip filter LIST SEQ in|out`` binds access lists to an interface direction; by ascending
  sequence, first match; a packet no entry matches is discarded where any filter is bound.
- NAPT (``ip napt enable``) translates the sources of what leaves the interface (PAT). onshi does not
  count on NAPT to drop unsolicited inbound packets (not confirmed from NEC's reference): an
  internet interface needs its own inbound filter for EXT-01.
- ``ip napt service NAME INSIDE none|GLOBAL PROTO PORT`` and ``ip napt static IF PROTO ADDRESS PORT``
  forward a port to an inside host; ``ip napt static IF PROTO [PORT]`` without an address keeps the
  port for the router itself (IKE, ESP).
- Remote login: ``telnet-server ip enable``, ``ssh-server ip enable``, ``http-server ip enable``
  switch the servers on (all are off unless written).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Literal

from onshi.model import (
    Account,
    Accounts,
    Acl,
    Crypto,
    Device,
    Interface,
    InterfaceKind,
    IpsecPolicy,
    Logging,
    NatRole,
    NatRule,
    SecretStorage,
    SnmpCommunity,
    SourceText,
    StaticRoute,
    TransformSet,
    TunnelConfig,
    Unrecognized,
    VpnEndpoint,
    VpnKind,
)
from onshi.platforms.aspects import ACCOUNTS, FORWARDING, LOGGING, MANAGEMENT, VPN
from onshi.platforms.nec_ix import crypto, ikev2
from onshi.platforms.nec_ix.filters import Binding, bound_acl, read_dynamic, read_entry
from onshi.platforms.nec_ix.management import management
from onshi.platforms.nec_ix.secrets import mask_line
from onshi.platforms.nec_ix.state import InterfaceState, State
from onshi.platforms.nec_ix.tree import Block, blocks
from onshi.secrets import describe_secret

PLATFORM = "nec_ix"
_VERSION = re.compile(r"^! IX Series (IX\S+) .*Software, Version (\S+?),")
_KINDS = (("Tunnel", InterfaceKind.TUNNEL), ("Loopback", InterfaceKind.LOOPBACK), ("Null", InterfaceKind.NULL),
          ("BVI", InterfaceKind.BRIDGE), ("BRI", InterfaceKind.DIALER))  # fmt: skip
# Top-level commands no rule reads, understood and left (their children too).
_UNREAD = frozenset({"timezone", "device", "ip dhcp", "ip ufs-cache", "ipv6 ufs-cache", "watch-group",
                     "network-monitor", "ike nat-traversal", "ike initial-contact", "ike local-id", "ike remote-id",
                     "ipsec local-id", "ipsec remote-id", "proxy-dns", "logging buffered", "logging subsystem",
                     "ip host", "ip domain-name", "ntp interval", "ppp profile", "svintr-config", "clock",
                     "ike retry", "ipsec rekey", "ip dhcp-relay", "ip fragment", "route-map"})  # fmt: skip
_ASPECTS = {"interface": FORWARDING, "ip": FORWARDING, "ipv6": FORWARDING, "ike": VPN, "ipsec": VPN, "ikev2": VPN,
            "telnet-server": MANAGEMENT, "ssh-server": MANAGEMENT, "http-server": MANAGEMENT, "snmp-agent": MANAGEMENT,
            "upnp": MANAGEMENT, "svintr-config": MANAGEMENT, "username": ACCOUNTS, "logging": LOGGING,
            "ntp": LOGGING, "syslog": LOGGING}  # fmt: skip


def parse(text: str, file: str, encoding: str = "utf-8") -> Device:
    raw = text.splitlines()
    state = State(raw=raw)
    for number, line in enumerate(raw, start=1):
        if line.strip().startswith("!") or not line.strip():
            state.recognized.add(number)
            if (match := _VERSION.match(line.strip())) and state.os_version is None:
                state.model, state.os_version, state.os_version_line = match[1], match[2], number
    for block in blocks(raw):
        _top(state, block)
    return _device(state, file, encoding)


def _top(state: State, block: Block) -> None:
    words = block.words
    aspects = _ASPECTS.get(words[0], frozenset())
    if words[0] == "interface" and len(words) == 2:
        aspects = aspects | (VPN if words[1].startswith("Tunnel") else frozenset())
        _interface_block(state, block)
    elif words[:2] == ["ikev2", "profile"] and len(words) == 3:
        profile, read = ikev2.read_profile(block)
        state.ikev2_profiles[profile.name] = profile
        state.recognized.update(read)
    elif " ".join(words[:2]) in _UNREAD or words[0] in _UNREAD:
        _recognize(state, block, recursive=True)
    elif _command(state, words, block.line):
        _recognize(state, block, recursive=words[0] == "ip" and words[1:3] == ["router", "ospf"])
    for line in _lines(block):
        state.aspects[line] = aspects


def _lines(block: Block) -> list[int]:
    return [block.line, *(line for child in block.children for line in _lines(child))]


def _recognize(state: State, block: Block, *, recursive: bool) -> None:
    state.recognized.update(_lines(block) if recursive else [block.line])


def _command(state: State, words: list[str], line: int) -> bool:
    """A top-level command: True when it was read (or is known to bear on no rule)."""
    head = " ".join(words[:2])
    handler = _HANDLERS.get(head) or _HANDLERS.get(words[0])
    if handler is None:
        return False
    try:
        return handler(state, words, line)
    except (ValueError, IndexError):
        return False  # reported as unrecognized, never raised


def _hostname(state: State, words: list[str], line: int) -> bool:
    state.hostname = words[1] if len(words) == 2 else None
    return len(words) == 2


def _access_list(state: State, words: list[str], line: int) -> bool:
    family: Literal[4, 6] = 4 if words[0] == "ip" else 6
    if len(words) > 3 and words[2] == "dynamic":
        return read_dynamic(state.lists[family], words, line)
    return read_entry(state.lists[family], words, line, family)


def _route(state: State, words: list[str], line: int) -> bool:
    """``ip route default|PREFIX NEXT-HOP|INTERFACE [distance N]`` (and ``ipv6 route``)."""
    if len(words) < 4:
        return False
    family = 4 if words[0] == "ip" else 6
    prefix = ipaddress.ip_network(("0.0.0.0/0" if family == 4 else "::/0") if words[2] == "default" else words[2],
                                  strict=False)  # fmt: skip
    distance = int(words[words.index("distance") + 1]) if "distance" in words else 1
    try:
        next_hop = ipaddress.ip_address(words[3])
        interface = None
    except ValueError:
        next_hop, interface = None, words[3]
    state.routes.append(StaticRoute(None, prefix, next_hop, interface, distance, line))
    return True


def _ospf(state: State, words: list[str], line: int) -> bool:
    state.dynamic_routing.append(line)
    return True


def _username(state: State, words: list[str], line: int) -> bool:
    """``username NAME password plain|hash SECRET [administrator]``."""
    if len(words) < 5 or words[2] != "password" or words[3] not in ("plain", "hash"):
        return False
    # `hash` is the form IX prints once a password is set; whether it can be reversed is not
    # confirmed from NEC's reference, so AUTH-02 asks a person.
    storage = SecretStorage.PLAINTEXT if words[3] == "plain" else SecretStorage.UNKNOWN
    secret = describe_secret("user", storage, words[4], line)
    state.secrets.append(secret)
    privilege = 15 if "administrator" in words[5:] else 1
    state.users.append(Account(words[1], privilege, secret, line))
    return True


def _server(state: State, words: list[str], line: int) -> bool:
    """``telnet-server ip enable`` / ``ssh-server ip enable`` / ``http-server ip enable``, and
    ``ssh-server ip access-list NAME`` (the sources the SSH server accepts); other settings of the
    servers (``http-server username``) are read as understood."""
    if words[1:] in (["ip", "enable"], ["ipv6", "enable"]):
        state.servers.setdefault(words[0].removesuffix("-server"), line)
    if words[0] == "ssh-server" and words[1:3] == ["ip", "access-list"] and len(words) == 4:
        state.ssh_access_list = (words[3], line)
    return True


def _snmp(state: State, words: list[str], line: int) -> bool:
    """``snmp-agent ip community NAME [rw]`` (read-only unless ``rw``); other settings understood."""
    if words[1:3] == ["ip", "community"] and len(words) > 3:
        secret = describe_secret("snmp_community", SecretStorage.PLAINTEXT, words[3], line)
        state.secrets.append(secret)
        state.communities.append(SnmpCommunity(secret, "rw" in words[4:], None, line))
    return True


def _upnp(state: State, words: list[str], line: int) -> bool:
    if words[1:] in (["enable"], ["ip", "enable"]):
        state.upnp.append(line)
    return True


def _logging(state: State, words: list[str], line: int) -> bool:
    """``logging timestamp datetime``; ``logging host|server [ip] A`` sends the log away."""
    if words[1:3] == ["timestamp", "datetime"]:
        state.timestamps.append(line)
        return True
    if words[1] in ("host", "server") and len(words) > 2:
        state.syslog.append((words[-1], line))
        return True
    return False


def _syslog(state: State, words: list[str], line: int) -> bool:
    """``syslog ip host A`` sends the log to A once ``syslog ip enable`` starts sending;
    ``syslog timestamp datetime`` stamps the messages; the rest (facility, id, source) is understood."""
    if words[1:3] == ["ip", "host"] and len(words) == 4:
        state.syslog_hosts.append((words[3], line))
    elif words[1:] == ["ip", "enable"]:
        state.syslog_enabled = line
    elif words[1:] == ["timestamp", "datetime"]:
        state.timestamps.append(line)
    return words[1] in ("ip", "timestamp", "facility", "id")


def _ntp(state: State, words: list[str], line: int) -> bool:
    if words[1] in ("server", "ip") and len(words) > 2:
        if words[1] == "server":
            state.ntp.append((words[2], line))
        return True
    return False


def _ike(state: State, words: list[str], line: int) -> bool:
    readers: dict[str, Callable[[State, list[str], int], bool]] = {
        "proposal": crypto.proposal, "policy": crypto.policy, "keepalive": crypto.keepalive}  # fmt: skip
    reader = readers.get(words[1])
    return reader(state, words, line) if reader is not None else False


def _ipsec(state: State, words: list[str], line: int) -> bool:
    if words[1] == "autokey-proposal":
        return crypto.transform(state, words, line)
    if words[1] == "autokey-map":
        return crypto.autokey_map(state, words, line)
    return False


def _ikev2(state: State, words: list[str], line: int) -> bool:
    if words[1] == "authentication":
        return crypto.ikev2_key(state, words, line)
    state.ikev2_lines.append(line)
    return words[1] in ("default-profile", "profile", "proposal")


_HANDLERS: dict[str, Callable[[State, list[str], int], bool]] = {
    "hostname": _hostname, "ip access-list": _access_list, "ipv6 access-list": _access_list, "ip route": _route,
    "ipv6 route": _route, "ip router": _ospf, "username": _username, "telnet-server": _server,
    "ssh-server": _server, "http-server": _server, "snmp-agent": _snmp, "upnp": _upnp, "logging": _logging,
    "syslog": _syslog,
    "ntp": _ntp, "ike": _ike, "ipsec": _ipsec, "ikev2": _ikev2,
}  # fmt: skip


# --- interfaces -------------------------------------------------------------------------------------------


def _interface_block(state: State, block: Block) -> None:
    interface = state.interface(block.words[1], block.line)
    state.recognized.add(block.line)
    for child in block.children:
        interface.lines.append(child.line)
        if _interface_setting(state, interface, child.words, child.line):
            state.recognized.add(child.line)


def _interface_setting(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    reader = _INTERFACE_READERS.get(" ".join(words[:2])) or _INTERFACE_READERS.get(words[0])
    if reader is not None:
        try:
            return reader(state, interface, words, line)
        except (ValueError, IndexError):
            return False
    return " ".join(words[:2]) in _INTERFACE_UNREAD or words[0] in _INTERFACE_UNREAD


_INTERFACE_UNREAD = frozenset({"ip tcp", "ip mtu", "ipv6 mtu", "ip dhcp", "ip proxy-arp", "auto-connect",
                               "no auto-connect", "ppp binding", "bridge-group", "ip router", "ipv6 nd", "ipv6 dhcp",
                               "ip keepalive", "isdn", "speed", "duplex", "ip directed-broadcast",
                               "ip ufs-cache"})  # fmt: skip


def _address(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    """``ip address A/len``, ``dhcp [receive-default]``, ``ipcp``; ``ipv6 address A/len|auto|dhcp``."""
    value = words[2]
    if words[0] == "ipv6":
        interface.ipv6_enabled = True
        if value in ("auto", "autoconfig", "dhcp"):
            interface.ipv6_autoconfig = True
            return True
        interface.ipv6.append(ipaddress.IPv6Interface(value))
        return True
    if value == "dhcp":
        interface.ipv4_dhcp = True
    elif value == "ipcp":
        interface.ipv4_negotiated = True
    else:
        interface.ipv4.append(ipaddress.IPv4Interface(value))
    return True


def _no(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    """``no shutdown`` / ``no ip address``: the defaults, written out."""
    if words[1:] == ["shutdown"]:
        interface.shutdown = False
        return True
    return words[1:] in (["ip", "address"], ["ipv6", "address"], ["auto-connect"], ["ip", "redirects"])


def _shutdown(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    interface.shutdown = True
    return len(words) == 1


def _description(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    interface.description = " ".join(words[1:])
    return True


def _encapsulation(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    interface.encapsulation = words[1]
    if words[1] == "dot1q" and len(words) > 2:
        interface.vlan_id = int(words[2])
    return words[1] in ("pppoe", "ppp", "dot1q")


def _filter(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    """``ip filter LIST SEQ in|out [suppress-logging]`` (``ipv6 filter`` too); not logging the
    packets it discards changes nothing about which pass."""
    if len(words) not in (5, 6) or words[4] not in ("in", "out") or words[5:] not in ([], ["suppress-logging"]):
        return False
    family = 4 if words[0] == "ip" else 6
    interface.filters.setdefault((family, words[4]), []).append(Binding(words[2], int(words[3]), line))
    return True


def _napt(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    if words[2:] == ["enable"]:
        interface.napt = True
        state.nat.append(NatRule("dynamic", "inside", None, None, None, interface.name, None, None, None, None, line))
        return True
    if words[2] == "service" and len(words) >= 8:  # NAME INSIDE none|GLOBAL PROTO PORT
        return _forward(state, interface, (words[4], words[6]), words[7:], line)
    if words[2] == "static" and len(words) >= 5:  # IF PROTO [ADDRESS] [PORT]
        rest = words[5:]
        if rest and _is_address(rest[0]):
            return _forward(state, interface, (rest[0], words[4]), rest[1:], line)
        return True  # kept for the router itself (IKE, ESP): no translation to an inside host
    # Session timers, entry limits and hairpinning: how translations live, not which packets pass.
    return words[2] in ("translation", "hairpinning")


def _is_address(word: str) -> bool:
    try:
        ipaddress.IPv4Address(word)
    except ValueError:
        return False
    return True


def _forward(state: State, interface: InterfaceState, target: tuple[str, str], ports: list[str], line: int) -> bool:
    """A port forward to ``target`` (inside address, protocol); two different port numbers could be
    read either way round, so they are not read."""
    inside, protocol = target
    if not all(port.isdigit() for port in ports) or len(set(ports)) > 1:
        return False
    port = int(ports[0]) if ports else None
    protocol = {"50": "esp", "6": "tcp", "17": "udp"}.get(protocol, protocol)
    state.nat.append(NatRule("port_forward" if port is not None else "static", "inside",
                             ipaddress.IPv4Address(inside), port, None, interface.name, port, protocol, None, None,
                             line))  # fmt: skip
    return True


def _unnumbered(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    interface.unnumbered = words[2]
    return True


def _ipv6_enable(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    interface.ipv6_enabled = True
    return True


def _tunnel(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    """``tunnel mode ipsec|ipsec-ikev2|ether-ip ipsec-ikev2|gre …``."""
    if words[1] == "mode" and len(words) > 2:
        interface.tunnel_mode = " ".join(words[2:])
        return True
    return words[1] in ("destination", "source")


def _ipsec_policy(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    """``ipsec policy tunnel MAP out``: the tunnel carries what MAP's list protects."""
    if words[2:3] == ["tunnel"] and len(words) >= 4:
        interface.ipsec_map = words[3]
        return True
    return False


def _tunnel_ikev2(state: State, interface: InterfaceState, words: list[str], line: int) -> bool:
    """A tunnel's IKEv2 settings: ``ikev2 peer ADDRESS|any …``, ``ikev2 peer-fqdn-ipv4 NAME …``,
    ``ikev2 binding PROFILE``, ``ikev2 dpd interval N``; the rest bear on no rule."""
    setting = words[1]
    if setting in ("peer", "peer-fqdn-ipv4") and len(words) > 2:
        interface.ikev2_peer = words[2]
    elif setting == "binding" and len(words) == 3:
        interface.ikev2_binding = words[2]
    elif setting == "dpd" and words[2:3] == ["interval"]:
        interface.ikev2_dpd = line
    return setting in _IKEV2_SETTINGS


_IKEV2_SETTINGS = frozenset({"peer", "peer-fqdn-ipv4", "binding", "dpd", "connect-type", "outgoing-interface",
                             "ipsec", "nat-traversal", "negotiation-direction", "ipsec-policy"})  # fmt: skip


_INTERFACE_READERS: dict[str, Callable[[State, InterfaceState, list[str], int], bool]] = {
    "ip address": _address, "ipv6 address": _address, "no": _no, "shutdown": _shutdown,
    "description": _description, "encapsulation": _encapsulation, "ip filter": _filter, "ipv6 filter": _filter,
    "ip napt": _napt, "ip unnumbered": _unnumbered, "ipv6 enable": _ipv6_enable, "tunnel": _tunnel,
    "ipsec policy": _ipsec_policy, "ikev2": _tunnel_ikev2,
}  # fmt: skip


# --- the model --------------------------------------------------------------------------------------------


def _kind(interface: InterfaceState) -> InterfaceKind:
    for prefix, kind in _KINDS:
        if interface.name.startswith(prefix):
            return kind
    if interface.encapsulation in ("pppoe", "ppp"):
        return InterfaceKind.DIALER
    if interface.encapsulation == "dot1q":
        return InterfaceKind.VLAN
    return InterfaceKind.PHYSICAL if interface.name.endswith(".0") else InterfaceKind.SUBINTERFACE


def _acl_name(interface: str, family: int, direction: str) -> str:
    """A bound filter as onshi reports it: the interface's filters of one direction, as one list."""
    return f"{'ip' if family == 4 else 'ipv6'} filter {interface} {direction}"


def _filters(state: State) -> list[Acl]:
    return [
        bound_acl(_acl_name(interface.name, family, direction), 4 if family == 4 else 6, bindings, state.lists[family])
        for interface in state.interfaces.values()
        for (family, direction), bindings in interface.filters.items()
    ]


def _interface(state: State, interface: InterfaceState) -> Interface:
    def bound(family: int, direction: str) -> str | None:
        return _acl_name(interface.name, family, direction) if (family, direction) in interface.filters else None

    kind = _kind(interface)
    any_napt = any(i.napt for i in state.interfaces.values())
    nat = NatRole.OUTSIDE if interface.napt else (NatRole.INSIDE if any_napt and kind not in (
        InterfaceKind.TUNNEL, InterfaceKind.DIALER, InterfaceKind.NULL, InterfaceKind.LOOPBACK) else None)  # fmt: skip
    ipv4 = tuple(interface.ipv4)
    if interface.unnumbered and not ipv4 and interface.unnumbered in state.interfaces:
        ipv4 = tuple(ipaddress.IPv4Interface(f"{a.ip}/32") for a in state.interfaces[interface.unnumbered].ipv4)
    return Interface(
        name=interface.name,
        kind=kind,
        description=interface.description,
        shutdown=interface.shutdown,
        vrf=None,
        ipv4=ipv4,
        ipv4_dhcp=interface.ipv4_dhcp,
        ipv4_negotiated=interface.ipv4_negotiated,
        ipv6=tuple(interface.ipv6),
        ipv6_enabled=interface.ipv6_enabled,
        ipv6_autoconfig=interface.ipv6_autoconfig,
        acl_in=bound(4, "in"),
        acl_out=bound(4, "out"),
        ipv6_acl_in=bound(6, "in"),
        ipv6_acl_out=bound(6, "out"),
        nat=nat,
        zone=None,
        crypto_map=None,
        dialer_pool=None,
        pppoe_client=interface.encapsulation == "pppoe",
        cdp_enabled=False,  # IX has no CDP
        vlan_id=interface.vlan_id,
        tunnel=_tunnel_config(state, interface),
        urpf=False,
        lines=tuple(interface.lines),
    )


def _tunnel_config(state: State, interface: InterfaceState) -> TunnelConfig | None:
    if interface.tunnel_mode is None:
        return None
    autokey = state.maps.get(interface.ipsec_map or "")
    peer = autokey.peer if autokey is not None else interface.ikev2_peer
    mode = "ipsec" if "ipsec" in interface.tunnel_mode else interface.tunnel_mode
    return TunnelConfig(mode, None, peer, interface.ipsec_map, None, tuple(interface.lines))


def _crypto(state: State) -> Crypto:
    policies = tuple(
        IpsecPolicy(
            f"ipsec autokey-map {m.name}",
            "crypto_map",
            False,
            (m.peer,),
            (m.proposal,),
            m.pfs,
            m.acl,
            1,
            None,
            m.line,
            (m.line,),
        )
        for m in state.maps.values()
    )
    transforms = tuple(
        TransformSet(f"ipsec autokey-proposal {name}", encryption, integrity, line)
        for name, (encryption, integrity, line) in state.transforms.items()
    )
    profiles = state.ikev2_profiles
    bound = {i.ikev2_binding or "<default profile>" for i in _ikev2_tunnels(state)}
    peers: dict[str, list[str]] = {}
    for tunnel in _ikev2_tunnels(state):
        if tunnel.ikev2_binding is not None and tunnel.ikev2_peer is not None:
            peers.setdefault(tunnel.ikev2_binding, []).append(tunnel.ikev2_peer)
    return Crypto(
        ike_proposals=(*state.proposals.values(), *ikev2.proposals(profiles)),
        peer_keys=tuple(state.peer_keys),
        transform_sets=(*transforms, *ikev2.transforms(profiles)),
        policies=(*policies, *ikev2.policies(profiles, peers)),
        dpd_lines=tuple(state.keepalive.values()),
        aggressive_mode_lines=tuple(state.aggressive),
        # The exchange mode is a setting of each `ike policy` (its peer): main unless `mode aggressive`.
        aggressive_mode_refused=not state.aggressive,
        default_ike_proposal=ikev2.incomplete(profiles, bound),
    )


def _ikev2_tunnels(state: State) -> list[InterfaceState]:
    return [i for i in state.interfaces.values() if i.tunnel_mode is not None and "ipsec-ikev2" in i.tunnel_mode]


def _vpns(state: State) -> list[VpnEndpoint]:
    found = []
    for interface in state.interfaces.values():
        config = _tunnel_config(state, interface)
        if config is None or config.mode != "ipsec":
            continue
        peer = config.destination
        keepalive = tuple(line for name, line in state.keepalive.items()
                          if state.ike_policies.get(name, ("", "", 0))[0] == peer)  # fmt: skip
        profile = state.ikev2_profiles.get(interface.ikev2_binding or "")
        keepalive += tuple(line for line in (interface.ikev2_dpd, profile.dpd if profile else None) if line)
        found.append(VpnEndpoint(VpnKind.IPSEC, interface.name, (peer,) if peer and peer != "any" else (),
                                 peer in (None, "any"), True, tuple(interface.lines), dpd_lines=keepalive))  # fmt: skip
    return found


def _device(state: State, file: str, encoding: str) -> Device:
    masked = tuple(map(mask_line, state.raw))
    lists = [
        # Access lists by name too, for what refers to them (crypto maps' protected traffic).
        Acl(
            name,
            4 if family == 4 else 6,
            "extended",
            tuple(entries),
            state.lists[family].first_line[name],
            tuple(state.lists[family].inexact(name)),
            implicit_nd=False,
        )
        for family in (4, 6)
        for name, entries in state.lists[family].entries.items()
    ]
    return Device(
        hostname=state.hostname,
        platform=PLATFORM,
        os_version=state.os_version,
        os_version_line=state.os_version_line,
        source=SourceText(file=file, lines=masked, encoding=encoding),
        interfaces=tuple(_interface(state, i) for i in state.interfaces.values()),
        acls=(*_filters(state), *lists),
        static_routes=tuple(state.routes),
        dynamic_routing_lines=tuple(state.dynamic_routing),
        nat=tuple(state.nat),
        crypto=_crypto(state),
        vpns=tuple(_vpns(state)),
        management=management(state),
        accounts=Accounts(users=tuple(state.users)),
        logging=Logging(
            ntp_servers=tuple(server for server, _ in state.ntp),
            ntp_lines=tuple(line for _, line in state.ntp),
            syslog_hosts=state.sent_syslog[0],
            syslog_lines=state.sent_syslog[1],
            timestamp_lines=tuple(state.timestamps),
            events_known=False,  # which IX settings log logins and changes is not confirmed
        ),
        secrets=tuple(state.secrets),
        definitions=(*state.lists[4].definitions("ip"), *state.lists[6].definitions("ipv6")),
        unrecognized=tuple(
            Unrecognized(number, masked[number - 1], state.aspects.get(number, frozenset()))
            for number, line in enumerate(state.raw, start=1)
            if line.strip() and number not in state.recognized
        ),
    )


__all__ = ["PLATFORM", "parse"]
