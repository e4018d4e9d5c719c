"""Mapping files that need no code: column templates, the first non-empty of several
columns, conditions, several rows of one matter merged, several agencies per matter,
elements kept, online as yes/no, and source formats told from the content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

from zjpaoyici.cli import import_cmd  # noqa: F401  (registers the command)
from zjpaoyici.ops.tabular.mapping import load_mapping

REGIONS = """\
regions:
  - {code: "330000", name: 浙江省, level: province}
  - {code: "330100", name: 杭州市, level: city, parent: "330000"}
  - {code: "330106", name: 西湖区, level: county, parent: "330100"}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def mapping(tmp_path: Path, fields: str, *, extra: str = "") -> Path:
    text = "schema: zjpaoyici/mapping/v1\n" + extra + REGIONS + "fields:\n" + fields
    return write(tmp_path / "mapping.yaml", text)


def run_import(cli: Any, source: Path, mapping: Path, out: Path, *more: str) -> Any:
    return cli("import", str(source), "-m", str(mapping), "-o", str(out), "--lang", "en", *more)


def docs(root: Path, sub: str) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(root / sub).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((root / sub).rglob("*.yaml"))
    }


def entries(root: Path) -> list[dict[str, Any]]:
    return [e for d in docs(root, "implementations").values() for e in d["matters"]]


# --- templates, first non-empty, conditions -----------------------------------------


TEMPLATE_FIELDS = """\
  region: {value: "330106"}
  department: {column: dept}
  code: {template: "{kind}-{num}-{sub}"}
  main_code: {template: "{parentId}", when: {differs_from: id}}
  name: {column: [itemName, name]}
  type: {value: 行政许可}
  levels: {value: [county]}
  agency_uscc: {column: uscc, when: {matches: '^[0-9A-Z]{18}$'}}
  visits: {column: [visitsNew, visitsOld], parser: int}
"""


def test_template_first_non_empty_and_condition(cli: Any, tmp_path: Path) -> None:
    source = write(
        tmp_path / "s.csv",
        "dept,kind,num,sub,id,parentId,itemName,name,uscc,visitsNew,visitsOld\n"
        # a main matter: its parent is itself, so no main_code
        "市监局,许可,00802,000,7,7,,食品经营许可,11330106002500993X,,1\n"
        # a sub matter of it; the new name column wins over the old one
        "市监局,许可,00802,001,8,许可-00802-000,食品经营许可（新办）,旧名称,不详,0,1\n"
        # no parent at all: the template gives no main code
        "市监局,许可,00900,000,9,,,烟草专卖零售许可,,,\n",
    )
    m = mapping(tmp_path, TEMPLATE_FIELDS)
    out = tmp_path / "out"
    run = run_import(cli, source, m, out)
    assert run.code == 0, run.output
    got = {e["code"]: e for e in entries(out)}
    assert set(got) == {"许可-00802-000", "许可-00802-001", "许可-00900-000"}
    assert got["许可-00802-000"]["visits"] == 1  # the old column, the new one being blank
    assert got["许可-00802-001"]["visits"] == 0  # the new column
    assert "visits" not in got["许可-00900-000"]  # neither: unknown, not 0
    basic = {m["code"]: m for d in docs(out, "basic").values() for m in d["matters"]}
    assert set(basic) == {"许可-00802-000", "许可-00900-000"}
    main = basic["许可-00802-000"]
    assert [s["code"] for s in main["subs"]] == ["许可-00802-001"]
    assert main["subs"][0]["name"] == "食品经营许可（新办）"
    # the credit code only where it looks like one: "不详" is not taken
    files = docs(out, "implementations")
    usccs = {d.get("agency_uscc") for d in files.values()}
    assert usccs == {"11330106002500993X", None}


def test_first_non_empty_accepts_either_name_of_a_column(cli: Any, tmp_path: Path) -> None:
    """Old and new exports of one platform: a file with only the old column imports,
    and only when neither is there is the column reported missing."""
    m = mapping(
        tmp_path,
        '  region: {value: "330106"}\n  department: {value: 市监局}\n'
        "  code: {column: [事项编码, 基本编码]}\n  name: {column: 名称}\n",
    )
    old = write(tmp_path / "old.csv", "基本编码,名称\n许可-00802-000,食品经营许可\n")
    assert run_import(cli, old, m, tmp_path / "a").code == 0
    assert [e["code"] for e in entries(tmp_path / "a")] == ["许可-00802-000"]
    neither = write(tmp_path / "neither.csv", "编码,名称\n许可-00802-000,食品经营许可\n")
    run = run_import(cli, neither, m, tmp_path / "b")
    assert run.code == 2 and "事项编码 / 基本编码" in run.stderr


def test_a_template_names_its_column_in_reports(cli: Any, tmp_path: Path) -> None:
    m = mapping(
        tmp_path,
        '  region: {value: "330106"}\n  department: {value: 市监局}\n'
        "  code: {column: 编码}\n"
        "  promised_limit: {template: '{天数}个{单位}'}\n",
    )
    source = write(tmp_path / "s.csv", "编码,天数,单位\n许可-1,5,工作日\n许可-2,五,工作日\n")
    run = run_import(cli, source, m, tmp_path / "out")
    assert run.code == 1
    assert 'row 3 [{天数}个{单位}]: cannot read "五个工作日"' in run.stderr
    got = {e["code"]: e for e in entries(tmp_path / "out")}
    assert got["许可-1"]["promised_limit"] == {"days": 5, "unit": "working"}
    assert "promised_limit" not in got["许可-2"]


# --- several rows of one matter ---------------------------------------------------


AGG_FIELDS = """\
  region: {column: 区划}
  department: {column: 部门}
  code: {column: 编码}
  name: {column: 名称}
  type: {column: 类型}
  levels:
    column: 层级
    parser: split
    separator: 、
    values: {省级: province, 市级: city, 县级: county}
  visits: {column: 次数}
"""


def test_rows_of_one_matter_are_merged(cli: Any, tmp_path: Path) -> None:
    source = write(
        tmp_path / "s.csv",
        "区划,部门,编码,名称,类型,层级,次数\n"
        "330106,市监局,许可-00802-000,食品经营许可,行政许可,县级,\n"
        "330106,市监局,许可-00802-000,食品经营许可,行政许可,市级,1\n"  # same entry
        "330106,市监局,许可-00802-000,食品经营许可,行政确认,省级,1\n"  # conflicting type
        ",,许可-00900-000,烟草专卖零售许可,行政许可,市级,\n"  # basic rows, no region
        ",,许可-00900-000,烟草专卖零售许可,行政许可,县级,\n",
    )
    m = mapping(tmp_path, AGG_FIELDS)
    out = tmp_path / "out"
    run = run_import(cli, source, m, out)
    assert run.code == 1, run.output
    lines = [line for line in run.stderr.splitlines() if " row " in line]
    assert len(lines) == 1, run.stderr
    assert re.search(
        r"s\.csv row 4 \[类型\]: conflicting 四同 field: rows 2 and 4 are both region 330106,"
        r" agency 市监局, code 许可-00802-000, but \[类型\] is \"行政许可\" and \"行政确认\";"
        r" kept row 2's value",
        lines[0],
    )
    assert "Imported 5 rows: 1 entries" in run.stderr
    (entry,) = entries(out)
    assert entry["visits"] == 1  # the first row did not say; a later one did
    basic = {m["code"]: m for d in docs(out, "basic").values() for m in d["matters"]}
    assert basic["许可-00802-000"]["levels"] == ["province", "city", "county"]  # union
    assert basic["许可-00802-000"]["type"] == "行政许可"
    assert basic["许可-00900-000"]["levels"] == ["city", "county"]


def test_conflicting_basic_rows_name_both_rows(cli: Any, tmp_path: Path) -> None:
    source = write(
        tmp_path / "s.csv",
        "区划,部门,编码,名称,类型,层级,次数\n"
        ",,许可-00900-000,烟草专卖零售许可,行政许可,市级,\n"
        ",,许可-00900-000,烟草零售许可,行政许可,县级,\n",
    )
    run = run_import(cli, source, mapping(tmp_path, AGG_FIELDS), tmp_path / "out", "--force")
    assert run.code == 1
    assert (
        "row 3 [名称]: conflicting 四同 field: rows 2 and 3 are both basic code 许可-00900-000,"
        ' but [名称] is "烟草专卖零售许可" and "烟草零售许可"'
    ) in run.stderr


# --- several agencies per matter --------------------------------------------------


def test_two_agencies_one_code_one_region_are_both_kept(cli: Any, tmp_path: Path) -> None:
    m = mapping(
        tmp_path,
        '  region: {value: "330106"}\n'
        "  department: {column: 部门}\n"
        "  agency: {column: 实施主体}\n"
        "  implementation_code: {column: 实施编码}\n"
        "  code: {column: 基本编码}\n"
        "  name: {column: 名称}\n"
        "  visits: {column: 次数}\n",
    )
    source = write(
        tmp_path / "s.csv",
        "部门,实施主体,实施编码,基本编码,名称,次数\n"
        # one department, two agencies: entries with agency: in one file
        "公安分局,西湖公安分局,11330106MB1234567X1000000000001,000000000001,户口迁移,1\n"
        "公安分局,北山派出所,11330106MB7654321X1000000000001,000000000001,户口迁移,0\n"
        # two departments, the same code: two files
        "开发区管委会,,,000000000002,企业投资项目备案,0\n"
        "发改局,,,000000000002,企业投资项目备案,1\n",
    )
    out = tmp_path / "out"
    run = run_import(cli, source, m, out)
    assert run.code == 0, run.output
    assert "Imported 4 rows: 4 entries" in run.stderr
    files = docs(out, "implementations")
    assert set(files) == {"330106/公安分局.yaml", "330106/开发区管委会.yaml", "330106/发改局.yaml"}
    police = files["330106/公安分局.yaml"]["matters"]
    assert [(e["agency"], e["implementation_code"], e["visits"]) for e in police] == [
        ("北山派出所", "11330106MB7654321X1000000000001", 0),
        ("西湖公安分局", "11330106MB1234567X1000000000001", 1),
    ]
    assert files["330106/发改局.yaml"]["matters"] == [{"code": "000000000002", "visits": 1}]
    assert files["330106/开发区管委会.yaml"]["matters"] == [{"code": "000000000002", "visits": 0}]


# --- elements and online as yes/no -----------------------------------------------


def test_elements_and_online_yes_no(cli: Any, tmp_path: Path) -> None:
    m = mapping(
        tmp_path,
        '  region: {value: "330106"}\n  department: {value: 市监局}\n'
        "  code: {column: 编码}\n"
        "  online_available: {column: 可网办, parser: bool}\n"
        "  promised_limit: {column: 承诺时限, parser: days}\n",
    )
    source = write(
        tmp_path / "s.csv", "编码,可网办,承诺时限\n许可-1,是,5个工作日\n许可-2,否,\n许可-3,,\n"
    )
    out = tmp_path / "out"
    assert run_import(cli, source, m, out).code == 0
    manifest = yaml.safe_load((out / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["elements"] == ["limits", "online"]  # the rest: not kept
    got = {e["code"]: e for e in entries(out)}
    assert got["许可-1"]["online"] == {"available": True}  # no depth guessed
    assert got["许可-2"]["online"] == {"available": False}
    assert "online" not in got["许可-3"]  # unknown stays unknown

    declared = mapping(
        tmp_path,
        '  region: {value: "330106"}\n  department: {value: 市监局}\n  code: {column: 编码}\n',
        extra="catalogue:\n  elements: [visits, basis]\n",
    )
    assert run_import(cli, source, declared, tmp_path / "b").code == 0
    manifest = yaml.safe_load((tmp_path / "b" / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["elements"] == ["visits", "basis"]


# --- formats told from the content -----------------------------------------------

PLAIN_FIELDS = """\
  region: {value: "330106"}
  department: {column: 部门}
  code: {column: 编码}
  visits: {column: 次数}
"""
RECORDS = [
    {"部门": "市监局", "编码": "许可-1", "次数": 0},
    {"部门": "市监局", "编码": "许可-2", "次数": "一次"},
]


def jsonl() -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS)


def test_json_lines_are_recognised_from_the_content(cli: Any, tmp_path: Path) -> None:
    m = mapping(tmp_path, PLAIN_FIELDS)
    for name in ("导出.txt", "导出.json", "导出"):
        source = write(tmp_path / name, jsonl())
        out = tmp_path / f"out-{name}"
        run = run_import(cli, source, m, out)
        assert run.code == 1, (name, run.output)  # row 2's visits: reported, left unknown
        assert 'row 2 [次数]: cannot read "一次"' in run.stderr
        assert {e["code"]: e.get("visits") for e in entries(out)} == {"许可-1": 0, "许可-2": None}
    array = write(tmp_path / "数组.txt", json.dumps(RECORDS, ensure_ascii=False))
    assert run_import(cli, array, m, tmp_path / "out-array").code == 1
    assert len(entries(tmp_path / "out-array")) == 2


def test_a_wrong_format_guess_says_what_the_file_looks_like(cli: Any, tmp_path: Path) -> None:
    m = mapping(tmp_path, PLAIN_FIELDS)
    fake_csv = write(tmp_path / "清单.csv", json.dumps(RECORDS, ensure_ascii=False))
    run = run_import(cli, fake_csv, m, tmp_path / "a")
    assert run.code == 2
    assert "清单.csv looks like JSON (it starts with [ or {), not csv as its extension says" in (
        run.stderr.replace("\n", " ")
    )
    assert not (tmp_path / "a").exists()

    fake_xlsx = write(tmp_path / "清单.xlsx", "部门,编码,次数\n市监局,许可-1,0\n")
    run = run_import(cli, fake_xlsx, m, tmp_path / "b")
    assert run.code == 2
    assert "清单.xlsx looks like plain text (csv), not xlsx" in run.stderr.replace("\n", " ")

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["部门", "编码", "次数"])
    ws.append(["市监局", "许可-1", 0])
    book = tmp_path / "清单.json"
    wb.save(book)
    run = run_import(cli, book, m, tmp_path / "c")
    assert run.code == 2 and "looks like an Excel workbook" in run.stderr.replace("\n", " ")
    # said explicitly and contradicted by the content: the same message
    lines = write(tmp_path / "行.json", jsonl())
    run = run_import(cli, lines, m, tmp_path / "d", "--format", "json")
    assert run.code == 2
    assert "looks like JSON Lines (one JSON object per line), not json as --format says" in (
        run.stderr.replace("\n", " ")
    )
    utf16 = tmp_path / "清单.csv"
    utf16.write_text("部门,编码,次数\n市监局,许可-1,0\n", encoding="utf-16")
    run = run_import(cli, utf16, m, tmp_path / "f")
    assert run.code == 2 and "looks like UTF-16 text" in run.stderr.replace("\n", " ")
    # the workbook read as what it is
    run = run_import(cli, book, m, tmp_path / "e", "--format", "xlsx")
    assert run.code == 0, run.output


def test_mapping_sources_and_required_columns(tmp_path: Path) -> None:
    m = load_mapping(mapping(tmp_path, TEMPLATE_FIELDS))
    assert m.fields["code"].sources() == ["kind", "num", "sub"]
    assert m.fields["main_code"].sources() == ["parentId", "id"]
    assert ("itemName", "name") in m.required()
    assert m.elements() == ["visits"]


def test_merged_levels_against_a_basic_row(cli: Any, tmp_path: Path) -> None:
    """A basic row says city and county; the entry's two rows say county and city: their
    union equals the basic matter's levels, so the entry restates nothing."""
    source = write(
        tmp_path / "s.csv",
        "区划,部门,编码,名称,类型,层级,次数\n"
        ",,许可-00802-000,食品经营许可,行政许可,市级、县级,\n"
        "330106,市监局,许可-00802-000,食品经营许可,行政许可,县级,1\n"
        "330106,市监局,许可-00802-000,食品经营许可,行政许可,市级,1\n",
    )
    out = tmp_path / "out"
    run = run_import(cli, source, mapping(tmp_path, AGG_FIELDS), out)
    assert run.code == 0, run.output
    assert entries(out) == [{"code": "许可-00802-000", "visits": 1}]


# --- nested JSON, several files, contains, lists of objects --------------------------

NESTED_FIELDS = """\
  region: {value: "330106"}
  department: {column: service.department}
  code: {column: service.id}
  name: {column: service.name}
  type: {value: 行政许可}
  visits: {column: service.visits, parser: int}
  reach: {column: service.scope, unknown: ["-"]}
  online_available: {column: service.forms, parser: contains, contains: 网上办理, separator: ","}
  express: {column: service.forms, parser: contains, contains: [快递申请, 邮寄]}
  fee_charged: {column: service.charge, parser: bool, when: {column: service.case, matches: .}}
  materials: {column: "materials[].name", required: is_required}
"""


def nested_doc(*records: dict[str, Any]) -> str:
    return json.dumps({"total": 99, "items": list(records)}, ensure_ascii=False)


def nested(code: str, dept: str = "市监局", **service: Any) -> dict[str, Any]:
    record = {"service": {"id": code, "name": f"事项{code}", "department": dept, **service}}
    return {**record, "materials": []}


def test_records_in_a_document_and_dotted_paths(cli: Any, tmp_path: Path) -> None:
    """Records under ``source.records`` with fields read by dotted paths; a ``-`` the
    mapping calls unknown stays unknown."""
    source = write(
        tmp_path / "a.json",
        nested_doc(nested("A1", visits=0, scope="全市"), nested("A2", visits=2, scope="-")),
    )
    m = mapping(tmp_path, NESTED_FIELDS, extra="source: {format: json, records: items}\n")
    out = tmp_path / "out"
    run = run_import(cli, source, m, out)
    assert run.code == 0, run.output
    got = {e["code"]: e for e in entries(out)}
    assert got["A1"]["visits"] == 0 and got["A1"]["reach"] == "全市"
    assert got["A2"]["visits"] == 2 and "reach" not in got["A2"]  # "-": unknown


def test_contains_gives_yes_no_and_null_stays_unknown(cli: Any, tmp_path: Path) -> None:
    """``parser: contains``: a list of handling forms holding 网上办理 → online yes; one
    without it → no; null → unknown (not no). With a separator the parts are compared
    whole (网上办理指南 is not 网上办理); without one, any substring counts."""
    source = write(
        tmp_path / "a.json",
        nested_doc(
            nested("B1", forms="窗口办理,网上办理,快递申请"),
            nested("B2", forms="窗口办理"),
            nested("B3", forms=None),
            nested("B4", forms="网上办理指南,邮寄送达"),
        ),
    )
    m = mapping(tmp_path, NESTED_FIELDS, extra="source: {format: json, records: items}\n")
    out = tmp_path / "out"
    assert run_import(cli, source, m, out).code == 0
    got = {e["code"]: e for e in entries(out)}
    assert got["B1"]["online"] == {"available": True} and got["B1"]["express"] is True
    assert got["B2"]["online"] == {"available": False} and got["B2"]["express"] is False
    assert "online" not in got["B3"] and "express" not in got["B3"]
    assert got["B4"]["online"] == {"available": False}  # a part is compared whole
    assert got["B4"]["express"] is True  # no separator: 邮寄 is found inside 邮寄送达
    assert load_mapping(m).fields["online_available"].contains == ("网上办理",)


def test_contains_needs_what_to_look_for(cli: Any, tmp_path: Path) -> None:
    m = mapping(
        tmp_path,
        "  code: {column: c}\n  online_available: {column: f, parser: contains}\n",
    )
    run = run_import(cli, write(tmp_path / "s.csv", "c,f\n1,网上办理\n"), m, tmp_path / "o")
    assert run.code == 2
    assert "contains parser needs contains" in run.stderr


def test_a_condition_keeps_a_scraper_default_unknown(cli: Any, tmp_path: Path) -> None:
    """``fee_charged`` taken only when the case type is given: a ``false`` the scraper
    wrote for a page without data stays unknown."""
    source = write(
        tmp_path / "a.json",
        nested_doc(nested("C1", charge=True, case="承诺件"), nested("C2", charge=False, case=None)),
    )
    m = mapping(tmp_path, NESTED_FIELDS, extra="source: {format: json, records: items}\n")
    out = tmp_path / "out"
    assert run_import(cli, source, m, out).code == 0
    got = {e["code"]: e for e in entries(out)}
    assert got["C1"]["fee"] == {"charged": True}
    assert "fee" not in got["C2"]


def test_materials_from_a_list_of_objects(cli: Any, tmp_path: Path) -> None:
    """``materials[].name`` reads every element's name; ``required: is_required`` each
    element's own flag. An empty list is unknown; a missing flag is reported, not guessed."""
    rec = nested("D1")
    rec["materials"] = [
        {"name": "申请表", "is_required": True},
        {"name": "身份证复印件", "is_required": False},
        {"name": None, "is_required": True},
    ]
    empty = nested("D2")
    empty["materials"] = []
    bad = nested("D3")
    bad["materials"] = [{"name": "委托书"}]
    source = write(tmp_path / "a.json", nested_doc(rec, empty, bad))
    m = mapping(tmp_path, NESTED_FIELDS, extra="source: {format: json, records: items}\n")
    out = tmp_path / "out"
    run = run_import(cli, source, m, out)
    assert run.code == 1
    got = {e["code"]: e for e in entries(out)}
    assert got["D1"]["materials"] == [
        {"name": "申请表", "required": True},
        {"name": "身份证复印件", "required": False},
    ]
    assert "materials" not in got["D2"] and "materials" not in got["D3"]
    assert "row 3 [materials[].name]" in run.stderr
    assert "does not say whether it is required" in run.stderr


def test_required_flag_only_for_materials_from_a_list(cli: Any, tmp_path: Path) -> None:
    m = mapping(tmp_path, "  code: {column: c}\n  materials: {column: m, required: r}\n")
    run = run_import(cli, write(tmp_path / "s.csv", "c,m,r\n1,a,是\n"), m, tmp_path / "o")
    assert run.code == 2 and "required is for a materials field" in run.stderr


def test_several_files_and_a_folder_in_one_import(cli: Any, tmp_path: Path) -> None:
    """Several files (or a folder of them) are one export: rows numbered per file in
    reports, a conflict between files names both."""
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder / "1.json", nested_doc(nested("E1", visits=1), nested("E2", visits=0)))
    write(
        folder / "2.json",
        nested_doc(nested("E3", "人社局", visits="一次"), nested("E1", visits=3)),
    )
    write(folder / "README.md", "not a source")
    m = mapping(tmp_path, NESTED_FIELDS, extra="source: {format: json, records: items}\n")
    out = tmp_path / "out"
    run = run_import(cli, folder, m, out)
    assert run.code == 1, run.output
    assert "Imported 4 rows: 3 entries" in run.stderr
    flat = " ".join(run.stderr.split())
    assert re.search(r"export/2\.json row 1 \[service\.visits\]: cannot read", flat), flat
    assert (
        "2.json row 2 [service.visits]: two rows of one matter disagree: rows 1 (of 1.json)"
        " and 2" in flat
    )
    got = {e["code"]: e for e in entries(out)}
    assert got["E1"]["visits"] == 1 and "visits" not in got["E3"]
    assert {d["department"] for d in docs(out, "implementations").values()} == {"市监局", "人社局"}
    # the same files named one by one give the same catalogue
    both = tmp_path / "both"
    run2 = cli(
        "import",
        str(folder / "1.json"),
        str(folder / "2.json"),
        "-m",
        str(m),
        "-o",
        str(both),
        "--lang",
        "en",
    )
    assert run2.code == 1
    assert docs(both, "implementations") == docs(out, "implementations")


def test_a_folder_without_sources_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    m = mapping(tmp_path, NESTED_FIELDS, extra="source: {format: json, records: items}\n")
    run = run_import(cli, tmp_path / "empty", m, tmp_path / "out")
    assert run.code == 2 and "holds no csv, xlsx, json or jsonl file" in run.stderr


ROLE_FIELDS = """\
  region: {value: "310000"}
  department: {column: dept}
  code: {column: code}
  name: {column: name}
  type: {value: 公共服务}
  online_available: {column: net, parser: bool}
  item_code: {column: item, when: {matches: '(?<!000)$'}}
  item_name: {column: sub}
"""
SH_PROFILE = """\
catalogue:
  code_profile: {name: local, pattern: '^(?P<main>SH\\d{4})$', item_pattern: '^\\d{3}$', item_separator: ""}
source: {format: jsonl}
"""


def test_identical_rows_merge_and_a_000_item_is_the_matter(cli: Any, tmp_path: Path) -> None:
    """A portal lists a matter once per role: identical rows of one matter (or one item)
    merge silently; an item code ending in 000 (no handling item) is the matter itself,
    through ``when:``. Rows of one item that differ are still reported."""
    lines = [
        {
            "dept": "市应急局",
            "code": "SH0001",
            "item": "SH0001000",
            "name": "信访",
            "sub": "信访",
            "net": "是",
            "role": "个人",
        },
        {
            "dept": "市应急局",
            "code": "SH0001",
            "item": "SH0001000",
            "name": "信访",
            "sub": "信访",
            "net": "是",
            "role": "法人",
        },
        {
            "dept": "市应急局",
            "code": "SH0002",
            "item": "SH0002001",
            "name": "考试",
            "sub": "报名",
            "net": "是",
            "role": "个人",
        },
        {
            "dept": "市应急局",
            "code": "SH0002",
            "item": "SH0002001",
            "name": "考试",
            "sub": "报名",
            "net": "是",
            "role": "法人",
        },
        {
            "dept": "市应急局",
            "code": "SH0002",
            "item": "SH0002002",
            "name": "考试",
            "sub": "收费",
            "net": "否",
            "role": "个人",
        },
        {
            "dept": "市应急局",
            "code": "SH0002",
            "item": "SH0002002",
            "name": "考试",
            "sub": "收费",
            "net": "是",
            "role": "法人",
        },
    ]
    source = write(
        tmp_path / "s.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines)
    )
    m = mapping(tmp_path, ROLE_FIELDS, extra=SH_PROFILE)
    out = tmp_path / "out"
    run = run_import(cli, source, m, out)
    assert run.code == 1, run.output
    problems = [line for line in run.stderr.splitlines() if "row " in line]
    assert len(problems) == 1 and "row 6 [item]" in problems[0], run.stderr
    got = {e["code"]: e for e in entries(out)}
    assert got["SH0001"] == {"code": "SH0001", "online": {"available": True}}  # no item
    assert [(i["code"], i["name"]) for i in got["SH0002"]["items"]] == [
        ("001", "报名"),
        ("002", "收费"),
    ]
    assert cli("validate", "--select", "C", cwd=out).code == 0  # 3-digit items fit


def test_on_error_fail_names_the_file_of_the_row(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder / "1.json", nested_doc(nested("F1", visits=1)))
    write(folder / "2.json", nested_doc(nested("F2", visits=0), nested("F3", visits="两次")))
    fields = NESTED_FIELDS.replace(
        "visits: {column: service.visits, parser: int}",
        "visits: {column: service.visits, parser: int, on_error: fail}",
    )
    m = mapping(tmp_path, fields, extra="source: {format: json, records: items}\n")
    run = run_import(cli, folder, m, tmp_path / "out")
    assert run.code == 2
    flat = " ".join(run.stderr.split())
    assert "export/2.json row 2 [service.visits]" in flat, flat
    assert not (tmp_path / "out").exists()
