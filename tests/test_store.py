"""The history store, on SQLite and on a real PostgreSQL server the session starts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from onshi.cli import app
from onshi.store.history import Store
from tests.helpers import SAMPLE_INVENTORY
from tests.postgres import postgres_server

runner = CliRunner()
MIGRATIONS = Path(__file__).resolve().parents[1] / "onshi" / "store" / "migrations"


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite'}"
    server: str = request.getfixturevalue("postgres")
    database = f"t{abs(hash(request.node.nodeid)) % 10**9}"
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    return server.rsplit("/", 1)[0] + f"/{database}"


def _audit(inventory: Path, store: str, *arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "--inventory", str(inventory), "--store", store, *arguments])
    return result.exit_code, result.output


def test_a_fix_between_two_runs_is_named_fixed_in_every_format(tmp_path: Path, store_url: str) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, inventory)
    _audit(inventory, store_url, "--hosts", "himawari-rtr1", "-f", "json", "-o", str(tmp_path / "first.json"))
    [first] = Store(store_url).runs()
    config = inventory / "configs" / "himawari-rtr1.cfg"
    forward = b"nat descriptor masquerade static 1000 3 192.168.20.50 tcp 3389\n"
    assert forward in config.read_bytes()
    config.write_bytes(config.read_bytes().replace(forward, b""))  # the RDP port forward is removed
    outputs = {}
    for output_format in ("json", "html", "table"):
        target = tmp_path / f"second.{output_format}"
        # Each run is recorded too: against the first run by its id ("last" is tested below).
        code, output = _audit(inventory, store_url, "--hosts", "himawari-rtr1", "--compare", str(first.id), "-f",
                              output_format, "-o", str(target), "--lang", "en")  # fmt: skip
        assert code == 1, output
        outputs[output_format] = target.read_text(encoding="utf-8")
    fixed = json.loads(outputs["json"])["comparison"]["fixed_findings"]
    assert [(f["host"], f["rule"]) for f in fixed if "3389" in f["message"]["en"]] == [("himawari-rtr1", "EXT-02")]
    message = next(f["message"]["en"] for f in fixed if f["rule"] == "EXT-02")
    assert f"fixed: himawari-rtr1 EXT-02 {message}" in outputs["table"]
    assert "fixed: himawari-rtr1 EXT-02" in outputs["html"]
    persisting = [f for f in json.loads(outputs["json"])["findings"] if f.get("change") == "unchanged"]
    assert persisting  # the rest persists, named per finding
    code, output = _audit(inventory, store_url, "--hosts", "himawari-rtr1", "--compare", "last", "-f", "json",
                          "-o", str(tmp_path / "third.json"))  # fmt: skip
    latest = json.loads((tmp_path / "third.json").read_text(encoding="utf-8"))["comparison"]
    assert (latest["new"], latest["fixed"]) == (0, 0)  # against the run just before: nothing changed since


def test_comparing_with_a_run_the_store_does_not_have_is_an_input_error(tmp_path: Path, store_url: str) -> None:
    code, output = _audit(SAMPLE_INVENTORY, store_url, "--compare", "41", "-f", "json", "-o", str(tmp_path / "r.json"))
    assert code == 2
    assert "--compare 41: no run 41 in" in output
    assert not (tmp_path / "r.json").exists()


def test_history_lists_runs_and_a_facility_trend(tmp_path: Path, store_url: str) -> None:
    for _ in range(2):
        _audit(SAMPLE_INVENTORY, store_url, "-f", "json", "-o", str(tmp_path / "r.json"))
    result = runner.invoke(app, ["history", "--store", store_url, "--facility", "clinic_kiri"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "0.1" in line or "│" in line]
    assert len([line for line in rows if "clinic_kiri" not in line and line.count("│") > 3]) == 2
    runs = Store(store_url).runs("clinic_kiri")
    assert [run.devices for run in runs] == [2, 2]


def test_an_older_store_is_migrated_in_place(store_url: str) -> None:
    engine = create_engine(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # the store as the first release wrote it
        connection.execute(text("INSERT INTO runs (started_at, onshi_version, inventory_hash, command) "
                                "VALUES ('2026-11-01T09:00:00+09:00', '0.0.9', 'abc', 'audit')"))  # fmt: skip
        run = connection.execute(text("SELECT id FROM runs")).scalar_one()
        connection.execute(text("INSERT INTO devices (run_id, host, facility, platform, lines) "
                                f"VALUES ({run}, 'old-rtr1', 'clinic_old', 'cisco_ios', 10)"))  # fmt: skip
    assert "unrecognized" not in {c["name"] for c in inspect(engine).get_columns("devices")}
    engine.dispose()
    store = Store(store_url)
    assert "unrecognized" in {c["name"] for c in inspect(store.engine).get_columns("devices")}
    assert [(r.onshi_version, r.devices) for r in store.runs("clinic_old")] == [("0.0.9", 1)]


WRITER = """
import sys
from pathlib import Path
from onshi.inventory import load_inventory
from onshi.sources import SnapshotSource
from onshi.store.history import Store
from onshi.tasks.audit import audit_inventory

inventory = Path(sys.argv[2])
report = audit_inventory(load_inventory(inventory), SnapshotSource(inventory / "configs"))
store = Store(sys.argv[1])
for _ in range(int(sys.argv[3])):
    store.record(report, "h", "audit")
print(len(report.findings))
"""


def test_two_processes_writing_one_store_lose_nothing(store_url: str) -> None:
    runs_each = 8
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(SAMPLE_INVENTORY), str(runs_each)],
                                stdout=subprocess.PIPE, text=True, env=env) for _ in range(2)]  # fmt: skip
    outputs = [writer.communicate(timeout=300)[0] for writer in writers]
    assert all(writer.returncode == 0 for writer in writers)
    per_run = int(outputs[0].strip())
    store = Store(store_url)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM runs")).scalar_one() == 2 * runs_each
        assert connection.execute(text("SELECT count(*) FROM findings")).scalar_one() == 2 * runs_each * per_run


def test_a_store_asked_for_that_cannot_be_opened_is_an_input_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    code, output = _audit(SAMPLE_INVENTORY, str(blocked / "history.sqlite"), "-f", "json", "-o",
                          str(tmp_path / "r.json"))  # fmt: skip
    assert code == 2
    assert "history store" in output
    assert not (tmp_path / "r.json").exists()  # refused before any work, rather than audited unrecorded


def test_the_default_store_unwritable_loses_no_report(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")  # the user's data directory cannot be made here
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(report)],
                           env={"ONSHI_STORE": "", "XDG_DATA_HOME": str(blocked)})  # fmt: skip
    assert result.exit_code == 1, result.output  # the sample's findings, not an error
    assert "this run is not recorded" in result.output
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["devices"] > 0


def _run_rows(url: str, run: int) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: sorted(tuple(row) for row in connection.execute(text(
                    f"SELECT {columns} FROM {table} WHERE run_id = :run"), {"run": run}))
                for table, columns in (
                    ("devices", "host, facility, platform, lines, unrecognized, error, config_sha256"),
                    ("findings", "host, facility, rule, severity, status, message_en, message_ja, waiver_reason"),
                )
            }  # fmt: skip
    finally:
        engine.dispose()


def test_a_streamed_run_is_recorded_as_a_whole_run_is(tmp_path: Path, store_url: str) -> None:
    """`audit -f jsonl` records its rows at the end, from a spool, in one transaction: the store holds
    what a whole run records, down to each configuration's digest."""
    whole = _audit(SAMPLE_INVENTORY, store_url, "-f", "json", "-o", str(tmp_path / "r.json"))
    streamed = _audit(SAMPLE_INVENTORY, store_url, "-f", "jsonl", "-o", str(tmp_path / "r.jsonl"), "--jobs", "2")
    assert whole[0] == streamed[0] == 1
    assert "recorded as run 2 in" in streamed[1]
    first, second = _run_rows(store_url, 1), _run_rows(store_url, 2)
    assert first == second
    assert all(row[-1] for row in first["devices"])  # every device read has its configuration's digest
