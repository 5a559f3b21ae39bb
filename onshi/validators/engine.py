"""Run the registered rules and turn their outcomes into findings.

The engine owns everything rules do not: message lookup in both languages, evidence lines (taken
from the already-masked source), the neutral remediation actions (the pipeline, which knows the
platform, turns them into commands), and failing closed: a rule that raises is a ``manual`` finding
naming the error, and nothing passes on what onshi did not read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from onshi.model import Aspect, Device, Evidence, Finding, Status, Unrecognized
from onshi.validators.base import Outcome, Rule, RuleInput, manual, not_applicable
from onshi.validators.catalogue import Catalogue, default_catalogue
from onshi.validators.facility import Judged, facility_roles
from onshi.validators.registry import all_rules

log = logging.getLogger(__name__)


def evaluate(
    inputs: list[RuleInput],
    rules: Iterable[Rule] | None = None,
    catalogue: Catalogue | None = None,
    roles: Mapping[str, Judged] | None = None,
    fleet: Mapping[str, Mapping[str, list[Outcome]]] | None = None,
) -> list[Finding]:
    """Every rule over every device (fleet rules over all of them at once; facility rules once per
    facility judged as one network, ``roles`` from :func:`facility_roles` when the caller has them;
    ``fleet``: the fleet rules' outcomes from :func:`fleet_outcomes` over a wider set of devices,
    when these are some of them)."""
    catalogue = catalogue or default_catalogue()
    chosen = list(rules) if rules is not None else all_rules()
    if fleet is None:
        fleet = fleet_outcomes(inputs, chosen)
    if roles is None:
        roles = facility_roles(inputs) if any(rule.facility for rule in chosen) else {}
    findings: list[Finding] = []
    # Device by device, so that per-device analysis (the network model) is built once per device.
    for inp in inputs:
        role = roles.get(inp.host)
        unread: dict[frozenset[Aspect], list[Unrecognized]] = {}  # by the parts rules read: a few kinds
        for rule in chosen:
            judged = inp
            if rule.id in fleet:
                outcomes = fleet[rule.id].get(inp.host, [])
            elif rule.facility and role is not None:
                judged, outcomes = _for_facility(rule, inp, role)
            else:
                outcomes = _run(rule, inp)
            if rule.reads not in unread:
                unread[rule.reads] = [item for item in inp.device.unrecognized if item.aspects & rule.reads]
            closed = fail_closed(rule, judged, outcomes, unread[rule.reads])
            findings.extend(_finding(rule, judged, result, catalogue) for result in closed)
    return findings


def _for_facility(rule: Rule, inp: RuleInput, role: Judged) -> tuple[RuleInput, list[Outcome]]:
    """A facility rule on a device of a composed facility: judged on the lead for the whole facility,
    not applicable elsewhere; with a device of the facility unread, nothing passes."""
    if role.view is None:
        return inp, [not_applicable("_facility", lead=role.lead)]
    judged = replace(inp, composed=role.view)
    outcomes = _run(rule, judged)
    if role.view.missing:
        reason = {"missing": ", ".join(role.view.missing)}
        outcomes = [_manual(result, "_facility_incomplete", (), reason) for result in outcomes]
    return judged, outcomes


_UNDECIDED = (Status.PASS, Status.NOT_APPLICABLE)
_QUOTED_UNREAD = 3  # unread lines named in the message; the evidence cites them all


def fail_closed(rule: Rule, inp: RuleInput, outcomes: list[Outcome], unread: Sequence[Unrecognized]) -> list[Outcome]:
    """No pass (or not-applicable) from a text onshi did not wholly read: a partial configuration,
    or a line it did not understand in a part of the device the rule reads (``unread``), turns those
    verdicts into ``manual`` naming why. A fail stands: what was read already breaks the rule."""
    composed = inp.composed if rule.facility else None  # judged for the facility as one network
    if inp.partial is None and not unread and composed is None:
        return outcomes  # a whole text, every line the rule reads understood: most rules of most devices
    partial = {inp.host: inp.partial} if inp.partial is not None else {}
    if composed is not None:
        partial.update(composed.partial)
    if partial:
        reason = {"reason": "; ".join(f"{host}: {why}" if len(partial) > 1 or host != inp.host else why
                                      for host, why in sorted(partial.items()))}  # fmt: skip
        return [_manual(result, "_partial", (), reason) for result in outcomes]
    # Judged for a facility: a line not understood on any of its devices keeps it from passing.
    others = [(host, item) for host, device in _other_members(rule, inp) for item in device.unrecognized
              if item.aspects & rule.reads]  # fmt: skip
    if not unread and not others:
        return outcomes
    lines = tuple(item.line for item in unread)
    count = len(unread) + len(others)
    named = [("", item) for item in unread[:_QUOTED_UNREAD]]  # only these are quoted: not one string per line
    named += [(f"{host} ", item) for host, item in others[: _QUOTED_UNREAD - len(named)]]
    quoted = "; ".join(f"{host}line {item.line}: {item.text.strip()}" for host, item in named)
    more = count - _QUOTED_UNREAD
    params = {"count": count, "lines": quoted + (f" (+{more})" if more > 0 else "")}
    elsewhere = tuple((host, item.line) for host, item in others)
    return [_manual(result, "_unread", lines, params, elsewhere) for result in outcomes]


def _other_members(rule: Rule, inp: RuleInput) -> list[tuple[str, Device]]:
    if not rule.facility or inp.composed is None:
        return []
    return [(host, device) for host, device in inp.composed.members.items() if host != inp.host]


def _manual(
    result: Outcome, key: str, lines: tuple[int, ...], params: Mapping[str, Any],
    elsewhere: tuple[tuple[str, int], ...] = (),
) -> Outcome:  # fmt: skip
    if result.status not in _UNDECIDED:
        return result
    cited = tuple(sorted({*result.elsewhere, *elsewhere}))
    return Outcome(Status.MANUAL, key, params, tuple(sorted({*result.lines, *lines})), elsewhere=cited)


def _run(rule: Rule, inp: RuleInput) -> list[Outcome]:
    assert rule.check is not None
    try:
        return list(rule.check(inp))
    except Exception as error:  # one rule's bug must not hide the others' results
        log.error("rule %s failed on %s: %s", rule.id, inp.host, type(error).__name__)
        return [manual("_rule_error", error=type(error).__name__)]


def fleet_outcomes(inputs: list[RuleInput], rules: Iterable[Rule] | None = None) -> dict[str, dict[str, list[Outcome]]]:
    """The fleet rules' outcomes (by rule, then host): rules that compare devices with each other."""
    chosen = list(rules) if rules is not None else all_rules()
    return {rule.id: _run_fleet(rule, inputs) for rule in chosen if rule.fleet_check is not None}


def _run_fleet(rule: Rule, inputs: list[RuleInput]) -> dict[str, list[Outcome]]:
    assert rule.fleet_check is not None
    try:
        return {host: list(outcomes) for host, outcomes in rule.fleet_check(inputs).items()}
    except Exception as error:
        log.error("fleet rule %s failed: %s", rule.id, type(error).__name__)
        return {inp.host: [manual("_rule_error", error=type(error).__name__)] for inp in inputs}


def _finding(rule: Rule, inp: RuleInput, result: Outcome, catalogue: Catalogue) -> Finding:
    evidence: tuple[Evidence, ...] = ()
    if result.lines:
        source = inp.device.source
        evidence = tuple(Evidence(source.file, line, source.text(line)) for line in result.lines)
    if result.elsewhere and inp.composed is not None:
        members = inp.composed.members
        for host, line in result.elsewhere:
            if host in members:  # lines of the facility's other devices, masked as their own
                other = members[host].source
                evidence += (Evidence(other.file, line, other.text(line)),)
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
        route=result.route,
    )
