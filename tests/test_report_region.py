"""``report --region`` (one region's card in every format), ``report --format html -o
DIR`` (an index and a page per region) and the department table across regions, checked
against counts made here from the sample's YAML."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from tests.conftest import REPO

CATALOG = REPO / "catalog"


def _json(cli: Any, *args: str) -> dict[str, Any]:
    run = cli("report", str(CATALOG), "--format", "json", "--no-cache", *args)
    assert run.code == 0, run.output
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def _basic_departments() -> tuple[dict[str, str], dict[str, str]]:
    """Every basic code (main and sub) → its file's department and its matter's type,
    read from the YAML here, not through the package."""
    departments, types = {}, {}
    for path in sorted((CATALOG / "basic").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for matter in doc["matters"]:
            for code in [matter["code"], *(s["code"] for s in matter.get("subs") or [])]:
                departments[code], types[code] = doc["department"], matter["type"]
    return departments, types


def test_departments_across_regions_match_a_count_from_the_yaml(cli: Any) -> None:
    """Each basic department's units and met units, in total and per region: the report's
    figures equal a count over the resolved entries keyed by the basic YAML's department."""
    from zjpaoyici.catalogue.load import load_catalogue
    from zjpaoyici.catalogue.resolve import resolve_all

    departments, types = _basic_departments()
    scope = set(yaml.safe_load((CATALOG / "catalogue.yaml").read_text("utf-8"))["scope"]["types"])
    units: Counter[tuple[str, str]] = Counter()
    met: Counter[tuple[str, str]] = Counter()
    for entry in resolve_all(load_catalogue(CATALOG)):
        if types.get(entry.code) not in scope:
            continue
        key = (departments[entry.code], entry.region)
        units[key] += 1
        met[key] += entry.visits is not None and entry.visits <= 1

    rows = _json(cli)["catalogue_departments"]
    assert len(rows) == len({d for d, _ in units}) == 15
    for row in rows:
        assert row["units"] == sum(n for (d, _), n in units.items() if d == row["name"])
        assert row["met"] == sum(n for (d, _), n in met.items() if d == row["name"])
        for region in row["regions"]:
            key = (row["name"], region["code"])
            assert (region["units"], region["met"]) == (units[key], met[key])
    shares = [r["share"] for r in rows]
    assert shares == sorted(shares, reverse=True)  # highest share first
    # every level's 公安 bureaus land in one department (not one row per agency and region)
    police = next(r for r in rows if r["name"] == "浙江省公安厅")
    assert len(police["regions"]) == 23


def test_department_table_in_text_markdown_and_workbook(cli: Any, tmp_path: Path) -> None:
    rows = _json(cli)["catalogue_departments"]
    first = rows[0]
    text = cli("report", str(CATALOG), "--by", "department", "--no-cache").stdout
    table = text.split("By department (across regions")[1]
    line = next(x for x in table.splitlines() if first["name"] in x and "│" in x)
    assert f"{first['units']:,}" in line and f"{first['share'] * 100:.1f}%" in line
    md = cli("report", str(CATALOG), "-f", "markdown", "--by", "department").stdout
    assert f"<details><summary>{first['name']}</summary>" in md
    book = tmp_path / "r.xlsx"
    assert cli("report", str(CATALOG), "-f", "xlsx", "-o", str(book)).code == 0
    sheet = load_workbook(book, read_only=True)["Departments"]
    got = [(r[0], r[2], r[3]) for r in list(sheet.iter_rows(values_only=True))[1:]]
    assert got == [(r["name"], r["units"], r["met"]) for r in rows]


def test_region_card_equals_the_report_figures(cli: Any) -> None:
    """The card's figures are the region's row of the whole report; its matters are
    every unit it counts, its exceptions the report's multi-visit units of the region."""
    whole = _json(cli)
    card = _json(cli, "--region", "330106")
    region = next(r for r in whole["regions"] if r["code"] == "330106")
    assert card["region"] == {"code": "330106", "name": "西湖区", "level": "county"}
    assert {k: card["figures"][k] for k in ("units", "met", "share")} == {
        k: region[k] for k in ("units", "met", "share")
    }
    assert card["level"]["share"] == whole["levels"]["county"]["mean_share"]
    assert card["level"]["target"] == 0.8 and card["level"]["ok"] is True
    matters = [m for d in card["departments"] for m in d["matters"]]
    assert len(matters) == region["units"] == sum(d["units"] for d in card["departments"])
    expected = sorted(m["code"] for m in whole["multi_visit"] if m["region"] == "330106")
    assert sorted(m["code"] for m in card["multi_visit"]) == expected and len(expected) == 7
    assert all(m["onsite_reason"] for m in card["multi_visit"])  # the catalogue's reasons
    # deviations are standard's own for this region
    std = json.loads(cli("standard", str(CATALOG), "--format", "json").stdout)
    listed = [
        (m["code"], d["element"], d["value"], d["for_citizen"], d["location"])
        for m in std["matters"]
        for d in m["deviations"]
        if d["region"] == "330106"
    ]
    got = [
        (d["code"], d["element"], d["value"], d["for_citizen"], d["location"])
        for d in card["deviations"]
    ]
    assert sorted(got, key=str) == sorted(listed, key=str) and len(got) > 5


def test_region_card_in_every_format(cli: Any, tmp_path: Path) -> None:
    card = _json(cli, "--region", "330106")
    share = f"{card['figures']['share'] * 100:.1f}%"
    for fmt in ("table", "markdown"):
        out = cli("report", str(CATALOG), "--region", "330106", "-f", fmt).stdout
        assert "西湖区" in out and share in out and "需本人到考场参加驾驶技能考试" in out
    page = tmp_path / "r.html"
    assert (
        cli("report", str(CATALOG), "--region", "330106", "-f", "html", "-o", str(page)).code == 0
    )
    html = page.read_text("utf-8")
    assert "Content-Security-Policy" in html and share in html
    assert html.count("<tr>") >= len(card["deviations"]) + card["figures"]["units"]
    rows = list(
        csv.reader(
            io.StringIO(cli("report", str(CATALOG), "--region", "330106", "-f", "csv").stdout)
        )
    )
    assert len(rows) == 1 + card["figures"]["units"]
    book = tmp_path / "r.xlsx"
    assert (
        cli("report", str(CATALOG), "--region", "330106", "-f", "xlsx", "-o", str(book)).code == 0
    )
    sheets = load_workbook(book, read_only=True)
    agencies = list(sheets[sheets.sheetnames[0]].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1], r[2]) for r in agencies] == [
        (d["name"], d["units"], d["met"]) for d in card["departments"]
    ]


def test_unknown_region_is_a_usage_error_naming_it(cli: Any) -> None:
    run = cli("report", str(CATALOG), "--region", "999999")
    assert run.code == 2 and "999999" in run.output and "330106" in run.output


def test_html_folder_has_an_index_and_a_page_per_region(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("report", str(CATALOG), "-f", "html", "-o", str(out) + "/").code == 0
    index = (out / "index.html").read_text("utf-8")
    links = re.findall(r'<a href="(region-\d+\.html)">', index)
    whole = _json(cli)
    assert sorted(links) == sorted(f"region-{r['code']}.html" for r in whole["regions"])
    for link in links:
        page = (out / link).read_text("utf-8")
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
        assert csp and csp.group(1) in index
        assert 'href="index.html"' in page


def test_region_pages_in_headless_chromium(browser: Any, cli: Any, tmp_path: Path) -> None:
    """A region link on the index opens that region's page; both pages fit 1400 px and
    420 px without sideways scrolling, log no error and request nothing off the disk."""
    from selenium.webdriver.common.by import By

    out = tmp_path / "site"
    assert cli("report", str(CATALOG), "-f", "html", "--lang", "zh", "-o", str(out)).code == 0
    index = (out / "index.html").as_uri()
    browser.get(index)
    browser.find_element(By.CSS_SELECTOR, '#regions a[href="region-330106.html"]').click()
    assert browser.current_url.endswith("/region-330106.html")
    assert "西湖区" in browser.find_element(By.TAG_NAME, "h1").text
    # the embedded font is the one Chinese is drawn with, whatever the machine has
    assert browser.execute_script(
        "return document.fonts.check('16px \"ZJ Noto Sans SC\"', '西湖区')"
        " && Array.from(document.fonts).every(f => f.status === 'loaded')"
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#region-matters tbody tr")
    assert len(rows) == _json(cli, "--region", "330106")["figures"]["units"]
    browser.find_element(By.CSS_SELECTOR, 'a[href="index.html"]').click()
    assert browser.current_url == index
    for page in (index, (out / "region-330106.html").as_uri()):
        for width in (1400, 420):
            browser.set_window_size(width, 1600)
            browser.get(page)
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


def _embedded_font(page: str) -> Any:
    import base64

    from fontTools.ttLib import TTFont

    found = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page)
    assert found, "no embedded font"
    return TTFont(io.BytesIO(base64.b64decode(found.group(1))))


def test_html_embeds_the_page_characters_of_the_cjk_font(cli: Any, tmp_path: Path) -> None:
    """The page carries its own font: every character of the page that the bundled
    font has, and no other; the sample's report stays under 1.5 MB; the CSP allows it."""
    from fontTools.ttLib import TTFont

    from zjpaoyici.render.font import FAMILY, FONT_FILE
    from zjpaoyici.render.report_html import CSP, STYLE

    page_file = tmp_path / "r.html"
    assert cli("report", str(CATALOG), "-f", "html", "--lang", "zh", "-o", str(page_file)).code == 0
    page = page_file.read_text("utf-8")
    assert page_file.stat().st_size < 1_500_000
    assert "font-src data:" in CSP and f'font-family:"{FAMILY}"' in STYLE
    bundled = set(TTFont(FONT_FILE).getBestCmap())
    embedded = set(_embedded_font(page).getBestCmap())
    text = re.sub(r"url\(data:[^)]*\)", "", page)
    wanted = {ord(c) for c in text} & bundled
    assert embedded == wanted and len({c for c in wanted if c > 0x3000}) > 300
    assert ord("浙") in embedded and ord("鬻") not in embedded  # in GB2312, not on the page


def _number(cell: str) -> float | None:
    """A cell as LibreOffice writes it to csv: ``93.1034482758621%``, ``54``, empty."""
    if cell == "":
        return None
    return float(cell[:-1]) / 100 if cell.endswith("%") else float(cell)


def test_workbook_opened_by_libreoffice_has_the_json_figures(cli: Any, tmp_path: Path) -> None:
    """``report --format xlsx`` as LibreOffice reads it (every sheet to csv): the level,
    region and department figures equal the JSON report's."""
    import os
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("ZJPAOYICI_REQUIRE_SOFFICE"):  # set by .ci/run
            pytest.fail("LibreOffice (soffice) must be installed in CI")
        pytest.skip("LibreOffice (soffice) is not installed here")
    book = tmp_path / "r.xlsx"
    assert cli("report", str(CATALOG), "-f", "xlsx", "-o", str(book)).code == 0
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [soffice, "--headless", "--convert-to", every_sheet, "--outdir", str(tmp_path), str(book)],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},  # a profile of its own
        timeout=300,
    )

    def sheet(name: str) -> list[list[str]]:
        text = (tmp_path / f"r-{name}.csv").read_text(encoding="utf-8")
        return list(csv.reader(io.StringIO(text)))[1:]

    data = _json(cli)
    levels = {r[0]: r for r in sheet("By level")}
    assert len(levels) == len(data["levels"]) == 3
    for level, fig in data["levels"].items():
        row = levels[level]  # the English level labels are the level names
        assert int(row[1]) == fig["regions"]
        assert _number(row[3]) == pytest.approx(fig["mean_share"], abs=1e-12)
        assert _number(row[4]) == pytest.approx(fig["pooled"]["share"], abs=1e-12)
        assert _number(row[7]) == pytest.approx(fig["target"])
    regions = [(r[0], int(r[3]), int(r[4]), _number(r[5])) for r in sheet("By region")]
    assert regions == [
        (r["code"], r["units"], r["met"], pytest.approx(r["share"], abs=1e-12))
        for r in data["regions"]
    ]
    departments = [(r[0], int(r[1]), int(r[2]), _number(r[4])) for r in sheet("Departments")]
    assert departments == [
        (d["name"], len(d["regions"]), d["units"], pytest.approx(d["share"], abs=1e-12))
        for d in data["catalogue_departments"]
    ]


# rows of each table of the sample's report, as pypdf extracts them from a printed page
PRINTED_ROWS = {
    "regions": r"33\d{4} \S+ (省级|设区市|县（市、区）) \d",
    "departments": r"(厅|局|委员会) \d+ \d+ \d+ \d+\.\d%",
    "types": r"行政(许可|确认|给付) \d+ \d+",
    "bundles": r"YJS-",
    "multi-visit": r"(许可|确认|给付|其他|公共服务)-\d{5}-\d{3}",
}


def test_report_prints_to_a4_with_every_table_header_on_its_pages(
    browser: Any, cli: Any, tmp_path: Path
) -> None:
    """Printed to A4 (Chromium's print_page), the sample's report is 24 pages: the
    embedded font makes the layout the same on every machine, and 24 was derived by
    printing it once and reading every page: page 1 the title, summary and levels, 2 the
    regions, 3 the departments and types, 4 the bundles, then 20 pages of the 298
    multi-visit rows (about fifteen a page, each two to four lines high in six columns).
    Every table's header row is on every page that holds rows of it, and no multi-visit
    row is lost at a page break."""
    import base64

    from pypdf import PdfReader
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.print_page_options import PrintOptions

    page = tmp_path / "r.html"
    assert cli("report", str(CATALOG), "-f", "html", "--lang", "zh", "-o", str(page)).code == 0
    browser.get(page.as_uri())
    heads = {
        table: "".join(
            th.get_attribute("data-label") or th.text
            for th in browser.find_elements(By.CSS_SELECTOR, f"#{table} thead th")
        )
        for table in PRINTED_ROWS
    }
    assert all(heads.values()), heads
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, in centimetres
    pdf = PdfReader(io.BytesIO(base64.b64decode(browser.print_page(options))))
    texts = [p.extract_text() for p in pdf.pages]
    assert len(texts) == 24
    for table, rows in PRINTED_ROWS.items():
        holding = [i for i, text in enumerate(texts) if re.search(rows, text)]
        assert holding, table
        for i in holding:
            assert heads[table] in re.sub(r"\s+", "", texts[i]), (table, i + 1)
    codes = sum(len(re.findall(PRINTED_ROWS["multi-visit"], text)) for text in texts)
    assert codes == len(_json(cli)["multi_visit"]) == 298
