"""``show running-config`` of an IX as a tree: a line at no indentation opens a block, the indented
lines under it are its children (IX indents by two spaces; ``!`` lines separate blocks)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    line: int  # 1-based
    words: list[str]
    children: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def blocks(lines: list[str]) -> list[Block]:
    """Top-level blocks with their children. Comment (``!``) and blank lines belong to none; a child
    line before any block opens one of its own, so that nothing is silently dropped."""
    found: list[Block] = []
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("!"):
            continue
        block = Block(number, stripped.split())
        if raw[:1] in (" ", "\t") and found:
            found[-1].children.append(block)
        else:
            found.append(block)
    return found
