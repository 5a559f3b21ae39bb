"""The layers import only downwards: rules know no platform and no report, platforms know no rule,
and reports compute no reachability (they render the analysis the pipeline carries)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ONSHI = Path(__file__).resolve().parents[1] / "onshi"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("validators", ("onshi.platforms", "onshi.report")),
    ("analysis", ("onshi.platforms", "onshi.report", "onshi.validators")),
    ("platforms", ("onshi.validators", "onshi.report")),
    ("report", ("onshi.analysis", "onshi.validators.reachability", "onshi.validators.engine")),
])  # fmt: skip
def test_a_layer_imports_nothing_above_it(folder: str, forbidden: tuple[str, ...]) -> None:
    offending = {
        f"{path.relative_to(ONSHI)}: {module}"
        for path in (ONSHI / folder).rglob("*.py")
        for module in _imports(path)
        if module.startswith(forbidden)
    }
    assert offending == set()
