"""The Jinja2 environment every platform renders its baselines in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2


def baseline_environment(platform: str, template_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """``<dir>/<platform>/<role>.j2`` from the user's folders first, then onshi's own; undefined
    variables are errors (never an empty string in a config), and config text is never escaped."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d / platform)) for d in template_dirs]
    loaders.append(jinja2.PackageLoader("onshi", f"templates/{platform}"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # config text, not HTML
    )
