"""FortiOS ``show`` / ``show full-configuration`` text as a tree of ``config`` blocks, ``edit``
entries and ``set`` values, each with its line number.

``config A B`` opens a block, ``edit NAME`` an entry in it, ``next`` closes the entry and ``end`` the
block; ``set KEY VALUE...`` and ``unset KEY`` hold inside either. Values are words or double-quoted
strings (with backslash escapes), and a quoted value may run over several lines (certificates,
scripts). VDOMs (``config vdom`` / ``edit root``) and ``config global`` are read through: their
blocks are those of the one device. What does not fit the grammar is reported by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Setting:
    values: tuple[str, ...]
    line: int


@dataclass
class Node:
    """A ``config`` block or an ``edit`` entry: its settings, nested blocks and entries."""

    name: str
    line: int
    settings: dict[str, Setting] = field(default_factory=dict)
    blocks: dict[str, Node] = field(default_factory=dict)
    entries: dict[str, Node] = field(default_factory=dict)  # in the order written

    def value(self, key: str, default: str | None = None) -> str | None:
        found = self.settings.get(key)
        return found.values[0] if found is not None and found.values else default

    def values(self, key: str) -> tuple[str, ...]:
        found = self.settings.get(key)
        return found.values if found is not None else ()

    def line_of(self, key: str) -> int | None:
        found = self.settings.get(key)
        return found.line if found is not None else None

    def lines(self) -> tuple[int, ...]:
        return (self.line, *(s.line for s in self.settings.values()))


@dataclass
class Tree:
    root: Node
    bad_lines: list[int]

    def block(self, path: str) -> Node:
        """The block ``config <path>`` (merged over VDOMs); an empty one when absent."""
        return self.root.blocks.get(path, Node(path, 0))


class _Unbalanced(ValueError):
    pass


def words(text: str) -> list[str]:
    """Split a line into words; a double-quoted word keeps its spaces and loses its quotes."""
    found: list[str] = []
    current: list[str] = []
    quoted = escaped = started = False
    for character in text:
        if escaped:
            current.append(character)
            escaped = False
        elif character == "\\" and quoted:
            escaped = True
        elif character == '"':
            quoted, started = not quoted, True
        elif character.isspace() and not quoted:
            if current or started:
                found.append("".join(current))
            current, started = [], False
        else:
            current.append(character)
    if quoted:
        raise _Unbalanced(text)
    if current or started:
        found.append("".join(current))
    return found


def quoted(value: object) -> str:
    """A FortiOS string, as :func:`words` reads it back: double quotes, backslashes and quotes escaped."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def parse_tree(text: str) -> Tree:
    root = Node("", 0)
    stack: list[Node] = [root]
    bad: list[int] = []
    raw = text.splitlines()
    index = 0
    while index < len(raw):
        number, line = index + 1, raw[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        try:
            tokens = words(line)
        except _Unbalanced:  # a quoted value that runs on: read until its closing quote
            joined = line
            while index < len(raw):
                joined += "\n" + raw[index]
                index += 1
                try:
                    tokens = words(joined)
                    break
                except _Unbalanced:
                    continue
            else:
                bad.extend(range(number, len(raw) + 1))
                break
        if not _apply(stack, tokens, number):
            bad.append(number)
    return Tree(root, bad)


_TRANSPARENT = ("vdom", "global")  # `config vdom` / `config global`: their contents are the device's


def _apply(stack: list[Node], tokens: list[str], number: int) -> bool:
    keyword, rest = tokens[0], tokens[1:]
    current = stack[-1]
    if keyword == "config" and rest:
        path = " ".join(rest)
        if path in _TRANSPARENT:
            stack.append(_Marker(path, number))
            return True
        owner = _owner(stack)
        block = owner.blocks.setdefault(path, Node(path, number))
        stack.append(block)
        return True
    if keyword == "edit" and len(rest) == 1:
        if isinstance(current, _Marker):  # `config vdom` / `edit root`: the VDOM's blocks are read through
            stack.append(_Marker(f"vdom {rest[0]}", number))
            return True
        entry = current.entries.setdefault(rest[0], Node(rest[0], number))
        stack.append(entry)
        return True
    if keyword in ("next", "end") and not rest and len(stack) > 1:
        stack.pop()
        return True
    if keyword == "set" and rest:
        current.settings[rest[0]] = Setting(tuple(rest[1:]), number)
        return True
    if keyword in ("unset", "append", "select", "unselect") and rest:
        if keyword == "unset":
            current.settings.pop(rest[0], None)
        elif keyword == "append":
            previous = current.settings.get(rest[0])
            current.settings[rest[0]] = Setting((*(previous.values if previous else ()), *rest[1:]), number)
        return True
    return False


class _Marker(Node):
    """A transparent level (``config vdom``, ``edit root``, ``config global``)."""


def _owner(stack: list[Node]) -> Node:
    """Where a new block goes: the nearest real node, the root through transparent levels."""
    for node in reversed(stack):
        if not isinstance(node, _Marker):
            return node
    return stack[0]
