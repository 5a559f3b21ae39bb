"""Collection across machines on a real Dask cluster: a LocalCluster's scheduler and two collector
workers started as a vendor starts them (`dask worker … --resources collector-LABEL=1`), against the
SSH device simulator on 127.0.0.1.

Hosts go only to the workers of their label; a worker killed mid-run loses no host (each is either
collected or reported); credentials never travel in clear; without the cluster key nothing starts.
"""

from __future__ import annotations

import io
import json
import pickle
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from nornir.core.inventory import ConnectionOptions
from typer.testing import CliRunner

from onshi.cli import app
from onshi.collect import ClusterKeyError, Collected, CollectError, CollectOptions, Credentials
from onshi.inventory import load_inventory
from onshi.tasks.collect import collect_device, collect_inventory
from onshi.tasks.dask_runner import ENV_CLUSTER_KEY, RemoteHost, run_remote, seal
from onshi.tasks.runner import init_nornir
from tests.cluster import Cluster, collector_cluster
from tests.helpers import SAMPLE_INVENTORY
from tests.simulator import LOOPBACK, SimulatedDevice

CONFIG = (SAMPLE_INVENTORY / "configs" / "aoba-rtr1.cfg").read_text(encoding="utf-8")
FACTS = (Path(__file__).parent / "fixtures" / "cisco_ios" / "collect" / "show_version_c1111.txt").read_text("utf-8")
CREDENTIALS = Credentials("admin", "Sim-Pass-7391!", "Sim-Enable-5822!")
GROUP = yaml.safe_load((SAMPLE_INVENTORY / "groups.yaml").read_text(encoding="utf-8"))["pharmacy_aoba"]
KEY = Fernet.generate_key().decode()


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """Two collector workers, osaka and tokyo, on a LocalCluster's scheduler."""
    monkeypatch.setenv(ENV_CLUSTER_KEY, KEY)
    with collector_cluster(("osaka", "tokyo"), KEY) as started:
        yield started


def _inventory(folder: Path, devices: dict[str, tuple[SimulatedDevice, str | None]]) -> Path:
    hosts = {name: {"hostname": LOOPBACK, "port": device.port, "platform": "cisco_ios", "groups": ["pharmacy"],
                    "data": {"role": "edge_router", **({"collector": label} if label else {})}}
             for name, (device, label) in devices.items()}  # fmt: skip
    (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts), encoding="utf-8")
    (folder / "groups.yaml").write_text(yaml.safe_dump({"pharmacy": GROUP}, allow_unicode=True), encoding="utf-8")
    return folder


def _devices(count: int, label: str | None, slow: float = 0.0) -> dict[str, tuple[SimulatedDevice, str | None]]:
    prefix = label or "any"
    return {f"{prefix}-{i:02d}": (SimulatedDevice(CONFIG, FACTS, hostname=f"{prefix}-{i:02d}", slow_output=slow).start(),
                                  label) for i in range(count)}  # fmt: skip


def _collect(folder: Path, scheduler: str) -> list[Collected | CollectError]:
    options = CollectOptions(folder / "known_hosts", accept_new_host_keys=True, scheduler=scheduler)
    return collect_inventory(load_inventory(folder), lambda _: CREDENTIALS, options, stream=io.StringIO())


def _stop(devices: dict[str, tuple[SimulatedDevice, str | None]]) -> None:
    for device, _ in devices.values():
        device.stop()


def test_hosts_are_collected_only_by_the_workers_of_their_label(cluster: Cluster, tmp_path: Path) -> None:
    devices = {**_devices(6, "osaka"), **_devices(6, "tokyo"), **_devices(2, None)}
    try:
        outcomes = _collect(_inventory(tmp_path, devices), cluster.address)
    finally:
        _stop(devices)
    assert all(isinstance(o, Collected) for o in outcomes), [o for o in outcomes if isinstance(o, CollectError)]
    collected = [o for o in outcomes if isinstance(o, Collected)]
    for outcome in collected:
        label = devices[outcome.host][1]
        if label is not None:
            assert outcome.collector == cluster.addresses[label], (outcome.host, outcome.collector)
        assert outcome.config.startswith("!") or "hostname" in outcome.config
    known = (tmp_path / "known_hosts").read_text(encoding="utf-8")  # keys accepted on the workers come back
    assert all(f"[{LOOPBACK}]:{device.port}" in known for device, _ in devices.values())


def test_a_worker_killed_mid_run_loses_no_host(cluster: Cluster, tmp_path: Path) -> None:
    """osaka's worker dies while its slow devices print: each osaka host is collected or reported
    (no other worker offers collector-osaka), tokyo's are all collected, none is missing."""
    devices = {**_devices(6, "osaka", slow=0.5), **_devices(6, "tokyo")}
    left_before = set(Path(tempfile.gettempdir()).glob("onshi-collector-*"))
    killer = threading.Timer(2.0, cluster.workers["osaka"].kill)
    killer.start()
    try:
        started = time.monotonic()
        outcomes = _collect(_inventory(tmp_path, devices), cluster.address)
        elapsed = time.monotonic() - started
    finally:
        killer.cancel()
        _stop(devices)
    assert sorted(o.host for o in outcomes) == sorted(devices)
    assert all(isinstance(o, Collected) for o in outcomes if devices[o.host][1] == "tokyo")
    lost = [o for o in outcomes if isinstance(o, CollectError)]
    assert lost, "the kill came after every osaka host was done: the test did not kill mid-run"
    assert all(o.reason.startswith("not collected on the cluster: no collector worker offers collector-osaka")
               for o in lost), [o.reason for o in lost]  # fmt: skip
    assert elapsed < 60
    # The killed worker's key files are in its own scratch folder, which Dask purges, not left in /tmp.
    assert set(Path(tempfile.gettempdir()).glob("onshi-collector-*")) <= left_before


def test_a_label_no_worker_offers_is_reported_at_once(cluster: Cluster, tmp_path: Path) -> None:
    devices = {**_devices(1, "nagoya"), **_devices(1, "tokyo")}
    try:
        outcomes = {o.host: o for o in _collect(_inventory(tmp_path, devices), cluster.address)}
    finally:
        _stop(devices)
    assert isinstance(outcomes["tokyo-00"], Collected)
    missing = outcomes["nagoya-00"]
    assert isinstance(missing, CollectError)
    assert "no collector worker offers collector-nagoya" in missing.reason


def test_no_secret_travels_in_clear(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What is submitted for a host (its pickled task argument) holds neither the password nor the
    enable secret; the worker's key opens them."""
    monkeypatch.setenv(ENV_CLUSTER_KEY, KEY)
    devices = _devices(1, "osaka")
    try:
        folder = _inventory(tmp_path, devices)
        nornir = init_nornir(folder)
        host = nornir.inventory.hosts["osaka-00"]
        host.password = CREDENTIALS.password
        host.connection_options["netmiko"] = ConnectionOptions(extras={"secret": CREDENTIALS.enable_secret})
        sent = pickle.dumps(seal(host, KEY.encode()))
    finally:
        _stop(devices)
    assert CREDENTIALS.password.encode() not in sent
    assert str(CREDENTIALS.enable_secret).encode() not in sent


def test_without_the_cluster_key_nothing_starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_CLUSTER_KEY, raising=False)
    monkeypatch.setenv("ONSHI_USERNAME", CREDENTIALS.username)
    monkeypatch.setenv("ONSHI_PASSWORD", CREDENTIALS.password)
    folder = _inventory(tmp_path, {"r1": (SimulatedDevice(CONFIG, FACTS), "osaka")})
    result = CliRunner().invoke(app, ["collect", "--inventory", str(folder), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: {ENV_CLUSTER_KEY} is not set")


def test_a_collector_with_another_key_opens_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = RemoteHost("r1", LOOPBACK, 22, "cisco_ios", "admin", Fernet(KEY.encode()).encrypt(b"{}"), {}, "")
    monkeypatch.setenv(ENV_CLUSTER_KEY, Fernet.generate_key().decode())
    with pytest.raises(ClusterKeyError, match="differs from the caller's"):
        run_remote(collect_device, sealed, {})


def test_the_cli_collects_on_the_cluster_and_writes_the_snapshots_here(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONSHI_USERNAME", CREDENTIALS.username)
    monkeypatch.setenv("ONSHI_PASSWORD", CREDENTIALS.password)
    monkeypatch.setenv("ONSHI_ENABLE_SECRET", str(CREDENTIALS.enable_secret))
    devices = _devices(2, "tokyo")
    try:
        folder = _inventory(tmp_path, devices)
        result = CliRunner().invoke(app, ["collect", "--inventory", str(folder), "--scheduler", cluster.address,
                                          "--known-hosts", str(tmp_path / "known_hosts"), "--accept-new-host-keys"])  # fmt: skip
    finally:
        _stop(devices)
    assert result.exit_code == 0, result.output
    for name in devices:
        metadata = json.loads((folder / "configs" / f"{name}.json").read_text(encoding="utf-8"))
        assert metadata["collected_by"] == cluster.addresses["tokyo"]
        assert (folder / "configs" / f"{name}.cfg").read_text(encoding="utf-8").rstrip().endswith("end")


def test_cluster_key_prints_a_key_the_collectors_accept() -> None:
    result = CliRunner().invoke(app, ["cluster-key"])
    assert result.exit_code == 0
    Fernet(result.output.strip().encode())  # a valid key, or this raises


def test_a_scheduler_without_live_is_one_line_exit_2() -> None:
    result = CliRunner().invoke(
        app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: --scheduler collects on a cluster: it goes with --live"]
