"""The history store: every audit run, its devices and findings, in SQLite or PostgreSQL.

What every command needs to name a store lives here; the store itself (``history``: SQLAlchemy and
Alembic, some 0.2 s to import) is loaded only when one is opened, as the platform drivers are.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from onshi.store.history import Store


class StoreError(Exception):
    """The store cannot be opened or written; the message names it (never its password)."""


def default_location() -> Path:
    return Path(platformdirs.user_data_dir("onshi")) / "history.sqlite"


def url_of(location: str) -> str:
    """A store argument as a SQLAlchemy URL: a PostgreSQL URL, or a path to a SQLite file."""
    if location.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + location.split("://", 1)[1]
    if location.startswith(("postgresql+", "sqlite:")):
        return location
    return f"sqlite:///{Path(location).expanduser()}"


def shown(url: str) -> str:
    """A store for messages: a PostgreSQL URL without its password."""
    head, at, tail = url.rpartition("@")
    if not at or "://" not in head:
        return url
    scheme, credentials = head.split("://", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{tail}"


def inventory_hash(directory: Path) -> str:
    """sha256 over the inventory files as they are (which inventory a run audited)."""
    digest = hashlib.sha256()
    for name in ("hosts.yaml", "groups.yaml", "defaults.yaml", "waivers.yaml"):
        path = directory / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return digest.hexdigest()


def open_store(url: str) -> Store:
    """The store at ``url``, migrated to the current schema."""
    history = importlib.import_module("onshi.store.history")
    store: Store = history.Store(url)
    return store
