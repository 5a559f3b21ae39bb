"""Mutation fuzzing of the corpus, a short budget (``python -m benchmarks.bench_fuzz`` runs a long one)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.sources import SnapshotSource, SourceError
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
    whole_corpus,
)

_CI = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@pytest.mark.parametrize("platform", sorted(FOLDERS))
def test_every_mutation_of_the_corpus_parses_and_audits(platform: str) -> None:
    files = corpus_files(platform)

    @_CI
    @given(st.sampled_from(files), st.lists(mutations, min_size=1, max_size=4), st.sampled_from(LINE_ENDS))
    def survives(path: Path, applied: list[Mutation], line_end: str) -> None:
        check_survives(platform, mutate(path.read_text(encoding="utf-8", errors="replace"), applied, line_end))

    survives()


@pytest.mark.parametrize("platform", ["cisco_ios", "fortinet"])
def test_a_cut_the_syntax_shows_is_refused(platform: str) -> None:
    files = whole_corpus(platform)

    @_CI
    @given(st.sampled_from(files), st.floats(0, 0.999))
    def refused(path: Path, where: float) -> None:
        text = text_of(path)
        check_cut_short(platform, text, int(where * len(text.splitlines())))

    refused()


@pytest.mark.parametrize("platform", sorted(FOLDERS))
def test_a_snapshot_cut_after_collection_is_refused_by_its_recorded_sha256(platform: str, tmp_path: Path) -> None:
    text = text_of(whole_corpus(platform)[0])
    data = text.encode("utf-8")
    (tmp_path / "r1.json").write_text(json.dumps({"sha256": hashlib.sha256(data).hexdigest()}), encoding="utf-8")
    (tmp_path / "r1.cfg").write_bytes(data)
    assert SnapshotSource(tmp_path).fetch("r1").text == text
    lines = text.splitlines()
    (tmp_path / "r1.cfg").write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="changed since it was collected"):
        SnapshotSource(tmp_path).fetch("r1")
