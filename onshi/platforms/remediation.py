"""Remediation commands rendered from each platform's Jinja2 macros.

A rule asks for a neutral action ("disable_telnet", "remove_line" ...) with data; the platform's
``remediation.j2`` holds one macro per action it can express. Templates render, Python prepares
data: no command text is built in code. An action the platform has no macro for yields ``()``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property

import jinja2


class RemediationTemplates:
    def __init__(self, platform: str) -> None:
        self._platform = platform

    @cached_property
    def _module(self) -> object:
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("onshi", f"platforms/{self._platform}"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )
        environment.tests["match"] = _matches  # `select("match", "^pp select ")`: Jinja2 has no regex test
        return environment.get_template("remediation.j2").module

    def render(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        macro = getattr(self._module, action, None)
        if macro is None:
            return ()
        text = str(macro(**params))
        return tuple(line.rstrip() for line in text.splitlines() if line.strip())


def _matches(value: object, pattern: str) -> bool:
    return re.match(pattern, str(value)) is not None
