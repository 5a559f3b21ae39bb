"""Collection across machines: a Nornir runner plugin that runs each host's task on a Dask cluster.

A vendor reaches its clinics' routers only from certain networks (a maintenance VPN concentrator, a
regional NOC). Collectors there run ``dask worker tcp://SCHEDULER:8786 --resources collector-LABEL=1``;
a host whose ``data.collector`` is LABEL is submitted with that resource, so only those workers
collect it (each host asks for a small share of the resource: the label pins the host, the worker's
``--nthreads`` bounds how many it collects at once). A host without a label may go to any worker.

Nothing secret travels in clear. The task's arguments carry the host's address, platform and
netmiko options, and its credentials sealed (Fernet: AES-128-CBC with HMAC-SHA256) with the cluster
key that the caller and every collector hold in ``ONSHI_CLUSTER_KEY``; the worker unseals them in
memory for the one connection. The scheduler, its dashboard and any task the cluster retries see
only the sealed form. Public host keys go both ways: the caller's known_hosts to the worker, the keys
accepted on first contact back.

Each host's outcome comes back to the caller, which writes the snapshots as for a local run. A worker
lost mid-run has its tasks rescheduled by Dask on another worker with the same resource; when no
worker offers a pending host's label any more (or none is left at all), that host is reported as not
collected, with the reason, and so is a host still pending at the deadline: never lost silently.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import distributed
from cryptography.fernet import Fernet, InvalidToken
from distributed import Client, get_worker
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts, Inventory
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from nornir.plugins.runners import SerialRunner

from onshi.collect import ClusterKeyError, CollectorLost

ENV_CLUSTER_KEY = "ONSHI_CLUSTER_KEY"
RESOURCE_PREFIX = "collector-"
SHARE = 0.001  # of a collector resource per host: the label pins, the worker's threads bound concurrency
_SECRET_EXTRAS = ("secret",)  # netmiko options that hold a secret: sealed with the credentials
_POLL_SECONDS = 0.5

# distributed's Client and futures carry no annotations: onshi's own view of them.
_Future = Any
_client: Callable[..., Client] = distributed.Client
_Stranded = tuple[_Future, Host, str]


def cluster_key(environ: Mapping[str, str]) -> bytes:
    """The Fernet key in ``ONSHI_CLUSTER_KEY`` (``onshi cluster-key`` prints a new one)."""
    value = environ.get(ENV_CLUSTER_KEY, "").strip()
    if not value:
        reason = "collection on a cluster seals the credentials with it, on the caller and on every collector"
        raise ClusterKeyError(f"{ENV_CLUSTER_KEY} is not set: {reason} (`onshi cluster-key` prints a new one)")
    try:
        Fernet(value.encode())
    except ValueError as error:
        raise ClusterKeyError(f"{ENV_CLUSTER_KEY} is not a Fernet key (32 url-safe base64-encoded bytes)") from error
    return value.encode()


def resource_of(label: str) -> str:
    return f"{RESOURCE_PREFIX}{label}"


@dataclass(frozen=True)
class RemoteHost:
    """What a worker needs to run the task for one host: no secret in clear."""

    name: str
    hostname: str
    port: int | None
    platform: str
    username: str
    sealed: bytes = field(repr=False)  # password and the secret extras, sealed with the cluster key
    extras: Mapping[str, Any]  # netmiko options without the secrets
    known_hosts: str  # the public host keys the connection checks against (its alt_key_file)


@dataclass(frozen=True)
class RemoteOutcome:
    result: Any
    exception: BaseException | None
    known_hosts: str
    worker: str


def seal(host: Host, key: bytes) -> RemoteHost:
    """The host as a worker needs it, its secrets sealed."""
    options = host.connection_options.get("netmiko") or ConnectionOptions()
    extras = dict(options.extras or {})
    secrets = {"password": host.password or "", **{name: extras.pop(name, None) for name in _SECRET_EXTRAS}}
    key_file = extras.pop("alt_key_file", None)
    known = Path(key_file).read_text(encoding="utf-8") if key_file and Path(key_file).exists() else ""
    return RemoteHost(
        name=host.name,
        hostname=host.hostname or host.name,
        port=host.port,
        platform=str(host.platform),
        username=host.username or "",
        sealed=Fernet(key).encrypt(json.dumps(secrets).encode()),
        extras=extras,
        known_hosts=known,
    )


def run_remote(function: Callable[..., Result], spec: RemoteHost, params: Mapping[str, Any]) -> RemoteOutcome:
    """On a worker: unseal the credentials, run the task for the one host through a Nornir of its own,
    and return its result (or exception) with the host keys it now knows."""
    try:
        secrets = json.loads(Fernet(cluster_key(os.environ)).decrypt(spec.sealed))
    except InvalidToken as error:
        raise ClusterKeyError(f"this collector's {ENV_CLUSTER_KEY} differs from the caller's") from error
    worker = _worker_address()
    with tempfile.TemporaryDirectory(prefix="onshi-collector-", dir=_scratch()) as folder:
        key_file = Path(folder) / "known_hosts"
        key_file.write_text(spec.known_hosts, encoding="utf-8")
        sealed_extras = {k: v for k, v in secrets.items() if k != "password"}
        extras = {**spec.extras, **sealed_extras, "alt_key_file": str(key_file)}
        netmiko = ConnectionOptions(extras=extras, platform=spec.platform)
        host = Host(spec.name, hostname=spec.hostname, port=spec.port, platform=spec.platform, username=spec.username,
                    password=secrets["password"], connection_options={"netmiko": netmiko})  # fmt: skip
        ConnectionPluginRegister.auto_register()  # netmiko's connection plugin, as InitNornir would
        nornir = Nornir(inventory=Inventory(hosts=Hosts({spec.name: host}), groups=Groups(), defaults=Defaults()),
                        runner=SerialRunner())  # fmt: skip
        multi = nornir.run(task=function, on_failed=True, **params)[spec.name]
        outcome = multi[0]
        result = None if outcome.failed else outcome.result
        return RemoteOutcome(result, outcome.exception, key_file.read_text(encoding="utf-8"), worker)


def _scratch() -> str | None:
    """Where the host's key file is kept while it is collected: the worker's own scratch directory,
    which Dask removes with the worker, and purges at the next start when the worker was killed (a
    folder under the system's temporary directory would stay); outside a worker, the system's."""
    try:
        return str(get_worker().local_directory)
    except ValueError:
        return None


def _worker_address() -> str:
    try:
        return str(get_worker().address)
    except ValueError:  # run in the caller's process (a test calling it directly)
        return "local"


class DaskRunner:
    """Nornir runner plugin: one Dask task per host on the cluster at ``scheduler``; a host's
    ``collector`` data pins it to the workers offering that resource. Each result carries the worker
    that produced it (``Result.collector``)."""

    def __init__(self, scheduler: str, deadline: float = 900.0, connect_timeout: float = 10.0) -> None:
        self.scheduler = scheduler
        self.key = cluster_key(os.environ)  # refused here, before any host, when it is missing
        logging.getLogger("distributed").setLevel(logging.WARNING)  # onshi reports per host; no client chatter
        self.deadline = deadline
        self.connect_timeout = connect_timeout

    def run(self, task: Task, hosts: list[Host]) -> AggregatedResult:
        aggregated = AggregatedResult(task.name)
        with _client(self.scheduler, timeout=self.connect_timeout, set_as_default=False) as client:
            pending: dict[_Future, Host] = {}
            for host in hosts:
                task.processors.task_instance_started(task, host)
                label = host.data.get("collector")
                resources = {resource_of(label): SHARE} if label else None
                future = client.submit(run_remote, task.task, seal(host, self.key), task.params, resources=resources,
                                       pure=False, key=f"onshi-{task.name}-{host.name}-{time.time_ns()}")  # fmt: skip
                pending[future] = host
            self._gather(client, task, pending, aggregated)
        return aggregated

    def _gather(self, client: Client, task: Task, pending: dict[_Future, Host], aggregated: AggregatedResult) -> None:
        ends = time.monotonic() + self.deadline
        while pending:
            done = [future for future in pending if future.done()]
            if not done:
                time.sleep(_POLL_SECONDS)
            for future in done:
                host = pending.pop(future)
                self._finish(task, host, _outcome(future), aggregated)
            for future, host, reason in _stranded(client, pending, time.monotonic() > ends, self.deadline):
                future.cancel()
                del pending[future]
                self._finish(task, host, RemoteOutcome(None, CollectorLost(reason), "", ""), aggregated)

    def _finish(self, task: Task, host: Host, outcome: RemoteOutcome, aggregated: AggregatedResult) -> None:
        key_file = (host.connection_options.get("netmiko") or ConnectionOptions()).extras or {}
        if outcome.known_hosts and key_file.get("alt_key_file"):  # the keys accepted on first contact
            Path(key_file["alt_key_file"]).write_text(outcome.known_hosts, encoding="utf-8")
        multi = MultiResult(task.name)
        multi.append(Result(host, result=outcome.result, exception=outcome.exception,
                            failed=outcome.exception is not None, collector=outcome.worker))  # fmt: skip
        aggregated[host.name] = multi
        task.processors.task_instance_completed(task, host, multi)


def _outcome(future: _Future) -> RemoteOutcome:
    try:
        outcome: RemoteOutcome = future.result()
    except Exception as error:  # the task failed on the cluster (a lost worker, a bad cluster key)
        return RemoteOutcome(None, error, "", "")
    return outcome


def _stranded(client: Client, pending: Mapping[_Future, Host], late: bool, deadline: float) -> list[_Stranded]:
    """Pending hosts no worker can take any more (their label is offered by none, or there is no
    worker at all), or every pending host once the deadline has passed."""
    if late:
        return [(f, h, f"not collected within {deadline:.0f} s on the cluster") for f, h in pending.items()]
    offered: set[str] = set()
    workers = client.scheduler_info().get("workers", {})
    for worker in workers.values():
        offered.update(name for name, amount in (worker.get("resources") or {}).items() if amount > 0)
    found: list[_Stranded] = []
    for future, host in pending.items():
        label = host.data.get("collector")
        if not workers:
            found.append((future, host, "no collector worker is connected to the scheduler"))
        elif label and resource_of(label) not in offered:
            found.append((future, host, f"no collector worker offers {resource_of(label)} (lost, or never started)"))
    return found
