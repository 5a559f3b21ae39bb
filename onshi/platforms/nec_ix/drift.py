"""What differs between two IX configurations, and the commands that turn one into the other.

IX configurations are a flat list of top-level commands and blocks (``interface``, ``ppp profile``,
``ip router ospf``). A missing command is entered as written (in its block); a command that is not
wanted is removed with its ``no`` form. Access lists are matched entry by entry in the order written,
and IX appends a new entry at the end, so a list that only gains entries at its end gets them. A
list whose entries change otherwise is rebuilt in place, never left unbound: its intended entries
are entered under a temporary name, bound just before it (the sequence number below its own) on
every interface that binds it, and it is unbound; then it is removed (``no ip access-list NAME``),
entered again as intended, bound again, and the temporary list is unbound and removed. A list that
other settings name (an IPsec map, the SSH server) is refused by name instead, as is a binding with
no free sequence number just below it. A list no longer wanted at all is removed after the blocks
that bind it have changed, and in a block a new filter is bound before the one it replaces is
unbound, so that an interface is never left unfiltered (the baseline's isolated variant binds lists
of its own this way). A command that holds one value per key (a user's password, a named IKE or
IPsec object, the host name) is replaced by entering the intended one, without a ``no`` of the old,
which would delete the user or the object.
"""

from __future__ import annotations

from collections import OrderedDict

from onshi.generate.drift import Drift, NotRemediable
from onshi.platforms.nec_ix.secrets import mask_line
from onshi.platforms.nec_ix.tree import blocks
from onshi.secrets import MASK

_ACCESS_LIST = ("ip access-list ", "ipv6 access-list ")
_UNBIND = ("  no ip filter ", "  no ipv6 filter ")
_AS_CONFIGURED = "<value as configured>"
# Commands keyed by their first words (prefix, words in the key): one value per key.
_KEYED = tuple(
    (prefix.split(), length)
    for prefix, length in (
        ("hostname", 1),
        ("timezone", 1),
        ("username", 2),
        ("logging buffered", 2),
        ("ntp interval", 2),
        ("ike proposal", 3),
        ("ike policy", 3),
        ("ike keepalive", 3),
        ("ipsec autokey-proposal", 3),
        ("ipsec autokey-map", 3),
        ("ipsec local-id", 3),
        ("ipsec remote-id", 3),
        ("ssh-server ip access-list", 3),
    )
)


def _index(text: str) -> OrderedDict[str, list[str]]:
    """The config's blocks by header, without what every IX shows of itself (its ``device`` blocks, an
    unused ``Loopback0.0`` and ``Null0.0``): neither missing from a baseline nor to be removed."""
    return OrderedDict((block.text, [child.text for child in block.children]) for block in blocks(text.splitlines())
                       if not _platform_shown(block.text, [child.text for child in block.children]))  # fmt: skip


def _platform_shown(header: str, children: list[str]) -> bool:
    if header.startswith("device "):
        return True
    return header in ("interface Loopback0.0", "interface Null0.0") and set(children) <= {"no ip address"}


def drift(intended: str, running: str) -> Drift:
    full_want, full_have = _index(intended), _index(running)
    rebuilt = _rebuilt_lists(full_want, full_have)
    want, have = _without_lists(full_want, rebuilt), _without_lists(full_have, rebuilt)
    missing: list[str] = [h for h in full_want if _list_name(h) in rebuilt and h not in full_have]
    extra: list[str] = [h for h in full_have if _list_name(h) in rebuilt and h not in full_want]
    rebuild = [line for name in sorted(rebuilt) for line in _rebuild(name, full_want, full_have)]
    adds: list[list[str]] = []
    blocks_changed: list[list[str]] = []
    removes: list[list[str]] = []
    for header, children in want.items():
        if header not in have:
            missing.append(header)
            missing += [f"{header} / {child}" for child in children]
            (blocks_changed if children else adds).append([header, *(f"  {child}" for child in children)])
            continue
        # A description is a note for people (often Japanese): one the baseline does not state is kept,
        # and a new one replaces it by being entered.
        gone = [child for child in have[header] if child not in children and not child.startswith("description ")]
        new = [child for child in children if child not in have[header]]
        missing += [f"{header} / {child}" for child in new]
        extra += [f"{header} / {child}" for child in gone]
        if gone or new:
            undo = [f"  {_undo(child)}" for child in gone if not _overridden(child, new)]
            # A filter is bound before the one it replaces is unbound: never a moment unfiltered.
            unbind = [line for line in undo if line.startswith(_UNBIND)]
            others = [line for line in undo if not line.startswith(_UNBIND)]
            blocks_changed.append([header, *others, *(f"  {child}" for child in new), *unbind])
    replaced = {_key(header) for header in want if header not in have} - {None}
    # Removed last to first: what uses an object (a tunnel its map, a policy its proposal) is written
    # after it, so it goes before it.
    unwanted = [header for header in have if header not in want]
    extra += unwanted
    # entering the new value of a keyed command replaced it: a `no` would delete it
    removes += [[_undo(header)] for header in reversed(unwanted) if _key(header) not in replaced]
    remediation = [*rebuild, *(line for group in (*adds, *blocks_changed, *removes) for line in group)]
    return Drift(tuple(missing), tuple(extra), tuple(remediation), _predicted(full_want, full_have))


def _key(header: str) -> str | None:
    """What a top-level command sets, where it holds one value (a user's password, a named IKE or IPsec
    object, the host name): entering the intended command replaces the running one."""
    words = header.split()
    for prefix, length in _KEYED:
        if words[: len(prefix)] == prefix and len(words) >= length:
            return " ".join(words[:length])
    return None


def _negate(command: str) -> str:
    return command.removeprefix("no ") if command.startswith("no ") else f"no {command}"


def _undo(command: str) -> str:
    """The ``no`` form of a running command; a secret in it is never printed: the engineer types the
    value the device holds where the placeholder stands."""
    return mask_line(_negate(command)).replace(MASK, _AS_CONFIGURED)


def _overridden(old: str, new: list[str]) -> bool:
    """``no shutdown`` gives way to ``shutdown`` (and back) by entering the new one alone."""
    return _negate(old) in new


def _list_name(header: str) -> str | None:
    """The list an ``ip access-list NAME …`` entry (or option) belongs to; None for any other command,
    and for a dynamic list's one-line definition."""
    words = header.split()
    return words[2] if header.startswith(_ACCESS_LIST) and len(words) > 3 and words[2] != "dynamic" else None


def _entries(index: OrderedDict[str, list[str]], name: str) -> list[str]:
    return [header for header in index if _list_name(header) == name]


def _rebuilt_lists(want: OrderedDict[str, list[str]], have: OrderedDict[str, list[str]]) -> set[str]:
    """Lists both configs define whose running entries are not the start of the intended ones."""
    names = {n for n in map(_list_name, have) if n is not None} & {n for n in map(_list_name, want) if n is not None}
    return {name for name in names if not _appended_only(_entries(want, name), _entries(have, name))}


def _appended_only(wanted: list[str], present: list[str]) -> bool:
    return wanted[: len(present)] == present


def _without_lists(index: OrderedDict[str, list[str]], names: set[str]) -> OrderedDict[str, list[str]]:
    return OrderedDict((header, children) for header, children in index.items() if _list_name(header) not in names)


def _bindings(have: OrderedDict[str, list[str]], name: str) -> list[tuple[str, str, int, str]]:
    """Where ``name`` is bound: (interface header, ip|ipv6, sequence, direction)."""
    found = []
    for header, children in have.items():
        for child in children:
            words = child.split()
            if header.startswith("interface ") and words[1:3] == ["filter", name] and words[0] in ("ip", "ipv6"):
                found.append((header, words[0], int(words[3]), words[4]))
    return found


def _rebuild(name: str, want: OrderedDict[str, list[str]], have: OrderedDict[str, list[str]]) -> list[str]:
    """List ``name`` entered again as intended, its bindings kept filtered throughout (module docstring)."""
    _refuse_named_elsewhere(name, have)
    entries = _entries(want, name)
    bindings = _bindings(have, name)
    family = entries[0].split()[0]
    if not bindings:
        return [f"no {family} access-list {name}", *entries]
    temporary = _temporary_name(want, have)
    every = _all_bindings(have)
    for header, bound_family, sequence, direction in bindings:
        taken = {s for h, f, s, d in every if (h, f, d) == (header, bound_family, direction)}
        if sequence - 1 < 1 or sequence - 1 in taken:
            raise NotRemediable(f"access list {name} changes other than by appending entries, and {header} binds "
                                f"it at sequence {sequence} with no free number just below to bind its "
                                "replacement while it is rebuilt")  # fmt: skip
    swap = [line for header, fam, seq, direction in bindings
            for line in (header, f"  {fam} filter {temporary} {seq - 1} {direction}",
                         f"  no {fam} filter {name} {seq} {direction}")]  # fmt: skip
    back = [line for header, fam, seq, direction in bindings
            for line in (header, f"  {fam} filter {name} {seq} {direction}",
                         f"  no {fam} filter {temporary} {seq - 1} {direction}")]  # fmt: skip
    renamed = [entry.replace(f" access-list {name} ", f" access-list {temporary} ", 1) for entry in entries]
    return [*renamed, *swap, f"no {family} access-list {name}", *entries, *back, f"no {family} access-list {temporary}"]


def _all_bindings(have: OrderedDict[str, list[str]]) -> list[tuple[str, str, int, str]]:
    names = {child.split()[2] for children in have.values() for child in children
             if child.split()[1:2] == ["filter"] and len(child.split()) >= 5}  # fmt: skip
    return [binding for name in names for binding in _bindings(have, name)]


def _temporary_name(want: OrderedDict[str, list[str]], have: OrderedDict[str, list[str]]) -> str:
    used = {n for n in (*map(_list_name, want), *map(_list_name, have)) if n is not None}
    return next(f"onshi-tmp{n}" for n in range(1, len(used) + 2) if f"onshi-tmp{n}" not in used)


def _refuse_named_elsewhere(name: str, have: OrderedDict[str, list[str]]) -> None:
    """A list an IPsec map, a server or a dynamic list names cannot be emptied for a moment."""
    for header, children in have.items():
        for line in (header, *children):
            words = line.split()
            if words[1:2] == ["filter"] or _list_name(line) is not None:
                continue  # bindings are rebuilt with the list; an entry names no other list
            if name in words:
                raise NotRemediable(f"access list {name} changes other than by appending entries and `{line}` "
                                    "names it: rebuilding it would leave that setting without its list for a "
                                    "moment, so it is left to a person")  # fmt: skip


def _predicted(want: OrderedDict[str, list[str]], have: OrderedDict[str, list[str]]) -> str:
    """The running config after the remediation: its blocks in place, changed as intended."""
    result: list[str] = []
    for header in [*have, *(h for h in want if h not in have)]:
        if header not in want:
            continue
        result += [header, *(f"  {child}" for child in want[header]), "!"]
    return "\n".join(result) + "\n"
