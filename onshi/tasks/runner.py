"""Nornir set up over an onshi inventory folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir

from onshi.inventory import DEFAULTS_FILE, GROUPS_FILE, HOSTS_FILE

DASK_RUNNER = "onshi-dask"


def init_nornir(directory: Path, workers: int = 10, scheduler: str | None = None) -> Nornir:
    """Nornir over the inventory folder, without its log file (onshi reports on its own): hosts run
    on threads here, or (``scheduler``: a Dask scheduler's address) one task per host on that cluster."""
    options = {"host_file": str(directory / HOSTS_FILE)}
    for key, name in (("group_file", GROUPS_FILE), ("defaults_file", DEFAULTS_FILE)):
        if (directory / name).exists():
            options[key] = str(directory / name)
    runner: dict[str, Any] = {"plugin": "threaded", "options": {"num_workers": workers}}
    if scheduler is not None:  # the plugin is registered by onshi's entry point, and imported only then
        runner = {"plugin": DASK_RUNNER, "options": {"scheduler": scheduler}}
    return InitNornir(
        runner=runner,
        inventory={"plugin": "SimpleInventory", "options": options},
        logging={"enabled": False},
    )
