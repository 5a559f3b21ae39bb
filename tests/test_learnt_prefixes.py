"""Segments whose IPv6 prefix is learnt at run time (RA, DHCPv6-PD), declared in the facility's policy.

The clinic's RTX numbers its LAN from the prefix the carrier delegates on lan2; a Cisco router
behind it takes its address on the same LAN by SLAAC and routes a lab segment. Both devices number
from one prefix, so the facility stands it in with one reserved /64 that both agree on: the
Cisco router delivers to the LAN's hosts on-link, and the two devices' own addresses differ.
"""

from __future__ import annotations

import ipaddress

import pytest

from onshi.analysis.facility import FacilityNetwork, Member
from onshi.analysis.facility_oracle import reaches
from onshi.analysis.packets import Packet
from onshi.platforms.cisco_ios.parser import parse as parse_ios
from onshi.platforms.yamaha_rtx.parser import parse as parse_rtx
from onshi.policy import FacilityPolicy

EDGE = """# RTX830 Rev.15.02.30 (Wed Jul 10 09:35:12 2024)
ip lan1 address 192.168.100.1/24
ipv6 prefix 1 ra-prefix@lan2::/64
ipv6 lan1 address ra-prefix@lan2::1/64
ipv6 lan1 rtadv send 1 o_flag=on
ipv6 lan2 secure filter in 200039
ipv6 lan2 dhcp service client ir=on
ngn type lan2 ntt
ipv6 filter 200039 reject * * * * *
"""

BEHIND = """hostname lab-rtr
interface GigabitEthernet0/0
 ipv6 enable
 ipv6 address autoconfig default
interface GigabitEthernet0/1
 ip address 10.0.2.1 255.255.255.0
 ipv6 address 2001:db8:2::1/64
end
"""


def _policy(learnt: bool) -> FacilityPolicy:
    office: dict[str, object] = {"name": "office", "kind": "office", "level": "medium", "ipv4": ["192.168.100.0/24"]}
    if learnt:
        office["ipv6_learnt"] = "ra"
    return FacilityPolicy.model_validate({
        "name": "learnt", "code": "1300000009", "connection": "ipsec_ike",
        "segments": [office, {"name": "lab", "kind": "medical", "level": "high", "ipv6": ["2001:db8:2::/64"]}],
        "topology": {"links": [
            {"device": "edge", "interface": "lan1", "segment": "office"},
            {"device": "lab", "interface": "GigabitEthernet0/0", "segment": "office"},
            {"device": "lab", "interface": "GigabitEthernet0/1", "segment": "lab"},
        ]},
    })  # fmt: skip


def _facility(learnt: bool) -> FacilityNetwork:
    members = [Member("edge", parse_rtx(EDGE, "edge.cfg"), ("lan2",)), Member("lab", parse_ios(BEHIND, "lab.cfg"))]
    return FacilityNetwork(members, _policy(learnt))


def test_every_device_on_a_learnt_segment_numbers_from_one_stand_in() -> None:
    network = _facility(learnt=True)
    edge, lab = network.devices["edge"], network.devices["lab"]
    [prefix] = {edge.learnt_network(edge.interfaces["lan1"]), lab.learnt_network(lab.interfaces["gigabitethernet0/0"])}
    own = [
        *edge.interface_addresses(edge.interfaces["lan1"]),
        *lab.interface_addresses(lab.interfaces["gigabitethernet0/0"]),
    ]
    six = [address for address in own if address.version == 6]
    assert len(six) == len(set(six)) == 2
    assert all(address in prefix for address in six)
    assert network.label(prefix[5]) == "<office prefix>::5"


def test_the_lab_reaches_the_learnt_lan_on_link_through_the_router_behind() -> None:
    network = _facility(learnt=True)
    sp = network.space
    answer = network.reach("lab", "office")
    assert answer.exact
    delivered = answer.packets & sp.ipv6
    assert not sp.is_empty(delivered)
    packet = Packet(ipaddress.ip_address("2001:db8:2::9"), ipaddress.ip_address("100:0:ffff:1::5"), 6, 51000, 443)
    trace = reaches(network, "lab", packet, "office")
    assert trace is not None
    assert [(hop.device, hop.ingress, hop.egress) for hop in trace.hops] == [
        ("lab", "gigabitethernet0/1", "gigabitethernet0/0")
    ]
    assert sp.contains(delivered, packet)
    lab = network.devices["lab"]
    on_link = [
        r for r in lab.route_table(None) if r.connected and r.prefix == ipaddress.ip_network("100:0:ffff:1::/64")
    ]
    assert [r.egress for r in on_link] == ["gigabitethernet0/0"]  # SLAAC on the learnt prefix: on-link


@pytest.mark.parametrize("learnt", [True, False])
def test_the_office_sends_only_from_its_hosts(learnt: bool) -> None:
    """With the prefix declared, the office's IPv6 senders are its stand-in's hosts (exact); without,
    each device's own stand-in is all the facility knows of it."""
    network = _facility(learnt)
    hosts = network.declared_hosts("office", "src") & network.space.ipv6
    assert not network.space.is_empty(hosts)
    one_prefix = network.space.networks("src", [ipaddress.IPv6Network("100:0:ffff:1::/64")])
    assert network.space.is_empty(hosts & ~one_prefix) is learnt
