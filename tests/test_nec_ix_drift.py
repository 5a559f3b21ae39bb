"""NEC IX drift and its remediation, applied as the router would take it: the sample clinic's running
IX brought to its generated baseline ends in sync; a changed filter is rebuilt in place and never
leaves an interface unfiltered; keyed commands are replaced, not deleted; no secret of the running
config is printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from onshi.generate.build import generate
from onshi.generate.drift import NotRemediable
from onshi.inventory import load_inventory
from onshi.platforms import get_driver
from onshi.platforms.nec_ix.parser import parse
from tests.helpers import SAMPLE_INVENTORY
from tests.remediation import apply_ix
from tests.test_generate import SAMPLE_SECRETS

DRIVER = get_driver("nec_ix")
RUNNING = (SAMPLE_INVENTORY / "configs" / "ayame-rtr1.cfg").read_text(encoding="utf-8")


def _intended(tmp_path: Path) -> str:
    generated = generate(load_inventory(SAMPLE_INVENTORY), tmp_path, SAMPLE_SECRETS).generated
    return next(g.text for g in generated if g.host == "ayame-rtr1")


def _filtered(text: str) -> set[tuple[str, int, str]]:
    """(interface, family, direction) that bind at least one filter."""
    device = parse(text, "step.cfg")
    found = set()
    for interface in device.interfaces:
        for name, family, direction in ((interface.acl_in, 4, "in"), (interface.acl_out, 4, "out")):
            if name is not None:
                found.add((interface.name, family, direction))
    return found


def test_the_sample_ix_is_brought_to_its_baseline_and_ends_in_sync(tmp_path: Path) -> None:
    intended = _intended(tmp_path)
    found = DRIVER.drift(intended, RUNNING)
    assert not found.in_sync
    fixed = apply_ix(RUNNING, found.remediation)
    assert DRIVER.drift(intended, fixed).in_sync, DRIVER.drift(intended, fixed).remediation
    text = "\n".join(found.remediation)
    for secret in ("Ayame2024", "Mori2020", "Pppoe-Ayame-2026", "1A2B3C4D5E6F7A8B9C0D"):  # the running config's
        assert secret not in text
    assert "no ike policy claims-policy peer 203.0.113.40 key <value as configured> mode aggressive" in text
    # what every IX shows of itself is neither missing nor removed
    assert not any(line.startswith(("no device", "no interface Loopback0.0", "no interface Null0.0"))
                   for line in found.remediation)  # fmt: skip


def test_a_changed_filter_is_rebuilt_in_place_and_never_left_unbound(tmp_path: Path) -> None:
    intended = _intended(tmp_path)
    found = DRIVER.drift(intended, RUNNING)
    before = _filtered(RUNNING)
    kept = before & _filtered(intended)  # directions filtered before and after the change (the WAN's)
    lines = list(found.remediation)
    rebuilt = max(i for i, line in enumerate(lines) if line.startswith("no ip access-list onshi-tmp")) + 1
    # Every prefix of the commands, as pasted one by one: while the lists are rebuilt, every filtered
    # direction stays filtered; after, those the baseline filters too (it moves the segments' own).
    for count in range(1, len(lines) + 1):
        step = _filtered(apply_ix(RUNNING, tuple(lines[:count])))
        assert (before if count <= rebuilt else kept) <= step, (lines[count - 1], before - step)
    assert kept
    assert lines.index("  ip filter onshi-tmp1 9 in") < lines.index("  no ip filter claims-in 10 in")


def test_a_user_or_ike_object_entered_again_is_replaced_not_deleted() -> None:
    running = "username admin password plain Old-Secret-1 administrator\nike proposal p encryption 3des hash md5\n"
    intended = ("username admin password hash 0A1B2C3D4E5F administrator\n"
                "ike proposal p encryption aes-256 hash sha2-512 group 2048-bit\n")  # fmt: skip
    found = DRIVER.drift(intended, running)
    assert found.remediation == (
        "username admin password hash 0A1B2C3D4E5F administrator",
        "ike proposal p encryption aes-256 hash sha2-512 group 2048-bit",
    )
    assert DRIVER.drift(intended, apply_ix(running, found.remediation)).in_sync


def test_a_list_an_ipsec_map_names_is_left_to_a_person() -> None:
    running = ("ip access-list sel permit ip src 10.0.0.0/8 dest any\n"
               "ipsec autokey-map m sel peer 192.0.2.1 p\n")  # fmt: skip
    intended = "ip access-list sel permit ip src 192.168.0.0/16 dest any\nipsec autokey-map m sel peer 192.0.2.1 p\n"
    with pytest.raises(NotRemediable, match=r"access list sel .* `ipsec autokey-map m sel peer 192.0.2.1 p` names it"):
        DRIVER.drift(intended, running)


def test_no_free_sequence_below_a_binding_is_refused_by_name() -> None:
    running = ("ip access-list a permit ip src any dest any\nip access-list b deny ip src any dest any\n"
               "interface GigaEthernet0.0\n  ip filter b 9 in\n  ip filter a 10 in\n")  # fmt: skip
    intended = ("ip access-list a deny ip src any dest any\nip access-list b deny ip src any dest any\n"
                "interface GigaEthernet0.0\n  ip filter b 9 in\n  ip filter a 10 in\n")  # fmt: skip
    with pytest.raises(NotRemediable, match=r"binds it at sequence 10 with no free number just below"):
        DRIVER.drift(intended, running)
