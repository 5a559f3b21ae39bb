"""Snapshots in UTF-8, Shift_JIS and CP932 decode; what cannot be read is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from onshi.platforms import get_driver
from onshi.sources import MemorySource, SnapshotSource, SourceError, decode

DESCRIPTION = "interface Vlan10\n description オン資端末・レセコン①\n ip address 192.168.10.1 255.255.255.0\n"


YAMAHA = "# RTX1210 Rev.14.01.42 (Fri Jan 26 10:17:42 2024)\nip lan1 address 192.168.10.1/24\ndescription lan1 オン資端末・レセコン①\n"
# (platform, config, the description as written)
CONFIGS = [("cisco_ios", DESCRIPTION, "オン資端末・レセコン①"), ("yamaha_rtx", YAMAHA, "オン資端末・レセコン①")]


@pytest.mark.parametrize(("platform", "config", "description"), CONFIGS)
@pytest.mark.parametrize("encoding", ["utf-8", "shift_jis", "cp932"])
def test_japanese_descriptions_decode(platform: str, config: str, description: str, encoding: str) -> None:
    if encoding == "shift_jis":  # ① exists in CP932, not in Shift_JIS
        config, description = config.replace("①", ""), description.replace("①", "")
    decoded = decode(config.encode(encoding), "x.cfg")
    assert decoded.encoding == encoding
    device = get_driver(platform).parse(decoded.text, "x.cfg", decoded.encoding)
    assert device.interfaces[0].description == description
    assert device.source.encoding == encoding


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
