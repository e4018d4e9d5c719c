"""``apply``: a workbook export wrote, edited in a spreadsheet program, back onto the YAML.

The edits are made with openpyxl and, where LibreOffice is installed (always in CI), the
workbook is then really saved by LibreOffice (converted to .ods and back by ``soffice``).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.cli import apply_cmd, export_cmd  # noqa: F401  (registers the commands)
from zjpaoyici.files.resources import sample_catalogue_dir

SAMPLE = sample_catalogue_dir()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
VIA = ["openpyxl", "libreoffice"]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    return root


class Book:
    """An exported workbook open for editing, rows found by region, code and item."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        self.path = path
        self.wb = load_workbook(path)
        self.ws = self.wb.active
        self.col = {c.value: i for i, c in enumerate(self.ws[1])}

    def rows(self) -> list[Any]:
        return list(self.ws.iter_rows(min_row=2))

    def get(self, row: Any, column: str) -> Any:
        return row[self.col[column]].value

    def set(self, row: Any, column: str, value: Any) -> None:
        row[self.col[column]].value = value

    def find(self, region: str, code: str, item: str | None = None) -> Any:
        for row in self.rows():
            if (self.get(row, "区划代码"), self.get(row, "事项编码")) == (region, code) and (
                self.get(row, "办理项编码") or None
            ) == item:
                return row
        raise KeyError((region, code, item))

    def save(self, target: Path) -> None:
        self.wb.save(target)


def _saved(book: Book, target: Path, via: str) -> Path:
    """The edited workbook as the spreadsheet program saves it."""
    if via == "openpyxl":
        book.save(target)
        return target
    if SOFFICE is None:
        if os.environ.get("ZJPAOYICI_REQUIRE_SOFFICE"):  # set by .ci/run
            pytest.fail("LibreOffice (soffice) must be installed in CI")
        pytest.skip("LibreOffice (soffice) is not installed here")
    edited = target.with_name("edited.xlsx")
    book.save(edited)
    env = {**os.environ, "HOME": str(target.parent)}  # a profile of its own
    for src, fmt in ((edited, "ods"), (edited.with_suffix(".ods"), "xlsx")):
        out = target.parent / fmt
        subprocess.run(
            [SOFFICE, "--headless", "--convert-to", fmt, "--outdir", str(out), str(src)],
            check=True,
            capture_output=True,
            env=env,
            timeout=300,
        )
        moved = (out / src.with_suffix(f".{fmt}").name).replace(src.with_suffix(f".{fmt}"))
    moved.replace(target)
    return target


def _export(cli: Callable[..., Any], root: Path, out: Path) -> None:
    run = cli("export", str(root), "-o", str(out), "--lang", "zh")
    assert run.code == 0, run.output


def _rows(cli: Callable[..., Any], root: Path, tmp: Path) -> dict[tuple[Any, ...], list[Any]]:
    """Every row's cells (without the stamp columns) by region, agency, code and item."""
    path = tmp / f"rows-{len(list(tmp.glob('rows-*')))}.xlsx"
    _export(cli, root, path)
    book = Book(path)
    out = {}
    for row in book.rows():
        values = [c.value for c in row][:-2]
        key = tuple(book.get(row, c) for c in ("区划代码", "实施主体", "事项编码", "办理项编码"))
        out[key] = values
    return out


def test_export_then_apply_without_edits_changes_nothing(cli: Any, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    before = _files(root)
    _export(cli, root, tmp_path / "目录.xlsx")
    run = cli("apply", str(tmp_path / "目录.xlsx"), str(root), "--write", "--delete")
    assert run.code == 0, run.output
    # every row of every sheet read: the entries, the basic catalogue, bundles, defaults,
    # settings and notes
    book = Book(tmp_path / "目录.xlsx")
    rows = sum(ws.max_row - 1 for ws in book.wb.worksheets)
    assert rows > 3000 and len(book.wb.worksheets) == 5
    assert f"{rows} rows: {rows} unchanged, 0 fields edited" in run.stdout
    assert "Nothing to write." in run.output
    assert _files(root) == before


def _key_of(book: Book, row: Any) -> tuple[Any, ...]:
    return tuple(book.get(row, c) for c in ("区划代码", "实施主体", "事项编码", "办理项编码"))


@pytest.mark.parametrize("via", VIA)
def test_twenty_edits_across_five_regions(cli: Any, tmp_path: Path, via: str) -> None:
    root = _copy(tmp_path)
    before_files = _files(root)
    before = _rows(cli, root, tmp_path)
    _export(cli, root, tmp_path / "目录.xlsx")
    book = Book(tmp_path / "目录.xlsx")
    cat = load_catalogue(root)
    regions = ["330106", "330782", "330200", "330300", "330922"]
    want: dict[tuple[Any, ...], dict[str, Any]] = {}
    entry_rows = [
        r for r in book.rows() if book.get(r, "区划代码") and not book.get(r, "办理项编码")
    ]

    def pick(region: str, test: Callable[[Any], bool]) -> Any:
        for row in entry_rows:
            key = _key_of(book, row)
            if book.get(row, "区划代码") == region and key not in want and test(row):
                return row
        raise AssertionError(f"no row in {region}")

    def edit(row: Any, column: str, value: Any) -> None:
        book.set(row, column, value)
        want.setdefault(_key_of(book, row), {})[column] = value

    own = {
        (f, raw["code"]): raw for f in regions for i in cat.impl_files[f] for raw, _ in i.entries
    }
    for region in regions:
        row = pick(region, lambda r: book.get(r, "到办事现场次数") == 1)
        edit(row, "到办事现场次数", 0)
        row = pick(
            region,
            lambda r: re.fullmatch(r"([2-9]|\d\d)个工作日", str(book.get(r, "承诺办结时限"))),
        )
        days = int(str(book.get(row, "承诺办结时限")).split("个")[0])
        edit(row, "承诺办结时限", f"{days - 1}个工作日")
        row = pick(
            region,
            lambda r: (
                book.get(r, "办件类型") == "承诺件"
                and "case_type" not in own[(book.get(r, "区划代码"), book.get(r, "事项编码"))]
            ),
        )
        edit(row, "办件类型", "即办件")  # an inherited value
        row = pick(region, lambda r: len(str(book.get(r, "必要材料") or "").split("\n")) >= 2)
        edit(row, "必要材料", "\n".join(str(book.get(row, "必要材料")).split("\n")[:-1]))
    assert sum(len(v) for v in want.values()) == 20
    # a deleted row: an entry of 330300 without items, without a comment of its own
    gone = pick("330300", lambda r: book.get(r, "到办事现场次数") == 0)
    gone_key = _key_of(book, gone)
    book.ws.delete_rows(gone[0].row)
    # a new row: a matter 330782 implements and 330922 not yet, in 330922's file for the
    # same department
    codes922 = {book.get(r, "事项编码") for r in entry_rows if book.get(r, "区划代码") == "330922"}
    source = next(
        r
        for r in entry_rows
        if book.get(r, "区划代码") == "330782"
        and book.get(r, "事项编码") not in codes922
        and _key_of(book, r) not in want
        and any(
            f.doc.path.name == _file_of(cat, "330782", book.get(r, "事项编码"))
            for f in cat.impl_files["330922"]
        )
    )
    target = next(
        f
        for f in cat.impl_files["330922"]
        if f.doc.path.name == _file_of(cat, "330782", book.get(source, "事项编码"))
    )
    like = next(r for r in entry_rows if book.get(r, "部门") == target.department)
    values = [c.value for c in source]
    for column in (
        "区划代码",
        "区划名称",
        "区划层级",
        "上级区划代码",
        "部门",
        "实施机构统一社会信用代码",
    ):
        values[book.col[column]] = book.get(like, column)
    for column in ("实施主体", "实施编码", "校验码", "导出时的值"):
        values[book.col[column]] = None
    book.ws.append(values)
    new_key = ("330922", None, book.get(source, "事项编码"), None)
    saved = _saved(book, tmp_path / "edited.xlsx", via)

    run = cli("apply", str(saved), str(root))  # a preview first: nothing written
    assert run.code == 0, run.output
    assert _files(root) == before_files
    assert "fewer visits" in run.stdout  # the diff summary in the reform's terms
    run = cli("apply", str(saved), str(root), "--write", "--delete")
    assert run.code == 0, run.output
    assert "20 fields edited, 1 added, 1 removed, 0 conflicts" in run.stdout

    after = _rows(cli, root, tmp_path)
    assert set(after) == (set(before) - {gone_key}) | {new_key}
    for key, cells in before.items():
        if key == gone_key:
            continue
        expected = list(cells)
        for column, value in want.get(key, {}).items():
            expected[book.col[column]] = value
        assert after[key] == expected, key
    assert after[new_key][book.col["到办事现场次数"]] == values[book.col["到办事现场次数"]]

    # the YAML diff, line by line: only the edited fields, the new and the removed entry
    changed = {p for p, b in _files(root).items() if before_files.get(p) != b}
    assert changed and all(re.match(r"implementations/33\d{4}/[a-z]+\.yaml$", p) for p in changed)
    assert {p.split("/")[1] for p in changed} == set(regions)
    allowed = re.compile(
        r"^\s*(visits|promised_limit|case_type|materials|agency_uscc|online|express"
        r"|annual_cases|onsite_reason|reach|fee|note):|^\s*- (code: |\{name: )"
    )
    for name in changed:
        old = before_files[name].decode().splitlines()
        new = (root / name).read_text(encoding="utf-8").splitlines()
        lines = [ln for ln in difflib.ndiff(old, new) if ln[:2] in ("- ", "+ ")]
        added_entry = removed_entry = False
        for line in lines:
            text = line[2:]
            if text.startswith("  - code:"):
                added_entry |= line[0] == "+"
                removed_entry |= line[0] == "-"
            elif added_entry or removed_entry:
                continue  # the body of the new or removed entry
            assert allowed.match(text), (name, line)
        comments = [ln for ln in old if ln.lstrip().startswith("#")]
        assert comments == [ln for ln in new if ln.lstrip().startswith("#")], name
    # the shared layers never change
    assert not any("_defaults" in p for p in changed)


def _file_of(cat: Any, folder: str, code: str) -> str:
    return next(
        f.doc.path.name
        for f in cat.impl_files[folder]
        for raw, _ in f.entries
        if raw["code"] == code
    )


@pytest.mark.parametrize("via", VIA)
def test_rows_whose_yaml_changed_since_export_are_conflicts(
    cli: Any, tmp_path: Path, via: str
) -> None:
    root = _copy(tmp_path)
    _export(cli, root, tmp_path / "目录.xlsx")
    book = Book(tmp_path / "目录.xlsx")
    path = root / "implementations" / "330782" / "mz.yaml"
    codes = ["确认-01501-001", "确认-01501-002", "确认-01501-003", "许可-01502-001"]
    for code in codes:
        book.set(book.find("330782", code), "年办件量", 7)
    saved = _saved(book, tmp_path / "edited.xlsx", via)
    # meanwhile someone changes two of these entries in the YAML
    text = path.read_text(encoding="utf-8")
    text = text.replace("annual_cases: 3834", "annual_cases: 4000")  # 确认-01501-001
    text = text.replace("    visits: 2\n", "    visits: 1\n", 1)  # 确认-01501-002
    path.write_text(text, encoding="utf-8")

    run = cli("apply", str(saved), str(root), "--write")
    assert run.code == 1, run.output
    assert "2 fields edited" in run.stdout and "2 conflicts" in run.stdout
    out = run.stdout
    assert re.search(r"确认-01501-001 .*YAML changed since the export", out)
    assert "年办件量: at export 3834, in the workbook 7, in the YAML now 4000" in out
    assert "到办事现场次数: at export 2, in the workbook 2, in the YAML now 1" in out
    assert "年办件量: at export (blank), in the workbook 7, in the YAML now (blank)" in out
    after = path.read_text(encoding="utf-8")
    assert "annual_cases: 4000" in after  # the conflicts are left alone
    assert after.count("annual_cases: 7\n") == 2  # the others are applied


def test_what_spreadsheet_programs_do_to_cells(cli: Any, tmp_path: Path) -> None:
    """Codes that became numbers, numbers stored as text, full-width digits, trailing
    spaces and a sheet the user added in front: read as the values they are."""
    root = _copy(tmp_path)
    before = _files(root)
    _export(cli, root, tmp_path / "目录.xlsx")
    book = Book(tmp_path / "目录.xlsx")
    for row in book.rows():
        if book.get(row, "区划代码") == "330782":
            book.set(row, "区划代码", 330782)  # a code that became a number
    row = book.find(330782, "确认-01501-001")  # type: ignore[arg-type]
    book.set(row, "年办件量", "3834")  # a number stored as text: unchanged
    book.set(row, "办件类型", "即办件 ")  # a trailing space: unchanged
    book.set(row, "到办事现场次数", "０")  # full-width: 0, an edit
    notes = book.wb.create_sheet("说明", 0)
    notes["A1"] = "区划代码"
    book.save(tmp_path / "edited.xlsx")
    run = cli("apply", str(tmp_path / "edited.xlsx"), str(root), "--write")
    assert run.code == 0, run.output
    assert "1 fields edited, 0 added, 0 removed, 0 conflicts" in run.stdout
    changed = [p for p, b in _files(root).items() if before[p] != b]
    assert changed == ["implementations/330782/mz.yaml"]
    text = (root / changed[0]).read_text(encoding="utf-8")
    assert '- code: "确认-01501-001"\n    visits: 0\n' in text


def test_items_added_edited_and_removed(cli: Any, tmp_path: Path) -> None:
    """Item rows: an edit goes on the item's own record, a new item row becomes an item
    record holding only what differs from its entry, a deleted one goes with --delete;
    the blank line between entries stays between them."""
    root = _copy(tmp_path)
    _export(cli, root, tmp_path / "目录.xlsx")
    book = Book(tmp_path / "目录.xlsx")
    first = book.find("330106", "许可-00802-001", "许可-00802-001-01")
    second = book.find("330106", "许可-00802-001", "许可-00802-001-02")
    book.set(second, "承诺办结时限", "1个工作日")
    values = [c.value for c in first]
    for column, value in (
        ("办理项编码", "许可-00802-001-09"),
        ("办理项名称", "新办理项"),
        ("情形", None),
        ("到办事现场次数", 0),
        ("校验码", None),
        ("导出时的值", None),
    ):
        values[book.col[column]] = value
    book.ws.delete_rows(first[0].row)
    book.ws.append(values)
    book.save(tmp_path / "edited.xlsx")
    path = root / "implementations" / "330106" / "scjg.yaml"
    old = path.read_text(encoding="utf-8")
    run = cli("apply", str(tmp_path / "edited.xlsx"), str(root), "--write", "--delete")
    assert run.code == 0, run.output
    assert "1 fields edited, 1 added, 1 removed, 0 conflicts" in run.stdout
    new = path.read_text(encoding="utf-8")
    lines = [
        ln for ln in difflib.ndiff(old.splitlines(), new.splitlines()) if ln[:2] in ("- ", "+ ")
    ]
    assert lines == [
        '-       - code: "01"',
        "-         name: 食品经营许可（新办）—食品销售经营者",
        "-         situation: {applicant: 食品销售经营者}",
        "-         visits: 0",
        "-         onsite_reason: null",
        "-         online: {depth: 4, mobile: true}",
        "+         promised_limit: {days: 1, unit: working}",
        '+       - code: "09"',
        "+         name: 新办理项",
        "+         visits: 0",
        "+         online: {depth: 4}",
        "+         onsite_reason: null",
    ]
    assert '        onsite_reason: null\n\n  - code: "许可-00802-002"' in new
