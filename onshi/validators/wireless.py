"""Wireless LAN (WLAN-01..05).

Whether an SSID is internal or for guests comes from the facility policy (the segment that lists
the SSID). Without a policy, rules that depend on it report ``manual``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onshi.model import Action, Aspect, Severity, Ssid, Status, WifiSecurity
from onshi.terms import SegmentKind
from onshi.validators.base import Outcome, RuleInput, enclosing, failed, manual, not_applicable, outcome, passed
from onshi.validators.registry import rule

if TYPE_CHECKING:  # the pydantic models: at the inventory's boundary only
    from onshi.policy import FacilityPolicy, Segment

REFS_WLAN = ("REG-EX 別表 7", "MHLW6 システム運用編 13 ③", "CHECKLIST 技術的 10-13")
MIN_WIFI_PSK_LENGTH = 13


def _segment(inp: RuleInput, ssid: Ssid) -> Segment | None:
    return inp.policy.segment_of_ssid(ssid.name) if inp.policy else None


def _is_guest(inp: RuleInput, ssid: Ssid) -> bool | None:
    """True/False from the policy; None when the policy does not say."""
    segment = _segment(inp, ssid)
    if segment is None:
        return None
    return segment.kind is SegmentKind.GUEST_WIFI


def _ssid_action(inp: RuleInput, action: str, ssid: Ssid) -> Action:
    """``action`` on the SSID: its lines (masked) with the blocks each stands in, for the platform to
    find the statements it changes (an IOS radio's cipher line, a FortiGate VAP's settings)."""
    source = inp.device.source
    lines = [{"text": source.text(line).strip(), "context": enclosing(source.lines, line)} for line in ssid.lines]
    return Action(action, {"ssid": ssid.name, "lines": lines})


@rule("WLAN-01", Severity.CRITICAL, *REFS_WLAN, reads=(Aspect.WIRELESS,))
def wpa2_aes(inp: RuleInput) -> Iterator[Outcome]:
    if not inp.device.ssids:
        yield not_applicable("no_wifi")
        return
    for ssid in inp.device.ssids:
        tkip = any("tkip" in cipher for cipher in ssid.ciphers)
        if ssid.security is WifiSecurity.OPEN:
            guest = _is_guest(inp, ssid)
            severity = Severity.HIGH if guest else Severity.CRITICAL
            yield outcome(Status.FAIL, "open", ssid.lines, severity=severity, ssid=ssid.name)
        elif ssid.security in (WifiSecurity.WEP, WifiSecurity.WPA) or tkip:
            weak = "TKIP" if tkip else ssid.security.value.upper()
            yield failed("weak", ssid.lines, ssid=ssid.name, weak=weak, actions=[_ssid_action(inp, "wpa2_aes", ssid)])
        elif ssid.security is WifiSecurity.WPA2 and not ssid.ciphers:
            yield manual("cipher_unknown", ssid.lines, ssid=ssid.name)
        else:
            yield passed("strong", ssid.lines, ssid=ssid.name, security=ssid.security.value.upper())


@rule("WLAN-02", Severity.MEDIUM, *REFS_WLAN, reads=(Aspect.WIRELESS,))
def internal_ssids_hidden(inp: RuleInput) -> Iterator[Outcome]:
    if not inp.device.ssids:
        yield not_applicable("no_wifi")
        return
    for ssid in inp.device.ssids:
        guest = _is_guest(inp, ssid)
        if not ssid.broadcast:
            yield passed("hidden", ssid.lines, ssid=ssid.name)
        elif guest:
            yield passed("guest_broadcast", ssid.lines, ssid=ssid.name)
        elif guest is None:
            yield manual("undeclared", ssid.lines, ssid=ssid.name)
        else:
            yield failed("broadcast", ssid.lines, ssid=ssid.name, actions=[_ssid_action(inp, "hide_ssid", ssid)])


@rule("WLAN-03", Severity.HIGH, *REFS_WLAN, reads=(Aspect.WIRELESS,))
def internal_ssids_restricted(inp: RuleInput) -> Iterator[Outcome]:
    if not inp.device.ssids:
        yield not_applicable("no_wifi")
        return
    for ssid in inp.device.ssids:
        guest = _is_guest(inp, ssid)
        restricted = "dot1x" in ssid.key_management or ssid.mac_filter
        if guest:
            yield not_applicable("guest", ssid.lines, ssid=ssid.name)
        elif restricted:
            method = "802.1X" if "dot1x" in ssid.key_management else "MAC filter"
            yield passed("restricted", ssid.lines, ssid=ssid.name, method=method)
        elif guest is None:
            yield manual("undeclared", ssid.lines, ssid=ssid.name)
        else:
            yield failed("unrestricted", ssid.lines, ssid=ssid.name)


@rule("WLAN-04", Severity.HIGH, *REFS_WLAN, "REG-EX 別表 6", reads=(Aspect.WIRELESS, Aspect.FORWARDING))
def ssid_segment(inp: RuleInput) -> Iterator[Outcome]:
    declared = list(_declared_access_points(inp))
    yield from declared
    if not inp.device.ssids:
        if not declared:
            yield not_applicable("no_wifi")
        return
    if inp.policy is None:
        yield manual("no_policy", [line for ssid in inp.device.ssids for line in ssid.lines[:1]])
        return
    for ssid in inp.device.ssids:
        segment = _segment(inp, ssid)
        if segment is None:
            yield failed("undeclared", ssid.lines, ssid=ssid.name)
            continue
        carried = inp.policy.segment_of_vlan(ssid.vlan) if ssid.vlan is not None else None
        if carried is not None:  # the policy says which segment the SSID's VLAN is
            right = carried.name == segment.name
            yield outcome(Status.PASS if right else Status.FAIL, "vlan_segment" if right else "wrong_vlan", ssid.lines,
                          ssid=ssid.name, segment=segment.name, vlan=ssid.vlan, carried=carried.name)  # fmt: skip
            continue
        mapped = _vlan_network(inp, ssid)
        if mapped is None:  # nothing here says which segment its users join: not a pass (fail closed)
            vlan = str(ssid.vlan) if ssid.vlan is not None else "none (untagged)"
            yield manual("declared", ssid.lines, ssid=ssid.name, segment=segment.name, vlan=vlan)
        elif any(mapped.subnet_of(prefix) for prefix in segment.ipv4 if mapped.version == prefix.version):
            yield passed("mapped", [*ssid.lines, *mapped_lines(inp, ssid)], ssid=ssid.name, segment=segment.name)
        else:
            yield failed(
                "wrong_segment",
                [*ssid.lines, *mapped_lines(inp, ssid)],
                ssid=ssid.name,
                segment=segment.name,
                network=str(mapped),
            )


@dataclass(frozen=True, slots=True)
class Bridge:
    """One SSID of an access point the topology declares, bridged onto a VLAN at a device's port."""

    ap: str
    device: str  # the device the access point's uplink plugs into
    port: str
    ssid: str
    vlan: int
    segment: Segment | None  # the segment the policy gives the SSID's users
    carried: Segment | None  # the segment whose VLAN it is

    @property
    def guests_inside(self) -> bool:
        """Guests who join an internal segment at layer 2, where no router's filter stands."""
        guest = self.segment is not None and self.segment.kind is SegmentKind.GUEST_WIFI
        return guest and self.carried is not None and self.carried.kind is not SegmentKind.GUEST_WIFI


def declared_bridges(policy: FacilityPolicy) -> list[Bridge]:
    """Every SSID of the access points the topology declares and cables to a device."""
    found = []
    for ap in policy.topology.access_points:
        port = policy.topology.uplink_port(ap)
        if port is None:  # the inventory refuses this for an access point it does not read
            continue
        for name, vlan in ap.ssids.items():
            found.append(Bridge(ap.device, *port, name, vlan, policy.segment_of_ssid(name),
                                policy.segment_of_vlan(vlan)))  # fmt: skip
    return found


def _declared_access_points(inp: RuleInput) -> Iterator[Outcome]:
    """The SSIDs of access points the topology cables to this device, as the policy declares them
    (for access points onshi does not read): each SSID's VLAN against the segments' VLANs."""
    if inp.policy is None:
        return
    for bridge in declared_bridges(inp.policy):
        if bridge.device != inp.host:
            continue
        interface = inp.device.interface(bridge.port)
        lines = interface.lines[:1] if interface is not None else ()
        where = {"ap": bridge.ap, "port": bridge.port, "ssid": bridge.ssid, "vlan": bridge.vlan}
        if bridge.segment is None:
            yield failed("ap_undeclared", lines, **where)
        elif bridge.carried is None:
            yield manual("ap_unknown_vlan", lines, segment=bridge.segment.name, **where)
        elif bridge.carried.name == bridge.segment.name:
            yield passed("ap_vlan_segment", lines, segment=bridge.segment.name, **where)
        else:
            yield failed("ap_wrong_vlan", lines, segment=bridge.segment.name, carried=bridge.carried.name, **where)


def _vlan_interface(inp: RuleInput, ssid: Ssid) -> ipaddress.IPv4Interface | None:
    for interface in inp.device.interfaces:
        if ssid.vlan is not None and interface.vlan_id == ssid.vlan and interface.ipv4:
            return interface.ipv4[0]
    return None


def _vlan_network(inp: RuleInput, ssid: Ssid) -> ipaddress.IPv4Network | None:
    address = _vlan_interface(inp, ssid)
    return address.network if address is not None else None


def mapped_lines(inp: RuleInput, ssid: Ssid) -> list[int]:
    return [
        line
        for interface in inp.device.interfaces
        if ssid.vlan is not None and interface.vlan_id == ssid.vlan and interface.ipv4
        for line in interface.lines[:1]
    ]


@rule("WLAN-05", Severity.MEDIUM, *REFS_WLAN, reads=(Aspect.WIRELESS,))
def wifi_psk_strength(inp: RuleInput) -> Iterator[Outcome]:
    with_psk = [ssid for ssid in inp.device.ssids if ssid.psk is not None]
    if not with_psk:
        yield not_applicable("no_psk")
        return
    for ssid in with_psk:
        psk = ssid.psk
        assert psk is not None
        if psk.length is None:
            # The key is there but not readable: a check not made, not one that does not apply.
            yield manual("not_visible", [psk.line], ssid=ssid.name, minimum=MIN_WIFI_PSK_LENGTH)
        elif psk.weak or psk.length < MIN_WIFI_PSK_LENGTH:
            yield failed("weak", [psk.line], ssid=ssid.name, length=psk.length, minimum=MIN_WIFI_PSK_LENGTH)
        else:
            yield passed("strong", [psk.line], ssid=ssid.name, minimum=MIN_WIFI_PSK_LENGTH)
