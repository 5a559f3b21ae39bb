"""Masking FortiOS secrets: ``ENC`` values, pre-shared keys, passwords, passphrases, SNMP
community names, and private keys quoted over several lines."""

from __future__ import annotations

import re

from onshi.secrets import MASK

_KEYS = ("password", "passwd", "psksecret", "passphrase", "secret", "key", "auth-pwd", "priv-pwd", "sae-password",
         "private-key", "ppk-secret", "auth-password", "tacacs-key", "radius-secret", "server-key")  # fmt: skip
_SET = re.compile(r"^(\s*set\s+(?:" + "|".join(map(re.escape, _KEYS)) + r")\s+)(.*)$")
_ENC = re.compile(r"\bENC\s+\S+")
_COMMUNITY = re.compile(r'^(\s*set\s+name\s+)"?[^"]*"?\s*$')
_PEM = re.compile(r"^[A-Za-z0-9+/=]{16,}$")


def mask_line(line: str) -> str:
    if match := _SET.match(line):
        return f"{match[1]}{MASK}"
    if _ENC.search(line):
        return _ENC.sub(f"ENC {MASK}", line)
    if _PEM.match(line.strip()):  # a line inside a quoted certificate or private key
        return MASK
    return line


def mask_community(line: str) -> str:
    """An SNMP community's ``set name``: the name is the secret."""
    match = _COMMUNITY.match(line)
    return f"{match[1]}{MASK}" if match else line


def mask_line_blind(line: str) -> str:
    """Masking one line without its context (a sanitized copy): every ``set name`` is masked too,
    because an SNMP community's name is its secret and a single line does not say whose name it is."""
    return mask_community(mask_line(line))
