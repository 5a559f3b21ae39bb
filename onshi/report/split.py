"""One report per facility: the audit cut along inventory groups, nothing of one in another's.

A clinic is handed its own report; the evidence lines, messages, example packets and zone matrices
of the other facilities stay out of it. A device without a facility (``audit-file``) is its own.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from onshi.pipeline import AuditReport

# A facility names a file (<facility>.html): the characters a host name may have (see inventory).
_SAFE = re.compile(r"^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,99}$")


class UnsafeFacilityName(ValueError):
    """A facility (inventory group) whose name cannot be a file name."""


def facility_of(host: str, facility: str | None) -> str:
    return facility or host


def split_by_facility(report: AuditReport) -> dict[str, AuditReport]:
    """Per facility, in inventory order, the part of the report that is that facility's (one pass
    over the findings, however many facilities)."""
    owner = {d.host: facility_of(d.host, d.facility) for d in report.devices}
    parts: dict[str, dict[str, list[Any]]] = {}
    for device in report.devices:
        parts.setdefault(owner[device.host], {"devices": [], "findings": [], "inputs": [], "matrices": []})
    for name, items in (("devices", report.devices), ("findings", report.findings), ("inputs", report.inputs),
                        ("matrices", report.matrices)):  # fmt: skip
        for item in items:
            facility = owner.get(item.host)
            if facility is not None:
                parts[facility][name].append(item)
    return {
        facility: replace(report, devices=tuple(part["devices"]), findings=tuple(part["findings"]),
                          inputs=tuple(part["inputs"]), matrices=tuple(part["matrices"]))
        for facility, part in parts.items()
    }  # fmt: skip


def file_stem(facility: str) -> str:
    """The facility as a file name, or an error naming it."""
    if not _SAFE.match(facility):
        raise UnsafeFacilityName(f"facility {facility!r} cannot name a file: letters, digits and ._-@+ only")
    return facility
