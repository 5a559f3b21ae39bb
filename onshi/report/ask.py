"""An answer of ``onshi ask`` as a person reads it (Japanese or English) or a script does (JSON)."""

from __future__ import annotations

import json

from onshi.validators.ask import Endpoint, Exposed, ReachAnswer


def _end(end: Endpoint) -> str:
    return end.zone + (f" ({', '.join(map(str, end.hosts))})" if end.hosts else "")


def answer_text(answer: ReachAnswer, lang: str = "ja") -> str:
    ja = lang == "ja"
    verdict = ("到達します" if ja else "yes") if answer.reachable else ("到達しません" if ja else "no")
    lines = [f"{answer.host}: {_end(answer.source)} → {_end(answer.destination)}: {verdict}"]
    if not answer.exact:
        caveat = "（近似: 実際より広い可能性があります）" if ja else "(approximate: may be wider than the truth)"
        lines.append(f"  {caveat} {'; '.join(answer.reasons)}")
    if answer.reachable:
        label = "パケット数（異なるヘッダ）" if ja else "packets (distinct headers)"
        lines.append(f"  {label}: {answer.packets:,}")
    if answer.example is not None:
        lines.append(f"  {'例' if ja else 'e.g.'}: {answer.example.describe()}")
    if answer.route:
        lines.append(f"  {'経路' if ja else 'path'}: {' ▸ '.join(answer.route)}")
    if answer.lines:
        cited = ", ".join(f"{host}:{line}" for host, line in answer.lines)
        lines.append(f"  {'根拠行' if ja else 'lines'}: {cited}")
    return "\n".join(lines) + "\n"


def answers_json(answers: list[ReachAnswer]) -> str:
    return json.dumps([answer_json(answer) for answer in answers], ensure_ascii=False, indent=2) + "\n"


def answer_json(answer: ReachAnswer) -> dict[str, object]:
    example = answer.example
    return {
        "host": answer.host,
        "from": {"zone": answer.source.zone, "hosts": [str(h) for h in answer.source.hosts]},
        "to": {"zone": answer.destination.zone, "hosts": [str(h) for h in answer.destination.hosts]},
        "reachable": answer.reachable,
        "exact": answer.exact,
        "reasons": list(answer.reasons),
        "packets": answer.packets,  # distinct headers that get there (an upper bound when not exact)
        "example_packet": None if example is None else {"text": example.describe(), "src": example.src,
                                                        "dst": example.dst, "protocol": example.protocol,
                                                        "src_port": example.src_port, "dst_port": example.dst_port},
        "route": list(answer.route),
        "evidence": [{"host": host, "line": line} for host, line in answer.lines],
    }  # fmt: skip


def exposure_text(host: str, exposed: list[Exposed], lang: str = "ja") -> str:
    ja = lang == "ja"
    if not exposed:
        return f"{host}: {'インターネットから開始できる通信はありません' if ja else 'the internet can open nothing'}\n"
    lines = [f"{host}: {'インターネットから開始できる通信' if ja else 'what the internet can open'}"]
    for zone in exposed:
        caveat = "" if zone.exact else (" （近似）" if ja else " (approximate)")
        lines.append(f"  {zone.zone}{caveat}:")
        lines += [f"    {service}" for service in zone.services]
        if zone.more:
            lines.append(f"    {'ほか' if ja else 'and more'}")
    return "\n".join(lines) + "\n"


def exposure_json(exposures: dict[str, list[Exposed]]) -> str:
    document = {
        host: [{"zone": zone.zone, "exact": zone.exact, "reasons": list(zone.reasons), "more": zone.more,
                "services": list(zone.services)} for zone in exposed]
        for host, exposed in exposures.items()
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
