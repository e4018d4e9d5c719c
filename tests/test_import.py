"""``import`` and ``export``: the real Guang'an list, the round trip through a spreadsheet,
parsers that never guess, and rows that cannot be read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from tests.conftest import DATA, REPO
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.model import Facts
from zjpaoyici.catalogue.resolve import merge_values, resolve_all
from zjpaoyici.cli import export_cmd, import_cmd  # noqa: F401  (registers the commands)
from zjpaoyici.ops.tabular.cells import ParseError, parse_value, unparse
from zjpaoyici.ops.tabular.exporter import DEFAULT_MAPPING
from zjpaoyici.ops.tabular.importer import item_overrides
from zjpaoyici.ops.tabular.mapping import FieldSpec, MappingError, load_mapping
from zjpaoyici.ops.tabular.parts import STAMP_COLUMNS

GUANGAN = DATA / "sichuan-guangan"
SAMPLE = REPO / "catalog"
# The national type codes of the source's taskType field (see its README).
TASK_TYPES = {
    "1": "行政许可",
    "5": "行政给付",
    "7": "行政确认",
    "8": "行政奖励",
    "9": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}


def yaml_files(root: Path, sub: str) -> list[tuple[Path, dict[str, Any]]]:
    return [
        (p, yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted((root / sub).rglob("*.yaml"))
    ]


# --- the real Guang'an list ------------------------------------------------------


@pytest.fixture(scope="module")
def guangan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from zjpaoyici.cli.common import app

    out = tmp_path_factory.mktemp("guangan") / "广安区"
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(GUANGAN / "items.json"),
            "--mapping",
            str(GUANGAN / "mapping.yaml"),
            "-o",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1135 rows" in result.stderr
    return out


def test_guangan_records_departments_and_types(guangan: Path) -> None:
    source = json.loads((GUANGAN / "items.json").read_text(encoding="utf-8"))
    entries = [
        (data["department"], entry)
        for _, data in yaml_files(guangan, "implementations")
        for entry in data["matters"]
    ]
    assert len(entries) == len(source) == 1135
    assert len({dept for dept, _ in entries}) == 34
    assert {dept for dept, _ in entries} == {r["dept"] for r in source}
    assert {e["code"] for _, e in entries} == {r["itemCode"] for r in source}

    matters = [m for _, data in yaml_files(guangan, "basic") for m in data["matters"]]
    assert len(matters) == 1135
    assert Counter(m["type"] for m in matters) == Counter(TASK_TYPES[r["taskType"]] for r in source)
    by_code = {r["itemCode"]: r for r in source}
    assert all(m["name"] == by_code[m["code"]]["name"] for m in matters)


def test_guangan_visits_stay_unknown(guangan: Path) -> None:
    for _, data in yaml_files(guangan, "implementations"):
        for entry in data["matters"]:
            assert set(entry) == {"code"}  # no visits, no limits: the source has none
    # The mapping maps no implementation element: catalogue.yaml declares none kept.
    manifest = yaml.safe_load((guangan / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["elements"] == []
    cat = load_catalogue(guangan)
    assert cat.regions["511602"].parent == "511600"
    assert cat.regions["511600"].parent == "510000"
    assert {e.region for e in resolve_all(cat)} == {"511602"}
    assert all(e.visits is None for e in resolve_all(cat))


def test_guangan_validates_with_the_real_defects(guangan: Path, cli: Any) -> None:
    run = cli("validate", "--format", "json", cwd=guangan)
    assert run.code == 1, run.output  # findings, not a crash (3) or unreadable input (2)
    report = json.loads(run.stdout)
    rules: Counter[str] = Counter()
    for f in report["findings"]:  # a summary finding stands for the rest of its rule and file
        rules[f["rule"]] += f.get("omitted", 1)
    # No visit counts, limits or bases in the source: the import declares those elements
    # not kept (one Q012 note says so), so nothing is reported about them.
    assert rules["Q006"] == 0 and rules["Q012"] == 1
    bad = {f["rule"]: f for f in report["findings"] if f["rule"] in ("C007", "C008")}
    assert "11511301452259996u" in bad["C007"]["message"]  # a lower-case letter
    assert "TE5116020105116050" in bad["C008"]["message"]  # a wrong check character
    assert bad["C008"]["file"].startswith("implementations/511602/区烟草专卖局")
    assert report["summary"]["entries"] == 1135
    # Three real codes lack the area part of the implementation code. Nothing else is wrong.
    assert set(rules) == {"Q012", "C007", "C008", "C001"}
    assert rules["C001"] == 3


def test_guangan_output_is_in_canonical_form(guangan: Path, cli: Any) -> None:
    assert cli("fmt", "--check", cwd=guangan).code == 0


# --- round trip ------------------------------------------------------------------


def facts_of(f: Facts) -> tuple[Any, ...]:
    return (
        f.visits,
        f.onsite_reason,
        f.promised_limit,
        f.case_type,
        f.online_depth,
        f.mobile,
        f.express,
        f.reach,
        f.annual_cases,
        f.fee,
        sorted((m.name, m.required) for m in f.materials),
    )


def resolved(root: Path) -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    """Effective values per (region, code) with items, and the basic catalogue."""
    cat = load_catalogue(root)
    entries = {}
    for e in resolve_all(cat):
        region = cat.regions[e.region]
        fee = e.values.get("fee") or {}
        entries[(e.region, e.code)] = {
            "department": e.department,
            "agency": e.src.doc.data.get("agency_uscc"),
            "region": (region.name, region.level, region.parent),
            "facts": facts_of(e.facts),
            "fee_standard": fee.get("standard"),
            "note": e.values.get("note"),
            "basic": {
                k: e.values.get(k) for k in ("name", "type", "basis", "levels", "legal_limit")
            },
            "items": [
                (i.full_code, i.name, i.situation, facts_of(i.facts), i.values.get("note"))
                for i in e.items
            ],
        }
    basic = {
        c: (m.name, m.type, m.basis, m.levels, m.legal_limit, m.main, m.subs, m.department)
        for c, m in cat.basic.items()
    }
    return entries, basic


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_edit_import_round_trip(suffix: str, cli: Any, tmp_path: Path) -> None:
    sheet = tmp_path / f"目录.{suffix}"
    run = cli("export", str(SAMPLE), "-o", str(sheet), cwd=tmp_path)
    assert run.code == 0, run.output
    back = tmp_path / "back"
    run = cli("import", str(sheet), "--mapping", "export", "-o", str(back), cwd=tmp_path)
    assert run.code == 0, run.output
    want_entries, want_basic = resolved(SAMPLE)
    got_entries, got_basic = resolved(back)
    assert got_entries.keys() == want_entries.keys()
    assert len(got_entries) == 2469
    for key, want in want_entries.items():
        assert got_entries[key] == want, key
    assert got_basic == want_basic
    assert sum(len(v["items"]) for v in got_entries.values()) == 18
    assert cli("validate", cwd=back).code == 0
    if suffix == "xlsx":  # (slow: ruamel reads every file) once is enough
        assert cli("fmt", "--check", cwd=back).code == 0


def test_export_layout_is_the_mapping(cli: Any, tmp_path: Path) -> None:
    run = cli("export", str(SAMPLE), "--region", "330106", "--lang", "zh", cwd=tmp_path)
    assert run.code == 0
    header = run.stdout.splitlines()[0].split(",")
    mapping = load_mapping(DEFAULT_MAPPING)
    # the mapping's columns, then the stamp and the cells at export (import ignores them)
    assert header == [*(s.column for s in mapping.fields.values()), *(c.zh for c in STAMP_COLUMNS)]
    rows = list(csv.reader(io.StringIO(run.stdout)))[1:]
    stamps = [row[-2] for row in rows]
    assert all(len(s) == 12 for s in stamps) and len(set(stamps)) == len(stamps)
    cells = json.loads(rows[0][-1])
    assert ["" if c is None else str(c) for c in cells] == rows[0][:-2]
    again = cli("export", str(SAMPLE), "--region", "330106", "--lang", "zh", cwd=tmp_path)
    assert again.stdout == run.stdout  # the same catalogue, the same stamps
    package = Path(import_cmd.__file__).parent.parent
    assert DEFAULT_MAPPING.is_relative_to(package)  # package data: shipped in the wheel


def test_export_in_worker_processes_is_the_serial_export(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: forked workers lay out the regions while the rows before them are
    written; the file is the serial one, byte for byte, the files' own defaults and a
    region's reading problem included."""
    from zjpaoyici.runner import engine

    root = tmp_path / "cat"
    shutil.copytree(SAMPLE, root)
    broken = root / "implementations" / "330106" / "zz-broken.yaml"
    broken.write_text("schema: zjpaoyici/implementation/v1\nmatters: [\n", encoding="utf-8")
    outputs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("ZJPAOYICI_JOBS", jobs)
        monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 0 if jobs == "2" else 1 << 40)
        for suffix in ("csv", "xlsx"):
            out = tmp_path / f"{jobs}.{suffix}"
            run = cli("export", str(root), "-o", str(out), cwd=tmp_path)
            assert run.code == 0, run.output
            assert "1 files of the catalogue have reading" in run.output  # from a worker too
            outputs[jobs, suffix] = out
    assert outputs["1", "csv"].read_bytes() == outputs["2", "csv"].read_bytes()
    from openpyxl import load_workbook

    books = [load_workbook(outputs[j, "xlsx"], read_only=True) for j in ("1", "2")]
    assert books[0].sheetnames == books[1].sheetnames
    for name in books[0].sheetnames:
        rows = [list(b[name].iter_rows(values_only=True)) for b in books]
        assert rows[0] == rows[1], name
        assert len(rows[0]) > 1, name  # every sheet has rows (defaults from the workers too)


def test_an_edit_in_the_spreadsheet_arrives(cli: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = tmp_path / "目录.xlsx"
    assert (
        cli("export", str(SAMPLE), "--region", "330106", "-o", str(sheet), "--lang", "zh").code == 0
    )
    wb = load_workbook(sheet)
    ws = wb.active
    assert ws is not None
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in ("事项编码", "到办事现场次数", "区划代码")}
    for row in ws.iter_rows(min_row=2):
        if row[col["事项编码"]].value == "许可-00802-002" and row[col["区划代码"]].value:
            row[col["到办事现场次数"]].value = 1
    wb.save(sheet)
    back = tmp_path / "back"
    assert cli("import", str(sheet), "-m", str(DEFAULT_MAPPING), "-o", str(back)).code == 0
    entries, _ = resolved(back)
    assert entries[("330106", "许可-00802-002")]["facts"][0] == 1


# --- rows that cannot be read ----------------------------------------------------

BAD_MAPPING = """\
schema: zjpaoyici/mapping/v1
name: 测试
regions:
  - {code: "330000", name: 浙江省, level: province}
  - {code: "330100", name: 杭州市, level: city, parent: "330000"}
  - {code: "330106", name: 西湖区, level: county, parent: "330100"}
fields:
  region: {value: "330106"}
  department: {column: 部门}
  code: {column: 编码}
  name: {column: 名称}
  type: {column: 类型}
  basis: {column: 依据}
  levels: {value: [county]}
  visits: {column: 到现场次数}
  promised_limit: {column: 承诺时限}
  express: {column: 快递, parser: bool}
"""

CSV_ROWS = [
    "部门,编码,名称,类型,依据,到现场次数,承诺时限,快递",
    "西湖区市监局,许可-00802-001,食品经营许可（新办）,行政许可,《食品安全法》,0,5个工作日,是",
    "西湖区市监局,许可-00802-002,食品经营许可（变更）,行政许可,《食品安全法》,一次,3个工作日,是",
    "西湖区市监局,许可-00802-003,食品经营许可（延续）,行政许可,《食品安全法》,-1,3个工作日,否",
    "西湖区市监局,许可-00802-004,食品经营许可（注销）,行政许可,《食品安全法》,0,2024-05-01,是",
    "西湖区市监局,许可-00802-005,食品经营许可（补证）,行政许可,《食品安全法》,,即办,",
    "西湖区市监局,许可-00802-006,食品经营许可（其他）,行政许可,《食品安全法》,1,5天,也许",
]


def import_bad(cli: Any, tmp_path: Path, source: Path) -> tuple[Any, dict[str, dict[str, Any]]]:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(BAD_MAPPING, encoding="utf-8")
    out = tmp_path / "out"
    run = cli("import", str(source), "--mapping", str(mapping), "-o", str(out), "--lang", "en")
    entries = {
        e["code"]: e for _, data in yaml_files(out, "implementations") for e in data["matters"]
    }
    return run, entries


def test_bad_cells_are_reported_and_left_unknown(cli: Any, tmp_path: Path) -> None:
    """The default policy (on_error: unknown): the row is kept, the field stays unknown,
    the row and column are reported."""
    source = tmp_path / "清单.csv"
    source.write_text("\n".join(CSV_ROWS) + "\n", encoding="utf-8")
    run, entries = import_bad(cli, tmp_path, source)
    assert run.code == 1  # documented: some cells unreadable, everything else written
    lines = [line for line in run.stderr.splitlines() if " row " in line]
    assert len(lines) == 5, run.stderr
    assert re.search(
        r'清单.csv row 3 \[到现场次数\]: cannot read "一次": expected a whole', lines[0]
    )
    assert 'row 4 [到现场次数]: cannot read "-1": must not be negative' in lines[1]
    assert 'row 5 [承诺时限]: cannot read "2024-05-01": looks like a date' in lines[2]
    assert 'row 7 [承诺时限]: cannot read "5天": does not say working or calendar days' in lines[3]
    assert 'row 7 [快递]: cannot read "也许": expected yes or no' in lines[4]
    assert all(line.endswith("Field left unknown; row kept.") for line in lines)
    assert "5 cells could not be read" in run.stderr and "skipped" not in run.stderr
    assert len(entries) == 6
    assert entries["许可-00802-001"]["visits"] == 0
    two = entries["许可-00802-002"]
    assert "visits" not in two  # unreadable: unknown, not 0, and the row's other facts stay
    assert two["promised_limit"] == {"days": 3, "unit": "working"} and two["express"] is True
    assert "promised_limit" not in entries["许可-00802-004"]
    six = entries["许可-00802-006"]
    assert six["visits"] == 1 and "promised_limit" not in six and "express" not in six
    assert "visits" not in entries["许可-00802-005"]  # blank is unknown, not zero
    assert "express" not in entries["许可-00802-005"]
    assert entries["许可-00802-005"]["promised_limit"] == {"days": 0, "unit": "working"}


def test_on_error_drop_row_and_fail(cli: Any, tmp_path: Path) -> None:
    source = tmp_path / "清单.csv"
    source.write_text("\n".join(CSV_ROWS) + "\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        BAD_MAPPING.replace(
            "visits: {column: 到现场次数}", "visits: {column: 到现场次数, on_error: drop_row}"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = cli("import", str(source), "-m", str(mapping), "-o", str(out), "--lang", "en")
    assert run.code == 1
    assert re.search(r"row 3 \[到现场次数\].*Row skipped\.", run.stderr)
    assert re.search(r"row 4 \[到现场次数\].*Row skipped\.", run.stderr)
    assert re.search(r"row 5 \[承诺时限\].*Field left unknown; row kept\.", run.stderr)
    assert "2 rows could not be read and were skipped" in run.stderr
    codes = {e["code"] for _, d in yaml_files(out, "implementations") for e in d["matters"]}
    assert codes == {"许可-00802-001", "许可-00802-004", "许可-00802-005", "许可-00802-006"}

    mapping.write_text(
        BAD_MAPPING.replace(
            "promised_limit: {column: 承诺时限}",
            "promised_limit: {column: 承诺时限, on_error: fail}",
        ),
        encoding="utf-8",
    )
    run = cli("import", str(source), "-m", str(mapping), "-o", str(tmp_path / "b"), "--lang", "en")
    assert run.code == 2
    assert 'row 5 [承诺时限]: cannot read "2024-05-01"' in run.stderr
    assert "on_error: fail" in run.stderr and "wrote nothing" in run.stderr
    assert not (tmp_path / "b").exists()


def test_a_date_cell_in_xlsx_is_not_a_time_limit(cli: Any, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(CSV_ROWS[0].split(","))
    ws.append(CSV_ROWS[1].split(","))
    row = CSV_ROWS[2].split(",")
    row[5], row[6] = "1", dt.datetime(2024, 5, 3)  # type: ignore[call-overload]
    ws.append(row)
    source = tmp_path / "清单.xlsx"
    wb.save(source)
    run, entries = import_bad(cli, tmp_path, source)
    assert run.code == 1
    assert "row 3 [承诺时限]: cannot read" in run.stderr and "is a date" in run.stderr
    assert set(entries) == {"许可-00802-001", "许可-00802-002"}
    assert "promised_limit" not in entries["许可-00802-002"]
    assert entries["许可-00802-002"]["visits"] == 1


def test_jsonl_rows_are_numbered_by_line(cli: Any, tmp_path: Path) -> None:
    header = CSV_ROWS[0].split(",")
    lines = [
        json.dumps(dict(zip(header, r.split(","), strict=True)), ensure_ascii=False)
        for r in CSV_ROWS[1:3]
    ]
    source = tmp_path / "清单.jsonl"
    source.write_text(lines[0] + "\n{not json\n" + lines[1] + "\n", encoding="utf-8")
    run, entries = import_bad(cli, tmp_path, source)
    assert run.code == 1
    assert "row 2 []: not valid JSON" in run.stderr
    assert 'row 3 [到现场次数]: cannot read "一次"' in run.stderr
    assert set(entries) == {"许可-00802-001", "许可-00802-002"}
    assert "visits" not in entries["许可-00802-002"]


def test_usage_errors(cli: Any, tmp_path: Path) -> None:
    source = tmp_path / "清单.csv"
    source.write_text("\n".join(CSV_ROWS[:2]) + "\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(BAD_MAPPING.replace("visits:", "vists:"), encoding="utf-8")
    run = cli("import", str(source), "-m", str(mapping), "-o", str(tmp_path / "a"))
    assert run.code == 2 and "Did you mean visits?" in run.stderr
    assert not (tmp_path / "a").exists()

    mapping.write_text(BAD_MAPPING.replace("{column: 快递,", "{column: 快件,"), encoding="utf-8")
    run = cli("import", str(source), "-m", str(mapping), "-o", str(tmp_path / "b"))
    assert run.code == 2 and "快件" in run.stderr and "快递" in run.stderr
    assert not (tmp_path / "b").exists()

    mapping.write_text(BAD_MAPPING, encoding="utf-8")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("x", encoding="utf-8")
    run = cli("import", str(source), "-m", str(mapping), "-o", str(taken))
    assert run.code == 2 and "--force" in run.stderr
    run = cli("import", str(source), "-m", str(mapping), "-o", str(taken), "--force")
    assert run.code == 0 and (taken / "keep.txt").exists() and (taken / "catalogue.yaml").exists()


@pytest.mark.parametrize(
    ("field", "raw", "problem"),
    [
        ("visits", {"column": "x", "parser": "days"}, "cannot use the days parser"),
        ("type", {"column": "x", "parser": "enum"}, "needs values"),
        ("region", {"value": 330106}, "quoted text"),
        ("code", {"column": "x", "value": "y"}, "one of column, template or value"),
        ("name", {"template": "{a"}, "unusable template: unpaired '{'"),
        ("name", {"template": "编码"}, "names no column"),
        ("name", {"column": "x", "when": {"matches": "("}}, "invalid pattern"),
        ("name", {"column": "x", "when": {"column": "y"}}, "needs differs_from or matches"),
        ("code", {"column": "x", "on_error": "unknown"}, "cannot be left unknown"),
        ("agency_uscc", {"column": "x", "parser": "regex", "pattern": "("}, "invalid pattern"),
        (
            "online_depth",
            {"column": "x", "parser": "enum", "values": {"Ⅳ级": "4"}},
            "does not suit",
        ),
    ],
)
def test_mapping_mistakes_are_located(
    field: str, raw: dict[str, Any], problem: str, tmp_path: Path
) -> None:
    fields = {"code": {"column": "编码"}, field: raw}
    path = tmp_path / "m.yaml"
    path.write_text(
        yaml.safe_dump({"schema": "zjpaoyici/mapping/v1", "fields": fields}, allow_unicode=True),
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert any(problem in p.message.get("en") for p in info.value.problems), info.value.problems
    assert all(p.loc.line > 1 for p in info.value.problems)


def test_the_documented_example_mapping_is_valid(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "mapping.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, flags=re.S)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.fields["online_depth"].values == {
        "Ⅰ级": 1,
        "Ⅱ级": 2,
        "Ⅲ级": 3,
        "Ⅳ级": 4,
        "不可网办": 0,
    }
    assert parse_value(mapping.fields["express"], "支持") is True
    assert parse_value(mapping.fields["visits"], "待定") is None


def test_shipped_mappings_validate(cli: Any, tmp_path: Path) -> None:
    for path in (DEFAULT_MAPPING, GUANGAN / "mapping.yaml", GUANGAN / "mapping-basic-code.yaml"):
        run = cli("validate", str(path), cwd=tmp_path)
        assert run.code == 0, run.output
        load_mapping(path)


# --- parsers ---------------------------------------------------------------------


def spec(parser: str, field: str = "note", **kw: Any) -> FieldSpec:
    return FieldSpec(field=field, column="c", constant=None, parser=parser, **kw)


@pytest.mark.parametrize(
    ("text", "days", "unit"),
    [
        ("5(工作日)", 5, "working"),
        ("5（工作日）", 5, "working"),
        ("5个工作日", 5, "working"),
        ("５个工作日", 5, "working"),
        ("30个工作日内", 30, "working"),
        ("7个自然日", 7, "natural"),
        ("即办", 0, "working"),
        ("当场办结", 0, "working"),
    ],
)
def test_days(text: str, days: int, unit: str) -> None:
    assert parse_value(spec("days"), text) == {"days": days, "unit": unit}


def test_days_unknown_and_ambiguous() -> None:
    for blank in ("", "  ", "无", "/", "—", None):
        assert parse_value(spec("days"), blank) is None
    for vague in ("5天", "5日", "5", 5):
        with pytest.raises(ParseError, match="working or calendar"):
            parse_value(spec("days"), vague)
        assert parse_value(spec("days", unit="natural"), vague) == {"days": 5, "unit": "natural"}
    for bad in ("2024-05-01", "2024/5/1", "2024年5月1日", dt.date(2024, 5, 1), "5个月", "-3"):
        with pytest.raises(ParseError):
            parse_value(spec("days", unit="working"), bad)


def test_int_bool_split_enum_pairs_regex() -> None:
    assert parse_value(spec("int"), "3") == 3 and parse_value(spec("int"), 2.0) == 2
    assert parse_value(spec("int"), "1次") == 1 and parse_value(spec("int"), "") is None
    for bad in ("一次", "-1", 2.5, True, "1.5"):
        with pytest.raises(ParseError):
            parse_value(spec("int"), bad)
    for yes, no in (
        ("是", "否"),
        ("1", "0"),
        (1, 0),
        ("Y", "N"),
        ("true", "false"),
        ("TRUE", "no"),
    ):
        assert parse_value(spec("bool"), yes) is True and parse_value(spec("bool"), no) is False
    with pytest.raises(ParseError):
        parse_value(spec("bool"), "有")
    assert parse_value(spec("split", separator="；"), "甲；乙； ；丙") == ["甲", "乙", "丙"]
    levels = spec("split", separator="、", values={"省级": "province", "县级": "county"})
    assert parse_value(levels, "省级、县级") == ["province", "county"]
    with pytest.raises(ParseError, match="value map"):
        parse_value(levels, "省级、村级")
    types = spec("enum", values={"1": "行政许可", "20": "公共服务"})
    assert parse_value(types, 20) == "公共服务" and parse_value(types, "1") == "行政许可"
    with pytest.raises(ParseError):
        parse_value(types, "3")
    pairs = spec("pairs", separator=";")
    assert parse_value(pairs, "applicant=企业; action=新办") == {
        "applicant": "企业",
        "action": "新办",
    }
    with pytest.raises(ParseError):
        parse_value(pairs, "企业")
    uscc = spec("regex", pattern=re.compile(r"(?:^|-)(?P<value>[0-9A-Z]{18})(?:-|$)"))
    assert (
        parse_value(uscc, "511A-511602000000-000-11511301008778183N-1-00") == "11511301008778183N"
    )
    assert parse_value(uscc, "E-000021-001-1111111111111111") is None  # no match: unknown


def test_unparse_reads_back() -> None:
    cases = [
        (spec("days"), {"days": 3, "unit": "natural"}),
        (spec("int"), 4),
        (spec("bool"), False),
        (spec("split", separator="\n"), ["甲", "乙"]),
        (
            spec("split", separator="、", values={"县级": "county", "省级": "province"}),
            ["province"],
        ),
        (spec("enum", values={"Ⅳ级": 4}), 4),
        (spec("pairs", separator=";"), {"applicant": "企业", "action": "新办"}),
        (spec("text"), "=1+1"),
    ]
    for s, value in cases:
        assert parse_value(s, unparse(s, value)) == value


def test_item_overrides_merge_back_to_the_item() -> None:
    entry = {
        "visits": 1,
        "onsite_reason": "核查",
        "online": {"depth": 3, "mobile": True},
        "materials": [{"name": "甲", "required": True}, {"name": "乙", "required": True}],
    }
    item = {
        "visits": 0,
        "online": {"depth": 4},
        "materials": [{"name": "乙", "required": False}, {"name": "丙", "required": True}],
    }
    record = item_overrides(entry, item)
    assert record["onsite_reason"] is None
    merged: dict[str, Any] = json.loads(json.dumps(entry))
    from zjpaoyici.catalogue.model import Source
    from zjpaoyici.files.reader import Document

    src = Source(Document(Path("x"), "x", {}), ())
    merge_values(merged, record, src, {})
    assert merged["visits"] == 0 and "onsite_reason" not in merged
    assert merged["online"] == {"depth": 4}
    assert sorted((m["name"], m["required"]) for m in merged["materials"]) == [
        ("丙", True),
        ("乙", False),
    ]


def test_output_appears_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing leaves no output folder and no temporary one."""
    import zjpaoyici.ops.tabular.importer as importer

    calls = {"n": 0}
    real = Path.write_text

    def flaky(self: Path, *args: Any, **kw: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(self, *args, **kw)

    monkeypatch.setattr(Path, "write_text", flaky)
    with pytest.raises(OSError, match="disk full"):
        importer.write_tree({"a.yaml": "a", "b/b.yaml": "b", "c.yaml": "c"}, tmp_path / "out")
    monkeypatch.setattr(Path, "write_text", real)
    assert calls["n"] == 3
    assert list(tmp_path.iterdir()) == []
    importer.write_tree({"a.yaml": "a", "b/b.yaml": "b"}, tmp_path / "out")
    assert (tmp_path / "out" / "b" / "b.yaml").read_text(encoding="utf-8") == "b"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_conflicting_rows_are_kept_visible(cli: Any, tmp_path: Path) -> None:
    """Two regions name one matter differently: the first defines the basic catalogue, the
    second is written as a restatement that validate reports (L001); a second row of one
    entry is merged into it, its disagreements reported with both row numbers."""
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema: zjpaoyici/mapping/v1\n"
        "regions:\n"
        '  - {code: "330000", name: 浙江省, level: province}\n'
        '  - {code: "330100", name: 杭州市, level: city, parent: "330000"}\n'
        '  - {code: "330106", name: 西湖区, level: county, parent: "330100"}\n'
        "fields:\n"
        "  region: {column: 区划}\n"
        "  department: {column: 部门}\n"
        "  code: {column: 编码}\n"
        "  name: {column: 名称}\n"
        "  type: {value: 行政许可}\n"
        "  basis: {value: [《中华人民共和国食品安全法》第三十五条]}\n"
        "  levels: {value: [city, county]}\n"
        "  visits: {column: 次数}\n"
        "  express: {value: 是}\n"
        "  online_depth: {value: 3}\n",
        encoding="utf-8",
    )
    source = tmp_path / "清单.csv"
    source.write_text(
        "区划,部门,编码,名称,次数\n"
        "330100,杭州市市场监督管理局,许可-00802-000,食品经营许可,0\n"
        "330106,杭州市西湖区市场监督管理局,许可-00802-000,食品经营许可证核发,0\n"
        "330106,杭州市西湖区市场监督管理局,许可-00802-000,食品经营许可,1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = cli("import", str(source), "-m", str(mapping), "-o", str(out), "--lang", "en")
    assert run.code == 1
    # Rows 3 and 4 describe one entry: merged, the disagreements named with both rows.
    assert (
        "row 4 [名称]: conflicting 四同 field: rows 3 and 4 are both region 330106, agency"
        ' 杭州市西湖区市场监督管理局, code 许可-00802-000, but [名称] is "食品经营许可证核发"'
        ' and "食品经营许可"; kept row 3\'s value'
    ) in run.stderr
    assert "row 4 [次数]: two rows of one matter disagree: rows 3 and 4" in run.stderr
    assert "Imported 3 rows: 2 entries" in run.stderr
    basic = yaml.safe_load(
        (out / "basic" / "杭州市市场监督管理局.yaml").read_text(encoding="utf-8")
    )
    assert basic["matters"][0]["name"] == "食品经营许可"
    west = out / "implementations" / "330106" / "杭州市西湖区市场监督管理局.yaml"
    assert yaml.safe_load(west.read_text(encoding="utf-8"))["matters"][0] == {
        "code": "许可-00802-000",
        "name": "食品经营许可证核发",
        "visits": 0,
        "online": {"depth": 3},
        "express": True,
    }
    report = json.loads(cli("validate", "--format", "json", cwd=out).stdout)
    assert [(f["rule"], f["file"]) for f in report["findings"] if f["rule"] != "Q012"] == [
        ("L001", "implementations/330106/杭州市西湖区市场监督管理局.yaml")
    ]  # (Q012 notes the elements the small mapping does not keep)


def test_guangan_keyed_by_basic_code(cli: Any, tmp_path: Path) -> None:
    """The same real list keyed as the national platform keys it, with a mapping only: the
    basic code captured from the implementation code by a regex, the whole code kept as
    ``implementation_code``; every record is an entry and visits stay unknown."""
    source = json.loads((GUANGAN / "items.json").read_text(encoding="utf-8"))
    out = tmp_path / "广安区"
    mapping = GUANGAN / "mapping-basic-code.yaml"
    run = cli("import", str(GUANGAN / "items.json"), "-m", str(mapping), "-o", str(out))
    assert run.code == 0, run.output
    entries = [e for _, d in yaml_files(out, "implementations") for e in d["matters"]]
    assert len(entries) == len(source) == 1135
    assert sorted(e["implementation_code"] for e in entries) == sorted(
        r["itemCode"] for r in source
    )
    for entry in entries:
        assert entry["implementation_code"].startswith(entry["code"] + "-")
        assert "visits" not in entry  # unknown, not 0
    codes = Counter(e["code"] for e in entries)
    assert codes["E-000021-001"] == 1  # a code without the area part: still its basic code
    assert len(codes) == 1135  # no basic code repeats in this list
    assert "agency" not in entries[0]  # the agency is the department: not repeated


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        (b'<c r="B3"', b'<c r="ZZZZZZZZ3"', "ZZZZZZZZ3"),  # column 2.1e11: a 1.7 TB row
        (b'<c r="B3"', b'<c r="XFE3"', "XFE3"),  # one past the last column
        (b'<row r="3"', b'<row r="900000000"', "row 900000000"),
        (b'<row r="3"', b'<row r="x3"', "row x3"),
        (b'<row r="3"', b'<row r="3" <', "Cannot read 清单.xlsx: not well-formed"),  # later row
    ],
)
def test_a_cell_outside_a_worksheet_is_a_clear_error(
    cli: Any, tmp_path: Path, old: bytes, new: bytes, shown: str
) -> None:
    """A hostile workbook's cell or row reference beyond A1:XFD1048576 (no spreadsheet
    program writes one) stops the import with the file, sheet and reference, exit 2 —
    not a padded row of billions of cells (MemoryError, an internal error, before); a
    damaged later row is a clear error too, not an internal one."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in CSV_ROWS[:3]:
        ws.append(row.split(","))
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    source = tmp_path / "清单.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(source, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(item, data)
    run, entries = import_bad(cli, tmp_path, source)
    assert run.code == 2, run.output
    assert "清单.xlsx" in run.stderr and shown in run.stderr
    assert ("XFD1048576" in run.stderr) == ("Cannot read" not in shown)
    assert "Traceback" not in run.output and "internal error" not in run.output
    assert not entries
