"""pytest plugin: ``pytest --onshi-inventory DIR [--onshi-configs DIR]`` runs the audit as tests.

One test item per device × rule (ids like ``sakura-rtr1::EXT-02``), so a vendor's existing pytest
setup and CI gate on the audit. A failing finding fails the item with its message and evidence;
``manual`` items are skipped with the reason (a person must confirm them); passing and
not-applicable items pass. A device that could not be read is a failing item of its own.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from onshi.inventory import InventoryError, load_inventory
from onshi.model import Finding, Status
from onshi.report.labels import waiver_text
from onshi.sources import SnapshotSource
from onshi.tasks.audit import audit_inventory
from onshi.validators.registry import all_rules


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("onshi", "onshi network audit")
    group.addoption("--onshi-inventory", metavar="DIR", help="Audit this inventory as tests.")
    group.addoption("--onshi-configs", metavar="DIR", help="Snapshot folder [default: INVENTORY/configs].")


class OnshiFailure(Exception):
    """A failing rule on a device (shown with its findings, not a traceback)."""


class OnshiItem(pytest.Item):
    def __init__(self, *, findings: list[Finding], error: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.findings = findings
        self.error = error

    def runtest(self) -> None:
        if self.error is not None:
            raise OnshiFailure(self.error)
        failing = [f for f in self.findings if f.status is Status.FAIL]
        if failing:
            raise OnshiFailure(_describe(failing))
        manual = [f for f in self.findings if f.status is Status.MANUAL]
        if manual:
            pytest.skip(f"manual: {manual[0].message.en}")
        waived = [f for f in self.findings if f.waiver is not None]
        if waived and waived[0].waiver is not None:
            pytest.skip(f"{waiver_text(waived[0].waiver, 'en')}: {waived[0].message.en}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, OnshiFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name


def _describe(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"{finding.rule} {finding.severity.value}: {finding.message.en}")
        if finding.example_packet is not None:
            lines.append(f"  e.g. {finding.example_packet.describe()}")
        lines.extend(f"  {evidence.file}:{evidence.line}: {evidence.text}" for evidence in finding.evidence)
    return "\n".join(lines)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    inventory_option = config.getoption("--onshi-inventory")
    if not inventory_option:
        return
    inventory_dir = Path(inventory_option)
    try:
        inventory = load_inventory(inventory_dir)
    except InventoryError as error:
        raise pytest.UsageError(f"onshi inventory: {error}") from None
    configs = Path(config.getoption("--onshi-configs") or inventory_dir / "configs")
    report = audit_inventory(inventory, SnapshotSource(configs))
    by_device: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        by_device[finding.host][finding.rule].append(finding)
    rules = [rule.id for rule in all_rules()]
    for device in report.devices:
        path = Path(device.file) if device.file else inventory_dir / "hosts.yaml"
        if device.error:
            items.append(_item(session, host=device.host, rule="collect", path=path, findings=[], error=device.error))
            continue
        findings = by_device[device.host]
        items.extend(_item(session, host=device.host, rule=r, path=path, findings=findings[r]) for r in rules)


def _item(
    session: pytest.Session,
    *,
    host: str,
    rule: str,
    path: Path,
    findings: list[Finding],
    error: str | None = None,
) -> OnshiItem:
    name = f"{host}::{rule}"
    nodeid = f"onshi::{name}"
    return OnshiItem.from_parent(session, name=name, nodeid=nodeid, path=path, findings=findings, error=error)
