"""A real Dask cluster for collection tests and benchmarks: a LocalCluster's scheduler with collector
workers started as a vendor starts them (`dask worker … --resources collector-LABEL=1`), no nanny, so
that a killed worker stays dead. Everything listens on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import distributed
from distributed import Client, LocalCluster

from onshi.tasks.dask_runner import ENV_CLUSTER_KEY, RESOURCE_PREFIX
from tests.simulator import LOOPBACK

# distributed's constructors carry no annotations: the test's view of them.
_local_cluster: Callable[..., LocalCluster] = distributed.LocalCluster
_client: Callable[..., Client] = distributed.Client


@dataclass
class Cluster:
    address: str
    workers: dict[str, subprocess.Popen[bytes]]  # by label
    addresses: dict[str, str]  # label → the worker's address


@contextmanager
def collector_cluster(labels: tuple[str, ...], key: str, threads: int = 16) -> Iterator[Cluster]:
    with _local_cluster(n_workers=0, processes=True, dashboard_address=None, host=LOOPBACK) as local:
        workers = {label: _worker(local.scheduler_address, label, key, threads) for label in labels}
        try:
            with _client(local.scheduler_address) as client:
                client.wait_for_workers(len(labels), timeout=60)
                addresses = {_label(info): address for address, info in client.scheduler_info()["workers"].items()}
            yield Cluster(local.scheduler_address, workers, addresses)
        finally:
            for process in workers.values():
                process.kill()
                process.wait()


def _worker(scheduler: str, label: str, key: str, threads: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "distributed.cli.dask_worker", scheduler, "--no-nanny", "--nthreads",
               str(threads), "--resources", f"{RESOURCE_PREFIX}{label}=1", "--name", label, "--host", LOOPBACK,
               "--no-dashboard"]  # fmt: skip
    return subprocess.Popen(command, env={**os.environ, ENV_CLUSTER_KEY: key}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def _label(info: dict[str, object]) -> str:
    resources = info.get("resources") or {}
    assert isinstance(resources, dict)
    return str(next(name.removeprefix(RESOURCE_PREFIX) for name in resources))
