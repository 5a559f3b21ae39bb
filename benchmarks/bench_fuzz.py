"""Long mutation fuzzing of the real-world corpus (the CI test runs the same checks on a short budget).

    python -m benchmarks.bench_fuzz [--examples 2000] [--seed 0]

For each platform, ``--examples`` mutated corpus files (lines deleted, duplicated, cut short, case
changed, stray bytes, CR/CRLF, very long lines, unbalanced blocks; see ``tests/fuzzing.py``) are
parsed and audited: none may raise, leave a rule unable to evaluate, or take longer than the bound;
and as many cuts of the whole corpus files are checked against the read-coverage gate. Prints how
many mutations were tried, how many cuts the syntax showed (all refused), and the slowest example.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import (
    FOLDERS,
    LINE_ENDS,
    Mutation,
    check_cut_short,
    check_survives,
    corpus_files,
    mutate,
    mutations,
    text_of,
)
from tests.fuzzing import whole_corpus as whole


def _run(platform: str, examples: int, seed: int) -> tuple[int, int, int, float]:
    counts = {"mutations": 0, "cuts": 0, "shown": 0}
    slowest = 0.0
    budget = settings(max_examples=examples, deadline=None, database=None, derandomize=seed == 0,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
    files = corpus_files(platform)

    @budget
    @given(st.sampled_from(files), st.lists(mutations, min_size=1, max_size=6), st.sampled_from(LINE_ENDS))
    def survives(path: Path, applied: list[Mutation], line_end: str) -> None:
        nonlocal slowest
        started = time.perf_counter()
        check_survives(platform, mutate(path.read_text(encoding="utf-8", errors="replace"), applied, line_end))
        slowest = max(slowest, time.perf_counter() - started)
        counts["mutations"] += 1

    survives()
    complete = whole(platform)

    @budget
    @given(st.sampled_from(complete), st.floats(0, 0.999))
    def cut(path: Path, where: float) -> None:
        text = text_of(path)
        counts["cuts"] += 1
        counts["shown"] += check_cut_short(platform, text, int(where * len(text.splitlines())))

    if complete:
        cut()
    return counts["mutations"], counts["cuts"], counts["shown"], slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="mutations per platform (and as many cuts)")
    parser.add_argument("--seed", type=int, default=0, help="0: the same examples every run")
    args = parser.parse_args()
    total = 0
    for platform in sorted(FOLDERS):
        started = time.perf_counter()
        tried, cuts, shown, slowest = _run(platform, args.examples, args.seed)
        total += tried + cuts
        print(f"{platform:11} {tried:6} mutations, {cuts:6} cuts ({shown} shown by the syntax, all refused), "
              f"slowest example {slowest:.2f} s, {time.perf_counter() - started:.0f} s in all")  # fmt: skip
    print(f"{total} examples, no failure")


if __name__ == "__main__":
    main()
