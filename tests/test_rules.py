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

from tests.conftest import BASE, REPO
from zjpaoyici.rules.example_cases import EXAMPLES_DIR, Example, Overlay, examples, materialise
from zjpaoyici.rules.ruleset import REGISTRY

EXAMPLES = examples()
CJK = re.compile(r"[\u4e00-\u9fff]")


def findings_of(
    cli: Any, root: Path, example: Example | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Validate the catalogue at ``root`` (a K example: run ``cases`` on its records)."""
    args = example.cases.args() if example is not None and example.cases else ["validate"]
    run = cli(*args, "--format", "json", cwd=root)
    return run.code, json.loads(run.stdout)["findings"]


def build(overlay: Overlay, root: Path) -> Path:
    materialise(overlay, root)
    return root


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_failing_example_yields_exactly_its_findings(
    example: Example, tmp_path: Path, cli: Any
) -> None:
    root = build(example.failing, tmp_path / "cat")
    code, findings = findings_of(cli, root, example)
    got = sorted((f["rule"], f["file"], f["line"], f["column"]) for f in findings)
    want = sorted((e.rule, e.file, e.line, e.col) for e in example.expect)
    assert got == want, json.dumps(findings, ensure_ascii=False, indent=1)
    assert code == example.exit_code
    assert example.rule in {f["rule"] for f in findings}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_fixed_example_yields_no_finding(example: Example, tmp_path: Path, cli: Any) -> None:
    root = build(example.fixed, tmp_path / "cat")
    code, findings = findings_of(cli, root, example)
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


def test_an_abolished_region_code_is_called_abolished_and_no_folder_is_suggested_for_it(
    tmp_path: Path, cli: Any
) -> None:
    """330103 下城区 is in regions.yaml, marked abolished: R002 says so (not "missing"),
    and R003 tells the author to correct the code rather than move the file into a folder
    for a region that no longer exists."""
    root = tmp_path / "cat"
    shutil.copytree(REPO / "catalog", root)
    path = root / "implementations" / "330106" / "gat.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'region: "330106"' in text
    path.write_text(text.replace('region: "330106"', 'region: "330103"', 1), encoding="utf-8")
    run = cli("validate", str(root), "--format", "json", "--lang", "en")
    found = {f["rule"]: f for f in json.loads(run.stdout)["findings"]}
    assert "listed as abolished in regions.yaml" in found["R002"]["message"]
    assert "330105" in found["R002"]["hint"]  # its successor
    assert found["R003"]["hint"] == "330103 is not a current region: set region to 330106."
    zh = cli("validate", str(root), "--format", "json", "--lang", "zh")
    zh_found = {f["rule"]: f for f in json.loads(zh.stdout)["findings"]}
    assert "标为已撤销" in zh_found["R002"]["message"]
    assert "implementations/330103" not in zh_found["R003"]["hint"]
