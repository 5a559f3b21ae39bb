"""A change's impact (:mod:`onshi.validators.diff`) as a person reads it or a script does (JSON)."""

from __future__ import annotations

import json

from onshi.model import Status
from onshi.validators.diff import Diff, Moved, PairChange, VerdictChange

WORDS = {  # the words of a change, in each report language
    "ja": {"opened": "新たに許可", "closed": "新たに遮断", "undeclared": "（ポリシーで宣言されていない通信を含む）",
           "through": "通す行", "stopped": "以前止めていた行", "now_stopped": "今止める行", "verdicts": "判定の変化",
           "none": "変化はありません", "only": "片方にしかない機器", "path": "経路", "eg": "例"},
    "en": {"opened": "newly allowed", "closed": "newly denied", "undeclared": " (beyond the declared flows)",
           "through": "let through by", "stopped": "used to be stopped by", "now_stopped": "now stopped by",
           "verdicts": "verdicts that change", "none": "no change", "only": "audited on one side only",
           "path": "path", "eg": "e.g."},
}  # fmt: skip


def cited_lines(cited: tuple[tuple[str, int], ...]) -> str:
    """Lines as ``host:line``: cited by number, never quoted."""
    return ", ".join(f"{host}:{line}" for host, line in cited)


def moved_lines(words: dict[str, str], kind: str, moved: Moved, stop_key: str) -> list[str]:
    """What a change lets through (``kind`` opened) or stops (closed), indented as the text report shows it."""
    head = (
        f"    {words[kind]}{words['undeclared'] if moved.undeclared else ''}: {words['eg']} {moved.example.describe()}"
    )
    found = [head]
    if moved.route:
        found.append(f"      {words['path']}: {' ▸ '.join(moved.route)}")
    if moved.through:
        found.append(f"      {words['through']}: {cited_lines(moved.through)}")
    if moved.stopped_by:
        found.append(f"      {words[stop_key]}: {cited_lines(moved.stopped_by)}")
    return found


def diff_text(change: Diff, lang: str = "ja") -> str:
    words = WORDS["ja" if lang == "ja" else "en"]
    if not change.pairs and not change.verdicts and not change.unmatched:
        return words["none"] + "\n"
    lines: list[str] = []
    for pair in change.pairs:
        lines.append(f"{pair.host}: {pair.source} → {pair.destination}")
        if pair.opened is not None:
            lines += moved_lines(words, "opened", pair.opened, "stopped")
        if pair.closed is not None:
            lines += moved_lines(words, "closed", pair.closed, "now_stopped")
    if change.verdicts:
        lines.append(f"{words['verdicts']}:")
        lines += [f"  {verdict_line(v)}" for v in change.verdicts]
    if change.unmatched:
        lines.append(f"{words['only']}: {', '.join(change.unmatched)}")
    return "\n".join(lines) + "\n"


def verdict_name(change: VerdictChange) -> str:
    """The rule, and the zone pair it judged if any."""
    path = f" {change.path[0]} → {change.path[1]}" if change.path else ""
    return f"{change.rule}{path}"


def verdict_state(status: Status | None) -> str:
    return status.value if status else "-"


def verdict_line(change: VerdictChange) -> str:
    return f"{change.host} {verdict_name(change)}: {verdict_state(change.before)} → {verdict_state(change.after)}"


def _moved_json(moved: Moved | None) -> dict[str, object] | None:
    if moved is None:
        return None
    return {"example_packet": moved.example.describe(), "undeclared": moved.undeclared, "route": list(moved.route),
            "let_through_by": [{"host": h, "line": n} for h, n in moved.through],
            "stopped_by_other_side": [{"host": h, "line": n} for h, n in moved.stopped_by]}  # fmt: skip


def _pair_json(pair: PairChange) -> dict[str, object]:
    return {"host": pair.host, "path": [pair.source, pair.destination], "newly_allowed": _moved_json(pair.opened),
            "newly_denied": _moved_json(pair.closed)}  # fmt: skip


def diff_json(change: Diff) -> str:
    document = {
        "opens_undeclared": change.opens_undeclared,
        "pairs": [_pair_json(pair) for pair in change.pairs],
        "verdicts": [{"host": v.host, "rule": v.rule, "path": list(v.path) if v.path else None,
                      "before": v.before.value if v.before else None, "after": v.after.value if v.after else None}
                     for v in change.verdicts],
        "audited_on_one_side_only": list(change.unmatched),
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
