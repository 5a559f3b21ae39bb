"""Nornir tasks that obtain configuration text: from a snapshot source, or live over SSH."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from netmiko.exceptions import ReadTimeout
from nornir.core.inventory import Host
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from onshi.collect import (
    MAX_OUTPUT_CHARS,
    Collected,
    CollectError,
    CollectOptions,
    ConnectionDropped,
    Credentials,
    CredentialsError,
    Identity,
    NoPrompt,
    OutputTimeout,
    OutputTooLarge,
    classify,
    finish,
    identity_problem,
    merge_known_hosts,
    prepare_hosts,
    scratch_dir,
)
from onshi.inventory import HostEntry, Inventory
from onshi.platforms import get_driver
from onshi.sources import ConfigSource, SnapshotSource, SourceError
from onshi.tasks.runner import init_nornir


def fetch_config(task: Task, source: ConfigSource) -> Result:
    """Nornir task: the host's configuration text (a :class:`~onshi.sources.ConfigText`)."""
    return Result(host=task.host, result=source.fetch(task.host.name))


def collect_device(task: Task, command_timeout: float, max_output: int = MAX_OUTPUT_CHARS) -> Result:
    """Nornir task: run the platform's collect commands over netmiko; the outputs by command."""
    driver = get_driver(str(task.host.platform))
    try:
        connection = task.host.get_connection("netmiko", task.nornir.config)
    except ReadTimeout as error:
        raise NoPrompt() from error
    try:
        bound_reads(connection, max_output)
        extras = task.host.connection_options["netmiko"].extras or {}
        if extras.get("secret"):
            connection.enable()
        # Stop at the prompt, or at the paging marker of a device that ignored `terminal length 0`. The
        # prompt is the whole prompt at the end of the output: the bare hostname would also match the
        # config's own `hostname X` line, and a slow or large output would end there, cut short.
        prompt = re.escape(connection.find_prompt().strip())
        pattern = f"(?:(?:^|\n){prompt}\\s*$|{re.escape(driver.paging_marker)})"
        outputs: dict[str, str] = {}
        for command in driver.collect_commands:
            connection.onshi_read = 0  # characters read for this command
            try:
                output = connection.send_command(command, expect_string=pattern, read_timeout=command_timeout)
            except ReadTimeout as error:
                if connection.remote_conn is None or connection.remote_conn.closed:
                    raise ConnectionDropped(command) from error  # not slow: gone
                raise OutputTimeout(command) from error
            outputs[command] = output
            if driver.paging_marker in output:
                break
    finally:
        task.host.close_connection("netmiko")
    return Result(host=task.host, result=outputs)


def bound_reads(connection: Any, limit: int) -> None:
    """Make every read of ``connection`` count what one command has returned and stop past ``limit``:
    a device that prints without end would otherwise fill memory until the timeout (netmiko itself
    has no bound). netmiko reads only through ``read_channel``, so the bound sits there."""
    read = connection.read_channel
    connection.onshi_read = 0

    def bounded() -> str:
        data: str = read()
        connection.onshi_read += len(data)
        if connection.onshi_read > limit:
            raise OutputTooLarge(limit)
        return data

    connection.read_channel = bounded


class ProgressReporter:
    """A Nornir processor: a rich progress bar on a terminal, one plain line per host otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream)
        self.total = total
        self.done = 0
        self.failed = 0
        self.lock = threading.Lock()
        self.progress: Progress | None = None
        self.task_id: Any = None

    def task_started(self, task: Task) -> None:
        if self.console.is_terminal:
            self.progress = Progress(
                TextColumn("collecting"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("failed: {task.fields[failed]}"),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.task_id = self.progress.add_task("collect", total=self.total, failed=0)
            self.progress.start()

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        if self.progress is not None:
            self.progress.stop()

    def task_instance_started(self, task: Task, host: Host) -> None:
        return None

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        with self.lock:
            self.done += 1
            self.failed += int(result.failed)
            if self.progress is not None:
                self.progress.update(self.task_id, advance=1, failed=self.failed)
            else:
                state = "failed" if result.failed else "collected"
                self.stream.write(f"[{self.done}/{self.total}] {host.name}: {state}\n")
                self.stream.flush()

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        return None

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        return None


def collect_inventory(
    inventory: Inventory,
    credentials_for: Callable[[Host], Credentials],
    options: CollectOptions,
    workers: int = 10,
    stream: TextIO | None = None,
) -> list[Collected | CollectError]:
    """Collect every host of the inventory concurrently; one outcome per host, in inventory order.
    A host without credentials is an error row; the others are still collected."""
    nornir = init_nornir(inventory.directory, workers, options.scheduler)
    credentials: dict[str, Credentials] = {}
    missing: dict[str, str] = {}
    for name, host in nornir.inventory.hosts.items():
        try:
            credentials[name] = credentials_for(host)
        except CredentialsError as error:
            missing[name] = str(error)
    runnable = nornir.filter(filter_func=lambda host: host.name in credentials)
    outcomes: list[Collected | CollectError] = []
    with scratch_dir() as scratch:
        copies = prepare_hosts(runnable, credentials, options, Path(scratch))
        reporter = ProgressReporter(len(runnable.inventory.hosts), stream)
        results = runnable.with_processors([reporter]).run(
            task=collect_device,
            command_timeout=options.command_timeout,
            max_output=options.max_output,
            on_failed=True,
        )
        for entry in inventory.hosts:
            if entry.name in missing:
                outcomes.append(CollectError(entry.name, entry.platform, missing[entry.name]))
                continue
            multi = results[entry.name]
            secrets = credentials[entry.name].secrets
            if multi.failed:
                outcomes.append(CollectError(entry.name, entry.platform, classify(multi[0].exception, secrets)))
            else:
                outcome = finish(entry.name, entry.platform, multi[0].result)
                if isinstance(outcome, Collected):  # the cluster worker that reached it, if any
                    outcome = replace(outcome, collector=getattr(multi[0], "collector", None))
                outcomes.append(_checked(outcome, entry, options))
        merge_known_hosts(options.known_hosts, copies)
    return outcomes


def _checked(outcome: Collected | CollectError, entry: HostEntry, options: CollectOptions) -> Collected | CollectError:
    """The collected device must be the one the inventory and its last snapshot name."""
    if isinstance(outcome, CollectError) or options.accept_identity_change:
        return outcome
    problem = identity_problem(expected_identity(entry, options.snapshots), outcome.facts)
    return outcome if problem is None else CollectError(entry.name, entry.platform, problem)


def expected_identity(entry: HostEntry, snapshots: Path | None) -> Identity:
    """The inventory's serial first; then the serial and hostname the last snapshot recorded."""
    if entry.data.serial:
        return Identity(serial=entry.data.serial)
    if snapshots is None:
        return Identity()
    try:
        previous = SnapshotSource(snapshots).recorded_facts(entry.name)
    except SourceError:
        return Identity()
    if previous is None:
        return Identity()
    return Identity(previous.serial, previous.hostname, f"its last snapshot ({entry.name}.json)")
