"""Documentation generated from code must match the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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


# --- the diff example in docs/ ------------------------------------------------------

SAMPLE_CHANGE = [
    # Hangzhou: 商品房预售许可 now needs one visit instead of two
    (
        "implementations/330100/jsj.yaml",
        "    visits: 2\n    onsite_reason: 需现场核查工程形象进度，并现场签订预售资金监管协议\n",
        "    visits: 1\n    onsite_reason: 需现场核查工程形象进度（预售资金监管协议改为网上签订）\n",
    ),
    # Hangzhou: a longer promise for 许可-01806-000 (a regression)
    (
        "implementations/330100/jsj.yaml",
        '  - code: "许可-01806-000"\n    visits: 0\n    promised_limit: {days: 5, unit: working}\n',
        '  - code: "许可-01806-000"\n    visits: 0\n    promised_limit: {days: 7, unit: working}\n',
    ),
    # Ningbo: 营业执照注销 fully online
    (
        "implementations/330200/scjg.yaml",
        "    visits: 1\n    onsite_reason: 需现场交回营业执照正副本\n    promised_limit: {days: 0, unit: working}\n"
        "    case_type: 即办件\n    online: {depth: 3, mobile: true}\n",
        "    visits: 0\n    promised_limit: {days: 0, unit: working}\n"
        "    case_type: 即办件\n    online: {depth: 4, mobile: true}\n",
    ),
    # Province: one material fewer for 食品生产许可（变更）, everywhere
    (
        "implementations/330000/_defaults-scjg.yaml",
        "      - {name: 与变更食品生产许可事项有关的材料, required: true}\n",
        "",
    ),
]


def sample_pr(tmp: Path) -> Path:
    """The sample catalogue and a copy changed as a realistic pull request would."""
    import shutil

    shutil.copytree(REPO / "catalog", tmp / "catalog")
    shutil.copytree(REPO / "catalog", tmp / "catalog-pr")
    for rel, old, new in SAMPLE_CHANGE:
        path = tmp / "catalog-pr" / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp


def test_diff_example_in_docs_is_current(tmp_path: Path, cli: Any) -> None:
    work = sample_pr(tmp_path)
    run = cli("diff", "catalog", "catalog-pr", "--format", "markdown", "--lang", "zh", cwd=work)
    committed = (REPO / "docs" / "diff-example.md").read_text(encoding="utf-8")
    assert run.stdout == committed.split("<!-- generated -->\n", 1)[1]
