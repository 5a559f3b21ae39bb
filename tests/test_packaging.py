"""onshi installed from its wheel (no checkout, no inventory/): the sample and the starter work from
any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import REPO


def test_the_wheel_carries_the_sample_and_the_starter_and_both_audit(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"),
                            str(REPO)], capture_output=True, text=True, check=False, timeout=600)  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("onshi-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"onshi/sample_inventory/hosts.yaml", "onshi/sample_inventory/configs/sakura-rtr1.cfg",
            "onshi/data/starter/groups.yaml"} <= names  # fmt: skip
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The wheel's onshi first on the path, the test environment's dependencies after it.
    environment = {"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def onshi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "onshi", *args], cwd=elsewhere, env=environment,
                              capture_output=True, text=True, check=False, timeout=300)  # fmt: skip

    where = subprocess.run([sys.executable, "-c", "import onshi.starter as s; print(s.__file__, s.sample_inventory())"],
                           cwd=elsewhere, env=environment, capture_output=True, text=True, check=True)  # fmt: skip
    assert where.stdout.split() == [
        str(installed / "onshi" / "starter.py"),
        str(installed / "onshi" / "sample_inventory"),
    ]
    sample = onshi("audit", "--sample", "-f", "json")
    assert sample.returncode == 1, sample.stderr  # the sample's violations
    assert '"devices": 13' in sample.stdout
    assert onshi("init", str(tmp_path / "x")).returncode == 0
    starter = onshi("audit", "--inventory", str(tmp_path / "x"), "-f", "json")
    assert starter.returncode == 0, starter.stdout + starter.stderr  # the starter's router passes
    assert '"device_errors": 0' in starter.stdout
    assert (tmp_path / "x" / "hosts.schema.json").exists()
