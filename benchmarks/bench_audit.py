"""Audit throughput over real-world Cisco configs, with the floor and ciscoconfparse alone.

    python -m benchmarks.bench_audit [--copies 10] [--repeat 3]

Runs, in one process and over the same files (the shared Cisco IOS corpus, ``--copies`` times):
  floor          read and split the files (the least any tool must do)
  ciscoconfparse build ciscoconfparse's hierarchy only (the reference the tree is tested against)
  onshi tree     build onshi's own hierarchy of the same lines (what the Cisco parser now uses)
  parse (ccp)    decode and parse into the model, on ciscoconfparse's hierarchy (the parser before)
  parse          the same on onshi's own hierarchy
  onshi          decode, parse into the model, infer exposure, run every rule (as ``audit-file``)
and prints the best of ``--repeat`` runs as µs per config line and as ratios to the floor.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

from ciscoconfparse import CiscoConfParse

from benchmarks import CISCO_CORPUS
from onshi.pipeline import DeviceJob, Reading, audit
from onshi.platforms.cisco_ios import parser, tree
from onshi.sources import decode

CORPUS = CISCO_CORPUS
TARGET_US_PER_LINE = 15.0  # issue 20: a full in-process audit


def _load(copies: int) -> list[tuple[str, bytes]]:
    files = sorted(CORPUS.glob("*.cfg"))
    if not files:
        raise SystemExit(f"no corpus at {CORPUS}")
    return [(f"{path.stem}#{copy}", path.read_bytes()) for copy in range(copies) for path in files]


def _floor(files: list[tuple[str, bytes]]) -> int:
    return sum(len(decode(data, name).text.splitlines()) for name, data in files)


def _ciscoconfparse(files: list[tuple[str, bytes]]) -> int:
    count = 0
    for name, data in files:
        parsed = CiscoConfParse(decode(data, name).text.splitlines(), syntax="ios", ignore_blank_lines=False)
        count += len(parsed.ConfigObjs)
    return count


def _own_tree(files: list[tuple[str, bytes]]) -> int:
    return sum(len(tree.build(decode(data, name).text.splitlines())) for name, data in files)


def ciscoconfparse_tree(lines: list[str]) -> list[Any]:
    """ciscoconfparse's hierarchy, for the Cisco parser's ``build`` (the parser before onshi's tree)."""
    parsed = CiscoConfParse(lines, syntax="ios", ignore_blank_lines=False)
    return [item for item in parsed.ConfigObjs if item.parent is item]


def _parse_on_ciscoconfparse(files: list[tuple[str, bytes]]) -> int:
    return sum(len(parser.parse(decode(data, name).text, name, build=ciscoconfparse_tree).unrecognized)
               for name, data in files)  # fmt: skip


def _parse(files: list[tuple[str, bytes]]) -> int:
    return sum(len(parser.parse(decode(data, name).text, name).unrecognized) for name, data in files)


def _onshi(files: list[tuple[str, bytes]]) -> int:
    # Three corpus files are not whole configurations (a console paste, two cut before `end`): audited
    # as --allow-partial does, so every file costs the same work as before the read-coverage gate.
    jobs = (DeviceJob(name, "cisco_ios", decode(data, name), reading=Reading.PARTIAL) for name, data in files)
    report = audit(jobs)
    assert not any(device.error for device in report.devices)
    return len(report.findings)


def _best(function: Callable[[list[tuple[str, bytes]]], int], files: list[tuple[str, bytes]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function(files)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--copies", type=int, default=10)
    arguments.add_argument("--repeat", type=int, default=3)
    args = arguments.parse_args()
    files = _load(args.copies)
    lines = _floor(files)
    _onshi(files[:5])  # warm imports and caches outside the measurement
    results = {name: _best(function, files, args.repeat) for name, function in
               (("floor", _floor), ("ciscoconfparse", _ciscoconfparse), ("onshi tree", _own_tree),
                ("parse (ccp)", _parse_on_ciscoconfparse), ("parse", _parse), ("onshi", _onshi))}  # fmt: skip
    print(f"{len(files)} configs, {lines} lines, best of {args.repeat}")
    print(f"{'stage':<16}{'seconds':>10}{'µs/line':>10}{'× floor':>10}")
    for name, seconds in results.items():
        per_line = seconds * 1e6 / lines
        print(f"{name:<16}{seconds:>10.3f}{per_line:>10.1f}{seconds / results['floor']:>10.1f}")
    print(
        f"tree: ciscoconfparse / onshi's own = {results['ciscoconfparse'] / results['onshi tree']:.1f}×; "
        f"parse on ciscoconfparse / on onshi's tree = {results['parse (ccp)'] / results['parse']:.1f}×"
    )
    before = results["onshi"] + results["parse (ccp)"] - results["parse"]  # the audit with the parse it had
    print(f"audit with ciscoconfparse's tree (estimated) / now = {before / results['onshi']:.2f}×")
    verdict = "met" if results["onshi"] * 1e6 / lines <= TARGET_US_PER_LINE else "NOT met"
    print(f"target {TARGET_US_PER_LINE:.0f} µs/line: {verdict}")


if __name__ == "__main__":
    main()
