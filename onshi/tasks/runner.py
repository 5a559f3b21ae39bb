"""Nornir set up over an onshi inventory folder."""

from __future__ import annotations

from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir

from onshi.inventory import DEFAULTS_FILE, GROUPS_FILE, HOSTS_FILE


def init_nornir(directory: Path, workers: int = 10) -> Nornir:
    """Nornir over the inventory folder, without its log file (onshi reports on its own)."""
    options = {"host_file": str(directory / HOSTS_FILE)}
    for key, name in (("group_file", GROUPS_FILE), ("defaults_file", DEFAULTS_FILE)):
        if (directory / name).exists():
            options[key] = str(directory / name)
    return InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": workers}},
        inventory={"plugin": "SimpleInventory", "options": options},
        logging={"enabled": False},
    )
