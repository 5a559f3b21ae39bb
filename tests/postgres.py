"""A throw-away PostgreSQL server for the tests: Debian's postgresql package, a cluster under a
temporary directory, on 127.0.0.1, run as an unprivileged user when the tests run as root
(PostgreSQL refuses to run as root). Skips, saying why, when the package is not installed."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return versions[0] if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a cluster in a fresh temporary folder; yield its SQLAlchemy URL; stop and remove it."""
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL not installed (Debian: apt-get install postgresql)")
    # Its own folder directly under the temporary directory: the server's user must reach it (pytest's
    # folders are the test user's alone).
    folder = Path(tempfile.mkdtemp(prefix="onshi-postgres-"))
    user = None
    if os.geteuid() == 0:
        user = pwd.getpwnam("nobody")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        prefix = ["runuser", "-u", "nobody", "--"] if user is not None else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120, cwd=folder)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "onshi", "-E", "UTF8", "--no-sync")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "start",
        "-o", f"-h 127.0.0.1 -p {port} -k {folder} -F")  # fmt: skip
    try:
        yield f"postgresql+psycopg://onshi@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
