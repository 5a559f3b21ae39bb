"""NEC IX filter semantics: the packet-set engine against a reference that reads the config text.

Random IX configurations are written as text: ``ip access-list`` entries (protocols, prefixes,
``sport``/``dport`` with ``eq``, ``range``, ``gt``, ``lt``, ICMP types) bound to interfaces with
``ip filter LIST SEQ in|out`` at random sequence numbers, and parsed by the IX parser. The reference
below never sees onshi's model: it evaluates each packet on the lists as IX does (the lists bound to
a direction by ascending sequence number, entries in the order written, the first match decides, and
a packet nothing matches is discarded where any filter is bound). Some bound names are dynamic
lists (``ip access-list dynamic NAME access LIST``, LIST of permits only), one of them named like a
static list, which it then stands for: a new connection LIST permits passes, one it does not match
goes on to the next filter. For every random packet, the engine's set for a zone contains it exactly
when the reference forwards it there, and onshi's own single-packet oracle agrees.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.network import DeviceNetwork
from onshi.analysis.packets import Packet
from onshi.platforms.nec_ix.parser import parse
from onshi.policy import DEVICE, INTERNET
from tests.helpers import PacketShape, assert_reference_agrees, two_segments

POLICY = two_segments("1300000004")
INTERFACES = {"GigaEthernet1.0": "10.0.1.1/24", "GigaEthernet2.0": "10.0.2.1/24", "GigaEthernet0.0": "203.0.113.2/30"}
ZONE_OF = {"GigaEthernet1.0": "a", "GigaEthernet2.0": "b", "GigaEthernet0.0": INTERNET}
OWN = {ipaddress.ip_address(address.split("/")[0]) for address in INTERFACES.values()}
HOSTS = ["10.0.1.5", "10.0.1.77", "10.0.2.9", "10.0.2.200", "10.0.1.1", "10.0.2.1", "203.0.113.2", "198.51.100.7",
         "8.8.8.8"]  # fmt: skip
ADDRESSES = {"any": None, "10.0.1.0/24": "10.0.1.0/24", "10.0.2.0/24": "10.0.2.0/24", "10.0.1.5/32": "10.0.1.5/32",
             "10.0.0.0/16": "10.0.0.0/16", "198.51.100.0/24": "198.51.100.0/24", "203.0.113.2": "203.0.113.2/32",
             "10.0.1.5": "10.0.1.5/32"}  # fmt: skip
PROTOCOLS = {"ip": None, "tcp": 6, "udp": 17, "icmp": 1, "50": 50}
PORT_SPECS = {"any": None, "eq 22": (22, 22), "eq 443": (443, 443), "eq 3389": (3389, 3389),
              "range 1024 65535": (1024, 65535), "gt 1023": (1024, 65535), "lt 1024": (0, 1023)}  # fmt: skip
PORTS = [22, 53, 80, 443, 3389, 51000, 500]
# Half the address fields are `any`, so that the lists overlap and their order decides.
ADDRESS = st.one_of(st.just("any"), st.sampled_from(list(ADDRESSES)))
LISTS = ["alpha", "bravo", "charlie", "delta"]
SHAPE = PacketShape(hosts=tuple(HOSTS), ports=tuple(PORTS))


@dataclass(frozen=True)
class Entry:
    action: str
    protocol: str
    source: str
    destination: str
    sport: str
    dport: str
    icmp_type: int | None

    def text(self, name: str) -> str:
        words = ["ip access-list", name, self.action, self.protocol, "src", self.source]
        if self.protocol in ("tcp", "udp"):
            words += ["sport", self.sport]
        words += ["dest", self.destination]
        if self.protocol in ("tcp", "udp"):
            words += ["dport", self.dport]
        if self.icmp_type is not None:
            words += ["type", str(self.icmp_type)]
        return " ".join(words)

    def matches(self, packet: Packet) -> bool:
        protocol = PROTOCOLS[self.protocol]
        if protocol is not None and packet.protocol != protocol:
            return False
        if not (_address(self.source, packet.src) and _address(self.destination, packet.dst)):
            return False
        if packet.protocol in (6, 17) and protocol is not None:
            return _port(self.sport, packet.src_port) and _port(self.dport, packet.dst_port)
        if protocol == 1 and self.icmp_type is not None:
            return packet.icmp_type == self.icmp_type
        return True


def _address(field: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    network = ADDRESSES[field]
    return network is None or address in ipaddress.ip_network(network)


def _port(spec: str, port: int) -> bool:
    bounds = PORT_SPECS[spec]
    return bounds is None or bounds[0] <= port <= bounds[1]


@dataclass(frozen=True)
class Config:
    lists: dict[str, list[Entry]]
    bindings: dict[tuple[str, str], list[tuple[int, str]]]  # (interface, direction) → [(sequence, list)]
    dynamic: dict[str, str]  # a dynamic list → the list of permits that starts its sessions

    def text(self) -> str:
        lines = ["hostname random", "ip route default 203.0.113.1"]
        lines += [entry.text(name) for name, entries in self.lists.items() for entry in entries]
        lines += [f"ip access-list dynamic {name} access {trigger}" for name, trigger in self.dynamic.items()]
        for name, address in INTERFACES.items():
            lines += ["!", f"interface {name}", f"  ip address {address}"]
            for direction in ("in", "out"):
                for sequence, bound in self.bindings.get((name, direction), []):
                    lines.append(f"  ip filter {bound} {sequence} {direction}")
            lines.append("  no shutdown")
        return "\n".join(lines) + "\n"

    # --- the reference --------------------------------------------------------------------------------

    def passes(self, interface: str, direction: str, packet: Packet) -> bool:
        bound = self.bindings.get((interface, direction))
        if not bound:
            return True
        for _, name in sorted(bound):
            for entry in self.lists[self.dynamic.get(name, name)]:
                if entry.matches(packet):
                    return entry.action == "permit"
        return False  # the implicit deny of a bound filter

    def destination(self, ingress: str, packet: Packet) -> str | None:
        if not self.passes(ingress, "in", packet):
            return None
        if packet.dst in OWN:
            return DEVICE
        egress = next((name for name, address in INTERFACES.items() if name != "GigaEthernet0.0"
                       and packet.dst in ipaddress.ip_network(address, strict=False)), "GigaEthernet0.0")  # fmt: skip
        return ZONE_OF[egress] if self.passes(egress, "out", packet) else None


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    protocol = draw(st.sampled_from(list(PROTOCOLS)))
    ported = protocol in ("tcp", "udp")
    return Entry(
        action=draw(st.sampled_from(["permit", "deny"])),
        protocol=protocol,
        source=draw(ADDRESS),
        destination=draw(ADDRESS),
        sport=draw(st.sampled_from(list(PORT_SPECS))) if ported else "any",
        dport=draw(st.sampled_from(list(PORT_SPECS))) if ported else "any",
        icmp_type=draw(st.sampled_from([None, 8, 0])) if protocol == "icmp" else None,
    )


@st.composite
def configs(draw: st.DrawFn) -> Config:
    lists = {name: draw(st.lists(entries(), min_size=1, max_size=5)) for name in LISTS[: draw(st.integers(1, 4))]}
    permits = {name: [replace(e, action="permit") for e in found] for name, found in lists.items()}
    triggers = {f"{name}-trig": found for name, found in permits.items() if draw(st.booleans())}
    lists |= triggers
    # A dynamic list of its own name, or named like a static list (then bound in its stead).
    dynamic = {draw(st.sampled_from([f"{name}-dyn", LISTS[0]])): name for name in triggers}
    bindings: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for interface in INTERFACES:
        for direction in ("in", "out"):
            names = draw(st.lists(st.sampled_from(sorted({*lists, *dynamic})), max_size=3, unique=True))
            sequences = draw(st.lists(st.integers(1, 100), min_size=len(names), max_size=len(names), unique=True))
            if names:
                bindings[(interface, direction)] = list(zip(sequences, names, strict=True))
    return Config(lists, bindings, dynamic)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(config=configs(), data=st.data())
def test_the_engine_forwards_exactly_what_ix_filters_pass(config: Config, data: st.DataObject) -> None:
    text = config.text()
    device = parse(text, "random.cfg")
    assert not device.unrecognized, (device.unrecognized, text)
    network = DeviceNetwork(device, POLICY, ["GigaEthernet0.0"])
    assert_reference_agrees(network, ZONE_OF, data, SHAPE, config.destination, text)
