"""Snapshots in UTF-8, Shift_JIS and CP932 decode; what cannot be read is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from onshi.platforms import get_driver
from onshi.sources import MemorySource, SnapshotSource, SourceError, decode

DESCRIPTION = "interface Vlan10\n description オン資端末・レセコン①\n ip address 192.168.10.1 255.255.255.0\n"


@pytest.mark.parametrize(("encoding", "text"), [
    ("utf-8", DESCRIPTION),
    ("shift_jis", DESCRIPTION.replace("①", "")),
    ("cp932", DESCRIPTION),  # ① exists in CP932, not in Shift_JIS
])  # fmt: skip
def test_japanese_descriptions_decode(encoding: str, text: str) -> None:
    decoded = decode(text.encode(encoding), "x.cfg")
    assert decoded.encoding == encoding
    device = get_driver("cisco_ios").parse(decoded.text, "x.cfg", decoded.encoding)
    assert device.interfaces[0].description == text.splitlines()[1].removeprefix(" description ")


def test_utf8_bom_is_dropped() -> None:
    assert decode("\ufeffhostname a\n".encode(), "x.cfg").text == "hostname a\n"


def test_undecodable_bytes_name_the_file() -> None:
    with pytest.raises(SourceError, match=r"bad\.cfg: not valid UTF-8, Shift_JIS or CP932"):
        decode(b"hostname \xff\xfe\xfd\xfc", "bad.cfg")


def test_snapshot_source_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"r1\.cfg: no such snapshot file"):
        SnapshotSource(tmp_path).fetch("r1")


def test_memory_source_is_the_fake() -> None:
    source = MemorySource({"r1": "hostname r1\n"})
    assert source.fetch("r1").text == "hostname r1\n"
    with pytest.raises(SourceError, match="r2: no configuration"):
        source.fetch("r2")
