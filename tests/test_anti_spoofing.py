"""EXT-05 on IOS: which reverse-path checks drop spoofed sources, per address family, and what a
firewall admits.

Strict uRPF (``reachable-via rx``) drops a source unless its own route leaves through the interface
it came in on. Loose mode (``any``) accepts the facility's own prefixes, and ``allow-default`` any
source the default route out of the WAN covers (every private and bogon address), so neither is
anti-spoofing. ``ip verify`` guards IPv4 only: IPv6 needs its own ``ipv6 verify``.
"""

from __future__ import annotations

import pytest

from onshi.model import Status
from onshi.pipeline import DeviceJob, audit
from onshi.policy import FacilityPolicy, HostData
from onshi.sources import ConfigText
from tests.helpers import CLINIC_POLICY, findings, fixture_path

_WAN = """interface GigabitEthernet0/0/0
 description WAN (固定IP)
 ip address 203.0.113.2 255.255.255.252
 ip access-group WAN-IN in
 ip verify unicast source reachable-via rx
"""


def _ext05(wan: str, first_entry: str | None = None) -> list[tuple[Status, str]]:
    """EXT-05 on the compliant fixture with ``wan`` for its WAN block; with ``first_entry``, that line
    put first in WAN-IN instead of its stateless established permit."""
    text = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8")
    assert _WAN in text
    if first_entry is not None:
        text = text.replace(" permit tcp any any established\n", "").replace(
            "ip access-list extended WAN-IN\n", "ip access-list extended WAN-IN\n" + first_entry
        )
    job = DeviceJob("r1", "cisco_ios", ConfigText(text.replace(_WAN, wan), "r1.cfg", "utf-8"), facility="f",
                    policy=FacilityPolicy.model_validate(CLINIC_POLICY),
                    host_data=HostData.model_validate({"role": "edge_router"}))  # fmt: skip
    return [(f.status, f.message.en) for f in findings(audit([job]), "EXT-05")]


_UNFILTERED = "interface GigabitEthernet0/0/0\n description WAN\n ip address 203.0.113.2 255.255.255.252\n"


def test_strict_urpf_alone_drops_spoofed_ipv4() -> None:
    assert [s for s, _ in _ext05(_UNFILTERED + " ip verify unicast source reachable-via rx\n")] == [Status.PASS]


@pytest.mark.parametrize("mode", ["rx allow-default", "any", "any allow-default"])
def test_loose_or_default_covered_urpf_is_no_anti_spoofing(mode: str) -> None:
    found = _ext05(_UNFILTERED + f" ip verify unicast source reachable-via {mode}\n")
    assert [s for s, _ in found] == [Status.FAIL], found
    assert "GigabitEthernet0/0/0 accepts packets with private, bogon or own source addresses" in found[0][1]


def test_ipv4_urpf_leaves_ipv6_sources_unchecked() -> None:
    dual = _UNFILTERED + " ipv6 address 2001:db8:2::2/64\n ip verify unicast source reachable-via rx\n"
    found = _ext05(dual)
    assert [s for s, _ in found] == [Status.FAIL], found
    assert "e.g. tcp [" in found[0][1]  # the example is an IPv6 packet
    both = dual + " ipv6 verify unicast source reachable-via rx\n"
    assert [s for s, _ in _ext05(both)] == [Status.PASS]


def test_a_stateless_established_permit_admits_spoofed_sources_without_urpf() -> None:
    """WAN-IN pins the IKE peer but lets `tcp any any established` in: a spoofed ACK reaches inside."""
    found = _ext05(_WAN.replace(" ip verify unicast source reachable-via rx\n", ""))
    assert [s for s, _ in found] == [Status.FAIL], found
    assert "e.g. tcp (ACK) 10.0.0.23" in found[0][1]


def test_a_filter_onshi_reads_only_approximately_makes_it_manual_not_fail() -> None:
    """A permit qualified by DSCP is taken as matching everything it names: what it admits may be too
    wide, so a spoofed source it seems to let in is for a person to confirm, not a fail."""
    qualified = _WAN.replace(" ip verify unicast source reachable-via rx\n", "")
    found = _ext05(qualified, " permit tcp any any dscp ef\n")
    assert [s for s, _ in found] == [Status.MANUAL], found
    assert "over-approximation" in found[0][1]
