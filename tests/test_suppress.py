"""Reviewed exceptions (issue 18): a suppression comment with its reason, and a baseline
that lets a team adopt the tool on an untidy catalogue and fail only on new findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE

IMPL = "implementations/330106/scjg.yaml"


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    return root


def _impl(root: Path, entries: str) -> Path:
    path = root / IMPL
    path.write_text(
        'schema: zjpaoyici/implementation/v1\nregion: "330106"\n'
        f"department: 杭州市西湖区市场监督管理局\nmatters:\n{entries}",
        encoding="utf-8",
    )
    return path


ONE_VISIT = '  - code: "许可-00802-001"\n    visits: 1\n    case_type: 承诺件\n'


def test_a_comment_with_a_reason_suppresses_the_finding_there(cat: Path, cli: Any) -> None:
    _impl(cat, "  # zjpaoyici: ignore[Q001] 省厅 2024 年第 3 号通知统一说明\n" + ONE_VISIT)
    text = cli("validate", str(cat), "--lang", "en")
    assert text.code == 0 and "Q001" not in text.stdout
    assert "1 findings suppressed" in text.stdout
    shown = cli("validate", str(cat), "--lang", "en", "--show-suppressed")
    assert "Q001" in shown.stdout and "第 3 号通知" in shown.stdout
    sarif = json.loads(cli("validate", str(cat), "--format", "sarif").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "Q001"]
    assert result["suppressions"] == [
        {"kind": "inSource", "justification": "省厅 2024 年第 3 号通知统一说明"}
    ]


def test_a_trailing_comment_covers_its_line_only(cat: Path, cli: Any) -> None:
    _impl(
        cat,
        '  - code: "许可-00802-001"\n    visits: 1  # zjpaoyici: ignore[Q001] 已审核\n'
        '  - code: "许可-00802-002"\n    visits: 1\n',
    )
    found = json.loads(cli("validate", str(cat), "-f", "json").stdout)
    assert [(f["rule"], f["line"]) for f in found["findings"] if f["rule"] == "Q001"] == [
        ("Q001", 8)
    ]
    assert [s["line"] for s in found["suppressed"]] == [6]


def test_a_comment_without_a_reason_suppresses_nothing(cat: Path, cli: Any) -> None:
    _impl(cat, "  # zjpaoyici: ignore[Q001]\n" + ONE_VISIT)
    run = cli("validate", str(cat), "-f", "json", "--lang", "en")
    assert run.code == 1
    rules = sorted(f["rule"] for f in json.loads(run.stdout)["findings"])
    assert rules == ["Q001", "Q013"]


def _broken(root: Path, count: int) -> str:
    """``count`` entries of matters missing from the basic catalogue (R001 each)."""
    return "".join(f'  - code: "许可-9{i:04d}-001"\n    visits: 0\n' for i in range(count))


def test_baseline_adopts_a_messy_catalogue_and_fails_only_on_new_findings(
    cat: Path, cli: Any, tmp_path: Path
) -> None:
    path = _impl(cat, _broken(cat, 50))
    before = json.loads(cli("validate", str(cat), "-f", "json").stdout)
    assert len(before["findings"]) == 50
    baseline = tmp_path / "baseline.json"
    wrote = cli("validate", str(cat), "--write-baseline", str(baseline))
    assert wrote.code == 0 and baseline.exists()
    adopted = cli("validate", str(cat), "--baseline", str(baseline))
    assert adopted.code == 0
    # one new defect: exit 1, naming only it
    path.write_text(
        path.read_text("utf-8") + '  - code: "许可-00802-001"\n    visits: 2\n', "utf-8"
    )
    new = cli("validate", str(cat), "--baseline", str(baseline), "-f", "json", "--lang", "en")
    assert new.code == 1
    assert [f["rule"] for f in json.loads(new.stdout)["findings"]] == ["Q001"]
    sarif = json.loads(cli("validate", str(cat), "--baseline", str(baseline), "-f", "sarif").stdout)
    states = sorted({(r["ruleId"], r["baselineState"]) for r in sarif["runs"][0]["results"]})
    assert states == [("Q001", "new"), ("R001", "unchanged")]


def test_a_record_moved_within_its_file_stays_baselined(
    cat: Path, cli: Any, tmp_path: Path
) -> None:
    entries = _broken(cat, 5).split("  - ")[1:]
    _impl(cat, "".join("  - " + e for e in entries))
    baseline = tmp_path / "baseline.json"
    cli("validate", str(cat), "--write-baseline", str(baseline))
    _impl(cat, "".join("  - " + e for e in reversed(entries)))  # every line moves
    assert cli("validate", str(cat), "--baseline", str(baseline)).code == 0


def test_a_file_that_is_not_a_baseline_is_exit_2(cat: Path, cli: Any, tmp_path: Path) -> None:
    bogus = tmp_path / "x.json"
    bogus.write_text("[1, 2]", encoding="utf-8")
    run = cli("validate", str(cat), "--baseline", str(bogus), "--lang", "en")
    assert run.code == 2 and "Cannot use the baseline" in run.stderr
