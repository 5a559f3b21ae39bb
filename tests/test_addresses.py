"""Source-address sets against a single-address oracle (first match, the obvious way)."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from onshi.analysis.addresses import AddressSet, permitted_sources
from onshi.model import ANY_ADDRESS, ANY_PORT, Acl, AclEntry, AddressMatch

# A small address space (10.0.0.0/24) makes overlapping prefixes and boundaries likely.
BASE = int(ipaddress.IPv4Address("10.0.0.0"))
networks = st.builds(
    lambda offset, length: ipaddress.IPv4Network((BASE + offset, length), strict=False),
    st.integers(0, 255),
    st.integers(24, 32),
)
matches = st.one_of(
    st.just(ANY_ADDRESS), st.lists(networks, min_size=1, max_size=3).map(lambda n: AddressMatch(tuple(n)))
)
entries = st.builds(
    lambda action, source, protocol: AclEntry(
        action, protocol, source, ANY_PORT, ANY_ADDRESS, ANY_PORT, False, None, None, 1
    ),
    st.sampled_from(["permit", "deny"]),
    matches,
    st.sampled_from(["ip", "ip", "tcp"]),
)
acls = st.lists(entries, max_size=8).map(lambda e: Acl("T", 4, "extended", tuple(e), 1))
addresses = st.integers(BASE - 2, BASE + 258).map(ipaddress.IPv4Address)


def _in(match: AddressMatch, address: ipaddress.IPv4Address) -> bool:
    return match.any_ or any(address in network for network in match.networks)


def oracle_permits_some_packet(acl: Acl, address: ipaddress.IPv4Address) -> bool:
    """Does any packet from ``address`` get permitted? Protocols other than ip are partial: a
    non-ip entry can only permit some packets, and a deny on them leaves other packets to later
    entries, so scan as the device would, per packet class: ip-only packets and tcp packets."""
    for protocol in ("tcp", "udp"):
        for entry in acl.entries:
            if entry.protocol not in ("ip", protocol) or not _in(entry.source, address):
                continue
            if entry.action == "permit":
                return True
            break
    return False


@settings(max_examples=500, deadline=None)
@given(acl=acls, address=addresses)
def test_permitted_sources_agree_with_the_oracle(acl: Acl, address: ipaddress.IPv4Address) -> None:
    permitted = permitted_sources(acl, 4)
    assert permitted is not None
    inside = not permitted.intersection(AddressSet.of(4, [ipaddress.IPv4Network(address)])).is_empty()
    assert inside == oracle_permits_some_packet(acl, address)


@settings(max_examples=500, deadline=None)
@given(a=st.lists(networks, max_size=4), b=st.lists(networks, max_size=4), address=addresses)
def test_set_algebra_per_address(
    a: list[ipaddress.IPv4Network], b: list[ipaddress.IPv4Network], address: ipaddress.IPv4Address
) -> None:
    left, right = AddressSet.of(4, a), AddressSet.of(4, b)
    point = AddressSet.of(4, [ipaddress.IPv4Network(address)])
    in_a, in_b = any(address in n for n in a), any(address in n for n in b)
    assert (not left.union(right).intersection(point).is_empty()) == (in_a or in_b)
    assert (not left.difference(right).intersection(point).is_empty()) == (in_a and not in_b)
    assert (not left.intersection(right).intersection(point).is_empty()) == (in_a and in_b)


def test_unparsed_entries_make_the_answer_unknown() -> None:
    acl = Acl("T", 4, "standard", (), 1, unparsed_lines=(7,))
    assert permitted_sources(acl, 4) is None
