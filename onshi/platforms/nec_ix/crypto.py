"""IKE and IPsec on an IX: ``ike proposal``, ``ike policy``, ``ike keepalive``, ``ipsec
autokey-proposal``, ``ipsec autokey-map`` (IKEv1), and the ``ikev2`` commands.

Algorithm names are written as the rules read them (``esp-sha`` → ``sha1``). What an ``ike
proposal`` leaves out takes IX's default; the DH group default is not confirmed from NEC's reference,
so onshi takes the weaker candidate (1024-bit) and names the attribute as a default, so that VPN-03
can fail but never passes on a guess.
"""

from __future__ import annotations

from onshi.model import IkePeerKey, IkeProposal, SecretStorage
from onshi.platforms.nec_ix.algorithms import ALGORITHMS, GROUPS, algorithm
from onshi.platforms.nec_ix.secrets import secret_after
from onshi.platforms.nec_ix.state import AutokeyMap, State
from onshi.secrets import describe_secret

DEFAULT_GROUP = 2  # not confirmed: the weaker candidate (see the module docstring)


def proposal(state: State, words: list[str], line: int) -> bool:
    """``ike proposal NAME encryption E hash H [group G] [lifetime N]``."""
    if len(words) < 3:
        return False
    found: dict[str, str] = {}
    rest = words[3:]
    while len(rest) >= 2:
        found[rest[0]] = rest[1]
        rest = rest[2:]
    if rest or not {"encryption", "hash"} <= found.keys() or not set(found) <= {"encryption", "hash", "group",
                                                                                "lifetime", "prf"}:  # fmt: skip
        return False
    group = GROUPS.get(found.get("group", ""), DEFAULT_GROUP if "group" not in found else None)
    if group is None:
        return False
    state.proposals[words[2]] = IkeProposal(
        name=f"ike proposal {words[2]}",
        version=1,
        encryption=(algorithm(found["encryption"]),),
        integrity=(algorithm(found["hash"]),),
        groups=(group,),
        authentication="pre-share",
        defaults_used=() if "group" in found else ("group",),
        line=line,
    )
    return True


def policy(state: State, words: list[str], line: int) -> bool:
    """``ike policy NAME peer A|any key [form] SECRET [mode aggressive] PROPOSAL``."""
    if len(words) < 7 or words[3] != "peer" or "key" not in words:
        return False
    found = secret_after(words, "key")
    if found is None:
        return False
    value, _, index = found
    tail = words[index + 1 :]
    aggressive = tail[:2] == ["mode", "aggressive"]
    tail = tail[2:] if tail[:1] == ["mode"] else tail
    if len(tail) != 1:
        return False
    peer = words[4]
    secret = describe_secret("ike_psk", SecretStorage.PLAINTEXT, value, line)
    state.secrets.append(secret)
    state.peer_keys.append(IkePeerKey(peer, peer == "any", secret, line))
    state.ike_policies[words[2]] = (peer, tail[0], line)
    if aggressive:
        state.aggressive.append(line)
    return True


def keepalive(state: State, words: list[str], line: int) -> bool:
    """``ike keepalive POLICY INTERVAL RETRIES``: dead-peer detection for that policy's peer."""
    if len(words) < 3:
        return False
    state.keepalive[words[2]] = line
    return True


def transform(state: State, words: list[str], line: int) -> bool:
    """``ipsec autokey-proposal NAME esp-ENC esp-HASH [lifetime …]``."""
    if len(words) < 4:
        return False
    encryption = integrity = None
    for word in words[3:]:
        if word.startswith("esp-") and encryption is None and not _is_hash(word):
            encryption = algorithm(word)
        elif word.startswith(("esp-", "ah-")) and _is_hash(word):
            integrity = algorithm(word)
    state.transforms[words[2]] = (encryption, integrity, line)
    return encryption is not None or integrity is not None


def _is_hash(word: str) -> bool:
    return algorithm(word) in ALGORITHMS.values()


def autokey_map(state: State, words: list[str], line: int) -> bool:
    """``ipsec autokey-map NAME ACL peer A PROPOSAL|default [pfs G]``."""
    if len(words) < 7 or words[4] != "peer":
        return False
    pfs = None
    if "pfs" in words and words.index("pfs") + 1 < len(words):
        pfs = GROUPS.get(words[words.index("pfs") + 1])
    state.maps[words[2]] = AutokeyMap(words[2], words[3], words[5], words[6], pfs, line)
    return True


def ikev2_key(state: State, words: list[str], line: int) -> bool:
    """``ikev2 authentication psk id (ipv4 A|fqdn N|keyid K) key [char|hex] SECRET``."""
    found = secret_after(words, "key")
    if found is None or "id" not in words:
        return False
    peer_index = words.index("id") + 2
    peer = words[peer_index] if peer_index < len(words) else "any"
    secret = describe_secret("ike_psk", SecretStorage.PLAINTEXT, found[0], line)
    state.secrets.append(secret)
    state.peer_keys.append(IkePeerKey(peer, False, secret, line))
    state.ikev2_lines.append(line)
    return True
