"""Masking FortiOS secrets: ``ENC`` values, pre-shared keys, passwords, passphrases, SNMP
community names, and private keys quoted over several lines."""

from __future__ import annotations

import re

from onshi.model import Secret, SecretStorage
from onshi.secrets import MASK, describe_secret

# After ``ENC`` in an administrator's password: a hash (SHA-256, SHA-1, PBKDF2), not a ciphertext.
_ADMIN_HASHES = ("SH2", "AK1", "PB2")

# A setting is a secret by its name: FortiOS names them `...password`, `...passwd`, `...pwd`, `...secret`
# (`psksecret`, `secondary-secret`), `...passphrase`, `...key` / `...keys` (`api-key`, `authkey`,
# `enckey`, `md5-keys`, `authentication-key`) wherever they stand (admin, RADIUS, DDNS, proxy, routing
# protocols, manual IPsec keys). Masking one more setting than needed is harmless; one fewer is a leak.
_SECRET_NAME = r"[\w-]*(?:password|passwd|pwd|secret|passphrase|psk|key|keys|key-string)\d*"
_NOT_SECRET = frozenset({"ssh-public-key1", "ssh-public-key2", "ssh-public-key3", "public-key", "keylife"})
_SET = re.compile(r"^(\s*set\s+(" + _SECRET_NAME + r")\s+)(.*)$", re.IGNORECASE)
_ENC = re.compile(r"\bENC\s+\S+")
_COMMUNITY = re.compile(r'^(\s*set\s+name\s+)"?[^"]*"?\s*$')
_PEM = re.compile(r"^[A-Za-z0-9+/=]{16,}$")


def mask_line(line: str) -> str:
    if (match := _SET.match(line)) and match[2].lower() not in _NOT_SECRET:
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


def is_admin_hash(stored: str) -> bool:
    return stored.startswith(_ADMIN_HASHES)


def stored_secret(kind: str, values: tuple[str, ...], line: int) -> Secret:
    """``ENC <ciphertext>``: encrypted with the device's key (reversible by FortiOS); ``SH2…`` /
    ``AK1…`` after ENC in an admin password: a hash. A bare value is plaintext."""
    if values and values[0] == "ENC":
        stored = values[1] if len(values) > 1 else ""
        hashed = kind == "user" and is_admin_hash(stored)
        return describe_secret(kind, SecretStorage.STRONG_HASH if hashed else SecretStorage.ENCRYPTED, stored, line)
    return describe_secret(kind, SecretStorage.PLAINTEXT, values[0] if values else "", line)
