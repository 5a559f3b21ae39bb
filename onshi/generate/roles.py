"""Which plan a host gets: one planner per device role, each with its own validated variables."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError

from onshi.generate.plan import BaselinePlan, GenerateError, SecretValue, plan_baseline
from onshi.generate.variables import BaselineVars, FirewallVars, WirelessVars
from onshi.generate.wireless import WirelessPlan, plan_ssids, plan_wireless
from onshi.inventory import HostEntry
from onshi.terms import Role

Plan = BaselinePlan | WirelessPlan


def _edge_router(entry: HostEntry, variables: Any, environment: Mapping[str, str]) -> Plan:
    return plan_baseline(entry.name, entry.policy, variables, environment, entry.data.vpn_interfaces)


def _firewall(entry: HostEntry, variables: Any, environment: Mapping[str, str]) -> Plan:
    """The edge router's plan, and the SSIDs of the firewall's own access points when it has ``wifi``."""
    plan = plan_baseline(entry.name, entry.policy, variables, environment, entry.data.vpn_interfaces)
    if variables.wifi is None:
        return plan
    wifi = variables.wifi
    ssids, radius = plan_ssids(entry.name, entry.policy, environment, vlans=variables.vlans, psk_env=wifi.psk_env,
                               radius=wifi.radius, where="baseline.wifi")  # fmt: skip
    return replace(plan, ssids=ssids, radius=radius)


def _wireless(entry: HostEntry, variables: Any, environment: Mapping[str, str]) -> Plan:
    return plan_wireless(entry.name, entry.policy, variables, environment)


_PLANNERS: dict[Role, tuple[type[BaseModel], Callable[[HostEntry, Any, Mapping[str, str]], Plan]]] = {
    Role.EDGE_ROUTER: (BaselineVars, _edge_router),
    Role.FIREWALL: (FirewallVars, _firewall),
    Role.WIRELESS: (WirelessVars, _wireless),
}


def secrets_of(plan: Plan) -> tuple[SecretValue, ...]:
    """Every secret a plan puts on its device: enable, the users', and those sent in clear."""
    return (plan.enable_secret, *(secret for _, secret in plan.users), *plan.reversible.values())


def has_baseline(entry: HostEntry) -> bool:
    return entry.data.baseline is not None


def plan_host(entry: HostEntry, environment: Mapping[str, str]) -> Plan:
    """The host's plan from its role's variables (``data.baseline``), or a :class:`GenerateError`."""
    found = _PLANNERS.get(entry.data.role)
    if found is None:
        raise GenerateError(entry.name, "data.role", f"no baseline is generated for role {entry.data.role.value!r}")
    model, planner = found
    return planner(entry, variables(entry, model), environment)


def variables(entry: HostEntry, model: type[BaseModel]) -> BaseModel:
    raw = entry.data.baseline
    if raw is None:
        raise GenerateError(entry.name, "baseline", "the host has no baseline variables (data.baseline)")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise GenerateError(entry.name, f"baseline.{location}", first["msg"]) from None
