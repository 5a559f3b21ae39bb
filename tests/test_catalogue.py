"""Japanese and English messages are complete for every rule and every outcome key."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from onshi.validators.catalogue import LANGUAGES, default_catalogue
from onshi.validators.registry import all_rules

GUIDELINE_IDS = re.compile(r"\|\s*((?:SEG|VPN|EXT|WLAN|MGMT|AUTH|LOG|DOC)-\d\d)\s*\|")
# Rules the catalogue marks "(new)", and the HYG family: registered as they are built.
NEW_IDS = re.compile(r"\|\s*((?:SEG|VPN|EXT|WLAN|MGMT|AUTH|LOG|DOC|HYG)-\d\d) \(new\)\s*\|")
REGISTERED_NEW = {"AUTH-07", "VPN-08"}
# The HYG family is registered as it is built: HYG-03 (defined but used nowhere) is not yet.
HYG_IDS = re.compile(r"\|\s*(HYG-\d\d)\s*\|")
REGISTERED_HYG = {"HYG-01", "HYG-02", "HYG-03", "HYG-04", "HYG-05"}


def test_languages_have_the_same_keys() -> None:
    texts = default_catalogue().texts
    ja, en = texts["ja"], texts["en"]
    assert set(ja) == set(en)
    for section in ja:
        assert set(ja[section]) == set(en[section]), section


def test_every_registered_rule_has_a_title_in_both_languages() -> None:
    catalogue = default_catalogue()
    for rule in all_rules():
        for language in LANGUAGES:
            assert catalogue.title(rule.id, language).strip(), (rule.id, language)


def test_every_rule_of_the_guideline_is_registered() -> None:
    guideline = Path(__file__).parents[2] / "shared" / "GUIDELINE.md"
    registered = {rule.id for rule in all_rules()}
    if guideline.exists():
        text = guideline.read_text(encoding="utf-8")
        assert set(GUIDELINE_IDS.findall(text)) | REGISTERED_NEW | REGISTERED_HYG == registered
        assert set(NEW_IDS.findall(text)) >= REGISTERED_NEW
        assert set(HYG_IDS.findall(text)) >= REGISTERED_HYG
    assert len(registered) == 46


def _keys_used_by_rules() -> set[tuple[str, str]]:
    """(rule id, key) for every literal outcome key in the rule modules, read from their source."""
    used: set[tuple[str, str]] = set()
    validators = Path(__file__).parents[1] / "onshi" / "validators"
    for module in validators.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            rule_ids = [
                str(d.args[0].value)
                for d in function.decorator_list
                if isinstance(d, ast.Call) and d.args and isinstance(d.args[0], ast.Constant)
            ]
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                name = getattr(call.func, "id", None)
                if name in ("passed", "failed", "manual", "not_applicable") and call.args:
                    key = call.args[0]
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        used.update((rule_id, key.value) for rule_id in rule_ids)
    return used


def test_every_literal_key_used_by_a_rule_has_both_messages() -> None:
    texts = default_catalogue().texts
    used = _keys_used_by_rules()
    assert len(used) > 100
    for rule_id, key in used:
        for language in LANGUAGES:
            assert key in texts[language][rule_id], (language, rule_id, key)
