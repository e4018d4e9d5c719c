"""Every rule id has a case that triggers it at a known file, line and column.

Each case in ``tests/rules/cases/`` overlays a few files on the valid base catalogue
(``tests/data/base``); the findings must be exactly the expected ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BASE
from zjpaoyici.rules import REGISTRY

CASES = sorted((Path(__file__).parent / "rules" / "cases").glob("*.yaml"))
_REPEAT = re.compile(r"<<REPEAT (\S) (\d+)>>")


def load_case(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        case: dict[str, Any] = yaml.safe_load(fh)
    return case


def build(case: dict[str, Any], root: Path) -> None:
    """Materialise a case: the base catalogue plus the case's files, folders and links."""
    shutil.copytree(BASE, root)
    for rel in case.get("remove", []):
        (root / rel).unlink()
    encodings = case.get("encode", {})
    for rel, text in (case.get("files") or {}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)
        target.write_bytes(text.encode(encodings.get(rel, "utf-8")))
    for rel in case.get("dirs", []):
        (root / rel).mkdir(parents=True)
    for rel, dest in (case.get("symlinks") or {}).items():
        os.symlink(dest, root / rel)


def findings_of(cli: Any, root: Path) -> tuple[int, list[dict[str, Any]]]:
    run = cli("validate", "--format", "json", cwd=root)
    return run.code, json.loads(run.stdout)["findings"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, tmp_path: Path, cli: Any) -> None:
    case = load_case(path)
    root = tmp_path / "cat"
    build(case, root)
    code, findings = findings_of(cli, root)
    got = sorted((f["rule"], f["file"], f["line"], f["column"]) for f in findings)
    want = sorted((e["rule"], e["file"], e["line"], e["col"]) for e in case["expect"])
    assert got == want, json.dumps(findings, ensure_ascii=False, indent=1)
    assert code == case.get("exit", 1)
    assert case["rule"] in {f["rule"] for f in findings}


def test_every_rule_has_a_case() -> None:
    covered = {load_case(p)["rule"] for p in CASES}
    missing = sorted(set(REGISTRY) - covered)
    assert not missing, f"rules without a test case: {missing}"


def test_base_catalogue_is_clean(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    code, findings = findings_of(cli, root)
    assert findings == [] and code == 0
