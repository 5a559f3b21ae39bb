from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from onshi.inventory import load_inventory
from onshi.pipeline import AuditReport
from onshi.sources import SnapshotSource
from onshi.tasks.audit import audit_inventory
from tests.helpers import CORPUS, SAMPLE_INVENTORY

_STORE_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Audits run by the tests record into a throw-away history store, never the user's own (the
    variable reaches the CLI in process and in the subprocesses tests start)."""
    if "ONSHI_STORE" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="onshi-store-"))
        config.stash[_STORE_FOLDER] = folder
        os.environ["ONSHI_STORE"] = str(folder / "history.sqlite")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The throw-away store goes with the session (a user's own store is never touched)."""
    folder = config.stash.get(_STORE_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files of rendered output.")


@pytest.fixture(scope="session")
def sample_report() -> AuditReport:
    inventory = load_inventory(SAMPLE_INVENTORY)
    return audit_inventory(inventory, SnapshotSource(SAMPLE_INVENTORY / "configs"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def seeds_text(corpus_dir: Path) -> str:
    """Every seed document with all whitespace removed (PDF extraction breaks lines anywhere)."""
    seeds = corpus_dir.parent / "seeds"
    return "".join("".join(path.read_text(encoding="utf-8").split()) for path in sorted(seeds.glob("*.txt")))
