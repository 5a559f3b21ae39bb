"""Generate every host's baseline and audit it before writing: plain functions over the inventory.

All hosts are planned first; any invalid variable stops everything before a file is written. Each
rendered config is then audited with every rule, and only configs without a ``fail`` and without a
line the parser does not understand are written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from onshi.analysis.facility import composed, linked_devices
from onshi.files import within, write_atomic
from onshi.generate.plan import BaselinePlan, GenerateError
from onshi.generate.roles import Plan, has_baseline, plan_host, secrets_of
from onshi.inventory import HostEntry, Inventory
from onshi.model import Finding, Status
from onshi.pipeline import AuditReport, DeviceJob, Reading, audit
from onshi.platforms import UnknownPlatformError, get_driver
from onshi.sources import ConfigSource, ConfigText, SourceError
from onshi.tasks.audit import job
from onshi.validators.registry import get_rule


@dataclass(frozen=True, slots=True)
class Generated:
    host: str
    path: Path
    text: str


@dataclass(frozen=True, slots=True)
class GenerateResult:
    generated: tuple[Generated, ...]
    report: AuditReport  # the audit of every generated config, with the facilities' other devices as they run

    def _judges(self, finding: Finding, host: str, facility: str | None) -> bool:
        """Whether ``finding`` bears on ``host``'s config: its own, or its facility's judged on a device
        that runs as it is (whose config this run does not write)."""
        if finding.host == host:
            return True
        generated = {g.host for g in self.generated}
        judged_whole = get_rule(finding.rule).facility  # a device's own rules are its owner's business
        return judged_whole and facility is not None and finding.facility == facility and finding.host not in generated

    def problems(self, host: str) -> list[str]:
        """Why a generated config is not written: a rule that fails (for its facility judged as one
        network, on whichever device the facility was judged), or a line the parser does not
        understand (the audit could not judge it, so the config is not proven)."""
        device = next((d for d in self.report.devices if d.host == host), None)
        facility = device.facility if device is not None else None
        found = [f"{f.rule} fail: {f.message.en}" for f in self.report.findings
                 if f.status is Status.FAIL and self._judges(f, host, facility)]  # fmt: skip
        if device is not None:
            found += [f"line {u.line} not understood: {u.text.strip()}" for u in device.unrecognized]
            found += [f"not audited: {device.error}"] if device.error else []
        return found


def plan_inventory(inventory: Inventory, environment: Mapping[str, str]) -> list[tuple[HostEntry, Plan]]:
    """The plan of every host with baseline variables, or every problem at once (:class:`GenerateErrors`)."""
    plans, problems = [], []
    for entry in filter(has_baseline, inventory.hosts):
        unset = unset_variables(entry, environment)
        if unset:  # every one at once: a user fixes them in one go, not one run each
            problems += unset
            continue
        try:
            plans.append((entry, plan_host(entry, environment)))
        except GenerateError as error:
            problems.append(error)
    problems += _reused_secrets(plans)
    problems += _one_router_per_network(plans)
    if problems:
        raise GenerateErrors(problems)
    return plans


def _one_router_per_network(plans: Sequence[tuple[HostEntry, Plan]]) -> list[GenerateError]:
    """In a facility judged as one network, one router or firewall is generated: each plan is drawn
    from the whole policy as that facility's edge, and the policy does not say which of two routed
    devices owns which segment. The facility's other devices are audited with it as they run."""
    first: dict[str, str] = {}
    problems = []
    for entry, plan in plans:
        if not isinstance(plan, BaselinePlan) or entry.facility is None:
            continue
        if not composed(entry.policy) or entry.name not in linked_devices(entry.policy):
            continue
        edge = first.setdefault(entry.facility, entry.name)
        if edge != entry.name:
            message = (
                f"facility {entry.facility} is one network and {edge} already has its generated router: "
                "one router or firewall is generated per facility, the others are audited with it as they run"
            )
            problems.append(GenerateError(entry.name, "data.baseline", message))
    return problems


def unset_variables(entry: HostEntry, environment: Mapping[str, str]) -> list[GenerateError]:
    """Every environment variable the host's baseline names (``..._env`` keys and the maps and lists
    under them) that is not set."""
    return [GenerateError(entry.name, f"baseline.{field}", f"environment variable {name} is not set")
            for field, name in _variable_names(entry.data.baseline or {}, "") if not environment.get(name)]  # fmt: skip


def _variable_names(value: object, field: str, named: bool = False) -> list[tuple[str, str]]:
    """(field, variable) of every string under a key ending in ``_env``."""
    if isinstance(value, str):
        return [(field, value)] if named else []
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _variable_names(inner, f"{field}.{key}".lstrip("."), named or str(key).endswith("_env"))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _variable_names(inner, f"{field}[{index}]", named)
    return found


def _reused_secrets(plans: Sequence[tuple[HostEntry, Plan]]) -> list[GenerateError]:
    """AUTH-05 before it can happen: the audit compares fingerprints of what devices store, but a
    salted hash hides a password two devices share; here the values are still known."""
    first_use: dict[str, tuple[str, str]] = {}
    problems = []
    for entry, plan in plans:
        for secret in secrets_of(plan):
            digest = hashlib.sha256(secret.reveal().encode()).hexdigest()
            host, variable = first_use.setdefault(digest, (entry.name, secret.variable))
            if host != entry.name:
                message = (
                    f"the same secret as ${variable} of host {host}: no secret is shared between devices (AUTH-05)"
                )
                problems.append(GenerateError(entry.name, f"${secret.variable}", message))
    return problems


class GenerateErrors(Exception):
    def __init__(self, problems: list[GenerateError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def render(entry: HostEntry, plan: Plan, template_dirs: Sequence[Path], running: str = "") -> str:
    try:
        driver = get_driver(entry.platform)
    except UnknownPlatformError as error:
        raise GenerateError(entry.name, "platform", str(error)) from None
    role = entry.data.role.value
    try:
        return driver.render_baseline(plan, role, template_dirs, running)
    except jinja2.TemplateNotFound:
        raise GenerateError(entry.name, "data.role", f"no baseline template {entry.platform}/{role}.j2") from None
    except jinja2.TemplateError as error:  # a user template's mistake: say where, never half-render
        where = f"{entry.platform}/{role}.j2" + (
            f" line {error.lineno}" if isinstance(error, jinja2.TemplateSyntaxError) else ""
        )
        raise GenerateError(entry.name, "template", f"{where}: {type(error).__name__}: {error.message}") from None


Renderer = Callable[[Inventory, Sequence[tuple[HostEntry, Plan]], Sequence[Path]], dict[str, str]]


def render_each(
    inventory: Inventory, plans: Sequence[tuple[HostEntry, Plan]], template_dirs: Sequence[Path]
) -> dict[str, str]:
    """Render every plan here, in order (the Nornir runner in ``onshi.tasks.generate`` is the other)."""
    rendered, problems = {}, []
    for entry, plan in plans:
        try:
            rendered[entry.name] = render(entry, plan, template_dirs)
        except GenerateError as error:
            problems.append(error)
    if problems:
        raise GenerateErrors(problems)
    return rendered


def generate(
    inventory: Inventory,
    out: Path,
    environment: Mapping[str, str],
    template_dirs: Sequence[Path] = (),
    renderer: Renderer = render_each,
    *,
    beside: ConfigSource | None = None,
) -> GenerateResult:
    """Plan, render and audit every host; write ``<out>/<host>.cfg`` for each config that passes.

    A facility whose topology joins several devices is audited as one network: its generated
    configs together with ``beside``'s running configs of its devices that have no baseline (a
    provider's or vendor's VPN router). A device that cannot be read there keeps the facility's
    verdicts from passing (``manual``), as in an audit."""
    texts = renderer(inventory, plan_inventory(inventory, environment), template_dirs)
    rendered = [Generated(host, within(out, host, ".cfg"), text) for host, text in texts.items()]
    jobs = [_job(inventory.host(g.host), g) for g in rendered]
    jobs += _running_beside(inventory, set(texts), beside)
    report = audit(jobs, matrices=False)  # only findings are read
    result = GenerateResult(tuple(rendered), report)
    for generated in rendered:
        if not result.problems(generated.host):
            write_atomic(generated.path, generated.text, mode=0o600)  # hashed secrets: the owner's only
    return result


def baseline_report(inventory: Inventory, environment: Mapping[str, str], beside: ConfigSource | None = None
                    ) -> AuditReport:  # fmt: skip
    """The audit of every host's baseline as it would be generated (nothing is written), with its
    facilities' other devices as they run: the after side of ``onshi diff --against generated``."""
    texts = render_each(inventory, plan_inventory(inventory, environment), ())
    jobs = [_job(inventory.host(host), Generated(host, Path("generated", f"{host}.cfg"), text))
            for host, text in texts.items()]  # fmt: skip
    return audit([*jobs, *_running_beside(inventory, set(texts), beside)], matrices=False)


def _running_beside(inventory: Inventory, generated: set[str], source: ConfigSource | None) -> list[DeviceJob]:
    """The devices without a baseline in facilities judged as one network with a generated device."""
    facilities = {inventory.host(host).facility for host in generated}
    jobs = []
    for entry in inventory.hosts:
        if entry.name in generated or entry.facility not in facilities or not composed(entry.policy):
            continue
        if entry.name not in linked_devices(entry.policy):
            continue
        try:
            if source is None:
                raise SourceError("no running configs given beside the generated ones")
            jobs.append(job(entry, source.fetch(entry.name), None))
        except SourceError as error:
            jobs.append(job(entry, None, str(error)))
    return jobs


def _job(entry: HostEntry, generated: Generated) -> DeviceJob:
    return DeviceJob(
        host=entry.name,
        platform=entry.platform,
        config=ConfigText(generated.text, str(generated.path), "utf-8"),
        facility=entry.facility,
        policy=entry.policy,
        host_data=entry.data,
        reading=Reading.AUTHORED,  # onshi's own text: it must parse line by line (checked), not be `show` output
    )


@dataclass(frozen=True, slots=True)
class Isolation:
    """The incident runbook of one device (MHLW6 18 ①): commands that cut the external network at
    once, except the policy's ``isolation_keep`` VPNs, and the commands that restore it."""

    host: str
    isolated_config: str
    cut: tuple[str, ...]
    restore: tuple[str, ...]


def isolation(
    inventory: Inventory, environment: Mapping[str, str], template_dirs: Sequence[Path] = ()
) -> list[Isolation]:
    """From the baseline to its isolated variant and back, as the platform's remediation commands."""
    runbooks = []
    for entry, plan in plan_inventory(inventory, environment):
        if not isinstance(plan, BaselinePlan):
            continue  # an access point has no external network of its own to cut
        normal = render(entry, plan, template_dirs)
        isolated = render(entry, plan.isolated_variant(), template_dirs)
        driver = get_driver(entry.platform)
        cut, restore = driver.drift(isolated, normal), driver.drift(normal, isolated)
        runbooks.append(Isolation(entry.name, isolated, cut.remediation, restore.remediation))
    return runbooks
