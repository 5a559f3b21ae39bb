"""Cisco IOS / IOS-XE: ISR, CSR/Catalyst 8000 edge routers, embedded and autonomous Aironet APs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from onshi.model import Device
from onshi.platforms.base import DeviceFacts, on_first_use
from onshi.platforms.cisco_ios import facts
from onshi.platforms.cisco_ios.parser import parse
from onshi.platforms.cisco_ios.secrets import mask_line
from onshi.platforms.cisco_ios.shut import shut as shut_interfaces
from onshi.platforms.remediation import RemediationTemplates

if TYPE_CHECKING:
    from onshi.generate.drift import Drift
    from onshi.generate.roles import Plan

_REMEDIATION = RemediationTemplates("cisco_ios")
_baseline = on_first_use("onshi.platforms.cisco_ios.baseline")
_drift = on_first_use("onshi.platforms.cisco_ios.drift")


@dataclass(frozen=True)
class CiscoIosDriver:
    name: str = "cisco_ios"
    netmiko_device_type: str = "cisco_ios"
    collect_commands: tuple[str, ...] = ("show running-config", "show version")
    comment: str = "!"  # what starts a comment line in a file of commands
    paging_marker: str = "--More--"

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        return parse(text, file, encoding)

    def mask(self, line: str) -> str:
        return mask_line(line)

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        return _REMEDIATION.render(action, params)

    def clean_config(self, output: str) -> str:
        return facts.clean_config(output)

    def incomplete(self, config: str) -> str | None:
        return facts.incomplete(config)

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        return facts.parse_facts(outputs.get("show version", ""))

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        text: str = _baseline().render_baseline(plan, role, template_dirs, running)
        return text

    def shut(self, running: str, interfaces: Sequence[str]) -> str:
        return shut_interfaces(running, interfaces)

    def drift(self, intended: str, running: str) -> Drift:
        found: Drift = _drift().drift(intended, running)
        return found


DRIVER = CiscoIosDriver()
