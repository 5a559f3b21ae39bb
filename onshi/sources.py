"""Where configuration text comes from: the :class:`ConfigSource` seam.

:class:`SnapshotSource` reads saved snapshots (``<dir>/<host>.cfg``); :class:`MemorySource` is the
first-class fake that serves text from a mapping (tests, and callers that already hold the text).
Live collection over SSH is another implementation of the same protocol.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from onshi.files import MAX_CONFIG_BYTES, UnsafePath, read_bounded, within
from onshi.platforms.base import DeviceFacts

# Japanese descriptions arrive in any of these; CP932 (Windows-31J) extends Shift_JIS with NEC and
# IBM characters (①, ㈱ ...), so Shift_JIS is tried first to report the narrower name when it fits.
ENCODINGS = ("utf-8", "shift_jis", "cp932")


_METADATA_BYTES = 1024 * 1024


class SourceError(Exception):
    """A host's configuration could not be obtained; the message names the host and the file."""


@dataclass(frozen=True, slots=True)
class ConfigText:
    text: str
    file: str
    encoding: str
    facts: DeviceFacts | None = None  # from `show version` when collected (live, or saved beside it)
    collected_at: str | None = None


def decode(data: bytes, file: str) -> ConfigText:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    errors = []
    for encoding in ENCODINGS:
        try:
            return ConfigText(data.decode(encoding), file, encoding)
        except UnicodeDecodeError as error:
            errors.append(f"{encoding}: byte {error.start}")
    raise SourceError(f"{file}: not valid UTF-8, Shift_JIS or CP932 ({'; '.join(errors)})")


def read_config_file(path: Path) -> ConfigText:
    return decode(_read_bytes(path), str(path))


def _read_bytes(path: Path, limit: int = MAX_CONFIG_BYTES) -> bytes:
    try:
        return read_bounded(path, limit)
    except FileNotFoundError as error:
        raise SourceError(f"{path}: no such snapshot file") from error
    except UnsafePath as error:
        raise SourceError(str(error)) from error
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror})") from error


class ConfigSource(Protocol):
    def fetch(self, host: str) -> ConfigText:
        """The host's configuration; raises :class:`SourceError`."""
        ...


@dataclass(frozen=True)
class SnapshotSource:
    """``<directory>/<host>.cfg``, with the facts of ``<host>.json`` when ``onshi collect`` wrote one."""

    directory: Path

    def fetch(self, host: str) -> ConfigText:
        try:
            path, meta = within(self.directory, host, ".cfg"), within(self.directory, host, ".json")
        except UnsafePath as error:
            raise SourceError(f"host {host}: {error}") from error
        data = _read_bytes(path)
        metadata = _metadata(meta)
        config = decode(data, str(path))
        if metadata is None:
            return config
        recorded = metadata.get("sha256")
        if isinstance(recorded, str) and recorded != hashlib.sha256(data).hexdigest():
            # Yamaha prints no trailer and FortiOS may stop between two blocks: a snapshot cut or
            # edited after collection shows only here.
            raise SourceError(f"{path}: changed since it was collected (its sha256 is not the one recorded in "
                              f"{host}.json): cut short or edited; collect it again")  # fmt: skip
        return replace(config, facts=_facts(metadata), collected_at=_text(metadata.get("collected_at")))

    def recorded_facts(self, host: str) -> DeviceFacts | None:
        """The facts ``<host>.json`` recorded at collection, without reading the configuration."""
        try:
            metadata = _metadata(within(self.directory, host, ".json"))
        except UnsafePath as error:
            raise SourceError(f"host {host}: {error}") from error
        return None if metadata is None else _facts(metadata)


def _facts(metadata: dict[str, Any]) -> DeviceFacts:
    facts = metadata.get("facts")
    fact = facts.get if isinstance(facts, dict) else {}.get
    return DeviceFacts(*(_text(fact(key)) for key in ("model", "serial", "os_version", "hostname")))


def _text(value: object) -> str | None:
    """A metadata value as text; anything else a hand-edited file put there is ignored."""
    return value if isinstance(value, str) else None


def _metadata(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        loaded = json.loads(_read_bytes(path, _METADATA_BYTES).decode("utf-8"))
    except (SourceError, ValueError) as error:
        raise SourceError(f"{path}: unreadable snapshot metadata ({type(error).__name__})") from error
    return loaded if isinstance(loaded, dict) else None


@dataclass(frozen=True)
class MemorySource:
    texts: Mapping[str, str]

    def fetch(self, host: str) -> ConfigText:
        if host not in self.texts:
            raise SourceError(f"{host}: no configuration")
        return ConfigText(self.texts[host], f"{host}.cfg", "utf-8")
