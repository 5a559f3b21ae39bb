"""Facility-level and documentation rules (DOC-01..03)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from onshi.files import load_yaml
from onshi.model import Aspect, Device, Severity, Status, VpnKind
from onshi.validators.base import Outcome, RuleInput, failed, manual, names, outcome, passed
from onshi.validators.registry import rule
from onshi.versions import at_least, in_range


@rule("DOC-01", Severity.INFO, "REG-EX 5", reads=())
def asset_ledger(inp: RuleInput) -> Iterator[Outcome]:
    ledger = ledger_entry(inp)
    missing = [field for field, value in ledger.items() if not value]
    lines = [inp.device.os_version_line]
    if missing:
        yield manual("incomplete", lines, missing=names(missing), **ledger)
    else:
        yield passed("complete", lines, **ledger)


def ledger_entry(inp: RuleInput) -> dict[str, str]:
    """The asset-ledger row (機器台帳) for one device: inventory data first, then collected facts."""
    data = inp.host_data
    return {
        "role": data.role.value if data else "",
        "platform": inp.device.platform,
        "model": (data.model if data and data.model else None) or inp.facts.model or "",
        "os_version": _os_version(inp) or "",
        "serial": (data.serial if data and data.serial else None) or inp.facts.serial or "",
        "location": data.location if data else "",
    }


def _os_version(inp: RuleInput) -> str | None:
    return inp.facts.os_version or inp.device.os_version


@dataclass(frozen=True, slots=True)
class Advisory:
    platform: str
    cve: str
    title: str
    feature: str | None
    affected: tuple[tuple[str, str], ...]


@cache
def advisories() -> tuple[Advisory, ...]:
    text = resources.files("onshi.data").joinpath("exploited_versions.yaml").read_text(encoding="utf-8")
    return tuple(
        Advisory(
            platform=entry["platform"],
            cve=entry["cve"],
            title=entry["title"],
            feature=entry.get("feature"),
            affected=tuple((str(low), str(high)) for low, high in entry["affected"]),
        )
        for entry in load_yaml(text) or []
    )


# Features an advisory can depend on, as predicates over the neutral model.
_FEATURES: dict[str, Callable[[Device], bool]] = {
    "web_ui": lambda device: (
        device.management.web is not None and (device.management.web.http or device.management.web.https)
    ),
    "ssl_vpn": lambda device: any(vpn.kind is VpnKind.SSL_VPN for vpn in device.vpns),
}


@rule("DOC-02", Severity.HIGH, "MHLW6 システム運用編 8 ③", reads=(Aspect.MANAGEMENT, Aspect.VPN))
def os_version(inp: RuleInput) -> Iterator[Outcome]:
    version = _os_version(inp)
    lines = [inp.device.os_version_line]
    if version is None:
        yield manual("unknown")
        return
    decided = True
    for advisory in advisories():
        if advisory.platform != inp.device.platform:
            continue
        feature = _FEATURES.get(advisory.feature or "")
        if feature is not None and not feature(inp.device):
            continue
        for introduced, fixed in advisory.affected:
            verdict = in_range(version, introduced, fixed)
            if verdict:
                yield failed("exploited", lines, version=version, cve=advisory.cve, title=advisory.title)
                return
            if verdict is None:
                decided = False
                yield manual("imprecise_cve", lines, version=version, cve=advisory.cve, fixed=fixed)
    minimum = inp.policy.min_os_versions.get(inp.device.platform) if inp.policy else None
    if minimum is None:
        yield manual("no_minimum", lines, version=version)
        return
    verdict = at_least(version, minimum)
    if verdict is False:
        yield failed("below_minimum", lines, version=version, minimum=minimum)
    elif verdict is None:
        yield manual("imprecise", lines, version=version, minimum=minimum)
    elif decided:
        yield passed("current", lines, version=version, minimum=minimum)


@rule("DOC-03", Severity.INFO, "REG-EX 別表 3, 5, 8", "CHECKLIST 技術的 6", reads=())
def manual_items(inp: RuleInput) -> Iterator[Outcome]:
    yield outcome(Status.MANUAL, "signoff")
