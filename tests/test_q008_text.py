"""Q008 on text as people write it: a ``|`` block scalar keeps one final line break
(clip chomping) — that is not stray whitespace; real stray spaces in such text still are,
and the suggested fix keeps the lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import BASE

IMPL = "implementations/330106/scjg.yaml"


def _findings(root: Path, note: str, cli: Any) -> list[dict[str, Any]]:
    path = root / IMPL
    text = path.read_text(encoding="utf-8")
    anchor = '  - code: "许可-00802-001"\n'
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + note, 1), encoding="utf-8")
    run = cli("validate", str(root), "-f", "json", "--lang", "en")
    return [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "Q008"]


def test_a_block_scalar_s_final_line_break_is_not_stray(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    note = "    note: |\n      1. 网上申报：https://www.zjzwfw.gov.cn/x?id=1\n      2. 窗口领证\n"
    assert _findings(root, note, cli) == []


def test_stray_spaces_inside_block_text_are_still_found(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    note = "    note: |\n      1. 网上申报  \n      2. 窗口领证\n\n\n"
    (finding,) = _findings(root, note, cli)
    assert "1. 网上申报\n2. 窗口领证" in finding["hint"]  # the lines are kept in the fix
