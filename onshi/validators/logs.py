"""Time and logging (LOG-01, LOG-02)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from onshi.model import Action, Aspect, Severity
from onshi.validators.base import Outcome, RuleInput, failed, manual, names, passed
from onshi.validators.registry import rule

REFS_LOG = ("CHECKLIST 技術的 3, 7", "MHLW6 システム運用編 10 ⑥")


def _same_host(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a.lower().rstrip(".") == b.lower().rstrip(".")


def _declared(configured: tuple[str, ...], declared: list[str]) -> list[str]:
    return [host for host in configured if any(_same_host(host, d) for d in declared)]


@rule("LOG-01", Severity.MEDIUM, *REFS_LOG, reads=(Aspect.LOGGING,))
def ntp(inp: RuleInput) -> Iterator[Outcome]:
    logging = inp.device.logging
    declared = inp.policy.ntp_servers if inp.policy else []
    if not logging.ntp_servers:
        yield failed("none", [], actions=[Action("add_ntp", {"servers": declared})])
    elif not declared:
        yield manual("no_policy", logging.ntp_lines, servers=names(logging.ntp_servers))
    elif _declared(logging.ntp_servers, declared):
        yield passed("declared", logging.ntp_lines, servers=names(_declared(logging.ntp_servers, declared)))
    else:
        yield failed(
            "undeclared",
            logging.ntp_lines,
            actions=[Action("add_ntp", {"servers": declared})],
            servers=names(logging.ntp_servers),
            declared=names(declared),
        )


@rule("LOG-02", Severity.MEDIUM, *REFS_LOG, "MHLW6 システム運用編 10 ⑥", reads=(Aspect.LOGGING,))
def syslog(inp: RuleInput) -> Iterator[Outcome]:
    logging = inp.device.logging
    missing = []
    if not logging.syslog_hosts:
        missing.append("syslog")
    if not logging.timestamp_lines:
        missing.append("timestamps")
    if not logging.login_log_lines and logging.events_known:
        missing.append("login")
    if not logging.config_change_log_lines and logging.events_known:
        missing.append("config")
    lines = [
        *logging.syslog_lines,
        *logging.timestamp_lines,
        *logging.login_log_lines,
        *logging.config_change_log_lines,
    ]
    declared = inp.policy.syslog_servers if inp.policy else []
    for item in missing:
        yield failed(f"missing_{item}", [], actions=[Action("logging", {"missing": [item], "servers": declared})])
    if missing:
        return
    if not logging.events_known:
        yield manual("events_unknown", logging.syslog_lines, platform=inp.device.platform)
    if declared and not _declared(logging.syslog_hosts, declared):
        yield failed("undeclared", logging.syslog_lines, hosts=names(logging.syslog_hosts), declared=names(declared))
    elif logging.events_known:
        yield passed("ok", lines, hosts=names(logging.syslog_hosts))
