"""``report``: every metric by hand on small catalogues, the 2017 figures, the CI gate,
every format, escaping, history from git, and the HTML page in a real browser."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_province import generate

EXTRA_BASIC = """
  - code: "确认-00820-000"
    name: 食品小作坊登记
    type: 行政确认
    basis: [《浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定》第八条]
    levels: [county]

  - code: "其他-00821-000"
    name: 食品安全约谈
    type: 其他行政权力
    basis: [《中华人民共和国食品安全法》第一百一十四条]
    levels: [county]

  - code: "公共服务-00822-000"
    name: 食品安全信息查询
    type: 公共服务
    basis: [《中华人民共和国食品安全法》第一百一十八条]
    levels: [county]
"""
COUNTY = """schema: zjpaoyici/implementation/v1
region: "{region}"
department: 测试局
defaults:
  case_type: 承诺件
  express: true
matters:
"""
XIHU = """  - code: "许可-00802-001"
    visits: 1
    onsite_reason: 餐饮服务需现场核查
    promised_limit: {days: 3}
    online: {depth: 3, mobile: true}
    annual_cases: 100
    items:
      - {code: "01", name: 食品销售, visits: 0, onsite_reason: null}
      - {code: "02", name: 餐饮服务, visits: 1}
  - code: "许可-00802-002"
    visits: 0
    promised_limit: {days: 1}
    online: {depth: 4, mobile: true}
    annual_cases: 300
  - code: "许可-00801-000"
    visits: 2
    onsite_reason: 需现场核查生产场所
    promised_limit: {days: 5}
    online: {depth: 3}
    annual_cases: 50
  - code: "确认-00820-000"
    promised_limit: {days: 5}
    online: {depth: 3}
  - code: "其他-00821-000"
    visits: 0
    online: {depth: 4}
  - code: "公共服务-00822-000"
    visits: 1
    onsite_reason: 需到窗口查询原件
    promised_limit: {days: 0}
    case_type: 即办件
    online: {depth: 1}
    annual_cases: 50
"""
YINZHOU = """  - code: "许可-00801-000"
    visits: 2
    onsite_reason: 需现场核查生产场所
    promised_limit: {days: 5}
    online: {depth: 3}
  - code: "许可-00802-001"
    visits: 1
    onsite_reason: 需现场核查
    promised_limit: {days: 3}
    online: {depth: 3}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Base catalogue + two counties of different sizes, unknown visits, an exempt code and
    an out-of-scope type (其他行政权力 is not in the base catalogue's scope)."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    basic = root / "basic" / "scjg.yaml"
    basic.write_text(basic.read_text(encoding="utf-8") + EXTRA_BASIC, encoding="utf-8")
    manifest = root / "catalogue.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("exempt: []", 'exempt: ["许可-00802-002"]'),
        encoding="utf-8",
    )
    (root / "implementations/330106/scjg.yaml").write_text(
        COUNTY.format(region="330106") + XIHU, encoding="utf-8"
    )
    (root / "implementations/330212").mkdir()
    (root / "implementations/330212/scjg.yaml").write_text(
        COUNTY.format(region="330212") + YINZHOU, encoding="utf-8"
    )
    return root


def report_json(cli: Any, root: Path, *args: str) -> dict[str, Any]:
    run = cli("report", str(root), "--format", "json", *args)
    assert run.code in (0, 1), run.output
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def test_entry_metrics_by_hand(small: Path, cli: Any) -> None:
    data = report_json(cli, small)
    xihu = next(r for r in data["regions"] if r["code"] == "330106")
    # in scope: 001 (1 visit), 002 (0), 00801 (2), 00820 (unknown), 00822 (1); 00821 is out of scope
    assert (xihu["units"], xihu["met"], xihu["unknown"], xihu["multi_visit"]) == (5, 3, 1, 1)
    assert xihu["share"] == pytest.approx(3 / 5)
    # zero visits: only 002, which is exempt from the zero-visit target → 0 of 4
    assert (xihu["zero"], xihu["zero_share"]) == (1, 0.0)
    # every depth is given: depth IV is 002 only; available online (depth III+): all but
    # 00822 (depth I)
    assert xihu["online_full_share"] == pytest.approx(1 / 5) and xihu["online_full_unknown"] == 0
    assert xihu["online_any_share"] == pytest.approx(4 / 5) and xihu["online_any_known"] == 5
    # mobile: 001, 002 say yes; 00822 cannot be handled online, so not on mobile either;
    # 00801 and 00820 do not say → 2 of the 3 known, 2 not given
    assert xihu["mobile_share"] == pytest.approx(2 / 3)
    assert (xihu["mobile_known"], xihu["mobile_unknown"]) == (3, 2)
    # by volume: meeting 001 (100) + 002 (300) + 00822 (50) of 500 with a volume; 00820 has none
    assert xihu["volume_share"] == pytest.approx(450 / 500) and xihu["volume_missing"] == 1
    yinzhou = next(r for r in data["regions"] if r["code"] == "330212")
    assert (yinzhou["units"], yinzhou["met"]) == (2, 1)
    county = data["levels"]["county"]
    assert county["regions"] == 2
    assert county["mean_share"] == pytest.approx((3 / 5 + 1 / 2) / 2)  # 0.55, the official 平均
    assert county["pooled"]["share"] == pytest.approx(4 / 7)  # 0.5714…, all units together
    assert county["mean_count"] == pytest.approx(2.0)
    assert data["levels"]["province"]["mean_share"] == 1.0
    assert [u["code"] for u in data["multi_visit"]] == ["许可-00801-000", "许可-00801-000"]
    assert [u["code"] for u in data["unknown_visits"]] == ["确认-00820-000"]


def test_main_and_item_units_by_hand(small: Path, cli: Any) -> None:
    main = report_json(cli, small, "--unit", "main")
    xihu = next(r for r in main["regions"] if r["code"] == "330106")
    # mains: 许可-00802 (subs 001: 1, 002: 0 → meets), 许可-00801 (2), 确认-00820 (unknown), 公共服务-00822 (1)
    assert (xihu["units"], xihu["met"], xihu["unknown"], xihu["multi_visit"]) == (4, 2, 1, 1)
    item = report_json(cli, small, "--unit", "item")
    xihu = next(r for r in item["regions"] if r["code"] == "330106")
    # items 01 (0) and 02 (1) replace entry 001: six units, four meeting
    assert (xihu["units"], xihu["met"]) == (6, 4)


def test_by_department_and_type(small: Path, cli: Any) -> None:
    data = report_json(cli, small)
    types = {t["type"]: (t["units"], t["met"]) for t in data["types"]}
    # 行政许可: province 00801 (0), city 00801 (1), 330106 001 (1), 002 (0), 00801 (2), 330212 00801 (2), 001 (1)
    assert types == {"行政许可": (7, 5), "行政确认": (1, 0), "公共服务": (1, 1)}
    run = cli("report", str(small), "--by", "type", "--format", "csv", "--lang", "en")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert {r["key"]: r["units"] for r in rows} == {
        "行政许可": "7",
        "行政确认": "1",
        "公共服务": "1",
    }


def test_reproduces_the_2017_figures(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "gen"
    generate(root, cities=2, counties_per_city=1)
    data = report_json(cli, root)
    levels = data["levels"]
    assert (levels["province"]["pooled"]["units"], levels["province"]["pooled"]["met"]) == (
        956,
        889,
    )
    assert levels["city"]["mean_count"] == 845 and levels["county"]["mean_count"] == 732
    run = cli("report", str(root), "--lang", "en")
    levels_table = run.stdout.split("One-thing bundles")[0]  # the generator ships bundles too
    assert "One-thing bundles (13)" in run.stdout
    lines = {
        line.split("│")[1].strip(): line
        for line in levels_table.splitlines()
        if line.startswith("│")
    }
    assert "93.0%" in lines["province"] and "81.0%" in lines["city"] and "90.0%" in lines["county"]


def test_check_compares_unrounded_values(tmp_path: Path, cli: Any) -> None:
    """A county at 1999/2500 = 79.96 % prints 80.0 % but fails a target of 80 %."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    codes = [f"许可-{20000 + i:05d}-000" for i in range(2500)]
    basic = ["schema: zjpaoyici/basic/v1", "department: 浙江省测试厅", "matters:"]
    for i, code in enumerate(codes):
        basic += [
            f'  - code: "{code}"',
            f"    name: 测试许可{i}",
            "    type: 行政许可",
            "    basis: [《测试条例》]",
            "    levels: [county]",
        ]
    (root / "basic" / "test.yaml").write_text("\n".join(basic) + "\n", encoding="utf-8")
    impl = [COUNTY.format(region="330106").rstrip("\n")]
    for i, code in enumerate(codes):
        visits = 2 if i < 501 else 0
        impl += [f'  - code: "{code}"', f"    visits: {visits}"] + (
            ["    onsite_reason: 现场"] if visits else []
        )
    (root / "implementations/330106/scjg.yaml").write_text("\n".join(impl) + "\n", encoding="utf-8")
    run = cli("report", str(root), "--check", "--lang", "en")
    county = next(line for line in run.stdout.splitlines() if line.startswith("│ county"))
    assert "80.0%" in county and "80% ✗" in county
    assert run.code == 1 and "county is at 79.96%, below the target of 80%" in run.stdout
    assert cli("report", str(root), "--fail-under", "0.7996").code == 0
    assert cli("report", str(root), "--fail-under", "0.79961").code == 1
    # a target is shown as written, not rounded to a figure the share would seem to meet
    manifest = root / "catalogue.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "county: 0.8" in text
    manifest.write_text(text.replace("county: 0.8", "county: 0.7997", 1), encoding="utf-8")
    run = cli("report", str(root), "--check", "--lang", "en")
    county = next(line for line in run.stdout.splitlines() if line.startswith("│ county"))
    assert "79.97% ✗" in county and run.code == 1
    # written to a file, the failing level is still said on standard error
    out = tmp_path / "report.csv"
    run = cli("report", str(root), "--check", "--format", "csv", "-o", str(out), "--lang", "en")
    assert run.code == 1 and "county is at 79.96%, below the target of 79.97%" in run.stderr


def test_markdown_and_html_escape_catalogue_text(small: Path, cli: Any) -> None:
    hostile = "<script>alert(1)</script> | **粗** [x](http://e.example) @everyone"
    basic = small / "basic" / "scjg.yaml"
    basic.write_text(
        basic.read_text(encoding="utf-8").replace(
            "name: 食品生产许可\n", f"name: {json.dumps(hostile, ensure_ascii=False)}\n"
        ),
        encoding="utf-8",
    )
    impl = small / "implementations/330106/scjg.yaml"
    impl.write_text(
        impl.read_text(encoding="utf-8").replace(
            "需现场核查生产场所", "需现场<img src=x onerror=alert(2)>核查"
        ),
        encoding="utf-8",
    )
    md = cli("report", str(small), "--format", "markdown", "--by", "region").stdout
    assert "<script>" not in md and "\\<script\\>" in md and "\\| \\*\\*粗\\*\\*" in md
    assert "@everyone" not in md and "@\u200beveryone" in md
    assert re.search(r"(?<!\\)<img", md) is None and "\\<img" in md
    html = cli("report", str(small), "--format", "html").stdout
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def test_history_from_git_revisions(small: Path, cli: Any) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=small, capture_output=True, text=True, check=True
        ).stdout

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    git("add", "-A")
    git("commit", "-qm", "one")
    impl = small / "implementations/330212/scjg.yaml"
    impl.write_text(
        impl.read_text(encoding="utf-8").replace(
            "    visits: 2\n    onsite_reason: 需现场核查生产场所\n",
            "    visits: 1\n    onsite_reason: 需现场核查生产场所\n",
        ),
        encoding="utf-8",
    )
    git("commit", "-qam", "two")
    status = git("status", "--porcelain")
    data = report_json(cli, small, "--since", "HEAD~1")
    assert [h["rev"][:7] for h in data["history"]] == [
        git("rev-parse", "HEAD~1")[:7],
        git("rev-parse", "HEAD")[:7],
    ]
    assert data["history"][0]["levels"]["county"] == pytest.approx(0.55)
    assert data["history"][1]["levels"]["county"] == pytest.approx((0.6 + 1.0) / 2)
    assert git("status", "--porcelain") == status
    html = cli(
        "report", str(small), "--history", "HEAD~1", "--history", "HEAD", "--format", "html"
    ).stdout
    assert 'id="history-chart"' in html and html.count("<polyline") == 3
    # a point is named as people name it: the tag at it, the revision as written, or
    # the commit's date when only a bare commit id was given (issue 19)
    git("tag", "v2.0")
    named = report_json(cli, small, "--since", "HEAD~1")["history"]
    assert [h["label"] for h in named] == [named[0]["date"][:10], "v2.0"]
    first = git("rev-parse", "HEAD~1").strip()
    assert [h["label"] for h in report_json(cli, small, "--history", "HEAD~1")["history"]] == [
        "HEAD~1"
    ]
    assert report_json(cli, small, "--history", first)["history"][0]["label"] == named[0]["label"]


def test_the_trend_axis_spans_the_data_not_0_to_100(small: Path, cli: Any) -> None:
    """Issue 19: a change of a few points on a 0–100 % axis looks flat: the y-axis runs
    from just below the lowest figure or target to just above the highest; each level has
    its own marker and a direct label; targets are dashed lines."""
    from zjpaoyici.catalogue.load import load_catalogue
    from zjpaoyici.ops.stats.report import HistoryPoint, build
    from zjpaoyici.render.report_html import render_html

    report = build(load_catalogue(small))
    report.targets = {"city": 0.8, "county": 0.85}
    report.history = [
        HistoryPoint("v1", "a" * 40, "2026-01-01", {"city": 0.83, "county": 0.86}, "v1"),
        HistoryPoint("v2", "b" * 40, "2026-02-01", {"city": 0.845, "county": 0.872}, "v2"),
    ]
    svg = render_html(report, "en").split('id="history-chart">')[1].split("</svg>")[0]
    ticks = [float(x) for x in re.findall(r'font-size="11">([\d.]+)%</text>', svg)]
    assert min(ticks) >= 78.0 and max(ticks) <= 89.0 and min(ticks) < 80.0 < max(ticks)
    assert svg.count("<polyline") == 2 and "<rect" in svg and "<polygon" in svg  # markers
    assert svg.count('stroke-dasharray="4 3"') == 2  # a target line per level
    assert ">v1<title>" in svg and ">v2<title>" in svg
    assert "county 87.2%</text>" in svg and "city 84.5%</text>" in svg


# --- the HTML page in a real browser --------------------------------------------------


def test_html_report_in_headless_chromium(browser: Any, cli: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page = tmp_path / "report.html"
    run = cli("report", str(REPO / "catalog"), "--format", "html", "--lang", "zh", "-o", str(page))
    assert run.code == 0
    browser.get(page.as_uri())
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    shutil.copy(shot, REPO / "docs" / "report-screenshot.png") if os.environ.get(
        "ZJPAOYICI_UPDATE_SCREENSHOT"
    ) else None

    def shares() -> list[float]:
        cells = browser.find_elements(By.CSS_SELECTOR, "#regions tbody tr td:nth-child(5)")
        return [float(c.get_attribute("data-value")) for c in cells]

    before = shares()
    assert len(before) == 23 and before != sorted(before)
    header = browser.find_element(By.CSS_SELECTOR, "#regions thead th:nth-child(5) button")
    header.click()
    assert shares() == sorted(before)
    header.click()
    assert shares() == sorted(before, reverse=True)

    # the page stands on its own: when, from what, judged how; a verdict in words per level
    meta = browser.find_element(By.CSS_SELECTOR, "p.meta").text
    assert "统计日期" in meta and "平均值" in meta
    cards = browser.find_elements(By.CSS_SELECTOR, ".card .verdict")
    assert [c.text for c in cards] == ["✓ 达标"] * 3
    leaders = browser.find_element(By.CSS_SELECTOR, "p.leaders").text
    assert "11 个区划中 11 个达标" in leaders
    # no sideways scrolling of the page at desktop or phone width (tables scroll in place)
    for width in (1400, 420):
        browser.set_window_size(width, 1600)
        browser.get(page.as_uri())
        inner = browser.execute_script("return window.innerWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= inner

    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert requests and all(url.startswith(("file://", "data:")) for url in requests), requests


def test_generator_scales_by_regions_with_the_same_figures(tmp_path: Path, cli: Any) -> None:
    """--scale adds invented copies of the cities and counties: more regions, each the
    same size, the level figures unchanged, and the catalogue still clean."""
    root = tmp_path / "gen2"
    counts = generate(root, scale=2, cities=1, counties_per_city=1)
    assert counts == {"province": 1, "city": 2, "county": 2, "bundles": 13}
    assert sorted(p.name for p in (root / "implementations").iterdir()) == [
        "330000",
        "330100",
        "330102",
        "331200",
        "331202",
    ]
    assert "杭州市（扩展2）" in (root / "regions.yaml").read_text(encoding="utf-8")
    assert cli("validate", str(root)).code == 0
    levels = report_json(cli, root)["levels"]
    assert levels["city"]["mean_count"] == 845 and levels["county"]["mean_count"] == 732
    assert levels["city"]["regions"] == 2


def test_every_level_figure_is_the_same_in_every_format(tmp_path: Path, cli: Any) -> None:
    """Issue 19: one report in text, markdown, json, csv and html: each level's mean and
    pooled shares and its target are the JSON's unrounded values rounded once, the same
    in every format; csv carries the unrounded value to six decimals."""
    from tests.conftest import run_subprocess
    from zjpaoyici.ops.stats.figures import percent, target_percent

    catalog = str(REPO / "catalog")
    data = json.loads(cli("report", catalog, "--format", "json", "--lang", "en").stdout)
    text = run_subprocess("report", catalog, cwd=tmp_path, env={"COLUMNS": "200"}).stdout
    markdown = cli("report", catalog, "--format", "markdown", "--lang", "en").stdout
    table = list(csv.DictReader(io.StringIO(cli("report", catalog, "--format", "csv").stdout)))
    html_path = tmp_path / "r.html"
    assert (
        cli("report", catalog, "--format", "html", "--lang", "en", "-o", str(html_path)).code == 0
    )
    html = html_path.read_text(encoding="utf-8")
    assert set(data["levels"]) == {"province", "city", "county"}
    for level, fig in data["levels"].items():
        mean, pooled = percent(fig["mean_share"]), percent(fig["pooled"]["share"])
        target = target_percent(fig["target"])
        cells = [str(fig["regions"]), f"{fig['mean_count']:.0f}", mean, pooled]
        assert f"| {level} | " + " | ".join(cells) + " | " in markdown, level
        line = next(x for x in text.splitlines() if x.startswith(f"│ {level} "))
        assert [c for c in (mean, pooled, target) if c not in line] == [], line
        card = re.search(rf'data-level="{level}">(.*?)</div></div>', html)
        assert card and f'class="big">{mean}<' in card.group(1), level
        assert f"pooled {pooled}" in card.group(1) and f"target {target}" in card.group(1)
        row = next(r for r in table if r["key"] == level)
        assert row["share"] == f"{fig['pooled']['share']:.6f}"


def test_report_as_a_workbook(tmp_path: Path, cli: Any) -> None:
    """Issue 19: `report --format xlsx -o FILE` writes the report's tables as sheets, the
    figures as numbers (shares as fractions shown as percentages) equal to the JSON's;
    without -o it is a usage error, not binary on a terminal."""
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    catalog = str(REPO / "catalog")
    assert cli("report", catalog, "--format", "xlsx").code == 2
    book = tmp_path / "统计.xlsx"
    run = cli("report", catalog, "--format", "xlsx", "--lang", "zh", "-o", str(book))
    assert run.code == 0 and book.is_file()
    data = json.loads(cli("report", catalog, "--format", "json").stdout)
    wb = load_workbook(book)
    assert wb.sheetnames[:4] == ["各层级", "各区划", "各部门", "各事项类型"]
    levels = list(wb["各层级"].iter_rows(values_only=True))
    assert levels[0][:4] == ("层级", "区划数", "平均达标数", "平均比例")
    for row, fig in zip(levels[1:], data["levels"].values(), strict=True):
        assert row[1] == fig["regions"] and row[3] == pytest.approx(fig["mean_share"])
        assert row[4] == pytest.approx(fig["pooled"]["share"]) and row[7] == fig["target"]
    assert wb["各层级"]["D2"].number_format == "0.0%"
    regions = list(wb["各区划"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[5]) for r in regions] == [(x["code"], x["share"]) for x in data["regions"]]
    multi = list(wb.worksheets[4].iter_rows(values_only=True))[1:]
    assert len(multi) == len(data["multi_visit"])
    # another reader of the format agrees (the one Excel/WPS files are checked with)
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("各层级").to_python()
    assert [r[0] for r in sheet[1:]] == ["省级", "设区市", "县（市、区）"]
