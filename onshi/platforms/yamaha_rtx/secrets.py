"""Masking Yamaha secrets: passwords, pre-shared keys, SNMP communities, PPP credentials, the SSH
host key, and passwords assigned in embedded scripts."""

from __future__ import annotations

import re

from onshi.secrets import MASK

# (pattern of the words before the secret, how many secret words follow; 0: the rest of the line)
_RULES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^(login|administrator) password( encrypted)?$"), 1),
    (re.compile(r"^login user \S+( encrypted)?$"), 1),
    (re.compile(r"^pp auth myname \S+$"), 1),
    (re.compile(r"^ipsec ike xauth myname \d+ \S+$"), 1),
    (re.compile(r"^ipsec ike xauth myname \S+$"), 1),
    (re.compile(r"^pp auth username \S+$"), 1),
    (re.compile(r"^ipsec ike pre-shared-key \d+ (text|hex)$"), 1),
    (re.compile(r"^snmp community (read-only|read-write)$"), 1),
    (re.compile(r"^sshd host key generate \d+$"), 0),
    (re.compile(r"^l2tp tunnel auth on$"), 1),
    (re.compile(r"^pptp tunnel auth on$"), 1),
    (re.compile(r"^radius secret$"), 1),
)
_SNMPV3_PASS = re.compile(
    r"^(snmpv3 usm user .*?\b(?:md5|sha|sha256)) (\S+)(.*?\b(?:des-cbc|aes128-cfb|aes-cfb)) (\S+)"
)
_SNMPV3_AUTH = re.compile(r"^(snmpv3 usm user .*?\b(?:md5|sha|sha256)) (\S+)")
# `password = "..."` in an embedded script. Possessive `\w++`: a word is matched once, never re-scanned
# from each of its characters (a megabyte-long word would otherwise take quadratic time).
_ASSIGNED = re.compile(r'\b(\w++)(\s*=\s*)"[^"]*"')
_SECRET_NAMES = ("pass", "secret", "key")
_LONGEST = 7


def mask_line(line: str) -> str:
    stripped = line.strip()
    indent = line[: len(line) - len(line.lstrip())]
    if stripped.startswith("no "):  # `no snmp community read-only X` names the secret it removes
        return indent + "no " + mask_line(stripped[3:])
    words = stripped.split()
    # The longest prefix first (`login password encrypted X`); no rule's prefix is longer than
    # _LONGEST words, so a line of 40,000 words costs no more than one of ten.
    for index in range(min(len(words) - 1, _LONGEST), 0, -1):
        prefix = " ".join(words[:index])
        for pattern, count in _RULES:
            if pattern.match(prefix):
                rest = words[index + count :] if count else []
                masked = [*words[:index], MASK, *rest]
                if "myname" in rest:  # `pp auth username U P myname M P2`: the own password too
                    at = masked.index("myname") + 2
                    masked[at : at + 1] = [MASK] if at < len(masked) else []
                return indent + " ".join(masked)
    if match := _SNMPV3_PASS.match(stripped):
        return indent + f"{match[1]} {MASK}{match[3]} {MASK}" + stripped[match.end() :]
    if match := _SNMPV3_AUTH.match(stripped):
        return indent + f"{match[1]} {MASK}" + stripped[match.end() :]
    return _ASSIGNED.sub(_masked_assignment, line)


def _masked_assignment(match: re.Match[str]) -> str:
    if any(name in match[1].lower() for name in _SECRET_NAMES):
        return f'{match[1]}{match[2]}"{MASK}"'
    return match[0]
