"""The incident runbook (MHLW6 18 ①) built from the router as it runs, and proven before it is written.

In an incident the router to cut is the one in the rack, not the baseline: the runbook shuts the
interfaces that carry the internet and every VPN not kept (the internet-facing interfaces as onshi
infers or the host declares them, closed-network ports and tunnels of VPNs not kept), as the
platform's commands, computed as the drift from the running config to the same config with those
interfaces down. Before anything is written, that isolated config is audited with the exact engine:
nothing may reach or leave the internet or a VPN not kept, else the host gets no runbook (said why).
Keeping a VPN that rides the internet uplink is not generated from the running config (the uplink
would have to stay up behind a filter): such a host is refused with the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from onshi.analysis.network import DeviceNetwork
from onshi.generate.drift import NotRemediable
from onshi.inventory import HostEntry, Inventory
from onshi.model import InterfaceKind
from onshi.pipeline import Reading, prepare
from onshi.platforms import get_driver
from onshi.sources import ConfigText
from onshi.tasks.audit import Fetched, job
from onshi.terms import DEVICE, INTERNET, Role
from onshi.validators.base import RuleInput
from onshi.validators.reachability import device_network

_CUT_ROLES = (Role.EDGE_ROUTER, Role.FIREWALL)


@dataclass(frozen=True, slots=True)
class Runbook:
    host: str
    facility: str
    cut: tuple[str, ...]  # the interfaces shut
    isolate: tuple[str, ...]  # commands
    restore: tuple[str, ...]
    snapshot_sha256: str
    collected_at: str | None


@dataclass(frozen=True, slots=True)
class Refused:
    host: str
    reason: str


def runbooks(inventory: Inventory, running: dict[str, Fetched]) -> list[Runbook | Refused]:
    """A runbook per router and firewall of the inventory, from its running config, or why not."""
    found: list[Runbook | Refused] = []
    for entry in inventory.hosts:
        if entry.data.role not in _CUT_ROLES:
            continue  # an access point has no external network of its own
        text = running.get(entry.name)
        if not isinstance(text, ConfigText):
            found.append(Refused(entry.name, f"no running config to build the runbook from ({text})"))
            continue
        found.append(_runbook(entry, text))
    return found


def _runbook(entry: HostEntry, config: ConfigText) -> Runbook | Refused:
    report, inp = prepare(job(entry, config, None, Reading.WHOLE))
    if inp is None or entry.policy is None:
        return Refused(entry.name, report.error or "the host has no facility policy")
    kept = set(entry.policy.isolation_keep)
    cut = _to_cut(inp, kept)
    if isinstance(cut, Refused):
        return cut
    driver = get_driver(entry.platform)
    try:
        isolated_text = driver.shut(config.text, cut)
    except NotRemediable as error:
        return Refused(entry.name, str(error))
    isolated = prepare(job(entry, replace(config, text=isolated_text), None, Reading.AUTHORED))[1]
    if isolated is None:
        return Refused(entry.name, "the isolated config could not be read back")
    open_pairs = _still_open(device_network(isolated), kept)
    if open_pairs:
        return Refused(entry.name, f"shutting {', '.join(cut)} would not cut {', '.join(open_pairs)}: not written")
    try:
        isolate = driver.drift(isolated_text, config.text).remediation
        restore = driver.drift(config.text, isolated_text).remediation
    except NotRemediable as error:  # said for this host; the other hosts' runbooks are still written
        return Refused(entry.name, f"no commands can be derived from the running config: {error}")
    if isolate and not restore:  # a cut with no way back is not a runbook
        return Refused(entry.name, f"no restore commands could be derived for {', '.join(cut)}: not written")
    return Runbook(
        host=entry.name,
        facility=entry.policy.name,
        cut=tuple(cut),
        isolate=isolate,
        restore=restore,
        snapshot_sha256=hashlib.sha256(config.text.encode(config.encoding)).hexdigest(),  # the file as read
        collected_at=config.collected_at,
    )


def _to_cut(inp: RuleInput, kept: set[str]) -> list[str] | Refused:
    """The interfaces that carry the internet or a VPN not kept, as the running config names them."""
    network = device_network(inp)
    internet = {name.lower() for name in inp.internet_names}
    cut = [interface.name for name, interface in network.interfaces.items() if name in internet]
    for name, interface in network.interfaces.items():
        zone = network.zone_of.get(name)
        vpn_zone = zone is not None and zone not in (INTERNET, DEVICE) and _is_vpn(network, zone)
        carries_vpn = interface.kind is InterfaceKind.TUNNEL or name in inp.closed
        if vpn_zone and carries_vpn and zone not in kept and interface.name not in cut:
            cut.append(interface.name)
    riding = _kept_over_uplink(network, kept, internet)
    if riding:
        reason = "rides the internet uplink, which the runbook from the running config cuts: cut by hand"
        return Refused(inp.host, f"VPN {', '.join(riding)} is kept but {reason}, or keep no VPN here")
    return cut


def _kept_over_uplink(network: DeviceNetwork, kept: set[str], internet: set[str]) -> list[str]:
    """Kept VPNs that need an internet-facing interface up (a crypto map on it, a tunnel from it)."""
    riding = []
    for name, _, vpn in network.crypto_vpns():
        if vpn in kept and name in internet:
            riding.append(vpn)
    for name, interface in network.interfaces.items():
        zone = network.zone_of.get(name)
        source = (interface.tunnel.source or "").lower() if interface.tunnel else ""
        if zone in kept and interface.tunnel is not None and (source in internet or not source):
            riding.append(str(zone))
    return sorted(set(riding))


def _still_open(network: DeviceNetwork, kept: set[str]) -> list[str]:
    """Zone pairs through the internet or a VPN not kept that still forward anything."""
    sp = network.space
    zones = network.zones()
    cut = [zone for zone in zones if zone == INTERNET or (zone not in kept and _is_vpn(network, zone))]
    return [f"{a} → {b}" for a, b in _pairs(zones, cut) if not sp.is_empty(network.reach(a, b).packets)]


def _is_vpn(network: DeviceNetwork, zone: str) -> bool:
    return network.policy is not None and network.policy.vpn(zone) is not None


def _pairs(zones: Iterable[str], cut: list[str]) -> list[tuple[str, str]]:
    every = [*zones, DEVICE]
    return [(a, b) for a in every for b in every if a != b and (a in cut or b in cut) and a != DEVICE]


def runbook_files(runbook: Runbook, platform: str) -> dict[str, str]:
    """``isolate`` and ``restore`` file texts, each opening with a header (platform comments, Japanese
    and English): facility, device, the snapshot it was built from, what it cuts, how to restore."""
    comment = get_driver(platform).comment
    cut = ", ".join(runbook.cut)
    taken = runbook.collected_at or "unknown (not collected by onshi)"
    common = (
        f"施設 / facility: {runbook.facility}",
        f"機器 / device: {runbook.host}",
        f"元にした設定 / built from the running config: sha256 {runbook.snapshot_sha256}, collected {taken}",
        f"遮断するインタフェース / interfaces cut: {cut}",
    )
    isolate = (
        "インシデント時の外部ネットワーク遮断（MHLW6 18 ①）/ incident isolation: cut the external network",
        *common,
        f"復旧するには {runbook.host}.restore.cfg を投入 / to restore, apply {runbook.host}.restore.cfg",
        "設定が上記の sha256 と異なる場合は作り直すこと / if the running config has changed, generate again",
    )
    restore = ("外部ネットワーク遮断からの復旧 / restore after the incident isolation", *common)
    return {
        "isolate": "\n".join((*(f"{comment} {line}" for line in isolate), *runbook.isolate)) + "\n",
        "restore": "\n".join((*(f"{comment} {line}" for line in restore), *runbook.restore)) + "\n",
    }
