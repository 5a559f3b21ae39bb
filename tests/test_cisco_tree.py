"""onshi's own IOS tree against ciscoconfparse, the reference it replaces in the Cisco parser.

For every line: the same parent, and every parent's children in the same order; and the whole
parsed model the same with either tree, on every Cisco file there is (the corpus, the fixtures with
the generated baselines' golden files, the sample), on hand-written edge cases, and on random
indentation, comments, blank lines and banners.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ciscoconfparse import CiscoConfParse
from hypothesis import given, settings
from hypothesis import strategies as st

from onshi.platforms.cisco_ios import keywords, parser, tree
from onshi.sources import decode
from tests.helpers import CORPUS, FIXTURES, SAMPLE_DEVICES, SAMPLE_INVENTORY

CISCO_FILES = sorted(
    [*(CORPUS / "cisco_ios").glob("*.cfg"), *(CORPUS / "cisco_ap").glob("*.cfg"),
     *(FIXTURES / "cisco_ios").rglob("*.cfg"),
     *(SAMPLE_INVENTORY / "configs" / f"{host}.cfg" for host in SAMPLE_DEVICES
       if host.startswith(("sakura", "aoba", "kaede", "tsubaki-vpn-claims")))]
)  # fmt: skip


def ciscoconfparse_tree(lines: list[str]) -> list[Any]:
    parsed = CiscoConfParse(lines, syntax="ios", ignore_blank_lines=False)
    return [item for item in parsed.ConfigObjs if item.parent is item]


def _shape(top: list[Any]) -> dict[int, tuple[int | None, tuple[int, ...]]]:
    """Each line: its parent's number and its children's numbers. ciscoconfparse leaves a banner's
    line in the children of the parent it had by indentation as well, and lists a banner line that
    was already its child twice: only a line's own parent counts, once, where it first appears."""
    found: dict[int, tuple[int | None, tuple[int, ...]]] = {}

    def visit(node: Any, parent: Any) -> None:
        if node.linenum in found:
            return
        children = tuple(dict.fromkeys(child.linenum for child in node.children if _parent_of(child) is node))
        found[node.linenum] = (parent.linenum if parent is not None else None, children)
        for child in node.children:
            if _parent_of(child) is node:
                visit(child, node)

    for node in top:
        visit(node, None)
    return found


def _parent_of(node: Any) -> Any:
    parent = node.parent
    return None if parent is None or parent is node else parent


def _canonical(text: str) -> list[str]:
    return list(keywords.canonical_lines(text.splitlines(), parser._TOP_KEYWORDS, parser._CHILD_KEYWORDS))


def _text(path: Path) -> str:
    return decode(path.read_bytes(), path.name).text


def test_every_cisco_file_is_checked() -> None:
    assert len(CISCO_FILES) >= 40


@pytest.mark.parametrize("path", CISCO_FILES, ids=lambda path: path.name)
def test_the_tree_and_the_model_are_ciscoconfparse_s(path: Path) -> None:
    text = _text(path)
    lines = _canonical(text)
    assert _shape(list(tree.build(lines))) == _shape(ciscoconfparse_tree(lines))
    assert parser.parse(text, path.name) == parser.parse(text, path.name, build=ciscoconfparse_tree)


EDGE_CASES = {
    "multi-line banner with indented text": "banner motd ^C\n  Authorized access only\n!\n  ^C\nhostname r1\n",
    "banner opened and closed on its line": "banner login #Welcome#\ninterface Gi0\n ip address 10.0.0.1 255.0.0.0\n",
    "banner never closed": "banner exec %\nline one\n line two\n",
    "macro to @": "macro name ports\n switchport\n@\ninterface Gi1\n shutdown\n",
    "comment below a deeper line": "interface Gi0\n  ip address 10.0.0.1 255.0.0.0\n !\n description x\n",
    "a line of spaces": "interface Gi0\n   \n shutdown\n",
    "dedent to a level between": "router bgp 1\n  address-family ipv4\n    network 10.0.0.0\n   neighbor 1.1.1.1\n",
    "indented first line": "  ip address 10.0.0.1 255.0.0.0\ninterface Gi0\n",
    "tabs": "interface Gi0\n\tip address 10.0.0.1 255.0.0.0\n\t shutdown\n",
    "comment first in a block": "interface Gi0\n ! note\n  description deeper\n shutdown\n",
}


@pytest.mark.parametrize("text", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_cases_are_built_as_ciscoconfparse_builds_them(text: str) -> None:
    lines = text.splitlines()
    assert _shape(list(tree.build(lines))) == _shape(ciscoconfparse_tree(lines))


LINE = st.tuples(
    st.sampled_from([0, 0, 1, 1, 2, 3, 4]),
    st.sampled_from(["config", "config", "config", "comment", "blank", "spaces", "banner"]),
)


def _write(indent: int, kind: str, index: int) -> str:
    return {
        "config": f"{' ' * indent}command {index}",
        "comment": f"{' ' * indent}!",
        "blank": "",
        "spaces": " " * (indent + 1),
        "banner": "banner motd ^C" if index % 2 else "text ^C",
    }[kind]


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, max_size=40))
def test_random_layouts_are_built_as_ciscoconfparse_builds_them(layout: list[tuple[int, str]]) -> None:
    lines = [_write(indent, kind, index) for index, (indent, kind) in enumerate(layout)]
    assert _shape(list(tree.build(lines))) == _shape(ciscoconfparse_tree(lines))
