"""Yamaha filter semantics: the packet-set engine against a reference that reads the config text.

Random RTX configurations are written as text (``ip filter`` with lists, ranges, wildcards and
port names, ``ip filter dynamic`` (by service, or ``filter M`` naming a static filter), ``secure filter in|out`` lists with ``dynamic``, NAT port
forwards on the PP) and parsed by the Yamaha parser. The reference below never sees onshi's model:
it evaluates each packet on the filter definitions as Yamaha does (static filters first in the
order listed, the first that matches decides; then the dynamic filters pass; else reject), with
NAT translating between the line and the PP's filters. For every random packet, the engine's set
for a zone contains it exactly when the reference forwards it there, and onshi's own single-packet
oracle agrees.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.network import DeviceNetwork
from onshi.analysis.packets import Packet
from onshi.platforms.yamaha_rtx.parser import parse
from onshi.policy import DEVICE, INTERNET
from tests.helpers import assert_forwarded_only_to, two_segments

POLICY = two_segments("1300000003")
INTERFACES = {"lan1": "10.0.1.1/24", "lan2": "10.0.2.1/24", "pp": "203.0.113.2/30"}
ZONE_OF = {"lan1": "a", "lan2": "b", "pp1": INTERNET}
OWN = {ipaddress.ip_address(address.split("/")[0]) for address in INTERFACES.values()}
HOSTS = ["10.0.1.5", "10.0.1.77", "10.0.2.9", "10.0.2.200", "10.0.1.1", "10.0.2.1", "203.0.113.2", "198.51.100.7",
         "8.8.8.8"]  # fmt: skip
# Written forms of address fields and what they cover (the reference's own reading).
ADDRESSES = {
    "*": None, "10.0.1.0/24": ["10.0.1.0/24"], "10.0.2.0/24": ["10.0.2.0/24"], "10.0.1.5": ["10.0.1.5/32"],
    "10.0.*.*": ["10.0.0.0/16"], "10.0.2.*": ["10.0.2.0/24"], "10.0.1.1-10.0.1.10": ["10.0.1.1/32", "10.0.1.2/31",
    "10.0.1.4/30", "10.0.1.8/31", "10.0.1.10/32"], "198.51.100.7,8.8.8.8": ["198.51.100.7/32", "8.8.8.8/32"],
    "203.0.113.2": ["203.0.113.2/32"],
}  # fmt: skip
PROTOCOLS = {"*": None, "tcp": {6}, "udp": {17}, "icmp": {1}, "esp": {50}, "tcp,udp": {6, 17}}
PORT_FIELDS = {"*": None, "www": [(80, 80)], "https": [(443, 443)], "ssh": [(22, 22)], "3389": [(3389, 3389)],
               "1024-65535": [(1024, 65535)], "22,www": [(22, 22), (80, 80)], "-1023": [(0, 1023)]}  # fmt: skip
DYNAMIC_SERVICES = {"tcp": (6, None), "udp": (17, None), "www": (6, [(80, 80), (443, 443)]), "ssh": (6, [(22, 22)]),
                    "domain": (None, [(53, 53)])}  # fmt: skip
PORTS = [22, 53, 80, 443, 3389, 51000, 500]
# Half the address fields are `*`, so that filters overlap and the order of a list decides.
# The rest favours the PP's address and the forwarded hosts: NAT decides which one a filter sees.
ADDRESS = st.one_of(st.just("*"), st.sampled_from(list(ADDRESSES)), st.sampled_from(["203.0.113.2", "10.0.1.5"]))


@dataclass(frozen=True)
class Static:
    number: int
    action: str
    fields: tuple[str, str, str, str, str]

    def text(self) -> str:
        return f"ip filter {self.number} {self.action} {' '.join(self.fields)}"

    def matches(self, packet: Packet) -> bool:
        source, destination, protocol, sport, dport = self.fields
        protocols = PROTOCOLS[protocol]
        if protocols is not None and packet.protocol not in protocols:
            return False
        if not (_address(source, packet.src) and _address(destination, packet.dst)):
            return False
        if packet.protocol in (6, 17):
            return _port(sport, packet.src_port) and _port(dport, packet.dst_port)
        if packet.protocol == 1 and sport != "*":  # ICMP filters' third field is the type
            return packet.icmp_type == int(sport)
        return True


@dataclass(frozen=True)
class Dynamic:
    number: int
    source: str
    destination: str
    service: str
    pattern: Static | None = None  # `* * filter M`: what static filter M matches, whatever its action

    def text(self) -> str:
        if self.pattern is not None:
            return f"ip filter dynamic {self.number} * * filter {self.pattern.number} in {self.pattern.number}"
        return f"ip filter dynamic {self.number} {self.source} {self.destination} {self.service}"

    def matches(self, packet: Packet) -> bool:
        if self.pattern is not None:
            return self.pattern.matches(packet)
        protocol, ports = DYNAMIC_SERVICES[self.service]
        if protocol is None:  # domain: UDP and TCP
            if packet.protocol not in (6, 17):
                return False
        elif packet.protocol != protocol:
            return False
        if ports is not None and not any(low <= packet.dst_port <= high for low, high in ports):
            return False
        return _address(self.source, packet.src) and _address(self.destination, packet.dst)


def _address(field: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = ADDRESSES[field]
    return networks is None or any(address in ipaddress.ip_network(n) for n in networks)


def _port(field: str, port: int) -> bool:
    ranges = PORT_FIELDS[field]
    return ranges is None or any(low <= port <= high for low, high in ranges)


@dataclass(frozen=True)
class Config:
    statics: dict[int, Static]
    dynamics: dict[int, Dynamic]
    lists: dict[tuple[str, str], tuple[list[int], list[int]]]  # (interface, direction) → (static, dynamic)
    forwards: tuple[tuple[str, int, str, int], ...]  # (protocol, outer port, inside host, inner port)

    def text(self) -> str:
        lines = ["# RTX1210 Rev.14.01.42 (Fri Jan 26 10:17:42 2024)", "ip route default gateway pp 1"]
        for name in ("lan1", "lan2"):
            lines.append(f"ip {name} address {INTERFACES[name]}")
            lines += self._bindings(name, name)
        lines += ["pp select 1", " pppoe use lan3", f" ip pp address {INTERFACES['pp']}", " ip pp nat descriptor 1000"]
        lines += [" " + line for line in self._bindings("pp", "pp1")]
        lines += [" pp enable 1", "pp select none", "nat descriptor type 1000 masquerade"]
        for index, (protocol, outer, host, inner) in enumerate(self.forwards, start=1):
            lines.append(f"nat descriptor masquerade static 1000 {index} {host} {protocol} {outer}={inner}")
        lines += [f.text() for f in self.statics.values()] + [f.text() for f in self.dynamics.values()]
        return "\n".join(lines) + "\n"

    def _bindings(self, word: str, name: str) -> list[str]:
        found = []
        for direction in ("in", "out"):
            if (name, direction) in self.lists:
                static, dynamic = self.lists[(name, direction)]
                tail = f" dynamic {' '.join(map(str, dynamic))}" if dynamic else ""
                found.append(f"ip {word} secure filter {direction} {' '.join(map(str, static))}{tail}".rstrip())
        return found

    # --- the reference --------------------------------------------------------------------------------

    def passes(self, interface: str, direction: str, packet: Packet) -> bool:
        if (interface, direction) not in self.lists:
            return True
        static, dynamic = self.lists[(interface, direction)]
        for number in static:
            if self.statics[number].matches(packet):
                return self.statics[number].action in ("pass", "restrict")
        return any(self.dynamics[number].matches(packet) for number in dynamic)

    def destination(self, ingress: str, packet: Packet) -> str | None:
        if ingress == "pp1":  # NAT first: the PP's filters see the inside address
            for protocol, outer, host, inner in self.forwards:
                number = 6 if protocol == "tcp" else 17
                if packet.dst == ipaddress.ip_address("203.0.113.2") and (packet.protocol, packet.dst_port) == (
                    number, outer
                ):  # fmt: skip
                    packet = Packet(packet.src, ipaddress.ip_address(host), packet.protocol, packet.src_port, inner,
                                    packet.icmp_type, packet.icmp_code, packet.established)  # fmt: skip
                    break
        if not self.passes(ingress, "in", packet):
            return None
        if packet.dst in OWN:
            return DEVICE
        egress = next((name for name in ("lan1", "lan2") if packet.dst in ipaddress.ip_network(INTERFACES[name],
                                                                                              strict=False)), "pp1")  # fmt: skip
        return ZONE_OF[egress] if self.passes(egress, "out", packet) else None


@st.composite
def configs(draw: st.DrawFn) -> Config:
    statics = {}
    for number in range(1, draw(st.integers(1, 8)) + 1):
        fields = (draw(ADDRESS), draw(ADDRESS),
                  draw(st.sampled_from(list(PROTOCOLS))), "*", "*")  # fmt: skip
        if fields[2] in ("tcp", "udp", "tcp,udp"):
            fields = (*fields[:3], draw(st.sampled_from(list(PORT_FIELDS))), draw(st.sampled_from(list(PORT_FIELDS))))
        elif fields[2] == "icmp":
            fields = (*fields[:3], draw(st.sampled_from(["*", "8", "0"])), "*")
        action = draw(st.sampled_from(["pass", "reject", "restrict", "pass-log", "reject-nolog"]))
        statics[number] = Static(number, action.split("-")[0], fields)
    dynamics = {
        100 + index: Dynamic(100 + index, draw(ADDRESS), draw(ADDRESS), draw(st.sampled_from(list(DYNAMIC_SERVICES))),
                             draw(st.one_of(st.none(), st.sampled_from(list(statics.values())))))
        for index in range(draw(st.integers(0, 3)))
    }  # fmt: skip
    lists = {}
    for interface in ("lan1", "lan2", "pp1"):
        for direction in ("in", "out"):
            bound = draw(st.integers(0, 4)) > 0 if (interface, direction) == ("pp1", "in") else draw(st.booleans())
            if bound:  # the PP's inbound list mostly: where NAT and filters meet
                static = draw(st.lists(st.sampled_from(sorted(statics)), min_size=1, max_size=5))
                dynamic = draw(st.lists(st.sampled_from(sorted(dynamics)), max_size=2)) if dynamics else []
                lists[(interface, direction)] = (static, dynamic)
    forwards = tuple(
        (draw(st.sampled_from(["tcp", "udp"])), draw(st.sampled_from([22, 3389])), draw(st.sampled_from(["10.0.1.5", "10.0.2.9"])),
         draw(st.sampled_from(PORTS)))
        for _ in range(draw(st.integers(1, 3)))
    )  # fmt: skip
    return Config(statics, dynamics, lists, forwards)


@st.composite
def packets(draw: st.DrawFn, zone: str) -> Packet:
    if zone == INTERNET:
        source = ipaddress.ip_address(draw(st.sampled_from(["198.51.100.7", "8.8.8.8", "10.0.1.5"])))
    else:
        source = ipaddress.ip_network("10.0.1.0/24" if zone == "a" else "10.0.2.0/24")[draw(st.integers(2, 250))]
    protocol = draw(st.sampled_from([6, 6, 17, 1, 50]))
    ported = protocol in (6, 17)
    return Packet(
        src=source,
        # From the internet, mostly to the PP's address: through the port forwards.
        dst=ipaddress.ip_address(draw(st.sampled_from(HOSTS + ["203.0.113.2"] * (6 if zone == INTERNET else 0)))),
        protocol=protocol,
        src_port=draw(st.sampled_from(PORTS)) if ported else 0,
        dst_port=draw(st.sampled_from([*PORTS, *([22, 3389] * (4 if zone == INTERNET else 1))])) if ported else 0,
        icmp_type=draw(st.sampled_from([0, 8, 3])) if protocol == 1 else 0,
        established=False,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(config=configs(), data=st.data())
def test_the_engine_forwards_exactly_what_yamaha_filters_pass(config: Config, data: st.DataObject) -> None:
    text = config.text()
    device = parse(text, "random.cfg")
    assert not device.unrecognized, (device.unrecognized, text)
    network = DeviceNetwork(device, POLICY, ["pp1"])
    for interface, zone in ZONE_OF.items():
        for _ in range(4):
            packet = data.draw(packets(zone), label=f"packet from {zone}")
            assert_forwarded_only_to(network, interface, zone, packet, config.destination(interface, packet), text)
