"""Access lists, object-groups, static routes, dynamic routing and NAT."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Literal, TypeVar

from onshi.model import IPNetwork, NatRule, StaticRoute
from onshi.platforms.cisco_ios.acl import (
    AclSyntaxError,
    network_object,
    parse_extended,
    parse_standard,
    port_number,
    service_object,
)
from onshi.platforms.cisco_ios.context import AclBuilder, ConfigLine, Context, line_of


def _acl(ctx: Context, name: str, family: Literal[4, 6], kind: str, line: int) -> AclBuilder:
    if name not in ctx.acls:
        ctx.acls[name] = AclBuilder(name=name, family=family, kind=kind, line=line)
    return ctx.acls[name]


def _numbered_kind(number: str) -> str | None:
    if not number.isdigit():
        return None
    value = int(number)
    if 1 <= value <= 99 or 1300 <= value <= 1999:
        return "standard"
    if 100 <= value <= 199 or 2000 <= value <= 2699:
        return "extended"
    return None  # MAC, protocol-type and other non-IP lists


def _add_entry(ctx: Context, acl: AclBuilder, item: ConfigLine, words: list[str]) -> None:
    line = line_of(item)
    if words and words[0].isdigit():  # sequence number
        words = words[1:]
    if not words or words[0].lower() in ("remark", "description"):
        ctx.mark(item)
        return
    try:
        if acl.kind == "standard":
            acl.entries.append(parse_standard(words, line))
        else:
            acl.entries.extend(parse_extended(words, line, acl.family, ctx.object_groups, ctx.service_groups))
        ctx.mark(item)
    except (AclSyntaxError, ValueError, IndexError):
        acl.unparsed.append(line)
        ctx.bad(item)


def handle_access_list(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``access-list N permit|deny|remark ...`` (numbered)."""
    if len(tokens) < 3:
        return
    kind = _numbered_kind(tokens[1])
    if kind is None:
        ctx.mark(item)  # a MAC or protocol-type list: no IP semantics
        return
    acl = _acl(ctx, tokens[1], 4, kind, line_of(item))
    words = tokens[2:]
    if words[0].lower() == "dynamic":  # lock-and-key entry: not modelled
        acl.unparsed.append(line_of(item))
        ctx.bad(item)
        return
    _add_entry(ctx, acl, item, words)


def handle_ip_access_list(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``ip access-list standard|extended NAME`` with entries below it."""
    if len(tokens) < 4 or tokens[2].lower() not in ("standard", "extended"):
        if len(tokens) >= 3 and tokens[2].lower() in ("logging", "log-update", "resequence", "role-based"):
            ctx.mark_tree(item)
        return
    acl = _acl(ctx, tokens[3], 4, tokens[2].lower(), line_of(item))
    ctx.mark(item)
    for child in item.children:
        _add_entry(ctx, acl, child, child.text.split())


def handle_ipv6_access_list(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``ipv6 access-list NAME`` with entries (``sequence N`` prefixes allowed)."""
    if len(tokens) < 3:
        return
    acl = _acl(ctx, tokens[2], 6, "extended", line_of(item))
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        if words[:1] == ["sequence"]:
            words = words[2:]
        _add_entry(ctx, acl, child, words)


def handle_object_group(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``object-group network|service NAME``: its members, nested groups resolved in order."""
    if len(tokens) < 3:
        return
    kind = tokens[1].lower()
    if kind == "network":
        ctx.object_groups[tokens[2]] = _members(ctx, item, network_object, ctx.object_groups)
    elif kind == "service":
        ctx.service_groups[tokens[2]] = _members(ctx, item, service_object, ctx.service_groups)


_Member = TypeVar("_Member")


def _members(
    ctx: Context,
    item: ConfigLine,
    parse_member: Callable[[list[str]], tuple[_Member, ...] | None],
    known: Mapping[str, tuple[_Member, ...]],
) -> tuple[_Member, ...]:
    """An object-group's members in order; ``group-object`` (parse_member returns None) nests a
    group defined earlier. A member that cannot be read is reported and left out."""
    members: list[_Member] = []
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        try:
            parsed = parse_member(words)
            if parsed is None:
                parsed = known[words[1]]
        except (ValueError, IndexError, KeyError, AclSyntaxError):
            ctx.bad(child)
            continue
        members.extend(parsed)
        ctx.mark(child)
    return tuple(members)


def handle_route(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``ip route [vrf V] P M [IFACE] [NH] [DIST] [name X] [permanent] [tag T]`` and ``ipv6 route``."""
    words = tokens[2:]
    vrf = None
    if words[:1] == ["vrf"] and len(words) > 2:
        vrf, words = words[1], words[2:]
    try:
        if tokens[0] == "ipv6":
            prefix: IPNetwork = ipaddress.IPv6Network(words[0], strict=False)
            rest = words[1:]
        else:
            prefix = ipaddress.IPv4Network(f"{words[0]}/{words[1]}", strict=False)
            rest = words[2:]
    except (ValueError, IndexError):
        ctx.bad(item)
        return
    interface, next_hop, distance = None, None, 1
    for index, word in enumerate(rest):
        if word.lower() in ("name", "tag", "track", "permanent", "global", "multicast", "dhcp"):
            break
        try:
            next_hop = ipaddress.ip_address(word)
            continue
        except ValueError:
            pass
        if word.isdigit():
            distance = int(word)
        elif index == 0:
            interface = word
    ctx.routes.append(StaticRoute(vrf, prefix, next_hop, interface, distance, line_of(item)))
    ctx.mark(item)


def handle_router(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """A dynamic routing process: its routes cannot be known from the config alone."""
    ctx.dynamic_routing.append(line_of(item))
    ctx.mark_tree(item)


def handle_nat(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``ip nat inside|outside source static|list|route-map ...``; pools and timers are understood."""
    if len(tokens) < 4 or tokens[2].lower() not in ("inside", "outside") or tokens[3].lower() != "source":
        if len(tokens) > 2 and tokens[2].lower() in ("pool", "translation", "log", "service", "settings"):
            ctx.mark_tree(item)
        return
    direction = "inside" if tokens[2].lower() == "inside" else "outside"
    words = list(tokens[4:])
    rule = _nat_static(words, direction, line_of(item)) if words[:1] == ["static"] else None
    if rule is None and words[:1] in (["list"], ["route-map"]):
        rule = _nat_dynamic(words, direction, line_of(item))
    if rule is None:
        ctx.bad(item)
        return
    ctx.nat.append(rule)
    ctx.mark(item)


def _nat_static(words: list[str], direction: str, line: int) -> NatRule | None:
    rest = words[1:]
    protocol = None
    if rest and rest[0].lower() in ("tcp", "udp"):
        protocol, rest = rest[0].lower(), rest[1:]
    rest = [word for word in rest if word.lower() not in ("network",)]
    try:
        inside = ipaddress.ip_address(rest[0])
        index = 1
        inside_port = None
        if protocol:
            inside_port, index = port_number(rest[1]), 2
        outside_interface, outside_address = None, None
        if rest[index].lower() == "interface":
            outside_interface, index = rest[index + 1], index + 2
        else:
            outside_address, index = ipaddress.ip_address(rest[index]), index + 1
        outside_port = port_number(rest[index]) if protocol else None
    except (ValueError, IndexError):
        return None
    vrf = rest[rest.index("vrf") + 1] if "vrf" in rest and rest.index("vrf") + 1 < len(rest) else None
    return NatRule(
        kind="port_forward" if protocol else "static",
        direction="inside" if direction == "inside" else "outside",
        inside_address=inside,
        inside_port=inside_port,
        outside_address=outside_address,
        outside_interface=outside_interface,
        outside_port=outside_port,
        protocol=protocol,
        acl=None,
        vrf=vrf,
        line=line,
    )


def _nat_dynamic(words: list[str], direction: str, line: int) -> NatRule | None:
    if len(words) < 4:
        return None
    acl = words[1] if words[0].lower() == "list" else None
    outside_interface = words[3] if words[2].lower() == "interface" else None
    vrf = words[words.index("vrf") + 1] if "vrf" in words and words.index("vrf") + 1 < len(words) else None
    return NatRule(
        kind="dynamic",
        direction="inside" if direction == "inside" else "outside",
        inside_address=None,
        inside_port=None,
        outside_address=None,
        outside_interface=outside_interface,
        outside_port=None,
        protocol=None,
        acl=acl,
        vrf=vrf,
        line=line,
    )
