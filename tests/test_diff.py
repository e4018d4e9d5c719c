"""``diff``: every change kind and class, the reform's summary, git revisions, CI gates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE, REPO

IMPL = "implementations/{}/scjg.yaml"
HEADER = 'schema: zjpaoyici/implementation/v1\nregion: "{r}"\ndepartment: 测试局\nmatters:\n'
COUNTY_EXTRA = (
    '  - code: "许可-00801-000"\n    visits: 0\n    promised_limit: {days: 5}\n    case_type: 承诺件\n'
    "    online: {depth: 4}\n"
    '  - code: "公共服务-00820-000"\n    visits: 0\n    online: {depth: 4}\n'
)
PUBLIC_SERVICE = (
    '\n  - code: "公共服务-00820-000"\n    name: 食品安全信息查询\n    type: 公共服务\n'
    "    basis: [《中华人民共和国食品安全法》第一百一十八条]\n    levels: [county]\n"
)
NEW_MATTER = (
    '\n  - code: "许可-00803-000"\n    name: 药品零售企业经营许可\n    type: 行政许可\n'
    "    basis: [《中华人民共和国药品管理法》第五十一条]\n    levels: [county]\n"
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """An old and a new catalogue that differ in every way diff knows."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(BASE, old)
    (old / "basic/scjg.yaml").write_text(
        (BASE / "basic/scjg.yaml").read_text(encoding="utf-8") + PUBLIC_SERVICE, encoding="utf-8"
    )
    with (old / IMPL.format("330106")).open("a", encoding="utf-8") as fh:
        fh.write(COUNTY_EXTRA)
    shutil.copytree(old, new)
    basic = new / "basic/scjg.yaml"
    # renamed (same code, new name) — seen in both regions that implement it
    edit(basic, "name: 食品生产许可\n", "name: 食品生产许可（含保健食品）\n")
    # re-coded (same region and name, new code) + one material fewer
    edit(basic, '"许可-00802-001"', '"许可-00802-011"')
    county = new / IMPL.format("330106")
    edit(county, '"许可-00802-001"', '"许可-00802-011"')
    edit(county, "      - {name: 营业执照, required: true}\n", "")
    # an online improvement and a new handling item on 002
    edit(
        county,
        "    online: {depth: 3, mobile: true}\n",
        '    online: {depth: 4, mobile: true}\n    items:\n      - {code: "01", name: 变更（名称）, visits: 0}\n',
    )
    # removed while still in the catalogue (regression), and removed from the catalogue (neutral)
    edit(county, COUNTY_EXTRA, "")
    edit(basic, PUBLIC_SERVICE, "")
    # added: a new matter implemented by the county
    basic.write_text(basic.read_text(encoding="utf-8") + NEW_MATTER, encoding="utf-8")
    with county.open("a", encoding="utf-8") as fh:
        fh.write(
            '  - code: "许可-00803-000"\n    visits: 1\n    onsite_reason: 需现场核查经营场所\n    promised_limit: {days: 10}\n    online: {depth: 3}\n'
        )
    # province: a shorter promise (improvement); city: 1 → 2 visits (falls out of the target)
    edit(new / IMPL.format("330000"), "{days: 5, unit: working}", "{days: 3, unit: working}")
    edit(new / IMPL.format("330100"), "    visits: 1\n", "    visits: 2\n")
    return old, new


def run_diff(cli: Any, *args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    run = cli("diff", *args, "--format", "json", cwd=cwd)
    return run.code, json.loads(run.stdout)


def changes(data: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (c["kind"], c["class"], c["region"], c["code"], c["field"], c["item"])
        for c in data["changes"]
    }


def test_every_kind_and_class(pair: tuple[Path, Path], cli: Any) -> None:
    code, data = run_diff(cli, str(pair[0]), str(pair[1]))
    assert code == 0
    assert changes(data) == {
        ("renamed", "neutral", "330000", "许可-00801-000", None, None),
        ("renamed", "neutral", "330100", "许可-00801-000", None, None),
        ("changed", "improvement", "330000", "许可-00801-000", "promised_limit", None),
        ("changed", "regression", "330100", "许可-00801-000", "visits", None),
        ("recoded", "neutral", "330106", "许可-00802-011", None, None),
        ("changed", "improvement", "330106", "许可-00802-011", "materials", None),
        ("changed", "improvement", "330106", "许可-00802-002", "online.depth", None),
        ("item_added", "neutral", "330106", "许可-00802-002", None, "01"),
        ("removed", "regression", "330106", "许可-00801-000", None, None),
        ("removed", "neutral", "330106", "公共服务-00820-000", None, None),
        ("added", "neutral", "330106", "许可-00803-000", None, None),
    }
    recode = next(c for c in data["changes"] if c["kind"] == "recoded")
    assert recode["old_code"] == "许可-00802-001" and recode["name"] == "食品经营许可（新办）"
    falls = next(c for c in data["changes"] if c["field"] == "visits")
    assert (falls["old"], falls["new"], falls["falls_out_of_target"]) == (1, 2, True)
    assert data["counts"] == {
        "improvement": 3,
        "regression": 2,
        "regression_accepted": 0,
        "neutral": 6,
    }


def test_reform_summary_numbers(pair: tuple[Path, Path], cli: Any) -> None:
    _, data = run_diff(cli, str(pair[0]), str(pair[1]))
    # old: 330000 1, 330100 1, 330106 4 (001, 002, 00801, 00820) = 6 in scope
    # new: 330000 1, 330100 1, 330106 3 (011, 002, 00803) = 5
    assert data["summary"] == {
        "matters_before": 6,
        "matters_after": 5,
        "matters_saved": 1,
        "visits_saved": -1,  # the city's matter now needs 2 visits instead of 1
        "materials_saved": 1,  # 营业执照 no longer required for 011
        "days_saved": 2.0,  # the province promises 3 days instead of 5
        # matters compared whose fact one side does not give: left out of the sums
        "visits_unknown": 0,
        "materials_unknown": 3,  # three compared matters list no materials on one side or both
        "days_unknown": 0,
    }
    levels = data["coverage"]
    assert levels["before"]["levels"]["city"]["mean_share"] == 1.0
    assert levels["after"]["levels"]["city"]["mean_share"] == 0.0
    assert levels["before"]["levels"]["county"]["mean_share"] == 1.0
    assert levels["after"]["levels"]["county"]["mean_share"] == 1.0


def test_fail_on_and_accept_list(pair: tuple[Path, Path], cli: Any, tmp_path: Path) -> None:
    old, new = pair
    assert run_diff(cli, str(old), str(new), "--fail-on", "regression")[0] == 1
    assert run_diff(cli, str(old), str(new), "--fail-on", "removal")[0] == 1
    accept = tmp_path / "accept.yaml"
    accept.write_text(
        "accept:\n"
        '  - {code: "许可-00801-000", region: "330100", field: visits, reason: 新增现场核查要求}\n'
        '  - {code: "许可-00801-000", region: "330106", reason: 该事项下放至街道}\n',
        encoding="utf-8",
    )
    code, data = run_diff(
        cli, str(old), str(new), "--fail-on", "regression", "--accept", str(accept)
    )
    assert code == 0 and data["counts"]["regression_accepted"] == 2
    assert run_diff(cli, str(old), str(new), "--fail-on", "any", "--accept", str(accept))[0] == 1


def test_only_an_accepted_visit_regression_passes(
    base_catalogue: Path, cli: Any, tmp_path: Path
) -> None:
    new = tmp_path / "new"
    shutil.copytree(base_catalogue, new)
    edit(new / IMPL.format("330100"), "    visits: 1\n", "    visits: 2\n")
    assert run_diff(cli, str(base_catalogue), str(new), "--fail-on", "regression")[0] == 1
    accept = tmp_path / "a.yaml"
    accept.write_text(
        'accept:\n  - {code: "许可-00801-000", reason: 需现场核查}\n', encoding="utf-8"
    )
    assert (
        run_diff(
            cli, str(base_catalogue), str(new), "--fail-on", "regression", "--accept", str(accept)
        )[0]
        == 0
    )


def test_class_override(pair: tuple[Path, Path], cli: Any) -> None:
    _, data = run_diff(cli, str(pair[0]), str(pair[1]), "--class", "online.depth=neutral")
    depth = next(c for c in data["changes"] if c["field"] == "online.depth")
    assert depth["class"] == "neutral"
    assert cli("diff", str(pair[0]), str(pair[1]), "--class", "visits=bad").code == 2


def test_identical_catalogues_have_no_changes(cli: Any) -> None:
    code, data = run_diff(cli, str(REPO / "catalog"), str(REPO / "catalog"))
    assert code == 0 and data["changes"] == [] and data["summary"]["matters_saved"] == 0


def test_markdown_is_a_pull_request_comment(pair: tuple[Path, Path], cli: Any) -> None:
    run = cli("diff", str(pair[0]), str(pair[1]), "--format", "markdown", "--lang", "zh")
    text = run.stdout
    assert text.index("| 类别 | 数量 |") < text.index("<details>")
    # 事项, 到现场次数 (one more visit: no "-1"), 材料 (three compared matters give none), 时限
    assert "| 减事项 1 | 增次数 1 | 减材料 1（3 项未填） | 减时间 2 个工作日 |" in text
    assert "不再满足" in text and text.count("<details>") == text.count("</details>")


# --- git ------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def test_diff_against_a_git_revision_leaves_the_tree_alone(base_catalogue: Path, cli: Any) -> None:
    repo = base_catalogue
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    edit(repo / IMPL.format("330100"), "    visits: 1\n", "    visits: 2\n")
    git(repo, "commit", "-qam", "two")
    edit(
        repo / IMPL.format("330000"), "{days: 5, unit: working}", "{days: 4, unit: working}"
    )  # uncommitted
    status = git(repo, "status", "--porcelain")
    index = (repo / ".git" / "index").read_bytes()
    tree = {p: p.read_bytes() for p in repo.rglob("*.yaml")}

    code, data = run_diff(cli, "--base", "HEAD~1", "--head", "HEAD", cwd=repo)
    assert code == 0
    assert {(c["kind"], c["field"]) for c in data["changes"]} == {("changed", "visits")}
    assert data["changes"][0]["file"] == "HEAD:implementations/330100/scjg.yaml"
    code, data = run_diff(cli, "--base", "HEAD~1", cwd=repo)  # against the working tree
    assert {c["field"] for c in data["changes"]} == {"visits", "promised_limit"}

    assert git(repo, "status", "--porcelain") == status
    assert (repo / ".git" / "index").read_bytes() == index
    assert {p: p.read_bytes() for p in repo.rglob("*.yaml")} == tree


def test_unknown_revision_is_a_usage_error(base_catalogue: Path, cli: Any) -> None:
    git(base_catalogue, "init", "-q", "-b", "main")
    run = cli("diff", "--base", "no-such-rev", cwd=base_catalogue)
    assert run.code == 2 and "git" in run.stderr


def test_a_revision_diff_outside_any_catalogue_is_a_usage_error(
    base_catalogue: Path, cli: Any, tmp_path: Path
) -> None:
    """At the root of a repository whose catalogue is in a subfolder, ``--base`` must not
    quietly compare the bundled sample (and report "no changes"): it names the subfolder."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.move(str(base_catalogue), repo / "catalog")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    edit(repo / "catalog" / IMPL.format("330100"), "    visits: 1\n", "    visits: 2\n")
    run = cli("diff", "--base", "HEAD", "--fail-on", "regression", cwd=repo)
    assert run.code == 2, run.output
    assert "-C DIR" in run.stderr and "found one level down: catalog" in run.stderr
    assert "sample" not in run.stderr
    code, data = run_diff(cli, "--base", "HEAD", "--catalogue", "catalog", cwd=repo)
    assert code == 0 and {c["field"] for c in data["changes"]} == {"visits"}
    fmt = cli("fmt", "--check", cwd=repo)  # would otherwise check the bundled sample
    assert fmt.code == 2 and "found one level down: catalog" in fmt.stderr


@pytest.mark.parametrize("damage", ["gbk", "indentation"])
def test_an_unreadable_file_is_not_a_removal(damage: str, cli: Any, tmp_path: Path) -> None:
    """A file that cannot be read would make its entries look removed (减事项): diff
    refuses with exit 2 and names the file, line and rule instead."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(BASE, old)
    shutil.copytree(BASE, new)
    path = new / IMPL.format("330106")
    text = path.read_text(encoding="utf-8")
    if damage == "gbk":
        path.write_bytes(text.encode("gbk"))
    else:
        path.write_text(text.replace("\n    visits:", "\n     visits:", 1), encoding="utf-8")
    run = cli("diff", str(old), str(new), "--fail-on", "regression", "--format", "json")
    assert run.code == 2, run.output
    assert run.stdout == ""
    [line] = [x for x in run.stderr.splitlines() if "330106" in x]
    assert IMPL.format("330106") in line
    assert ("Y004" if damage == "gbk" else "Y001") in line
    assert "removed" in run.stderr


def test_share_changes_come_from_unrounded_shares_rounded_once() -> None:
    """Issue 19: one city matter from 0 to 2 visits read "82.3% → 82.3% (+0.0)"; the
    change is computed from the unrounded shares and shown so that it is not lost."""
    from zjpaoyici.ops.stats.figures import points_change

    assert points_change(0.82345, 0.82265) == "-0.08"  # both shown as 82.3%
    assert points_change(0.92555, 0.92645) == "+0.09"
    assert points_change(0.9264, 0.9255) == "-0.09"
    assert points_change(0.80, 0.8125) == "+1.2"  # 1.25 points, rounded once
    assert points_change(0.5, 0.50002) == "+0.002"
    assert points_change(0.5, 0.5) == "+0.0"
    assert points_change(None, 0.5) == "—"


def test_the_reform_summary_has_no_double_negative() -> None:
    from zjpaoyici.render.diff_out import _saved

    assert _saved("visits", -2, 0, "zh") == "增次数 2"
    assert _saved("visits", 3, 0, "zh") == "减次数 3"
    assert _saved("visits", -2, 0, "en") == "more visits 2"
    assert _saved("days", 1.5, 0, "en") == "fewer promised working days 1.5"


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ('{code: "许可-00801-000", feild: visits, reason: 现场核查}', "3:28: Unknown key feild"),
        (
            '{code: "许可-00801-000", field: visit, reason: 现场核查}',
            "3:35: There is no field visit",
        ),
        ('{code: "许可-00801-000", field: visits}', "3:5: reason is missing"),
        # unquoted, the code is a number: dropped, the acceptance would cover every region
        (
            '{code: "许可-00801-000", region: 330106, reason: 现场核查}',
            "3:36: Write the region code",
        ),
        ("许可-00801-000", "3:5: Each entry is a mapping"),
    ],
)
def test_a_mistyped_accept_entry_is_a_usage_error(
    entry: str, says: str, pair: tuple[Path, Path], cli: Any, tmp_path: Path
) -> None:
    """A typo must not silently widen an acceptance to every field or drop it."""
    accept = tmp_path / "accept.yaml"
    accept.write_text(
        "accept:\n"
        '  - {code: "许可-00801-000", region: "330106", reason: 该事项下放至街道}\n'
        f"  - {entry}\n",
        encoding="utf-8",
    )
    run = cli("diff", str(pair[0]), str(pair[1]), "--accept", str(accept))
    assert run.code == 2
    assert f"accept.yaml:{says}" in run.stderr, run.stderr


def test_class_override_names_a_known_field(pair: tuple[Path, Path], cli: Any) -> None:
    run = cli("diff", str(pair[0]), str(pair[1]), "--class", "visit=neutral")
    assert run.code == 2 and "visit" in run.stderr and "online.depth" in run.stderr


def test_every_figure_is_the_same_in_text_markdown_and_json(tmp_path: Path, cli: Any) -> None:
    """Issue 19: the text format shows the markdown's sections, and every share and change
    in both is the JSON's unrounded value rounded once (one Hangzhou matter from 0 to 2
    visits moves the city mean by less than a tenth of a point: it must not read +0.0)."""
    from zjpaoyici.ops.stats.figures import percent, points_change

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REPO / "catalog", old)
    shutil.copytree(old, new)
    city = sorted((new / "implementations" / "330100").glob("[!_]*.yaml"))[0]
    edit(city, "    visits: 0\n", "    visits: 2\n    onsite_reason: 需现场核验原件\n")
    _, data = run_diff(cli, str(old), str(new), "--lang", "en")
    text = cli("diff", str(old), str(new), "--lang", "en").stdout
    markdown = cli("diff", str(old), str(new), "--format", "markdown", "--lang", "en").stdout
    before, after = data["coverage"]["before"], data["coverage"]["after"]
    rows = [
        (name, before["levels"][level]["mean_share"], after["levels"][level]["mean_share"])
        for level, name in (
            ("province", "province"),
            ("city", "city mean"),
            ("county", "county mean"),
        )
    ] + [  # the regions whose share changed (the others are not listed)
        (code, before["regions"][code], after["regions"][code])
        for code in after["regions"]
        if before["regions"][code] != after["regions"][code]
    ]
    small = [points_change(a, b) for _, a, b in rows if 0 < abs(b - a) * 100 < 0.1]
    assert small and all(p.startswith("-0.0") for p in small), rows
    for name, a, b in rows:
        shown = (percent(a), percent(b), points_change(a, b))
        assert re.search(
            rf"{re.escape(name)}[^\n]*?  {re.escape(shown[0])} → {re.escape(shown[1])}  \({re.escape(shown[2])}\)",
            text,
        ), (name, shown)
        assert re.search(
            rf"\| {re.escape(name)}[^|]* \| {re.escape(shown[0])} \| {re.escape(shown[1])} \| {re.escape(shown[2])} \|",
            markdown,
        ), (name, shown)
    summary = data["summary"]
    for figure in (summary["visits_saved"], summary["materials_saved"]):
        assert str(abs(figure)) in text and str(abs(figure)) in markdown
