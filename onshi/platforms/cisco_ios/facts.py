"""Cisco IOS collection output: the configuration out of ``show running-config``, and device
facts out of ``show version``."""

from __future__ import annotations

import re

from onshi.platforms.base import DeviceFacts

_HEADER = re.compile(r"^(Building configuration\.\.\.|Current configuration\s*:.*)$")
_VERSION = (
    re.compile(r"Cisco IOS XE Software, Version (\S+)"),
    re.compile(r"Cisco IOS Software.*?, Version ([^\s,]+)"),
)
_MODEL = re.compile(r"^[Cc]isco (\S+) (?:\(.*?\) )?(?:processor|with )", re.MULTILINE)
_SERIAL = re.compile(r"Processor board ID (\S+)")
_HOSTNAME = re.compile(r"^(\S+) uptime is", re.MULTILINE)


def clean_config(output: str) -> str:
    """The configuration as ``show running-config`` prints it, without the header lines."""
    lines = output.splitlines()
    while lines and (not lines[0].strip() or _HEADER.match(lines[0].strip())):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def incomplete(config: str) -> str | None:
    """Why the text is not a whole running-config (which always ends with ``end``), or None."""
    last = next((line.strip() for line in reversed(config.splitlines()) if line.strip()), None)
    if last is None:
        return "it is empty"
    if last != "end":
        return "it does not end with 'end': cut short, or not a whole running-config"
    return None


def parse_facts(show_version: str) -> DeviceFacts:
    version = next((m.group(1) for pattern in _VERSION if (m := pattern.search(show_version))), None)
    model = _MODEL.search(show_version)
    serial = _SERIAL.search(show_version)
    hostname = _HOSTNAME.search(show_version)
    return DeviceFacts(
        model=model.group(1) if model else None,
        serial=serial.group(1) if serial else None,
        os_version=version,
        hostname=hostname.group(1) if hostname else None,
    )
