"""Documentation generated from code must match the code, and every user-facing
message must exist in Chinese and English."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import typer

import zjpaoyici.cli.init_cmd
import zjpaoyici.cli.schema_cmd  # noqa: F401  (importing registers the commands)
from tests.conftest import REPO
from zjpaoyici.cli.common import app
from zjpaoyici.i18n import LANGS, MESSAGES
from zjpaoyici.render.rules_doc import rules_markdown
from zjpaoyici.rules.example_cases import examples
from zjpaoyici.rules.registry import FAMILIES
from zjpaoyici.rules.ruleset import REGISTRY

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")
FIELD = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
DOCS = REPO / "docs"


# --- the rules reference ----------------------------------------------------------------


def test_rules_reference_is_current() -> None:
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "run: zjpaoyici rules --format markdown -o docs/rules.md"


def test_rules_reference_lists_every_rule_and_no_other() -> None:
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    documented = re.findall(r"^### ([A-Z]\d{3})$", committed, flags=re.M)
    assert len(documented) == len(set(documented)), "a rule documented twice"
    assert set(documented) == set(REGISTRY)
    linked = set(re.findall(r"^\| \[([A-Z]\d{3})\]\(#[a-z]\d{3}\) \|", committed, flags=re.M))
    assert linked == set(REGISTRY)


def test_every_rule_section_has_why_a_failing_and_a_fixed_example() -> None:
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", committed, flags=re.M)[1:]
    for section in sections:
        rule = section[:4]
        assert "- 为什么：" in section and "- Why: " in section, rule
        assert "出错的写法 / Failing:" in section, rule
        assert re.search(rf"^- `{rule}` ", section, flags=re.M), f"{rule}: no reported finding"
        assert "改正 / Fixed：" in section, rule
        assert "改正后仍有问题" not in section, rule
    assert sum(s.count("#### 示例") for s in sections) == len(examples())


# --- every message in both languages ----------------------------------------------------


def test_every_general_message_exists_in_both_languages() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert bool(texts["zh"]) == bool(texts["en"]), key  # empty only in both (a blank cell)
        if texts["zh"]:
            # placeholders are not text: "（{text}）" is Chinese
            assert CJK.search(texts["zh"]) or not LATIN.search(FIELD.sub("", texts["zh"])), key
        assert set(FIELD.findall(texts["zh"])) == set(FIELD.findall(texts["en"])), key


def test_every_rule_text_exists_in_both_languages() -> None:
    for rule in REGISTRY.values():
        for part in ("title", "message", "why"):
            text = getattr(rule, part)
            assert text.zh and text.en, (rule.id, part)
            only_fields = not FIELD.sub("", text.zh).strip()  # e.g. "{problem}", a Bi parameter
            assert CJK.search(text.zh) or only_fields, (rule.id, part)
        assert bool(rule.hint.zh) == bool(rule.hint.en), (rule.id, "hint")
        for text in (rule.message, rule.hint):
            assert set(FIELD.findall(text.zh)) == set(FIELD.findall(text.en)), rule.id
    for family, label in FAMILIES.items():
        assert CJK.search(label.zh) and label.en, family


def test_every_schema_title_exists_in_both_languages() -> None:
    """Structure messages name fields by their schema titles, in the message's language."""
    import json

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "title" in node:
                assert CJK.search(node["title"]) and node.get("x-title-en"), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    for path in sorted((REPO / "schemas").glob("*.schema.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return None


def _sources(folder: str) -> list[Path]:
    return sorted((REPO / "zjpaoyici" / folder).rglob("*.py"))


# Bi literals whose one side is empty on purpose: Chinese needs no subject here.
_ONE_SIDED_BI = {("", "The file ")}


def test_every_bilingual_literal_has_both_languages() -> None:
    for path in _sources("."):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Bi"):
                continue
            args = [*node.args, *(k.value for k in node.keywords)]
            assert len(args) == 2, f"{path}:{node.lineno}"
            zh, en = _text(args[0]), _text(args[1])
            if zh is None or en is None or (zh, en) in _ONE_SIDED_BI:
                continue
            assert bool(zh.strip()) == bool(en.strip()), f"{path}:{node.lineno}: {zh!r} / {en!r}"


def test_every_message_key_used_exists() -> None:
    for path in _sources("."):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("t", "Msg")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                assert node.args[0].value in MESSAGES, f"{path}:{node.lineno}"


_OUTPUT_CALLS = {"print", "echo", "secho", "note", "usage_error", "Text", "Table", "add_column"}
_PHRASE = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,})+")


def test_cli_text_goes_through_i18n_or_is_bilingual() -> None:
    """In the commands, help texts and examples are ``tr(english, chinese)`` pairs (shown in
    one language, chosen by --lang or the locale); every other literal with Chinese also has
    English (no Chinese-only text bypassing i18n), and no English-only phrase is printed."""
    problems = []
    for path in sorted((REPO / "zjpaoyici" / "cli").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        bilingual: set[int] = set()  # node ids checked as a tr() pair or a docstring
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and body:
                first = body[0]
                if isinstance(first, ast.Expr) and _text(first.value) is not None:
                    bilingual.add(id(first.value))
            if isinstance(node, ast.FunctionDef):
                for d in node.decorator_list:
                    if getattr(getattr(d, "func", None), "attr", None) in ("command", "callback"):
                        helps = [k for k in getattr(d, "keywords", []) if k.arg == "help"]
                        if not helps or getattr(helps[0].value.func, "id", None) != "tr":  # type: ignore[attr-defined]
                            problems.append(f"{path.name}:{node.lineno} command without help=tr()")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr":
                english, chinese = (_text(a) or "" for a in node.args[:2])
                bilingual.update(id(n) for a in node.args for n in ast.walk(a))
                if not LATIN.search(english) or not CJK.search(chinese):
                    problems.append(f"{path.name}:{node.lineno} tr({english!r}, {chinese!r})")
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "EXAMPLES" for t in node.targets
            ):
                call = node.value
                parts = [_text(a) or "" for a in getattr(call, "args", [])]
                if len(parts) != 2 or "Examples" not in parts[0] or "示例" not in parts[1]:
                    problems.append(f"{path.name}:{node.lineno} EXAMPLES is not tr(en, zh)")
            if (
                isinstance(node, ast.keyword)
                and node.arg == "help"
                and getattr(getattr(node.value, "func", None), "id", None) != "tr"
            ):
                problems.append(f"{path.name}:{node.lineno} help is not tr(en, zh)")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
                for arg in node.args if name in _OUTPUT_CALLS else ():
                    text = _text(arg)
                    if text and _PHRASE.search(text) and not CJK.search(text):
                        problems.append(f"{path.name}:{node.lineno} English only {text!r}")
            text = _text(node) if id(node) not in bilingual else None
            chinese_only = bool(text and CJK.search(text) and not LATIN.search(text))
            if chinese_only and "not a message" not in lines[node.lineno - 1]:
                problems.append(f"{path.name}:{node.lineno} Chinese only {text!r}")
    assert not problems, "\n".join(problems)


# --- the documentation folder -----------------------------------------------------------


def _commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


def test_docs_index_links_every_page_and_every_link_resolves() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    pages = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    linked = set(re.findall(r"\]\(([\w-]+\.md)(?:#[^)]*)?\)", index))
    assert pages <= linked, sorted(pages - linked)
    for page in [*DOCS.glob("*.md"), REPO / "CHANGELOG.md"]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_docs_are_chinese_first() -> None:
    for page in DOCS.glob("*.md"):
        first = page.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("# ") and CJK.search(first), page.name
        head, _, _ = first.partition("/")
        assert CJK.search(head), page.name


def test_every_command_and_option_is_documented() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    sections = dict(
        (m.group(1), m.group(2))
        for m in re.finditer(r"^## `zjpaoyici (\w+)`[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    )
    for name, command in _commands().items():
        assert name in sections, f"docs/commands.md has no section for {name}"
        for param in command.params:
            longs = [o for o in getattr(param, "opts", []) if o.startswith("--")]
            if param.param_type_name == "option" and longs and longs[0] != "--help":
                assert any(o in sections[name] for o in longs), f"{name} {longs[0]}"
    assert set(sections) == set(_commands())


def test_shell_completion_is_documented(cli: Any) -> None:
    text = (DOCS / "quickstart.md").read_text(encoding="utf-8")
    assert "--install-completion" in text and "--show-completion" in text
    run = cli("--help")
    assert "--install-completion" in run.stdout


def test_performance_figures_in_the_readme_match_the_performance_page() -> None:
    """The README quotes the benchmark; every figure it quotes is on docs/performance.md."""
    page = (DOCS / "performance.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 性能 / Performance", 1)[1].split("\n## ", 1)[0]
    figure = re.compile(r"\b[\d,]+(?:\.\d+)? (?:s|MB)\b|\b\d+\.\d+×|\d+(?:\.\d+)? 倍")
    quoted = set(figure.findall(section))
    assert len(quoted) >= 20
    assert "待基准测试填写" not in page and "to be filled" not in page
    assert quoted <= set(figure.findall(page)), quoted - set(figure.findall(page))


def test_changelog_has_the_current_release() -> None:
    from zjpaoyici import __version__

    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", text, flags=re.M)
    assert "Keep a Changelog" in text


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


def test_quickstart_example_validates(tmp_path: Path, cli: Any) -> None:
    blocks = re.findall(
        r"```yaml\n(.*?)```", (DOCS / "quickstart.md").read_text(encoding="utf-8"), re.S
    )
    basic, implementation = blocks[:2]
    repo = tmp_path / "repo"
    assert cli("init", str(repo)).code == 0
    (repo / "basic" / "scjg.yaml").write_text(basic, encoding="utf-8")
    (repo / "implementations" / "330106").mkdir()
    (repo / "implementations" / "330106" / "scjg.yaml").write_text(implementation, encoding="utf-8")
    run = cli("validate", "--format", "json", str(repo))
    assert run.code == 0, run.stdout
    assert cli("fmt", "--check", str(repo)).code == 0
