"""``explode``: one row per handling item, every inherited value filled in; csv, xlsx, json,
yaml; spreadsheet safety; ``--write`` materialises generated items without changing anything."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tests.conftest import REPO
from zjpaoyici.catalogue.fields import ROW_COLUMNS
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.resolve import resolve_all
from zjpaoyici.cli import explode_cmd  # noqa: F401  (registers the command)
from zjpaoyici.ops.explode import FilePlan, ItemAddition, materialise_text
from zjpaoyici.render import table_out

SAMPLE = REPO / "catalog"
WEST_LAKE = "implementations/330106/scjg.yaml"


def situations_entry(applicant: list[str], action: list[str]) -> str:
    return (
        "schema: zjpaoyici/implementation/v1\n"
        'region: "330106"\n'
        "department: 杭州市西湖区市场监督管理局\n"
        "matters:\n"
        '  - code: "许可-00802-001"\n'
        "    visits: 0\n"
        "    promised_limit: {days: 3}\n"
        "    case_type: 承诺件\n"
        "    online: {depth: 4, mobile: true}\n"
        "    situations:\n"
        f"      applicant: [{', '.join(applicant)}]\n"
        f"      action: [{', '.join(action)}]\n"
        '    item_name: "{name}（{action}—{applicant}）"\n'
    )


def explode_json(cli: Any, root: Path, *args: str) -> list[dict[str, Any]]:
    run = cli("explode", "--format", "json", *args, cwd=root)
    assert run.code == 0, run.output
    rows: list[dict[str, Any]] = json.loads(run.stdout)
    return rows


def test_situations_give_six_items_with_stable_codes(base_catalogue: Path, cli: Any) -> None:
    (base_catalogue / WEST_LAKE).write_text(
        situations_entry(["个体工商户", "企业"], ["新办", "变更", "注销"]), encoding="utf-8"
    )
    rows = explode_json(cli, base_catalogue, "--region", "330106")
    mine = [r for r in rows if r["sub_code"] == "许可-00802-001"]
    assert [r["item_code"] for r in mine] == [f"许可-00802-001-0{n}" for n in range(1, 7)]
    # Numbered by the highest value number, then by position (see resolve.situation_combinations):
    # whatever value is appended later, these six keep their codes.
    pairs = [(r["situation"]["applicant"], r["situation"]["action"]) for r in mine]
    assert pairs == [
        ("个体工商户", "新办"),
        ("个体工商户", "变更"),
        ("企业", "新办"),
        ("企业", "变更"),
        ("个体工商户", "注销"),
        ("企业", "注销"),
    ]
    assert mine[0]["item_name"] == "食品经营许可（新办）（新办—个体工商户）"
    assert len(set(pairs)) == 6
    first_six = [(r["item_code"], r["item_name"], r["situation"]) for r in mine]

    for applicant, action in (
        (["个体工商户", "企业", "农民专业合作社"], ["新办", "变更", "注销"]),
        (["个体工商户", "企业"], ["新办", "变更", "注销", "延续"]),
    ):
        (base_catalogue / WEST_LAKE).write_text(
            situations_entry(applicant, action), encoding="utf-8"
        )
        again = [
            r
            for r in explode_json(cli, base_catalogue, "--region", "330106")
            if r["sub_code"] == "许可-00802-001"
        ]
        assert len(again) == len(applicant) * len(action)
        assert [(r["item_code"], r["item_name"], r["situation"]) for r in again[:6]] == first_six


def expected_row_count(root: Path) -> int:
    """Rows explode should give, counted from the YAML itself: an entry's explicit item
    codes together with the codes its situations generate, or one row for the entry."""
    total = 0
    for path in sorted((root / "implementations").glob("*/*.yaml")):
        if path.name.startswith("_defaults"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data.get("matters") or []:
            codes = {i["code"] for i in entry.get("items") or []}
            dims = entry.get("situations") or {}
            if dims:
                codes |= {
                    f"{n:02d}" for n in range(1, math.prod(len(v) for v in dims.values()) + 1)
                }
            total += max(1, len(codes))
    return total


def test_one_row_per_item_or_entry(cli: Any, tmp_path: Path) -> None:
    rows = explode_json(cli, tmp_path, str(SAMPLE))
    assert len(rows) == expected_row_count(SAMPLE) > 2400
    assert list(rows[0]) == [c.key for c in ROW_COLUMNS]
    with_items = [r for r in rows if r["item_code"]]
    assert len(with_items) == 2 + 2 + 6 + 8  # 330106, 330200 and 330481, seen in the YAML
    assert all(r["region"] and r["department"] and r["main_code"] for r in rows)


def test_inherited_values_are_filled_in(cli: Any, tmp_path: Path) -> None:
    rows = explode_json(cli, tmp_path, str(SAMPLE), "--region", "330106")
    row = next(r for r in rows if r["sub_code"] == "许可-00802-003")
    # The entry says only visits and annual cases; the promised limit comes from Hangzhou's
    # _defaults.yaml, the legal limit and type from the basic catalogue, online depth and
    # materials from the province's _defaults-scjg.yaml, case type and express from the file.
    assert row["region_name"] == "西湖区" and row["level"] == "county"
    assert row["main_code"] == "许可-00802-000" and row["main_name"] == "食品经营许可"
    assert row["sub_name"] == "食品经营许可（延续）"
    assert (row["promised_days"], row["promised_unit"]) == (1, "working")
    assert (row["legal_days"], row["legal_unit"]) == (10, "working")
    assert row["type"] == "行政许可" and row["case_type"] == "承诺件" and row["express"] is True
    assert row["visits"] == 0 and row["meets"] is True and row["annual_cases"] == 566
    assert row["online_depth"] is not None and row["materials"] > 0
    items = [r for r in rows if r["sub_code"] == "许可-00802-001"]
    assert [(r["item_code"], r["visits"], r["online_depth"]) for r in items] == [
        ("许可-00802-001-01", 0, 4),
        ("许可-00802-001-02", 1, 3),
    ]
    assert items[1]["annual_cases"] == 1795  # inherited from the entry


def test_level_and_region_selection(cli: Any, tmp_path: Path) -> None:
    rows = explode_json(cli, tmp_path, str(SAMPLE), "--level", "city")
    assert rows and {r["level"] for r in rows} == {"city"}
    assert cli("explode", str(SAMPLE), "--region", "999999", cwd=tmp_path).code == 2
    assert cli("explode", str(SAMPLE), "--region", "330106", "--level", "city").code == 2
    assert cli("explode", str(SAMPLE), "--format", "xlsx", cwd=tmp_path).code == 2


def test_chinese_headers_by_default_english_on_request(cli: Any, tmp_path: Path) -> None:
    zh = cli("explode", str(SAMPLE), "--region", "330106", "--lang", "zh", cwd=tmp_path)
    en = cli("explode", str(SAMPLE), "--region", "330106", "--lang", "en", cwd=tmp_path)
    assert zh.stdout.splitlines()[0].startswith("区划代码,区划名称,层级,实施部门")
    assert en.stdout.splitlines()[0].startswith("Region code,Region name,Level,Department")
    assert "县（市、区）" in zh.stdout and ",是," in zh.stdout and ",工作日," in zh.stdout
    assert ",county," in en.stdout and ",yes," in en.stdout


def calamine_rows(path: Path) -> list[list[str]]:
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    out = []
    for row in sheet.to_python():
        cells = []
        for v in row:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            cells.append("" if v is None else str(v))
        out.append(cells)
    return out


def pad(rows: list[list[str]], width: int) -> list[list[str]]:
    return [r + [""] * (width - len(r)) for r in rows]


def test_xlsx_has_the_same_cells_as_csv(cli: Any, tmp_path: Path) -> None:
    xlsx, csv_path = tmp_path / "items.xlsx", tmp_path / "items.csv"
    for out in (xlsx, csv_path):
        run = cli("explode", str(SAMPLE), "--lang", "zh", "-o", str(out), cwd=tmp_path)
        assert run.code == 0, run.output
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        from_csv = list(csv.reader(fh))
    from_xlsx = calamine_rows(xlsx)
    assert len(from_csv) == len(from_xlsx) == expected_row_count(SAMPLE) + 1
    assert pad(from_xlsx, len(ROW_COLUMNS)) == from_csv
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM

    ws = load_workbook(xlsx)["办理项"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:Z{len(from_csv)}"  # 26 columns, agency and 可网办 among them
    assert ws["A1"].font.bold
    widths = {c: ws.column_dimensions[c].width for c in ("A", "J", "M")}
    assert widths["J"] > widths["M"] >= 6  # item names wide, counts narrow


HOSTILE = {
    "department": '=HYPERLINK("http://evil.example/","点击查看")',
    "name": "+1+2",
    "reason": "@SUM(A1:A9)",
    "reach": "-3+4",
}


def hostile_catalogue(root: Path) -> None:
    (root / WEST_LAKE).write_text(
        "schema: zjpaoyici/implementation/v1\n"
        'region: "330106"\n'
        f"department: '{HOSTILE['department']}'\n"
        "matters:\n"
        '  - code: "许可-00802-001"\n'
        "    visits: 1\n"
        f'    onsite_reason: "{HOSTILE["reason"]}"\n'
        f'    reach: "{HOSTILE["reach"]}"\n'
        "    promised_limit: {days: 3}\n"
        "    case_type: 承诺件\n"
        "    online: {depth: 3, mobile: true}\n"
        "    items:\n"
        f'      - {{code: "01", name: "{HOSTILE["name"]}"}}\n',
        encoding="utf-8",
    )


def test_formula_like_text_stays_text(base_catalogue: Path, cli: Any, tmp_path: Path) -> None:
    hostile_catalogue(base_catalogue)
    out_csv, out_xlsx = tmp_path / "x.csv", tmp_path / "x.xlsx"
    for out in (out_csv, out_xlsx):
        args = ("explode", "--region", "330106", "--lang", "zh", "-o", str(out))
        assert cli(*args, cwd=base_catalogue).code == 0
    text = out_csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and ",'+1+2," in text
    for line in list(csv.reader(io.StringIO(text)))[1:]:
        assert not any(cell and cell[0] in "=+-@" for cell in line), line
    ws = load_workbook(out_xlsx)["办理项"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    dept = next(c for c in cells if c.value == HOSTILE["department"])
    item = next(c for c in cells if c.value == HOSTILE["name"])
    assert dept.data_type == "s" and item.data_type == "s"  # text, not a formula
    assert not any(c.data_type == "f" for c in cells)
    assert calamine_rows(out_xlsx)[1][3] == HOSTILE["department"]


def test_csv_cell_escaping() -> None:
    assert table_out.csv_cell("=1+1") == "'=1+1"
    assert table_out.csv_cell("-") == "'-"
    assert table_out.csv_cell("@x") == "'@x"
    assert table_out.csv_cell("\tx") == "'\tx"
    assert table_out.csv_cell("a=b") == "a=b"
    assert table_out.csv_cell(-3) == "-3"  # numbers are numbers
    assert table_out.csv_cell(None) == ""


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    headers = [table_out.Header("a")]

    def rows() -> Any:
        yield ["one"]
        raise RuntimeError("disk full")

    for write in (
        lambda: table_out.write_xlsx(headers, rows(), target),
        lambda: _csv_to(target, headers, rows()),
    ):
        with pytest.raises(RuntimeError):
            write()
        assert target.read_bytes() == b"old"
        assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]  # no temporary left


def _csv_to(target: Path, headers: list[table_out.Header], rows: Any) -> None:
    with table_out.text_output(target) as out:
        table_out.write_csv(headers, rows, out)


def test_yaml_and_json_outputs_agree(cli: Any, tmp_path: Path) -> None:
    as_json = explode_json(cli, tmp_path, str(SAMPLE), "--region", "330481")
    run = cli("explode", str(SAMPLE), "--region", "330481", "--format", "yaml", cwd=tmp_path)
    assert run.code == 0
    assert yaml.safe_load(run.stdout) == as_json


# --- explode --write -------------------------------------------------------------


def snapshot(root: Path) -> dict[tuple[str, str], Any]:
    cat = load_catalogue(root)
    out = {}
    for e in resolve_all(cat):
        facts = e.facts
        out[(e.region, e.code)] = (
            facts.visits,
            facts.promised_limit,
            [
                (
                    i.code,
                    i.full_code,
                    i.name,
                    i.situation,
                    i.facts.visits,
                    i.facts.online_depth,
                    tuple((m.name, m.required) for m in i.facts.materials),
                )
                for i in e.items
            ],
        )
    return out


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_write_materialises_generated_items(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    target = root / "implementations" / "330481" / "wsjk.yaml"
    before_text = target.read_text(encoding="utf-8")
    before = snapshot(root)

    run = cli("explode", "--write", cwd=root)
    assert run.code == 0, run.output
    assert "6" in run.stderr
    after_text = target.read_text(encoding="utf-8")
    data = yaml.safe_load(after_text)
    entry = next(m for m in data["matters"] if m["code"] == "许可-01206-000")
    assert [i["code"] for i in entry["items"]] == ["01", "02", "03", "04", "05", "06"]
    assert entry["items"][0] == {
        "code": "01",
        "name": "公共场所卫生许可（新办—个体工商户）",
        "situation": {"applicant": "个体工商户", "action": "新办"},
    }
    assert entry["situations"] and entry["item_name"]  # kept
    assert comment_lines(after_text) == comment_lines(before_text)
    assert snapshot(root) == before  # nothing resolves differently

    # Only that file changed; a second run finds nothing to do; the result validates and is
    # already in canonical form.
    changed = [
        p.relative_to(root)
        for p in sorted(root.rglob("*.yaml"))
        if p.read_bytes() != (SAMPLE / p.relative_to(root)).read_bytes()
    ]
    assert changed == [target.relative_to(root)]
    again = cli("explode", "--write", cwd=root)
    assert again.code == 0 and target.read_text(encoding="utf-8") == after_text
    assert cli("validate", cwd=root).code == 0
    assert cli("fmt", "--check", cwd=root).code == 0


def test_write_respects_explicit_items_and_comments(base_catalogue: Path, cli: Any) -> None:
    path = base_catalogue / WEST_LAKE
    path.write_text(
        "schema: zjpaoyici/implementation/v1\n"
        'region: "330106"\n'
        "department: 杭州市西湖区市场监督管理局\n"
        "matters:\n"
        "  # 按申请人拆分\n"
        '  - code: "许可-00802-001"\n'
        "    visits: 1  # 企业需现场核查\n"
        "    onsite_reason: 企业需现场核查\n"
        "    promised_limit: {days: 3}\n"
        "    case_type: 承诺件\n"
        "    online: {depth: 3, mobile: true}\n"
        "    items:\n"
        "      # 企业另行命名\n"
        '      - {code: "02", name: 企业申请}\n'
        "    # 两种申请人\n"
        "    situations:\n"
        "      applicant: [个体工商户, 企业]\n"
        "\n"
        "  # 变更\n"
        '  - code: "许可-00802-002"\n'
        "    visits: 0\n"
        "    promised_limit: {days: 1}\n"
        "    case_type: 承诺件\n"
        "    online: {depth: 4, mobile: true}\n",
        encoding="utf-8",
    )
    before_text = path.read_text(encoding="utf-8")
    before = snapshot(base_catalogue)
    assert cli("explode", "--write", cwd=base_catalogue).code == 0
    text = path.read_text(encoding="utf-8")
    assert comment_lines(text) == comment_lines(before_text)
    data = yaml.safe_load(text)
    items = data["matters"][0]["items"]
    assert items == [
        {"code": "02", "name": "企业申请", "situation": {"applicant": "企业"}},
        {
            "code": "01",
            "name": "食品经营许可（新办）（个体工商户）",
            "situation": {"applicant": "个体工商户"},
        },
    ]
    assert snapshot(base_catalogue) == before
    assert re.search(r"# 两种申请人\n    situations:", text)
    assert re.search(r"\n\n  # 变更\n  - code: \"许可-00802-002\"", text)


def test_materialise_refuses_a_changed_file() -> None:
    plan = FilePlan(Path("x.yaml"), "x.yaml", {0: ("许可-00802-001", [ItemAddition("01", {})])})
    text = 'schema: zjpaoyici/implementation/v1\nmatters:\n  - code: "许可-00802-002"\n'
    with pytest.raises(ValueError, match="not 许可-00802-001"):
        materialise_text(text, plan)


@pytest.mark.parametrize(
    ("command", "module", "extra"),
    [
        ("explode", "zjpaoyici.ops.explode", ()),
        ("explode", "zjpaoyici.ops.explode", ("--bundles",)),
        ("export", "zjpaoyici.ops.tabular.exporter", ()),
    ],
)
def test_bulk_outputs_hold_one_region_at_a_time(
    command: str, module: str, extra: tuple[str, ...], cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 17: explode and export stream region by region (memory follows the largest
    region, not the province): whenever a region is resolved, it is the only one loaded,
    and every region with lists is written."""
    import importlib

    from zjpaoyici.cli import export_cmd  # noqa: F401  (registers the command)

    target = importlib.import_module(module)
    real = target.resolve_region  # type: ignore[attr-defined]
    loaded: list[list[str]] = []

    def spy(cat: Any, folder: str) -> Any:
        loaded.append(sorted(cat.impl_files))
        return real(cat, folder)

    monkeypatch.setattr(target, "resolve_region", spy)
    out = tmp_path / "rows.csv"
    run = cli(command, str(REPO / "catalog"), *extra, "--format", "csv", "-o", str(out))
    assert run.code == 0, run.output
    regions = {p.name for p in (REPO / "catalog" / "implementations").iterdir() if p.is_dir()}
    assert loaded and all(len(now) <= 1 for now in loaded)
    assert {folder for now in loaded for folder in now} == regions
    assert out.stat().st_size > 0
