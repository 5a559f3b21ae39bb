"""The ``onshi`` command."""

from __future__ import annotations

import enum
import importlib.abc
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from onshi import __version__
from onshi.files import MAX_CONFIG_BYTES, UnsafePath, open_atomic, within, write_atomic
from onshi.report.text import printable
from onshi.runtime import no_collections_at_exit
from onshi.store import StoreError, default_location, inventory_hash, open_store, shown, url_of

if TYPE_CHECKING:
    from rich.console import Console

    from onshi.collect import Collected, CollectError, CollectOptions
    from onshi.inventory import Inventory
    from onshi.pipeline import AuditReport, DeviceJob, Reading
    from onshi.report.compare import Comparison
    from onshi.report.json_report import JsonLinesTotals, LinesBlock
    from onshi.selection import Selection
    from onshi.sources import ConfigSource, ConfigText
    from onshi.store.history import Store
    from onshi.stream import Judged, RecordedBlock

app = typer.Typer(
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},
    # A traceback with local variables could print configuration text: never show locals.
    pretty_exceptions_show_locals=False,
    help="Audit the edge network of medical facilities connected to オンライン資格確認 / オンライン請求.",
)
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _version(show: bool) -> None:
    if show:
        typer.echo(f"onshi {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit the edge network of medical facilities connected to オンライン資格確認 / オンライン請求."""


class OutputFormat(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"  # JSON lines; audit-file streams it, device by device, in flat memory
    JUNIT = "junit"
    SARIF = "sarif"
    HTML = "html"


class Show(enum.StrEnum):
    PROBLEMS = "problems"
    ALL = "all"


class SplitBy(enum.StrEnum):
    FACILITY = "facility"


SplitOption = Annotated[
    SplitBy | None,
    typer.Option(
        "--split",
        help="One report per facility, written into the --output folder (with index.html, a fleet overview, "
        "for audit): each holds nothing of another facility.",
    ),
]
_EXTENSIONS = {"table": "txt", "json": "json", "jsonl": "jsonl", "junit": "xml", "sarif": "sarif", "html": "html"}


class VerifyFormat(enum.StrEnum):
    TABLE = "table"
    JSON = "json"


class Protocol(enum.StrEnum):
    IP = "ip"
    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"


class Language(enum.StrEnum):
    JA = "ja"
    EN = "en"


class FailOn(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to a file.")]
LangOption = Annotated[Language, typer.Option("--lang", help="Language of the table, HTML and JUnit reports.")]
FailOnOption = Annotated[
    FailOn, typer.Option("--fail-on", help="Exit 1 when a finding fails at or above this severity.")
]
AllowPartialOption = Annotated[
    bool,
    typer.Option(
        "--allow-partial",
        help="Audit a configuration that is not whole (cut short, no header) instead of refusing it; "
        "no check passes on it (pass becomes manual).",
    ),
]


def _reading(allow_partial: bool) -> Reading:
    from onshi.pipeline import Reading

    return Reading.PARTIAL if allow_partial else Reading.WHOLE


def _error(message: str) -> None:
    # Plain lines, never wrapped: an error names a file path that users copy.
    typer.echo(f"error: {printable(message)}", err=True)


def _emit(
    report: AuditReport,
    output_format: OutputFormat,
    output: Path | None,
    language: Language,
    comparison: Comparison | None = None,
    show: Show = Show.PROBLEMS,
) -> None:
    show_all = show is Show.ALL
    if output_format is OutputFormat.TABLE and output is None:
        from onshi.report.table import render_table

        render_table(report, language.value, comparison=comparison, show_all=show_all)
        return
    _write_or_print_text(_render(report, output_format, language, comparison, show_all), output)


def _render(
    report: AuditReport,
    output_format: OutputFormat,
    language: Language,
    comparison: Comparison | None,
    show_all: bool = False,
) -> str:
    """The report as text; only the format's own renderer is loaded (rich, for one, only for tables)."""
    if output_format in (OutputFormat.JSON, OutputFormat.JSONL):
        from onshi.report.json_report import to_json, to_json_lines

        return to_json(report, comparison) if output_format is OutputFormat.JSON else to_json_lines(report)
    if output_format is OutputFormat.JUNIT:
        from onshi.report.junit import to_junit

        return to_junit(report, language.value)
    if output_format is OutputFormat.SARIF:
        from onshi.report.sarif import to_sarif

        return to_sarif(report)
    if output_format is OutputFormat.HTML:
        from onshi.report.html import to_html

        return to_html(report, language.value, comparison)
    from onshi.report.table import render_table

    console = _recording_console()
    render_table(report, language.value, console, comparison, show_all)
    return console.export_text()


def _recording_console() -> Console:
    """A console that keeps what it prints, for a table written to a file (rich is loaded for tables
    only: a JSON run starts without it)."""
    from rich.console import Console

    return Console(record=True, width=160, file=io.StringIO())


def _emit_split(
    report: AuditReport, output_format: OutputFormat, folder: Path, language: Language, comparison: Comparison | None
) -> None:
    """One report per facility in ``folder``, and index.html: the fleet overview linking them."""
    from onshi.report.fleet import fleet_rows, to_index_html
    from onshi.report.split import UnsafeFacilityName, file_stem, split_by_facility

    parts = split_by_facility(report)
    try:
        files = {facility: f"{file_stem(facility)}.{_EXTENSIONS[output_format.value]}" for facility in parts}
    except UnsafeFacilityName as error:
        _refuse([str(error)])
    for facility, part in parts.items():
        narrowed = comparison.narrowed({d.host for d in part.devices}) if comparison else None
        write_atomic(folder / files[facility], _render(part, output_format, language, narrowed))
    rows = fleet_rows(parts, files, comparison)
    write_atomic(folder / "index.html", to_index_html(rows, language.value, report.generated_at, comparison))
    typer.echo(f"{len(parts)} facility reports and index.html in {folder}", err=True)


def _split_folder(output: Path | None) -> Path:
    """The folder --split writes into: --output, created when missing, never a file."""
    if output is None:
        _refuse(["--split needs --output DIR: the folder the per-facility reports go into"])
    if output.exists() and not output.is_dir():
        _refuse([f"{output}: --split writes a folder of reports, and this is a file"])
    return output


def _comparison(report: AuditReport, previous: str | None, store: Store | None = None) -> Comparison | None:
    """Against a previous JSON report (a path), or the store: ``last`` (each host's latest run) or a run id."""
    from onshi.report.compare import CompareError, compare, load_previous

    if previous is None:
        return None
    if _from_store(previous):
        if store is None:
            _refuse([f"--compare {previous} reads the history store, and --store is none"])
        run = None if previous == "last" else int(previous)
        name, rows = store.previous_failures([d.host for d in report.devices], run)
        return compare(report, rows, name)
    try:
        return compare(report, load_previous(Path(previous)), previous)
    except CompareError as error:
        _error(str(error))
        raise typer.Exit(EXIT_INPUT) from None


def _stored_run_exists(store: Store | None, previous: str | None) -> None:
    """Before a long audit: a run id to compare with is one the store has."""
    if previous is not None and previous.isdigit() and store is not None and not store.has_run(int(previous)):
        _refuse([f"--compare {previous}: no run {previous} in {shown(store.url)} (onshi history lists them)"])


def _from_store(previous: str) -> bool:
    return previous == "last" or previous.isdigit()


StoreOption = Annotated[
    str,
    typer.Option(
        "--store",
        envvar="ONSHI_STORE",
        help="The history store every run is recorded in: a SQLite file, or a postgresql://user@host/db URL "
        "(password from PGPASSWORD or ~/.pgpass); default: history.sqlite in the user's data directory; "
        "none: do not record.",
    ),
]


def _open_store(location: str) -> Store | None:
    """The store asked for (one that cannot be opened is an input error), or the default one (one
    that cannot be opened, a read-only home say, is a warning: the audit goes on unrecorded)."""
    if location.lower() == "none":
        return None
    try:
        return open_store(url_of(location or str(default_location())))
    except StoreError as error:
        if location:
            _refuse([str(error)])
        typer.echo(f"warning: {printable(str(error))}; this run is not recorded (--store PATH to choose one)", err=True)
        return None


def _record(store: Store | None, report: AuditReport, inventory: Path, command: str = "audit") -> int | None:
    """Record the run; a store that cannot be written loses no report (a warning, not an error)."""
    if store is None:
        return None
    return _recorded(store, lambda: store.record(report, inventory_hash(inventory), command))


def _recorded(store: Store, record: Callable[[], int]) -> int | None:
    """The run ``record`` writes to ``store``, said on standard error; a store that cannot be written
    is a warning."""
    try:
        run = record()
    except StoreError as error:
        typer.echo(f"warning: {printable(str(error))}", err=True)
        return None
    typer.echo(f"recorded as run {run} in {shown(store.url)}", err=True)
    return run


def exit_code(report: AuditReport, fail_on: FailOn) -> int:
    from onshi.model import Status

    failing = {finding.severity.value for finding in report.findings if finding.status is Status.FAIL}
    return _exit_for(any(device.error for device in report.devices), failing, fail_on)


def _exit_for(device_errors: bool, failing: Iterable[str], fail_on: FailOn) -> int:
    """2 when a device could not be audited; else 1 when a finding fails at or above ``fail_on``
    (``failing``: the severities that fail); else 0."""
    from onshi.model import Severity

    if device_errors:
        return EXIT_INPUT
    threshold = Severity(fail_on.value).rank
    return EXIT_FINDINGS if any(Severity(name).rank >= threshold for name in failing) else EXIT_OK


KnownHostsOption = Annotated[
    Path, typer.Option("--known-hosts", help="known_hosts file that host keys are verified against.")
]
AcceptNewOption = Annotated[
    bool, typer.Option("--accept-new-host-keys", help="Record the keys of hosts seen for the first time.")
]
AcceptIdentityOption = Annotated[
    bool,
    typer.Option(
        "--accept-identity-change",
        help="Collect a device that reports another serial or hostname than the inventory or its last snapshot.",
    ),
]
ConnectTimeoutOption = Annotated[float, typer.Option(min=1, help="Seconds to connect and log in, per host.")]
CommandTimeoutOption = Annotated[float, typer.Option(min=1, help="Seconds to wait for each command's output.")]
WorkersOption = Annotated[int, typer.Option(min=1, max=200, help="Concurrent hosts.")]
JobsOption = Annotated[
    int | None,
    typer.Option(min=1, max=256, help="Worker processes judging the facilities (default: the machine's cores)."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="A Dask scheduler (tcp://HOST:8786): collect on its workers, a host with data.collector LABEL only on "
        "workers started with --resources collector-LABEL=1. Credentials travel sealed with ONSHI_CLUSTER_KEY.",
    ),
]
DEFAULT_KNOWN_HOSTS = Path.home() / ".ssh" / "known_hosts"


def _refuse(problems: Iterable[object], *notes: str) -> NoReturn:
    """One error line per problem (and note), then exit 2."""
    for line in (*map(str, problems), *notes):
        _error(line)
    raise typer.Exit(EXIT_INPUT)


FacilitySelect = Annotated[
    list[str] | None, typer.Option("--facility", help="Only this facility (inventory group); repeatable.")
]
HostsSelect = Annotated[str | None, typer.Option("--hosts", help="Only these hosts, comma-separated.")]
WhereSelect = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="Only hosts whose KEY matches VALUE (key=value; keys: platform, facility, kind, connection, role, "
        "model, serial, location; shell patterns such as location=1F*); repeatable, all must match.",
    ),
]


def _processes(jobs: int | None) -> int:
    return jobs or os.cpu_count() or 1


def _selection(facility: list[str] | None, hosts: str | None, where: list[str] | None) -> Selection:
    from onshi.selection import Selection

    names = tuple(name.strip() for name in (hosts or "").split(",") if name.strip())
    return Selection(tuple(facility or ()), names, tuple(where or ()))


def _load(inventory: Path, selection: Selection | None = None, *, apart: bool = False) -> Inventory:
    """The inventory, narrowed to the selection before anything connects or parses; ``apart``: loaded
    in a child process, leaving this one only the inventory (a fleet's streamed audit)."""
    from onshi.inventory import InventoryError, load_inventory, load_inventory_apart
    from onshi.selection import Selection, SelectionError, select

    try:
        return select((load_inventory_apart if apart else load_inventory)(inventory), selection or Selection())
    except InventoryError as error:
        _refuse(error.problems)
    except SelectionError as error:
        _refuse(error.problems)


def _collect(inventory: Inventory, options: CollectOptions, workers: int) -> list[Collected | CollectError]:
    from onshi.collect import ClusterKeyError, CollectError, resolve_credentials
    from onshi.tasks.collect import collect_inventory

    prompt = _memoised_prompt() if sys.stdin.isatty() else None
    try:
        outcomes = collect_inventory(
            inventory, lambda host: resolve_credentials(host, os.environ, prompt), options, workers
        )
    except ClusterKeyError as error:
        _error(str(error))
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as error:  # the scheduler is not there (distributed raises OSError subclasses)
        _error(f"cannot reach the Dask scheduler at {options.scheduler}: {type(error).__name__}")
        raise typer.Exit(EXIT_INPUT) from None
    for outcome in outcomes:
        if isinstance(outcome, CollectError):
            _error(f"host {outcome.host} ({outcome.platform}): {outcome.reason}")
    return outcomes


def _memoised_prompt() -> Callable[[str, bool], str]:
    """Ask once for the credentials every host without its own shares."""
    from onshi.collect import terminal_prompt

    answers: dict[bool, str] = {}

    def ask(question: str, secret: bool) -> str:
        if secret not in answers:
            answers[secret] = terminal_prompt("Password: " if secret else "Username: ", secret)
        return answers[secret]

    return ask


@app.command("collect")
def collect_command(
    inventory: Annotated[Path, typer.Option(help="Inventory folder.")] = Path("inventory"),
    out: Annotated[Path | None, typer.Option(help="Snapshot folder (default: INVENTORY/configs).")] = None,
    workers: WorkersOption = 10,
    known_hosts: KnownHostsOption = DEFAULT_KNOWN_HOSTS,
    accept_new_host_keys: AcceptNewOption = False,
    connect_timeout: ConnectTimeoutOption = 10.0,
    command_timeout: CommandTimeoutOption = 60.0,
    sanitize: Annotated[bool, typer.Option(help="Also write copies with secrets masked, for sharing.")] = False,
    accept_identity_change: AcceptIdentityOption = False,
    max_output_mb: Annotated[
        int, typer.Option(min=1, max=1024, help="Megabytes one command may print before the host is failed.")
    ] = 32,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    where: WhereSelect = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Collect running configurations and device facts over SSH into snapshots."""
    from onshi.collect import Collected, CollectError, CollectOptions, write_snapshot

    loaded = _load(inventory, _selection(facility, hosts, where))
    target = out if out is not None else inventory / "configs"
    options = CollectOptions(known_hosts, accept_new_host_keys, connect_timeout, command_timeout,
                             accept_identity_change, target, max_output_mb * 1024 * 1024, scheduler)  # fmt: skip
    outcomes = _collect(loaded, options, workers)
    for outcome in outcomes:
        if isinstance(outcome, Collected):
            write_snapshot(target, outcome, sanitize)
    failed = sum(isinstance(o, CollectError) for o in outcomes)
    typer.echo(f"collected {len(outcomes) - failed} of {len(outcomes)} hosts into {target}", err=True)
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)


@app.command("audit")
def audit_command(
    inventory: Annotated[Path, typer.Option(help="Inventory folder (hosts.yaml, groups.yaml, defaults.yaml).")] = Path(
        "inventory"
    ),
    configs: Annotated[
        Path | None, typer.Option(help="Snapshot folder of <host>.cfg (default: INVENTORY/configs).")
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    lang: LangOption = Language.JA,
    fail_on: FailOnOption = FailOn.HIGH,
    workers: WorkersOption = 10,
    jobs: JobsOption = None,
    live: Annotated[bool, typer.Option("--live", help="Collect over SSH now instead of reading snapshots.")] = False,
    known_hosts: KnownHostsOption = DEFAULT_KNOWN_HOSTS,
    accept_new_host_keys: AcceptNewOption = False,
    connect_timeout: ConnectTimeoutOption = 10.0,
    command_timeout: CommandTimeoutOption = 60.0,
    compare_with: Annotated[
        str | None,
        typer.Option(
            "--compare",
            help="Mark findings new, fixed, unchanged against: a previous JSON report, 'last' (each host's latest "
            "run in the store) or a run id of the store.",
        ),
    ] = None,
    store_location: StoreOption = "",
    allow_partial: AllowPartialOption = False,
    accept_identity_change: AcceptIdentityOption = False,
    sample: Annotated[bool, typer.Option("--sample", help="Audit the bundled sample inventory.")] = False,
    split: SplitOption = None,
    show: Annotated[
        Show, typer.Option("--show", help="The table: problems only (fail, manual, waived), or all findings.")
    ] = Show.PROBLEMS,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    where: WhereSelect = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Audit every device of the inventory, from saved snapshots or (--live) collected over SSH."""
    from onshi.collect import CollectOptions
    from onshi.starter import sample_inventory
    from onshi.tasks.audit import audit_collected

    if sample:
        inventory = sample_inventory()
    if compare_with is not None and not _from_store(compare_with):
        _comparison_file_readable(Path(compare_with))
    folder = _split_folder(output) if split is not None else None
    store = _open_store(store_location)
    _stored_run_exists(store, compare_with)
    chosen = _selection(facility, hosts, where)
    if scheduler is not None and not live:
        _error("--scheduler collects on a cluster: it goes with --live")
        raise typer.Exit(EXIT_INPUT)
    if output_format is OutputFormat.JSONL and not live and folder is None:
        if compare_with is not None:  # as before the stream: JSON lines never carried the comparison
            typer.echo("warning: --compare is not shown in JSON lines, written as devices finish; --format json "
                       "(or table, html) shows it", err=True)  # fmt: skip
        source = (inventory, configs, _reading(allow_partial))
        raise typer.Exit(_stream_inventory(source, chosen, _processes(jobs), store, (output, fail_on)))
    if live:
        loaded = _load(inventory, chosen)
        snapshots = configs or inventory / "configs"
        options = CollectOptions(known_hosts, accept_new_host_keys, connect_timeout, command_timeout,
                                 accept_identity_change, snapshots, scheduler=scheduler)  # fmt: skip
        report = audit_collected(loaded, _collect(loaded, options, workers), _reading(allow_partial), _processes(jobs))
    else:
        report = _snapshot_report(inventory, configs, workers, _reading(allow_partial), chosen, _processes(jobs))
    for note in report.notes:
        typer.echo(f"warning: {printable(note)}", err=True)
    comparison = _comparison(report, compare_with, store)  # before this run is recorded: it is not "previous"
    if folder is not None:
        _emit_split(report, output_format, folder, lang, comparison)
    else:
        _emit(report, output_format, output, lang, comparison, show)
    _record(store, report, inventory)
    raise typer.Exit(exit_code(report, fail_on))


def _stream_inventory(
    source: tuple[Path, Path | None, Reading],
    selection: Selection | None,
    processes: int,
    store: Store | None,
    target: tuple[Path | None, FailOn],
) -> int:
    """audit as JSON lines, each facility's written as soon as it is judged (flat memory): the
    workers start before the inventory is read (they do not hold a copy of it), the inventory is read
    in a child process (this one keeps the inventory, not what parsing its YAML left), the waivers are
    applied by the worker that renders the lines, the run's rows for the store wait in a temporary file
    and are recorded at the end in one transaction; the exit code as audit's."""
    from onshi.sources import SnapshotSource
    from onshi.store.rows import row_spool
    from onshi.stream import audit_stream, stream_workers, waived_lines
    from onshi.tasks.audit import inventory_groups
    from onshi.waivers import today, waiver_notes

    (inventory, configs, reading), (output, fail_on) = source, target
    with stream_workers(processes) as pool, row_spool() as spool:
        loaded = _load(inventory, selection, apart=True)
        snapshots = SnapshotSource(_snapshot_folder(inventory, configs))
        generated_at, on, waivers = datetime.now(UTC).isoformat(timespec="seconds"), today(), loaded.waivers
        shape = partial(waived_lines, waivers=waivers, today=on, rows=store is not None)
        used, refused = [0] * len(waivers), list[str]()

        def kept(block: RecordedBlock) -> LinesBlock:  # the store's rows and the waivers' use kept aside
            spool.add(block.rows)
            used[:] = [before + here for before, here in zip(used, block.used, strict=True)]
            refused.extend(block.notes)
            return block.lines

        blocks = audit_stream(inventory_groups(loaded, snapshots, reading), shape, processes, pool)
        totals = _write_json_lines(output, generated_at, map(kept, blocks))
        for note in dict.fromkeys((*refused, *waiver_notes(waivers, used, on))):
            typer.echo(f"warning: {printable(note)}", err=True)
        if store is not None:
            rows = spool.rows()
            _recorded(store, lambda: store.record_rows(generated_at, inventory_hash(inventory), "audit", rows))
    return _exit_for(totals.device_errors > 0, totals.failing, fail_on)


def _comparison_file_readable(path: Path) -> None:
    """Fail before a long audit when the previous report cannot be used."""
    from onshi.report.compare import CompareError, load_previous

    try:
        load_previous(path)
    except CompareError as error:
        _error(str(error))
        raise typer.Exit(EXIT_INPUT) from None


def _running_beside(inventory: Path, configs: Path | None) -> ConfigSource | None:
    """The running configs a facility's generated devices are audited with (its other devices)."""
    from onshi.sources import SnapshotSource

    snapshots = configs if configs is not None else inventory / "configs"
    return SnapshotSource(snapshots) if snapshots.is_dir() else None


def _snapshot_folder(inventory: Path, configs: Path | None) -> Path:
    snapshots = configs if configs is not None else inventory / "configs"
    if not snapshots.is_dir():
        _refuse([f"{snapshots}: snapshot folder not found"])
    return snapshots


def _snapshot_report(
    inventory: Path,
    configs: Path | None,
    workers: int,
    reading: Reading | None = None,
    selection: Selection | None = None,
    processes: int = 1,
) -> AuditReport:
    """The audit of the inventory's snapshots (a whole config each, unless ``reading`` says otherwise)."""
    from onshi.pipeline import Reading
    from onshi.sources import SnapshotSource
    from onshi.tasks.audit import audit_inventory

    loaded = _load(inventory, selection)
    snapshots = SnapshotSource(_snapshot_folder(inventory, configs))
    return audit_inventory(loaded, snapshots, workers, reading or Reading.WHOLE, processes)


def _write_or_print_text(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def _write_or_print(text: str, output: Path | None) -> None:
    # A file gets UTF-8 with a byte-order mark: spreadsheet software then reads the Japanese correctly.
    _write_or_print_text(text if output is None else "\ufeff" + text, output)


ConfigsOption = Annotated[Path | None, typer.Option(help="Snapshot folder (default: INVENTORY/configs).")]
InventoryOption = Annotated[Path, typer.Option(help="Inventory folder.")]


@app.command("ledger")
def ledger_command(
    inventory: InventoryOption = Path("inventory"),
    configs: ConfigsOption = None,
    output: OutputOption = None,
    workers: WorkersOption = 10,
    jobs: JobsOption = None,
    split: SplitOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    where: WhereSelect = None,
) -> None:
    """The asset ledger (機器台帳) as CSV: device, facility, role, platform, model, OS, serial, location."""
    from onshi.report.checklist import ledger_csv

    selection = _selection(facility, hosts, where)
    _csv_export(ledger_csv, inventory, configs, output, (workers, _processes(jobs)), selection, split)


@app.command("checklist")
def checklist_command(
    inventory: InventoryOption = Path("inventory"),
    configs: ConfigsOption = None,
    output: OutputOption = None,
    workers: WorkersOption = 10,
    jobs: JobsOption = None,
    split: SplitOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    where: WhereSelect = None,
    store_location: StoreOption = "",
) -> None:
    """The checklist items (最低限のチェックリスト, 規程例 別表, サイバーセキュリティ対策チェックリスト)
    with verdicts per facility, as CSV. The run is recorded in the history store: each row carries
    its 確認日 (the audit's date, Japan time) and the run id that `onshi history` shows."""
    from onshi.report.checklist import checklist_csv

    store = _open_store(store_location)
    selection = _selection(facility, hosts, where)
    _csv_export(checklist_csv, inventory, configs, output, (workers, _processes(jobs)), selection, split, store=store)


def _csv_export(
    render: Callable[..., str],
    inventory: Path,
    configs: Path | None,
    output: Path | None,
    concurrency: tuple[int, int],
    selection: Selection,
    split: SplitBy | None,
    store: Store | None = None,
) -> NoReturn:
    """Render a CSV export of the audit (per facility with --split); with a store, the run is
    recorded first and the renderer is told its id. ``concurrency``: (threads, processes)."""
    from onshi.report.split import UnsafeFacilityName, file_stem, split_by_facility

    folder = _split_folder(output) if split is not None else None
    workers, processes = concurrency
    report = _snapshot_report(inventory, configs, workers, selection=selection, processes=processes)
    if store is not None:
        render = partial(render, run=_record(store, report, inventory, "checklist"))
    if folder is None:
        _write_or_print(render(report), output)
    else:
        for facility, part in split_by_facility(report).items():
            try:
                _write_or_print(render(part), folder / f"{file_stem(facility)}.csv")
            except UnsafeFacilityName as error:
                _refuse([str(error)])
    raise typer.Exit(EXIT_INPUT if any(d.error for d in report.devices) else EXIT_OK)


@app.command("audit-file")
def audit_file_command(
    files: Annotated[list[Path], typer.Argument(help="Configuration files ('-': standard input).", show_default=False)],
    platform: Annotated[
        str | None,
        typer.Option(help="Platform of the files (netmiko device type), e.g. cisco_ios; default: recognised per file."),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    lang: LangOption = Language.JA,
    fail_on: FailOnOption = FailOn.HIGH,
    allow_partial: AllowPartialOption = False,
    jobs: JobsOption = None,
) -> None:
    """Audit bare configuration files without an inventory (policy-dependent rules report manual)."""
    from onshi.pipeline import audit
    from onshi.platforms import UnknownPlatformError, resolve_platform

    if platform is not None:
        try:
            resolve_platform(platform)
        except UnknownPlatformError as error:
            _error(str(error))
            raise typer.Exit(EXIT_INPUT) from None
    if output_format is OutputFormat.JSONL:
        raise typer.Exit(_stream_files(files, platform, _reading(allow_partial), _processes(jobs), (output, fail_on)))
    report = audit(_file_jobs(files, platform, _reading(allow_partial)), processes=_processes(jobs))
    _emit(report, output_format, output, lang)
    raise typer.Exit(exit_code(report, fail_on))


def _stream_files(
    files: list[Path], platform: str | None, reading: Reading, processes: int, target: tuple[Path | None, FailOn]
) -> int:
    """audit-file as JSON lines, written as each file is judged (flat memory: nothing is kept but the
    counts and the few kilobytes per device that the comparing rules read); the exit code as audit's."""
    from onshi.stream import LONE_PER_GROUP, audit_stream, batches

    output, fail_on = target
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    # Bare files belong to no facility: a few go to a worker together.
    groups = batches(_file_jobs_lazily(files, platform, reading), LONE_PER_GROUP)
    totals = _write_json_lines(output, generated_at, audit_stream(groups, _lines_of, processes))
    return _exit_for(totals.device_errors > 0, totals.failing, fail_on)


def _write_json_lines(output: Path | None, generated_at: str, blocks: Iterable[LinesBlock]) -> JsonLinesTotals:
    """Each block as it comes, then the summary record, to ``output`` (through a temporary file
    renamed at the end) or standard output; the counts for the exit code."""
    from onshi.report.json_report import JsonLinesTotals

    with open_atomic(output) if output is not None else nullcontext(sys.stdout) as handle:
        totals = JsonLinesTotals(handle.write, generated_at)
        for block in blocks:
            totals.add(block)
        totals.summary()
    return totals


def _lines_of(judged: Judged) -> LinesBlock:
    """A group's results as JSON lines, rendered in the worker that judged them."""
    from onshi.report.json_report import json_lines_block

    return json_lines_block(judged.devices, judged.findings)


def _stdin_config() -> ConfigText:
    """``-``: the configuration on standard input (bounded as files are)."""
    from onshi.sources import SourceError, decode

    data = sys.stdin.buffer.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise SourceError(f"standard input: larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MB, not read")
    return decode(data, "<stdin>")


def _file_jobs(files: list[Path], platform: str | None, reading: Reading) -> list[DeviceJob]:
    return list(_file_jobs_lazily(files, platform, reading))


def _file_jobs_lazily(files: list[Path], platform: str | None, reading: Reading) -> Iterator[DeviceJob]:
    """Each file as a job, read when it is asked for (a streamed audit holds only those in flight)."""
    from onshi.pipeline import DeviceJob
    from onshi.platforms.identify import Unrecognised, recognised_platform
    from onshi.sources import SourceError, read_config_file

    seen: dict[str, int] = {}
    for path in files:
        name = "stdin" if str(path) == "-" else path.stem
        seen[name] = seen.get(name, 0) + 1
        host = name if seen[name] == 1 else f"{name}#{seen[name]}"
        try:
            config = _stdin_config() if str(path) == "-" else read_config_file(path)
        except SourceError as error:
            yield DeviceJob(host, platform or "unknown", None, error=str(error))
            continue
        found = platform or recognised_platform(config.text)
        if isinstance(found, Unrecognised):
            yield DeviceJob(host, "unknown", None, error=f"{path}: {found.reason}")
        else:
            yield DeviceJob(host, found, config, reading=reading)


@app.command("generate")
def generate_command(
    inventory: InventoryOption = Path("inventory"),
    out: Annotated[Path, typer.Option(help="Folder for the generated <host>.cfg files.")] = Path("generated"),
    templates: Annotated[
        list[Path] | None, typer.Option("--templates", help="Your template folder, searched before onshi's.")
    ] = None,
    isolation_runbook: Annotated[
        bool,
        typer.Option(
            "--isolation",
            help="Write the incident commands instead, from each router's running config (--configs): "
            "<host>.isolate.cfg and <host>.restore.cfg.",
        ),
    ] = False,
    configs: ConfigsOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    where: WhereSelect = None,
) -> None:
    """Generate each host's baseline config from the policy and data.baseline, audit it with every
    rule, and write the configs that have no fail (secrets come from environment variables)."""
    from onshi.generate.build import GenerateErrors, generate
    from onshi.tasks.generate import render_with_nornir

    loaded = _load(inventory, _selection(facility, hosts, where))
    if isolation_runbook:
        _write_isolation(loaded, out, _snapshot_folder(inventory, configs))
    try:
        result = generate(loaded, out, os.environ, templates or [], renderer=render_with_nornir,
                          beside=_running_beside(inventory, configs))  # fmt: skip
    except GenerateErrors as errors:
        _refuse(errors.problems, "nothing was written")
    generated = {g.host: g for g in result.generated}
    problems = {host: result.problems(host) for host in generated}
    for entry in loaded.hosts:
        if entry.name not in generated:
            typer.echo(f"{entry.name}: skipped (no data.baseline)")
        elif problems[entry.name]:
            for problem in problems[entry.name]:
                typer.echo(f"{entry.name}: NOT written: {problem}", err=True)
        else:
            typer.echo(f"{entry.name}: {generated[entry.name].path} (audited: no fail)")
    raise typer.Exit(EXIT_FINDINGS if any(problems.values()) else EXIT_OK)


ask_app = typer.Typer(no_args_is_help=True, help="Questions answered by the exact engine (what can reach what).")
app.add_typer(ask_app, name="ask")


JsonOption = Annotated[bool, typer.Option("--json", help="Answer as JSON.")]


class DiffFormat(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    HTML = "html"
    JUNIT = "junit"
    SARIF = "sarif"


class Against(enum.StrEnum):
    GENERATED = "generated"


@app.command("diff")
def diff_command(
    before: Annotated[
        Path | None, typer.Argument(help="Snapshots before the change: a folder, or one config with --host.")
    ] = None,
    after: Annotated[
        Path | None, typer.Argument(help="Snapshots after the change: a folder, or one config with --host.")
    ] = None,
    against: Annotated[
        Against | None,
        typer.Option(
            help="generated: the running snapshots (BEFORE, default INVENTORY/configs) against each "
            "host's baseline as generate would write it (secrets from the environment)."
        ),
    ] = None,
    inventory: InventoryOption = Path("inventory"),
    host: Annotated[str | None, typer.Option("--host", help="The inventory host two config files are of.")] = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    lang: LangOption = Language.JA,
    as_json: JsonOption = False,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="table, json, html, or for CI junit or sarif (--json: json).")
    ] = DiffFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """What a change opens and closes: per device (or facility judged as one network) and zone pair, the
    new connections newly let through and newly stopped, each with an example packet and the lines on
    each side, and the rule verdicts that change. Exit 1 when the change newly lets through what the
    policy does not declare, or a rule newly fails; 0 otherwise; 2 on a wrong input."""
    from onshi.report.diff import diff_json, diff_text
    from onshi.report.diff_ci import diff_html, diff_junit, diff_sarif
    from onshi.validators.diff import diff

    selection = _selection(facility, hosts, None)
    if against is Against.GENERATED:
        reports = _against_generated(inventory, before, after, selection)
    elif before is None or after is None:
        _refuse(["diff needs BEFORE and AFTER (or --against generated)"])
    else:
        reports = [_side(inventory, side, host, selection) for side in (before, after)]
    change = diff(reports[0].inputs, reports[1].inputs, (reports[0].findings, reports[1].findings))
    chosen = DiffFormat.JSON if as_json else output_format
    after_files = {device.host: device.file for device in reports[1].devices if device.file}
    rendered = {
        DiffFormat.TABLE: lambda: diff_text(change, lang.value),
        DiffFormat.JSON: lambda: diff_json(change),
        DiffFormat.HTML: lambda: diff_html(change, lang.value),
        DiffFormat.JUNIT: lambda: diff_junit(change),
        DiffFormat.SARIF: lambda: diff_sarif(change, after_files),
    }[chosen]()
    _write_or_print_text(rendered, output)
    raise typer.Exit(EXIT_FINDINGS if change.refused else EXIT_OK)


def _against_generated(
    inventory: Path, before: Path | None, after: Path | None, selection: Selection
) -> list[AuditReport]:
    """The running snapshots against the baselines as generated, for the hosts that have one."""
    from onshi.generate.build import GenerateErrors, baseline_report
    from onshi.sources import SnapshotSource

    if after is not None:
        _refuse([f"{after}: --against generated compares BEFORE (the running snapshots) with the baselines"])
    snapshots = _snapshot_folder(inventory, before)
    try:
        generated = baseline_report(_load(inventory, selection), os.environ, SnapshotSource(snapshots))
    except GenerateErrors as errors:
        _refuse(errors.problems, "nothing was compared")
    names = tuple(device.host for device in generated.devices)
    running = _snapshot_report(inventory, snapshots, 10, selection=replace(selection, hosts=names))
    return [running, generated]


def _side(inventory: Path, side: Path, host: str | None, selection: Selection) -> AuditReport:
    """One side of a diff: the inventory's snapshots in a folder, or one host's config file."""
    from onshi.pipeline import audit
    from onshi.sources import SourceError, read_config_file
    from onshi.tasks.audit import job

    if side.is_dir():
        return _snapshot_report(inventory, side, 10, selection=selection)
    if not side.exists():
        _refuse([f"{side}: no such snapshot folder or config file"])
    if host is None:
        _refuse([f"{side}: a file needs --host (the inventory host it is the config of); folders need none"])
    loaded = _load(inventory)
    if host not in {entry.name for entry in loaded.hosts}:
        _refuse([f"--host {host}: not a host of {inventory}"])
    entry = loaded.host(host)
    try:
        config = read_config_file(side)
    except SourceError as error:
        _refuse([str(error)])
    return audit([job(entry, config, None)])


@ask_app.command("reach")
def ask_reach_command(
    source: Annotated[str, typer.Option("--from", help="A zone (segment, VPN, internet), host or prefix.")],
    destination: Annotated[str, typer.Option("--to", help="A zone (or device), host or prefix.")],
    protocol: Annotated[Protocol, typer.Option(help="The protocol (ip: any).")] = Protocol.IP,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Destination port (tcp, udp).")] = None,
    inventory: InventoryOption = Path("inventory"),
    configs: ConfigsOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    lang: LangOption = Language.JA,
    as_json: JsonOption = False,
) -> None:
    """Can SOURCE open a connection to DESTINATION? Answered for each facility selected (as one network
    where its topology joins its devices) from the snapshots: yes or no, an example packet, its path and
    the lines that let it through. Exit 0: reachable somewhere; 1: nowhere; 2: a wrong question."""
    if port is not None and protocol not in (Protocol.TCP, Protocol.UDP):
        _refuse([f"--port {port}: a port needs --protocol tcp or udp"])
    question = _Question(source, destination, protocol.value, port)
    _answer(question, _snapshot_report(inventory, configs, 10, selection=_selection(facility, hosts, None)), lang,
            as_json)  # fmt: skip


@ask_app.command("path")
def ask_path_command(
    source: Annotated[str, typer.Option("--from", help="An address.")],
    destination: Annotated[str, typer.Option("--to", help="An address.")],
    inventory: InventoryOption = Path("inventory"),
    configs: ConfigsOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    lang: LangOption = Language.JA,
    as_json: JsonOption = False,
) -> None:
    """The path from one address to another (any protocol): the devices crossed, the interfaces in and
    out of each, and the lines that let it through. Exit 0: a path exists; 1: none; 2: a wrong question."""
    import ipaddress

    for end in (source, destination):
        try:
            ipaddress.ip_address(end)
        except ValueError:
            _refuse([f"{end!r} is not an address (ask reach takes zones and prefixes)"])
    report = _snapshot_report(inventory, configs, 10, selection=_selection(facility, hosts, None))
    _answer(_Question(source, destination, "ip", None), report, lang, as_json)


@dataclass(frozen=True)
class _Question:
    source: str
    destination: str
    protocol: str
    port: int | None


def _answer(question: _Question, report: AuditReport, lang: Language, as_json: bool) -> NoReturn:
    from onshi.report.ask import answer_text, answers_json
    from onshi.validators.ask import QuestionError, answering, ask_reach, endpoint

    answers = []
    for inp in answering(list(report.inputs)):
        assert inp.policy is not None  # answering() keeps devices with a policy
        try:
            ends = endpoint(inp.policy, question.source), endpoint(inp.policy, question.destination)
        except QuestionError as error:
            _refuse([f"{inp.facility_name}: {error}"])
        answers.append(ask_reach(inp, *ends, question.protocol, question.port))
    if not answers:
        _refuse(["no device of the selection forwards between zones of a facility policy"])
    if as_json:
        sys.stdout.write(answers_json(answers))
    else:
        sys.stdout.write("".join(answer_text(answer, lang.value) for answer in answers))
    raise typer.Exit(EXIT_OK if any(a.reachable for a in answers) else EXIT_FINDINGS)


@ask_app.command("exposure")
def ask_exposure_command(
    inventory: InventoryOption = Path("inventory"),
    configs: ConfigsOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    lang: LangOption = Language.JA,
    as_json: JsonOption = False,
) -> None:
    """What the internet can open, per facility (as one network where its topology joins its devices):
    by zone, each destination address and service, from the snapshots. Exit 0 when nothing, 1 otherwise."""
    from onshi.report.ask import exposure_json, exposure_text
    from onshi.validators.ask import answering, ask_exposure

    report = _snapshot_report(inventory, configs, 10, selection=_selection(facility, hosts, None))
    exposures = {inp.host: ask_exposure(inp) for inp in answering(list(report.inputs))}
    if as_json:
        sys.stdout.write(exposure_json(exposures))
    else:
        sys.stdout.write("".join(exposure_text(host, found, lang.value) for host, found in exposures.items()))
    raise typer.Exit(EXIT_FINDINGS if any(exposures.values()) else EXIT_OK)


@app.command("verify")
def verify_command(
    inventory: InventoryOption = Path("inventory"),
    configs: ConfigsOption = None,
    live: Annotated[bool, typer.Option("--live", help="Collect the running configs over SSH now.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write <host>.remediation.cfg here (mode 0600). Passwords the device stores hashed are written "
            "hashed; a file that must carry a secret in clear to be applied (a PPPoE password, a pre-shared key) "
            "says so in its first lines."
        ),
    ] = None,
    templates: Annotated[list[Path] | None, typer.Option("--templates", help="Your template folder.")] = None,
    lang: LangOption = Language.JA,
    fail_on: FailOnOption = FailOn.HIGH,
    workers: WorkersOption = 10,
    jobs: JobsOption = None,
    known_hosts: KnownHostsOption = DEFAULT_KNOWN_HOSTS,
    accept_new_host_keys: AcceptNewOption = False,
    connect_timeout: ConnectTimeoutOption = 10.0,
    command_timeout: CommandTimeoutOption = 60.0,
    accept_identity_change: AcceptIdentityOption = False,
    output_format: Annotated[VerifyFormat, typer.Option("--format", "-f", help="Output format.")] = VerifyFormat.TABLE,
    output: OutputOption = None,
    facility: FacilitySelect = None,
    hosts: HostsSelect = None,
    where: WhereSelect = None,
) -> None:
    """Intended (generated) against running config: the audit of the running config, the drift both
    ways, and the remediation commands. Exit 1 on drift or a failing finding."""
    from onshi.collect import CollectOptions
    from onshi.generate.build import GenerateErrors
    from onshi.generate.verify import verify
    from onshi.report.drift import drift_text, remediation_file, verification_json
    from onshi.report.table import render_table
    from onshi.sources import SnapshotSource
    from onshi.tasks.audit import audit_fetched, collected_texts, snapshot_texts

    loaded = _load(inventory, _selection(facility, hosts, where))
    if live:
        options = CollectOptions(known_hosts, accept_new_host_keys, connect_timeout, command_timeout,
                                 accept_identity_change, configs or inventory / "configs")  # fmt: skip
        running = collected_texts(loaded, _collect(loaded, options, workers))
    else:
        running = snapshot_texts(loaded, SnapshotSource(_snapshot_folder(inventory, configs)))
    # The same texts the drift is computed from, read once.
    report = audit_fetched(loaded, running, processes=_processes(jobs))
    try:
        results = verify(loaded, running, os.environ, templates or [])
    except GenerateErrors as errors:
        _refuse(errors.problems)
    verified = {result.host for result in results}
    skipped = [entry.name for entry in loaded.hosts if entry.name not in verified]
    if output_format is VerifyFormat.JSON:
        _write_or_print_text(verification_json(report, results, skipped), output)
    else:
        console = _recording_console() if output is not None else None
        render_table(report, lang.value, console)
        text = drift_text(results) + "".join(f"== {host}: skipped (no data.baseline: nothing intended)\n"
                                             for host in skipped)  # fmt: skip
        _write_or_print_text((console.export_text() if console else "") + text, output)
    for result in results:
        if out is not None and result.drift is not None and not result.drift.in_sync:
            write_atomic(within(out, result.host, ".remediation.cfg"), remediation_file(result), mode=0o600)
    drifted = any(r.drift is None or not r.drift.in_sync for r in results)
    code = exit_code(report, fail_on)
    raise typer.Exit(EXIT_INPUT if code == EXIT_INPUT or any(r.error for r in results) else max(code, int(drifted)))


def _write_isolation(inventory: Inventory, out: Path, snapshots: Path) -> None:
    """MHLW6 18 ①: per router and firewall, from its running config, the commands that cut the
    external network at once and restore it; a host without a running config, or whose cut the
    engine cannot prove, gets none (said why, exit 2)."""
    from onshi.generate.isolate import Refused, runbook_files, runbooks
    from onshi.sources import SnapshotSource
    from onshi.tasks.audit import snapshot_texts

    platforms = {entry.name: entry.platform for entry in inventory.hosts}
    refused = False
    for outcome in runbooks(inventory, snapshot_texts(inventory, SnapshotSource(snapshots))):
        if isinstance(outcome, Refused):
            _error(f"host {outcome.host}: no isolation runbook: {outcome.reason}")
            refused = True
            continue
        for kind, text in runbook_files(outcome, platforms[outcome.host]).items():
            write_atomic(within(out, outcome.host, f".{kind}.cfg"), text, mode=0o600)
        typer.echo(f"{outcome.host}: cuts {', '.join(outcome.cut)}: {out / outcome.host}.isolate.cfg, "
                   f"{out / outcome.host}.restore.cfg")  # fmt: skip
    raise typer.Exit(EXIT_INPUT if refused else EXIT_OK)


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="Folder for the new inventory.", show_default=False)],
) -> None:
    """Write a starter inventory (one clinic, its router and a snapshot), commented, to audit at once."""
    from onshi.starter import write_starter

    for path in write_starter(folder):
        typer.echo(f"wrote {path}")
    typer.echo(f"next: onshi audit --inventory {folder}")


@app.command("history")
def history_command(
    store_location: StoreOption = "",
    facility: Annotated[str | None, typer.Option("--facility", help="A facility's trend: its devices only.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many runs, newest first.")] = 20,
) -> None:
    """The audit runs recorded in the history store, newest first, with their counts (a facility's
    trend with --facility)."""
    from rich.console import Console
    from rich.table import Table

    store = _open_store(store_location or str(default_location()))  # asked for: an error if it cannot open
    if store is None:
        _refuse(["history needs a store (--store is none)"])
    table = Table(title=f"{shown(store.url)}" + (f" — {facility}" if facility else ""), title_justify="left")
    for column in ("run", "started at", "onshi", "devices", "fail", "manual", "waived"):
        table.add_column(column, justify="right" if column not in ("started at", "onshi") else "left")
    for run in store.runs(facility, limit):
        table.add_row(str(run.id), run.started_at, run.onshi_version, str(run.devices), str(run.fails),
                      str(run.manual), str(run.waived))  # fmt: skip
    Console().print(table)


@app.command("cluster-key")
def cluster_key_command() -> None:
    """Print a new cluster key for --scheduler: set it as ONSHI_CLUSTER_KEY where onshi runs and on every
    collector worker (credentials travel between them sealed with it)."""
    from cryptography.fernet import Fernet

    typer.echo(Fernet.generate_key().decode())


@app.command("schema")
def schema_command(
    output: OutputOption = None,
    files: Annotated[
        Path | None,
        typer.Option(
            "--files",
            help="Write hosts.schema.json, groups.schema.json, defaults.schema.json and waivers.schema.json here.",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the inventory data (facility policy and host data); --files writes one
    schema per inventory file for yaml-language-server (`# yaml-language-server: $schema=hosts.schema.json`)."""
    from onshi.policy import file_schemas, json_schema
    from onshi.waivers import json_schema as waivers_schema

    if files is not None:
        for name, schema in {**file_schemas(), "waivers.schema.json": waivers_schema()}.items():
            write_atomic(files / name, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
            typer.echo(f"wrote {files / name}")
        return
    _write_or_print_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", output)


class _WithoutNetworkx(importlib.abc.MetaPathFinder):
    """dd imports networkx when it is installed (a tenth of a second), only to export BDDs as graphs,
    which onshi never does; dd runs without it. The command-line process is onshi's own, so it goes
    without: a one-file audit starts that much sooner. (The library, imported by others, is left as is.)"""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == "networkx" or fullname.startswith("networkx."):
            raise ModuleNotFoundError(f"{fullname} is not loaded by the onshi command", name=fullname)


def main() -> None:
    if "networkx" not in sys.modules:
        sys.meta_path.insert(0, _WithoutNetworkx())
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Per-host failures are reported as error rows; the libraries' own tracebacks are noise (and
    # nothing of theirs should reach a terminal that a vendor's customer might be watching).
    for name in ("nornir", "paramiko", "netmiko"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        app()
    except (OSError, UnsafePath) as error:
        # A file onshi could not read or write is an input or output problem: one line, exit 2,
        # never a traceback (which reads as "findings", exit 1).
        place = f"{error.filename}: " if isinstance(error, OSError) and error.filename else ""
        _error(str(error) if isinstance(error, UnsafePath) else f"{place}{error.strerror or error}")
        raise SystemExit(EXIT_INPUT) from None
    finally:
        no_collections_at_exit()  # the command is done: only the process's exit is left
