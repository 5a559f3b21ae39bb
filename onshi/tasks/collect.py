"""Fetch each host's configuration through a :class:`~onshi.sources.ConfigSource`."""

from __future__ import annotations

from nornir.core.task import Result, Task

from onshi.sources import ConfigSource


def fetch_config(task: Task, source: ConfigSource) -> Result:
    """Nornir task: the host's configuration text (a :class:`~onshi.sources.ConfigText`)."""
    return Result(host=task.host, result=source.fetch(task.host.name))
