"""Yamaha RTX / NVR routers (RTX830, RTX1210, RTX1220, RTX1300, NVR510, NVR700W): ``show config``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from onshi.model import Device
from onshi.platforms.base import DeviceFacts, on_first_use
from onshi.platforms.remediation import RemediationTemplates
from onshi.platforms.yamaha_rtx.parser import parse
from onshi.platforms.yamaha_rtx.secrets import mask_line
from onshi.platforms.yamaha_rtx.shut import shut as shut_interfaces

if TYPE_CHECKING:
    from onshi.generate.drift import Drift
    from onshi.generate.roles import Plan

# `# RTX1210 Rev.14.01.42 (...)` heads show config; show environment says it without the `#`.
_REMEDIATION = RemediationTemplates("yamaha_rtx")
_HEADER = re.compile(r"^#?\s*((?:RTX|NVR|FWX|RT)\S*)\s+Rev\.(\S+)", re.MULTILINE)
_CONFIG_HEADER = re.compile(r"^#\s*((?:RTX|NVR|FWX|RT)\S*)\s+Rev\.(\S+)")
_SERIAL = re.compile(r"serial=(\S+)")
_HEADER_SEARCH = 10  # lines: a saved command echo and blank lines may come before the header


_baseline = on_first_use("onshi.platforms.yamaha_rtx.baseline")
_drift = on_first_use("onshi.platforms.yamaha_rtx.drift")


@dataclass(frozen=True)
class YamahaRtxDriver:
    name: str = "yamaha_rtx"
    netmiko_device_type: str = "yamaha"
    collect_commands: tuple[str, ...] = ("show config", "show environment")
    comment: str = "#"  # what starts a comment line in a file of commands
    paging_marker: str = "---つづく---"

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        return parse(text, file, encoding)

    def mask(self, line: str) -> str:
        return mask_line(line)

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        return _REMEDIATION.render(action, params)

    def clean_config(self, output: str) -> str:
        """``show config`` output from its header on (the command echo and prompt dropped)."""
        lines = output.splitlines()
        start = next((i for i, line in enumerate(lines) if _CONFIG_HEADER.match(line)), 0)
        return "\n".join(lines[start:]).rstrip() + "\n"

    def incomplete(self, config: str) -> str | None:
        """Yamaha prints no trailer: a config counts as whole when it starts with the router's header
        (after a command echo, when one was saved with it). A dropped connection fails the collection;
        output cut short before a prompt cannot be told apart."""
        heads = [line for line in config.splitlines()[:_HEADER_SEARCH] if line.strip()][:3]
        if not heads:
            return "it is empty"
        if not any(_CONFIG_HEADER.match(line) for line in heads):
            return "it does not start with the '# RTX… Rev.…' header of show config: cut at its start, or refused"
        return None

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        text = outputs.get("show environment", "") + "\n" + outputs.get("show config", "")  # environment first
        header = _HEADER.search(text)
        serial = _SERIAL.search(text)
        return DeviceFacts(model=header[1] if header else None, os_version=header[2] if header else None,
                           serial=serial[1] if serial else None)  # fmt: skip

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        text: str = _baseline().render_baseline(plan, role, template_dirs, running)
        return text

    def shut(self, running: str, interfaces: Sequence[str]) -> str:
        return shut_interfaces(running, interfaces)

    def drift(self, intended: str, running: str) -> Drift:
        found: Drift = _drift().drift(intended, running)
        return found


DRIVER = YamahaRtxDriver()
