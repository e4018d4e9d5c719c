"""``zjpaoyici standard``: norms, deviations with locations, the index, and every format."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from zjpaoyici.ops.standard.elements import material_key

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_province import generate

GOLDEN = REPO / "tests" / "data" / "standard"
# the generated files are read line by line (PyYAML reads YAML 1.1, they are YAML 1.2)
CODE = re.compile(r'^  - code: "([^"]+)"', re.M)
REGION = re.compile(r'^region: "(\d+)"', re.M)
THREE = ("许可-01408-000", "许可-01403-000", "许可-00804-003")


def standard_json(cli: Any, root: Path, *args: str) -> dict[str, Any]:
    run = cli("standard", str(root), "--format", "json", *args)
    assert run.code == 0, run.output
    data: dict[str, Any] = json.loads(run.stdout)
    return data


@pytest.mark.parametrize("code", THREE)
def test_three_matters_of_the_sample_match_the_hand_checked_golden(cli: Any, code: str) -> None:
    """Norm, deviations with their file:line:col and the index of three sample matters,
    checked by hand against the region files (e.g. 330481/jtys.yaml:28 promises 20
    natural days for 许可-01408-000 where two of five counties promise 10)."""
    run = cli(
        "standard", "catalog", "--matter", code, "--lang", "zh", "--format", "markdown", cwd=REPO
    )
    assert run.code == 0, run.output
    assert run.stdout == (GOLDEN / f"{code}.md").read_text(encoding="utf-8")


def test_one_matter_in_json(cli: Any) -> None:
    data = standard_json(cli, REPO / "catalog", "--matter", "许可-01408-000")
    county = next(m for m in data["matters"] if m["level"] == "county")
    assert (county["pairs"], county["equal"], county["percent"]) == (30, 22, 73.3)
    norms = {n["element"]: n for n in county["norms"]}
    # 10 and 20 natural days tie (two counties each): the norm is the one better for people
    assert norms["limits"]["norm"] == [7.14, 10, "natural"] and norms["limits"]["share"] == 2
    assert (norms["limits"]["median"], norms["limits"]["best"]) == (10.71, 7.14)
    devs = {(d["region"], d["element"]): d for d in county["deviations"]}
    assert len(devs) == 8
    limit = devs[("330481", "limits")]
    assert limit["for_citizen"] == "worse"
    assert limit["location"].endswith("implementations/330481/jtys.yaml:28:21")
    assert devs[("330212", "visits")]["for_citizen"] == "better"
    assert devs[("330922", "materials")]["for_citizen"] == "different"  # an optional one more


def test_the_index_adds_counts_never_averages_shares(cli: Any) -> None:
    data = standard_json(cli, REPO / "catalog")
    matters = data["matters"]
    assert data["pairs"] == sum(m["pairs"] for m in matters)
    assert data["equal"] == sum(m["equal"] for m in matters)
    assert data["index"] == data["equal"] / data["pairs"]
    for by in ("department", "region", "level"):
        rows = data["by"][by]
        assert sum(r["pairs"] for r in rows) == data["pairs"], by
        assert sum(r["deviating"] for r in rows) == data["pairs"] - data["equal"], by
    # worst first
    shares = [m["index"] for m in matters]
    assert shares == sorted(shares)


def test_material_names_are_compared_normalised() -> None:
    assert material_key("营业执照（复印件）") == material_key("营业执照")
    assert material_key("营业执照原件及复印件") == "营业执照"
    assert material_key("申请表 【样表】") == material_key("申请表(样表)")
    assert material_key("ＡＢＣ证明") == "ABC证明"
    assert material_key("复印件") == "复印件"  # never folded to nothing
    assert material_key("身份证明") != material_key("营业执照")


def test_drift_finds_exactly_what_the_generator_perturbed(cli: Any, tmp_path: Path) -> None:
    """A standardised generated province with known perturbations: standard finds those
    deviations, no more, no fewer, and its index is the one computed here from the
    generator's record and the files."""
    root = tmp_path / "drift"
    generate(root, cities=3, counties_per_city=1, drift=12)
    record = json.loads((tmp_path / "drift.drift.json").read_text(encoding="utf-8"))
    assert len(record) >= 10
    data = standard_json(cli, root, "--no-cache")
    found = {
        (d["region"], m["code"], d["element"]) for m in data["matters"] for d in m["deviations"]
    }
    assert found == {(r["region"], r["code"], r["element"]) for r in record}
    # the pairs, independently: every region of a level implementing a matter two or more
    # regions of that level implement, times the elements it gives (reach only where a
    # province or city default sets it)
    level = {
        r["code"]: r["level"]
        for r in yaml.safe_load((root / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    }
    province_reach, city_reach = set(), set()
    for path in (root / "implementations").glob("*/_defaults*.yaml"):
        codes = set(CODE.findall(path.read_text(encoding="utf-8")))
        (province_reach if path.parent.name == "330000" else city_reach).update(codes)
    implementing: dict[tuple[str, str], set[str]] = {}
    for path in (root / "implementations").glob("*/[!_]*.yaml"):
        text = path.read_text(encoding="utf-8")
        region = REGION.findall(text)[0]
        for code in CODE.findall(text):
            implementing.setdefault((level[region], code), set()).add(region)
    pairs = 0
    for (lv, code), regions in implementing.items():
        if lv == "province" or len(regions) < 2:
            continue
        reach = code in province_reach or (lv == "county" and code in city_reach)
        pairs += len(regions) * (7 + reach)  # materials … fees, and reach when set
    assert data["pairs"] == pairs
    assert data["index"] == pytest.approx((pairs - len(record)) / pairs)


def test_limits_equal_in_working_days_are_one_value() -> None:
    """Seven natural days are five working days: one value for the norm, whichever way
    a region writes it; three natural days (2.14 working days) are not two."""
    from zjpaoyici.ops.standard.elements import key_of

    assert key_of("limits", [5.0, 7, "natural"]) == key_of("limits", [5, 5, "working"])
    assert key_of("limits", [2.14, 3, "natural"]) != key_of("limits", [2, 2, "working"])


def test_a_warm_run_is_served_from_the_cache(cli: Any, tmp_path: Path) -> None:
    from zjpaoyici.cli.common import cache_of
    from zjpaoyici.ops.standard.compute import standard_of

    cold, _ = standard_of(REPO / "catalog", cache=cache_of(True))
    warm, _ = standard_of(REPO / "catalog", cache=cache_of(True))
    assert [d.loc for d in warm.deviations] == [d.loc for d in cold.deviations]
    assert warm.total == cold.total
    nocache, _ = standard_of(REPO / "catalog", cache=None)
    assert nocache.total == cold.total


def test_a_folder_named_with_a_control_character_is_compared(tmp_path: Path) -> None:
    """A region named by its folder (a list without ``region:``) may hold any text, even
    the characters the workers join their tallies with: the result is the one the same
    folder gives under a plain name."""
    from zjpaoyici.ops.standard.compute import standard_of

    def renamed(name: str) -> Any:
        root = tmp_path / name.encode().hex() / "catalog"
        shutil.copytree(REPO / "catalog", root)
        (root / "implementations" / "330106").rename(root / "implementations" / name)
        for path in (root / "implementations" / name).glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"(?m)^region:.*\n", "", text), encoding="utf-8")
        result, _ = standard_of(root, cache=None, jobs=1)
        return [
            (f.key.replace(name, "ODD"), f.pairs, f.equal, f.matters)
            for f in result.groups["region"]
        ], [(m.code, m.figure.pairs, m.figure.equal) for m in result.matters]

    plain = renamed("3301-06")  # not in the regions table: its matters compared alone
    assert plain[0] and plain[1]
    assert plain == renamed("3301\x1d06") == renamed("3301\x1e\x1f06")


def test_fail_under_gates(cli: Any) -> None:
    assert cli("standard", str(REPO / "catalog"), "--fail-under", "0.5").code == 0
    run = cli("standard", str(REPO / "catalog"), "--fail-under", "0.95", "-f", "json")
    assert run.code == 1 and "below --fail-under" in run.stderr
    assert json.loads(run.stdout)["failed"] is True


def test_an_unknown_matter_is_a_usage_error(cli: Any) -> None:
    run = cli("standard", str(REPO / "catalog"), "--matter", "许可-99999-000")
    assert run.code == 2 and "许可-99999-000" in run.output


def test_csv_and_xlsx_have_one_row_per_deviation(cli: Any, tmp_path: Path) -> None:
    data = standard_json(cli, REPO / "catalog")
    deviations = sum(len(m["deviations"]) for m in data["matters"])
    run = cli("standard", str(REPO / "catalog"), "--format", "csv")
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert len(rows) == deviations + 1
    assert rows[0][:3] == ["Level", "Department", "Matter code"]
    assert any(r[11].endswith("330481/jtys.yaml:28:21") for r in rows[1:])
    assert cli("standard", str(REPO / "catalog"), "--format", "xlsx").code == 2  # needs -o
    out = tmp_path / "d.xlsx"
    assert cli("standard", str(REPO / "catalog"), "--format", "xlsx", "-o", str(out)).code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    assert len(list(sheet.iter_rows(values_only=True))) == deviations + 1


def test_text_lists_worst_matters_first(cli: Any) -> None:
    run = cli("standard", str(REPO / "catalog"), "--by", "department")
    assert run.code == 0
    assert "By department" in run.stdout and "Matters least standardised" in run.stdout
    assert run.stdout.index("许可-01408-000") < run.stdout.index("许可-00807-002")


def test_html_heat_map_in_headless_chromium(browser: Any, cli: Any, tmp_path: Path) -> None:
    """The page opens offline, the heat map sorts by a region's column, no request leaves
    the file and nothing is logged."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "standard.html"
    run = cli(
        "standard", str(REPO / "catalog"), "--format", "html", "--lang", "zh", "-o", str(page)
    )
    assert run.code == 0
    browser.get(page.as_uri())
    shot = tmp_path / "standard.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("ZJPAOYICI_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["ZJPAOYICI_SCREENSHOT_DIR"]) / "standard.png")
    rows = browser.find_elements(By.CSS_SELECTOR, "#heat-county tbody tr")
    assert len(rows) == 178  # the county matters compared
    cell = browser.find_element(By.CSS_SELECTOR, "#heat-county tbody tr td:nth-child(4)")
    assert "jtys.yaml" in (cell.get_attribute("title") or "") or cell.text == ""

    def column(n: int) -> list[float]:
        cells = browser.find_elements(By.CSS_SELECTOR, f"#heat-county tbody tr td:nth-child({n})")
        return [float(c.get_attribute("data-value") or 0) for c in cells]

    before = column(3)
    assert before == sorted(before)  # worst matters first
    browser.find_element(By.CSS_SELECTOR, "#heat-county thead th:nth-child(4) button").click()
    assert column(4) == sorted(column(4))
    browser.find_element(By.CSS_SELECTOR, "#heat-county thead th:nth-child(3) button").click()
    browser.find_element(By.CSS_SELECTOR, "#heat-county thead th:nth-child(3) button").click()
    assert column(3) == sorted(before, reverse=True)
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert requests and all(url.startswith("file://") for url in requests), requests


def test_forked_workers_give_the_serial_result(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: the first pass's workers hand back only what each region adds to the
    tallies, and the figures come from those; the result is the serial one, byte for
    byte, cold, warm and without a cache, a region's unread file included."""
    from zjpaoyici.runner import engine

    root = tmp_path / "drift"
    generate(root, cities=2, counties_per_city=2, drift=8)
    folder = sorted(p for p in (root / "implementations").iterdir() if p.name != "330000")[0]
    (folder / "zz-broken.yaml").write_text(
        "schema: zjpaoyici/implementation/v1\nmatters: [\n", encoding="utf-8"
    )
    outputs: dict[tuple[str, str], str] = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("ZJPAOYICI_JOBS", jobs)
        monkeypatch.setenv("ZJPAOYICI_CACHE_DIR", str(tmp_path / f"cache-{jobs}"))
        monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 0 if jobs == "2" else 1 << 40)
        for how, args in (
            ("cold", ()),
            ("warm", ()),
            ("no-cache", ("--no-cache",)),
            ("text", ("--format", "text")),
        ):
            fmt = () if how == "text" else ("--format", "json")
            run = cli("standard", str(root), *fmt, "--lang", "en", *args, cwd=tmp_path)
            assert run.code == 0, run.output
            outputs[jobs, how] = run.stdout
    data = json.loads(outputs["1", "cold"])
    assert data["pairs"] > 1000 and data["unread"]
    assert sum(len(m["deviations"]) for m in data["matters"]) >= 8
    for how in ("cold", "warm", "no-cache", "text"):
        assert outputs["2", how] == outputs["1", how], how
    assert outputs["1", "warm"] == outputs["1", "cold"] == outputs["1", "no-cache"]


def test_a_real_export_in_three_counties_shows_exactly_the_edits(cli: Any, tmp_path: Path) -> None:
    """Real data: Fangchenggang's export (tests/data, real codes, materials, limits,
    visits) imported, then stated by three counties — two as exported, one with one
    visit more for one matter, and one with a longer limit for another. Exactly those two
    deviations are found, each worse for the citizen, located at the edited line, and
    every other pair equals the norm."""
    from tests.test_real_exports import FANGCHENGGANG, import_export

    root = tmp_path / "防城港市"
    run = import_export(root, FANGCHENGGANG, mapping=FANGCHENGGANG / "mapping.yaml")
    assert run.code == 0, run.output
    regions = root / "regions.yaml"
    counties = {"450602": "港口区", "450603": "防城区", "450681": "东兴市"}
    text = regions.read_text(encoding="utf-8").rstrip("\n") + "\n"
    for code, name in counties.items():
        text += f'  - {{code: "{code}", name: {name}, level: county, parent: "450600"}}\n'
    regions.write_text(text, encoding="utf-8")
    city = root / "implementations" / "450600"
    edited: dict[tuple[str, str], tuple[str, int]] = {}  # (county, matter) → element, line
    for code in counties:
        (root / "implementations" / code).mkdir()
        for path in sorted(city.glob("*.yaml")):
            lines = (
                path.read_text(encoding="utf-8")
                .replace('region: "450600"', f'region: "{code}"')
                .splitlines(keepends=True)
            )
            field = {"450603": "    visits: 0\n", "450681": "    promised_limit: {days: "}.get(code)
            at = next((i for i, x in enumerate(lines) if field and x.startswith(field)), None)
            if at is not None and all(k[0] != code for k in edited):  # one edit per county
                matter = next(
                    x.split('"')[1] for x in reversed(lines[:at]) if x.startswith("  - code:")
                )
                if code == "450603":
                    lines[at] = "    visits: 1\n"
                    edited[(code, matter)] = ("visits", at + 1)
                else:
                    days = int(lines[at].split("days: ")[1].split(",")[0])
                    lines[at] = lines[at].replace(f"days: {days},", f"days: {days + 5},")
                    edited[(code, matter)] = ("limits", at + 1)
            out = root / "implementations" / code / path.name
            out.write_text("".join(lines), encoding="utf-8")
    assert len(edited) == 2
    data = standard_json(cli, root, "--no-cache", "--lang", "en")
    found = {
        (d["region"], m["code"]): (d["element"], d["for_citizen"], d["location"])
        for m in data["matters"]
        for d in m["deviations"]
    }
    assert set(found) == set(edited)
    for key, (element, line) in edited.items():
        assert found[key][:2] == (element, "worse")
        assert re.search(rf"implementations/{key[0]}/[^:]+\.yaml:{line}:\d+$", found[key][2])
    assert data["pairs"] - data["equal"] == 2 and data["pairs"] > 100
    county = {r["key"]: r for r in data["by"]["region"]}
    assert {k: r["deviating"] for k, r in county.items()} == {
        "450602": 0,
        "450603": 1,
        "450681": 1,
    }
