"""Change impact at scale, and the diff checked against the single-packet oracle.

    python -m benchmarks.bench_diff [--examples 500]

1. The sample pharmacy router with its office segment's inbound ACL replaced by 10,000 random lines
   (``bench_reachability``'s "no catch-all" shape, as IOS text), and the same router with its first
   line replaced by a permit of RDP to anywhere: the two are audited (parse and every rule, as ``onshi diff`` does) and
   diffed; the time of the diff itself and of the whole are printed, against the 2 s target.
2. ``tests.test_diff_oracle``'s check on ``--examples`` random changes: every example the diff gives
   is forwarded on the side it says and not on the other, by the oracle; every random packet the
   oracle forwards on one side only is among the diff's changes.
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.bench_reachability import INVENTORY, random_acl
from onshi.inventory import load_inventory
from onshi.model import AclEntry, AddressMatch, PortMatch
from onshi.pipeline import Reading, audit
from onshi.sources import read_config_file
from onshi.tasks.audit import job
from onshi.validators.diff import diff
from tests.test_diff_oracle import Change, changes, check_diff_against_the_oracle

TARGET_SECONDS = 2.0
LINES = 10_000


def _address(match: AddressMatch) -> str:
    if match.any_:
        return "any"
    network = match.networks[0]
    return (
        f"host {network.network_address}"
        if network.prefixlen == 32
        else f"{network.network_address} {network.hostmask}"
    )


def _port(match: PortMatch, protocol: str) -> str:
    if protocol == "ip" or not match.ranges:
        return ""
    low, high = match.ranges[0]
    return f" eq {low}" if low == high else f" range {low} {high}"


def _ios(entry: AclEntry) -> str:
    return (f" {entry.action} {entry.protocol} {_address(entry.source)} {_address(entry.destination)}"
            f"{_port(entry.destination_ports, entry.protocol)}")  # fmt: skip


def _with_acl(text: str, lines: list[str]) -> str:
    """The pharmacy's config with its office segment filtered inbound by BENCH-IN (``lines``)."""
    bound = " ip access-group OFFICE-IN in\n"
    assert bound in text
    found = text.replace(bound, " ip access-group BENCH-IN in\n", 1)
    return found.replace("\nend", "\nip access-list extended BENCH-IN\n" + "\n".join(lines) + "\nend", 1)


def large_diff() -> tuple[float, float, int]:
    """(seconds for the diff, seconds with both audits, zone pairs changed)."""
    inventory = load_inventory(INVENTORY)
    entry = inventory.host("aoba-rtr1")
    config = read_config_file(INVENTORY / "configs" / "aoba-rtr1.cfg")
    lines = [_ios(e) for e in random_acl(LINES, catch_all=False).entries]
    changed = [" permit tcp any any eq 3389", *lines[1:]]  # the first line replaced: RDP from the office opens
    start = time.perf_counter()
    sides = []
    for acl in (lines, changed):
        text = config.__class__(_with_acl(config.text, acl), config.file, config.encoding)
        sides.append(audit([job(entry, text, None, Reading.WHOLE)], matrices=False))
    audited = time.perf_counter()
    found = diff(sides[0].inputs, sides[1].inputs, (sides[0].findings, sides[1].findings))
    end = time.perf_counter()
    return end - audited, end - start, len(found.pairs)


def oracle_check(examples: int) -> float:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(change=changes(), data=st.data())
    def check(change: Change, data: st.DataObject) -> None:
        check_diff_against_the_oracle(change, data)

    start = time.perf_counter()
    check()
    return time.perf_counter() - start


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--examples", type=int, default=500)
    args = arguments.parse_args()
    seconds, whole, changed = large_diff()
    verdict = "met" if seconds <= TARGET_SECONDS else "NOT met"
    print(
        f"diff of a router with a {LINES:,}-line ACL, one line changed: {seconds:.2f} s (with both audits "
        f"{whole:.2f} s), {changed} zone pairs changed; target {TARGET_SECONDS:.0f} s: {verdict}"
    )
    taken = oracle_check(args.examples)
    print(f"diff against the single-packet oracle: {args.examples} random changes passed in {taken:.1f} s")


if __name__ == "__main__":
    main()
