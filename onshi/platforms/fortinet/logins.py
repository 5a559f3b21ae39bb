"""How the persons behind a FortiGate's remote-access listeners authenticate (VPN-08).

SSL-VPN users are those its ``authentication-rule`` entries and the firewall policies from
``ssl.root`` name (directly or through user groups);
an IPsec dial-up phase 1 with XAUTH names its user group in ``authusrgrp``. A local user with
``two-factor`` set shows a one-time code; a user or group member that is a RADIUS, LDAP or TACACS+
server leaves the question to that server.
"""

from __future__ import annotations

from collections.abc import Iterator

from onshi.model import LoginFactor, RemoteLogin
from onshi.platforms.fortinet.tree import Node, Tree

_EXTERNAL_TYPES = frozenset({"radius", "ldap", "tacacs+"})


def ssl_vpn_logins(tree: Tree, ssl: Node) -> tuple[RemoteLogin, ...]:
    if ssl.value("reqclientcert") == "enable":
        line = ssl.line_of("reqclientcert") or ssl.line
        return (RemoteLogin("client certificate", LoginFactor.CERTIFICATE, (line,)),)
    found = list(_tunnel_policy_logins(tree))
    rules = ssl.blocks.get("authentication-rule")
    for rule in rules.entries.values() if rules is not None else ():
        if rule.value("client-cert") == "enable":
            found.append(RemoteLogin(f"authentication-rule {rule.name}", LoginFactor.CERTIFICATE, rule.lines()))
            continue
        found.extend(_users(tree, rule.values("users")))
        found.extend(_groups(tree, rule.values("groups")))
    return tuple(dict.fromkeys(found))


def _tunnel_policy_logins(tree: Tree) -> Iterator[RemoteLogin]:
    """The users and groups of firewall policies from ``ssl.root``: who may use the tunnel mode."""
    for policy in tree.block("firewall policy").entries.values():
        if "ssl.root" in policy.values("srcintf"):
            yield from _users(tree, policy.values("users"))
            yield from _groups(tree, policy.values("groups"))


def dialup_logins(tree: Tree, phase1: Node) -> tuple[RemoteLogin, ...]:
    """A dial-up phase 1: a certificate (``authmethod signature``) besides XAUTH, or the XAUTH
    group's users, or the pre-shared key alone."""
    if phase1.value("authmethod") == "signature":
        line = phase1.line_of("authmethod") or phase1.line
        return (RemoteLogin("IKE certificate", LoginFactor.CERTIFICATE, (line,)),)
    group = phase1.value("authusrgrp")
    if _xauth(phase1) and group:
        return tuple(_groups(tree, (group,)))
    return (RemoteLogin("pre-shared key", LoginFactor.PASSWORD, (phase1.line_of("psksecret") or phase1.line,)),)


def dialup_is_remote_access(phase1: Node) -> bool:
    """Persons log in: mode-config hands out addresses, or XAUTH asks for a user name."""
    return phase1.value("mode-cfg") == "enable" or _xauth(phase1)


def _xauth(phase1: Node) -> bool:
    return phase1.value("xauthtype", "disable") != "disable"


def _groups(tree: Tree, names: tuple[str, ...]) -> Iterator[RemoteLogin]:
    groups = tree.block("user group").entries
    for name in names:
        group = groups.get(name)
        if group is None:
            continue  # a group that does not exist lets nobody in
        yield from _users(tree, group.values("member"), group)
        match = group.blocks.get("match")
        if match is not None and match.entries:
            yield RemoteLogin(f"group {name} (server match)", LoginFactor.EXTERNAL, match.lines())


def _users(tree: Tree, names: tuple[str, ...], group: Node | None = None) -> Iterator[RemoteLogin]:
    local = tree.block("user local").entries
    for name in names:
        user = local.get(name)
        if user is None:  # a member that is no local user: a RADIUS/LDAP/TACACS+ server or a peer
            line = group.line_of("member") if group is not None else None
            yield RemoteLogin(f"server {name}", LoginFactor.EXTERNAL, (line,) if line else ())
        else:
            yield _local_user(name, user)


def _local_user(name: str, user: Node) -> RemoteLogin:
    second = user.value("two-factor", "disable")
    if second != "disable":
        return RemoteLogin(f"user {name}", LoginFactor.TOKEN, (user.line, user.line_of("two-factor") or user.line))
    if user.value("type") in _EXTERNAL_TYPES:
        return RemoteLogin(f"user {name}", LoginFactor.EXTERNAL, (user.line,))
    return RemoteLogin(f"user {name}", LoginFactor.PASSWORD, (user.line,))
