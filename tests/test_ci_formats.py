"""JUnit XML and SARIF 2.1.0 validate against their published schemas and say what the audit found."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import xmlschema

from onshi.model import Status
from onshi.pipeline import AuditReport
from onshi.report.junit import to_junit
from onshi.report.sarif import to_sarif
from onshi.validators.registry import all_rules
from tests.helpers import SAMPLE_DEVICES
from tests.schemas import junit_xsd, sarif_schema


def test_junit_validates_against_the_jenkins_schema(sample_report: AuditReport) -> None:
    xmlschema.XMLSchema(str(junit_xsd())).validate(to_junit(sample_report))


def test_junit_has_one_testcase_per_device_and_rule(sample_report: AuditReport) -> None:
    root = ET.fromstring(to_junit(sample_report))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f"{facility}/{host}" for host, facility in SAMPLE_DEVICES.items()]
    for suite in suites:
        cases = suite.findall("testcase")
        assert len(cases) == len(all_rules())
        assert int(suite.get("tests", "0")) == len(cases)
    pharmacy = suites[2]
    assert pharmacy.get("failures") == "0"
    clinic = {case.get("name", "").split()[0]: case for case in suites[0].findall("testcase")}
    failure = clinic["EXT-02"].find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert "sakura-rtr1.cfg:131" in (failure.text or "")
    manual = clinic["DOC-03"].find("skipped")
    assert manual is not None
    assert manual.get("message", "").startswith("manual:")


def test_sarif_validates_against_the_2_1_0_schema(sample_report: AuditReport) -> None:
    jsonschema.validate(json.loads(to_sarif(sample_report)), sarif_schema())


def test_sarif_results_point_at_config_lines(sample_report: AuditReport) -> None:
    run = json.loads(to_sarif(sample_report))["runs"][0]
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} == {rule.id for rule in all_rules()}
    exposure = next(r for r in run["results"] if r["ruleId"] == "EXT-02" and r["kind"] == "fail")
    assert exposure["level"] == "error"
    location = exposure["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("sakura-rtr1.cfg")
    assert location["region"]["startLine"] == 131
    kinds = {r["kind"] for r in run["results"]}
    assert kinds == {"fail", "review", "pass", "notApplicable"}
    statuses = {f.status for f in sample_report.findings}
    assert Status.FAIL in statuses
