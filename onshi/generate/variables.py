"""Per-host baseline variables (``data.baseline`` in hosts.yaml), validated before anything renders.

Secrets are never written in the inventory: each is the name of an environment variable, read when
the config is generated and hashed (or masked) by the platform before it reaches a file.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_ENV = r"^[A-Z_][A-Z0-9_]*$"
_NAME = r"^[A-Za-z][A-Za-z0-9_.-]{0,62}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Uplink(Strict):
    kind: Literal["pppoe", "dhcp"] = Field(description="How the internet uplink gets its address.")
    interface: str = Field(min_length=1, description="The physical WAN interface.")
    pppoe_username: str | None = None
    pppoe_password_env: Annotated[str, Field(pattern=_ENV)] | None = Field(
        default=None, description="Environment variable holding the PPPoE (CHAP) password."
    )


class LocalUser(Strict):
    name: Annotated[str, Field(pattern=_NAME)]
    secret_env: Annotated[str, Field(pattern=_ENV, description="Environment variable holding the password.")]


class BaselineVars(Strict):
    hostname: Annotated[str, Field(pattern=_NAME)] | None = Field(default=None, description="Default: the host name.")
    lan_interface: str = Field(min_length=1, description="The LAN trunk carrying one VLAN per segment.")
    segment_interfaces: Literal["svi", "subinterface"] = Field(
        default="svi",
        description="Segments as VLAN SVIs on a switchport trunk (ISR with switch ports), or as dot1Q "
        "subinterfaces of a routed LAN port.",
    )
    uplink: Uplink
    firewall: Literal["zone", "cbac"] = Field(
        default="zone",
        description="Stateful filtering between segments, VPNs and the internet: the zone-based firewall "
        "(IOS 15 and IOS-XE: ISR 1000/4000, Catalyst 8000), or classic CBAC `ip inspect` with interface "
        "ACLs (classic IOS only, such as the C891FJ; IOS-XE has no CBAC).",
    )
    vlans: dict[str, Annotated[int, Field(ge=2, le=4094)]] = Field(
        description="VLAN id of every segment, by segment name."
    )
    gateways: dict[str, ipaddress.IPv4Interface] = Field(
        default_factory=dict, description="The router's address per segment (default: the first host)."
    )
    gateways6: dict[str, ipaddress.IPv6Interface] = Field(
        default_factory=dict,
        description="The router's IPv6 address per dual-stack segment (default: the prefix's ::1).",
    )
    tunnels: dict[str, ipaddress.IPv4Interface] = Field(
        default_factory=dict, description="Inner address of the tunnel of each VPN, by VPN name."
    )
    vpn_routers: dict[str, ipaddress.IPv4Address] = Field(
        default_factory=dict,
        description="VPNs that another router of the facility terminates (the claims provider's or a "
        "maintenance vendor's VPN router on a segment), by VPN name: that router's address on the segment. "
        "The baseline routes the VPN's prefixes there, builds no tunnel for it, and admits its declared "
        "flows on that segment's interface.",
    )
    trustpoint: Annotated[str, Field(pattern=_NAME)] = Field(
        default="ONSHI-CA", description="PKI trustpoint for IKEv2 certificate authentication (enrolled on site)."
    )
    psk_env: dict[str, Annotated[str, Field(pattern=_ENV)]] = Field(
        default_factory=dict,
        description="By VPN name: the environment variable holding its IKE pre-shared key, for platforms "
        "that authenticate tunnels with a key (Yamaha RTX); Cisco baselines use certificates (trustpoint).",
    )
    enable_secret_env: Annotated[str, Field(pattern=_ENV)]
    users: list[LocalUser] = Field(min_length=1)
    domain_name: str = "local"


class Radius(Strict):
    address: ipaddress.IPv4Address = Field(description="The RADIUS server that authenticates 802.1X users.")
    key_env: Annotated[str, Field(pattern=_ENV, description="Environment variable holding the shared key.")]


class WirelessVars(Strict):
    """An autonomous access point (role ``wireless``): one SSID per segment that lists it."""

    hostname: Annotated[str, Field(pattern=_NAME)] | None = Field(default=None, description="Default: the host name.")
    uplink_interface: str = Field(default="GigabitEthernet0", description="The wired trunk to the router.")
    radios: list[str] = Field(default_factory=lambda: ["Dot11Radio0", "Dot11Radio1"], min_length=1)
    management_vlan: Annotated[int, Field(ge=2, le=4094)] = Field(description="Native VLAN of the AP's own address.")
    address: ipaddress.IPv4Interface = Field(description="The AP's management address, in the management segment.")
    gateway: ipaddress.IPv4Address
    vlans: dict[str, Annotated[int, Field(ge=2, le=4094)]] = Field(
        description="VLAN id of every segment that has SSIDs, by segment name."
    )
    radius: Radius | None = Field(default=None, description="Needed when an internal segment has an SSID (802.1X).")
    psk_env: dict[str, Annotated[str, Field(pattern=_ENV)]] = Field(
        default_factory=dict, description="Guest SSIDs: the environment variable holding each one's WPA2 passphrase."
    )
    enable_secret_env: Annotated[str, Field(pattern=_ENV)]
    users: list[LocalUser] = Field(min_length=1)
    domain_name: str = "local"


class Wifi(Strict):
    """A firewall's own wireless controller (a FortiGate managing FortiAPs)."""

    psk_env: dict[str, Annotated[str, Field(pattern=_ENV)]] = Field(
        default_factory=dict, description="Guest SSIDs: the environment variable holding each one's WPA2 passphrase."
    )
    radius: Radius | None = Field(default=None, description="Needed when an internal segment has an SSID (802.1X).")


class FirewallVars(BaselineVars):
    """A firewall at the facility's edge (role ``firewall``): the edge router's variables, and its Wi-Fi."""

    wifi: Wifi | None = Field(
        default=None,
        description="Given, every SSID the facility lists is served by this firewall's access points, on its "
        "segment's VLAN; absent, SSIDs are left to the access points' own baselines (role wireless).",
    )
