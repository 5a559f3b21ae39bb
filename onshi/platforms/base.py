"""What every platform driver provides."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from onshi.model import Device, DeviceFacts

if TYPE_CHECKING:
    from onshi.generate.drift import Drift
    from onshi.generate.roles import Plan

__all__ = ["DeviceFacts", "PlatformDriver", "on_first_use"]


class PlatformDriver(Protocol):
    """A platform's vendor knowledge: parsing, masking and remediation commands."""

    @property
    def name(self) -> str:
        """The platform name (netmiko device type)."""
        ...

    @property
    def netmiko_device_type(self) -> str: ...

    @property
    def collect_commands(self) -> tuple[str, ...]:
        """Commands whose output is the configuration (first) and device facts (the rest)."""
        ...

    def parse(self, text: str, file: str, encoding: str = "utf-8") -> Device:
        """Parse configuration text into the neutral model. Never raises on odd input lines."""
        ...

    def mask(self, line: str) -> str:
        """The line with every secret replaced by a mask."""
        ...

    def remediation(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        """Commands that carry out a neutral remediation action; () when none can be generated."""
        ...

    @property
    def comment(self) -> str:
        """What starts a comment line in a file of commands for the device (``!``, ``#``)."""
        ...

    @property
    def paging_marker(self) -> str:
        """What the device prints when it pages output (collection fails clearly on it)."""
        ...

    def clean_config(self, output: str) -> str:
        """The configuration text out of the first collect command's output."""
        ...

    def incomplete(self, config: str) -> str | None:
        """Why the configuration text is not whole (empty, cut off mid-output, not the platform's own
        output of its configuration), or None when it is."""
        ...

    def parse_facts(self, outputs: Mapping[str, str]) -> DeviceFacts:
        """Device facts from the outputs of the other collect commands."""
        ...

    def render_baseline(self, plan: Plan, role: str, template_dirs: Sequence[Path] = (), running: str = "") -> str:
        """The baseline config of the plan for ``role`` from ``<platform>/<role>.j2`` (``template_dirs``
        first, then onshi's own). Raises ``jinja2.TemplateNotFound`` when neither has one. Given the
        ``running`` config, password hashes it already holds for the same passwords are kept."""
        ...

    def shut(self, running: str, interfaces: Sequence[str]) -> str:
        """The running config with the named interfaces taken down (the isolation runbook's target)."""
        ...

    def drift(self, intended: str, running: str) -> Drift:
        """What differs between intended and running config, and the commands that remediate it."""
        ...


def on_first_use(module: str) -> Callable[[], ModuleType]:
    """``module``, imported the first time it is asked for: a driver's baseline and drift modules pull
    in the generator, Jinja2 and hier_config, which an audit never uses (start-up of audit-file)."""

    @cache
    def load() -> ModuleType:
        return importlib.import_module(module)

    return load
