"""The Nornir SimpleInventory, validated before Nornir sees it.

Every problem is reported at once, each naming the file, the host or group, and the field. Hosts
carry a ``platform`` (netmiko device type, inheritable from groups and defaults) and ``data`` (a
:class:`~onshi.policy.HostData`); a host belongs to exactly one facility: a group, or a parent
group, whose ``data.facility`` is a :class:`~onshi.policy.FacilityPolicy`.
"""

from __future__ import annotations

import difflib
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from onshi.files import UnsafePath, load_yaml_without_aliases, read_bounded, safe_name
from onshi.platforms import UnknownPlatformError, resolve_platform
from onshi.policy import KNOWN_KEYS, FacilityPolicy, HostData
from onshi.waivers import FILE as WAIVERS_FILE
from onshi.waivers import WaiverEntry, WaiverFileError, load_waivers

HOSTS_FILE = "hosts.yaml"
GROUPS_FILE = "groups.yaml"
DEFAULTS_FILE = "defaults.yaml"


@dataclass(frozen=True, slots=True)
class InventoryProblem:
    file: str
    where: str  # "host clinic-rtr1", "group clinic_sakura", "" for the whole file
    field: str
    message: str

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.where, f"field {self.field}" if self.field else "") if part)
        return f"{self.file}: {place}: {self.message}" if place else f"{self.file}: {self.message}"


class InventoryError(Exception):
    def __init__(self, problems: list[InventoryProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True, slots=True)
class HostEntry:
    name: str
    platform: str
    facility: str
    policy: FacilityPolicy
    data: HostData


@dataclass(frozen=True, slots=True)
class Inventory:
    directory: Path
    hosts: tuple[HostEntry, ...]
    facilities: dict[str, FacilityPolicy]
    waivers: tuple[WaiverEntry, ...] = ()  # waivers.yaml beside hosts.yaml: accepted risks

    def host(self, name: str) -> HostEntry:
        return next(host for host in self.hosts if host.name == name)


_INVENTORY_BYTES = 16 * 1024 * 1024
_UNSAFE_HOST = ("not a safe host name: it names files (<host>.cfg), so letters, digits and ._-@+ only, not starting "
                "with a dot, at most 100 characters")  # fmt: skip


def _load_yaml(path: Path, problems: list[InventoryProblem], *, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            problems.append(InventoryProblem(str(path), "", "", "file not found"))
        return {}
    try:
        loaded = load_yaml_without_aliases(read_bounded(path, _INVENTORY_BYTES).decode("utf-8"))
    except UnsafePath as error:
        problems.append(InventoryProblem(str(path), "", "", str(error)))
        return {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.append(InventoryProblem(str(path), where, "", f"invalid YAML: {getattr(error, 'problem', error)}"))
        return {}
    except (OSError, UnicodeDecodeError) as error:
        problems.append(InventoryProblem(str(path), "", "", f"cannot read: {error}"))
        return {}
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        problems.append(InventoryProblem(str(path), "", "", "must be a mapping of names to entries"))
        return {}
    return loaded


def _pydantic_problems(file: str, where: str, prefix: str, error: ValidationError) -> list[InventoryProblem]:
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        message = item["msg"]
        if item["type"] == "extra_forbidden" and item["loc"]:
            message = _unknown_key(str(item["loc"][-1]))
        problems.append(InventoryProblem(file, where, location, message))
    return problems


def _unknown_key(key: str) -> str:
    """An unknown key, with the known key it most likely misspells."""
    close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.7)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def load_inventory(directory: Path) -> Inventory:
    problems: list[InventoryProblem] = []
    hosts_path, groups_path = directory / HOSTS_FILE, directory / GROUPS_FILE
    hosts = _load_yaml(hosts_path, problems, required=True)
    before_groups = len(problems)
    groups = _load_yaml(groups_path, problems, required=False)
    groups_readable = len(problems) == before_groups
    defaults = _load_yaml(directory / DEFAULTS_FILE, problems, required=False)
    facilities = _facilities(groups, str(groups_path), problems)
    entries = []
    for name, raw in hosts.items():
        if not safe_name(str(name)):
            problems.append(InventoryProblem(str(hosts_path), f"host {str(name)[:100]!r}", "", _UNSAFE_HOST))
            continue
        entry = _host(
            name=str(name),
            raw=raw,
            groups=groups,
            defaults=defaults,
            facilities=facilities,
            file=str(hosts_path),
            problems=problems if groups_readable else [],
        )
        if entry is not None:
            entries.append(entry)
    if not hosts and not problems:
        problems.append(InventoryProblem(str(hosts_path), "", "", "no hosts"))
    problems += _topology_hosts(facilities, entries, str(groups_path))
    try:
        waivers = load_waivers(directory)
    except WaiverFileError as error:
        problems += [InventoryProblem(str(directory / WAIVERS_FILE), "", "", problem) for problem in error.problems]
        waivers = []
    if problems:
        raise InventoryError(problems)
    return Inventory(directory, tuple(entries), facilities, tuple(waivers))


def load_inventory_apart(directory: Path) -> Inventory:
    """:func:`load_inventory` in a short-lived child process, the validated inventory passed back. Parsing
    a fleet's YAML leaves the memory of the process that did it fragmented for good (3,000 hosts: RSS
    +142 MiB, of which the inventory itself is a third); a streamed fleet audit keeps only the
    inventory this way. Where the platform cannot fork, the inventory is loaded here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return load_inventory(directory)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    loader = context.Process(target=_load_and_send, args=(directory, sending), daemon=True)
    loader.start()
    sending.close()
    try:
        kind, payload = receiving.recv()
    except EOFError:  # the loader ended without an answer (killed, out of memory)
        loader.join()
        kind, payload = "failed", f"its loading process ended with code {loader.exitcode}"
    finally:
        receiving.close()
    loader.join()
    if kind == "inventory" and isinstance(payload, Inventory):
        return payload
    if kind == "problems" and isinstance(payload, list):
        raise InventoryError(payload)
    raise InventoryError([InventoryProblem(str(directory), "", "", f"the inventory could not be read: {payload}")])


def _load_and_send(directory: Path, sending: Connection) -> None:
    """In the loader: the inventory, or its problems, or the kind of error that stopped it (its name
    only: a message may quote what it read)."""
    try:
        answer: tuple[str, object] = ("inventory", load_inventory(directory))
    except InventoryError as error:
        answer = ("problems", error.problems)
    except Exception as error:  # a defect must not pass for an inventory, nor print what it read
        answer = ("failed", type(error).__name__)
    try:
        sending.send(answer)
    except Exception as error:  # what it loaded does not travel
        sending.send(("failed", type(error).__name__))
    finally:
        sending.close()


def _topology_hosts(
    facilities: dict[str, FacilityPolicy], entries: list[HostEntry], file: str
) -> list[InventoryProblem]:
    """Every device a facility's topology names is a host of that facility, except an access point
    onshi does not read (no host of any facility), whose uplink a link must then cable to a device."""
    members: dict[str, set[str]] = {}
    for entry in entries:
        members.setdefault(entry.facility or "", set()).add(entry.name)
    every_host = {entry.name for entry in entries}
    problems = []
    for group, policy in facilities.items():
        known = members.get(group, set())
        unread = policy.topology.access_point_names() - every_host
        for field_name, device in policy.topology.devices():
            if device not in known and device not in unread:
                problems.append(InventoryProblem(file, f"group {group}", f"data.facility.{field_name}",
                                                 f"{device!r} is not a host of this facility (its hosts: "
                                                 f"{', '.join(sorted(known)) or 'none'})"))  # fmt: skip
        problems += _uncabled_access_points(policy, unread, file, group)
    return problems


def _uncabled_access_points(policy: FacilityPolicy, unread: set[str], file: str, group: str) -> list[InventoryProblem]:
    """An access point onshi does not read is judged on the device its uplink plugs into: say which."""
    problems = []
    for index, ap in enumerate(policy.topology.access_points):
        if ap.device in unread and policy.topology.uplink_port(ap) is None:
            problems.append(InventoryProblem(
                file, f"group {group}", f"data.facility.topology.access_points[{index}].uplink",
                f"access point {ap.device!r} is no host, so its configuration is not read: add a link from the "
                f"device its uplink plugs into, with peer {{device: {ap.device}, interface: {ap.uplink}}}",
            ))  # fmt: skip
    return problems


def _facilities(groups: dict[str, Any], file: str, problems: list[InventoryProblem]) -> dict[str, FacilityPolicy]:
    facilities = {}
    for name, raw in groups.items():
        data = (raw or {}).get("data") if isinstance(raw, dict) else None
        if not isinstance(data, dict) or "facility" not in data:
            continue
        try:
            facilities[str(name)] = FacilityPolicy.model_validate(data["facility"])
        except ValidationError as error:
            problems.extend(_pydantic_problems(file, f"group {name}", "data.facility", error))
    return facilities


def _group_chain(names: list[str], groups: dict[str, Any]) -> list[str]:
    """The host's groups and their parent groups, nearest first (Nornir's inheritance order)."""
    ordered: list[str] = []
    pending = list(names)
    while pending:
        name = pending.pop(0)
        if name in ordered:
            continue
        ordered.append(name)
        raw = groups.get(name)
        if isinstance(raw, dict):
            pending.extend(str(parent) for parent in raw.get("groups") or [])
    return ordered


def _host(
    *,
    name: str,
    raw: Any,
    groups: dict[str, Any],
    defaults: dict[str, Any],
    facilities: dict[str, FacilityPolicy],
    file: str,
    problems: list[InventoryProblem],
) -> HostEntry | None:
    where = f"host {name}"
    if not isinstance(raw, dict):
        problems.append(InventoryProblem(file, where, "", "must be a mapping"))
        return None
    member_of = [str(group) for group in raw.get("groups") or []]
    unknown = [group for group in member_of if group not in groups]
    for group in unknown:
        problems.append(InventoryProblem(file, where, "groups", f"unknown group {group!r}"))
    chain = _group_chain([g for g in member_of if g not in unknown], groups)
    platform = _platform(raw, chain, groups, defaults)
    start = len(problems)
    if platform is None:
        problems.append(InventoryProblem(file, where, "platform", "missing (set it on the host, a group or defaults)"))
    else:
        try:
            resolve_platform(platform)
        except UnknownPlatformError as error:
            problems.append(InventoryProblem(file, where, "platform", str(error)))
    in_facilities = [group for group in chain if group in facilities]
    has_facility_data = [
        g for g in chain if isinstance(groups.get(g), dict) and "facility" in (groups[g].get("data") or {})
    ]
    if not has_facility_data:
        problems.append(
            InventoryProblem(file, where, "groups", "belongs to no facility (a group whose data has `facility`)")
        )
    elif len(has_facility_data) > 1:
        problems.append(InventoryProblem(file, where, "groups", f"belongs to several facilities: {has_facility_data}"))
    try:
        data = HostData.model_validate(raw.get("data") or {})
    except ValidationError as error:
        problems.extend(_pydantic_problems(file, where, "data", error))
        return None
    if len(problems) > start or platform is None or len(in_facilities) != 1:
        return None
    facility = in_facilities[0]
    vpns = {vpn.name for vpn in facilities[facility].vpns}
    for interface, vpn in data.vpn_interfaces.items():
        if vpn not in vpns:
            message = f"{vpn!r} is not a VPN of facility {facility} (known: {sorted(vpns)})"
            problems.append(InventoryProblem(file, where, f"data.vpn_interfaces.{interface}", message))
    if len(problems) > start:
        return None
    return HostEntry(name, platform, facility, facilities[facility], data)


def _platform(raw: dict[str, Any], chain: list[str], groups: dict[str, Any], defaults: dict[str, Any]) -> str | None:
    if raw.get("platform"):
        return str(raw["platform"])
    for group in chain:
        value = groups[group].get("platform") if isinstance(groups.get(group), dict) else None
        if value:
            return str(value)
    value = defaults.get("platform")
    return str(value) if value else None
