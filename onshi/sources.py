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

from onshi.platforms.base import DeviceFacts

# Japanese descriptions arrive in any of these; CP932 (Windows-31J) extends Shift_JIS with NEC and
# IBM characters (①, ㈱ ...), so Shift_JIS is tried first to report the narrower name when it fits.
ENCODINGS = ("utf-8", "shift_jis", "cp932")


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


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError(f"{path}: no such snapshot file") from error
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
        path = self.directory / f"{host}.cfg"
        data = _read_bytes(path)
        metadata = _metadata(self.directory / f"{host}.json")
        config = decode(data, str(path))
        if metadata is None:
            return config
        recorded = metadata.get("sha256")
        if isinstance(recorded, str) and recorded != hashlib.sha256(data).hexdigest():
            # Yamaha prints no trailer and FortiOS may stop between two blocks: a snapshot cut or
            # edited after collection shows only here.
            raise SourceError(f"{path}: changed since it was collected (its sha256 is not the one recorded in "
                              f"{host}.json): cut short or edited; collect it again")  # fmt: skip
        facts = metadata.get("facts") or {}
        return replace(
            config,
            facts=DeviceFacts(facts.get("model"), facts.get("serial"), facts.get("os_version"), facts.get("hostname")),
            collected_at=metadata.get("collected_at"),
        )


def _metadata(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise SourceError(f"{path}: unreadable snapshot metadata ({type(error).__name__})") from error
    return loaded if isinstance(loaded, dict) else None


@dataclass(frozen=True)
class MemorySource:
    texts: Mapping[str, str]

    def fetch(self, host: str) -> ConfigText:
        if host not in self.texts:
            raise SourceError(f"{host}: no configuration")
        return ConfigText(self.texts[host], f"{host}.cfg", "utf-8")
