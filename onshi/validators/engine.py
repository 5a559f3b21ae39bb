"""Run the registered rules and turn their outcomes into findings.

The engine owns everything rules do not: message lookup in both languages, evidence lines (taken
from the already-masked source), the neutral remediation actions (the pipeline, which knows the
platform, turns them into commands), and failing closed: a rule that raises is a ``manual`` finding
naming the error, and nothing passes on what onshi did not read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from onshi.model import Evidence, Finding, Status
from onshi.validators.base import Outcome, Rule, RuleInput, manual
from onshi.validators.catalogue import Catalogue, default_catalogue
from onshi.validators.registry import all_rules

log = logging.getLogger(__name__)


def evaluate(
    inputs: list[RuleInput],
    rules: Iterable[Rule] | None = None,
    catalogue: Catalogue | None = None,
) -> list[Finding]:
    """Every rule over every device (fleet rules over all of them at once)."""
    catalogue = catalogue or default_catalogue()
    chosen = list(rules) if rules is not None else all_rules()
    fleet = {rule.id: _run_fleet(rule, inputs) for rule in chosen if rule.fleet_check is not None}
    findings: list[Finding] = []
    # Device by device, so that per-device analysis (the network model) is built once per device.
    for inp in inputs:
        for rule in chosen:
            outcomes = fleet[rule.id].get(inp.host, []) if rule.id in fleet else _run(rule, inp)
            closed = fail_closed(rule, inp, outcomes)
            findings.extend(_finding(rule, inp, result, catalogue) for result in closed)
    return findings


_UNDECIDED = (Status.PASS, Status.NOT_APPLICABLE)
_QUOTED_UNREAD = 3  # unread lines named in the message; the evidence cites them all


def fail_closed(rule: Rule, inp: RuleInput, outcomes: list[Outcome]) -> list[Outcome]:
    """No pass (or not-applicable) from a text onshi did not wholly read: a partial configuration,
    or a line it did not understand in a part of the device the rule reads, turns those verdicts
    into ``manual`` naming why. A fail stands: what was read already breaks the rule."""
    if inp.partial is not None:
        reason = {"reason": inp.partial}
        return [_manual(result, "_partial", (), reason) for result in outcomes]
    unread = [item for item in inp.device.unrecognized if item.aspects & rule.reads]
    if not unread:
        return outcomes
    lines = tuple(item.line for item in unread)
    quoted = "; ".join(f"line {item.line}: {item.text.strip()}" for item in unread[:_QUOTED_UNREAD])
    more = len(unread) - _QUOTED_UNREAD
    params = {"count": len(unread), "lines": quoted + (f" (+{more})" if more > 0 else "")}
    return [_manual(result, "_unread", lines, params) for result in outcomes]


def _manual(result: Outcome, key: str, lines: tuple[int, ...], params: Mapping[str, Any]) -> Outcome:
    if result.status not in _UNDECIDED:
        return result
    return Outcome(Status.MANUAL, key, params, tuple(sorted({*result.lines, *lines})))


def _run(rule: Rule, inp: RuleInput) -> list[Outcome]:
    assert rule.check is not None
    try:
        return list(rule.check(inp))
    except Exception as error:  # one rule's bug must not hide the others' results
        log.error("rule %s failed on %s: %s", rule.id, inp.host, type(error).__name__)
        return [manual("_rule_error", error=type(error).__name__)]


def _run_fleet(rule: Rule, inputs: list[RuleInput]) -> dict[str, list[Outcome]]:
    assert rule.fleet_check is not None
    try:
        return {host: list(outcomes) for host, outcomes in rule.fleet_check(inputs).items()}
    except Exception as error:
        log.error("fleet rule %s failed: %s", rule.id, type(error).__name__)
        return {inp.host: [manual("_rule_error", error=type(error).__name__)] for inp in inputs}


def _finding(rule: Rule, inp: RuleInput, result: Outcome, catalogue: Catalogue) -> Finding:
    source = inp.device.source
    evidence = tuple(Evidence(source.file, line, source.text(line)) for line in result.lines)
    actions = result.actions if result.status in (Status.FAIL, Status.MANUAL) else ()
    return Finding(
        rule=rule.id,
        severity=result.severity or rule.severity,
        status=result.status,
        host=inp.host,
        facility=inp.facility_name,
        message=catalogue.message(rule.id, result.key, result.params),
        evidence=evidence,
        references=rule.references,
        actions=actions,
        example_packet=result.example_packet,
        path=result.path,
    )
