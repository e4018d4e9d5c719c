"""Documentation generated from code must match the code."""

from __future__ import annotations

import re

from tests.conftest import REPO
from zjpaoyici.render.rules_doc import rules_markdown
from zjpaoyici.rules import REGISTRY


def test_rules_reference_is_current() -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "run: zjpaoyici rules --format markdown -o docs/rules.md"


def test_rules_reference_lists_every_rule_and_no_other() -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### ([A-Z]\d{3})$", committed, flags=re.M))
    assert documented == set(REGISTRY)


def test_every_message_template_uses_the_same_fields_in_both_languages() -> None:
    field = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
    for rule in REGISTRY.values():
        for text in (rule.message, rule.hint):
            assert set(field.findall(text.zh)) == set(field.findall(text.en)), rule.id
        assert rule.title.zh and rule.title.en and rule.why.zh and rule.why.en, rule.id


def test_every_general_message_exists_in_both_languages() -> None:
    from zjpaoyici.i18n import LANGS, MESSAGES

    field = re.compile(r"\{(\w+)\}")
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert set(field.findall(texts["zh"])) == set(field.findall(texts["en"])), key
