"""One report per facility (--split facility) and the fleet overview that links them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from onshi.cli import app
from tests.helpers import SAMPLE_DEVICES, SAMPLE_INVENTORY, other_facilities_text
from tests.test_html_report import _browser

runner = CliRunner()
FACILITIES = list(dict.fromkeys(SAMPLE_DEVICES.values()))


def _split(folder: Path, *arguments: str) -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--split", "facility",
                                 "-o", str(folder), *arguments])  # fmt: skip
    assert result.exit_code == 1, result.output  # the sample has failing findings


@pytest.mark.parametrize(("output_format", "extension"), [("html", "html"), ("json", "json"), ("sarif", "sarif")])
def test_each_facility_report_holds_nothing_of_another(tmp_path: Path, output_format: str, extension: str) -> None:
    _split(tmp_path, "-f", output_format)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*(f"{f}.{extension}" for f in FACILITIES),
                                                                 "index.html"])  # fmt: skip
    for facility in FACILITIES:
        text = (tmp_path / f"{facility}.{extension}").read_text(encoding="utf-8")
        hosts = [host for host, owner in SAMPLE_DEVICES.items() if owner == facility]
        assert all(host in text for host in hosts), facility
        leaked = [name for name in other_facilities_text(facility) if re.search(re.escape(name), text)]
        assert leaked == [], (facility, leaked)


def test_the_fleet_overview_is_worst_first_and_counts_by_family(tmp_path: Path) -> None:
    _split(tmp_path, "-f", "json", "--lang", "en")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    order = [index.index(f"<small>{facility}</small>") for facility in FACILITIES]
    ranked = [facility for _, facility in sorted(zip(order, FACILITIES, strict=True))]
    assert ranked[0] == "clinic_sakura"  # the most critical failures
    assert ranked[-1] == "pharmacy_aoba"  # none
    fails = {f: sum(1 for x in json.loads((tmp_path / f"{f}.json").read_text(encoding="utf-8"))["findings"]
                    if x["status"] == "fail") for f in FACILITIES}  # fmt: skip
    assert fails["clinic_sakura"] > 0
    assert f'<td class="count fail">{fails["clinic_sakura"]}</td>' in index


def test_the_split_names_what_changed_since_the_previous_run_per_facility(tmp_path: Path) -> None:
    whole = tmp_path / "whole.json"
    runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "json", "-o", str(whole)])
    previous = json.loads(whole.read_text(encoding="utf-8"))
    # Before: himawari did not yet fail EXT-02 (new now); a finding of kaede was failing then (fixed now).
    previous["findings"] = [
        f for f in previous["findings"] if not (f["host"] == "himawari-rtr1" and f["rule"] == "EXT-02")
    ]
    previous["findings"].append({"host": "kaede-rtr1", "rule": "MGMT-01", "status": "fail",
                                 "message": {"ja": "-", "en": "telnet was on"}})  # fmt: skip
    whole.write_text(json.dumps(previous), encoding="utf-8")
    folder = tmp_path / "split"
    _split(folder, "-f", "json", "--compare", str(whole))
    himawari = json.loads((folder / "clinic_himawari.json").read_text(encoding="utf-8"))
    assert {f["change"] for f in himawari["findings"] if f["rule"] == "EXT-02" and f["status"] == "fail"} == {"new"}
    sakura = (folder / "clinic_sakura.json").read_text(encoding="utf-8")
    assert "telnet was on" not in sakura  # kaede's fixed finding is kaede's alone
    assert "new" not in {f.get("change") for f in json.loads(sakura)["findings"]}


def test_the_index_links_every_report_in_headless_chromium(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    _split(folder, "-f", "html", "--lang", "en")
    browser = _browser(tmp_path)
    try:
        browser.get((folder / "index.html").as_uri())
        links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#fleet a")]
        assert len(links) == len(FACILITIES)
        for link in links:
            assert link is not None
            assert link.startswith(folder.as_uri())
            browser.get(link)
            assert browser.find_element(By.ID, "summary").is_displayed()  # a written report, rendered
        requests = [
            event["params"]["request"]["url"]
            for event in (json.loads(entry["message"])["message"] for entry in browser.get_log("performance"))
            if event["method"] == "Network.requestWillBeSent"
        ]
        assert not [url for url in requests if url.startswith(("http:", "https:"))]
    finally:
        browser.quit()


@pytest.mark.parametrize("command", ["checklist", "ledger"])
def test_the_csv_exports_split_too(tmp_path: Path, command: str) -> None:
    result = runner.invoke(app, [command, "--inventory", str(SAMPLE_INVENTORY), "--split", "facility",
                                 "-o", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{f}.csv" for f in FACILITIES)
    kaede = (tmp_path / "clinic_kaede.csv").read_text(encoding="utf-8-sig")
    assert "kaede" in kaede
    assert "sakura" not in kaede


def test_split_needs_a_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--split", "facility"])
    assert result.exit_code == 2
    assert "--split needs --output DIR" in result.output
    afile = tmp_path / "report.html"
    afile.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "--split", "facility",
                                 "-o", str(afile)])  # fmt: skip
    assert result.exit_code == 2
    assert "this is a file" in result.output
