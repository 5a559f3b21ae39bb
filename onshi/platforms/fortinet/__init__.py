"""Fortinet FortiGate (FortiOS 5.x to 7.x): ``show`` / ``show full-configuration``.

Collection runs netmiko's ``fortinet`` driver; with the console's output already ``standard`` it
changes nothing on the device, so a read-only administrator collects (README). The baseline is
``fortinet/firewall.j2`` (role ``firewall``); remediation is computed by :mod:`.drift`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from onshi.model import Device
from onshi.platforms.base import DeviceFacts, on_first_use
from onshi.platforms.fortinet.parser import _HEADER, parse
from onshi.platforms.fortinet.secrets import mask_line_blind
from onshi.platforms.fortinet.shut import shut as shut_interfaces
from onshi.platforms.fortinet.tree import parse_tree
from onshi.platforms.remediation import RemediationTemplates

if TYPE_CHECKING:
    from onshi.generate.drift import Drift
    from onshi.generate.roles import Plan

_REMEDIATION = RemediationTemplates("fortinet")
_STATUS_VERSION = re.compile(r"^Version:\s*(\S+)\s+v(\d+\.\d+\.\d+)", re.MULTILINE)
_STATUS_SERIAL = re.compile(r"^Serial-Number:\s*(\S+)", re.MULTILINE)
_STATUS_HOSTNAME = re.compile(r"^Hostname:\s*(\S+)", re.MULTILINE)


_baseline = on_first_use("onshi.platforms.fortinet.baseline")
_drift = on_first_use("onshi.platforms.fortinet.drift")


@dataclass(frozen=True)
class FortinetDriver:
    name: str = "fortinet"
    netmiko_device_type: str = "fortinet"
    collect_commands: tuple[str, ...] = ("show full-configuration", "get system status")
    comment: str = "#"  # what starts a comment line in a file of commands
    paging_marker: str = "--More--"

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        return parse(text, file, encoding)

    def mask(self, line: str) -> str:
        return mask_line_blind(line)

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        return _REMEDIATION.render(action, params)

    def clean_config(self, output: str) -> str:
        lines = output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(("#config-version", "config "))), 0)
        return "\n".join(lines[start:]).rstrip() + "\n"

    def incomplete(self, config: str) -> str | None:
        """``show`` output starts with its ``#config-version=`` header and closes every block it opens
        (an output that stopped at an inner ``end`` ends in ``end`` too, so the balance decides)."""
        lines = [line for line in config.splitlines() if line.strip()]
        if not lines:
            return "it is empty"
        if not any(line.startswith("#config-version=") for line in lines[:5]):
            return "it does not start with the '#config-version=' header of show: cut at its start, or not show output"
        unclosed = parse_tree(config).unclosed
        if unclosed or lines[-1].strip() != "end":
            where = f" (the block at line {unclosed[0]} is never closed)" if unclosed else ""
            return f"its blocks are not all closed{where}: cut short"
        return None

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        """``get system status``: ``Version: FortiGate-60F v7.2.8,build1639,…``, ``Serial-Number``,
        ``Hostname``; the configuration header when the status is missing."""
        status = outputs.get("get system status", "")
        version = _STATUS_VERSION.search(status)
        header = _HEADER.search(outputs.get("show full-configuration", ""))
        serial, hostname = _STATUS_SERIAL.search(status), _STATUS_HOSTNAME.search(status)
        return DeviceFacts(
            model=version[1] if version else (header[1] if header else None),
            os_version=version[2] if version else None,
            serial=serial[1] if serial else None,
            hostname=hostname[1] if hostname else None,
        )

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        text: str = _baseline().render_baseline(plan, role, template_dirs, running)
        return text

    def shut(self, running: str, interfaces: Sequence[str]) -> str:
        return shut_interfaces(running, interfaces)

    def drift(self, intended: str, running: str) -> Drift:
        found: Drift = _drift().drift(intended, running)
        return found


DRIVER = FortinetDriver()
