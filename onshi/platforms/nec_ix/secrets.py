"""Masking IX secrets: login passwords, IKE pre-shared keys, PPP passwords, SNMP communities and
RADIUS keys, wherever the command puts them."""

from __future__ import annotations

from onshi.secrets import MASK

# A keyword followed by the secret; a form word (`plain`, `hash`, `char`, `hex`) may come between.
_BEFORE_SECRET = frozenset({"key", "secret", "community", "rw-community", "ro-community", "password"})
_FORMS = frozenset({"plain", "hash", "char", "hex", "ascii", "0", "7"})


def mask_line(line: str) -> str:
    indent = line[: len(line) - len(line.lstrip())]
    words = line.split()
    if not words or words[0].startswith("!"):
        return line
    masked = list(words)
    for index, word in enumerate(words):
        if word not in _BEFORE_SECRET:
            continue
        target = index + 1
        if word == "password" and index > 0 and words[index - 1] == "authentication" and target + 1 < len(words):
            target += 1  # `authentication password USER SECRET` (a PPP profile)
        elif target < len(words) and words[target] in _FORMS:
            target += 1
        if target < len(words):
            masked[target] = MASK
    return indent + " ".join(masked) if masked != words else line


def secret_after(words: list[str], keyword: str) -> tuple[str, str | None, int] | None:
    """(value, form, index) of the secret after ``keyword`` (``key char X`` → X, "char")."""
    if keyword not in words:
        return None
    index = words.index(keyword) + 1
    form = words[index] if index < len(words) and words[index] in _FORMS else None
    index += form is not None
    return (words[index], form, index) if index < len(words) else None
