"""The words reports print around findings (statuses, severities, headings), by language
(``messages/html_labels.yaml``): every renderer speaks the ``--lang`` it was given."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from onshi.files import load_yaml
from onshi.model import Severity, Status, Waiver


@cache
def labels() -> dict[str, dict[str, Any]]:
    """The report labels by language."""
    text = resources.files("onshi.report.messages").joinpath("html_labels.yaml").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, Any]] = load_yaml(text)
    return loaded


def status_label(status: Status, language: str) -> str:
    return str(labels()[language]["statuses"][status.value])


def severity_label(severity: Severity, language: str) -> str:
    return str(labels()[language]["severities"][severity.value])


def waiver_text(waiver: Waiver, language: str) -> str:
    """Why a finding is waived, as every report prints it."""
    words = labels()[language]
    return (
        f"{words['statuses']['waived']}: {waiver.reason} ({words['waived_by']} {waiver.approver}, "
        f"{words['waived_until']} {waiver.expires})"
    )
