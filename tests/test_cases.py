"""``zjpaoyici cases``: every figure and every K finding against the generator's planted
truths (benchmarks/gen_cases.py), personal data kept out, the calendar, the formats, and
the DuckDB and Spark engines giving identical results on 100,000 records."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import BASE, REPO
from zjpaoyici.catalogue.fields import level_label

GEN = REPO / "benchmarks" / "gen_cases.py"
RECORDS = 100_000


def generate(out: Path, records: int, fmt: str = "csv") -> dict[str, Any]:
    counts = ["--records", str(records), "--seed-records", str(records)]
    subprocess.run(
        [sys.executable, str(GEN), str(REPO / "catalog"), str(out), *counts, "--format", fmt],
        check=True,
        capture_output=True,
        timeout=300,
    )
    truth: dict[str, Any] = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return truth


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("cases")
    return out, generate(out, RECORDS)


def run_json(cli: Any, out: Path, *more: str) -> tuple[int, dict[str, Any]]:
    run = cli(
        "cases", str(out), str(REPO / "catalog"), "-m", str(out / "mapping.yaml"),
        "--format", "json", *more,
    )  # fmt: skip
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads(run.stdout)


def _keys(data: dict[str, Any], rule: str) -> set[str]:
    return {
        f["message"].split(" ")[0] + "|" + f["message"].split("(")[1].split(")")[0]
        for f in data["findings"]
        if f["rule"] == rule
    }


def test_every_figure_of_every_matter_is_the_planted_one(
    generated: tuple[Path, dict[str, Any]], cli: Any
) -> None:
    out, truth = generated
    code, data = run_json(cli, out, "--lang", "en")
    assert code == 1  # K findings are warnings
    assert data["overall"]["cases"] == truth["records"]
    got = {f"{m['region']}|{m['code']}|{m['agency']}": m for m in data["by_matter"]}
    assert set(got) == set(truth["entries"])
    for key, want in truth["entries"].items():
        m = got[key]
        for name in ("cases", "visits_known", "at_most_one", "online", "mobile"):
            assert m[name] == want.get(name, 0), (key, name)
        assert m["zero_visits"] == want.get("zero", 0), key
        assert m["rated"] == want.get("rated", 0) and m["satisfied"] == want.get("satisfied", 0)
        assert m["overdue"] == want.get("overdue", 0), key
        assert (m["median_working_days"], m["p90_working_days"]) == (want["median"], want["p90"])
    per_level = sum(v["cases"] for v in data["by_level"].values())
    unmatched = sum(truth["unmatched"].values())
    assert per_level + unmatched == truth["records"]


def test_every_k_finding_is_a_planted_truth_and_no_other(
    generated: tuple[Path, dict[str, Any]], cli: Any
) -> None:
    out, truth = generated
    _, data = run_json(cli, out, "--lang", "en")

    def pairs(keys: list[str]) -> set[str]:
        return {"|".join(reversed(k.split("|")[:2])) for k in keys}

    assert _keys(data, "K001") == pairs(truth["broken"]) and truth["broken"]
    assert _keys(data, "K002") == pairs(truth["offline"]) and truth["offline"]
    assert _keys(data, "K003") == pairs(truth["slow"]) and truth["slow"]
    assert _keys(data, "K005") == pairs(truth["silent"]) and truth["silent"]
    unmatched = {u["matter"]: u["cases"] for u in data["unmatched"]}
    assert unmatched == truth["unmatched"]
    assert len([f for f in data["findings"] if f["rule"] == "K004"]) == len(truth["unmatched"])
    # every finding points at a catalogue line (K004: the records file)
    for f in data["findings"]:
        assert f["line"] >= 1 and (f["file"].endswith(".yaml") or f["rule"] == "K004")


def test_rules_can_be_selected_and_ignored(
    generated: tuple[Path, dict[str, Any]], cli: Any
) -> None:
    out, _ = generated
    _, data = run_json(cli, out, "--select", "K001,K004")
    assert {f["rule"] for f in data["findings"]} == {"K001", "K004"}
    _, data = run_json(cli, out, "--ignore", "K", "--select", "K005")
    assert data["findings"] == [] and data["summary"]["exit_code"] == 0


def test_personal_data_never_reaches_an_output(
    generated: tuple[Path, dict[str, Any]], cli: Any, tmp_path: Path
) -> None:
    out, _ = generated
    rows = (out / "cases.csv").read_text(encoding="utf-8").splitlines()[1:200]
    secrets = {v for row in rows for v in row.split(",")[-3:]}
    assert any(s.startswith("张") for s in secrets)
    text = cli("cases", str(out), str(REPO / "catalog"), "-m", str(out / "mapping.yaml"))
    _, data = run_json(cli, out)
    shown = text.stdout + json.dumps(data, ensure_ascii=False)
    assert not [s for s in secrets if s in shown]
    assert "申请人姓名" in text.stderr  # the column is named as ignored, never read
    assert data["ignored_columns"] == ["申请人姓名", "身份证号", "联系电话"]
    mapping = (out / "mapping.yaml").read_text(encoding="utf-8")
    for extra in (
        "  applicant_name: {column: 申请人姓名}\n",
        "  case_id: {column: 身份证号}\n",
        "  case_id: {column: SFZH}\n",  # pinyin initials, as platform databases name them
        "  case_id: {column: sqr_lxdh}\n",
    ):
        bad = tmp_path / "bad.yaml"
        bad.write_text(mapping.replace("  case_id: {column: 办件编号}\n", extra), encoding="utf-8")
        run = cli("cases", str(out), str(REPO / "catalog"), "-m", str(bad), "--lang", "en")
        assert run.code == 2 and "personal data" in run.stderr


def test_the_case_mapping_is_checked_by_its_published_schema(
    generated: tuple[Path, dict[str, Any]], cli: Any, tmp_path: Path
) -> None:
    """schemas/cases-mapping.schema.json checks the mapping first: each problem is named
    with line and column, every one at once; the schema is what `schema` prints and `init`
    writes for editors."""
    out, _ = generated
    mapping = (out / "mapping.yaml").read_text(encoding="utf-8")
    assert mapping.startswith("schema: zjpaoyici/cases-mapping/v1")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        mapping.replace(
            "schema: zjpaoyici/cases-mapping/v1", "schema: zjpaoyici/cases-mapping/v1\nsorce: {}"
        ).replace("unknown: [未知]", "unknown: 未知"),
        encoding="utf-8",
    )
    lines = bad.read_text(encoding="utf-8").splitlines()
    visits = next(i for i, line in enumerate(lines, 1) if line.startswith("  visits:"))
    run = cli("cases", str(out), str(REPO / "catalog"), "-m", str(bad), "--lang", "en")
    assert run.code == 2, run.stderr
    assert f"{bad.name}:2:1: S003" in run.stderr.replace(str(bad.parent) + "/", "")
    assert f":{visits}:" in run.stderr and "S004" in run.stderr
    printed = cli("schema", "cases-mapping")
    assert printed.code == 0
    assert json.loads(printed.stdout)["properties"]["schema"]["const"] == (
        "zjpaoyici/cases-mapping/v1"
    )


def test_one_row_per_matter_in_csv_and_xlsx_equals_the_json(
    generated: tuple[Path, dict[str, Any]], cli: Any, tmp_path: Path
) -> None:
    """`cases --format csv|xlsx`: one row per entry with cases, the same figures as the
    JSON's by_matter; the workbook opens in LibreOffice with the same rows."""
    import csv

    import openpyxl

    out, _ = generated
    _, data = run_json(cli, out)
    common = ("cases", str(out), str(REPO / "catalog"), "-m", str(out / "mapping.yaml"))
    run = cli(*common, "--format", "csv", "--lang", "en")
    assert run.code in (0, 1), run.stderr
    rows = list(csv.reader(run.stdout.splitlines()))
    head, body = rows[0], rows[1:]
    assert head[:6] == [
        "Region code", "Level", "Department", "Implementing agency", "Matter code", "Matter name"
    ]  # fmt: skip
    expected = {
        (m["region"], m["agency"], m["code"]): (
            m["cases"], m["at_most_one_share"], m["median_working_days"]
        )
        for m in data["by_matter"]
    }  # fmt: skip
    got = {
        (r[0], r[3], r[4]): (
            int(r[6]), float(r[7]) if r[7] else None, int(r[11]) if r[11] else None
        )
        for r in body
    }  # fmt: skip
    assert len(body) == len(expected) > 100
    for key, (cases, share, median) in expected.items():
        assert got[key][0] == cases and got[key][2] == median
        assert (got[key][1] is None) == (share is None)
        assert share is None or abs(got[key][1] - share) < 1e-4
    book = tmp_path / "cases.xlsx"
    assert cli(*common, "--format", "xlsx").code == 2  # a workbook needs -o
    assert cli(*common, "--format", "xlsx", "-o", str(book)).code in (0, 1)
    sheet = openpyxl.load_workbook(book, read_only=True)["cases"]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert len(cells) == len(rows)
    assert {(r[0], r[3], r[4]) for r in cells[1:]} == set(expected)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("ZJPAOYICI_REQUIRE_SOFFICE"):  # set by .ci/run
            pytest.fail("LibreOffice (soffice) must be installed in CI")
        pytest.skip("LibreOffice (soffice) is not installed here")
    subprocess.run(
        [
            office,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path / "lo"),
            str(book),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},
        timeout=300,
    )
    seen = list(
        csv.reader((tmp_path / "lo" / "cases.csv").read_text(encoding="utf-8").splitlines())
    )
    assert len(seen) == len(rows)
    assert {(r[0], r[3], r[4]) for r in seen[1:]} == set(expected)
    assert {(r[0], r[3], r[4]): int(r[6]) for r in seen[1:]} == {
        k: v[0] for k, v in expected.items()
    }


def test_the_formats_give_the_same_figures(tmp_path: Path, cli: Any) -> None:
    outputs = []
    for fmt in ("csv", "parquet", "jsonl"):
        out = tmp_path / fmt
        generate(out, 30_000, fmt)
        _, data = run_json(cli, out)
        outputs.append({k: v for k, v in data.items() if k not in ("findings",)})
    assert outputs[0]["overall"]["cases"] > 25_000
    assert outputs[0] == outputs[1] == outputs[2]


def _base_records(root: Path, rows: list[str]) -> None:
    (root / "cases").mkdir()
    (root / "cases" / "m.yaml").write_text(
        "schema: zjpaoyici/cases-mapping/v1\nfields:\n  case_id: {column: id}\n"
        "  region: {column: region}\n  code: {column: code}\n"
        "  received: {column: received}\n  completed: {column: completed}\n",
        encoding="utf-8",
    )
    body = "id,region,code,received,completed\n" + "".join(r + "\n" for r in rows)
    (root / "cases" / "c.csv").write_text(body, encoding="utf-8")


def test_working_days_follow_the_official_calendar_and_uncovered_years_are_reported(
    tmp_path: Path, cli: Any
) -> None:
    """30 Sep 2025 → 9 Oct 2025 spans the National Day holiday (1–8 Oct): one working day.
    Sat 28 Sep 2025 was a working day (调休): Fri 26 → Mon 29 Sep is two. A case of 2030
    is outside the calendar: reported, not guessed."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    _base_records(
        root,
        [
            "a,330106,许可-00802-002,2025-09-30 09:00,2025-10-09 10:00",
            "b,330100,许可-00801-000,2025-09-26 09:00,2025-09-29 10:00",
            "c,330000,许可-00801-000,2030-01-02 09:00,2030-01-03 10:00",
        ],
    )
    run = cli("cases", "cases/c.csv", "-m", "cases/m.yaml", "--format", "json", cwd=root)
    data = json.loads(run.stdout)
    days = {(m["region"], m["code"]): m["median_working_days"] for m in data["by_matter"]}
    assert days[("330106", "许可-00802-002")] == 1
    assert days[("330100", "许可-00801-000")] == 2
    assert days[("330000", "许可-00801-000")] is None
    assert data["calendar_years_not_covered"] == [2030]
    assert data["overall"]["calendar_uncovered"] == 1
    text = cli("cases", "cases/c.csv", "-m", "cases/m.yaml", "--lang", "en", cwd=root)
    assert "does not cover 2030" in text.stdout


def test_platform_timestamp_spellings_are_read_and_unreadable_ones_reported(
    tmp_path: Path, cli: Any
) -> None:
    """Platforms export days as 2025/9/30 9:00, 2025年10月9日, 20250926090000 or 2025.09.29;
    they give the same working days as ISO (the calendar test's cases). An epoch number,
    a US-style date or 30 February is not guessed: unknown, counted and named on stderr.
    Spark reads them the same (when Java and pyspark are there)."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    _base_records(
        root,
        [
            "a,330106,许可-00802-002,2025/9/30 9:00,2025年10月9日",
            "b,330100,许可-00801-000,20250926090000,2025.09.29",
            "c,330000,许可-00801-000,1759194000000,2025-10-09 10:00",
            "d,330000,许可-00801-000,09/30/2025,2025-02-30",
            "e,330000,许可-00801-000,,2025-10-09",
        ],
    )
    args = ("cases", "cases/c.csv", "-m", "cases/m.yaml", "--format", "json", "--lang", "en")
    run = cli(*args, cwd=root)
    data = json.loads(run.stdout)
    days = {(m["region"], m["code"]): m["median_working_days"] for m in data["by_matter"]}
    assert days == {
        ("330106", "许可-00802-002"): 1,
        ("330100", "许可-00801-000"): 2,
        ("330000", "许可-00801-000"): None,
    }
    assert data["overall"]["time_unreadable"] == 2  # c and d; e gives no received time
    assert data["overall"]["timed"] == 2
    assert "2 case(s) give a received or completed time that is not a readable day" in run.stderr
    if _spark_ready():
        spark = json.loads(cli(*args, "--engine", "spark", cwd=root).stdout)
        assert spark.pop("engine") == "spark" and data.pop("engine") == "duckdb"
        assert spark == data


def test_a_column_the_records_lack_is_named_with_the_columns_they_have(
    tmp_path: Path, cli: Any
) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    _base_records(root, ["a,330106,许可-00802-002,2025-09-30,2025-10-09"])
    csv = root / "cases" / "c.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("received", "受理日期"), "utf-8")
    for engine in ("duckdb", "spark") if _spark_ready() else ("duckdb",):
        run = cli("cases", "cases/c.csv", "-m", "cases/m.yaml", "--engine", engine, cwd=root)
        assert run.code == 2
        assert "have no column received named in the mapping" in run.stderr, engine
        assert "(their columns: id, region, code, 受理日期, completed)" in run.stderr, engine


def test_a_folder_s_files_of_another_format_are_named_not_silently_dropped(
    tmp_path: Path, cli: Any
) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    _base_records(root, ["a,330106,许可-00802-002,2025-09-30,2025-10-09"])
    mapping = root / "cases" / "m.yaml"
    mapping.write_text(
        mapping.read_text("utf-8").replace("fields:", "source: {format: csv}\nfields:"), "utf-8"
    )
    (root / "cases" / "m2.jsonl").write_text('{"id": "b"}\n', encoding="utf-8")
    run = cli("cases", "cases", "-m", "cases/m.yaml", "--format", "json", "--lang", "en", cwd=root)
    assert json.loads(run.stdout)["overall"]["cases"] == 1
    assert "format is csv; files of another format in the folder were not read" in run.stderr
    assert "cases/m2.jsonl" in run.stderr


def test_records_named_by_url_are_read_by_the_engine_itself(tmp_path: Path, cli: Any) -> None:
    """A cluster's records are a URL (s3a://…, hdfs://…): passed to the engine as written,
    not taken for a local path (which dropped the '//' and failed as missing). file://
    stands in for a cluster here; K004 names the URL."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    _base_records(
        root,
        ["a,330106,许可-00802-002,2025-09-30,2025-10-09", "b,330106,许可-99999-000,2025-09-30,"],
    )
    url = (root / "cases" / "c.csv").as_uri()
    by_path = cli("cases", "cases/c.csv", "-m", "cases/m.yaml", "--format", "json", cwd=root)
    expected = json.loads(by_path.stdout)
    for engine in ("duckdb", "spark") if _spark_ready() else ("duckdb",):
        run = cli(
            "cases", url, "-m", "cases/m.yaml", "--format", "json", "--engine", engine, cwd=root
        )
        data = json.loads(run.stdout)
        assert run.code == 1, run.stderr  # the unknown matter: K004
        assert data["by_matter"] == expected["by_matter"] and data["overall"]["cases"] == 2
        assert [f["file"] for f in data["findings"] if f["rule"] == "K004"] == [url]
    report = cli(
        "report", "--format", "json", "--cases", url, "--cases-mapping", "cases/m.yaml", cwd=root
    )
    assert json.loads(report.stdout)["case_volume"]["county"]["cases"] == 1


def test_cases_named_by_a_handling_item_count_for_its_entry(tmp_path: Path, cli: Any) -> None:
    """A case may name the handling item (办理项) instead of the matter: by the item's full
    code (事项编码-01) or by the item's own implementation code; both count for the entry
    that holds the item. An item code the entry does not have stays unmatched. (The mapping
    gives only the received time: a timestamp left out is a typed null to the engine.)"""
    root = tmp_path / "cat"
    shutil.copytree(REPO / "catalog", root)
    rlsb = root / "implementations" / "330200" / "rlsb.yaml"
    text = rlsb.read_text(encoding="utf-8")
    marker = "        name: 职工正常退休（职）申请—特殊工种提前退休\n"
    assert marker in text
    item_impl = "11330200MB1234567X4330200000000002"
    rlsb.write_text(
        text.replace(marker, marker + f'        implementation_code: "{item_impl}"\n'),
        encoding="utf-8",
    )
    (root / "cases").mkdir()
    (root / "cases" / "m.yaml").write_text(
        "schema: zjpaoyici/cases-mapping/v1\nfields:\n  case_id: {column: id}\n"
        "  implementation_code: {column: impl}\n  region: {column: region}\n"
        "  code: {column: code}\n  received: {column: received}\n",
        encoding="utf-8",
    )
    (root / "cases" / "c.csv").write_text(
        "id,impl,region,code,received\n"
        "a,,330200,给付-01303-001-01,2025-03-03 09:00\n"
        f"b,{item_impl},,,2025-03-04 09:00\n"
        "c,,330200,给付-01303-001,2025-03-05 09:00\n"
        "d,,330200,给付-01303-001-09,2025-03-06 09:00\n",
        encoding="utf-8",
    )
    run = cli("cases", "cases/c.csv", "-m", "cases/m.yaml", "--format", "json", cwd=root)
    data = json.loads(run.stdout)
    counted = {(m["region"], m["code"]): m["cases"] for m in data["by_matter"]}
    assert counted == {("330200", "给付-01303-001"): 3}
    assert [u["cases"] for u in data["unmatched"]] == [1]
    assert "给付-01303-001-09" in data["unmatched"][0]["matter"]


def _spark_ready() -> bool:
    return shutil.which("java") is not None and importlib.util.find_spec("pyspark") is not None


@pytest.mark.skipif(
    not _spark_ready() and not os.environ.get("ZJPAOYICI_REQUIRE_SPARK"),
    reason="Spark needs Java and pyspark (CI installs both: .ci/run)",
)
def test_duckdb_and_spark_give_identical_results(
    generated: tuple[Path, dict[str, Any]], cli: Any
) -> None:
    out, truth = generated
    _, duck = run_json(cli, out)
    _, spark = run_json(cli, out, "--engine", "spark")
    assert duck.pop("engine") == "duckdb" and spark.pop("engine") == "spark"
    assert duck["overall"]["cases"] == truth["records"] >= 0.98 * RECORDS
    assert duck == spark
    # report --cases runs the same analysis on either engine
    common = ("report", str(REPO / "catalog"), "--format", "json", "--cases", str(out))
    common += ("--cases-mapping", str(out / "mapping.yaml"))
    volumes = [
        json.loads(cli(*common, "--cases-engine", name).stdout)["case_volume"]
        for name in ("duckdb", "spark")
    ]
    assert volumes[0] == volumes[1] == duck["volume_share"]


def test_report_gives_the_volume_share_as_promised_and_as_handled(
    generated: tuple[Path, dict[str, Any]], cli: Any, tmp_path: Path
) -> None:
    """Per level, "as handled" is the cases' own visits (≤ 1 of those known) and "as
    promised" weighs each entry's catalogue visits by its cases; both from the truths."""
    out, truth = generated
    _, cases = run_json(cli, out)
    common = ("--cases", str(out), "--cases-mapping", str(out / "mapping.yaml"))
    run = cli("report", str(REPO / "catalog"), "--format", "json", *common)
    volume = json.loads(run.stdout)["case_volume"]
    assert volume == cases["volume_share"] and set(volume) == {"province", "city", "county"}
    matters = {(m["region"], m["code"], m["agency"]): m for m in cases["by_matter"]}
    for level, share in volume.items():
        mine = [v for k, v in truth["entries"].items() if _level(k) == level]
        handled = sum(v.get("at_most_one", 0) for v in mine) / sum(
            v.get("visits_known", 0) for v in mine
        )
        assert share["as_handled"] == pytest.approx(handled, abs=1e-12)
        assert share["cases"] == sum(v["cases"] for v in mine)
    assert all(m["level"] in volume for m in matters.values())
    html = cli("report", str(REPO / "catalog"), "--format", "html", "--lang", "en", *common)
    assert 'id="case-volume"' in html.stdout and "as handled" in html.stdout
    for fmt in ("table", "markdown", "csv"):
        shown = cli("report", str(REPO / "catalog"), "--format", fmt, "--lang", "en", *common)
        assert "as promised" in shown.stdout, fmt
    book = tmp_path / "report.xlsx"
    made = cli(
        "report", str(REPO / "catalog"), "--format", "xlsx", "-o", str(book), "--lang", "zh",
        *common,
    )  # fmt: skip
    assert made.code == 0, made.stderr
    sheet = openpyxl.load_workbook(book)["按办件量（办件数据）"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("层级", "办件量", "最多跑一次（按承诺）", "最多跑一次（按实际）")
    labels = {level_label(level, "zh"): level for level in volume}
    assert {
        labels[str(level)]: {"cases": n, "as_promised": p, "as_handled": h}
        for level, n, p, h in rows[1:]
    } == volume
    assert sheet.cell(2, 3).number_format == "0.0%"
    missing = cli("report", str(REPO / "catalog"), "--cases", str(out), "--lang", "en")
    assert missing.code == 2 and "--cases-mapping" in missing.stderr


def _level(key: str) -> str:
    region = key.split("|")[0]
    return "province" if region == "330000" else "city" if region.endswith("00") else "county"


def test_write_annual_previews_then_changes_only_annual_cases(
    generated: tuple[Path, dict[str, Any]], cli: Any, tmp_path: Path
) -> None:
    out, truth = generated
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    before = {p: p.read_text(encoding="utf-8") for p in root.rglob("*.yaml")}
    args = ("cases", str(out / "cases.csv"), "-m", str(out / "mapping.yaml"), "--write-annual")
    preview = cli(*args, "--lang", "en", cwd=root)
    assert preview.code == 0 and "add --yes to write" in preview.stderr
    rows = [r.split(",") for r in (out / "cases.csv").read_text("utf-8").splitlines()[1:]]
    received = [(r[4] or r[5])[:10] for r in rows]  # completed where received is empty
    assert f"The cases came in from {min(received)} to {max(received)} (" in preview.stderr
    assert "+    annual_cases: " in preview.stdout
    assert {p: p.read_text(encoding="utf-8") for p in before} == before  # nothing written
    wrote = cli(*args, "--yes", "--lang", "en", cwd=root)
    assert wrote.code == 0 and wrote.stdout == preview.stdout
    changed = 0
    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        if new == old:
            continue
        changed += 1
        old_lines = [x for x in old.splitlines() if "annual_cases" not in x]
        assert [x for x in new.splitlines() if "annual_cases" not in x] == old_lines, path
    assert changed > 100
    # the values are the planted volumes; the files stay canonical and valid; idempotent
    gat = (root / "implementations" / "330000" / "gat.yaml").read_text(encoding="utf-8")
    first = next(k for k in truth["entries"] if k.startswith("330000|许可-00767-000|"))
    assert f"annual_cases: {truth['entries'][first]['cases']}" in gat
    assert cli("fmt", "--check", cwd=root).code == 0
    assert cli("validate", cwd=root).code == 0
    again = cli(*args, cwd=root)
    assert again.code == 0 and again.stdout == ""


def test_write_annual_refuses_records_of_more_than_a_year(tmp_path: Path, cli: Any) -> None:
    """annual_cases is one year's count: cases received from 2 Jan 2024 to 2 Jan 2025
    (367 days) are refused and no file changes; up to 30 Dec 2024 they are one year."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    _base_records(
        root,
        [
            "a,330106,许可-00802-002,2024-01-02 09:00,2024-01-03 10:00",
            "b,330106,许可-00802-002,2025-01-02 09:00,2025-01-03 10:00",
        ],
    )
    before = {p: p.read_text(encoding="utf-8") for p in root.rglob("*.yaml")}
    args = ("cases", "cases/c.csv", "-m", "cases/m.yaml", "--write-annual", "--yes")
    run = cli(*args, "--lang", "en", cwd=root)
    assert run.code == 2 and "from 2024-01-02 to 2025-01-02, 367 days" in run.stderr
    assert {p: p.read_text(encoding="utf-8") for p in before} == before
    csv = root / "cases" / "c.csv"
    csv.write_text(
        csv.read_text("utf-8").replace(
            "2025-01-02 09:00,2025-01-03", "2024-12-30 09:00,2024-12-31"
        ),
        "utf-8",
    )
    leap = cli(*args, "--lang", "en", cwd=root)
    assert leap.code == 0 and "(364 days;" in leap.stderr, leap.stderr
