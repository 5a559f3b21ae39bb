"""Secrets: describe them without keeping them.

Platform parsers call :func:`describe_secret` with a value they read, and keep only the returned
:class:`~onshi.model.Secret`. The fingerprint is an HMAC keyed with a random key made once per
run (worker processes are handed their parent's), so fingerprints can be compared across every
device of one audit run (AUTH-05) but are useless outside it and are never printed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable

from onshi.model import Secret, SecretStorage

MASK = "<masked>"

# The key of this run's fingerprints (a worker process is given its parent's: see use_run_key).
_RUN: dict[str, bytes] = {"key": os.urandom(32)}

# Factory defaults and values seen in the incidents and in vendor manuals. Compared lower-cased.
WELL_KNOWN_SECRETS = frozenset(
    {
        "",
        "admin",
        "administrator",
        "cisco",
        "cisco123",
        "cisco1",
        "class",
        "enable",
        "password",
        "password1",
        "passw0rd",
        "pass",
        "secret",
        "default",
        "public",
        "private",
        "manager",
        "root",
        "router",
        "fortinet",
        "yamaha",
        "1234",
        "12345",
        "123456",
        "12345678",
        "123456789",
        "1234567890",
        "0000",
        "00000000",
        "11111111",
        "qwerty",
        "abc123",
        "test",
        "guest",
        "user",
        "letmein",
        "changeme",
        "sanfran",
        "ciscociscocisco",
        "presharedkey",
        "sharedkey",
        "vpnkey",
        "mykey",
        "key",
        "wifipass",
    }
)

# A value is also weak when it is one character repeated or a run of digits only this short.
_TRIVIAL = re.compile(r"^(.)\1*$")


def is_weak_value(value: str) -> bool:
    lowered = value.lower()
    return lowered in WELL_KNOWN_SECRETS or bool(_TRIVIAL.match(value))


def fingerprint(value: str) -> str:
    return hmac.new(_RUN["key"], value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def run_key() -> bytes:
    """This run's fingerprint key, for worker processes that fingerprint secrets of the same run."""
    return _RUN["key"]


def use_run_key(key: bytes) -> None:
    """In a worker process: fingerprint with the run's key, so secrets compare across processes."""
    _RUN["key"] = key


def describe_secret(kind: str, storage: SecretStorage, value: str, line: int) -> Secret:
    """Describe a secret read from a config.

    ``value`` is the readable value for PLAINTEXT and REVERSIBLE storage (already decoded), and the
    stored form (hash, ciphertext) otherwise.
    """
    readable = storage in (SecretStorage.PLAINTEXT, SecretStorage.REVERSIBLE, SecretStorage.EMPTY)
    return Secret(
        kind=kind,
        storage=storage,
        fingerprint=fingerprint(value),
        length=len(value) if readable else None,
        weak=is_weak_value(value) if readable else None,
        line=line,
    )


_CONTEXT = ": "  # drift lines read `pp select 1: pp auth myname U P`, `vpn ipsec phase1 › x: set psksecret K`


def mask_in_context(line: str, mask: Callable[[str], str]) -> str:
    """``line`` masked by a platform masker that reads a command from its start: the whole line, and
    the command after each ``context: `` prefix that reports put before it (so a prefix never hides
    a secret from the masker)."""
    masked = mask(line)
    start = masked.find(_CONTEXT)
    while start >= 0:
        head, tail = masked[: start + len(_CONTEXT)], masked[start + len(_CONTEXT) :]
        masked = head + mask(tail)
        start = masked.find(_CONTEXT, start + len(_CONTEXT))
    return masked
