"""VPN rules that read the crypto configuration (VPN-02..05, VPN-07, VPN-08).

VPN-01 and VPN-06 (reachability between VPNs, protected traffic) live in :mod:`.reachability`.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterator

from onshi.model import (
    Action,
    Aspect,
    IkeProposal,
    LoginFactor,
    SecretStorage,
    Severity,
    Status,
    TransformSet,
    VpnEndpoint,
    VpnKind,
)
from onshi.terms import Role, VpnPurpose
from onshi.validators.base import (
    Outcome,
    RuleInput,
    enclosing,
    failed,
    manual,
    names,
    not_applicable,
    outcome,
    passed,
    remove_line,
)
from onshi.validators.registry import rule

REFS_VPN = ("CHECKLIST 外部 4", "MHLW6 システム運用編 13 ⑤", "REG-EX 別表 2, 8", "MIGRATE 2-1, 2-4")
REFS_CRYPTO = ("SEC-GL II-5(4)(7)(8)", "MIGRATE 2-4", "CHECKLIST 外部 1, 2")

MIN_PSK_LENGTH = 16
_STRONG_GROUPS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 24, 31, 32})
_LISTENERS = frozenset({VpnKind.PPTP, VpnKind.L2TP, VpnKind.SSL_VPN})
_INSECURE_KINDS = {
    VpnKind.IPSEC_MANUAL: "ipsec_manual",
    VpnKind.PPTP: "pptp",
    VpnKind.GRE: "gre_plain",
    VpnKind.L2TP: "l2tp_plain",
    VpnKind.L2TPV3: "l2tp_plain",
}


@rule("VPN-02", Severity.HIGH, *REFS_VPN, reads=(Aspect.VPN,))
def claims_connection_method(inp: RuleInput) -> Iterator[Outcome]:
    device = inp.device
    insecure = [vpn for vpn in device.vpns if _insecure(vpn)]
    for vpn in insecure:
        yield failed(_INSECURE_KINDS[vpn.kind], vpn.lines, name=vpn.name)
    if insecure:
        return
    claims = {v.name for v in inp.policy.vpns if v.kind is VpnPurpose.CLAIMS_NETWORK} if inp.policy else set()
    closed = [(device.interface(name), zone) for name, zone in inp.closed.items() if zone in claims]
    for interface, zone in closed:
        if interface is not None:
            yield passed("closed_network", interface.lines[:1], vpn=zone, interface=interface.name)
    ipsec = [vpn for vpn in device.vpns if vpn.kind is VpnKind.IPSEC]
    if ipsec:
        yield passed("ipsec_ike", [line for vpn in ipsec for line in vpn.lines[:1]], count=len(ipsec))
    elif closed:
        return
    elif inp.host_data is not None and inp.host_data.role is Role.WIRELESS:
        yield not_applicable("not_a_gateway")
    elif inp.policy is not None and inp.policy.connection == "ipsec_ike":
        yield manual("ipsec_elsewhere")
    elif inp.policy is not None:
        yield not_applicable("ip_vpn")
    else:
        yield not_applicable("no_vpn")


def _insecure(vpn: VpnEndpoint) -> bool:
    """Manual keys and PPTP are never acceptable; GRE and L2TP only inside IPsec."""
    if vpn.kind in (VpnKind.IPSEC_MANUAL, VpnKind.PPTP):
        return True
    return vpn.kind in _INSECURE_KINDS and not vpn.encrypted


def _encryption_problem(algorithm: str) -> tuple[str, Severity] | None:
    lowered = algorithm.lower()
    if any(weak in lowered for weak in ("3des", "des", "null")) and "aes" not in lowered:
        return lowered, Severity.HIGH
    return None


def _integrity_problem(algorithm: str) -> tuple[str, Severity] | None:
    lowered = algorithm.lower()
    if "md5" in lowered:
        return lowered, Severity.HIGH
    if lowered in ("sha", "sha1", "esp-sha-hmac", "ah-sha-hmac"):
        return lowered, Severity.MEDIUM
    return None


def _proposal_problems(proposal: IkeProposal) -> list[tuple[str, Severity]]:
    problems = [p for p in (_encryption_problem(a) for a in proposal.encryption) if p]
    problems += [p for p in (_integrity_problem(a) for a in proposal.integrity) if p]
    problems += [(f"DH group {group}", Severity.HIGH) for group in proposal.groups if group not in _STRONG_GROUPS]
    return problems


def _transform_problems(transform: TransformSet) -> list[tuple[str, Severity]]:
    problems = []
    if transform.encryption is not None and (problem := _encryption_problem(transform.encryption)):
        problems.append(problem)
    if transform.integrity is not None and (problem := _integrity_problem(transform.integrity)):
        problems.append(problem)
    if transform.encryption is None:
        problems.append(("no ESP encryption", Severity.HIGH))
    return problems


def _worst(problems: list[tuple[str, Severity]]) -> Severity:
    return max((severity for _, severity in problems), key=lambda s: s.rank)


@rule("VPN-03", Severity.HIGH, *REFS_CRYPTO, reads=(Aspect.VPN,))
def strong_cryptography(inp: RuleInput) -> Iterator[Outcome]:
    crypto = inp.device.crypto
    if not (crypto.ike_proposals or crypto.transform_sets or crypto.policies or crypto.default_ike_proposal):
        yield not_applicable("no_crypto")
        return
    found = False
    for proposal in crypto.ike_proposals:
        problems = _proposal_problems(proposal)
        if problems:
            found = True
            key = "weak_ike_defaults" if proposal.defaults_used else "weak_ike"
            yield outcome(
                Status.FAIL, key, [proposal.line, *proposal.lines], severity=_worst(problems),
                actions=[_strengthen(inp, "strong_ike", proposal.line, version=proposal.version)],
                name=proposal.name, problems=names(p for p, _ in problems),
                defaults=names(proposal.defaults_used),
            )  # fmt: skip
    for transform in crypto.transform_sets:
        problems = _transform_problems(transform)
        if problems:
            found = True
            yield outcome(
                Status.FAIL, "weak_esp", [transform.line], severity=_worst(problems),
                actions=[_strengthen(inp, "strong_esp", transform.line)],
                name=transform.name, problems=names(p for p, _ in problems),
            )  # fmt: skip
    for policy in crypto.policies:
        if policy.manual_keys:
            continue
        if policy.pfs_group is None:
            found = True
            yield outcome(Status.FAIL, "no_pfs", policy.lines[:1], name=policy.name,
                          actions=[_strengthen(inp, "strong_pfs", policy.lines[0])])  # fmt: skip
        elif policy.pfs_group not in _STRONG_GROUPS:
            found = True
            yield outcome(Status.FAIL, "weak_pfs", policy.lines, name=policy.name, group=policy.pfs_group,
                          actions=[_strengthen(inp, "strong_pfs", policy.lines[0])])  # fmt: skip
    if _aggressive_mode_with_psk(inp):
        found = True
        explicit = [remove_line(inp, line).params for line in crypto.aggressive_mode_lines]
        refuse = Action("refuse_aggressive_mode", {"explicit": explicit})
        yield failed("aggressive_psk", crypto.aggressive_mode_lines or _psk_lines(inp), actions=[refuse])
    if crypto.default_ike_proposal:
        yield manual("ikev2_defaults")
    if not found and (crypto.ike_proposals or crypto.transform_sets or crypto.policies):  # what was judged
        lines = [p.line for p in crypto.ike_proposals] + [t.line for t in crypto.transform_sets]
        lines += [p.line for p in crypto.policies]
        yield passed("strong", lines)


def _strengthen(inp: RuleInput, action: str, line: int, **params: object) -> Action:
    """Offer strong algorithms where ``line`` chooses them (AES-256, SHA-256, DH group 14 or more):
    the line's text and the blocks it stands in, for the platform to say it its way."""
    source = inp.device.source
    return Action(action, {"header": source.text(line).strip(), "context": enclosing(source.lines, line), **params})


def _psk_lines(inp: RuleInput) -> list[int]:
    return [key.line for key in inp.device.crypto.peer_keys]


def _aggressive_mode_with_psk(inp: RuleInput) -> bool:
    """IKEv1 with pre-shared keys answers aggressive mode unless the platform is told not to."""
    crypto = inp.device.crypto
    ikev1_psk = any(p.version == 1 and p.authentication == "pre-share" for p in crypto.ike_proposals)
    if crypto.aggressive_mode_lines:
        return True
    return ikev1_psk and bool(crypto.peer_keys) and not crypto.aggressive_mode_refused


@rule("VPN-04", Severity.HIGH, *REFS_CRYPTO, reads=(Aspect.VPN,))
def peers_authenticate(inp: RuleInput) -> Iterator[Outcome]:
    crypto = inp.device.crypto
    if not crypto.peer_keys and not crypto.certificate_auth_lines:
        yield not_applicable("no_ike")
        return
    by_fingerprint: dict[str, list[str]] = defaultdict(list)
    for key in crypto.peer_keys:
        by_fingerprint[key.secret.fingerprint].append(key.peer)
    problems = False
    checked = []  # keys whose value could be judged (an encrypted one is `manual`, never a pass)
    for key in crypto.peer_keys:
        secret = key.secret
        if secret.storage is SecretStorage.ENCRYPTED:
            yield manual("psk_encrypted", [key.line], peer=key.peer)
            continue
        checked.append(key.line)
        sharing = sorted(set(by_fingerprint[secret.fingerprint]) - {key.peer})
        if secret.weak:
            problems = True
            yield failed("psk_well_known", [key.line], peer=key.peer)
        if secret.length is not None and secret.length < MIN_PSK_LENGTH:
            problems = True
            yield failed("psk_short", [key.line], peer=key.peer, length=secret.length, minimum=MIN_PSK_LENGTH)
        if sharing:
            problems = True
            yield failed("psk_shared", [key.line], peer=key.peer, peers=names(sharing))
    if not problems and (checked or crypto.certificate_auth_lines):
        yield passed("authenticated", [*checked, *crypto.certificate_auth_lines])


@rule("VPN-05", Severity.MEDIUM, "SEC-GL II-5(8)", *REFS_CRYPTO, reads=(Aspect.VPN,))
def dead_peer_detection(inp: RuleInput) -> Iterator[Outcome]:
    """Per tunnel: each needs DPD or keepalive of its own IKE profile, peer or IKE version (one
    tunnel's `dpd` does nothing for another's)."""
    ipsec = [vpn for vpn in inp.device.vpns if vpn.kind is VpnKind.IPSEC]
    if not ipsec:
        yield not_applicable("no_ipsec")
        return
    without = [vpn for vpn in ipsec if not vpn.dpd_lines]
    for vpn in without:
        yield failed("off", vpn.lines[:1], vpn=vpn.name, actions=[_keepalive(inp, vpn)])
    if not without:
        yield passed("on", [line for vpn in ipsec for line in vpn.dpd_lines], vpns=names(v.name for v in ipsec))


def _keepalive(inp: RuleInput, vpn: VpnEndpoint) -> Action:
    """Dead-peer detection for the tunnel: its first line (a crypto map entry, tunnel interface, phase
    1 or tunnel block) and the blocks it stands in, and its IKE gateway where the platform names one."""
    source = inp.device.source
    header = vpn.lines[0]
    context = enclosing(source.lines, header)
    return Action("dead_peer_detection", {"header": source.text(header).strip(), "context": context,
                                          "gateway": vpn.ike_gateway})  # fmt: skip


@rule(
    "VPN-07",
    Severity.HIGH,
    "MHLW6 システム運用編 10",
    "CHECKLIST 外部 8, 10",
    *REFS_VPN,
    reads=(Aspect.VPN, Aspect.MANAGEMENT),
)
def vpns_declared_and_pinned(inp: RuleInput) -> Iterator[Outcome]:
    device = inp.device
    if not device.vpns and not device.crypto.peer_keys:
        yield not_applicable("no_vpn")
        return
    problems = False
    for key in device.crypto.peer_keys:
        if key.any_peer:
            problems = True
            yield failed("any_peer_psk", [key.line])
    for vpn in device.vpns:
        if vpn.any_peer and not device.crypto.certificate_auth_lines and vpn.kind is VpnKind.IPSEC:
            problems = True
            yield failed("any_peer_tunnel", vpn.lines[:1], name=vpn.name)
    if inp.policy is None:
        yield manual(
            "no_policy",
            [line for vpn in device.vpns for line in vpn.lines[:1]],
            vpns=names(v.name for v in device.vpns),
        )
        return
    declared_peers = _declared_peers(inp)
    declared_listeners = {vpn.listener for vpn in inp.policy.vpns if vpn.listener is not None}
    for vpn in device.vpns:
        undeclared = [peer for peer in vpn.peers if _normal(peer) not in declared_peers]
        if undeclared:
            problems = True
            yield failed("undeclared_peer", vpn.lines[:1], name=vpn.name, peers=names(undeclared))
        elif vpn.kind in _LISTENERS and vpn.kind.value not in declared_listeners:
            problems = True
            yield failed("listener", vpn.lines, name=vpn.name)
    for key in device.crypto.peer_keys:
        if not key.any_peer and _normal(key.peer) not in declared_peers:
            problems = True
            yield failed("undeclared_key", [key.line], peer=key.peer)
    if not problems:
        yield passed("declared", [line for vpn in device.vpns for line in vpn.lines[:1]], count=len(device.vpns))


def _normal(peer: str) -> str:
    try:
        return str(ipaddress.ip_address(peer))
    except ValueError:
        return peer.lower()


def _declared_peers(inp: RuleInput) -> set[str]:
    assert inp.policy is not None
    return {_normal(str(peer)) for vpn in inp.policy.vpns for peer in vpn.peers}


_STRONG_FACTORS = frozenset({LoginFactor.CERTIFICATE, LoginFactor.TOKEN})


@rule("VPN-08", Severity.HIGH, "MHLW6 システム運用編 13 ④", "CHECKLIST 外部 8, 10", *REFS_VPN, reads=(Aspect.VPN,))
def remote_access_second_factor(inp: RuleInput) -> Iterator[Outcome]:
    """Per remote-access listener: every way in asks for a certificate or a one-time code besides the
    password. An IPsec listener for any peer whose use the config does not show (a branch with a
    dynamic address, or persons with a pre-shared key) is for a person to judge, unless certificates
    are required anyway."""
    listeners = [vpn for vpn in inp.device.vpns if vpn.remote_access or (vpn.any_peer and vpn.kind is VpnKind.IPSEC)]
    if not listeners:
        yield not_applicable("no_listener")
        return
    for vpn in listeners:
        yield from _listener_logins(vpn)


def _listener_logins(vpn: VpnEndpoint) -> Iterator[Outcome]:
    logins = vpn.logins
    if not vpn.remote_access:
        if logins and all(login.factor in _STRONG_FACTORS for login in logins):
            yield passed("second_factor", _login_lines(vpn), name=vpn.name, how=names(_how(vpn)))
        else:
            yield manual("dynamic_peer", vpn.lines[:1], name=vpn.name)
        return
    if not logins:
        yield manual("unknown", vpn.lines, name=vpn.name)
        return
    weak = [login for login in logins if login.factor is LoginFactor.PASSWORD]
    external = [login for login in logins if login.factor is LoginFactor.EXTERNAL]
    if weak:
        yield failed("password_only", [*vpn.lines[:1], *(line for login in weak for line in login.lines)],
                     name=vpn.name, who=names(login.who for login in weak))  # fmt: skip
    if external:
        yield manual("external", [*vpn.lines[:1], *(line for login in external for line in login.lines)],
                     name=vpn.name, who=names(login.who for login in external))  # fmt: skip
    if not weak and not external:
        yield passed("second_factor", _login_lines(vpn), name=vpn.name, how=names(_how(vpn)))


def _how(vpn: VpnEndpoint) -> list[str]:
    return sorted({f"{login.who}: {login.factor.value}" for login in vpn.logins})


def _login_lines(vpn: VpnEndpoint) -> list[int]:
    return [*vpn.lines[:1], *(line for login in vpn.logins for line in login.lines)]
