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

    def text(self, language: str, rule_id: str, key: str) -> str:
        try:
            return self.texts[language][rule_id][key]
        except KeyError as error:
            raise CatalogueError(f"no {language} message for {rule_id}.{key}") from error

    def message(self, rule_id: str, key: str, params: Mapping[str, Any]) -> Message:
        section = "_engine" if key.startswith("_") else rule_id
        key = key.removeprefix("_")
        texts = {}
        for language in LANGUAGES:
            template = self.text(language, section, key)
            try:
                texts[language] = template.format_map(params) + self._missing(language, params)
            except KeyError as error:
                raise CatalogueError(f"{language} message {section}.{key} needs parameter {error}") from error
        return Message(ja=texts["ja"], en=texts["en"])

    def _missing(self, language: str, params: Mapping[str, Any]) -> str:
        """What the outcome found missing on the way (``unfiltered``: interfaces with no inbound
        filter), said after any message that carries it."""
        unfiltered = params.get("unfiltered")
        if not unfiltered:
            return ""
        separator = "" if language == "ja" else " "
        return separator + self.text(language, "_engine", "unfiltered").format(
            interfaces=", ".join(unfiltered), family=params.get("family", "IP")
        )

    def title(self, rule_id: str, language: str) -> str:
        return self.text(language, rule_id, "title")


@cache
def default_catalogue() -> Catalogue:
    package = resources.files("onshi.validators").joinpath("messages")
    texts = {
        language: load_yaml(package.joinpath(f"{language}.yaml").read_text(encoding="utf-8")) for language in LANGUAGES
    }
    return Catalogue(texts)
