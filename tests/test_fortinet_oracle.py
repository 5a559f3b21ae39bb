"""FortiGate policy semantics: the packet-set engine against a reference that reads policy text.

Random FortiOS configurations are written as text (interfaces with ``allowaccess``, addresses,
ranges and groups, predefined and custom services, a VIP port forward, policies with interface
lists and ``any``, accept and deny, some disabled) and parsed by the FortiGate parser. The
reference below never sees onshi's model: it forwards each packet as FortiOS does (the VIP
translates first; a packet for the FortiGate's own address is admitted by the ingress interface's
``allowaccess``; otherwise the route picks the egress and the first enabled policy, in the order
written, whose interfaces, addresses and service match decides; no match is the implicit deny).
The engine's set for a zone contains the packet exactly when the reference forwards it there.

One simplification is shared on purpose: a policy naming the VIP matches the VIP's mapped address
(onshi resolves the name so), where FortiOS matches only traffic the VIP translated. That can only
widen what onshi reports as forwarded, never hide a forward.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.network import DeviceNetwork
from onshi.analysis.packets import Packet
from onshi.platforms.fortinet.parser import parse
from onshi.policy import DEVICE, INTERNET
from tests.helpers import PacketShape, assert_reference_agrees, two_segments

POLICY = two_segments("1300000004")
INTERFACES = {"port1": "10.0.1.1/24", "port2": "10.0.2.1/24", "wan1": "203.0.113.2/30"}
ZONE_OF = {"port1": "a", "port2": "b", "wan1": INTERNET}
ADDRESSES = {"all": ["0.0.0.0/0"], "net-a": ["10.0.1.0/24"], "net-b": ["10.0.2.0/24"], "host-a5": ["10.0.1.5/32"],
             "range-b": ["10.0.2.1/32", "10.0.2.2/31", "10.0.2.4/30", "10.0.2.8/29", "10.0.2.16/28", "10.0.2.32/27",
                         "10.0.2.64/27", "10.0.2.96/30", "10.0.2.100/32"],
             "ext": ["198.51.100.0/24"], "grp": ["10.0.1.5/32", "198.51.100.0/24"], "vip-rdp": ["10.0.1.5/32"]}  # fmt: skip
Match = tuple[int, int] | int | None  # destination port range, ICMP type, or nothing
SERVICES: dict[str, list[tuple[str, Match]]] = {"ALL": [("any", None)], "HTTP": [("tcp", (80, 80))], "HTTPS": [("tcp", (443, 443))],
            "SSH": [("tcp", (22, 22))], "RDP": [("tcp", (3389, 3389))], "PING": [("icmp", 8)],
            "DNS": [("tcp", (53, 53)), ("udp", (53, 53))], "web8080": [("tcp", (8080, 8090)), ("tcp", (443, 443))],
            "udp-low": [("udp", (1, 1024))]}  # fmt: skip
ACCESS = {"ping": ("icmp", 8), "https": ("tcp", 443), "ssh": ("tcp", 22), "http": ("tcp", 80)}
HOSTS = ["10.0.1.5", "10.0.1.77", "10.0.2.9", "10.0.2.200", "10.0.1.1", "10.0.2.1", "203.0.113.2", "198.51.100.7",
         "8.8.8.8"]  # fmt: skip
PORTS = [22, 53, 80, 443, 3389, 8085, 51000]
SHAPE = PacketShape(hosts=tuple(HOSTS), ports=tuple(PORTS), dst_ports=(*PORTS, 3389, 3389), protocols=(6, 6, 17, 1),
                    icmp_types=(0, 8))  # fmt: skip
PROTOCOL = {"tcp": 6, "udp": 17, "icmp": 1}


@dataclass(frozen=True)
class Policy:
    number: int
    srcintf: tuple[str, ...]
    dstintf: tuple[str, ...]
    srcaddr: tuple[str, ...]
    dstaddr: tuple[str, ...]
    service: tuple[str, ...]
    action: str
    enabled: bool

    def text(self) -> list[str]:
        def quoted(values: tuple[str, ...]) -> str:
            return " ".join(f'"{v}"' for v in values)

        return [f"    edit {self.number}", f"        set srcintf {quoted(self.srcintf)}",
                f"        set dstintf {quoted(self.dstintf)}", f"        set srcaddr {quoted(self.srcaddr)}",
                f"        set dstaddr {quoted(self.dstaddr)}", f"        set service {quoted(self.service)}",
                f"        set action {self.action}", *([] if self.enabled else ["        set status disable"]),
                "    next"]  # fmt: skip

    def matches(self, ingress: str, egress: str, packet: Packet) -> bool:
        return (
            self.enabled
            and ("any" in self.srcintf or ingress in self.srcintf)
            and ("any" in self.dstintf or egress in self.dstintf)
            and any(_in(packet.src, name) for name in self.srcaddr)
            and any(_in(packet.dst, name) for name in self.dstaddr)
            and any(_service(packet, name) for name in self.service)
        )


def _in(address: ipaddress.IPv4Address | ipaddress.IPv6Address, name: str) -> bool:
    return any(address in ipaddress.ip_network(network) for network in ADDRESSES[name])


def _service(packet: Packet, name: str) -> bool:
    for protocol, match in SERVICES[name]:
        if protocol == "any":
            return True
        if packet.protocol != PROTOCOL[protocol]:
            continue
        if protocol == "icmp":
            if packet.icmp_type == match:
                return True
        elif isinstance(match, tuple) and match[0] <= packet.dst_port <= match[1]:
            return True
    return False


@dataclass(frozen=True)
class Config:
    access: dict[str, tuple[str, ...]]
    policies: tuple[Policy, ...]
    vip: bool

    def text(self) -> str:
        lines = [
            "#config-version=FG60F-7.2.8-FW-build1639-240313:opmode=0:vdom=0:user=admin",
            "config system interface",
        ]
        for name, address in INTERFACES.items():
            network = ipaddress.IPv4Interface(address)
            lines += [f'    edit "{name}"', f"        set ip {network.ip} {network.netmask}"]
            if self.access[name]:
                lines.append(f"        set allowaccess {' '.join(self.access[name])}")
            if name == "wan1":
                lines.append("        set role wan")
            lines.append("    next")
        lines += ["end", "config firewall address"]
        for name, networks in ADDRESSES.items():
            if name in ("all", "grp", "vip-rdp", "range-b"):
                continue
            subnet = ipaddress.IPv4Network(networks[0])
            lines += [f'    edit "{name}"', f"        set subnet {subnet.network_address} {subnet.netmask}", "    next"]
        lines += ['    edit "range-b"', "        set type iprange", "        set start-ip 10.0.2.1",
                  "        set end-ip 10.0.2.100", "    next", "end", "config firewall addrgrp", '    edit "grp"',
                  '        set member "host-a5" "ext"', "    next", "end", "config firewall service custom",
                  '    edit "web8080"', '        set tcp-portrange 8080-8090 443', "    next", '    edit "udp-low"',
                  "        set udp-portrange 1-1024", "    next", "end"]  # fmt: skip
        if self.vip:
            lines += ["config firewall vip", '    edit "vip-rdp"', "        set extip 203.0.113.2",
                      '        set mappedip "10.0.1.5"', '        set extintf "wan1"', "        set portforward enable",
                      "        set extport 3389", "        set mappedport 3389", "    next", "end"]  # fmt: skip
        lines.append("config firewall policy")
        for policy in self.policies:
            lines += policy.text()
        lines += ["end", "config router static", "    edit 1", "        set gateway 203.0.113.1",
                  '        set device "wan1"', "    next", "end"]  # fmt: skip
        return "\n".join(lines) + "\n"

    def destination(self, ingress: str, packet: Packet) -> str | None:
        forwarded = packet.protocol == 6 and packet.dst_port == 3389
        if self.vip and ingress == "wan1" and packet.dst == ipaddress.ip_address("203.0.113.2") and forwarded:
            packet = Packet(packet.src, ipaddress.ip_address("10.0.1.5"), 6, packet.src_port, 3389,
                                packet.icmp_type, packet.icmp_code, packet.established)  # fmt: skip
        own = {ipaddress.IPv4Interface(a).ip for a in INTERFACES.values()}
        if packet.dst in own:
            for access in self.access[ingress]:
                protocol, value = ACCESS[access]
                if packet.protocol == PROTOCOL[protocol] and (
                    packet.icmp_type == value if protocol == "icmp" else packet.dst_port == value
                ):
                    return DEVICE
            return None
        egress = next((n for n, a in INTERFACES.items() if packet.dst in ipaddress.IPv4Interface(a).network), "wan1")
        for policy in self.policies:
            if policy.matches(ingress, egress, packet):
                return ZONE_OF[egress] if policy.action == "accept" else None
        return None


NAMES = list(INTERFACES)


@st.composite
def configs(draw: st.DrawFn) -> Config:
    access = {name: tuple(draw(st.lists(st.sampled_from(list(ACCESS)), unique=True, max_size=3))) for name in NAMES}
    interfaces = st.one_of(st.just(("any",)), st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True)
                           .map(tuple))  # fmt: skip
    vip = draw(st.booleans())
    names = [n for n in ADDRESSES if vip or n != "vip-rdp"]
    addresses = st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True).map(tuple)
    services = st.lists(st.sampled_from(list(SERVICES)), min_size=1, max_size=2, unique=True).map(tuple)
    numbers = draw(st.permutations(list(range(1, 7))))  # edit ids out of order: the written order counts
    policies = tuple(
        Policy(
            numbers[i],
            draw(interfaces),
            draw(interfaces),
            draw(addresses),
            draw(addresses),
            draw(services),
            draw(st.sampled_from(["accept", "accept", "deny"])),
            draw(st.integers(0, 4)) > 0,
        )
        for i in range(draw(st.integers(1, 6)))
    )
    return Config(access, policies, vip)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(config=configs(), data=st.data())
def test_the_engine_forwards_exactly_what_fortigate_policies_accept(config: Config, data: st.DataObject) -> None:
    text = config.text()
    device = parse(text, "random.cfg")
    assert not device.unrecognized, (device.unrecognized, text)
    network = DeviceNetwork(device, POLICY, ["wan1"])
    assert_reference_agrees(network, ZONE_OF, data, SHAPE, config.destination, text)
