"""Cisco IOS baseline rendering: the plan's secrets in the device's stored forms, then the template.

Secrets are hashed here (type 9, scrypt) or obfuscated as the device itself stores them (type 7, for
the PPPoE password the router must send in clear); the template never sees a clear value. Salts are
derived from the host and the account, never from the password, so output is deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from onshi.generate.plan import SecretValue
from onshi.generate.roles import Plan
from onshi.platforms.templates import baseline_environment

_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_CISCO = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TO_CISCO = str.maketrans(_STANDARD, _CISCO)
_TYPE7_KEY = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def _cisco_b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=").translate(_TO_CISCO)


def type9(secret: SecretValue, salt_seed: str) -> str:
    """``secret 9`` with a 14-character salt derived from ``salt_seed`` (host and account)."""
    return type9_salted(secret, _cisco_b64(hashlib.sha256(f"onshi-type9:{salt_seed}".encode()).digest())[:14])


def type9_salted(secret: SecretValue, salt: str) -> str:
    """``$9$<salt>$<hash>``: scrypt (N=16384, r=1, p=1) of the password with the salt's characters,
    in Cisco's base64 alphabet, as IOS computes ``secret 9``."""
    digest = hashlib.scrypt(secret.reveal().encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    return f"$9${salt}${_cisco_b64(digest)}"


def type7(secret: SecretValue, seed: int = 2) -> str:
    """The reversible form IOS stores with ``service password-encryption`` (not a protection)."""
    text = secret.reveal()
    return f"{seed:02d}" + "".join(
        f"{ord(c) ^ ord(_TYPE7_KEY[(seed + i) % len(_TYPE7_KEY)]):02X}" for i, c in enumerate(text)
    )


_RUNNING_TYPE9 = re.compile(r"^(?:enable|username (\S+) .*) secret 9 (\$9\$([./0-9A-Za-z]{14})\$[./0-9A-Za-z]{43})\s*$")


def running_hashes(running: str) -> dict[str, tuple[str, str]]:
    """The type 9 hashes of a running config by account ("enable", or the user name): (hash, salt)."""
    found = {}
    for line in running.splitlines():
        if match := _RUNNING_TYPE9.match(line.strip()):
            found[match[1] or "enable"] = (match[2], match[3])
    return found


def _hash(secret: SecretValue, seed: str, running: tuple[str, str] | None) -> str:
    """The device's own hash when it already stores this password (so verify shows no drift for it),
    else a new one."""
    if running is not None and type9_salted(secret, running[1]) == running[0]:
        return running[0]
    return type9(secret, seed)


def render_baseline(plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
    """The baseline config of ``role`` (template ``<role>.j2``); user folders are searched first.
    ``running``: the device's config, whose matching password hashes are kept."""
    environment = baseline_environment("cisco_ios", template_dirs)
    existing = running_hashes(running)
    secrets = {
        "enable": _hash(plan.enable_secret, f"{plan.host}:enable", existing.get("enable")),
        "users": [(name, _hash(secret, f"{plan.host}:user:{name}", existing.get(name))) for name, secret in plan.users],
        # What the device must send in clear is stored as it stores it: reversible type 7, not a protection.
        "reversible": {name: type7(secret) for name, secret in plan.reversible.items()},
    }
    return environment.get_template(f"{role}.j2").render(plan=plan, secrets=secrets)
