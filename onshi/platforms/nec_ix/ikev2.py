"""IKEv2 on an IX: ``ikev2 profile NAME`` blocks and the tunnels that bind them.

A profile offers the IKE SA's algorithms (``sa-proposal enc|integrity|dh|prf``), the IPsec SA's
(``child-proposal enc|integrity``) and PFS (``child-pfs off|GROUP``), and may set dead-peer detection
(``dpd interval N``); a tunnel in ``tunnel mode ipsec-ikev2`` (or ``ether-ip ipsec-ikev2``) binds one
with ``ikev2 binding NAME``, names its peer with ``ikev2 peer ADDRESS|any …`` or ``ikev2
peer-fqdn-ipv4 NAME …`` and may set its own ``ikev2 dpd interval N``. Algorithms a profile leaves
out take IX's defaults, which onshi does not know: VPN-03 then asks a person (never passes on a
guess). A line of a profile onshi does not read is listed as not understood.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from onshi.model import IkeProposal, IpsecPolicy, TransformSet
from onshi.platforms.nec_ix.algorithms import GROUPS, algorithm
from onshi.platforms.nec_ix.tree import Block

_UNDERSTOOD = frozenset({"local-authentication", "ipsec-mode", "lifetime", "sa-lifetime", "child-lifetime"})


@dataclass
class Profile:
    name: str
    line: int
    offers: dict[tuple[str, str], tuple[list[str], int]] = field(default_factory=dict)  # (sa|child, kind) → words
    pfs: tuple[int | None, int] | None = None  # (group, or None for `off`; the line)
    dpd: int | None = None  # the `dpd interval` line
    psk: bool = False

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({line for _, line in self.offers.values()} | ({self.pfs[1]} if self.pfs else set())))

    @property
    def complete(self) -> bool:
        """Every algorithm the rules judge is written (none left to IX's unknown defaults)."""
        needed = {("sa", "enc"), ("sa", "integrity"), ("sa", "dh"), ("child", "enc")}
        return needed <= self.offers.keys() and self.pfs is not None


def read_profile(block: Block) -> tuple[Profile, list[int]]:
    """The profile of an ``ikev2 profile NAME`` block, and the lines of it that were read."""
    profile = Profile(block.words[2], block.line)
    read = [block.line]
    for child in block.children:
        if _setting(profile, child.words, child.line):
            read.append(child.line)
    return profile, read


def _setting(profile: Profile, words: list[str], line: int) -> bool:
    head = words[0]
    if head in ("sa-proposal", "child-proposal") and len(words) >= 3 and words[1] in ("enc", "integrity", "dh", "prf"):
        values = words[2:]
        if words[1] == "dh" and not all(value in GROUPS for value in values):
            return False
        profile.offers[(head.removesuffix("-proposal"), words[1])] = (values, line)
        return True
    if head == "child-pfs" and len(words) == 2 and (words[1] == "off" or words[1] in GROUPS):
        profile.pfs = (None if words[1] == "off" else GROUPS[words[1]], line)
        return True
    if head == "dpd" and words[1:2] == ["interval"]:
        profile.dpd = line
        return True
    if head == "local-authentication":
        profile.psk = "psk" in words
    return head in _UNDERSTOOD


def proposals(profiles: dict[str, Profile]) -> list[IkeProposal]:
    found = []
    for profile in profiles.values():
        if not profile.complete:
            continue
        offers = profile.offers
        found.append(IkeProposal(
            name=f"ikev2 profile {profile.name}", version=2,
            encryption=tuple(offers[("sa", "enc")][0]),
            integrity=tuple(algorithm(a) for a in offers[("sa", "integrity")][0]),
            groups=tuple(GROUPS[g] for g in offers[("sa", "dh")][0]),
            authentication="pre-share" if profile.psk else None, defaults_used=(), line=profile.line,
            lines=profile.lines,
        ))  # fmt: skip
    return found


def transforms(profiles: dict[str, Profile]) -> list[TransformSet]:
    """Each pair of the child SA's encryption and integrity offers (AES-GCM needs no integrity)."""
    found = []
    for profile in profiles.values():
        if not profile.complete:
            continue
        encryption, line = profile.offers[("child", "enc")]
        written = profile.offers.get(("child", "integrity"), ([], 0))[0]
        integrity: list[str | None] = [algorithm(a) for a in written] or [None]
        found += [TransformSet(f"ikev2 profile {profile.name} child-proposal", e, i, line)
                  for e in encryption for i in integrity]  # fmt: skip
    return found


def policies(profiles: dict[str, Profile], peers: dict[str, list[str]]) -> list[IpsecPolicy]:
    """One per complete profile: what protects the tunnels that bind it (``peers``: by profile)."""
    found = []
    for profile in profiles.values():
        if not profile.complete or profile.pfs is None:
            continue
        group, pfs_line = profile.pfs
        found.append(IpsecPolicy(
            f"ikev2 profile {profile.name}", "profile", False, tuple(peers.get(profile.name, ())),
            (f"ikev2 profile {profile.name} child-proposal",), group, None, 2, profile.name, profile.line,
            (profile.line, pfs_line),
        ))  # fmt: skip
    return found


def incomplete(profiles: dict[str, Profile], bound: set[str]) -> bool:
    """A bound profile (or a tunnel with none: the default profile) leaves algorithms to IX's defaults."""
    return any(name not in profiles or not profiles[name].complete for name in bound)
