"""``onshi ask reach``: the question a person asks in front of a rack, answered by the exact engine
the zone matrix is drawn from, with the path of each reachable answer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onshi.cli import app
from onshi.pipeline import AuditReport
from onshi.validators.ask import Endpoint, answering, ask_reach
from tests.helpers import FIXTURES, SAMPLE_INVENTORY

runner = CliRunner()


def test_every_zone_matrix_cell_of_the_sample_is_answered_alike(sample_report: AuditReport) -> None:
    """Each cell (source zone × destination zone, or the device) of every matrix of the sample: ask
    says reachable exactly where the matrix shows forwarding, and a facility's answers carry the path."""
    inputs = {inp.host: inp for inp in answering(list(sample_report.inputs))}
    compared = 0
    for matrix in sample_report.matrices:
        assert not matrix.error
        inp = inputs[matrix.host]
        for source, row in matrix.cells.items():
            for target, cell in row.items():
                if cell.state == "self":
                    continue
                answer = ask_reach(inp, Endpoint(source), Endpoint(target))
                assert answer.reachable is (cell.state != "denied"), (matrix.host, source, target, cell.state)
                if answer.reachable and matrix.members and target != "device":
                    assert answer.route, (matrix.host, source, target)
                compared += 1
    assert compared > 200


def _ask(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["ask", "reach", "--inventory", str(SAMPLE_INVENTORY), *arguments])
    return result.exit_code, result.output


def test_rdp_from_the_internet_to_the_office_pc_is_answered_with_its_path_through_both_devices() -> None:
    code, output = _ask("--facility", "clinic_kiri", "--from", "internet", "--to", "192.168.0.2",
                        "--protocol", "tcp", "--port", "3389", "--json")  # fmt: skip
    assert code == 0, output
    [answer] = json.loads(output)
    assert answer["reachable"] is True
    assert answer["example_packet"]["dst_port"] == 3389
    assert answer["route"] == ["kiri-rtr1: pp1 → lan1", "kiri-fw1: wan → a"]
    assert {e["host"] for e in answer["evidence"]} == {"kiri-rtr1", "kiri-fw1"}


def test_a_reachable_answer_counts_its_packets_exactly() -> None:
    """One internet host to the office PC's RDP: every source port, but the five the router's filters
    reject as source ports on the way in (135, 137-139, 445: kiri-rtr1 lines 30, 32, 34)."""
    code, output = _ask("--facility", "clinic_kiri", "--from", "198.51.100.7", "--to", "192.168.0.2",
                        "--protocol", "tcp", "--port", "3389", "--json")  # fmt: skip
    assert code == 0, output
    [answer] = json.loads(output)
    assert answer["packets"] == 65536 - 5
    code, output = _ask("--facility", "clinic_kiri", "--from", "198.51.100.7", "--to", "192.168.0.2",
                        "--protocol", "tcp", "--port", "3389", "--lang", "ja")  # fmt: skip
    assert "パケット数（異なるヘッダ）: 65,531" in output


def test_a_host_narrows_the_question_and_no_is_exit_1() -> None:
    code, output = _ask("--facility", "clinic_sakura", "--from", "guest_wifi", "--to", "192.168.99.5",
                        "--protocol", "tcp", "--port", "22", "--lang", "en")  # fmt: skip
    assert (code, output.splitlines()[0]) == (1, "sakura-rtr1: guest_wifi → mgmt (192.168.99.5/32): no")


@pytest.mark.parametrize(("arguments", "message"), [
    (["--from", "lobby", "--to", "onshi"], "'lobby' is neither a zone of"),
    (["--from", "office", "--to", "onshi", "--port", "22"], "--port 22: a port needs --protocol tcp or udp"),
])  # fmt: skip
def test_a_wrong_question_is_one_line_and_exit_2(arguments: list[str], message: str) -> None:
    code, output = _ask("--facility", "clinic_sakura", *arguments)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def test_exposure_lists_what_the_internet_can_open_by_zone_and_service() -> None:
    """clinic_kiri: the RDP forward through both devices, and nothing else; sakura's open PPPoE
    line: every protocol to each whole segment (its EXT-01 failures), listed as prefixes."""
    result = runner.invoke(app, ["ask", "exposure", "--inventory", str(SAMPLE_INVENTORY), "--facility", "clinic_kiri",
                                 "--facility", "clinic_sakura", "--json"])  # fmt: skip
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    kiri = {zone["zone"]: zone["services"] for zone in document["kiri-rtr1"]}
    assert kiri["office"][0] == "tcp 198.51.100.23:51000 → 192.168.0.2:3389"
    sakura = {zone["zone"]: zone["services"] for zone in document["sakura-rtr1"]}
    assert sakura["emr"] == ["any protocol 198.51.100.23 → 192.168.20.0/24"]


def test_nothing_exposed_is_exit_0(tmp_path: Path) -> None:
    folder = tmp_path / "inventory"
    shutil.copytree(SAMPLE_INVENTORY, folder)
    shutil.copy(FIXTURES / "yamaha_rtx" / "facility" / "kiri-rtr1-fixed.cfg", folder / "configs" / "kiri-rtr1.cfg")
    result = runner.invoke(app, ["ask", "exposure", "--inventory", str(folder), "--facility", "clinic_kiri",
                                 "--lang", "en"])  # fmt: skip
    assert (result.exit_code, result.output) == (0, "kiri-rtr1: the internet can open nothing\n")


def test_the_path_between_two_addresses_crosses_the_three_routers_of_tsubaki() -> None:
    result = runner.invoke(app, ["ask", "path", "--inventory", str(SAMPLE_INVENTORY), "--facility", "clinic_tsubaki",
                                 "--from", "172.20.0.9", "--to", "10.100.0.7", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    [answer] = json.loads(result.output)
    assert [hop.split(":")[0] for hop in answer["route"]] == [
        "tsubaki-vpn-vendor",
        "tsubaki-rtr1",
        "tsubaki-vpn-claims",
    ]
    refused = runner.invoke(app, ["ask", "path", "--inventory", str(SAMPLE_INVENTORY), "--from", "office", "--to", "x"])
    assert refused.exit_code == 2
    assert "'office' is not an address" in refused.output
