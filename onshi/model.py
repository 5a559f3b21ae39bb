"""The vendor-neutral device model and the findings rules return.

Everything here is a frozen dataclass: platform parsers build it once, rules only read it.
Every element keeps the source line numbers it came from (``lines``), so that a finding can cite
the configuration that decided it.

No secret value is ever stored here. A parser turns each password, key or community into a
:class:`Secret`: how it is stored, its length and weakness when the value is recoverable, and a
salted fingerprint for comparing secrets across devices (AUTH-05). Source text is kept only in
masked form (:class:`SourceText`), so nothing built from the model can print a secret.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Lines = tuple[int, ...]


class Status(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"
    WAIVED = "waived"  # a fail whose risk is accepted by a waiver in force (see onshi.waivers)


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class SecretStorage(enum.StrEnum):
    """How a secret is stored in the configuration."""

    PLAINTEXT = "plaintext"  # readable as written (Cisco type 0, Wi-Fi ascii keys)
    REVERSIBLE = "reversible"  # obfuscated, trivially decoded (Cisco type 7)
    ENCRYPTED = "encrypted"  # encrypted with a device key (Cisco type 6): not readable, not a hash
    WEAK_HASH = "weak_hash"  # an irreversible but crackable hash (Cisco type 5 MD5, type 4)
    STRONG_HASH = "strong_hash"  # PBKDF2 / scrypt (Cisco type 8 / 9), Yamaha `encrypted`
    EMPTY = "empty"  # no password at all (`nopassword`, empty string)
    # A stored form onshi does not know: not readable, and not known to be irreversible (NEC IX
    # `password hash`). AUTH-02 asks a person rather than guess either way.
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Secret:
    """A password, key or community, described without its value.

    ``length`` and ``weak`` are known only when the value is recoverable (plaintext or reversible);
    they are ``None`` otherwise. ``fingerprint`` is a salted HMAC of the value (or of the stored
    hash, so two configs that copy the same hash also match); the salt lives only in the process.
    """

    kind: str  # "enable", "user", "line", "ike_psk", "snmp_community", "wifi_psk", ...
    storage: SecretStorage
    fingerprint: str
    length: int | None
    weak: bool | None  # a factory default or well-known value
    line: int


@dataclass(frozen=True, slots=True)
class SourceText:
    """The configuration as parsed: file name and masked lines (1-based numbering via ``text``)."""

    file: str
    lines: tuple[str, ...]
    encoding: str

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


# --- interfaces and addressing -------------------------------------------------------------------


class InterfaceKind(enum.StrEnum):
    PHYSICAL = "physical"
    SUBINTERFACE = "subinterface"
    VLAN = "vlan"
    DIALER = "dialer"  # PPPoE / PPP dialer
    TUNNEL = "tunnel"
    VIRTUAL_TEMPLATE = "virtual_template"
    LOOPBACK = "loopback"
    BRIDGE = "bridge"  # BVI
    WIRELESS = "wireless"  # radio interfaces
    NULL = "null"
    OTHER = "other"


class NatRole(enum.StrEnum):
    INSIDE = "inside"
    OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class TunnelConfig:
    mode: str  # "gre", "ipsec", "gre_multipoint", "l2tpv3", "internet_access" (MAP-E, DS-Lite), "other"
    source: str | None  # interface name or address
    destination: str | None
    protection_profile: str | None  # IPsec profile protecting the tunnel, if any
    vrf: str | None  # transport VRF (tunnel vrf)
    lines: Lines


@dataclass(frozen=True, slots=True)
class Interface:
    name: str
    kind: InterfaceKind
    description: str
    shutdown: bool
    vrf: str | None
    ipv4: tuple[ipaddress.IPv4Interface, ...]
    ipv4_dhcp: bool
    ipv4_negotiated: bool  # PPP / IPCP assigned
    ipv6: tuple[ipaddress.IPv6Interface, ...]
    ipv6_enabled: bool  # any IPv6 processing (address, autoconfig, dhcp, `ipv6 enable`)
    ipv6_autoconfig: bool
    acl_in: str | None
    acl_out: str | None
    ipv6_acl_in: str | None
    ipv6_acl_out: str | None
    nat: NatRole | None
    zone: str | None
    crypto_map: str | None
    dialer_pool: int | None  # a Dialer interface's pool, or a physical's pool membership
    pppoe_client: bool
    cdp_enabled: bool | None  # None: platform default
    vlan_id: int | None
    tunnel: TunnelConfig | None
    urpf: bool  # a strict reverse-path check drops spoofed IPv4 sources (uRPF)
    lines: Lines
    # An IPv6 network numbered from a prefix another interface learns at run time (Yamaha
    # `ra-prefix@lan2::1/64`, Cisco general prefixes): the name of that interface.
    ipv6_prefix_from: str | None = None
    urpf6: bool = False  # the same for IPv6 sources

    @property
    def addresses(self) -> tuple[IPInterface, ...]:
        """Every configured address, IPv4 then IPv6."""
        return (*self.ipv4, *self.ipv6)

    @property
    def first_line(self) -> int | None:
        """The line that declares the interface; None for one only referenced (Yamaha's lan2 of an
        `ra-prefix@lan2`, say), which no line declares."""
        return self.lines[0] if self.lines else None


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortMatch:
    """Inclusive port ranges; an empty tuple matches every port."""

    ranges: tuple[tuple[int, int], ...] = ()

    @property
    def any(self) -> bool:
        return not self.ranges


ANY_PORT = PortMatch()


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """A set of networks; an empty tuple with ``any_=True`` matches every address of the family."""

    networks: tuple[IPNetwork, ...] = ()
    any_: bool = False


ANY_ADDRESS = AddressMatch(any_=True)


@dataclass(frozen=True, slots=True)
class AclEntry:
    action: Literal["permit", "deny"]
    protocol: str  # "ip", "ipv6", "tcp", "udp", "icmp", "esp", "ahp", "gre", or a number
    source: AddressMatch
    source_ports: PortMatch
    destination: AddressMatch
    destination_ports: PortMatch
    established: bool
    icmp_type: int | None
    icmp_code: int | None
    line: int
    # The entry also matches on something the model does not represent (DSCP, time-range, TCP
    # flags, fragments): reachability must treat it conservatively, not as a plain 5-tuple match.
    qualified: bool = False
    # A dynamic (stateful) entry, such as a Yamaha `ip filter dynamic`: it also admits the replies of
    # what it matches, which first-match order does not show; filter hygiene does not judge it.
    stateful: bool = False


@dataclass(frozen=True, slots=True)
class Acl:
    name: str
    family: Literal[4, 6]
    kind: Literal["standard", "extended"]
    entries: tuple[AclEntry, ...]
    line: int
    # Entries that could not be modelled; an ACL with any is not exactly known.
    unparsed_lines: Lines = ()
    # IPv6 lists end with implicit neighbour-discovery permits (Cisco); a Yamaha list does not.
    implicit_nd: bool = True
    # Lists this one is made of that the device does not define (an IX `ip filter` naming no list):
    # (name, line of the reference). HYG-04 names them.
    missing: tuple[tuple[str, int], ...] = ()
    # A list onshi derives from other settings (a FortiGate's allowaccess and listeners, its trusted
    # hosts and phase 2 selectors, a Yamaha `telnetd host`), not one the device's owner wrote line by
    # line: filter hygiene does not judge it.
    derived: bool = False


# --- routing and NAT -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaticRoute:
    vrf: str | None
    prefix: IPNetwork
    next_hop: IPAddress | None
    interface: str | None
    distance: int
    line: int


@dataclass(frozen=True, slots=True)
class NatRule:
    """One NAT statement.

    ``kind`` is "dynamic" (overload/pool from an ACL), "static" (one-to-one) or "port_forward"
    (static with protocol and ports). ``direction`` tells which side's addresses are translated.
    """

    kind: Literal["dynamic", "static", "port_forward"]
    direction: Literal["inside", "outside"]
    inside_address: IPAddress | None
    inside_port: int | None
    outside_address: IPAddress | None
    outside_interface: str | None
    outside_port: int | None
    protocol: str | None
    acl: str | None
    vrf: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    line: int


@dataclass(frozen=True, slots=True)
class ZoneAction:
    class_name: str
    action: Literal["inspect", "pass", "drop"]
    match_any: bool  # the class matches every packet (`match any`, class-default, ...)
    acls: tuple[str, ...]  # ACLs the class matches on
    protocols: tuple[str, ...]  # protocols the class matches on (`match protocol tcp`)
    line: int
    match_all: bool = False  # the class's conditions must all hold (else any of them)
    unmodelled: bool = False  # the class has conditions onshi does not model


@dataclass(frozen=True, slots=True)
class ZonePair:
    name: str
    source: str
    destination: str
    policy: str | None
    actions: tuple[ZoneAction, ...]
    line: int


# --- crypto --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IkeProposal:
    """An IKE policy (IKEv1) or proposal (IKEv2): the algorithm choices offered."""

    name: str
    version: Literal[1, 2]
    encryption: tuple[str, ...]
    integrity: tuple[str, ...]
    groups: tuple[int, ...]
    authentication: str | None  # "pre-share", "rsa-sig", ... (IKEv1)
    defaults_used: tuple[str, ...]  # attributes taken from the platform default (not written)
    line: int
    lines: Lines = ()  # further lines choosing its algorithms (Yamaha writes one per setting)


@dataclass(frozen=True, slots=True)
class IkePeerKey:
    """A pre-shared key bound to a peer (``any_peer`` for a wildcard address)."""

    peer: str
    any_peer: bool
    secret: Secret
    line: int


@dataclass(frozen=True, slots=True)
class TransformSet:
    name: str
    encryption: str | None
    integrity: str | None
    line: int


@dataclass(frozen=True, slots=True)
class IpsecPolicy:
    """A crypto map entry or IPsec profile: what protects traffic, with which peers."""

    name: str
    kind: Literal["crypto_map", "dynamic_map", "profile"]
    manual_keys: bool
    peers: tuple[str, ...]
    transform_sets: tuple[str, ...]
    pfs_group: int | None
    match_acl: str | None
    ike_version: Literal[1, 2] | None
    ike_profile: str | None
    line: int
    lines: Lines


@dataclass(frozen=True, slots=True)
class Crypto:
    ike_proposals: tuple[IkeProposal, ...] = ()
    peer_keys: tuple[IkePeerKey, ...] = ()
    transform_sets: tuple[TransformSet, ...] = ()
    policies: tuple[IpsecPolicy, ...] = ()
    dpd_lines: Lines = ()  # keepalive / DPD statements
    aggressive_mode_lines: Lines = ()  # IKEv1 aggressive mode with a pre-shared key, explicitly
    aggressive_mode_refused: bool = False  # the responder refuses aggressive mode (not the default)
    certificate_auth_lines: Lines = ()  # peers authenticated by certificates (rsa-sig, trustpoints)
    default_ike_proposal: bool = False  # IKEv2 in use with no proposal: platform smart defaults


class VpnKind(enum.StrEnum):
    IPSEC = "ipsec"  # IPsec with IKE (crypto map, VTI, IPsec-protected GRE)
    IPSEC_MANUAL = "ipsec_manual"  # IPsec with manual keys
    GRE = "gre"  # GRE (or mGRE/DMVPN) without IPsec protection
    L2TP = "l2tp"  # L2TP remote access listener
    L2TPV3 = "l2tpv3"  # L2TPv3 pseudowire
    PPTP = "pptp"
    SSL_VPN = "ssl_vpn"


class LoginFactor(enum.StrEnum):
    """What a person logging in through a remote-access listener must show besides a name (VPN-08)."""

    CERTIFICATE = "certificate"  # a client (or machine) certificate is required
    TOKEN = "token"  # a one-time password (FortiToken, e-mail or SMS code) is required
    EXTERNAL = "external"  # an authentication server decides (RADIUS, LDAP, TACACS+): not in this config
    PASSWORD = "password"  # a password or pre-shared key alone


@dataclass(frozen=True, slots=True)
class RemoteLogin:
    """Who logs in through a remote-access listener and how they authenticate."""

    who: str  # "user tanaka", "group sslvpn-users", "pre-shared key"
    factor: LoginFactor
    lines: Lines


@dataclass(frozen=True, slots=True)
class VpnEndpoint:
    """A tunnel or remote-access listener found on the device (for VPN-02 and VPN-07)."""

    kind: VpnKind
    name: str
    peers: tuple[str, ...]  # addresses or names; empty for a listener that accepts anyone
    any_peer: bool
    encrypted: bool
    lines: Lines
    min_tls: str | None = None  # an SSL-VPN's lowest accepted TLS version ("1.0", "1.2" ...); None: unknown
    # The dead-peer detection / IKE keepalive lines that apply to this tunnel (its IKE profile's, its
    # peer's, or the device-wide ones of its IKE version); empty when none does.
    dpd_lines: Lines = ()
    # The platform's name of the IKE peer settings it negotiates with, where commands for it are
    # written by that name rather than in its block (Yamaha's gateway number); None elsewhere.
    ike_gateway: str | None = None
    # Persons log in through it (SSL-VPN, L2TP, PPTP, IPsec with XAUTH, EAP or mode-config): VPN-08.
    remote_access: bool = False
    logins: tuple[RemoteLogin, ...] = ()  # how they authenticate; empty: the config does not say


# --- management, accounts, logging, wireless -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class TerminalLine:
    """A console or vty line block (remote login access)."""

    name: str  # "vty 0 4", "con 0", "telnetd", "sshd"
    remote: bool
    transport_input: tuple[str, ...] | None  # None: platform default
    transport_default: tuple[str, ...] | None  # the platform default; None when it is not known
    access_class_v4: str | None
    access_class_v6: str | None
    exec_timeout_seconds: int | None  # None: platform default
    default_timeout_seconds: int
    has_login: bool
    line: int
    lines: Lines
    # Whether onshi knows the platform's idle timeout (``default_timeout_seconds``); when it does not
    # and nothing is written, AUTH-04 cannot judge the line.
    default_timeout_known: bool = True

    @property
    def effective_transport(self) -> tuple[str, ...] | None:
        return self.transport_input if self.transport_input is not None else self.transport_default

    @property
    def effective_timeout(self) -> int:
        if self.exec_timeout_seconds is None:
            return self.default_timeout_seconds
        return self.exec_timeout_seconds


@dataclass(frozen=True, slots=True)
class SnmpCommunity:
    secret: Secret
    write: bool
    acl: str | None
    line: int


@dataclass(frozen=True, slots=True)
class SnmpV3Group:
    name: str
    level: Literal["noauth", "auth", "priv"]
    line: int


@dataclass(frozen=True, slots=True)
class Service:
    """A device service that MGMT-05 judges (HTTP server, CDP, source routing, small servers ...)."""

    name: str
    enabled: bool
    from_default: bool  # state implied by the platform default, not written
    line: int | None


@dataclass(frozen=True, slots=True)
class WebManagement:
    http: bool
    https: bool
    tls_versions: tuple[str, ...] | None  # None: platform default
    tls_default_ok: bool | None  # whether the platform default is TLS 1.2+; None: unknown
    access_class: str | None
    lines: Lines


@dataclass(frozen=True, slots=True)
class Management:
    terminal_lines: tuple[TerminalLine, ...] = ()
    ssh_version: int | None = None  # 2, or None for "1.99" (v1 and v2 accepted)
    ssh_version_known: bool = True  # False: onshi does not know which versions the SSH server accepts
    ssh_lines: Lines = ()
    web: WebManagement | None = None
    snmp_communities: tuple[SnmpCommunity, ...] = ()
    snmp_v3_groups: tuple[SnmpV3Group, ...] = ()
    login_throttle_lines: Lines = ()
    services: tuple[Service, ...] = ()
    usb_disabled_lines: Lines = ()
    usb_control_supported: bool | None = None  # whether the platform can disable USB in config
    upnp_supported: bool = True  # whether the platform implements UPnP at all
    upnp_lines: Lines = ()  # lines that enable UPnP
    login_throttle_supported: bool = True  # whether onshi knows the platform's lockout setting
    password_min_length: int | None = None  # the enforced minimum password length, where configured
    password_min_length_lines: Lines = ()
    password_policy_supported: bool = True  # whether the platform can enforce a minimum length
    # Management services an interface answers itself (FortiGate `allowaccess`): (interface, services, line).
    interface_services: tuple[tuple[str, tuple[str, ...], int], ...] = ()
    interface_services6: tuple[tuple[str, tuple[str, ...], int], ...] = ()  # over IPv6 (`ip6-allowaccess`)


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    privilege: int | None
    secret: Secret
    line: int


@dataclass(frozen=True, slots=True)
class Accounts:
    users: tuple[Account, ...] = ()
    enable: tuple[Account, ...] = ()
    line_passwords: tuple[Account, ...] = ()
    central_auth_lines: Lines = ()  # AAA via RADIUS/TACACS+ for logins


@dataclass(frozen=True, slots=True)
class Logging:
    ntp_servers: tuple[str, ...] = ()
    ntp_lines: Lines = ()
    syslog_hosts: tuple[str, ...] = ()
    syslog_lines: Lines = ()
    timestamp_lines: Lines = ()
    login_log_lines: Lines = ()
    config_change_log_lines: Lines = ()
    # Whether onshi knows how the platform logs logins and configuration changes; when it does not,
    # LOG-02 cannot say they go unlogged.
    events_known: bool = True


class WifiSecurity(enum.StrEnum):
    OPEN = "open"
    WEP = "wep"
    WPA = "wpa"
    WPA2 = "wpa2"
    WPA3 = "wpa3"


@dataclass(frozen=True, slots=True)
class Ssid:
    name: str
    security: WifiSecurity
    ciphers: tuple[str, ...]  # "aes-ccm", "tkip", "wep40", ...
    key_management: tuple[str, ...]  # "psk", "dot1x", "sae"
    psk: Secret | None
    broadcast: bool
    mac_filter: bool
    vlan: int | None
    lines: Lines


# --- the device ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What the device says about itself (``show version``) or the inventory says about it."""

    model: str | None = None
    serial: str | None = None
    os_version: str | None = None
    hostname: str | None = None
    collected_at: str | None = None


class Aspect(enum.StrEnum):
    """What part of a device's behaviour a configuration line bears on.

    A parser tags each line it did not understand with the aspects of the block it stands in (an
    unknown line under ``line vty`` is management, under an interface forwarding); a rule names the
    aspects it reads, and a rule whose aspects hold an unread line cannot pass (fail closed).
    """

    FORWARDING = "forwarding"  # interfaces, filters, firewall policies, zones, routes, NAT
    VPN = "vpn"  # IKE, IPsec, tunnels, remote-access listeners
    MANAGEMENT = "management"  # login lines, SSH, web and SNMP management, device services
    ACCOUNTS = "accounts"  # users, passwords, AAA, login lockout
    LOGGING = "logging"  # NTP, syslog
    WIRELESS = "wireless"  # SSIDs, radios, Wi-Fi security


@dataclass(frozen=True, slots=True)
class Unrecognized:
    line: int
    text: str  # masked
    # The aspects of the block the line stands in; empty for a line outside every block onshi knows
    # (listed in the parse coverage, but bearing on no rule it can name).
    aspects: frozenset[Aspect] = frozenset()


@dataclass(frozen=True, slots=True)
class Reference:
    """A setting that names another object (a policy naming an address, a group its member): the
    object cannot be removed while it stands. ``sole``: the object is the setting's only value, so
    the entry holding the setting goes with it."""

    line: int
    name: str  # the object named, as the configuration writes it
    sole: bool


@dataclass(frozen=True, slots=True)
class Definition:
    """A named object the owner defines for other settings to use (a filter list, an ACL, a filter
    number): ``lines`` are every line that defines it, where its name stands without naming a use."""

    kind: str  # "ACL", "access list", "filter" ... as the platform calls it
    name: str
    lines: Lines


@dataclass(frozen=True, slots=True)
class Device:
    """One parsed configuration."""

    hostname: str | None
    platform: str
    os_version: str | None
    os_version_line: int | None
    source: SourceText
    interfaces: tuple[Interface, ...] = ()
    vrfs: tuple[str, ...] = ()
    acls: tuple[Acl, ...] = ()
    object_groups: tuple[str, ...] = ()
    static_routes: tuple[StaticRoute, ...] = ()
    dynamic_routing_lines: Lines = ()
    nat: tuple[NatRule, ...] = ()
    zones: tuple[Zone, ...] = ()
    zone_pairs: tuple[ZonePair, ...] = ()
    crypto: Crypto = field(default_factory=Crypto)
    vpns: tuple[VpnEndpoint, ...] = ()
    management: Management = field(default_factory=Management)
    accounts: Accounts = field(default_factory=Accounts)
    logging: Logging = field(default_factory=Logging)
    ssids: tuple[Ssid, ...] = ()
    secrets: tuple[Secret, ...] = ()
    unrecognized: tuple[Unrecognized, ...] = ()
    # Where NAT sits relative to a NAT outside interface's filters. IOS filters what is on the
    # wire (inbound ACLs see global destinations, outbound ACLs translated sources); Yamaha
    # translates between the wire and its filters, so both directions see inside addresses.
    nat_outside_filters: bool = False
    # IP families (4, 6) the device routes multicast for (`ip multicast-routing`); without it a router
    # forwards no multicast at all.
    multicast_routing: frozenset[int] = frozenset()
    # Per object's defining line, the settings that name it, in the order to undo them before it goes.
    references: tuple[tuple[int, tuple[Reference, ...]], ...] = ()
    # The filters and objects the owner defined (HYG-03 asks whether each is used); None where the
    # platform's parser does not list them (then HYG-03 asks a person).
    definitions: tuple[Definition, ...] | None = None

    def acl(self, name: str | None) -> Acl | None:
        if name is None:
            return None
        for acl in self.acls:
            if acl.name == name:
                return acl
        return None

    def references_to(self, line: int) -> tuple[Reference, ...]:
        return next((found for defined, found in self.references if defined == line), ())

    def interface(self, name: str) -> Interface | None:
        for interface in self.interfaces:
            if interface.name.lower() == name.lower():
                return interface
        return None


# --- findings ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    file: str
    line: int
    text: str  # masked


@dataclass(frozen=True, slots=True)
class ExamplePacket:
    src: str
    dst: str
    protocol: str
    src_port: int | None
    dst_port: int | None
    established: bool = False  # TCP with ACK/RST set: passes `established` filters

    def describe(self) -> str:
        """``tcp 192.168.100.23:51000 → 192.168.10.5:443``, ``tcp [2001:db8::1]:51000 → ...`` (an IPv6
        address is bracketed before a port, RFC 3986), ``(ACK)`` after the protocol when set."""
        src = _endpoint(self.src, self.src_port)
        dst = _endpoint(self.dst, self.dst_port)
        flags = " (ACK)" if self.established else ""
        return f"{self.protocol}{flags} {src} → {dst}"


def _endpoint(address: str, port: int | None) -> str:
    if port is None:
        return address
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


@dataclass(frozen=True, slots=True)
class Action:
    """A neutral remediation step of a finding; the layer that knows the platform (the pipeline)
    turns it into commands through the platform driver."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Message:
    """A finding's message in both report languages."""

    ja: str
    en: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    status: Status
    host: str
    facility: str | None
    message: Message
    evidence: tuple[Evidence, ...] = ()
    references: tuple[str, ...] = ()
    remediation: tuple[str, ...] = ()
    example_packet: ExamplePacket | None = None
    path: tuple[str, str] | None = None  # (source zone, destination zone) of a reachability finding
    actions: tuple[Action, ...] = ()  # neutral remediation steps; ``remediation`` holds their commands
    route: tuple[str, ...] = ()  # a facility finding's example, device by device ("host: in → out")
    waiver: Waiver | None = None  # set on a waived finding: who accepted the risk, why, until when


@dataclass(frozen=True, slots=True)
class Waiver:
    """An accepted risk, as waivers.yaml states it (``index``: its place in the file)."""

    index: int
    reason: str
    approver: str
    expires: str  # ISO date
