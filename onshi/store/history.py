"""The history store: every audit run recorded, so that the next one names what is new, fixed and
persisting, and a facility's trend can be shown.

SQLite by default (a file under the user's data directory), PostgreSQL by URL for a team. Opening a
store migrates it to the current schema in place (Alembic); two processes opening or writing one
store at once lose nothing: a run is one transaction, SQLite waits for its lock, and the migration
itself is serialised (a file lock for SQLite, an advisory lock for PostgreSQL).
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, case, create_engine, event, func, insert, select, text

from onshi import __version__
from onshi.model import Status
from onshi.pipeline import AuditReport
from onshi.store import StoreError, shown
from onshi.store.rows import Row, Table, config_digest, run_rows
from onshi.store.schema import devices, findings, runs

_MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK = 0x6F6E736869  # "onshi": the advisory lock that serialises migrations on PostgreSQL


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    started_at: str
    onshi_version: str
    devices: int
    fails: int
    manual: int
    waived: int


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = _engine(url)
            self._migrate()
        except Exception as error:  # a driver's own error may quote the URL: name the store ourselves
            raise StoreError(f"history store {shown(url)}: {type(error).__name__}") from None

    # --- opening ---------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        with self._migration_lock(), self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not database:
            yield
            return
        lock_path = Path(database + ".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # --- writing ---------------------------------------------------------------------------------------

    def record(self, report: AuditReport, inventory_hash: str, command_line: str) -> int:
        """The run as one transaction; its id."""
        digests = {inp.host: config_digest(inp.device.source.lines) for inp in report.inputs}
        rows = run_rows(report.devices, report.findings, digests)
        return self.record_rows(report.generated_at, inventory_hash, command_line, rows)

    def record_rows(self, started_at: str, inventory_hash: str, command_line: str, rows: Iterable[Row]) -> int:
        """A run given as its rows (of :func:`~onshi.store.rows.run_rows`), as one transaction; its id."""
        try:
            with self.engine.begin() as connection:
                return _record(connection, started_at, inventory_hash, command_line, rows)
        except Exception as error:
            raise StoreError(
                f"history store {shown(self.url)}: the run was not recorded ({type(error).__name__})"
            ) from None

    # --- reading ---------------------------------------------------------------------------------------

    def runs(self, facility: str | None = None, limit: int = 20) -> list[RunSummary]:
        """The latest runs, newest first (with a facility: its devices' counts, the runs that audited it)."""
        counted = select(
            findings.c.run_id,
            *(func.sum(case((findings.c.status == status.value, 1), else_=0)).label(status.value)
              for status in (Status.FAIL, Status.MANUAL, Status.WAIVED)),
        )  # fmt: skip
        audited = select(devices.c.run_id, func.count().label("devices"))
        if facility is not None:
            counted = counted.where(findings.c.facility == facility)
            audited = audited.where(devices.c.facility == facility)
        counted_sub = counted.group_by(findings.c.run_id).subquery()
        audited_sub = audited.group_by(devices.c.run_id).subquery()
        query = (
            select(runs.c.id, runs.c.started_at, runs.c.onshi_version, audited_sub.c.devices,
                   counted_sub.c.fail, counted_sub.c.manual, counted_sub.c.waived)
            .join(audited_sub, audited_sub.c.run_id == runs.c.id)
            .outerjoin(counted_sub, counted_sub.c.run_id == runs.c.id)
            .order_by(runs.c.id.desc())
            .limit(limit)
        )  # fmt: skip
        with self.engine.connect() as connection:
            return [RunSummary(row.id, row.started_at, row.onshi_version, row.devices or 0, row.fail or 0,
                               row.manual or 0, row.waived or 0) for row in connection.execute(query)]  # fmt: skip

    def has_run(self, run: int) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(select(runs.c.id).where(runs.c.id == run)).first() is not None

    def previous_failures(self, hosts: Sequence[str], run: int | None = None) -> tuple[str, list[dict[str, Any]]]:
        """The failing findings each host had when last audited (in run ``run``, if given) as the JSON
        report writes them, and a name for that baseline."""
        latest = _latest_runs_query(hosts, run).subquery()
        query = (
            select(findings)
            .join(latest, (findings.c.host == latest.c.host) & (findings.c.run_id == latest.c.run_id))
            .where(findings.c.status == Status.FAIL.value)
        )  # one query, however many hosts
        with self.engine.connect() as connection:
            rows = [_as_report_finding(row) for row in connection.execute(query)]
            runs_used = sorted({row.run_id for row in connection.execute(select(latest.c.run_id))})
        return f"{shown(self.url)} run {', '.join(map(str, runs_used)) or '-'}", rows


def _as_report_finding(row: Any) -> dict[str, Any]:
    """A stored finding as the JSON report writes one (what the comparison reads)."""
    return {"host": row.host, "rule": row.rule, "status": row.status,
            "message": {"en": row.message_en, "ja": row.message_ja}}  # fmt: skip


def _latest_runs_query(hosts: Sequence[str], run: int | None) -> Any:
    """Per host, the latest run that audited it (read without error), or ``run`` itself."""
    query = (
        select(devices.c.host, func.max(devices.c.run_id).label("run_id"))
        .where(devices.c.host.in_(list(hosts)), devices.c.error.is_(None))
        .group_by(devices.c.host)
    )
    return query.where(devices.c.run_id == run) if run is not None else query


def _record(connection: Connection, started_at: str, inventory_hash: str, command: str, rows: Iterable[Row]) -> int:
    inserted = connection.execute(insert(runs).values(
        started_at=started_at, onshi_version=__version__, inventory_hash=inventory_hash, command=command[:200],
    ))  # fmt: skip
    run_id = inserted.inserted_primary_key[0] if inserted.inserted_primary_key else None
    if run_id is None:
        raise StoreError("the store returned no run id")
    pending: dict[Table, list[dict[str, Any]]] = {"devices": [], "findings": []}
    for table, row in rows:
        batch = pending[table]
        batch.append({"run_id": run_id, **row})
        if len(batch) >= _BATCH:
            connection.execute(insert(_TABLES[table]), batch)
            batch.clear()
    for table, batch in pending.items():
        if batch:
            connection.execute(insert(_TABLES[table]), batch)
    return int(run_id)


_TABLES = {"devices": devices, "findings": findings}
_BATCH = 5000  # rows per insert: a fleet's rows are read from a spool, never all held


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)
