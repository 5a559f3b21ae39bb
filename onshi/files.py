"""Files onshi reads and writes: atomic writes (a reader sees the old file or the new one, never half
of one), paths that stay inside their folder, and reads bounded to regular files of a sane size."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, cast

import yaml

# A host name becomes a file name (`<host>.cfg`): letters (any script), digits and `._-@+`, not
# starting with a dot, at most 100 characters. Anything else could name a path outside the folder.
_SAFE_NAME = re.compile(r"^[^\W_][\w.@+-]{0,99}$")
MAX_CONFIG_BYTES = 32 * 1024 * 1024  # the largest FortiOS full configuration seen is a few MB


# libyaml's safe loader where PyYAML was built with it (the wheels are): the same documents as
# yaml.safe_load, about ten times faster, which start-up feels (onshi's message catalogues).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, with libyaml when it is there."""
    return yaml.load(text, Loader=_SAFE_LOADER)


_ALIASES_REFUSED = "YAML aliases (*name) are not accepted: share values through groups or defaults"


def load_yaml_without_aliases(text: str) -> Any:
    """:func:`load_yaml` of a document that must hold no alias: a few nested aliases expand to billions
    of values (a "YAML bomb") that validation would walk for hours. The events are looked through
    first (libyaml's parser, no value built), only when the text holds a ``*`` at all; an alias is a
    ``yaml.composer.ComposerError`` at its line."""
    if "*" in text:
        for event in yaml.parse(text, Loader=_SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, _ALIASES_REFUSED, cast(yaml.Mark, event.start_mark))
    return load_yaml(text)


class UnsafePath(ValueError):
    """A name that would put a file outside its folder, or a file that is not a regular file."""


def safe_name(name: str) -> bool:
    return bool(_SAFE_NAME.match(name))


def within(folder: Path, name: str, suffix: str = "") -> Path:
    """``folder/<name><suffix>``, refused unless the name is safe and the path stays in the folder."""
    if not safe_name(name):
        raise UnsafePath(f"{name!r} is not a safe file name (letters, digits and ._-@+, at most 100 characters)")
    path = folder / f"{name}{suffix}"
    if not path.resolve().is_relative_to(folder.resolve()):
        raise UnsafePath(f"{path}: outside {folder}")
    return path


def read_bounded(path: Path, limit: int = MAX_CONFIG_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit``: a FIFO would block forever and a device such as
    /dev/zero never ends, so neither is read (``OSError``/``UnsafePath`` say why)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise UnsafePath(f"{path}: not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise UnsafePath(f"{path}: larger than {limit // (1024 * 1024)} MB, not read")
    return data


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it (see :func:`open_atomic`)."""
    with open_atomic(path, mode) as handle:
        handle.write(text)


@contextmanager
def open_atomic(path: Path, mode: int | None = None) -> Iterator[TextIO]:
    """A text handle whose content replaces ``path`` when the block ends, through a temporary file
    renamed over it: a reader sees the old file or the new one, never half (a report streamed line by
    line is written this way too). A target that is not a regular file (``/dev/null``, a FIFO, a
    terminal) is written into, never replaced by a file; a symbolic link planted at the target is
    replaced, never followed; nothing is left behind when the block fails."""
    if path.exists() and not path.is_symlink() and not path.is_file() and not path.is_dir():
        with path.open("w", encoding="utf-8", newline="") as special:
            yield special
        return
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    blocking = next((parent for parent in reversed(path.parents) if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        raise NotADirectoryError(20, "is a file, not a folder", str(blocking))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
