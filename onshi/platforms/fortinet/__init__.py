"""Fortinet FortiGate (FortiOS 5.x to 7.x): ``show`` / ``show full-configuration``.

Not built yet, refused loudly rather than done silently: baseline templates (onshi ships no
``fortinet/firewall.j2``) and remediation commands (``drift`` raises :class:`NotSupportedYet`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from onshi.generate.drift import Drift
from onshi.generate.roles import Plan
from onshi.model import Device
from onshi.platforms.base import DeviceFacts
from onshi.platforms.fortinet.parser import _HEADER, parse
from onshi.platforms.fortinet.secrets import mask_line_blind


class NotSupportedYet(NotImplementedError):
    """A capability this platform does not have yet: named, never silently skipped."""


@dataclass(frozen=True)
class FortinetDriver:
    name: str = "fortinet"
    netmiko_device_type: str = "fortinet"
    collect_commands: tuple[str, ...] = ("show full-configuration", "get system status")
    paging_marker: str = "--More--"

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        return parse(text, file, encoding)

    def mask(self, line: str) -> str:
        return mask_line_blind(line)

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        return ()

    def clean_config(self, output: str) -> str:
        lines = output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(("#config-version", "config "))), 0)
        return "\n".join(lines[start:]).rstrip() + "\n"

    def config_complete(self, config: str) -> bool:
        return config.rstrip().endswith("end")

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        header = _HEADER.search(outputs.get("show full-configuration", ""))
        return DeviceFacts(model=header[1] if header else None)

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        raise jinja2.TemplateNotFound(f"fortinet/{role}.j2")  # onshi ships no FortiGate baseline yet

    def drift(self, intended: str, running: str) -> Drift:
        raise NotSupportedYet("remediation commands for fortinet are not generated yet")


DRIVER = FortinetDriver()
