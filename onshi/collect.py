"""Live collection over SSH (netmiko through Nornir): credentials, host keys, errors, snapshots.

The Nornir task (:func:`collect_device`) only runs the platform's commands on a netmiko connection
from the nornir-netmiko plugin; everything else is plain functions. Per host the outcome is a
:class:`Collected` (configuration, facts, outputs) or a :class:`CollectError` with one clear
reason; one host's failure never touches another's result or its previous snapshot.

Secrets: credentials live only in memory (Nornir host objects and netmiko), are masked in every
``repr``, scrubbed from every error message, and never written. netmiko session logs stay off.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paramiko
from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Host

from onshi.files import within, write_atomic
from onshi.platforms import get_driver
from onshi.platforms.base import DeviceFacts
from onshi.secrets import MASK

ENV_USERNAME, ENV_PASSWORD, ENV_ENABLE = "ONSHI_USERNAME", "ONSHI_PASSWORD", "ONSHI_ENABLE_SECRET"
SNAPSHOT_MODE = 0o600
MAX_OUTPUT_CHARS = 32 * 1024 * 1024  # one command's output: a whole FortiOS configuration is a few MB


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    enable_secret: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password, self.enable_secret) if s)


class ConnectionDropped(EOFError):
    """The device closed the session before a command's output was complete."""


class NoPrompt(TimeoutError):
    """The device logged us in but never showed its prompt."""


class OutputTimeout(TimeoutError):
    """A command's output did not end with the prompt in time."""


class OutputTooLarge(Exception):
    """A command's output ran past the bound without ending (a device printing without end)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class CredentialsError(Exception):
    """No credentials for a host, and no way to ask for them."""


class ClusterKeyError(Exception):
    """The cluster key (--scheduler) is missing, or does not open what was sealed with it."""


class CollectorLost(Exception):
    """A host's task could not finish on the cluster (its collectors are gone, or time ran out)."""


def resolve_credentials(
    host: Host,
    environ: Mapping[str, str],
    prompt: Callable[[str, bool], str] | None,
) -> Credentials:
    """Inventory (host, group or defaults) first, then the environment, then an interactive prompt."""
    username = host.username or environ.get(ENV_USERNAME)
    password = host.password or environ.get(ENV_PASSWORD)
    enable = host.data.get("enable_secret") or environ.get(ENV_ENABLE)
    if (not username or not password) and prompt is not None:
        username = username or prompt(f"Username for {host.name}: ", False)
        password = password or prompt(f"Password for {username}@{host.name}: ", True)
    if not username or not password:
        raise CredentialsError(
            f"host {host.name}: no credentials (set {ENV_USERNAME}/{ENV_PASSWORD}, or username/password "
            "in the inventory, or run on a terminal to be asked)"
        )
    return Credentials(username, password, enable or None)


def terminal_prompt(question: str, secret: bool) -> str:
    return getpass.getpass(question) if secret else input(question)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    host: str
    platform: str
    config: str
    facts: DeviceFacts
    commands: tuple[str, ...]
    collected_at: str
    collector: str | None = None  # the cluster worker that reached it (--scheduler); None: this machine


@dataclass(frozen=True)
class CollectError:
    host: str
    platform: str
    reason: str


@dataclass(frozen=True)
class CollectOptions:
    known_hosts: Path
    accept_new_host_keys: bool = False
    connect_timeout: float = 10.0
    command_timeout: float = 60.0
    accept_identity_change: bool = False
    snapshots: Path | None = None  # the folder of the last snapshots: the identity they recorded
    max_output: int = MAX_OUTPUT_CHARS  # characters one command may print
    scheduler: str | None = None  # a Dask scheduler's address: collect on its workers (onshi.tasks.dask_runner)


# --- checking what a host returned -------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who a host is expected to be: the inventory's serial, and what its last snapshot recorded."""

    serial: str | None = None
    hostname: str | None = None
    source: str = "the inventory"


def identity_problem(expected: Identity, reported: DeviceFacts) -> str | None:
    """Why the device that answered is not the one expected (another serial or hostname than the
    inventory or the last collection recorded: a swapped or impersonated device), or None."""
    for field_name, want, got in (("serial", expected.serial, reported.serial),
                                  ("hostname", expected.hostname, reported.hostname)):  # fmt: skip
        if want and got and want.casefold() != got.casefold():
            return (
                f"the device reports {field_name} {got!r}, but {expected.source} says {want!r} (a replaced "
                "or impersonated device?): not collected; check it, then run with --accept-identity-change"
            )
    return None


def finish(host: str, platform: str, outputs: Mapping[str, str]) -> Collected | CollectError:
    """Check and shape what a host returned (pure)."""
    driver = get_driver(platform)
    if any(driver.paging_marker in output for output in outputs.values()):
        reason = f"the device pages its output ('{driver.paging_marker}')"
        return CollectError(host, platform, f"{reason}: it ignored the command that turns paging off")
    first = driver.collect_commands[0]
    config = driver.clean_config(outputs.get(first, ""))
    problem = driver.incomplete(config)
    if problem is not None:
        reason = f"the output of '{first}' is not a whole configuration ({problem})"
        return CollectError(host, platform, f"{reason}: not audited as if complete")
    return Collected(
        host=host,
        platform=platform,
        config=config,
        facts=driver.parse_facts(outputs),
        commands=driver.collect_commands,
        collected_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def classify(error: BaseException | None, secrets: tuple[str, ...]) -> str:
    """One clear reason for a failed host (never quoting a secret)."""
    chain = _chain(error)
    if any(isinstance(e, NetmikoAuthenticationException | paramiko.AuthenticationException) for e in chain):
        return "authentication failed (wrong username or password)"
    if any(isinstance(e, paramiko.BadHostKeyException) for e in chain):
        return "the host key changed since it was recorded in known_hosts (possible man-in-the-middle): refused"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused (nothing listens on the SSH port)"
    text = " ".join(str(e) for e in chain)
    if "not found in known_hosts" in text:
        return "host key unknown: verify it and run once with --accept-new-host-keys"
    for cause in chain:
        if isinstance(cause, CollectorLost | ClusterKeyError):  # onshi's own words, no secret in them
            return f"not collected on the cluster: {cause}"
        if type(cause).__name__ == "KilledWorker":  # distributed's, not imported for one name
            return "not collected on the cluster: every worker that ran it died (Dask gave up on it)"
        if isinstance(cause, OutputTooLarge):
            return f"the output ran past {cause.limit // (1024 * 1024)} MB without ending: not collected"
        if isinstance(cause, ConnectionDropped):
            return f"the connection dropped in the middle of the output of '{cause}'"
        if isinstance(cause, NoPrompt):
            return "no prompt came from the device after login (timed out waiting for it)"
        if isinstance(cause, OutputTimeout):
            return f"the output of '{cause}' did not end with the prompt in time (timed out)"
    timeouts = (NetmikoTimeoutException, socket.timeout, TimeoutError, ReadTimeout)
    if any(isinstance(e, timeouts) for e in chain):
        return "timed out connecting (the device is unreachable or does not speak SSH)"
    if any(isinstance(e, EOFError | OSError | paramiko.SSHException) for e in chain):
        return scrub(f"the connection dropped ({type(chain[-1]).__name__})", secrets)
    name = type(chain[-1]).__name__ if chain else "unknown error"
    return scrub(f"collection failed ({name})", secrets)


def _chain(error: BaseException | None) -> list[BaseException]:
    """The exception, its causes, and the per-address errors paramiko collects when it cannot
    connect (``NoValidConnectionsError``)."""
    found: list[BaseException] = []
    while error is not None and error not in found:
        found.append(error)
        if isinstance(error, paramiko.ssh_exception.NoValidConnectionsError):
            found.extend(e for e in error.errors.values() if isinstance(e, BaseException))
        error = error.__cause__ or error.__context__
    return found


# --- connection options and host keys ------------------------------------------------------------------


def prepare_hosts(nornir: Nornir, credentials: Mapping[str, Credentials], options: CollectOptions,
                  scratch: Path) -> dict[str, Path]:  # fmt: skip
    """Give each host its credentials and netmiko options; returns per-host known_hosts copies
    (accept-new mode) to merge back afterwards."""
    copies: dict[str, Path] = {}
    for name, host in nornir.inventory.hosts.items():
        creds = credentials[name]
        host.username, host.password = creds.username, creds.password
        key_file = options.known_hosts
        if options.accept_new_host_keys:
            key_file = scratch / f"{name}.known_hosts"
            if options.known_hosts.exists():
                shutil.copyfile(options.known_hosts, key_file)
            else:
                key_file.touch()
            copies[name] = key_file
        extras: dict[str, Any] = {
            "secret": creds.enable_secret or "",
            "conn_timeout": options.connect_timeout,
            "auth_timeout": options.connect_timeout,
            "banner_timeout": options.connect_timeout,
            "read_timeout_override": options.command_timeout,
            "ssh_strict": not options.accept_new_host_keys,
            "system_host_keys": False,
            "alt_host_keys": True,
            "alt_key_file": str(key_file),
            "allow_agent": False,
            "use_keys": False,
            "session_log": None,
        }
        host.connection_options["netmiko"] = ConnectionOptions(extras=extras, platform=host.platform)
    return copies


_KNOWN_HOSTS_LOCK = threading.Lock()


def merge_known_hosts(target: Path, copies: Mapping[str, Path]) -> int:
    """Add the keys accepted on first contact to ``target``; returns how many were added. A key is
    recorded whatever the collection's outcome (it was accepted to connect); a changed key was
    refused and never reaches a copy."""
    with _KNOWN_HOSTS_LOCK:
        merged = paramiko.HostKeys()
        if target.exists():
            merged.load(str(target))
        added = 0
        for copy in copies.values():
            for hostname, keys in paramiko.HostKeys(str(copy)).items():
                for key_type, key in keys.items():
                    if merged.lookup(hostname) is None or key_type not in (merged.lookup(hostname) or {}):
                        merged.add(hostname, key_type, key)
                        added += 1
        if added:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            os.close(descriptor)
            merged.save(temporary)
            os.chmod(temporary, SNAPSHOT_MODE)
            os.replace(temporary, target)
        return added


# --- snapshots ------------------------------------------------------------------------------------------


def write_snapshot(out: Path, item: Collected, sanitize: bool) -> None:
    """``<out>/<host>.cfg`` and ``<out>/<host>.json`` (0600, each atomic); with ``sanitize``, a
    masked copy under ``<out>/sanitized/``."""
    data = item.config.encode("utf-8")
    metadata = {
        "host": item.host,
        "platform": item.platform,
        "collected_at": item.collected_at,
        "commands": list(item.commands),
        **({"collected_by": item.collector} if item.collector else {}),  # the cluster worker, with --scheduler
        "sha256": hashlib.sha256(data).hexdigest(),
        "facts": {
            "model": item.facts.model,
            "serial": item.facts.serial,
            "os_version": item.facts.os_version,
            "hostname": item.facts.hostname,
        },
    }
    write_atomic(within(out, item.host, ".cfg"), item.config, mode=SNAPSHOT_MODE)
    write_atomic(within(out, item.host, ".json"), json.dumps(metadata, ensure_ascii=False, indent=2) + "\n",
                 mode=SNAPSHOT_MODE)  # fmt: skip
    if sanitize:
        driver = get_driver(item.platform)
        masked = "\n".join(driver.mask(line) for line in item.config.splitlines()) + "\n"
        write_atomic(within(out / "sanitized", item.host, ".cfg"), masked, mode=SNAPSHOT_MODE)


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="onshi-collect-")
