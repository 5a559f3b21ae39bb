"""Cisco IOS baseline rendering: the plan's secrets in the device's stored forms, then the template.

Secrets are hashed here (type 9, scrypt) or obfuscated as the device itself stores them (type 7, for
the PPPoE password the router must send in clear); the template never sees a clear value. Salts are
derived from the host and the account, never from the password, so output is deterministic.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from pathlib import Path

import jinja2

from onshi.generate.plan import BaselinePlan, SecretValue

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


def render_baseline(plan: BaselinePlan, role: str, template_dirs: Sequence[Path] = ()) -> str:
    """The baseline config of ``role`` (template ``<role>.j2``); user folders are searched first."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d / "cisco_ios")) for d in template_dirs]
    loaders.append(jinja2.PackageLoader("onshi", "templates/cisco_ios"))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # config text, not HTML
    )
    secrets = {
        "enable": type9(plan.enable_secret, f"{plan.host}:enable"),
        "users": [(name, type9(secret, f"{plan.host}:user:{name}")) for name, secret in plan.users],
        "pppoe": type7(plan.uplink.pppoe_password) if plan.uplink.pppoe_password else None,
    }
    return environment.get_template(f"{role}.j2").render(plan=plan, secrets=secrets)
