"""Audit an inventory: Nornir fetches every host's text concurrently, the pipeline does the rest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from onshi.collect import Collected, CollectError
from onshi.inventory import HostEntry, Inventory
from onshi.model import DeviceFacts
from onshi.pipeline import AuditReport, DeviceJob, Reading, audit
from onshi.sources import ConfigSource, ConfigText, SourceError
from onshi.stream import LONE_PER_GROUP, batches
from onshi.tasks.collect import fetch_config
from onshi.tasks.runner import init_nornir
from onshi.waivers import with_waivers


def audit_inventory(
    inventory: Inventory, source: ConfigSource, workers: int = 10, reading: Reading = Reading.WHOLE, processes: int = 1
) -> AuditReport:
    """Audit from a config source (snapshots); a host whose text cannot be had is an error row."""
    nornir = init_nornir(inventory.directory, workers)
    results = nornir.run(task=fetch_config, source=source, on_failed=True)
    jobs = []
    for entry in inventory.hosts:
        multi = results.get(entry.name)
        if multi is None:
            jobs.append(job(entry, None, f"host {entry.name}: not run"))
        elif multi.failed:
            exception = multi[0].exception
            reason = str(exception) if isinstance(exception, SourceError) else f"host {entry.name}: {exception!r}"
            jobs.append(job(entry, None, reason))
        else:
            jobs.append(job(entry, multi[0].result, None, reading))
    return with_waivers(audit(jobs, processes=processes), inventory.waivers)


def inventory_groups(
    inventory: Inventory, source: ConfigSource, reading: Reading = Reading.WHOLE
) -> Iterator[list[DeviceJob]]:
    """Each facility's jobs together (it may be judged as one network), hosts of none a few at a time,
    in the inventory's order; a host's text is read when its group is asked for, so that a streamed
    audit holds only the groups in flight. A host whose text cannot be had is an error row."""
    facilities: dict[str, list[HostEntry]] = {}
    lone: list[HostEntry] = []
    for entry in inventory.hosts:
        if entry.facility:
            facilities.setdefault(entry.facility, []).append(entry)
        else:
            lone.append(entry)
    for entries in (*facilities.values(), *batches(lone, LONE_PER_GROUP)):
        yield [fetched_job(entry, _fetched(entry, source), reading) for entry in entries]


# A host's configuration text, or why there is none.
Fetched = ConfigText | str


def collected_texts(inventory: Inventory, outcomes: list[Collected | CollectError]) -> dict[str, Fetched]:
    """What live collection returned, host by host (in inventory order)."""
    fetched: dict[str, Fetched] = {}
    for entry, outcome in zip(inventory.hosts, outcomes, strict=True):
        if isinstance(outcome, CollectError):
            fetched[entry.name] = f"host {entry.name} ({entry.platform}): {outcome.reason}"
        else:
            fetched[entry.name] = ConfigText(outcome.config, f"{entry.name} (live)", "utf-8", outcome.facts,
                                             outcome.collected_at)  # fmt: skip
    return fetched


def snapshot_texts(inventory: Inventory, source: ConfigSource) -> dict[str, Fetched]:
    """Every host's text read once, in this thread, for callers that use it twice (audit and verify)."""
    return {entry.name: _fetched(entry, source) for entry in inventory.hosts}


def _fetched(entry: HostEntry, source: ConfigSource) -> Fetched:
    try:
        return source.fetch(entry.name)
    except SourceError as error:
        return str(error)


def audit_fetched(
    inventory: Inventory, fetched: Mapping[str, Fetched], reading: Reading = Reading.WHOLE, processes: int = 1
) -> AuditReport:
    """Audit texts already at hand; a host without one is an error row saying why."""
    jobs = [fetched_job(entry, fetched.get(entry.name, f"host {entry.name}: not fetched"), reading)
            for entry in inventory.hosts]  # fmt: skip
    return with_waivers(audit(jobs, processes=processes), inventory.waivers)


def fetched_job(entry: HostEntry, text: Fetched, reading: Reading = Reading.WHOLE) -> DeviceJob:
    """The job of a host's text, or its error row saying why there is none."""
    return job(entry, text, None, reading) if isinstance(text, ConfigText) else job(entry, None, text)


def audit_collected(
    inventory: Inventory, outcomes: list[Collected | CollectError], reading: Reading = Reading.WHOLE, processes: int = 1
) -> AuditReport:
    """Audit what live collection returned (error rows for the hosts that failed)."""
    return audit_fetched(inventory, collected_texts(inventory, outcomes), reading, processes)


def job(entry: HostEntry, config: ConfigText | None, error: str | None, reading: Reading = Reading.WHOLE) -> DeviceJob:
    return DeviceJob(
        host=entry.name,
        platform=entry.platform,
        config=config,
        error=error,
        facility=entry.facility,
        policy=entry.policy,
        host_data=entry.data,
        facts=facts_for(entry, config),
        reading=reading,
    )


def facts_for(entry: HostEntry, config: ConfigText | None) -> DeviceFacts:
    """The inventory's model and serial first, then what the device reported."""
    reported = config.facts if config is not None and config.facts is not None else DeviceFacts()
    return DeviceFacts(
        model=entry.data.model or reported.model,
        serial=entry.data.serial or reported.serial,
        os_version=reported.os_version,
        hostname=reported.hostname,
        collected_at=config.collected_at if config is not None else None,
    )
