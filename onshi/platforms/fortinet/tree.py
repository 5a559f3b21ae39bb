"""FortiOS ``show`` / ``show full-configuration`` text as a tree of ``config`` blocks, ``edit``
entries and ``set`` values, each with its line number.

``config A B`` opens a block, ``edit NAME`` an entry in it, ``next`` closes the entry and ``end`` the
block; ``set KEY VALUE...`` and ``unset KEY`` hold inside either (and, as CLI input, ``delete NAME``
removes an entry and ``unselect KEY VALUE...`` values of a setting). Values are words or double-quoted
strings (with backslash escapes), and a quoted value may run over several lines (certificates,
scripts). VDOMs (``config vdom`` / ``edit root``) and ``config global`` are read through: their
blocks are those of the one device. What does not fit the grammar is reported by line.
"""

from __future__ import annotations

import re
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
    owners: dict[int, str] = field(default_factory=dict)  # line → the top-level block it stands in
    unclosed: list[int] = field(default_factory=list)  # opening lines of blocks never closed

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


def _closes_quote(line: str) -> bool:
    """Whether a line read inside an open quoted value leaves it closed (an odd number of unescaped
    double quotes)."""
    count, escaped = 0, False
    for character in line:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == '"':
            count += 1
    return count % 2 == 1


def quoted(value: object) -> str:
    """A FortiOS string, as :func:`words` reads it back: double quotes, backslashes and quotes escaped."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


_STATEMENT = re.compile(r"^( *)(config|edit|next|end|set|unset|append|select|unselect|delete)\b")
_CLOSING = ("next", "end")
_INDENT = 4  # FortiOS indents each level of `show` output by four spaces


def parse_tree(text: str) -> Tree:
    """The tree of ``text``. FortiOS indents what it prints by nesting level; where the text is
    indented, the indentation is checked against the blocks open, so one missing ``end`` or stray
    ``"`` is reported where it happens and the rest of the file still reads as the device holds it."""
    raw = text.splitlines()
    reader = _Reader(raw, indented=any(line.startswith("    set ") for line in raw))
    reader.run()
    return Tree(reader.stack[0], sorted(set(reader.bad)), reader.owners, sorted(reader.unclosed))


@dataclass
class _Reader:
    raw: list[str]
    indented: bool
    stack: list[Node] = field(default_factory=lambda: [Node("", 0)])
    # Per open node: (the indentation of its opening line, the indentation its contents take).
    indents: list[tuple[int, int]] = field(default_factory=lambda: [(-_INDENT, 0)])
    bad: list[int] = field(default_factory=list)
    owners: dict[int, str] = field(default_factory=dict)
    unclosed: list[int] = field(default_factory=list)

    def run(self) -> None:
        index = 0
        while index < len(self.raw):
            number, line = index + 1, self.raw[index]
            index += 1
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                tokens = words(stripped)
            except _Unbalanced:  # a quoted value that runs on: read until its closing quote
                found, index = self.run_on(number, stripped, index)
                if found is None:
                    self.owners[number] = self.path()
                    continue
                tokens = found
            indent = len(line) - len(line.lstrip(" "))
            if self.fits(indent, tokens[0]):
                self.apply(tokens, number, indent)
            else:
                self.bad.append(number)
            self.owners[number] = self.path()
        self.close_to(1)  # blocks still open at the end of the text: it was cut short

    def apply(self, tokens: list[str], number: int, indent: int) -> None:
        before = len(self.stack)
        if not _apply(self.stack, tokens, number):
            self.bad.append(number)
        if len(self.stack) > before:
            opened = self.stack[-1]
            self.indents.append((indent, indent if isinstance(opened, _Marker) else indent + _INDENT))
        del self.indents[len(self.stack) :]

    def run_on(self, number: int, first: str, index: int) -> tuple[list[str] | None, int]:
        """The words of a value quoted over several lines (a certificate, a script) and where reading
        goes on. A quote that never closes, or runs into a line that is a statement where the open
        blocks expect one, is a stray quote: its line is reported and reading resumes after it."""
        parts = [first]
        for position in range(index, len(self.raw)):
            following = self.raw[position]
            if self.indented and self.structural(following):
                break
            parts.append(following)
            # Whether this line closes the quote, from its own characters: re-reading the whole value
            # at every line would be quadratic in a file with one stray quote and no other.
            if _closes_quote(following):
                try:
                    return words("\n".join(parts)), position + 1
                except _Unbalanced:
                    parts = ["\n".join(parts)]  # closed and reopened on the same line: read on
        self.bad.append(number)
        return None, index

    def structural(self, line: str) -> bool:
        match = _STATEMENT.match(line)
        if match is None:
            return False
        indent = len(match[1])
        if match[2] in _CLOSING:
            return any(opened == indent for opened, _ in self.indents[1:])
        return indent == self.indents[-1][1]

    def fits(self, indent: int, keyword: str) -> bool:
        """Whether the line's indentation agrees with the blocks open. Blocks a missing ``next`` or
        ``end`` left open are closed here, their opening line reported, so that the line lands in the
        block it belongs to rather than everything after nesting one level too deep."""
        if not self.indented:
            return True
        if keyword in _CLOSING:
            depth = next((d for d in range(len(self.indents) - 1, 0, -1) if self.indents[d][0] == indent), None)
            if depth is None:
                return False
            if keyword == "end" and self.is_entry(depth):
                # `end` ends the block, committing an entry left without `next` (multi-VDOM output's
                # `edit root`; CLI input): the entry closes with it.
                self.close_to(depth + 1)
                self.stack.pop()
                self.indents.pop()
                return True
            if keyword == "end" and depth == len(self.stack) - 2 and self.is_entry(depth + 1):
                self.stack.pop()  # the same, the entry indented under its block
                self.indents.pop()
            self.close_to(depth + 1)
            return True
        # FortiOS 5.x indents a block inside an entry one level deeper than the entry's settings.
        while len(self.stack) > 1 and indent < self.indents[-1][1]:
            self.close_to(len(self.stack) - 1)
        child = self.indents[-1][1]
        return indent == child or (keyword == "config" and indent == child + _INDENT)

    def is_entry(self, index: int) -> bool:
        """Whether the open node at ``index`` is an ``edit`` entry (of a block, or of ``config vdom``)."""
        node = self.stack[index]
        if isinstance(node, _Marker):
            return node.name.startswith("vdom ")
        return index > 0 and self.stack[index - 1].entries.get(node.name) is node

    def close_to(self, length: int) -> None:
        while len(self.stack) > length:
            node = self.stack.pop()
            self.indents.pop()
            self.bad.append(node.line)  # `config global` / `config vdom` left open is a cut too
            self.unclosed.append(node.line)

    def path(self) -> str:
        """The outermost real block open: what a line here bears on."""
        return next((node.name for node in self.stack[1:] if not isinstance(node, _Marker)), "")


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
        previous = current.settings.get(rest[0])
        if keyword == "unset":
            current.settings.pop(rest[0], None)
        elif keyword == "append":
            current.settings[rest[0]] = Setting((*(previous.values if previous else ()), *rest[1:]), number)
        elif keyword == "unselect" and previous is not None:  # CLI input: those values leave the setting
            current.settings[rest[0]] = Setting(tuple(v for v in previous.values if v not in rest[1:]), number)
        return True
    if keyword == "delete" and len(rest) == 1:  # CLI input (a remediation): the entry is gone
        current.entries.pop(rest[0], None)
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
