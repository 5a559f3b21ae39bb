"""The auditor's HTML report: self-contained, escaped, in both languages, and it renders in a browser."""

from __future__ import annotations

import dataclasses
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from onshi.cli import app
from onshi.model import Severity, Status
from onshi.pipeline import AuditReport, DeviceJob, audit
from onshi.policy import FacilityPolicy, HostData
from onshi.report.compare import compare, load_previous
from onshi.report.html import rule_quotes, to_html
from onshi.report.json_report import to_json
from onshi.report.labels import labels
from onshi.sources import read_config_file
from onshi.validators.matrix import zone_matrices
from onshi.validators.registry import all_rules
from tests.helpers import CLINIC_POLICY, SAMPLE_INVENTORY, fixture_path


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <style> blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _elements(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    return parser


@pytest.mark.parametrize("language", ["ja", "en"])
def test_report_shows_every_finding_with_its_message(sample_report: AuditReport, language: str) -> None:
    text = to_html(sample_report, language)
    parsed = _elements(text)
    assert ("html", {"lang": language}) in parsed.tags
    assert labels()[language]["title"] in text
    rows = [attrs for tag, attrs in parsed.tags if tag == "tr" and attrs.get("class") == "finding"]
    assert len(rows) == len(sample_report.findings)
    for finding in sample_report.findings:
        message = finding.message.ja if language == "ja" else finding.message.en
        assert str(escape(message)) in text, finding.rule


def test_summary_counts_and_sign_off_list(sample_report: AuditReport) -> None:
    text = to_html(sample_report, "en")
    failing = sum(1 for f in sample_report.findings if f.status is Status.FAIL)
    manual = [f for f in sample_report.findings if f.status is Status.MANUAL]
    assert f"<td>{failing}</td>" in text
    sign_off = text[text.index('id="signoff"') : text.index('id="checklist"')]
    assert sign_off.count('class="signature"') == len(manual) > 0


def test_zone_matrix_marks_the_failing_pairs_with_their_rules(sample_report: AuditReport) -> None:
    text = to_html(sample_report, "en")
    clinic = text[text.index("Zone-to-zone reachability: sakura-rtr1") : text.index("Zone-to-zone reachability: aoba")]
    # The clinic's guest Wi-Fi reaches its EMR segment: SEG-01 and SEG-02 fail on that pair.
    assert 'class="cell-violating" title="tcp 192.168.100.23:51000 → 192.168.20.5:443"' in clinic
    assert "SEG-01 SEG-02" in clinic
    pharmacy = text[text.index("Zone-to-zone reachability: aoba") : text.index("Zone-to-zone reachability: kaede")]
    assert "cell-violating" not in pharmacy
    assert "cell-declared" in pharmacy


def test_report_fetches_nothing(sample_report: AuditReport) -> None:
    parsed = _elements(to_html(sample_report, "ja"))
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "video", "audio"}
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "srcset", "xmlns", "data"):
            assert attrs.get(name) is None, (tag, name, attrs[name])
    styles = "".join(parsed.styles)
    assert "url(" not in styles
    assert "@import" not in styles
    policy = next(attrs for tag, attrs in parsed.tags if attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in (policy["content"] or "")


def test_config_text_is_escaped(tmp_path: Path) -> None:
    config = fixture_path("cisco_ios", "edge_compliant.cfg").read_text(encoding="utf-8")
    hostile = "description <script>alert('onshi')</script> & \"x\""
    assert " description 事務室" in config
    path = tmp_path / "edge.cfg"
    path.write_text(config.replace(" description 事務室", f" {hostile}"), encoding="utf-8")
    job = DeviceJob("edge", "cisco_ios", read_config_file(path), facility="test",
                    policy=FacilityPolicy.model_validate(CLINIC_POLICY),
                    host_data=HostData.model_validate({"role": "edge_router"}))  # fmt: skip
    text = to_html(audit([job]), "en")
    assert "<script" not in text
    assert "&lt;script&gt;alert(&#39;onshi&#39;)&lt;/script&gt; &amp; &#34;x&#34;" in text


def test_cli_writes_the_html_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["audit", "--inventory", str(SAMPLE_INVENTORY), "-f", "html", "-o", str(target),
                                      "--lang", "en"])  # fmt: skip
    assert result.exit_code == 1, result.output  # the sample clinic fails
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_marks_changes_since_the_previous_audit(sample_report: AuditReport, tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    document = json.loads(to_json(sample_report))
    document["findings"] = [f for f in document["findings"] if f["rule"] != "EXT-02"]
    previous.write_text(json.dumps(document), encoding="utf-8")
    comparison = compare(sample_report, load_previous(previous), str(previous))
    text = to_html(sample_report, "en", comparison)
    new = sum(1 for f in sample_report.findings if f.rule == "EXT-02" and f.status is Status.FAIL)
    assert f"Compared with {previous}: new {new}," in text


# --- in a real browser --------------------------------------------------------------------------------


def _browser(tmp_path: Path) -> Any:
    chromium, driver = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.skip("chromium and chromedriver not installed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600", f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def test_report_renders_in_headless_chromium(sample_report: AuditReport, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(to_html(sample_report, "en"), encoding="utf-8")
    browser = _browser(tmp_path)
    try:
        browser.get(page.as_uri())
        summary = browser.find_element(By.ID, "summary")
        assert summary.is_displayed()
        assert "Summary" in summary.text
        failing = next(f for f in sample_report.findings if f.status is Status.FAIL and f.rule == "EXT-02")
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr.finding") if failing.message.en in r.text)
        browser.execute_script("arguments[0].scrollIntoView()", row)
        assert row.is_displayed()
        assert row.size["height"] > 0
        shot = tmp_path / "finding.png"
        assert row.screenshot(str(shot))
        assert shot.stat().st_size > 1000
        errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
        assert errors == []
        requests = [
            event["params"]
            for event in (json.loads(entry["message"])["message"] for entry in browser.get_log("performance"))
            if event["method"] == "Network.requestWillBeSent"
        ]
        # The browser's own pages (the new-tab page) load chrome:// resources; the report loads only itself.
        assert {r["request"]["url"] for r in requests if r.get("documentURL") == page.as_uri()} == {page.as_uri()}
        assert not [r["request"]["url"] for r in requests if r["request"]["url"].startswith(("http:", "https:"))]
    finally:
        browser.quit()


def test_labels_are_complete_in_both_languages() -> None:
    ja, en = labels()["ja"], labels()["en"]
    assert set(ja) == set(en)
    for nested in ("statuses", "severities"):
        assert set(ja[nested]) == set(en[nested])
    assert set(ja["statuses"]) == {status.value for status in Status}
    assert set(ja["severities"]) == {severity.value for severity in Severity}


def test_reachability_findings_name_their_zone_pair(sample_report: AuditReport) -> None:
    document = json.loads(to_json(sample_report))
    seg01 = [f for f in document["findings"] if f["rule"] == "SEG-01" and f["status"] == "fail"]
    assert seg01
    assert all(f["path"] is not None and f"{f['path'][0]} " in f["message"]["en"] for f in seg01)
    assert ["guest_wifi", "emr"] in [f["path"] for f in seg01]


def test_a_failing_matrix_is_said_and_the_report_still_renders(
    sample_report: AuditReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("analysis failed")

    monkeypatch.setattr("onshi.validators.matrix._cell", broken)
    matrices = zone_matrices(sample_report.inputs, sample_report.findings)  # as the pipeline computes them
    assert all(matrix.error == "RuntimeError" for matrix in matrices)
    text = to_html(dataclasses.replace(sample_report, matrices=matrices), "en")
    # Every router and firewall, and one per facility judged as one network instead of its devices'.
    assert text.count(str(escape(labels()["en"]["matrix_error"]))) == 8
    assert 'id="rules"' in text


def test_every_rule_quotes_source_wording_found_in_the_seeds(seeds_text: str) -> None:
    quotes = rule_quotes()
    assert {rule.id for rule in all_rules()} <= set(quotes)
    for rule, pairs in quotes.items():
        for source, text in pairs:
            assert "".join(text.split()) in seeds_text, (rule, source, text)
