"""Message catalogues of the rules: one YAML file per language, ``RULE: {title: ..., key: ...}``, kept
with the rules whose outcomes they word (reports read titles from here too).

A finding's message is looked up by rule id and key and formatted with the outcome's parameters.
A missing key or parameter is an error (tests run every rule over the fixtures and the corpus, so
a gap in either language fails loudly rather than printing a blank).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from onshi.files import load_yaml
from onshi.model import Message

LANGUAGES = ("ja", "en")


class CatalogueError(KeyError):
    pass


class Catalogue:
    def __init__(self, texts: Mapping[str, Mapping[str, Mapping[str, str]]]) -> None:
        self.texts = texts
        self._found: dict[tuple[str, str], tuple[str, str, tuple[str, str]]] = {}
        self._fixed: dict[tuple[str, str], Message] = {}

    def text(self, language: str, rule_id: str, key: str) -> str:
        try:
            return self.texts[language][rule_id][key]
        except KeyError as error:
            raise CatalogueError(f"no {language} message for {rule_id}.{key}") from error

    def message(self, rule_id: str, key: str, params: Mapping[str, Any]) -> Message:
        if params:
            return self._message(rule_id, key, params)
        fixed = self._fixed.get((rule_id, key))  # half of all outcomes carry no parameter: formatted once
        if fixed is None:
            fixed = self._fixed[rule_id, key] = self._message(rule_id, key, params)
        return fixed

    def _message(self, rule_id: str, key: str, params: Mapping[str, Any]) -> Message:
        section, bare, (ja, en) = self._found.get((rule_id, key)) or self._templates(rule_id, key)
        ja = _formatted(ja, params, "ja", section, bare)
        en = _formatted(en, params, "en", section, bare)
        if params.get("unfiltered"):
            ja += self._missing("ja", params)
            en += " " + self._missing("en", params)
        return Message(ja=ja, en=en)

    def _templates(self, rule_id: str, key: str) -> tuple[str, str, tuple[str, str]]:
        """The section, key and the two languages' templates of a rule's message key (looked up once:
        a fleet's findings ask for the same few hundred, each formatted in both languages)."""
        section = "_engine" if key.startswith("_") else rule_id
        bare = key.removeprefix("_")
        ja, en = (self.text(language, section, bare) for language in LANGUAGES)
        found = self._found[rule_id, key] = (section, bare, (ja, en))
        return found

    def _missing(self, language: str, params: Mapping[str, Any]) -> str:
        """What the outcome found missing on the way (``unfiltered``: interfaces with no inbound
        filter), said after any message that carries it."""
        return self.text(language, "_engine", "unfiltered").format(
            interfaces=", ".join(params["unfiltered"]), family=params.get("family", "IP")
        )

    def title(self, rule_id: str, language: str) -> str:
        return self.text(language, rule_id, "title")


def _formatted(template: str, params: Mapping[str, Any], language: str, section: str, key: str) -> str:
    try:
        return template.format_map(params)
    except KeyError as error:
        raise CatalogueError(f"{language} message {section}.{key} needs parameter {error}") from error


@cache
def default_catalogue() -> Catalogue:
    package = resources.files("onshi.validators").joinpath("messages")
    texts = {
        language: load_yaml(package.joinpath(f"{language}.yaml").read_text(encoding="utf-8")) for language in LANGUAGES
    }
    return Catalogue(texts)
