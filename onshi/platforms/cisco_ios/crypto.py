"""Crypto (ISAKMP/IKEv2, keyrings, transform sets, crypto maps, IPsec profiles), zone-based
firewall, and VPN listeners (VPDN PPTP/L2TP, L2TPv3 pseudowires, WebVPN)."""

from __future__ import annotations

from onshi.model import IkePeerKey, IkeProposal, IpsecPolicy, TransformSet, Zone
from onshi.platforms.cisco_ios.context import ClassMap, ConfigLine, Context, PolicyClass, line_of
from onshi.platforms.cisco_ios.secrets import split_typed, typed_secret

# IOS defaults of an ISAKMP policy when an attribute is not written.
_ISAKMP_DEFAULTS = {"encryption": "des", "hash": "sha", "group": 1, "authentication": "rsa-sig"}
_ANY_ADDRESSES = frozenset({"0.0.0.0", "::", "0.0.0.0/0", "::/0"})


def _dh_group(word: str) -> int | None:
    digits = word.lower().removeprefix("group")
    return int(digits) if digits.isdigit() else None


def handle_crypto(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    key = " ".join(words[1:3])
    handler = _CRYPTO.get(key)
    if handler is not None:
        handler(ctx, item, tokens)
    elif words[1:2] == ["keyring"]:
        _keyring(ctx, item, tokens)
    elif words[1:4] == ["isakmp", "client", "configuration"]:
        ctx.remote_access_ike.append(line_of(item))  # an Easy VPN server group: persons log in
        ctx.mark_tree(item)
    elif words[1:2] == ["map"]:
        _crypto_map(ctx, item, tokens, dynamic=False)
    elif words[1:2] == ["dynamic-map"]:
        _crypto_map(ctx, item, tokens, dynamic=True)
    elif words[1:2] in (["pki"], ["key"], ["ca"], ["engine"], ["logging"], ["call"], ["vpn"]) or key in (
        "isakmp identity",
        "isakmp nat",
        "isakmp invalid-spi-recovery",
        "ipsec security-association",
        "ipsec df-bit",
        "ipsec nat-transparency",
        "ipsec fragmentation",
        "ikev2 nat",
        "ikev2 cookie-challenge",
        "ikev2 limit",
        "ikev2 fragmentation",
        "isakmp xauth",
        "ikev2 authorization",
        "ikev2 client",
        "ipsec client",
        "isakmp client",
        "ipsec optional",
        "ikev2 http-url",
        "isakmp enable",
    ):
        ctx.mark_tree(item)


def _isakmp_policy(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    found: dict[str, str] = {}
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        if not words:
            continue
        head = words[0].lower()
        if head in ("encr", "encryption") and len(words) > 1:
            found["encryption"] = " ".join(words[1:]).lower()
        elif head in ("hash", "authentication", "group") and len(words) > 1:
            found[head] = words[1].lower()
        elif head != "lifetime":
            ctx.bad(child)
            continue
        ctx.mark(child)
    defaults = tuple(name for name in _ISAKMP_DEFAULTS if name not in found)
    group = _dh_group(found.get("group", "1"))
    authentication = found.get("authentication", "rsa-sig")
    if authentication.startswith("rsa"):
        ctx.cert_auth.append(line_of(item))
    ctx.ike.append(
        IkeProposal(
            name=f"isakmp policy {tokens[3] if len(tokens) > 3 else ''}".strip(),
            version=1,
            encryption=(found.get("encryption", "des"),),
            integrity=(found.get("hash", "sha"),),
            groups=(group,) if group is not None else (),
            authentication=authentication,
            defaults_used=defaults,
            line=line_of(item),
        )
    )


def _isakmp_key(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``crypto isakmp key [0|6] KEY address A [M] [no-xauth]`` / ``hostname H``."""
    words = tokens[3:]
    typed = split_typed(words, 0)
    if typed is None or len(words) < 3:
        ctx.bad(item)
        return
    type_digit, value = typed
    rest = words[2:] if type_digit else words[1:]
    peer = rest[1] if len(rest) > 1 else "?"
    mask = rest[2] if len(rest) > 2 else None
    any_peer = peer in _ANY_ADDRESSES and mask in (None, "0.0.0.0")
    secret = ctx.secret(typed_secret("ike_psk", type_digit, value, line_of(item), hashed=False))
    ctx.peer_keys.append(IkePeerKey(peer=peer, any_peer=any_peer, secret=secret, line=line_of(item)))
    ctx.mark(item)


def _keyring(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``crypto keyring NAME`` with ``pre-shared-key address A [M] key KEY``."""
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        lowered = [word.lower() for word in words]
        if lowered[:2] == ["pre-shared-key", "address"] and "key" in lowered:
            index = lowered.index("key")
            typed = split_typed(words, index + 1)
            if typed is None:
                ctx.bad(child)
                continue
            peer = words[2]
            mask = words[3] if len(words) > 3 and words[3] != "key" else None
            secret = ctx.secret(typed_secret("ike_psk", typed[0], typed[1], line_of(child), hashed=False))
            any_peer = peer in _ANY_ADDRESSES and mask in (None, "0.0.0.0")
            ctx.peer_keys.append(IkePeerKey(peer, any_peer, secret, line_of(child)))
        ctx.mark_tree(child)


def _ikev2_keyring(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``crypto ikev2 keyring NAME`` / ``peer X`` / ``address A [M]`` / ``pre-shared-key ...``."""
    ctx.mark(item)
    for peer_block in item.children:
        ctx.mark(peer_block)
        address, any_peer = "?", False
        for child in peer_block.children:
            words = child.text.split()
            lowered = [word.lower() for word in words]
            ctx.mark(child)
            if lowered[:1] == ["address"] and len(words) > 1:
                address = words[1]
                mask = words[2] if len(words) > 2 else None
                any_peer = address.split("/")[0] in _ANY_ADDRESSES and (
                    mask in (None, "0.0.0.0") or address.endswith("/0")
                )
            elif lowered[:1] == ["pre-shared-key"]:
                index = 1
                while index < len(lowered) and lowered[index] in ("local", "remote"):
                    index += 1
                typed = split_typed(words, index)
                if typed is None:
                    ctx.bad(child)
                    continue
                secret = typed_secret("ike_psk", typed[0], typed[1], line_of(child), hashed=False)
                ctx.peer_keys.append(IkePeerKey(address, any_peer, ctx.secret(secret), line_of(child)))


def _ikev2_proposal(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    found: dict[str, list[str]] = {}
    ctx.mark(item)
    for child in item.children:
        words = [word.lower() for word in child.text.split()]
        if words and words[0] in ("encryption", "integrity", "group", "prf"):
            found[words[0]] = words[1:]
            ctx.mark(child)
        else:
            ctx.bad(child)
    groups = tuple(g for g in (_dh_group(word) for word in found.get("group", [])) if g is not None)
    ctx.ike.append(
        IkeProposal(
            name=f"ikev2 proposal {tokens[3] if len(tokens) > 3 else ''}".strip(),
            version=2,
            encryption=tuple(found.get("encryption", ())),
            integrity=tuple(found.get("integrity", ())) or tuple(found.get("prf", ())),
            groups=groups,
            authentication=None,
            defaults_used=tuple(name for name in ("encryption", "integrity", "group") if name not in found),
            line=line_of(item),
        )
    )


def _ikev2_policy(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    ctx.mark_tree(item)
    for child in item.children:
        words = child.text.split()
        if words[:1] == ["proposal"] and len(words) > 1:
            ctx.ikev2_policy_proposals.append(words[1])


def _ikev2_profile(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    name = tokens[3] if len(tokens) > 3 else "?"
    ctx.ikev2_profiles[name] = line_of(item)
    ctx.mark_tree(item)
    for child in item.children:
        words = [word.lower() for word in child.text.split()]
        if words[:1] == ["dpd"]:
            ctx.dpd.append(line_of(child))
            ctx.profile_dpd.setdefault(name, []).append(line_of(child))
        elif words[:2] == ["authentication", "remote"] and ("rsa-sig" in words or "ecdsa-sig" in words):
            ctx.cert_auth.append(line_of(child))  # the peer shows a certificate (`local` is the router's own)
        elif words[:3] == ["authentication", "remote", "eap"]:
            ctx.remote_access_ike.append(line_of(child))  # EAP: a person's credentials


def _isakmp_profile(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    name = tokens[3] if len(tokens) > 3 else "?"
    ctx.mark_tree(item)
    for child in item.children:
        words = [word.lower() for word in child.text.split()]
        if words[:1] == ["keepalive"]:
            ctx.dpd.append(line_of(child))
            ctx.profile_dpd.setdefault(name, []).append(line_of(child))
        elif words[:3] == ["initiate", "mode", "aggressive"]:
            ctx.aggressive.append(line_of(child))
        elif words[:2] in (["client", "authentication"], ["client", "configuration"]):
            ctx.remote_access_ike.append(line_of(child))  # XAUTH / mode-config: persons log in


def _isakmp_peer(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    ctx.mark_tree(item)
    for child in item.children:
        if child.text.split()[:2] == ["set", "aggressive-mode"]:
            ctx.aggressive.append(line_of(child))


def _isakmp_keepalive(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``crypto isakmp keepalive`` (every IKEv1 peer) / ``crypto ikev2 dpd`` (every IKEv2 peer)."""
    ctx.dpd.append(line_of(item))
    ctx.global_dpd.setdefault(2 if tokens[1].lower() == "ikev2" else 1, []).append(line_of(item))
    ctx.mark(item)


def _isakmp_aggressive(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    if [word.lower() for word in tokens[3:4]] == ["disable"]:
        ctx.aggressive_refused = True
    ctx.mark(item)


def _transform_set(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``crypto ipsec transform-set NAME esp-aes 256 esp-sha256-hmac``."""
    if len(tokens) < 5:
        ctx.bad(item)
        return
    encryption, integrity = None, None
    for word in (word.lower() for word in tokens[4:]):
        if word.endswith("-hmac") or word in ("esp-sha256-hmac", "ah-sha-hmac", "ah-md5-hmac"):
            integrity = word
        elif word.startswith("esp-") or word.startswith("ah-"):
            encryption = word if encryption is None else encryption
        elif word.isdigit() and encryption is not None:
            encryption = f"{encryption} {word}"
    ctx.transform_sets.append(TransformSet(tokens[3], encryption, integrity, line_of(item)))
    ctx.mark_tree(item)


def _ipsec_profile(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    name = tokens[3] if len(tokens) > 3 else "?"
    _ipsec_policy(ctx, item, name, "profile", manual=False)


def _crypto_map(ctx: Context, item: ConfigLine, tokens: list[str], *, dynamic: bool) -> None:
    words = [word.lower() for word in tokens]
    if len(tokens) < 4 or not tokens[3].isdigit():
        if len(tokens) > 3 and words[3] in ("local-address", "redundancy", "client", "isakmp", "gdoi"):
            if words[3] == "client" or words[3:5] == ["isakmp", "authorization"]:
                ctx.remote_access_ike.append(line_of(item))  # XAUTH / mode-config for remote users
            ctx.mark_tree(item)
        return
    name = f"{tokens[2]} {tokens[3]}"
    if not dynamic and "dynamic" in words:
        ctx.mark(item)  # references a dynamic map, which is modelled on its own
        return
    kind = "dynamic_map" if dynamic else "crypto_map"
    _ipsec_policy(ctx, item, name, kind, manual="ipsec-manual" in words)


# Crypto map / IPsec profile sub-commands: the ones read below, and those that bear on no rule.
_POLICY_READ = (("set", "peer"), ("set", "transform-set"), ("set", "pfs"), ("match", "address"),
                ("set", "ikev2-profile"), ("set", "isakmp-profile"))  # fmt: skip
_POLICY_IGNORED = frozenset({"description", "reverse-route", "qos", "set security-association", "set nat",
                             "set reverse-route", "set idle-time", "set responder-only", "set default",
                             "set security-policy", "set session-key", "set inject", "set mixed-mode",
                             "set security-association lifetime", "set redundancy", "no", "set ip"})  # fmt: skip


def _policy_child_understood(lowered: list[str]) -> bool:
    if tuple(lowered[:2]) in _POLICY_READ:
        return True
    return bool(lowered) and (lowered[0] in _POLICY_IGNORED or " ".join(lowered[:2]) in _POLICY_IGNORED)


def _ipsec_policy(ctx: Context, item: ConfigLine, name: str, kind: str, *, manual: bool) -> None:
    peers: list[str] = []
    transform_sets: list[str] = []
    pfs: int | None = None
    acl: str | None = None
    ike_profile: str | None = None
    ike_version: int | None = None
    lines = [line_of(item)]
    ctx.mark(item)
    for child in item.children:
        words = child.text.split()
        lowered = [word.lower() for word in words]
        lines.append(line_of(child))
        if _policy_child_understood(lowered):
            ctx.mark_tree(child)
        else:
            ctx.bad(child)
        if lowered[:2] == ["set", "peer"] and len(words) > 2:
            peers.append(words[2])
        elif lowered[:2] == ["set", "transform-set"]:
            transform_sets.extend(words[2:])
        elif lowered[:2] == ["set", "pfs"]:
            pfs = _dh_group(lowered[2]) if len(lowered) > 2 else 2  # IOS default: group 2
        elif lowered[:2] == ["match", "address"] and len(words) > 2:
            acl = words[2]
        elif lowered[:2] in (["set", "ikev2-profile"], ["set", "isakmp-profile"]) and len(words) > 2:
            ike_profile = words[2]
            ike_version = 2 if lowered[1] == "ikev2-profile" else 1
    ctx.ipsec.append(
        IpsecPolicy(
            name=name,
            kind="dynamic_map" if kind == "dynamic_map" else "profile" if kind == "profile" else "crypto_map",
            manual_keys=manual,
            peers=tuple(peers),
            transform_sets=tuple(transform_sets),
            pfs_group=pfs,
            match_acl=acl,
            ike_version=2 if ike_version == 2 else 1,
            ike_profile=ike_profile,
            line=line_of(item),
            lines=tuple(lines),
        )
    )


_CRYPTO = {
    "isakmp policy": _isakmp_policy,
    "isakmp key": _isakmp_key,
    "isakmp keepalive": _isakmp_keepalive,
    "isakmp profile": _isakmp_profile,
    "isakmp peer": _isakmp_peer,
    "isakmp aggressive-mode": _isakmp_aggressive,
    "ikev2 keyring": _ikev2_keyring,
    "ikev2 proposal": _ikev2_proposal,
    "ikev2 policy": _ikev2_policy,
    "ikev2 profile": _ikev2_profile,
    "ikev2 dpd": _isakmp_keepalive,
    "ipsec transform-set": _transform_set,
    "ipsec profile": _ipsec_profile,
}


# --- zone-based firewall --------------------------------------------------------------------------


def handle_zone(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    if len(tokens) >= 3 and tokens[1].lower() == "security":
        ctx.zones.append(Zone(tokens[2], line_of(item)))
        ctx.mark_tree(item)


def handle_zone_pair(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``zone-pair security NAME source A destination B`` with ``service-policy type inspect PM``."""
    words = [word.lower() for word in tokens]
    if "source" not in words or "destination" not in words:
        ctx.bad(item)
        return
    source = tokens[words.index("source") + 1]
    destination = tokens[words.index("destination") + 1]
    policy = None
    for child in item.children:
        child_words = child.text.split()
        if child_words[:3] == ["service-policy", "type", "inspect"] and len(child_words) > 3:
            policy = child_words[3]
    ctx.zone_pairs.append((tokens[2], source, destination, policy, line_of(item)))
    ctx.mark_tree(item)


def handle_class_map(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:3] != ["type", "inspect"]:
        ctx.mark_tree(item)  # QoS classes bear on no rule
        return
    rest = tokens[3:]
    name = rest[-1] if rest else "?"
    mode = rest[0].lower() if len(rest) > 1 else "match-all"  # the IOS default
    match_all = mode == "match-all"
    acls: list[str] = []
    protocols: list[str] = []
    any_match = False
    unmodelled = False
    for child in item.children:
        child_words = child.text.split()
        lowered = [word.lower() for word in child_words]
        if lowered[:2] == ["match", "access-group"] and len(child_words) > 2:
            acls.append(child_words[-1])
        elif lowered[:2] == ["match", "protocol"] and len(child_words) > 2:
            protocols.append(lowered[2])
        elif lowered[:2] == ["match", "any"]:
            any_match = True
        elif lowered[:1] == ["match"]:
            unmodelled = True  # class-map, security-group, user-group ... conditions
        elif lowered[:1] != ["description"]:
            ctx.bad(child)
            continue
        ctx.mark(child)
    ctx.class_maps[name] = ClassMap(name, any_match, acls, protocols, line_of(item), match_all, unmodelled)
    ctx.mark(item)


def handle_policy_map(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    words = [word.lower() for word in tokens]
    if words[1:3] != ["type", "inspect"]:
        ctx.mark_tree(item)
        return
    name = tokens[-1]
    classes: list[PolicyClass] = []
    ctx.mark(item)
    for child in item.children:
        child_words = child.text.split()
        lowered = [word.lower() for word in child_words]
        if lowered[:1] != ["class"]:
            ctx.bad(child)
            continue
        class_name = child_words[-1]
        action = None
        for grandchild in child.children:
            verb = grandchild.text.split()[0].lower()
            if verb in ("inspect", "pass", "drop"):
                action = verb
            ctx.mark_tree(grandchild)
        classes.append(PolicyClass(class_name, action, line_of(child)))
        ctx.mark(child)
    ctx.policy_maps[name] = classes


# --- remote access and other tunnels -------------------------------------------------------------


def handle_vpdn_group(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``vpdn-group NAME`` / ``accept-dialin`` / ``protocol pptp|l2tp|any``."""
    ctx.mark_tree(item)
    for child in item.children:
        if child.text.split()[:1] != ["accept-dialin"]:
            continue
        for grandchild in child.children:
            words = [word.lower() for word in grandchild.text.split()]
            if words[:1] == ["protocol"] and len(words) > 1:
                protocols = ["pptp", "l2tp"] if words[1] == "any" else [words[1]]
                for protocol in protocols:
                    ctx.listeners.append((protocol, line_of(item), (line_of(item), line_of(grandchild))))
    for child in item.children:
        words = child.text.split()
        if [w.lower() for w in words[:3]] == ["l2tp", "tunnel", "password"]:
            typed = split_typed(words, 3)
            if typed is not None:
                ctx.secret(typed_secret("l2tp_tunnel", typed[0], typed[1], line_of(child), hashed=False))


def handle_pseudowire_class(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    ctx.mark_tree(item)
    for child in item.children:
        if [word.lower() for word in child.text.split()] == ["encapsulation", "l2tpv3"]:
            name = tokens[1] if len(tokens) > 1 else "?"
            ctx.l2tpv3.append((name, (line_of(item), line_of(child))))


def handle_webvpn(ctx: Context, item: ConfigLine, tokens: list[str]) -> None:
    """``webvpn gateway NAME`` with ``inservice``: an SSL VPN listener; ``webvpn context`` with
    ``authentication certificate``: its users show a client certificate."""
    ctx.mark_tree(item)
    if len(tokens) > 1 and tokens[1].lower() == "context":
        for child in item.children:
            if [word.lower() for word in child.text.split()[:2]] == ["authentication", "certificate"]:
                ctx.webvpn_cert.append(line_of(child))
    if len(tokens) > 1 and tokens[1].lower() == "gateway":
        for child in item.children:
            if child.text.split() == ["inservice"]:
                ctx.listeners.append(("ssl_vpn", line_of(item), (line_of(item), line_of(child))))
