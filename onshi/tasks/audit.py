"""Audit an inventory: Nornir fetches every host's text concurrently, the pipeline does the rest."""

from __future__ import annotations

from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir

from onshi.inventory import DEFAULTS_FILE, GROUPS_FILE, HOSTS_FILE, Inventory
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.sources import ConfigSource, ConfigText, SourceError
from onshi.tasks.collect import fetch_config
from onshi.validators.base import Facts


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


def audit_inventory(inventory: Inventory, source: ConfigSource, workers: int = 10) -> AuditReport:
    nornir = init_nornir(inventory.directory, workers)
    results = nornir.run(task=fetch_config, source=source, on_failed=True)
    jobs = []
    for entry in inventory.hosts:
        config: ConfigText | None = None
        error: str | None = None
        multi = results.get(entry.name)
        if multi is None:
            error = f"host {entry.name}: not run"
        elif multi.failed:
            exception = multi[0].exception
            error = (
                str(exception) if isinstance(exception, SourceError) else f"host {entry.name}: {exception!r}"
            )
        else:
            config = multi[0].result
        jobs.append(
            DeviceJob(
                host=entry.name,
                platform=entry.platform,
                config=config,
                error=error,
                facility=entry.facility,
                policy=entry.policy,
                host_data=entry.data,
                facts=Facts(model=entry.data.model, serial=entry.data.serial),
            )
        )
    return audit(jobs)
