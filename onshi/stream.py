"""A fleet audit that streams: each facility's results leave as soon as they are made, and memory
stays that of the facilities being judged, whatever the number of devices.

:func:`onshi.pipeline.audit` keeps every parsed device to the end, for the reports that need them
(the HTML report's policies, ask, diff, the store). A fleet of thousands of configurations is read
instead group by group: a worker parses and judges one facility (or one device outside any), hands
back its device rows and findings, and drops the parsed devices. Up to a few groups per worker are in
flight; the caller writes each result as it arrives (JSON lines) and forgets it.

The rules that compare devices with each other (a secret reused on another device, AUTH-05) need
every device: a group also hands back, per device, what those rules read (its secrets and the
masked lines that hold them, and the lines it did not understand, so that they still fail closed),
a few kilobytes, and those rules are judged over them at the end. Their findings come last, rendered a
few hundred devices at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from onshi.model import Device, Finding, SourceText
from onshi.pipeline import DeviceJob, DeviceReport, audit_part, process_pool, with_remediation
from onshi.report.json_report import LinesBlock, json_lines_block
from onshi.store.rows import Row, config_digest, run_rows
from onshi.validators.base import RuleInput
from onshi.validators.engine import evaluate, fleet_outcomes
from onshi.validators.registry import all_rules, comparing_rules
from onshi.waivers import WaiverEntry, waive

IN_FLIGHT_PER_PROCESS = 3  # groups submitted ahead per worker: enough to keep it busy, few to hold
COMPARED_PER_BLOCK = 256  # devices whose comparing rules' findings are rendered together, at the end
LONE_PER_GROUP = 8  # devices of no facility go to a worker a few at a time, which spares the messages


@dataclass(frozen=True, slots=True)
class Judged:
    """One group's results (or, last, the findings of the rules that compare devices)."""

    devices: tuple[DeviceReport, ...]
    findings: tuple[Finding, ...]
    configs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (host, its masked lines): the store keeps their digest


Shaped = TypeVar("Shaped")
_Result = tuple[Shaped, tuple[RuleInput, ...]]  # a group's results as shaped, and what the comparing rules need


@contextmanager
def stream_workers(processes: int) -> Iterator[ProcessPoolExecutor | None]:
    """The worker processes of a stream (None for one process), started at once: forked before the
    caller reads what they do not need (a fleet's inventory), they do not hold a copy of it."""
    if processes <= 1:
        yield None
        return
    all_rules()  # the rule modules, loaded once here rather than in each worker
    with process_pool(processes) as pool:
        pool.submit(int).result()  # a forking pool starts all its workers with its first task
        yield pool


def audit_stream(
    groups: Iterable[Sequence[DeviceJob]],
    shape: Callable[[Judged], Shaped],
    processes: int = 1,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[Shaped]:
    """Each group's results, put in ``shape`` by the worker that made them (a report format renders
    there, in parallel), as soon as they are ready (in the order groups finish); then the comparing
    rules' findings. ``groups`` is read as it goes: a generator keeps only what is in flight.
    ``shape`` must be a module-level function (it travels to the workers by name). ``pool``: workers
    of :func:`stream_workers` (else, with ``processes`` above one, a pool is started here)."""
    compared: list[RuleInput] = []
    for shaped, kept in _judged_groups(groups, shape, processes, pool):
        compared.extend(kept)
        yield shaped
    rules = comparing_rules()
    outcomes = fleet_outcomes(compared, rules)  # over every device; their findings made a slice at a time
    for start in range(0, len(compared), COMPARED_PER_BLOCK):
        part = compared[start : start + COMPARED_PER_BLOCK]
        yield shape(Judged((), tuple(with_remediation(evaluate(part, rules, fleet=outcomes), part))))


def _judged_groups(
    groups: Iterable[Sequence[DeviceJob]],
    shape: Callable[[Judged], Shaped],
    processes: int,
    pool: ProcessPoolExecutor | None,
) -> Iterator[_Result[Shaped]]:
    if pool is None and processes <= 1:
        yield from (judge_group(group, shape) for group in groups)
        return
    with nullcontext(pool) if pool is not None else process_pool(processes) as workers:
        pending: set[Future[_Result[Shaped]]] = set()
        for group in groups:
            pending.add(workers.submit(judge_group, group, shape))
            if len(pending) >= max(processes, 1) * IN_FLIGHT_PER_PROCESS:
                yield from _finished(pending)
        while pending:
            yield from _finished(pending)


def _finished(pending: set[Future[_Result[Shaped]]]) -> Iterator[_Result[Shaped]]:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        pending.discard(future)
        yield future.result()


def judge_group(jobs: Sequence[DeviceJob], shape: Callable[[Judged], Shaped]) -> _Result[Shaped]:
    """Parse and judge one group with every rule that looks at its devices alone (or at its facility
    as one network); return its rows and findings in ``shape``, and what the comparing rules will
    need of it."""
    part = audit_part(jobs)
    inputs = [rule_input for rule_input in part.inputs if rule_input is not None]
    configs = tuple((inp.host, inp.device.source.lines) for inp in inputs)
    return shape(Judged(part.reports, part.findings, configs)), tuple(map(_compared_part, inputs))


Item = TypeVar("Item")


def batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """``items`` in lists of ``size`` (the last shorter), read as they are asked for."""
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _compared_part(inp: RuleInput) -> RuleInput:
    """The device as the comparing rules read it: its secrets, the lines it did not understand, and
    the masked text of those lines only (the evidence they cite); nothing else is kept."""
    device = inp.device
    cited = {secret.line for secret in device.secrets} | {item.line for item in device.unrecognized}
    source = device.source
    lines = tuple(text if number in cited else "" for number, text in enumerate(source.lines, start=1))
    kept = Device(device.hostname, device.platform, None, None, SourceText(source.file, lines, source.encoding),
                  secrets=device.secrets, unrecognized=device.unrecognized)  # fmt: skip
    return RuleInput(inp.host, kept, inp.facility_name, None, None, (), partial=inp.partial)


@dataclass(frozen=True, slots=True)
class RecordedBlock:
    """A part of a streamed inventory audit: its JSON lines, its rows for the history store (none when
    the run is not recorded), and what the waivers did to it."""

    lines: LinesBlock
    rows: tuple[Row, ...]
    used: tuple[int, ...]  # per waiver, the failing findings it covered here
    notes: tuple[str, ...]  # waivers refused here (a critical finding without allow_critical)


def waived_lines(judged: Judged, waivers: Sequence[WaiverEntry], today: date, rows: bool) -> RecordedBlock:
    """``judged`` with the inventory's waivers applied, as JSON lines and (with ``rows``) store rows:
    a ``shape`` for :func:`audit_stream` (bound with ``functools.partial``)."""
    applied = waive(judged.findings, waivers, today)
    made: tuple[Row, ...] = ()
    if rows:  # the digests only for a run that is recorded
        digests = {host: config_digest(lines) for host, lines in judged.configs}
        made = tuple(run_rows(judged.devices, applied.findings, digests))
    return RecordedBlock(json_lines_block(judged.devices, applied.findings), made, applied.used, applied.notes)
