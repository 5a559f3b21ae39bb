"""The facility policy and host data: validated input at the inventory boundary (pydantic).

A Nornir group is a facility; its ``data.facility`` is a :class:`FacilityPolicy`. A host's
``data`` is a :class:`HostData`. Inside onshi the validated policy is used read-only.

Zones in flows are the facility's segment names, its VPN names, ``internet`` and ``device`` (the
network device itself).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import models_json_schema

from onshi.generate.variables import BaselineVars, FirewallVars, WirelessVars
from onshi.terms import DEVICE, INTERNET, RESERVED_ZONES, Role, SegmentKind, VpnPurpose, within_prefix

# The terms are defined in onshi.terms (no pydantic) and named here too, as they always were.
__all__ = [
    "DEVICE",
    "INTERNET",
    "KNOWN_KEYS",
    "RESERVED_ZONES",
    "AccessPointLink",
    "Attachment",
    "FacilityPolicy",
    "Flow",
    "HostData",
    "Link",
    "Role",
    "Segment",
    "SegmentKind",
    "Strict",
    "Topology",
    "Vpn",
    "VpnPurpose",
    "file_schemas",
    "json_schema",
    "within_prefix",
]


_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Segment(Strict):
    name: Annotated[str, Field(pattern=_NAME, description="Unique segment name, used in flows.")]
    kind: SegmentKind
    level: Literal["high", "medium", "low"] = Field(description="Security level of the systems in it.")
    ipv4: list[ipaddress.IPv4Network] = Field(default_factory=list)
    ipv6: list[ipaddress.IPv6Network] = Field(default_factory=list)
    ssids: list[str] = Field(default_factory=list, description="Wi-Fi SSIDs whose users belong here.")
    vlan: int | None = Field(
        default=None, ge=1, le=4094, description="The VLAN id the segment is carried on (switches, access points)."
    )
    ipv6_learnt: Literal["ra", "dhcpv6_pd"] | None = Field(
        default=None,
        description="The segment's IPv6 prefix is learnt at run time (router advertisements, or DHCPv6 prefix "
        "delegation from the carrier): every device on it numbers from the same prefix, which the analysis "
        "stands in for with one reserved /64 shared by the facility's devices.",
    )
    description: str = ""

    @property
    def prefixes(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [*self.ipv4, *self.ipv6]


class Vpn(Strict):
    name: Annotated[str, Field(pattern=_NAME)]
    kind: VpnPurpose
    owner: str = Field(min_length=1, description="Who operates the far end (e.g. the maintenance vendor).")
    peers: list[ipaddress.IPv4Address | ipaddress.IPv6Address | str] = Field(
        default_factory=list, description="Peer gateway addresses or names the device may talk to."
    )
    remote_prefixes: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = Field(default_factory=list)
    local_segments: list[str] = Field(default_factory=list, description="Segments whose traffic this VPN may carry.")
    listener: Literal["ssl_vpn", "l2tp", "pptp"] | None = Field(
        default=None,
        description="A remote-access listener on the device that this VPN is (the owner's remote access).",
    )


class Flow(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    source: str = Field(alias="from")
    destination: str = Field(alias="to")
    protocol: Literal["ip", "tcp", "udp", "icmp"] = "ip"
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=list)
    from_hosts: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = Field(
        default_factory=list,
        description="Only these hosts or prefixes of the source zone (say the onshi terminal 192.168.10.5/32); "
        "empty: the whole zone.",
    )
    to_hosts: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = Field(
        default_factory=list, description="Only these hosts or prefixes of the destination zone; empty: the whole zone."
    )
    description: str = ""

    @model_validator(mode="after")
    def _ports_need_a_transport(self) -> Flow:
        # Silently ignoring ports on an ip/icmp flow would allow far more than the author meant.
        if self.ports and self.protocol not in ("tcp", "udp"):
            raise ValueError(f"ports {self.ports} need protocol tcp or udp, not {self.protocol!r}")
        return self


class Attachment(Strict):
    """One end of a link: a device's interface (or a VLAN subinterface of it)."""

    device: str = Field(min_length=1, description="The host name in hosts.yaml.")
    interface: str = Field(
        min_length=1, description="The interface as the device names it (GigabitEthernet0/1.10, lan1, wan1)."
    )


class Link(Strict):
    """What a device interface attaches to: a segment, or another device's interface."""

    device: str = Field(min_length=1, description="The host name in hosts.yaml.")
    interface: str = Field(min_length=1, description="The interface as the device names it.")
    segment: str | None = Field(default=None, description="The segment the interface sits on.")
    peer: Attachment | None = Field(default=None, description="The other device's interface it is cabled to.")

    @model_validator(mode="after")
    def _one_far_end(self) -> Link:
        if (self.segment is None) == (self.peer is None):
            raise ValueError("a link names exactly one of segment or peer")
        return self


class AccessPointLink(Strict):
    """An access point: its uplink port and the VLAN each SSID is bridged onto (for access points whose
    configuration onshi does not read; a read configuration's own SSID VLANs are what it checks)."""

    device: str = Field(min_length=1)
    uplink: str = Field(min_length=1, description="The interface that carries the SSIDs' VLANs.")
    ssids: dict[str, Annotated[int, Field(ge=1, le=4094)]] = Field(default_factory=dict, description="SSID → VLAN id.")


class Topology(Strict):
    """How the facility's devices are cabled: links to segments and between devices, and access points."""

    links: list[Link] = Field(default_factory=list)
    access_points: list[AccessPointLink] = Field(default_factory=list)

    def interfaces(self, device: str) -> list[str]:
        """The interfaces of ``device`` that links attach (to a segment, or cabled to another device)."""
        found = [link.interface for link in self.links if link.device == device]
        return found + [link.peer.interface for link in self.links if link.peer and link.peer.device == device]

    def access_point_names(self) -> set[str]:
        return {ap.device for ap in self.access_points}

    def uplink_port(self, ap: AccessPointLink) -> tuple[str, str] | None:
        """(device, interface) that a link cables the access point's uplink to."""
        for link in self.links:
            if link.peer is None:
                continue
            ends = ((link.device, link.interface), (link.peer.device, link.peer.interface))
            for (near, port), (far, far_port) in (ends, ends[::-1]):
                if far == ap.device and far_port.lower() == ap.uplink.lower():
                    return near, port
        return None

    def cabled_access_points(self, device: str) -> list[tuple[AccessPointLink, str]]:
        """The access points whose uplink is cabled to ``device``, each with ``device``'s interface."""
        ports = [(ap, self.uplink_port(ap)) for ap in self.access_points]
        return [(ap, port[1]) for ap, port in ports if port is not None and port[0] == device]

    def devices(self) -> list[tuple[str, str]]:
        """(field, host name) of every device the topology names."""
        found = [(f"topology.links[{i}].device", link.device) for i, link in enumerate(self.links)]
        found += [(f"topology.links[{i}].peer.device", link.peer.device)
                  for i, link in enumerate(self.links) if link.peer is not None]  # fmt: skip
        found += [(f"topology.access_points[{i}].device", ap.device) for i, ap in enumerate(self.access_points)]
        return found


class FacilityPolicy(Strict):
    name: str = Field(min_length=1, description="Facility name (施設名).")
    code: Annotated[str, Field(pattern=r"^\d{10}$", description="保険医療機関コード / 薬局コード (10 digits).")]
    kind: Literal["clinic", "hospital", "pharmacy", "visiting_nurse"] = "clinic"
    connection: Literal["ip_vpn", "ipsec_ike"]
    segments: list[Segment] = Field(min_length=1)
    vpns: list[Vpn] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    management_sources: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = Field(default_factory=list)
    ntp_servers: list[str] = Field(default_factory=list)
    syslog_servers: list[str] = Field(default_factory=list)
    min_os_versions: dict[str, str] = Field(
        default_factory=dict, description="Minimum OS version per platform (e.g. cisco_ios: '15.7')."
    )
    session_timeout_minutes: int = Field(default=15, ge=1, le=120)
    topology: Topology = Field(
        default_factory=Topology,
        description="How the devices are cabled; a facility of one device needs none.",
    )
    isolation_keep: list[str] = Field(
        default_factory=list,
        description="VPNs kept up when the external network is cut in an incident (MHLW6 18 ①), e.g. the "
        "maintenance vendor's VPN used for the response. Everything else external is cut.",
    )

    @field_validator("min_os_versions")
    @classmethod
    def _versions_are_numeric(cls, value: dict[str, str]) -> dict[str, str]:
        for platform, version in value.items():
            if not re.match(r"^\d+(\.\d+)*", str(version)):
                raise ValueError(f"{platform}: version {version!r} does not start with a number")
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> FacilityPolicy:
        problems: list[str] = []
        segment_names = [segment.name for segment in self.segments]
        vpn_names = [vpn.name for vpn in self.vpns]
        names = segment_names + vpn_names
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"zone name {name!r} is declared more than once")
        for name in sorted(set(names) & RESERVED_ZONES):
            problems.append(f"zone name {name!r} is reserved")
        zones = set(names) | RESERVED_ZONES
        for index, flow in enumerate(self.flows):
            for end, zone in (("from", flow.source), ("to", flow.destination)):
                if zone not in zones:
                    problems.append(f"flows[{index}].{end}: unknown zone {zone!r} (known: {sorted(zones)})")
            problems += self._host_problems(index, flow)
        for name in self.isolation_keep:
            if name not in vpn_names:
                problems.append(f"isolation_keep: {name!r} is not a declared VPN (known: {sorted(vpn_names)})")
        for vpn in self.vpns:
            for segment in vpn.local_segments:
                if segment not in segment_names:
                    problems.append(f"vpns[{vpn.name}].local_segments: unknown segment {segment!r}")
        problems += self._topology_problems(segment_names)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _host_problems(self, index: int, flow: Flow) -> list[str]:
        """A flow's hosts lie inside its zone's declared prefixes (the device has none of its own)."""
        problems = []
        for end, zone, hosts in (("from_hosts", flow.source, flow.from_hosts), ("to_hosts", flow.destination,
                                                                                 flow.to_hosts)):  # fmt: skip
            if not hosts:
                continue
            if zone == DEVICE:
                problems.append(f"flows[{index}].{end}: the device has no hosts to name")
                continue
            declared = self.zone_prefixes(zone)
            for host in hosts:
                if declared is not None and not any(within_prefix(host, prefix) for prefix in declared):
                    problems.append(
                        f"flows[{index}].{end}: {host} is not inside zone {zone!r} ({', '.join(map(str, declared))})"
                    )
        return problems

    def zone_prefixes(self, zone: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
        """A segment's or VPN's declared prefixes; None where any address may be (the internet, a VPN
        without remote prefixes)."""
        segment = self.segment(zone)
        if segment is not None:
            return segment.prefixes
        vpn = self.vpn(zone)
        return list(vpn.remote_prefixes) if vpn is not None and vpn.remote_prefixes else None

    def _topology_problems(self, segment_names: list[str]) -> list[str]:
        problems = []
        vlans = [segment.vlan for segment in self.segments if segment.vlan is not None]
        for vlan in sorted({v for v in vlans if vlans.count(v) > 1}):
            problems.append(f"segments: VLAN {vlan} is given to more than one segment")
        for index, link in enumerate(self.topology.links):
            if link.segment is not None and link.segment not in segment_names:
                problems.append(f"topology.links[{index}].segment: unknown segment {link.segment!r}")
        return problems

    def segment_of_vlan(self, vlan: int) -> Segment | None:
        return next((segment for segment in self.segments if segment.vlan == vlan), None)

    def segment(self, name: str) -> Segment | None:
        return next((segment for segment in self.segments if segment.name == name), None)

    def vpn(self, name: str) -> Vpn | None:
        return next((vpn for vpn in self.vpns if vpn.name == name), None)

    def segments_of_kind(self, *kinds: SegmentKind) -> list[Segment]:
        return [segment for segment in self.segments if segment.kind in kinds]

    def segment_of_ssid(self, ssid: str) -> Segment | None:
        return next((segment for segment in self.segments if ssid in segment.ssids), None)


class HostData(BaseModel):
    """A host's own data. A key onshi does not know is an error (a misspelt `vpn_interface` would
    otherwise be ignored and change the verdicts)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    role: Role
    location: str = ""
    model: str | None = None
    serial: str | None = None
    internet_interfaces: list[str] | None = Field(
        default=None,
        description="Interfaces that face the internet; overrides onshi's inference when given.",
    )
    vpn_interfaces: dict[str, str] = Field(
        default_factory=dict,
        description="Interfaces that attach directly to a VPN's closed network (IP-VPN, NGN IPv6 IPoE), by "
        "interface name: the facility VPN they belong to. Such an interface is that VPN's zone, never the "
        "internet; unsolicited traffic from it is judged as from the internet (EXT-01), because a closed "
        "network is shared with every other subscriber of the carrier.",
    )
    baseline: dict[str, Any] | None = Field(
        default=None,
        description="Variables of the generated baseline (onshi generate), checked by the host's role: a "
        "BaselineVars, FirewallVars or WirelessVars.",
    )
    enable_secret: str | None = Field(
        default=None, repr=False, description="The enable secret for live collection (or ONSHI_ENABLE_SECRET)."
    )
    collector: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        description="Where the host is reached from, with --scheduler: only the Dask workers started with the "
        "resource collector-LABEL collect it (`dask worker … --resources collector-LABEL=1`).",
    )

    @model_validator(mode="after")
    def _one_side_per_interface(self) -> HostData:
        both = {name.lower() for name in self.internet_interfaces or []} & {n.lower() for n in self.vpn_interfaces}
        if both:
            raise ValueError(f"interfaces {sorted(both)} are listed both as internet and as VPN interfaces")
        return self


def json_schema() -> dict[str, Any]:
    """JSON Schema for editors: the facility policy (group data) and host data."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "onshi inventory data",
        "description": "groups.yaml: <group>.data.facility is a FacilityPolicy; hosts.yaml: <host>.data is a "
        "HostData, and <host>.data.baseline (onshi generate) a BaselineVars (edge routers), a FirewallVars "
        "(firewalls) or a WirelessVars (access points).",
        "$defs": {
            "FacilityPolicy": FacilityPolicy.model_json_schema(by_alias=True),
            "HostData": HostData.model_json_schema(by_alias=True),
            "BaselineVars": BaselineVars.model_json_schema(by_alias=True),
            "FirewallVars": FirewallVars.model_json_schema(by_alias=True),
            "WirelessVars": WirelessVars.model_json_schema(by_alias=True),
        },
    }


# Nornir's own keys of a host, group or defaults entry (SimpleInventory): onshi reads `data`.
_NORNIR_ENTRY: dict[str, Any] = {
    "hostname": {"type": "string", "description": "Address or name to connect to (live collection)."},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "username": {"type": "string"},
    "password": {"type": "string", "description": "Better from ONSHI_PASSWORD or a prompt: never in a file."},
    "platform": {"type": "string", "description": "cisco_ios | yamaha_rtx | fortinet (netmiko device type)."},
    "groups": {"type": "array", "items": {"type": "string"}},
    "connection_options": {"type": "object"},
}


def file_schemas() -> dict[str, dict[str, Any]]:
    """A JSON Schema per inventory file (``hosts.yaml``, ``groups.yaml``, ``defaults.yaml``), as
    yaml-language-server uses them: each file's whole structure, the data validated as onshi does."""
    # One flat set of definitions: each model's own `$defs` nested under it would leave refs dangling.
    _, top = models_json_schema([(FacilityPolicy, "validation"), (HostData, "validation")], by_alias=True)
    definitions = top["$defs"]

    def entries(data: dict[str, Any]) -> dict[str, Any]:
        entry = {"type": "object", "properties": {**_NORNIR_ENTRY, "data": data}, "additionalProperties": False}
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": definitions, "type": "object",
                "additionalProperties": entry}  # fmt: skip

    group_data = {"type": "object", "properties": {"facility": {"$ref": "#/$defs/FacilityPolicy"}}}
    return {
        "hosts.schema.json": {"title": "onshi hosts.yaml", **entries({"$ref": "#/$defs/HostData"})},
        "groups.schema.json": {"title": "onshi groups.yaml", **entries(group_data)},
        "defaults.schema.json": {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                 "title": "onshi defaults.yaml", "type": "object",
                                 "properties": {**_NORNIR_ENTRY, "data": {"type": "object"}}},
    }  # fmt: skip


def _keys(model: type[BaseModel]) -> set[str]:
    """Every field name and alias of a model and the models inside it."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        found.update(key for key in (name, info.alias) if key)
        for inner in _inner_models(info.annotation):
            found |= _keys(inner)
    return found


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in getattr(annotation, "__args__", ()) for model in _inner_models(arg)]


# The inventory's vocabulary, for the did-you-mean of an unknown key.
KNOWN_KEYS = sorted(_keys(FacilityPolicy) | _keys(HostData))
