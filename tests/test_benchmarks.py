"""The benchmarks stay runnable: their inputs still plan the sample (timings are never asserted)."""

from __future__ import annotations

from benchmarks.bench_generate import ROOT, SECRETS
from onshi.generate.build import plan_inventory
from onshi.inventory import load_inventory


def test_the_generate_benchmark_secrets_plan_every_sample_host() -> None:
    inventory = load_inventory(ROOT / "inventory")
    planned = {entry.name for entry, _ in plan_inventory(inventory, SECRETS)}
    assert planned == {"sakura-rtr1", "aoba-rtr1", "kaede-rtr1", "kaede-ap1", "himawari-rtr1", "momiji-fw1",
                       "ayame-rtr1"}  # fmt: skip
