"""The words of a facility policy that the rules and the network model read: the zone names onshi
reserves, the kinds of segment, the purposes of a VPN, the roles of a device. Without pydantic,
which only the inventory's validation (:mod:`onshi.policy`) needs: an audit of bare files loads none.
"""

from __future__ import annotations

import enum
import ipaddress

INTERNET = "internet"
DEVICE = "device"
RESERVED_ZONES = frozenset({INTERNET, DEVICE})


class SegmentKind(enum.StrEnum):
    ONSHI = "onshi"  # online eligibility / claims terminals, receipt computer (レセコン)
    EMR = "emr"  # electronic medical records
    OFFICE = "office"
    MEDICAL = "medical"  # medical devices
    SERVER = "server"
    STAFF_WIFI = "staff_wifi"
    GUEST_WIFI = "guest_wifi"
    MANAGEMENT = "management"
    OTHER = "other"


class VpnPurpose(enum.StrEnum):
    CLAIMS_NETWORK = "claims_network"  # オンライン請求ネットワーク (IP-VPN or IPsec+IKE)
    REMOTE_MAINTENANCE = "remote_maintenance"  # a vendor's maintenance VPN
    REGIONAL_NETWORK = "regional_network"  # 地域医療連携ネットワーク
    OTHER_SITE = "other_site"  # another site of the same group


class Role(enum.StrEnum):
    EDGE_ROUTER = "edge_router"
    FIREWALL = "firewall"
    WIRELESS = "wireless"


def within_prefix(
    host: ipaddress.IPv4Network | ipaddress.IPv6Network, prefix: ipaddress.IPv4Network | ipaddress.IPv6Network
) -> bool:
    if isinstance(host, ipaddress.IPv4Network) and isinstance(prefix, ipaddress.IPv4Network):
        return host.subnet_of(prefix)
    if isinstance(host, ipaddress.IPv6Network) and isinstance(prefix, ipaddress.IPv6Network):
        return host.subnet_of(prefix)
    return False
