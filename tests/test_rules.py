"""Every rule id has worked examples: a failing catalogue that yields exactly the expected
findings (file, line, column) and a fixed one that yields none.

The examples live in ``zjpaoyici/rules/examples/`` (package data: docs/rules.md is
generated from them); each lays a few files over the valid base catalogue
``zjpaoyici/rules/examples/base``. Here they run through the real CLI.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE
from zjpaoyici.rules import REGISTRY
from zjpaoyici.rules.example_cases import EXAMPLES_DIR, Example, Overlay, examples, materialise

EXAMPLES = examples()
CJK = re.compile(r"[\u4e00-\u9fff]")


def findings_of(cli: Any, root: Path) -> tuple[int, list[dict[str, Any]]]:
    run = cli("validate", "--format", "json", cwd=root)
    return run.code, json.loads(run.stdout)["findings"]


def build(overlay: Overlay, root: Path) -> Path:
    materialise(overlay, root)
    return root


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_failing_example_yields_exactly_its_findings(
    example: Example, tmp_path: Path, cli: Any
) -> None:
    root = build(example.failing, tmp_path / "cat")
    code, findings = findings_of(cli, root)
    got = sorted((f["rule"], f["file"], f["line"], f["column"]) for f in findings)
    want = sorted((e.rule, e.file, e.line, e.col) for e in example.expect)
    assert got == want, json.dumps(findings, ensure_ascii=False, indent=1)
    assert code == example.exit_code
    assert example.rule in {f["rule"] for f in findings}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_fixed_example_yields_no_finding(example: Example, tmp_path: Path, cli: Any) -> None:
    root = build(example.fixed, tmp_path / "cat")
    code, findings = findings_of(cli, root)
    assert findings == [] and code == 0, json.dumps(findings, ensure_ascii=False, indent=1)


def test_every_rule_has_an_example_and_every_example_a_rule() -> None:
    covered = {e.rule for e in EXAMPLES}
    assert sorted(set(REGISTRY) - covered) == [], "rules without an example"
    assert sorted(covered - set(REGISTRY)) == [], "examples of unknown rules"
    for example in EXAMPLES:
        assert example.name.startswith(example.rule + "-"), example.name


def test_examples_are_described_in_both_languages() -> None:
    for example in EXAMPLES:
        for text in (example.about, example.fixed_about):
            assert CJK.search(text.zh), example.name
            assert re.search(r"[A-Za-z]{2,}", text.en), example.name


def test_examples_folder_holds_only_examples_and_the_base() -> None:
    names = {p.name for p in EXAMPLES_DIR.iterdir()}
    assert names == {f"{e.name}.yaml" for e in EXAMPLES} | {"base"}


def test_base_catalogue_is_clean(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    code, findings = findings_of(cli, root)
    assert findings == [] and code == 0
