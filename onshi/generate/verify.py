"""Intended (generated now, never read back from disk) against running: drift both ways and the
remediation, per host. The platform computes the diff; this module only pairs hosts up."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from onshi.generate.build import plan_inventory, render
from onshi.generate.drift import Drift, NotRemediable
from onshi.inventory import Inventory
from onshi.platforms import get_driver
from onshi.sources import ConfigText

log = logging.getLogger(__name__)


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
    *,
    check_whole: bool = True,
) -> list[Verification]:
    """``running`` maps each host to its running config, or to why there is none. Hosts without
    baseline variables have no intended config and are left out; planning errors raise as in
    :func:`onshi.generate.build.generate`. A running config that is not whole (as the platform prints
    it) gets no drift: a cut config would read as everything missing (``check_whole=False`` for text
    that is not a device's output, such as a generated config compared with itself)."""
    results = []
    for entry, plan in plan_inventory(inventory, environment):
        config = running.get(entry.name, f"host {entry.name}: no running config")
        if isinstance(config, str):
            results.append(Verification(entry.name, entry.platform, None, config))
            continue
        driver = get_driver(entry.platform)
        if check_whole and (partial := driver.incomplete(config.text)) is not None:
            results.append(Verification(entry.name, entry.platform, None, f"not a whole configuration ({partial})"))
            continue
        intended = render(entry, plan, template_dirs, running=config.text)  # keeps hashes of unchanged passwords
        try:
            drift = driver.drift(intended, config.text)
        except NotRemediable as error:  # said for this host; the others are still verified
            results.append(Verification(entry.name, entry.platform, None, f"no remediation: {error}"))
            continue
        except Exception as error:  # a library's failure on one host loses no other host's result
            # Only the type: a library's message may quote a configuration line, secret and all.
            log.error("drift of %s failed: %s", entry.name, type(error).__name__)
            reason = f"onshi could not compare the configs ({type(error).__name__}): please report this defect"
            results.append(Verification(entry.name, entry.platform, None, reason))
            continue
        results.append(Verification(entry.name, entry.platform, drift))
    return results
