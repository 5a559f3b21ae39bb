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

_REMEMBERED = 4096  # rendered actions kept per platform


class RemediationTemplates:
    def __init__(self, platform: str) -> None:
        self._platform = platform
        self._rendered: dict[tuple[str, tuple[tuple[str, object], ...]], tuple[str, ...]] = {}

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
        """The action's commands. A fleet asks for the same action with the same data again and again
        (``disable_service`` of ``http`` on every site): each is rendered once, as a macro's output
        depends on its arguments alone; data that cannot be a key renders every time."""
        key = (action, tuple((name, _key(value)) for name, value in sorted(params.items())))
        try:
            cached = self._rendered.get(key)
        except TypeError:  # a value that is not a list and cannot be hashed
            return self._render(action, params)
        if cached is None:
            cached = self._render(action, params)
            if len(self._rendered) < _REMEMBERED:  # bounded: a hostile fleet may bring any number
                self._rendered[key] = cached
        return cached

    def _render(self, action: str, params: Mapping[str, object]) -> tuple[str, ...]:
        macro = getattr(self._module, action, None)
        if macro is None:
            return ()
        text = str(macro(**params))
        return tuple(line.rstrip() for line in text.splitlines() if line.strip())


def _key(value: object) -> object:
    """A value as a key that tells apart what renders apart: its type with it (1 is not True, a list
    not a tuple), lists and tuples item by item."""
    if isinstance(value, list | tuple):
        return type(value), tuple(_key(item) for item in value)
    return type(value), value


def _matches(value: object, pattern: str) -> bool:
    return re.match(pattern, str(value)) is not None
