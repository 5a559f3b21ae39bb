"""Every real-world config of the platform parses, and the JSON says what was not understood."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.model import Status

runner = CliRunner()


def test_every_cisco_corpus_file_audits_with_parse_coverage(corpus_dir: Path, tmp_path: Path) -> None:
    files = sorted([*(corpus_dir / "cisco_ios").glob("*.cfg"), *(corpus_dir / "cisco_ap").glob("*.cfg")])
    assert len(files) >= 20
    output = tmp_path / "corpus.json"
    result = runner.invoke(
        app, ["audit-file", *map(str, files), "--platform", "cisco_ios", "-f", "json", "-o", str(output),
              "--allow-partial"],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    document = json.loads(output.read_text(encoding="utf-8"))
    assert len(document["devices"]) == len(files)
    partial = {Path(d["file"]).name for d in document["devices"] if d["parse"]["partial"]}
    assert partial == NOT_WHOLE["cisco_ios"]
    for device in document["devices"]:
        assert device["error"] is None, device
        parse = device["parse"]
        assert parse["lines"] > 0
        assert parse["unrecognized"] == len(parse["unrecognized_lines"])
        assert parse["unrecognized"] < parse["lines"] * 0.15, device["file"]
    # No rule raised on any file (a raising rule reports `manual` with the engine's message).
    assert not [f for f in document["findings"] if "could not be evaluated" in f["message"]["en"]]
    assert {f["status"] for f in document["findings"]} <= {status.value for status in Status}


def test_unrecognized_lines_are_listed_with_their_numbers(corpus_dir: Path, tmp_path: Path) -> None:
    sdwan = corpus_dir / "cisco_ios" / "ciscoconfparse2-sample_10-sdwan-cedge-vrf-dia-nat.cfg"
    output = tmp_path / "one.json"
    runner.invoke(
        app, ["audit-file", str(sdwan), "--platform", "cisco_ios", "-f", "json", "-o", str(output), "--allow-partial"]
    )
    device = json.loads(output.read_text(encoding="utf-8"))["devices"][0]
    lines = {item["line"]: item["text"] for item in device["parse"]["unrecognized_lines"]}
    assert lines[6] == "S11-cEdge01#show sdwan running-config"  # a prompt line is not configuration
    assert lines[75] == "ip nat route vrf 3001 0.0.0.0 0.0.0.0 global"  # NAT that onshi does not model


# Corpus files that are not whole configurations as the device prints them (a console paste that
# runs on into other commands, a file cut before `end`, a Yamaha or FortiOS file without the header
# its `show` prints): audited only with --allow-partial, and then nothing on them passes.
NOT_WHOLE = {
    "cisco_ios": {
        "azure-csr1000v-hub-vrf-zbfw-dmvpn-clipaste.cfg",
        "ciscoconfparse2-sample_10-sdwan-cedge-vrf-dia-nat.cfg",
        "ikev2-lab-br-router-rsa-sig-crypto-map.cfg",
    },
    "yamaha_rtx": {
        "nvr510-pppoe-dslite-portfwd-www-https-25565.cfg",
        "nvr700w-nurobiz-sample-guitarrapc-gist.cfg",
        "rtx1100-matac42-napt-static-www-ssh-tftp.cfg",
        "rtx1100-pppoe-routerboard-lv7777-gist.cfg",
    },
    "fortinet": {"fgt-hq-gns3-policy-ipsec-des-sha1-dh2.cfg"},
    "nec_ix": set(),
}


# Lines of the Yamaha corpus that onshi does not understand, by file: the two are a header line the
# publisher's masking cut in half (`ess=*****` of `MAC-Address=`), which is not configuration.
YAMAHA_UNRECOGNIZED = {
    "nvr510-pppoe-dslite-portfwd-www-https-25565.cfg": [],
    "nvr700w-nurobiz-sample-guitarrapc-gist.cfg": [],
    "rtx1100-matac42-napt-static-www-ssh-tftp.cfg": [],
    "rtx1100-pppoe-routerboard-lv7777-gist.cfg": [],
    "rtx1210-factory-default-show-config.cfg": [6],
    "rtx1210-v6plus-map-e-port-mirroring.cfg": [5],
    "rtx1300-flets-cross-ipip-fixed-ip.cfg": [],
}


# The FortiGate corpus: what onshi does not understand, by file. An address written as `8.x.x.x` (the
# publisher's masking) leaves wan1 unread; policies onshi cannot make exact (an `action ipsec`
# tunnel-mode policy, addresses it cannot resolve) are reported by their `edit` line.
FORTINET_UNRECOGNIZED = {
    "azure-vpn-samples-fg100d-5.4-full-configuration.cfg": [168, 10401],
    "fgt-hq-gns3-policy-ipsec-des-sha1-dh2.cfg": [108],
    "fgvm-7.4-gns3-lab-hq-baseline.cfg": [],
    "fgvm64-5.2-acidjunk-global.cfg": [3182, 3194],
}


# The NEC IX corpus: `dest 50` (a protocol number written where the destination goes, in a hand-edited
# draft) and an `ip napt service` whose port is `any` are the lines onshi does not read.
NEC_IX_UNRECOGNIZED = {
    "ix2025-router1-draft-napt-telnet-portfwd.cfg": [33, 81],
    "ix2025-router1-first-showrun-aggressive-md5-telnet.cfg": [],
    "ix2025-router2-ipsec-telnet-http-server.cfg": [],
}


@pytest.mark.parametrize(("platform", "expected"), [
    ("yamaha_rtx", YAMAHA_UNRECOGNIZED), ("fortinet", FORTINET_UNRECOGNIZED), ("nec_ix", NEC_IX_UNRECOGNIZED),
])  # fmt: skip
def test_every_corpus_file_audits_with_its_unrecognized_lines(
    corpus_dir: Path, tmp_path: Path, platform: str, expected: dict[str, list[int]]
) -> None:
    files = sorted((corpus_dir / platform).glob("*.cfg"))
    assert {path.name for path in files} == set(expected)
    output = tmp_path / f"{platform}.json"
    result = runner.invoke(
        app,
        ["audit-file", *map(str, files), "--platform", platform, "-f", "json", "-o", str(output), "--allow-partial"],
    )
    assert result.exit_code in (0, 1), result.output
    document = json.loads(output.read_text(encoding="utf-8"))
    assert {Path(d["file"]).name for d in document["devices"] if d["parse"]["partial"]} == NOT_WHOLE[platform]
    for device in document["devices"]:
        assert device["error"] is None, device
        unrecognized = [item["line"] for item in device["parse"]["unrecognized_lines"]]
        assert unrecognized == expected[Path(device["file"]).name], device["file"]
        assert device["parse"]["unrecognized"] == len(unrecognized)
    assert not [f for f in document["findings"] if "could not be evaluated" in f["message"]["en"]]
