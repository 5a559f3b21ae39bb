"""Nornir renders the baselines: a thin task around :func:`onshi.generate.build.render`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nornir.core.task import Result, Task

from onshi.generate.build import GenerateErrors, render
from onshi.generate.plan import GenerateError
from onshi.generate.roles import Plan
from onshi.inventory import HostEntry, Inventory
from onshi.tasks.runner import init_nornir


def render_config(task: Task, plans: dict[str, tuple[HostEntry, Plan]], template_dirs: Sequence[Path]) -> Result:
    """Nornir task: the host's baseline config text."""
    entry, plan = plans[task.host.name]
    return Result(host=task.host, result=render(entry, plan, template_dirs))


def render_with_nornir(
    inventory: Inventory, plans: Sequence[tuple[HostEntry, Plan]], template_dirs: Sequence[Path]
) -> dict[str, str]:
    """Every plan rendered by Nornir's threaded runner; every host's problem reported at once."""
    by_host = {entry.name: (entry, plan) for entry, plan in plans}
    nornir = init_nornir(inventory.directory).filter(filter_func=lambda host: host.name in by_host)
    results = nornir.run(task=render_config, plans=by_host, template_dirs=template_dirs, on_failed=True)
    rendered, problems = {}, []
    for name in by_host:  # inventory order
        multi = results[name]
        if not multi.failed:
            rendered[name] = str(multi[0].result)
            continue
        error = multi[0].exception
        problems.append(error if isinstance(error, GenerateError) else GenerateError(name, "template", repr(error)))
    if problems:
        raise GenerateErrors(problems)
    return rendered
