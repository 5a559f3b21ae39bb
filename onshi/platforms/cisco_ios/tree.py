"""IOS configuration text as a tree of lines, built as ciscoconfparse 1.9 builds it (``syntax="ios"``,
blank lines kept), at a small fraction of its cost.

ciscoconfparse's rules, which the parser's handlers were written against:

- A line's text is right-stripped; its indent is what precedes its first non-space character (a
  line of spaces has indent 0). A comment (``!`` first) and a blank line are not configuration
  lines: they are never a parent.
- An indented line's parent is the nearest configuration line above it indented less. The parent
  found for an indent is reused for the next lines of that indent until a configuration line comes
  back out of the deepest indent seen (then parents at that indent and deeper are looked up again).
- A comment is left at the top level when the line just above it is indented more.
- After that, the lines below a multi-line ``banner login|motd|incoming|exec|telnet|lcd`` up to the
  one holding its delimiter (the first character after the type, ``^`` of ``^C``) become the
  banner's children, and so do the lines after ``macro name X`` up to ``@``.

ciscoconfparse stays the reference: ``tests/test_cisco_tree.py`` checks the same parent for every
line of every corpus file, fixture and sample, and of hand-written edge cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BANNER = re.compile(r"^(set\s+)*banner\s+(login|motd|incoming|exec|telnet|lcd)|aaa authentication fail-message")
_DELIMITER = re.compile(r"^(?:(?:set\s+)*banner\s\w+\s+)(\S)")


@dataclass(slots=True, eq=False)
class Line:
    text: str  # right-stripped, indentation kept
    linenum: int  # 0-based, as ciscoconfparse numbers lines
    indent: int
    config: bool  # neither blank nor a comment
    comment: bool
    parent: Line | None = None
    children: list[Line] = field(default_factory=list)


def build(lines: list[str]) -> list[Line]:
    """The top-level lines (in order), each with its children."""
    nodes: list[Line] = []
    cache: dict[int, Line] = {}  # indent → the parent found for it
    deepest = 0
    macros: list[int] = []
    banners: list[Line] = []  # lines that may open a banner (the words first: a search per line costs)
    for number, raw in enumerate(lines):  # every line of a fleet: locals and no calls but the line's own
        text = raw.rstrip()
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        comment = stripped[:1] == "!"
        config = bool(stripped) and not comment
        line = Line(text, number, indent, config, comment)
        if raw.startswith("macro name "):
            macros.append(number)
        if "banner" in text or "fail-message" in text:
            banners.append(line)
        parent = None
        if indent < deepest and config:
            if indent == 0:  # back at the top, as most blocks end: every parent found is forgotten
                cache.clear()
            else:
                for deeper in [known for known in cache if known >= indent]:
                    del cache[deeper]
        else:
            parent = cache.get(indent)
        if indent > 0:
            if parent is None:
                parent = _nearest_parent(nodes, indent)
                if parent is not None:
                    cache[indent] = parent
            if parent is not None and not (comment and nodes[-1].indent > indent):
                _adopt(parent, line)
        if indent == 0 and config:
            deepest = 0
        elif indent > deepest:
            deepest = indent
        nodes.append(line)
    for banner in banners:
        if _BANNER.search(banner.text) is not None:
            _banner_children(nodes, banner)
    for number in macros:
        _macro_children(nodes, nodes[number])
    return [line for line in nodes if line.parent is None]


def _nearest_parent(nodes: list[Line], indent: int) -> Line | None:
    for candidate in reversed(nodes):
        if candidate.indent < indent and candidate.config:
            return candidate
    return None


def _adopt(parent: Line, line: Line) -> None:
    """A line is in its parent's children exactly when its ``parent`` is that parent: asked by identity,
    not by searching the children (comparing each by value made a 10,000-line ACL cost seconds)."""
    if line.parent is not parent:
        line.parent = parent
        parent.children.append(line)


def _banner_children(nodes: list[Line], banner: Line) -> None:
    match = _DELIMITER.search(banner.text)
    if match is None or len(banner.text.split(match[1])) > 2:
        return  # not a banner line onshi can delimit, or one that opens and closes on the same line
    for line in nodes[banner.linenum + 1 :]:
        _move(banner, line)
        if match[1] in line.text.strip():
            return


def _macro_children(nodes: list[Line], macro: Line) -> None:
    for line in nodes[macro.linenum + 1 :]:
        _move(macro, line)
        if line.text == "@":
            return


def _move(parent: Line, line: Line) -> None:
    """Make ``line`` a child of ``parent`` (a banner or macro), out of the parent it had."""
    if line.parent is not None and line.parent is not parent:
        line.parent.children.remove(line)
    _adopt(parent, line)
