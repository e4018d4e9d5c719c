"""Every catalogue part in the workbook: export writes bundles, region defaults, targets
and scope on sheets of their own (Chinese or English headers, drop-down lists from the
schemas, frozen headers), and import reads them back, so export → import → diff shows
no change at all, on the sample and on a generated province."""

from __future__ import annotations

import difflib
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from zjpaoyici.catalogue.fields import ROW_TITLES_EN
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.schemas import load_schema
from zjpaoyici.cli import diff_cmd, export_cmd, import_cmd  # noqa: F401  (registers them)
from zjpaoyici.files.resources import sample_catalogue_dir
from zjpaoyici.files.roundtrip import load_text, plain
from zjpaoyici.ops.tabular.exporter import DEFAULT_MAPPING
from zjpaoyici.ops.tabular.mapping import load_mapping

REPO = Path(__file__).resolve().parent.parent
SAMPLE = sample_catalogue_dir()


def _book(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(path)


def _records(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def _hidden_columns(ws: Any) -> set[int]:
    """The hidden columns' numbers (1-based): a writer may group neighbouring columns
    alike into one ``<col min max>`` record, which openpyxl keeps under its first letter."""
    return {i for d in ws.column_dimensions.values() if d.hidden for i in range(d.min, d.max + 1)}


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i) for i in range(1, count + 1)]


def _choices(ws: Any, column: str) -> list[str] | None:
    """The drop-down list on a header's column, as written in the sheet."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter([c.value for c in ws[1]].index(column) + 1)
    for dv in ws.data_validations.dataValidation:
        if str(dv.sqref).startswith(f"{letter}2:"):
            return str(dv.formula1).strip('"').split(",")
    return None


def test_every_part_has_its_sheet_with_schema_titles_and_lists(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "目录.xlsx"
    run = cli("export", str(SAMPLE), "-o", str(out), "--lang", "zh")
    assert run.code == 0, run.output
    wb = _book(out)
    assert wb.sheetnames == ["目录", "基本目录", "一件事", "区划缺省", "目录与文件设置"]
    assert all(ws.freeze_panes == "A2" for ws in wb)
    cat = load_catalogue(SAMPLE)
    bundle_schema = load_schema("bundle")["$defs"]["bundle"]["properties"]
    bundles = wb["一件事"]
    stamps = ["校验码", "导出时的值"]
    titles = [v["title"] for v in bundle_schema.values()]
    assert [c.value for c in bundles[1]] == ["文件", *titles, *stamps]
    # every sheet ends with the hidden stamp columns
    for ws in wb:
        head = [c.value for c in ws[1]]
        assert head[-2:] == stamps, ws.title
        assert {len(head) - 1, len(head)} <= _hidden_columns(ws), ws.title
    # the basic catalogue: once, on its own sheet (main matters, each followed by its subs)
    basic = wb["基本目录"]
    basic_schema = load_schema("basic")
    head = [c.value for c in basic[1]]
    assert head[:4] == ["文件", "主管部门", "所属主项编码", "事项编码"]
    assert [r["事项编码"] for r in _records(basic)] == list(cat.basic)
    assert all(r["所属主项编码"] == cat.basic[r["事项编码"]].main for r in _records(basic))
    assert _choices(basic, "事项类型") == basic_schema["$defs"]["type"]["enum"]
    assert all(r["区划代码"] for r in _records(wb["目录"]))  # no basic-matter rows there
    assert [r["一件事编码"] for r in _records(bundles)] == [b.code for b in cat.bundles]
    assert _choices(bundles, "生命周期") == bundle_schema["lifecycle"]["enum"]
    # every _defaults file, and every file with its own defaults, is on the defaults sheet
    files = {r["文件"] for r in _records(wb["区划缺省"])}
    shipped = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("_defaults*.yaml")}
    own = {
        p.relative_to(SAMPLE).as_posix()
        for p in (SAMPLE / "implementations").rglob("*.yaml")
        if "\ndefaults:" in p.read_text(encoding="utf-8")
    }
    assert shipped and own and files == shipped | own
    settings = {r["项目"]: r["值"] for r in _records(wb["目录与文件设置"])}
    assert settings["targets.province"] == cat.manifest.targets["province"]  # type: ignore[union-attr]
    assert settings["scope.exempt"] == "[]"
    # drop-down lists on the entry sheet: from the schemas and the mapping's yes/no
    impl = load_schema("implementation")["$defs"]
    main = wb["目录"]
    assert _choices(main, "办件类型") == [v for v in impl["case_type"]["enum"] if v]
    depth = impl["online"]["properties"]["depth"]
    assert _choices(main, "网办深度") == [str(n) for n in range(depth["maximum"] + 1)]
    assert _choices(main, "到办事现场次数") == [
        str(n) for n in range(impl["visits"]["maximum"] + 1)
    ]
    assert _choices(main, "快递送达") == ["是", "否"]
    assert _choices(main, "事项名称") is None
    # widths fit the Chinese titles (two columns per character)
    width = main.column_dimensions["G"].width
    assert main["G1"].value == "实施机构统一社会信用代码" and width >= 2 * 12


def test_english_sheet_names_and_headers(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    assert cli("export", str(SAMPLE), "-o", str(out), "--lang", "en").code == 0
    wb = _book(out)
    assert wb.sheetnames == [
        "Entries",
        "Basic catalogue",
        "Bundles",
        "Region defaults",
        "Settings and notes",
    ]
    assert [c.value for c in wb["Bundles"][1]][:3] == ["file", "bundle code", "bundle name"]
    # the entry sheet too: every column's English title, the hidden stamp columns last
    mapping = load_mapping(DEFAULT_MAPPING)
    head = [c.value for c in wb.worksheets[0][1]]
    assert head == [*(ROW_TITLES_EN[f] for f in mapping.fields), "stamp", "values at export"]
    assert not any(re.search(r"[\u4e00-\u9fff]", h) for h in head)


def test_an_english_workbook_applied_unedited_changes_nothing(cli: Any, tmp_path: Path) -> None:
    """Either header language reads back: an English export applied as it is."""
    root, before = _copied(tmp_path)
    book = tmp_path / "en.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "en").code == 0
    run = cli("apply", str(book), str(root), "--write", "--delete")
    assert run.code == 0, run.output
    assert " 0 fields edited" in run.stdout and "Nothing to write." in run.output
    assert _lines(root, before) == {}
    # an edit on the English sheet is read under its English title
    wb = _book(book)
    ws = wb.worksheets[0]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["Region code"]).value)
    ws.cell(row, col["Note"]).value = "edited in English"
    wb.save(book)
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 0, run.output
    assert "1 fields edited" in run.stdout and "Note" in run.stdout
    changed = _lines(root, before)
    assert len(changed) == 1
    ((_, new),) = changed.values()
    assert len(new) == 1 and "edited in English" in new[0]


def _round_trip(cli: Any, root: Path, tmp_path: Path, lang: str) -> Path:
    book = tmp_path / f"{lang}.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", lang).code == 0
    back = tmp_path / f"back-{lang}"
    run = cli("import", str(book), "-m", "export", "-o", str(back))
    assert run.code == 0, run.output
    return back


def _parts(root: Path) -> dict[str, Any]:
    """The parts import used to lose: bundles, targets, scope, every _defaults file; and
    the basic catalogue's files, as written (main and sub matters)."""
    cat = load_catalogue(root)
    assert cat.manifest is not None
    return {
        "basic": {
            p.name: plain(load_text(p.read_text(encoding="utf-8")))
            for p in sorted((root / "basic").glob("*.yaml"))
        },
        "bundles": [plain(b.src.doc.data["bundles"][b.src.pointer[1]]) for b in cat.bundles],
        "targets": cat.manifest.targets,
        "scope": (cat.manifest.scope_types, cat.manifest.exempt),
        "defaults": {
            f.doc.path.relative_to(root).as_posix(): (f.defaults, [plain(e) for e, _ in f.entries])
            for f in cat.defaults_files()
        },
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_import_diff_shows_no_change_on_the_sample(
    cli: Any, tmp_path: Path, lang: str
) -> None:
    back = _round_trip(cli, SAMPLE, tmp_path, lang)
    run = cli("diff", str(SAMPLE), str(back), "--fail-on", "any")
    assert run.code == 0, run.output
    assert "No changes." in run.stdout
    assert _parts(back) == _parts(SAMPLE)
    assert cli("validate", str(back)).code == 0
    assert cli("fmt", "--check", str(back)).code == 0


def test_export_import_diff_shows_no_change_on_a_generated_province(
    cli: Any, tmp_path: Path
) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from gen_province import generate

    root = tmp_path / "gen"
    generate(root, cities=1, counties_per_city=1)
    back = _round_trip(cli, root, tmp_path, "zh")
    run = cli("diff", str(root), str(back), "--fail-on", "any")
    assert run.code == 0, run.output
    assert "No changes." in run.stdout
    parts = _parts(root)
    assert parts["bundles"] and parts["defaults"] and parts["basic"]
    assert _parts(back) == parts


def test_a_bad_cell_on_a_part_sheet_is_named_by_sheet_row_and_column(
    cli: Any, tmp_path: Path
) -> None:
    book = tmp_path / "b.xlsx"
    assert cli("export", str(SAMPLE), "-o", str(book), "--lang", "zh").code == 0
    wb = _book(book)
    ws = wb["一件事"]
    header = [c.value for c in ws[1]]
    ws.cell(3, header.index("到办事现场次数") + 1).value = "三次"
    ws.cell(4, header.index("统一申请材料") + 1).value = "[{name: 表, required: true"
    wb.save(book)
    run = cli("import", str(book), "-m", "export", "-o", str(tmp_path / "back"), "--lang", "zh")
    assert run.code == 1
    assert "工作表「一件事」第 3 行 [到办事现场次数]" in run.stderr
    assert "工作表「一件事」第 4 行 [统一申请材料]" in run.stderr
    # the rest is written: the bundle keeps its other fields
    text = (tmp_path / "back" / "bundles" / "enterprise.yaml").read_text(encoding="utf-8")
    assert "YJS-QY-002" in text


def test_a_workbook_without_part_sheets_still_imports(cli: Any, tmp_path: Path) -> None:
    """A csv export (one table) has no part sheets: import is as before."""
    out = tmp_path / "t.csv"
    assert cli("export", str(SAMPLE), "-o", str(out)).code == 0
    back = tmp_path / "back"
    assert cli("import", str(out), "-m", "export", "-o", str(back)).code == 0
    assert not (back / "bundles").exists()
    shutil.rmtree(back)


def _copied(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the sample to edit, and its files' texts before any edit."""
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    return root, {
        p.relative_to(root).as_posix(): p.read_text("utf-8") for p in root.rglob("*.yaml")
    }


def _lines(root: Path, before: dict[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """Per changed file: the lines gone and the lines new (as a diff would show them)."""
    out = {}
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        now = path.read_text(encoding="utf-8")
        if now != before[rel]:
            diff = list(difflib.ndiff(before[rel].splitlines(), now.splitlines()))
            out[rel] = ([x[2:] for x in diff if x[0] == "-"], [x[2:] for x in diff if x[0] == "+"])
    return out


@pytest.mark.parametrize("via", ["openpyxl", "libreoffice"])
def test_apply_writes_part_sheet_edits_where_they_live(cli: Any, tmp_path: Path, via: str) -> None:
    """Edits on the basic catalogue, bundle, defaults and settings sheets (English
    headers, and through a workbook LibreOffice really saved) change exactly those
    values in their own files;
    a new and a removed part row are conflicts, never silently dropped."""
    from tests.test_apply import Book, _saved

    root, before = _copied(tmp_path)
    book_path = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book_path), "--lang", "en").code == 0
    book = Book(book_path)
    wb = book.wb
    ws = wb["Bundles"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("on-site visits") + 1).value = 1
    ws.append(["bundles/enterprise.yaml", "YJS-QY-099", "A new bundle"])
    ws = wb["Region defaults"]
    head = [c.value for c in ws[1]]
    col = {name: head.index(name) + 1 for name in ("file", "matter code", "reach", "case type")}
    col["express"] = head.index("express delivery") + 1
    gone = None
    for r in range(2, ws.max_row + 1):
        file, code = ws.cell(r, col["file"]).value, ws.cell(r, col["matter code"]).value
        if (file, code) == ("implementations/330100/_defaults.yaml", "公共服务-00768-000"):
            ws.cell(r, col["reach"]).value = "全省通办"
        if (file, code) == ("implementations/330200/zrzy.yaml", "defaults"):
            ws.cell(r, col["express"]).value = None
            ws.cell(r, col["case type"]).value = "即办件"
        if (file, code) == ("implementations/330100/_defaults.yaml", "许可-00808-001"):
            gone = r
    assert gone is not None
    ws.delete_rows(gone)
    ws = wb["Settings and notes"]
    head = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 4).value == "targets.province")
    assert head[:6] == [
        "file",
        "region code",
        "implementing department",
        "setting",
        "meaning",
        "value",
    ]
    assert ws.cell(row, 1).value == "catalogue.yaml"
    ws.cell(row, 6).value = 0.95
    ws = wb["Basic catalogue"]  # a main matter's note, a sub matter's name
    head = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, head.index("matter code") + 1).value
        if code == "许可-00757-000":
            ws.cell(r, head.index("note") + 1).value = "主项备注已改"
        if code == "许可-00757-002":
            ws.cell(r, head.index("matter name") + 1).value = "机动车驾驶证换领"
    _saved(book, book_path, via)
    run = cli("apply", str(book_path), str(root), "--write")
    assert run.code == 1  # the two conflicts
    assert (
        "sheet 'Bundles' row 15  YJS-QY-099  no record in the YAML matches this row" in run.stdout
    )
    assert "许可-00808-001  this record was removed from the sheet" in run.stdout
    assert (
        "sheet 'Region defaults' row" in run.stdout and "reach: 全市通办 → 全省通办" in run.stdout
    )
    assert _lines(root, before) == {
        "basic/gat.yaml": (
            [
                "    note: 主项编码及子项001为公开资料所见真实编码，子项002至005为示意编码",
                "        name: 机动车驾驶证换证",
            ],
            ["    note: 主项备注已改", "        name: 机动车驾驶证换领"],
        ),
        "bundles/enterprise.yaml": (["    visits: 0"], ["    visits: 1"]),
        "catalogue.yaml": (["  province: 0.90"], ["  province: 0.95"]),
        "implementations/330100/_defaults.yaml": (["    reach: 全市通办"], ["    reach: 全省通办"]),
        "implementations/330200/zrzy.yaml": (
            ["  case_type: 承诺件", "  express: true"],
            ["  case_type: 即办件"],
        ),
    }


def _edit_inherited(book_path: Path, edits: dict[str, dict[str, Any]]) -> None:
    """Set cells of entry rows (region → {column: value}) of 许可-01101-001."""
    wb = _book(book_path)
    ws = wb["目录"]
    head = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        cells = {h: ws.cell(r, i + 1) for i, h in enumerate(head)}
        region = cells["区划代码"].value
        if cells["事项编码"].value == "许可-01101-001" and not cells["办理项编码"].value:
            for column, value in edits.get(region, {}).items():
                cells[column].value = value
    wb.save(book_path)


def test_to_source_writes_an_inherited_edit_to_its_layer(cli: Any, tmp_path: Path) -> None:
    root, before = _copied(tmp_path)
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    # 网办深度 comes from the province's _defaults-zrzy.yaml, 办件类型 from the file's defaults
    _edit_inherited(book, {"330200": {"网办深度": 3, "办件类型": "即办件"}})
    inheriting = sorted(
        e.region
        for e in _entries(load_catalogue(root), "许可-01101-001")
        if e.origin("online", "depth").doc.path.name == "_defaults-zrzy.yaml"
    )
    assert len(inheriting) >= 5
    run = cli("apply", str(book), str(root), "--to-source", "--write")
    assert run.code == 0, run.output
    assert "--to-source: changed in the shared layer" in run.stdout
    for region in inheriting:  # the preview lists every region the shared change reaches
        assert f"\n{region} " in run.stdout, region
    assert _lines(root, before) == {
        "implementations/330000/_defaults-zrzy.yaml": (
            ["    online: {depth: 4, mobile: true}"],
            ["    online: {depth: 3, mobile: true}"],
        ),
        "implementations/330200/zrzy.yaml": (["  case_type: 承诺件"], ["  case_type: 即办件"]),
    }


def test_to_source_a_merged_materials_list_is_a_conflict(cli: Any, tmp_path: Path) -> None:
    """Materials merge by name across layers: with --to-source an edited list that has
    inherited materials is a conflict with its three values and a hint, not written;
    the row's other edit still goes to its source."""
    root, before = _copied(tmp_path)
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    materials = "建设用地规划许可证申请表\n建设项目批准、核准或者备案文件"  # two of four kept
    _edit_inherited(book, {"330200": {"网办深度": 3, "必要材料": materials}})
    run = cli("apply", str(book), str(root), "--to-source", "--write")
    assert run.code == 1, run.output
    assert "330200 许可-01101-001  the materials list is merged by name" in run.stdout
    assert "edit the shared layer's materials on the Region defaults sheet" in run.stdout
    assert "必要材料: at export 建设用地规划许可证申请表 ⏎ 建设项目批准" in run.stdout
    assert _lines(root, before) == {
        "implementations/330000/_defaults-zrzy.yaml": (
            ["    online: {depth: 4, mobile: true}"],
            ["    online: {depth: 3, mobile: true}"],
        ),
    }
    # the written shared change makes the row stale now: applying it again is a conflict
    run = cli("apply", str(book), str(root))
    assert "the YAML changed since the export" in run.stdout


def test_without_to_source_the_entry_gets_its_own_value(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    shared = root / "implementations" / "330000" / "_defaults-zrzy.yaml"
    text = shared.read_text("utf-8")
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    _edit_inherited(book, {"330200": {"网办深度": 3}})
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 0, run.output
    assert shared.read_text("utf-8") == text
    assert "depth: 3" in (root / "implementations" / "330200" / "zrzy.yaml").read_text("utf-8")


def test_to_source_two_rows_two_values_is_a_conflict(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    regions = sorted(e.region for e in _entries(load_catalogue(root), "许可-01101-001"))[:2]
    _edit_inherited(book, {regions[0]: {"网办深度": 3}, regions[1]: {"网办深度": 2}})
    run = cli("apply", str(book), str(root), "--to-source")
    assert run.code == 1
    assert "another row already set this shared value to something else" in run.stdout


def _entries(cat: Any, code: str) -> list[Any]:
    from zjpaoyici.catalogue.resolve import resolve_region

    return [e for f in cat.region_folders() for e in resolve_region(cat, f) if e.code == code]


def test_new_item_of_a_new_entry_and_a_basic_edit_named_by_column(cli: Any, tmp_path: Path) -> None:
    """A new entry and a new item of it in the same workbook are both added; an edit of
    an entry row's 四同 field is a conflict naming row and column with its three values
    and the basic catalogue sheet."""
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    wb = _book(book)
    ws = wb["目录"]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    code = "许可-01101-001"
    # a 四同 field edited on an entry row: the basic catalogue's, edited on its own sheet
    basic_row = next(
        r for r in range(2, ws.max_row + 1) if ws.cell(r, col["事项编码"] + 1).value != code
    )
    old_name = ws.cell(basic_row, col["事项名称"] + 1).value
    ws.cell(basic_row, col["事项名称"] + 1).value = old_name + "（改）"
    # the matter in a region that does not implement it yet, then an item of it
    cat = load_catalogue(root)
    have = {e.region for e in _entries(cat, code)}
    region, department, uscc = next(
        (folder, f.department, f.agency_uscc)
        for folder in cat.region_folders()
        for f in cat.impl_files.get(folder, [])
        if folder not in have and f.kind == "implementation" and f.department
    )
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    # a row as export writes one: the matter's columns from a row of the code, the
    # region's from a row of the region, the rest blank (no stamp: a new row)
    matter = next(r for r in rows if r[col["事项编码"]] == code and r[col["区划代码"]])
    place = next(r for r in rows if r[col["区划代码"]] == region)
    own = {"部门", "实施主体", "实施机构统一社会信用代码", "实施编码", "办理项编码", "办理项名称"}
    new = [
        p if h in ("区划代码", "区划名称", "区划层级", "上级区划代码") else None if h in own else m
        for h, m, p in zip(head, matter, place, strict=True)
    ]
    new[col["部门"]] = department
    new[col["实施机构统一社会信用代码"]] = uscc
    new[-2:] = [None, None]
    for key, value in {"到办事现场次数": 0, "承诺办结时限": "3个工作日"}.items():
        new[col[key]] = value
    item = list(new)
    item[col["办理项编码"]] = cat.profile.item_full_code(code, "01")
    item[col["办理项名称"]] = "新办理项"
    ws.append(new)
    ws.append(item)
    wb.save(book)
    run = cli("apply", str(book), str(root), "--write", "--delete")  # the new rows stay
    assert run.code == 1  # the 四同 edit
    assert f"row {basic_row}" in run.stdout
    assert "edit the basic catalogue on its own sheet" in run.stdout
    assert f"{old_name}（改）" in run.stdout
    assert run.stdout.count("  + ") == 2, run.stdout
    added = [e for e in _entries(load_catalogue(root), code) if e.region == region]
    assert len(added) == 1 and [i.name for i in added[0].items] == ["新办理项"]
    assert added[0].facts.visits == 0


def test_a_region_export_applied_unedited_changes_nothing(cli: Any, tmp_path: Path) -> None:
    """Other regions' file defaults are not on a one-region workbook: not 'removed'."""
    root, before = _copied(tmp_path)
    book = tmp_path / "r.xlsx"
    assert cli("export", str(root), "--region", "330106", "-o", str(book)).code == 0
    run = cli("apply", str(book), str(root), "--write", "--delete")
    assert run.code == 0, run.output
    assert " 0 conflicts" in run.stdout and "Nothing to write." in run.output
    assert _lines(root, before) == {}


def _cell_of(ws: Any, column: str, match: dict[str, str]) -> Any:
    """The cell of ``column`` in the row whose cells equal ``match`` (column → value)."""
    head = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if all(ws.cell(r, head.index(k) + 1).value == v for k, v in match.items()):
            return ws.cell(r, head.index(column) + 1)
    raise KeyError(match)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_stale_part_rows_are_conflicts_with_their_three_values(cli: Any, tmp_path: Path) -> None:
    """Every part row is stamped: an edited row whose record changed in the YAML after
    the export (a bundle row, a defaults row) is a conflict with the value at export,
    in the workbook and in the YAML now; the other edits apply; an unedited row whose
    YAML changed keeps the YAML's value; a sub matter moved to another main on the
    basic sheet is a conflict naming the column."""
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    wb = _book(book)
    bundles, defaults = wb["一件事"], wb["区划缺省"]
    _cell_of(bundles, "到办事现场次数", {"一件事编码": "YJS-QY-002"}).value = 0  # stale
    _cell_of(bundles, "到办事现场次数", {"一件事编码": "YJS-QY-003"}).value = 1
    hangzhou = "implementations/330100/_defaults.yaml"
    _cell_of(
        defaults, "通办范围", {"文件": hangzhou, "事项编码": "公共服务-00768-000"}
    ).value = "跨省通办"  # stale
    _cell_of(
        defaults, "通办范围", {"文件": hangzhou, "事项编码": "公共服务-00769-000"}
    ).value = "全省通办"
    _cell_of(
        wb["基本目录"], "所属主项编码", {"事项编码": "许可-00757-002"}
    ).value = "许可-00760-000"
    wb.save(book)
    # the YAML after the export: two of the edited records, and an unedited setting
    _replace_once(
        root / "bundles" / "enterprise.yaml",
        "    visits: 1\n    onsite_reason",
        "    visits: 2\n    onsite_reason",
    )
    _replace_once(
        root / hangzhou,
        '- code: "公共服务-00768-000"\n    reach: 全市通办',
        '- code: "公共服务-00768-000"\n    reach: 全省通办',
    )
    _replace_once(root / "catalogue.yaml", "  province: 0.90", "  province: 0.92")
    before = {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in root.rglob("*.yaml")}
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 1, run.output
    out = run.stdout
    assert out.count("the YAML changed since the export") == 2, out
    assert "sheet '一件事' row 3  YJS-QY-002  the YAML changed since the export" in out
    assert "到办事现场次数: at export 1, in the workbook 0, in the YAML now 2" in out
    assert "公共服务-00768-000  the YAML changed since the export" in out
    assert "通办范围: at export 全市通办, in the workbook 跨省通办, in the YAML now 全省通办" in out
    assert "许可-00757-002  a column placing the record" in out
    assert "所属主项编码: at export 许可-00757-000, in the workbook 许可-00760-000" in out
    assert "3 conflicts" in out
    # only the two fresh edits were written; the stale ones and the setting are as the YAML says
    assert _lines(root, before) == {
        "bundles/enterprise.yaml": (["    visits: 0"], ["    visits: 1"]),
        hangzhou: (["    reach: 全市通办"], ["    reach: 全省通办"]),
    }
    assert "  province: 0.92" in (root / "catalogue.yaml").read_text(encoding="utf-8")


def test_an_unreadable_part_cell_is_reported_never_removed(cli: Any, tmp_path: Path) -> None:
    """A cell apply cannot read is a problem named by sheet, row and column; its row is
    left alone (the key is not taken for removed)."""
    root, before = _copied(tmp_path)
    book = tmp_path / "book.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    wb = _book(book)
    cell = _cell_of(wb["一件事"], "统一申请材料", {"一件事编码": "YJS-QY-002"})
    cell.value = "[{name: 表, required: true"
    wb.save(book)
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 1
    assert "sheet '一件事' row 3 [统一申请材料]" in run.stderr, run.stderr
    assert _lines(root, before) == {}


def _noted(root: Path) -> dict[str, str]:
    """A top-level note added to one file of every kind (the sample has none)."""
    files = {
        "catalogue.yaml": "目录说明",
        "basic/gat.yaml": "公安厅基本目录说明",
        "bundles/individual.yaml": "个人一件事说明",
        "implementations/330000/_defaults-gat.yaml": "省级统一要素说明",
        "implementations/330106/gat.yaml": "西湖分局实施清单说明",
    }
    for rel, note in files.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nschema: ", f"\nnote: {note}\nschema: ", 1), "utf-8")
    return files


def _own_settings(root: Path) -> dict[Any, dict[str, Any]]:
    """Every file's top-level keys that are no records, by its path (a region file's by
    region and department: import names those files by department)."""
    out: dict[Any, dict[str, Any]] = {}
    records = {"schema", "matters", "bundles", "regions", "defaults", "region", "department"}
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        data = plain(load_text(path.read_text(encoding="utf-8")))
        if rel.startswith("implementations/") and not path.name.startswith("_defaults"):
            key: Any = (data["region"], data["department"])
        else:
            key = rel
        own = {k: v for k, v in data.items() if k not in records and k != "agency_uscc"}
        if own:
            out[key] = own
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_files_own_settings_and_notes_come_back(cli: Any, tmp_path: Path, lang: str) -> None:
    """Nothing is lost: the manifest's name, table, profile and note, regions.yaml's
    table, source and retired codes, and each file's top-level note travel on the
    settings sheet and come back from import, and from apply as edits."""
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    notes = _noted(root)
    assert cli("validate", str(root)).code == 0
    want = _own_settings(root)
    assert want["regions.yaml"]["retired"] and want["catalogue.yaml"]["note"] == "目录说明"
    assert want[("330106", "杭州市公安局西湖分局")] == {
        "note": notes["implementations/330106/gat.yaml"]
    }
    back = _round_trip(cli, root, tmp_path, lang)
    assert _own_settings(back) == want
    book = tmp_path / f"{lang}.xlsx"
    wb = _book(book)
    assert wb.sheetnames[0] == ("目录" if lang == "zh" else "Entries")
    before = {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in root.rglob("*.yaml")}
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 0 and "Nothing to write." in run.output, run.output
    # a note edited on the settings sheet is written into its own file only
    ws = wb.worksheets[-1]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "basic/gat.yaml" and ws.cell(r, 4).value == "note":
            ws.cell(r, 6).value = "公安厅基本目录说明（已改）"
    wb.save(book)
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 0, run.output
    assert _lines(root, before) == {
        "basic/gat.yaml": (["note: 公安厅基本目录说明"], ["note: 公安厅基本目录说明（已改）"])
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sheet_the_user_put_first_is_not_read_as_the_entries(
    cli: Any, tmp_path: Path, lang: str
) -> None:
    """Excel and WPS users add sheets, often in front: import and apply still find the
    export's entry sheet by its name (目录 / Entries), and read every row of it."""
    book = tmp_path / "book.xlsx"
    assert cli("export", str(SAMPLE), "-o", str(book), "--lang", lang).code == 0
    wb = _book(book)
    entries = wb.worksheets[0].max_row - 1
    wb.create_sheet("我的备注", 0)["A1"] = "随手记"
    wb.save(book)
    back = tmp_path / "back"
    run = cli("import", str(book), "-m", "export", "-o", str(back))
    assert run.code == 0, run.output
    assert f"Imported {entries} rows" in run.output or f"已导入 {entries} 行" in run.output
    assert cli("diff", str(SAMPLE), str(back), "--fail-on", "any").code == 0
    run = cli("apply", str(book), str(SAMPLE))
    assert run.code == 0 and "Nothing to write." in run.output, run.output


def test_a_workbook_from_before_the_settings_sheet_applies_and_never_crashes(
    cli: Any, tmp_path: Path
) -> None:
    """A workbook exported before the settings sheet had its file columns (the sheet
    目标与范围: setting, meaning, value; the manifest's targets and scope only) still
    applies: unedited it changes nothing, an edit is written; a row whose hidden cells
    at export do not fit the sheet's columns is a conflict, not an internal error."""
    from zjpaoyici.ops.tabular.parts import cells_json, stamp

    root, before = _copied(tmp_path)
    book = tmp_path / "old.xlsx"
    assert cli("export", str(root), "-o", str(book), "--lang", "zh").code == 0
    wb = _book(book)
    new = wb["目录与文件设置"]
    kept = [
        [c.value for c in row][3:6]
        for row in new.iter_rows(min_row=2)
        if row[0].value == "catalogue.yaml" and str(row[3].value).startswith(("targets.", "scope."))
    ]
    wb.remove(new)
    old = wb.create_sheet("目标与范围")
    old.append(["项目", "说明", "值", "校验码", "导出时的值"])
    for cells in kept:
        old.append([*cells, stamp(cells), cells_json(cells)])
    wb.save(book)
    run = cli("apply", str(book), str(root))
    assert run.code == 0 and f"{sum(ws.max_row - 1 for ws in wb)} unchanged" in run.output
    assert "Nothing to write." in run.output, run.output
    row = next(r for r in range(2, old.max_row + 1) if old.cell(r, 1).value == "targets.city")
    old.cell(row, 3).value = 0.85
    wb.save(book)
    run = cli("apply", str(book), str(root), "--write")
    assert run.code == 0, run.output
    assert _lines(root, before) == {"catalogue.yaml": (["  city: 0.80"], ["  city: 0.85"])}
    # a stamp that fits hidden cells of the wrong width: the row is stale, never a crash
    cells = [old.cell(row, 1).value, old.cell(row, 2).value]
    old.cell(row, 3).value = 0.7
    old.cell(row, 4).value, old.cell(row, 5).value = stamp(cells), cells_json(cells)
    wb.save(book)
    run = cli("apply", str(book), str(root))
    assert run.code == 1, run.output
    assert "targets.city" in run.output and "internal error" not in run.output


def test_a_settings_row_of_no_file_or_no_setting_is_named_and_skipped(
    cli: Any, tmp_path: Path
) -> None:
    """A settings row naming a file outside the catalogue, or a setting its file does
    not have, and a sub matter whose main is not on the basic sheet, are reported by
    sheet, row and column (titled as the English sheet shows it) and left out; the
    other rows are imported."""
    book = tmp_path / "b.xlsx"
    assert cli("export", str(SAMPLE), "-o", str(book), "--lang", "en").code == 0
    wb = _book(book)
    ws = wb["Settings and notes"]
    ws.append(["../../etc/passwd", None, None, "note", None, "x"])
    ws.append(["basic/gat.yaml", None, None, "targets.city", None, 0.5])
    basic = wb["Basic catalogue"]  # a sub matter whose main is not on the sheet
    head = [c.value for c in basic[1]]
    sub = next(r for r in range(2, basic.max_row + 1) if basic.cell(r, 3).value)
    basic.cell(sub, head.index("main matter code") + 1).value = "许可-99999-000"
    wb.save(book)
    back = tmp_path / "back"
    run = cli("import", str(book), "-m", "export", "-o", str(back), "--lang", "en")
    assert run.code == 1, run.output
    rows = ws.max_row
    assert f"sheet 'Settings and notes' row {rows - 1} [file]" in run.stderr
    assert "'../../etc/passwd' is not a catalogue file" in run.stderr
    assert f"sheet 'Settings and notes' row {rows} [setting]" in run.stderr
    assert "basic/gat.yaml has no setting 'targets.city' (known: note)" in run.stderr
    assert f"sheet 'Basic catalogue' row {sub} [main matter code]" in run.stderr
    assert not (tmp_path / "etc").exists()
    assert "0.5" not in (back / "basic" / "gat.yaml").read_text(encoding="utf-8")
    assert "city: 0.8" in (back / "catalogue.yaml").read_text(encoding="utf-8")
