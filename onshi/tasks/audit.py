"""Audit an inventory: Nornir fetches every host's text concurrently, the pipeline does the rest."""

from __future__ import annotations

from onshi.collect import Collected, CollectError
from onshi.inventory import Inventory
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.sources import ConfigSource, ConfigText, SourceError
from onshi.tasks.collect import fetch_config
from onshi.tasks.runner import init_nornir
from onshi.validators.base import Facts


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
                facts=facts_for(entry.data.model, entry.data.serial, config),
            )
        )
    return audit(jobs)


def facts_for(model: str | None, serial: str | None, config: ConfigText | None) -> Facts:
    """The inventory's model and serial first, then what the device reported."""
    reported = config.facts if config is not None else None
    return Facts(
        model=model or (reported.model if reported else None),
        serial=serial or (reported.serial if reported else None),
        os_version=reported.os_version if reported else None,
        collected_at=config.collected_at if config is not None else None,
    )


def audit_collected(inventory: Inventory, outcomes: list[Collected | CollectError]) -> AuditReport:
    """Audit what live collection returned (error rows for the hosts that failed)."""
    jobs = []
    for entry, outcome in zip(inventory.hosts, outcomes, strict=True):
        config = None
        if isinstance(outcome, Collected):
            config = ConfigText(
                outcome.config, f"{entry.name} (live)", "utf-8", outcome.facts, outcome.collected_at
            )
        error = (
            f"host {entry.name} ({entry.platform}): {outcome.reason}"
            if isinstance(outcome, CollectError)
            else None
        )
        jobs.append(
            DeviceJob(
                host=entry.name,
                platform=entry.platform,
                config=config,
                error=error,
                facility=entry.facility,
                policy=entry.policy,
                host_data=entry.data,
                facts=facts_for(entry.data.model, entry.data.serial, config),
            )
        )
    return audit(jobs)
