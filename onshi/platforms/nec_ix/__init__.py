"""NEC UNIVERGE IX routers (IX2105, IX2106, IX2215, IX2235, IX3110, IX2015/IX2025): ``show
running-config``, collected with netmiko's ``nec_ix`` driver.

IX configurations are audited (every rule, through the neutral model); baselines are generated for
IPsec+IKE and for the claims network through the provider's router (``baseline.py``); isolation
runbooks come from the running config or the baseline; remediation is printed where the command is
the ``no`` form of a line shown (a port forward, say) or a server switch (telnet, HTTP).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from onshi.model import Device
from onshi.platforms.base import DeviceFacts, on_first_use
from onshi.platforms.nec_ix.parser import parse
from onshi.platforms.nec_ix.secrets import mask_line
from onshi.platforms.nec_ix.shut import shut as shut_interfaces
from onshi.platforms.remediation import RemediationTemplates

if TYPE_CHECKING:
    from onshi.generate.drift import Drift
    from onshi.generate.roles import Plan

_VERSION = re.compile(r"IX Series (IX\S+) .*?Software, Version (\S+?),")
_SERIAL = re.compile(r"(?im)^\s*(?:serial(?: number)?|製造番号)\s*[:=]?\s*(\S+)")
_REMEDIATION = RemediationTemplates("nec_ix")


_drift = on_first_use("onshi.platforms.nec_ix.drift")
_baseline = on_first_use("onshi.platforms.nec_ix.baseline")


@dataclass(frozen=True)
class NecIxDriver:
    name: str = "nec_ix"
    netmiko_device_type: str = "nec_ix"
    collect_commands: tuple[str, ...] = ("show running-config", "show version", "show hardware")
    comment: str = "!"
    paging_marker: str = "--More--"

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        return parse(text, file, encoding)

    def mask(self, line: str) -> str:
        return mask_line(line)

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        return _REMEDIATION.render(action, params)

    def clean_config(self, output: str) -> str:
        """From the first ``!`` header or ``hostname`` on (the command echo and prompt dropped)."""
        lines = output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(("! NEC", "hostname"))), 0)
        return "\n".join(lines[start:]).rstrip() + "\n"

    def incomplete(self, config: str) -> str | None:
        if not config.strip():
            return "it is empty"
        if not any(line.startswith(("interface ", "hostname ")) for line in config.splitlines()):
            return "it has no hostname and no interface: not the output of show running-config"
        return None

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        text = "\n".join(outputs.get(command, "") for command in self.collect_commands[1:])
        version = _VERSION.search(text) or _VERSION.search(outputs.get("show running-config", ""))
        serial = _SERIAL.search(text)
        return DeviceFacts(model=version[1] if version else None, os_version=version[2] if version else None,
                           serial=serial[1] if serial else None)  # fmt: skip

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        text: str = _baseline().render_baseline(plan, role, template_dirs, running)
        return text

    def shut(self, running: str, interfaces: Sequence[str]) -> str:
        return shut_interfaces(running, interfaces)

    def drift(self, intended: str, running: str) -> Drift:
        found: Drift = _drift().drift(intended, running)
        return found


DRIVER = NecIxDriver()
