"""Intended (generated now, never read back from disk) against running: drift both ways and the
remediation, per host. The platform computes the diff; this module only pairs hosts up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from onshi.generate.build import plan_inventory, render
from onshi.generate.drift import Drift, NotRemediable
from onshi.inventory import Inventory
from onshi.platforms import get_driver
from onshi.sources import ConfigText


@dataclass(frozen=True, slots=True)
class Verification:
    host: str
    platform: str
    drift: Drift | None
    error: str | None = None  # why there is no drift: the running config could not be had


def verify(
    inventory: Inventory,
    running: Mapping[str, ConfigText | str],
    environment: Mapping[str, str],
    template_dirs: Sequence[Path] = (),
) -> list[Verification]:
    """``running`` maps each host to its running config, or to why there is none. Hosts without
    baseline variables have no intended config and are left out; planning errors raise as in
    :func:`onshi.generate.build.generate`."""
    results = []
    for entry, plan in plan_inventory(inventory, environment):
        config = running.get(entry.name, f"host {entry.name}: no running config")
        if isinstance(config, str):
            results.append(Verification(entry.name, entry.platform, None, config))
            continue
        intended = render(entry, plan, template_dirs, running=config.text)  # keeps hashes of unchanged passwords
        try:
            drift = get_driver(entry.platform).drift(intended, config.text)
        except NotRemediable as error:  # said for this host; the others are still verified
            results.append(Verification(entry.name, entry.platform, None, f"no remediation: {error}"))
            continue
        results.append(Verification(entry.name, entry.platform, drift))
    return results
