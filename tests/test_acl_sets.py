"""A list's first-match answer for some packets alone (what the zone matrix asks of a segment's
filter) is the whole list's answer on those packets: built from the lines that match one of them,
it must agree with the fold of every line, on random lists and random packet sets."""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from onshi.analysis.acl_sets import ListSets, acl_set
from onshi.analysis.packets import _leading_bits, space
from onshi.model import ANY_ADDRESS, ANY_PORT, Acl, AclEntry, AddressMatch, PortMatch

NETWORKS = ["10.0.0.0/8", "10.0.1.0/24", "10.0.1.5/32", "10.0.2.0/24", "192.168.0.0/16", "192.168.20.0/24",
            "192.168.20.7/32", "203.0.113.0/24"]  # fmt: skip
ADDRESS = st.one_of(st.just(ANY_ADDRESS),
                    st.sampled_from(NETWORKS).map(lambda n: AddressMatch((ipaddress.ip_network(n),))))  # fmt: skip
PORTS = st.one_of(st.just(ANY_PORT), st.sampled_from([22, 80, 443]).map(lambda p: PortMatch(((p, p),))))


@st.composite
def entries(draw: st.DrawFn) -> AclEntry:
    protocol = draw(st.sampled_from(["ip", "tcp", "udp", "icmp"]))
    ported = protocol in ("tcp", "udp")
    return AclEntry(draw(st.sampled_from(["permit", "deny"])), protocol, draw(ADDRESS),
                    draw(PORTS) if ported else ANY_PORT, draw(ADDRESS), draw(PORTS) if ported else ANY_PORT,
                    False, None, None, draw(st.integers(1, 999)))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(entries(), max_size=25), sources=st.lists(st.sampled_from(NETWORKS), min_size=1, max_size=3),
       family=st.sampled_from([4, 6]))  # fmt: skip
def test_a_list_answered_for_some_packets_is_the_whole_lists_answer_on_them(
    lines: list[AclEntry], sources: list[str], family: int
) -> None:
    sp = space()
    packets = sp.networks("src", [ipaddress.ip_network(n) for n in sources]) | sp.ipv6
    whole_permitted, whole_matched = ListSets(sp, lines, 4).first_match()
    permitted, matched = ListSets(sp, lines, 4).first_match(packets)
    assert permitted == whole_permitted & packets
    assert matched == whole_matched & packets
    acl = Acl("T", 4 if family == 4 else 6, "extended", tuple(lines), 1)
    within = acl_set(sp, acl, family, packets=packets, built={}).permitted
    assert within == acl_set(sp, acl, family).permitted & packets


def test_a_set_counts_the_headers_its_protocols_carry() -> None:
    """TCP and UDP by ports, ICMP by type and code, other protocols by addresses alone; IPv4 addresses
    count 32 bits. A /24 of sources to one host on one TCP port: 256 × 65536 source ports."""
    sp = space()
    host, net = ipaddress.ip_address("10.0.1.5"), ipaddress.ip_network("10.0.0.0/24")
    to_host = sp.network("src", net) & sp.address("dst", host) & sp.ipv4
    assert sp.count(to_host & sp.protocol(6) & sp.value("dport", 3389)) == 256 * 65536
    assert sp.count(to_host & sp.protocol(50)) == 256
    assert sp.count(to_host & sp.protocol(1) & sp.value("icmp_type", 8)) == 256 * 256  # every code
    both = (sp.protocol(6) & sp.value("dport", 22)) | sp.protocol(50)
    assert sp.count(to_host & both) == 256 * 65536 + 256
    assert sp.count(sp.false) == 0


@st.composite
def prefixes(draw: st.DrawFn, version: int) -> Any:
    bits = 32 if version == 4 else 128
    address = draw(st.integers(0, 2**bits - 1))
    length = draw(st.integers(0, bits))
    kind = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network  # ip_network((0, 0)) is IPv4
    return kind((address, length), strict=False)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), version=st.sampled_from([4, 6]), protocol=st.one_of(st.none(), st.integers(0, 255)))
def test_an_entry_made_bit_by_bit_is_the_cube_of_its_literals(data: st.DataObject, version: int,
                                                              protocol: int | None) -> None:  # fmt: skip
    sp = space()
    src = data.draw(st.one_of(st.none(), prefixes(version)))
    dst = data.draw(st.one_of(st.none(), prefixes(version)))
    shown = [(field, network) for field, network in (("src", src), ("dst", dst)) if network is not None]
    assert sp.fixed(version, src, dst, protocol) == sp._cube(version, shown, protocol)  # dd's cube, as before
    for field, network in shown:
        assert sp.network(field, network) == sp._cube(version, [(field, network)], None)
    port = data.draw(st.integers(0, 65535))
    assert sp.value("dport", port) == sp.bdd.cube(_leading_bits("dport", port, 16))
