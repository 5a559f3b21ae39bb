"""Published schemas the report formats are validated against, shipped under fixtures/schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"


def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    return schema


def junit_xsd() -> Path:
    return SCHEMAS / "junit-10.xsd"
