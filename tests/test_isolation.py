"""Emergency isolation (MHLW6 18 ①): the isolated config forwards nothing to or from the internet or
the VPNs not kept, as the exact engine computes it; the commands get there and back safely."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.generate.build import Isolation, isolation
from onshi.inventory import Inventory, load_inventory
from onshi.pipeline import Reading, audit
from onshi.policy import DEVICE, INTERNET
from onshi.sources import ConfigText
from onshi.tasks.audit import job
from onshi.validators.reachability import network_of, new_connections
from tests.helpers import SAMPLE_INVENTORY
from tests.test_generate import SAMPLE_SECRETS


def _clinic_keeping(*kept: str, host: str = "sakura-rtr1") -> Inventory:
    inventory = load_inventory(SAMPLE_INVENTORY)
    entry = inventory.host(host)
    policy = entry.policy.model_copy(update={"isolation_keep": list(kept)})
    return dataclasses.replace(inventory, hosts=(dataclasses.replace(entry, policy=policy),))


def _reach(inventory: Inventory, config: str) -> dict[tuple[str, str], tuple[bool, bool]]:
    """For every zone pair of the clinic: does the device forward any new connection, and is that
    exact? (An over-approximated empty answer is still a sound "no".)"""
    entry = inventory.hosts[0]
    report = audit([job(entry, ConfigText(config, "isolated.cfg", "utf-8"), None, Reading.AUTHORED)])
    network = network_of(report.inputs[0])
    sp = network.space
    zones = [*(s.name for s in entry.policy.segments), *(v.name for v in entry.policy.vpns), INTERNET]
    answers = {}
    for source in zones:
        for destination in [*zones, DEVICE]:
            if source != destination:
                reach = network.reach(source, destination)
                answers[source, destination] = (not sp.is_empty(reach.packets & new_connections(sp)), reach.exact)
    return answers


@pytest.mark.parametrize("kept", [(), ("vendor",)])
def test_isolated_config_cuts_the_internet_and_the_vpns_not_kept(kept: tuple[str, ...]) -> None:
    inventory = _clinic_keeping(*kept)
    (runbook,) = isolation(inventory, SAMPLE_SECRETS)
    reach = _reach(inventory, runbook.isolated_config)
    for (source, destination), (forwarded, _) in reach.items():
        external = {source, destination} & {INTERNET, "claims", "vendor"} - set(kept)
        if external and destination != DEVICE:
            assert not forwarded, (source, destination)
    # The kept maintenance VPN still reaches the EMR hosts it is declared for; the LAN still works.
    assert reach["vendor", "emr"] == (bool(kept), True)
    assert reach["emr", "onshi"] == (True, True)


@pytest.mark.parametrize("kept", [(), ("claims",)])
def test_isolating_an_ip_vpn_clinic_cuts_the_internet_and_keeps_the_closed_network_only_when_asked(
    kept: tuple[str, ...],
) -> None:
    runbook, _ = _isolated_keeping(kept, "kaede-rtr1")
    # PPPoE and IPoE share GigabitEthernet8: keeping the closed network shuts only the PPPoE side.
    shut = {section for section, lines in _sections(runbook.cut).items() if "  shutdown" in lines}
    assert shut == ({"interface Dialer1"} if kept else {"interface GigabitEthernet8", "interface Dialer1"})


def _isolated_keeping(kept: tuple[str, ...], host: str) -> tuple[Isolation, dict[tuple[str, str], tuple[bool, bool]]]:
    """The host's runbook keeping ``kept``: nothing crosses to or from the internet or the claims
    network unless kept, and onshi reaches the claims network exactly when it is kept."""
    inventory = _clinic_keeping(*kept, host=host)
    (runbook,) = isolation(inventory, SAMPLE_SECRETS)
    reach = _reach(inventory, runbook.isolated_config)
    for (source, destination), (forwarded, _) in reach.items():
        if {source, destination} & ({INTERNET, "claims"} - set(kept)) and destination != DEVICE:
            assert not forwarded, (source, destination)
    assert reach["onshi", "claims"] == (bool(kept), True)
    return runbook, reach


def _sections(lines: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in lines:
        if not line.startswith(" "):
            section = found.setdefault(line, [])
        else:
            section.append(line)
    return found


def test_cut_shuts_the_uplink_and_restore_reopens_it() -> None:
    (runbook,) = isolation(_clinic_keeping(), SAMPLE_SECRETS)
    assert runbook.cut == ("interface Tunnel10", "  shutdown", "interface Tunnel11", "  shutdown",
                           "interface GigabitEthernet8", "  shutdown")  # fmt: skip
    assert runbook.restore == tuple(line.replace("shutdown", "no shutdown") for line in runbook.cut)


def test_keeping_a_vpn_rebinds_filters_without_an_unfiltered_moment() -> None:
    (runbook,) = isolation(_clinic_keeping("vendor"), SAMPLE_SECRETS)
    cut = [line.strip() for line in runbook.cut]
    assert cut.index("ip access-list extended ISOLATE-IN") < cut.index("ip access-group ISOLATE-IN in")
    assert not any(line.startswith("no ip access-group") for line in cut)
    assert "no ip access-list extended WAN-IN" not in cut
    restore = [line.strip() for line in runbook.restore]
    assert restore.index("ip access-group WAN-IN in") < restore.index("no ip access-list extended ISOLATE-IN")


def test_cli_writes_the_runbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SAMPLE_SECRETS.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["generate", "--isolation", "--inventory", str(SAMPLE_INVENTORY),
                                      "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "aoba-rtr1.isolate.cfg").read_text(encoding="utf-8").endswith("  shutdown\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # not the access point: it has no external network
        f"{host}.{kind}.cfg"
        for host in (
            "aoba-rtr1",
            "ayame-rtr1",
            "himawari-rtr1",
            "kaede-rtr1",
            "kiri-fw1",
            "kiri-rtr1",
            "momiji-fw1",
            "sakura-rtr1",
            "tsubaki-rtr1",
            "tsubaki-vpn-claims",
            "tsubaki-vpn-vendor",
        )
        for kind in ("isolate", "restore")
    ]


@pytest.mark.parametrize("kept", [(), ("claims",)])
def test_isolating_a_yamaha_router_cuts_the_internet_and_keeps_the_claims_tunnel_only_when_asked(
    kept: tuple[str, ...],
) -> None:
    runbook, reach = _isolated_keeping(kept, "himawari-rtr1")
    assert reach["office", "guest_wifi"] == (False, True)  # the LAN's own separation is unchanged
    if kept:  # the line stays up for IKE: only the kept peer's IKE and ESP cross it, both ways
        assert "pp disable 1" not in runbook.cut
        assert any(line.startswith("ip pp secure filter out") for line in runbook.cut)
    else:
        assert runbook.cut == ("pp select 1", "pp disable 1", "pp select none", "tunnel select 10",
                               "tunnel disable 10", "tunnel select none")  # fmt: skip
        assert runbook.restore == tuple(line.replace("disable", "enable") for line in runbook.cut)


@pytest.mark.parametrize("kept", [(), ("claims",)])
def test_isolating_an_ix_router_cuts_the_internet_and_keeps_the_claims_tunnel_only_when_asked(
    kept: tuple[str, ...],
) -> None:
    """With no tunnel kept, the PPPoE session and the tunnel are shut; keeping the claims tunnel, the
    line stays up behind lists of the isolation's own, each bound before the one it replaces is
    unbound (never a moment unfiltered), and the restore binds the normal ones back first."""
    runbook, reach = _isolated_keeping(kept, "ayame-rtr1")
    assert reach["office", "guest_wifi"] == (False, True)
    if not kept:
        assert runbook.cut == ("interface GigaEthernet0.1", "  shutdown", "interface Tunnel10.0", "  shutdown")
        return
    cut, restore = [line.strip() for line in runbook.cut], [line.strip() for line in runbook.restore]
    assert "shutdown" not in cut
    assert cut.index("ip filter wan-cut 5 in") < cut.index("no ip filter wan-in 10 in")
    assert cut.index("ip filter office-cut 5 in") < cut.index("no ip filter office-in 10 in")
    assert restore.index("ip filter wan-in 10 in") < restore.index("no ip filter wan-cut 5 in")
    assert restore.index("no ip filter wan-cut 5 in") < restore.index(next(c for c in restore if c.startswith(
        "no ip access-list wan-cut")))  # fmt: skip


@pytest.mark.parametrize("kept", [(), ("claims",)])
def test_isolating_a_fortigate_deletes_the_policies_of_what_is_cut(kept: tuple[str, ...]) -> None:
    """The cut deletes the internet's and the cut tunnels' policies (no policy, no path) and, with no
    tunnel kept, shuts wan1; the restore brings back the same policies in the baseline's order."""
    runbook, reach = _isolated_keeping(kept, "momiji-fw1")
    assert reach["office", "guest_wifi"] == (False, True)
    cut = [line.strip() for line in runbook.cut]
    assert ("set status down" in cut) == (not kept)
    deleted = {line.removeprefix("delete ") for line in cut if line.startswith("delete ")}
    assert deleted == ({"2", "3", "4", "5"} if kept else {"1", "2", "3", "4", "5"})
    restore = [line.strip() for line in runbook.restore]
    assert all(f"edit {number}" in restore for number in deleted)
    assert ("unset status" in restore) == (not kept)
