"""``merge`` and ``merge3``: keyed by code and field, comments kept, conflicts located."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE, DATA, run_subprocess

GOLDEN = DATA / "golden"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- merge (N inputs) ----------------------------------------------------------------


def test_merge_golden(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out.yaml"
    run = cli("merge", str(GOLDEN / "merge-a.yaml"), str(GOLDEN / "merge-b.yaml"), "-o", str(out))
    assert run.code == 0, run.output
    assert read(out) == read(GOLDEN / "merge-expected.yaml")


def test_merge_conflict_names_both_places_and_writes_nothing(tmp_path: Path, cli: Any) -> None:
    b = tmp_path / "b.yaml"
    b.write_text(
        read(GOLDEN / "merge-b.yaml").replace(
            "    visits: 0\n    annual_cases", "    visits: 1\n    annual_cases"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.yaml"
    run = cli("merge", str(GOLDEN / "merge-a.yaml"), str(b), "-o", str(out), "--format", "json")
    assert run.code == 1 and not out.exists()
    conflicts = json.loads(run.stdout)["conflicts"]
    assert len(conflicts) == 1 and conflicts[0]["field"] == "matters[许可-00802-001].visits"
    sides = {
        s["value"]: (Path(s["file"]).name, s["line"], s["column"]) for s in conflicts[0]["sides"]
    }
    assert sides == {0: ("merge-a.yaml", 8, 13), 1: ("b.yaml", 11, 13)}
    run = cli("merge", str(GOLDEN / "merge-a.yaml"), str(b), "-o", str(out), "--force-theirs")
    assert run.code == 0 and "visits: 1\n" in read(out)
    run = cli("merge", str(GOLDEN / "merge-a.yaml"), str(b), "-o", str(out), "--force-ours")
    assert run.code == 0 and "    visits: 0  # 已实现全程网办\n" in read(out)


def test_merge_folders_file_by_file(tmp_path: Path, cli: Any) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(BASE, a)
    shutil.copytree(BASE, b)
    shutil.copy(GOLDEN / "merge-a.yaml", a / "implementations/330106/scjg.yaml")
    shutil.copy(GOLDEN / "merge-b.yaml", b / "implementations/330106/scjg.yaml")
    (b / "implementations/330106/more.yaml").write_text(
        read(BASE / "implementations/330000/scjg.yaml").replace("330000", "330106"),
        encoding="utf-8",
    )
    run = cli("merge", str(a), str(b), "-o", str(tmp_path / "out"))
    assert run.code == 0, run.output
    out = tmp_path / "out"
    assert read(out / "implementations/330106/scjg.yaml") == read(GOLDEN / "merge-expected.yaml")
    assert (out / "implementations/330106/more.yaml").exists()
    assert read(out / "regions.yaml") == read(BASE / "regions.yaml")


def test_merge_refuses_hostile_input(tmp_path: Path, cli: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: !!python/object/apply:os.system [echo hi]\n", encoding="utf-8")
    run = cli("merge", str(GOLDEN / "merge-a.yaml"), str(bad), "-o", str(tmp_path / "o.yaml"))
    assert run.code == 2 and "Y005" in run.stderr and not (tmp_path / "o.yaml").exists()


# --- merge3 ---------------------------------------------------------------------------


def merge3(cli: Any, tmp_path: Path, base: Path, ours: Path, theirs: Path) -> tuple[int, str, Any]:
    target = tmp_path / "ours.yaml"
    shutil.copy(ours, target)
    run = cli("merge3", str(base), str(target), str(theirs), "--format", "json")
    return run.code, read(target), run


def test_merge3_clean_golden(tmp_path: Path, cli: Any) -> None:
    code, text, _ = merge3(
        cli,
        tmp_path,
        GOLDEN / "merge3-base.yaml",
        GOLDEN / "merge3-ours.yaml",
        GOLDEN / "merge3-theirs.yaml",
    )
    assert code == 0 and text == read(GOLDEN / "merge3-expected.yaml")


def test_merge3_conflict_golden(tmp_path: Path, cli: Any) -> None:
    code, text, run = merge3(
        cli,
        tmp_path,
        GOLDEN / "merge3-base.yaml",
        GOLDEN / "merge3-ours.yaml",
        GOLDEN / "merge3-theirs-conflict.yaml",
    )
    assert code == 1 and text == read(GOLDEN / "merge3-conflict-expected.yaml")
    conflict = json.loads(run.stdout)["conflicts"][0]
    assert conflict["field"] == "matters[许可-00802-001].promised_limit"
    assert [s["side"] for s in conflict["sides"]] == ["ours", "base", "theirs"]
    assert [s["line"] for s in conflict["sides"]] == [9, 9, 9]


def test_merge3_with_theirs_equal_to_base_is_ours(tmp_path: Path, cli: Any) -> None:
    code, text, _ = merge3(
        cli,
        tmp_path,
        GOLDEN / "merge3-base.yaml",
        GOLDEN / "merge3-ours.yaml",
        GOLDEN / "merge3-base.yaml",
    )
    assert code == 0 and text == read(GOLDEN / "merge3-ours.yaml")


def test_conflict_output_is_rejected_by_validate(base_catalogue: Path, cli: Any) -> None:
    shutil.copy(
        GOLDEN / "merge3-conflict-expected.yaml",
        base_catalogue / "implementations/330106/scjg.yaml",
    )
    run = cli("validate", "--format", "json", cwd=base_catalogue)
    findings = json.loads(run.stdout)["findings"]
    assert run.code == 1 and [(f["rule"], f["line"]) for f in findings] == [("Y017", 9)]


def test_merge3_falls_back_to_lines_when_a_side_is_not_yaml(tmp_path: Path, cli: Any) -> None:
    base = tmp_path / "base.yaml"
    ours = tmp_path / "ours.yaml"
    theirs = tmp_path / "theirs.yaml"
    base.write_text("a: 1\nx: 0\ny: 0\nb: 2\n", encoding="utf-8")
    ours.write_text("a: [1\nx: 0\ny: 0\nb: 2\n", encoding="utf-8")  # broken on our side
    theirs.write_text("a: 1\nx: 0\ny: 0\nb: 3\n", encoding="utf-8")
    run = cli("merge3", str(base), str(ours), str(theirs))
    assert run.code == 0, run.output
    assert read(ours) == "a: [1\nx: 0\ny: 0\nb: 3\n"
    assert "git merge-file" in run.stderr


# --- git ------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise AssertionError(proc.stderr)
    return proc.stdout + proc.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    text = read(GOLDEN / "merge3-base.yaml").replace(
        "matters:\n", "defaults:\n  express: true\nmatters:\n"
    )
    (root / "implementations/330106/scjg.yaml").write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.org")
    git(root, "config", "user.name", "t")
    import sys

    driver = f"{sys.executable} -m zjpaoyici merge3 %O %A %B --name %P"
    git(root, "config", "merge.zjpaoyici.name", "zjpaoyici structured merge")
    git(root, "config", "merge.zjpaoyici.driver", driver)
    (root / ".gitattributes").write_text("*.yaml merge=zjpaoyici\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def branch_edit(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "implementations/330106/scjg.yaml"
    git(repo, "checkout", "-q", "-b", name, "main")
    text = read(path)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(repo, "commit", "-qam", name)


def test_git_merge_of_different_matters_and_fields_is_clean(repo: Path) -> None:
    # branch a: 001's promised limit; branch b: 001's visits comment + 002's limit (other matter)
    branch_edit(
        repo,
        "a",
        "    promised_limit: {days: 3, unit: working}",
        "    promised_limit: {days: 2, unit: working}",
    )
    branch_edit(
        repo,
        "b",
        "    online: {depth: 4, mobile: true}",
        "    online: {depth: 4, mobile: true}\n    annual_cases: 1795",
    )
    path = repo / "implementations/330106/scjg.yaml"
    text = read(path).replace(
        "    promised_limit: {days: 1, unit: working}",
        "    promised_limit: {days: 0, unit: working}\n    case_type: 即办件",
    )
    path.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "b2")
    git(repo, "checkout", "-q", "a")
    out = git(repo, "merge", "--no-edit", "b")
    assert "CONFLICT" not in out, out
    merged = read(path)
    assert (
        "{days: 2, unit: working}" in merged
        and "annual_cases: 1795" in merged
        and "即办件" in merged
    )
    assert "# 新办：食品销售跑零次" in merged and "visits: 0  # 已实现全程网办" in merged
    run = run_subprocess("validate", cwd=repo)
    assert run.code == 0, run.output


def test_git_merge_of_one_field_changed_two_ways_stops(repo: Path) -> None:
    branch_edit(
        repo,
        "a",
        "    promised_limit: {days: 3, unit: working}",
        "    promised_limit: {days: 2, unit: working}",
    )
    branch_edit(
        repo,
        "b",
        "    promised_limit: {days: 3, unit: working}",
        "    promised_limit: {days: 1, unit: working}",
    )
    git(repo, "checkout", "-q", "a")
    out = git(repo, "merge", "--no-edit", "b")
    assert "CONFLICT" in out
    merged = read(repo / "implementations/330106/scjg.yaml")
    assert "<<<<<<< ours" in merged and ">>>>>>> theirs" in merged
    run = run_subprocess("validate", "--format", "json", cwd=repo)
    assert run.code == 1 and json.loads(run.stdout)["findings"][0]["rule"] == "Y017"
