from __future__ import annotations

import pytest

from onshi.versions import at_least, in_range, version_key


def test_version_keys() -> None:
    assert version_key("17.3.8a") == (17, 3, 8, 1)
    assert version_key("15.2(4)E6") == (15, 2, 4, 6)


@pytest.mark.parametrize(("version", "minimum", "expected"), [
    ("15.7", "15.9", False),
    ("17.9", "17.9", True),
    ("17.12", "17.9.4", True),
    ("17.9", "17.9.4", None),  # the config says 17.9: could be 17.9.1 or 17.9.5
    ("17.9.5", "17.9.4", True),
])  # fmt: skip
def test_at_least_is_honest_about_precision(version: str, minimum: str, expected: bool | None) -> None:
    assert at_least(version, minimum) is expected


@pytest.mark.parametrize(("version", "expected"), [
    ("17.3.4", True),
    ("17.3.8a", False),
    ("17.3", None),
    ("16.9", False),
    ("17.4", False),
])  # fmt: skip
def test_in_range(version: str, expected: bool | None) -> None:
    assert in_range(version, "17.1", "17.3.8a") is expected
