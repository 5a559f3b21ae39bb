"""A run's rows as the history store keeps them, made without the store (no SQLAlchemy): a worker of
a streamed audit makes its devices' and findings' rows as it renders them, and the command records
them all at the end, in one transaction."""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any, Literal

from onshi.model import Finding
from onshi.pipeline import DeviceReport

Table = Literal["devices", "findings"]
Row = tuple[Table, dict[str, Any]]  # the table and the row (without its run id)


def config_digest(lines: Sequence[str]) -> str:
    """Of the configuration as parsed (masked lines): identifies the config without storing a secret."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def run_rows(devices: Iterable[DeviceReport], findings: Iterable[Finding], digests: Mapping[str, str]) -> list[Row]:
    """The rows of these devices (``digests``: their configs', by host) and findings."""
    rows: list[Row] = [
        ("devices", {"host": d.host, "facility": d.facility, "platform": d.platform, "lines": d.lines,
                     "unrecognized": len(d.unrecognized), "error": d.error, "config_sha256": digests.get(d.host)})
        for d in devices
    ]  # fmt: skip
    rows += [
        ("findings", {"host": f.host, "facility": f.facility, "rule": f.rule, "severity": f.severity.value,
                      "status": f.status.value, "message_en": f.message.en, "message_ja": f.message.ja,
                      "waiver_reason": f.waiver.reason if f.waiver else None})
        for f in findings
    ]  # fmt: skip
    return rows


class RowSpool:
    """Rows kept in a file as they come (a streamed fleet audit holds none of them in memory), read
    back in the order they were added."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def add(self, rows: Sequence[Row]) -> None:
        if rows:
            pickle.dump(list(rows), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def rows(self) -> Iterator[Row]:
        self._file.seek(0)
        while True:
            try:
                chunk: list[Row] = pickle.load(self._file)  # written above by this process, to an unlinked file
            except EOFError:
                return
            yield from chunk


@contextmanager
def row_spool() -> Iterator[RowSpool]:
    """A spool in a temporary file that no other process can open (unlinked at once), gone after."""
    with tempfile.TemporaryFile(prefix="onshi-rows-") as file:
        yield RowSpool(file)
