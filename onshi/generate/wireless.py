"""The facility policy and an access point's variables, turned into a neutral plan of its Wi-Fi: one
SSID per segment that lists it, each on the segment's VLAN, WPA2 with AES-CCMP only; internal SSIDs
hidden and 802.1X through RADIUS, guest SSIDs broadcast with a passphrase (WLAN-01..05).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from onshi.generate.plan import GenerateError, SecretValue, secret_from
from onshi.generate.variables import Radius, WirelessVars
from onshi.policy import FacilityPolicy
from onshi.terms import SegmentKind

GUEST_KINDS = frozenset({SegmentKind.GUEST_WIFI})
MIN_PASSPHRASE = 13  # WLAN-05


@dataclass(frozen=True, slots=True)
class SsidPlan:
    name: str
    segment: str
    vlan: int
    guest: bool  # broadcast, passphrase; internal: hidden, 802.1X
    passphrase: SecretValue | None


@dataclass(frozen=True, slots=True)
class RadiusPlan:
    address: ipaddress.IPv4Address
    key: SecretValue


@dataclass(frozen=True, slots=True)
class WirelessPlan:
    host: str
    hostname: str
    domain_name: str
    uplink_interface: str
    radios: tuple[str, ...]
    management_vlan: int
    address: ipaddress.IPv4Interface
    gateway: ipaddress.IPv4Address
    ssids: tuple[SsidPlan, ...]
    radius: RadiusPlan | None
    management_sources: tuple[ipaddress.IPv4Network, ...]
    ntp_servers: tuple[str, ...]
    syslog_servers: tuple[str, ...]
    session_timeout: int
    enable_secret: SecretValue
    users: tuple[tuple[str, SecretValue], ...]

    @property
    def reversible(self) -> dict[str, SecretValue]:
        """Secrets the AP must be able to send (RADIUS key, WPA2 passphrases), by name."""
        found = {f"psk:{ssid.name}": ssid.passphrase for ssid in self.ssids if ssid.passphrase is not None}
        return found | ({"radius": self.radius.key} if self.radius else {})

    @property
    def vlans(self) -> tuple[int, ...]:
        """The SSIDs' VLANs, each once, in SSID order: one encryption line and subinterface each."""
        return tuple(dict.fromkeys(ssid.vlan for ssid in self.ssids))


def plan_wireless(
    host: str, policy: FacilityPolicy, variables: WirelessVars, environment: Mapping[str, str]
) -> WirelessPlan:
    ssids, radius = plan_ssids(host, policy, environment, vlans=variables.vlans, psk_env=variables.psk_env,
                               radius=variables.radius, where="baseline")  # fmt: skip
    if not ssids:
        raise GenerateError(host, "facility.segments", "no segment lists an SSID: nothing to configure")
    sources = [n for n in policy.management_sources if isinstance(n, ipaddress.IPv4Network)]
    if not any(variables.address.ip in network for network in sources):
        raise GenerateError(host, "baseline.address", f"{variables.address.ip} is not in a management source "
                            "network: the AP would be managed from where the policy does not allow")  # fmt: skip
    return WirelessPlan(
        host=host,
        hostname=variables.hostname or host,
        domain_name=variables.domain_name,
        uplink_interface=variables.uplink_interface,
        radios=tuple(variables.radios),
        management_vlan=variables.management_vlan,
        address=variables.address,
        gateway=variables.gateway,
        ssids=ssids,
        radius=radius,
        management_sources=tuple(sources),
        ntp_servers=tuple(policy.ntp_servers),
        syslog_servers=tuple(policy.syslog_servers),
        session_timeout=policy.session_timeout_minutes,
        enable_secret=secret_from(host, "baseline.enable_secret_env", variables.enable_secret_env, environment),
        users=tuple(
            (user.name, secret_from(host, f"baseline.users[{i}].secret_env", user.secret_env, environment))
            for i, user in enumerate(variables.users)
        ),
    )


def plan_ssids(
    host: str,
    policy: FacilityPolicy,
    environment: Mapping[str, str],
    *,
    vlans: Mapping[str, int],
    psk_env: Mapping[str, str],
    radius: Radius | None,
    where: str,
) -> tuple[tuple[SsidPlan, ...], RadiusPlan | None]:
    """Every SSID the policy lists, on its segment's VLAN, and the RADIUS server internal ones need;
    ``where``: the variables' place in the inventory, for errors (``baseline``, ``baseline.wifi``)."""
    ssids = []
    for segment in (s for s in policy.segments if s.ssids):
        vlan = vlans.get(segment.name)
        if vlan is None:
            raise GenerateError(host, f"baseline.vlans.{segment.name}", "every segment with an SSID needs a VLAN id")
        guest = segment.kind in GUEST_KINDS
        for name in segment.ssids:
            passphrase = _passphrase(host, name, psk_env.get(name), environment, where) if guest else None
            ssids.append(SsidPlan(name, segment.name, vlan, guest, passphrase))
    internal = [ssid.name for ssid in ssids if not ssid.guest]
    if internal and radius is None:
        raise GenerateError(host, f"{where}.radius", f"internal SSIDs {internal} use 802.1X: a RADIUS server is needed")
    if radius is None:
        return tuple(ssids), None
    key = secret_from(host, f"{where}.radius.key_env", radius.key_env, environment)
    return tuple(ssids), RadiusPlan(radius.address, key)


def _passphrase(host: str, ssid: str, variable: str | None, environment: Mapping[str, str], where: str) -> SecretValue:
    if variable is None:
        raise GenerateError(host, f"{where}.psk_env.{ssid}", "a guest SSID needs its passphrase's variable")
    secret = secret_from(host, f"{where}.psk_env.{ssid}", variable, environment)
    if len(secret.reveal()) < MIN_PASSPHRASE:
        raise GenerateError(host, f"{where}.psk_env.{ssid}", f"the passphrase in {variable} is shorter than "
                            f"{MIN_PASSPHRASE} characters (WLAN-05)")  # fmt: skip
    return secret
