"""The Jinja2 environment every platform renders its baselines in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2

from onshi.generate.plan import BaselinePlan
from onshi.generate.roles import Plan


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


def render_router(
    platform: str, plan: Plan, role: str, template_dirs: Sequence[Path], prepare: Callable[[BaselinePlan], object]
) -> str:
    """A router's baseline: the plan as ``prepare`` puts it in the platform's terms, printed by
    ``<platform>/<role>.j2`` (with the plan beside it). A platform without an access point baseline
    raises ``jinja2.TemplateNotFound`` for an access point's plan."""
    if not isinstance(plan, BaselinePlan):
        raise jinja2.TemplateNotFound(f"{role}.j2")
    environment = baseline_environment(platform, template_dirs)
    return environment.get_template(f"{role}.j2").render(router=prepare(plan), plan=plan)
