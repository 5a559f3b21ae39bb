"""Yamaha RTX / NVR routers (RTX830, RTX1210, RTX1220, RTX1300, NVR510, NVR700W): ``show config``.

Not built yet, each refused loudly rather than done silently: baseline templates (onshi ships no
``yamaha_rtx/edge_router.j2``; ``onshi generate`` names the host and the missing template) and
remediation commands (``drift`` raises :class:`NotSupportedYet`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from onshi.generate.drift import Drift
from onshi.generate.roles import Plan
from onshi.model import Device
from onshi.platforms.base import DeviceFacts
from onshi.platforms.yamaha_rtx.parser import parse
from onshi.platforms.yamaha_rtx.secrets import mask_line

_HEADER = re.compile(r"^#\s*((?:RTX|NVR|FWX|RT)\S*)\s+Rev\.(\S+)", re.MULTILINE)
_SERIAL = re.compile(r"serial=(\S+)")


class NotSupportedYet(NotImplementedError):
    """A capability this platform does not have yet: named, never silently skipped."""


@dataclass(frozen=True)
class YamahaRtxDriver:
    name: str = "yamaha_rtx"
    netmiko_device_type: str = "yamaha"
    collect_commands: tuple[str, ...] = ("show config", "show environment")
    paging_marker: str = "---つづく---"

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        return parse(text, file, encoding)

    def mask(self, line: str) -> str:
        return mask_line(line)

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        return ()  # no Yamaha remediation commands yet: findings carry the guideline's advice only

    def clean_config(self, output: str) -> str:
        """``show config`` output from its header on (the command echo and prompt dropped)."""
        lines = output.splitlines()
        start = next((i for i, line in enumerate(lines) if _HEADER.match(line)), 0)
        return "\n".join(lines[start:]).rstrip() + "\n"

    def config_complete(self, config: str) -> bool:
        """Yamaha prints no trailer: a config is whole when it starts with the router's header."""
        return bool(_HEADER.match(config))

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        text = outputs.get("show environment", "") + "\n" + outputs.get("show config", "")
        header = _HEADER.search(text)
        serial = _SERIAL.search(text)
        return DeviceFacts(model=header[1] if header else None, os_version=header[2] if header else None,
                           serial=serial[1] if serial else None)  # fmt: skip

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d / "yamaha_rtx")) for d in template_dirs]
        environment = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                         autoescape=False)  # fmt: skip
        return environment.get_template(f"{role}.j2").render(plan=plan)  # onshi ships none yet

    def drift(self, intended: str, running: str) -> Drift:
        raise NotSupportedYet("remediation commands for yamaha_rtx are not generated yet (hier_config has no "
                              "Yamaha driver)")  # fmt: skip


DRIVER = YamahaRtxDriver()
