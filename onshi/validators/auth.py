"""Accounts and authentication (AUTH-01..06)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from onshi.model import Account, Action, Aspect, SecretStorage, Severity
from onshi.terms import VpnPurpose
from onshi.validators.base import Outcome, RuleInput, failed, manual, names, not_applicable, passed
from onshi.validators.registry import fleet_rule, rule

REFS_AUTH = ("MHLW6 システム運用編 8 ⑤, 10 ⑤⑥", "CHECKLIST 技術的 1-9", "REG-EX 別表 1")
_GENERIC_NAMES = frozenset(
    {"admin", "administrator", "cisco", "root", "user", "manager", "support", "operator", "maint",
     "maintenance", "guest", "test", "network", "netadmin", "super", "superuser", "vendor"}
)  # fmt: skip
_STORAGE_KEY = {
    SecretStorage.PLAINTEXT: "plaintext",
    SecretStorage.REVERSIBLE: "reversible",
    SecretStorage.ENCRYPTED: "encrypted",
    SecretStorage.WEAK_HASH: "weak_hash",
}


def _login_secrets(inp: RuleInput) -> list[Account]:
    accounts = inp.device.accounts
    return [*accounts.users, *accounts.enable, *accounts.line_passwords]


@rule("AUTH-01", Severity.CRITICAL, *REFS_AUTH, reads=(Aspect.ACCOUNTS, Aspect.MANAGEMENT))
def no_default_passwords(inp: RuleInput) -> Iterator[Outcome]:
    accounts = inp.device.accounts
    logins = _login_secrets(inp)
    problems = False
    for account in logins:
        if account.secret.storage is SecretStorage.EMPTY:
            problems = True
            yield failed("empty", [account.line], account=account.name)
        elif account.secret.weak:
            problems = True
            yield failed("well_known", [account.line], account=account.name)
    for terminal in inp.device.management.terminal_lines:
        if terminal.remote and not terminal.has_login and terminal.effective_transport != ():
            problems = True
            yield failed("no_login", [terminal.line], line=terminal.name)
    privileged = [a for a in accounts.users if (a.privilege or 1) >= 15]
    if not accounts.enable and not privileged and not accounts.central_auth_lines:
        problems = True
        yield failed("no_enable", [], actions=[Action("set_enable_secret", {})])
    if not problems:
        hashed = sum(1 for a in logins if a.secret.length is None)
        yield passed("ok", [a.line for a in logins], hashed=hashed)


@rule("AUTH-02", Severity.HIGH, *REFS_AUTH, "CHECKLIST 技術的 7", reads=(Aspect.ACCOUNTS, Aspect.MANAGEMENT))
def irreversible_storage(inp: RuleInput) -> Iterator[Outcome]:
    logins = [a for a in _login_secrets(inp) if a.secret.storage is not SecretStorage.EMPTY]
    if not logins:
        yield not_applicable("no_passwords")
        return
    weak = [a for a in logins if a.secret.storage in _STORAGE_KEY]
    unknown = [a for a in logins if a.secret.storage is SecretStorage.UNKNOWN]
    for account in unknown:
        yield manual("unknown_storage", [account.line], account=account.name, platform=inp.device.platform)
    for account in weak:
        yield failed(
            _STORAGE_KEY[account.secret.storage],
            [account.line],
            actions=[Action("rehash_secret", {"account": account.name})],
            account=account.name,
        )
    if not weak and not unknown:
        yield passed("hashed", [a.line for a in logins])


@rule("AUTH-03", Severity.MEDIUM, *REFS_AUTH, reads=(Aspect.ACCOUNTS,))
def named_accounts(inp: RuleInput) -> Iterator[Outcome]:
    accounts = inp.device.accounts
    if accounts.central_auth_lines:
        yield passed("central", accounts.central_auth_lines)
        return
    named = [a for a in accounts.users if a.name.lower() not in _GENERIC_NAMES]
    if not accounts.users:
        yield failed("no_users", [a.line for a in accounts.line_passwords])
    elif not named:
        yield failed("generic_only", [a.line for a in accounts.users], users=names(a.name for a in accounts.users))
    elif _has_maintenance_vpn(inp) and len(named) < 2:
        yield failed("maintenance", [a.line for a in named])
    else:
        yield passed("named", [a.line for a in named], users=names(a.name for a in named))


def _has_maintenance_vpn(inp: RuleInput) -> bool:
    return inp.policy is not None and any(v.kind is VpnPurpose.REMOTE_MAINTENANCE for v in inp.policy.vpns)


@rule("AUTH-04", Severity.LOW, *REFS_AUTH, "CHECKLIST 技術的 4", reads=(Aspect.MANAGEMENT, Aspect.ACCOUNTS))
def idle_timeout(inp: RuleInput) -> Iterator[Outcome]:
    limit = (inp.policy.session_timeout_minutes if inp.policy else 15) * 60
    terminals = inp.device.management.terminal_lines
    if not terminals:
        yield not_applicable("no_lines")
        return
    problems = False
    for terminal in terminals:
        timeout = terminal.effective_timeout
        if terminal.exec_timeout_seconds is None and not terminal.default_timeout_known:
            problems = True
            yield manual("timeout_unknown", [terminal.line] if terminal.line else [], line=terminal.name)
        elif timeout == 0 or timeout > limit:
            problems = True
            yield failed(
                "too_long",
                [terminal.line, *terminal.lines[1:]],
                actions=[Action("exec_timeout", {"line": terminal.name, "minutes": limit // 60})],
                line=terminal.name,
                minutes="∞" if timeout == 0 else timeout // 60,
                limit=limit // 60,
            )
    if not problems:
        yield passed("ok", [t.line for t in terminals], limit=limit // 60)


@rule("AUTH-06", Severity.MEDIUM, *REFS_AUTH, reads=(Aspect.ACCOUNTS,))
def login_throttling(inp: RuleInput) -> Iterator[Outcome]:
    lines = inp.device.management.login_throttle_lines
    if lines:
        yield passed("on", lines)
    elif not inp.device.management.login_throttle_supported:
        yield manual("unsupported", [], platform=inp.device.platform)
    else:
        yield failed("off", [], actions=[Action("login_block", {})])


MIN_PASSWORD_LENGTH = 8  # "not extremely short" (REG-EX): the length below which a policy allows it
PASSWORD_LENGTH_ADVISED = 12


@rule("AUTH-07", Severity.MEDIUM, *REFS_AUTH, "MHLW6 システム運用編 8 ⑤", reads=(Aspect.ACCOUNTS,))
def password_min_length(inp: RuleInput) -> Iterator[Outcome]:
    management = inp.device.management
    if not management.password_policy_supported:
        yield manual("unsupported", [], platform=inp.device.platform)
    elif management.password_min_length is None:
        action = Action("password_min_length", {"length": PASSWORD_LENGTH_ADVISED})
        yield failed("none", [], minimum=MIN_PASSWORD_LENGTH, actions=[action])
    elif management.password_min_length < MIN_PASSWORD_LENGTH:
        action = Action("password_min_length", {"length": PASSWORD_LENGTH_ADVISED})
        yield failed("short", management.password_min_length_lines, length=management.password_min_length,
                     minimum=MIN_PASSWORD_LENGTH, actions=[action])  # fmt: skip
    else:
        yield passed("ok", management.password_min_length_lines, length=management.password_min_length)


@fleet_rule(
    "AUTH-05", Severity.HIGH, *REFS_AUTH, "MHLW6 システム運用編 8 ⑤", reads=(Aspect.ACCOUNTS, Aspect.MANAGEMENT)
)
def no_secret_reuse(inputs: list[RuleInput]) -> Mapping[str, list[Outcome]]:
    """Secrets compared by salted fingerprint across every audited device (never by value)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for inp in inputs:
        for secret in inp.device.secrets:
            if secret.storage is not SecretStorage.EMPTY:
                holders[secret.fingerprint].add(inp.host)
    # Each group of holders is named once, shortened: ten thousand devices sharing one password must
    # not make every finding list every other device (quadratic in memory and output).
    named = {fingerprint: sorted(hosts) for fingerprint, hosts in holders.items() if len(hosts) > 1}
    results: dict[str, list[Outcome]] = {}
    for inp in inputs:
        outcomes = []
        for secret in inp.device.secrets:
            group = named.get(secret.fingerprint)
            if group is not None and secret.storage is not SecretStorage.EMPTY:
                others = _others(group, inp.host)
                outcomes.append(failed("reused", [secret.line], kind=secret.kind, hosts=others, count=len(group) - 1))
        if not inp.device.secrets:
            outcomes.append(not_applicable("no_secrets"))
        elif len(inputs) == 1:
            outcomes.append(manual("single_device", [s.line for s in inp.device.secrets]))
        elif not outcomes:
            outcomes.append(passed("unique", [s.line for s in inp.device.secrets], devices=len(inputs) - 1))
        results[inp.host] = outcomes
    return results


_NAMED_HOLDERS = 5


def _others(group: list[str], host: str) -> str:
    """The first few other holders of a secret, by name; the rest counted."""
    shown = [other for other in group[: _NAMED_HOLDERS + 1] if other != host][:_NAMED_HOLDERS]
    rest = len(group) - 1 - len(shown)
    return names(shown) + (f" (+{rest})" if rest > 0 else "")
