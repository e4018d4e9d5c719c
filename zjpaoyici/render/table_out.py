"""Tables out: csv, xlsx, json and yaml writers. They write what they are given, never compute.

A table is a header (column titles and width hints) and rows of plain cells: text,
integers, booleans or ``None`` (empty). Records for json/yaml are dictionaries.

Catalogue text is untrusted (it arrives in pull requests and spreadsheets). A spreadsheet
would run a cell such as ``=HYPERLINK(...)`` as a formula (CSV/formula injection), so text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading apostrophe in csv and as an explicit text cell in xlsx; the importer reverses
the apostrophe. Files are written to a temporary file beside the target and renamed into
place, so a reader never sees half a file and a failed run leaves the old file alone.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from zjpaoyici.catalogue.fields import Column, level_label
from zjpaoyici.files.atomic import atomic_path
from zjpaoyici.files.roundtrip import dump_text, new_yaml
from zjpaoyici.i18n import Lang
from zjpaoyici.render.safe import csv_text_cell, json_text

Cell = str | int | float | bool | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so xlsx) cannot hold; shown as visible escapes instead.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_CELL = 32_767


@dataclass(frozen=True, slots=True)
class Header:
    """One column: its title, a width hint in characters and whether it is hidden (xlsx)."""

    title: str
    width: int = 12
    number_format: str | None = None  # e.g. "0.0%" for a share written as a fraction
    hidden: bool = False
    # xlsx data validation: a list of choices, or a whole-number range (min, max)
    choices: tuple[str, ...] | None = None
    whole: tuple[int, int] | None = None


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would take ``text`` for a formula."""
    return text.startswith(FORMULA_START)


_YAML_RAW = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def csv_cell(value: Cell) -> str:
    """A cell as csv text, with formula-like text defused by a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and is_formula_like(text):
        return "'" + csv_text_cell(text)
    return csv_text_cell(text) if isinstance(value, str) else text


@contextlib.contextmanager
def text_output(target: Path | None, *, bom: bool = False) -> Iterator[IO[str]]:
    """A text stream to ``target`` (atomically) or to standard output (``None``)."""
    if target is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with (
        atomic_path(target) as tmp,
        open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh,
    ):
        yield fh


def write_csv(
    headers: Sequence[Header],
    rows: Iterable[Sequence[Cell]],
    out: IO[str],
    *,
    delimiter: str = ",",
) -> int:
    """Write a header line and ``rows``; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow([csv_cell(h.title) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def _xlsx_text(text: str) -> str:
    text = _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text[:_XLSX_MAX_CELL]


@dataclass(slots=True)
class Sheet:
    """One sheet of a workbook: its name, columns and rows of cells."""

    name: str
    headers: Sequence[Header]
    rows: Iterable[Sequence[Cell]]


def write_xlsx(
    headers: Sequence[Header],
    rows: Iterable[Sequence[Cell]],
    target: Path,
    *,
    sheet: str = "Sheet1",
) -> int:
    """Write a one-sheet xlsx workbook to ``target`` (see :func:`write_workbook`)."""
    return write_workbook([Sheet(sheet, headers, rows)], target)


def write_workbook(sheets: Sequence[Sheet], target: Path) -> int:
    """Write an xlsx workbook to ``target`` atomically; each sheet has a bold header row,
    frozen below the header, an autofilter over all rows and the hinted column widths.
    Rows are streamed (openpyxl write-only mode), so memory does not grow with a table.
    Returns the rows written."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    total = 0
    written = []
    try:
        for sheet in sheets:
            ws = wb.create_sheet(_sheet_title(sheet.name))
            written.append(ws)
            total += _fill_sheet(ws, sheet.headers, sheet.rows)
        with atomic_path(target) as tmp:
            wb.save(tmp)
    except BaseException:  # no folder, no permission, disk full: close the sheets' streams
        for ws in written:
            _discard(ws)
        raise
    return total


def _fill_sheet(ws: Any, headers: Sequence[Header], rows: Iterable[Sequence[Cell]]) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, min(h.width, 60))
        ws.column_dimensions[get_column_letter(i)].hidden = h.hidden
    ws.freeze_panes = "A2"
    _validations(ws, headers)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(vertical="center", wrap_text=True)

    def header_cell(title: str) -> Any:
        cell = WriteOnlyCell(ws, value=_xlsx_text(title))
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        return cell

    formats = [h.number_format for h in headers]

    def cell(value: Cell, number_format: str | None) -> Any:
        if isinstance(value, str):
            c = WriteOnlyCell(ws, value=_xlsx_text(value))
            c.data_type = "s"  # never a formula, whatever the text starts with
            return c
        if number_format and isinstance(value, int | float) and not isinstance(value, bool):
            c = WriteOnlyCell(ws, value=value)
            c.number_format = number_format
            return c
        return value

    ws.append([header_cell(h.title) for h in headers])
    count = 0
    for row in rows:
        ws.append([cell(v, f) for v, f in zip(row, formats, strict=False)])
        count += 1
    last = get_column_letter(max(len(headers), 1))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    return count


def _validations(ws: Any, headers: Sequence[Header]) -> None:
    """A drop-down list or a whole-number check on every data cell of a column that has
    one (written at the end of the sheet, so streaming is unaffected)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, h in enumerate(headers, start=1):
        if h.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(h.choices) + '"')
        elif h.whole:
            dv = DataValidation(
                type="whole", operator="between", formula1=str(h.whole[0]), formula2=str(h.whole[1])
            )
        else:
            continue
        dv.allow_blank = True
        letter = get_column_letter(i)
        dv.add(f"{letter}2:{letter}1048576")
        ws.data_validations.append(dv)


def _discard(ws: Any) -> None:
    """Finish and delete a write-only sheet's temporary file after a failure."""
    with contextlib.suppress(Exception):
        ws.close()
        ws._writer.cleanup()


def _sheet_title(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet1"
    return cleaned[:31]


def write_json(records: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """A JSON array, one record per line, written as the records arrive."""
    count = 0
    out.write("[")
    for rec in records:
        out.write(",\n " if count else "\n ")
        out.write(json_text(rec, indent=None))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_yaml(records: Iterable[Mapping[str, Any]], out: IO[str], *, chunk: int = 200) -> int:
    """A YAML list of mappings, dumped a chunk at a time by the round-trip writer."""
    count = 0
    batch: list[dict[str, Any]] = []
    for rec in records:
        batch.append(dict(rec))
        count += 1
        if len(batch) >= chunk:
            out.write(_inert_yaml(batch))
            batch = []
    if batch or not count:
        out.write(_inert_yaml(batch))
    return count


def _inert_yaml(batch: list[dict[str, Any]]) -> str:
    """The YAML of ``batch``; a chunk whose text would carry a control or bidi character
    raw is written with every non-ASCII character escaped instead (still the same data)."""
    text = dump_text(batch)
    if not _YAML_RAW.search(text):
        return text
    out = io.StringIO()
    escaping = new_yaml()
    escaping.allow_unicode = False
    escaping.dump(batch, out)
    return out.getvalue()


# --- the exploded table ----------------------------------------------------------

_BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}
_UNIT = {
    "zh": {"working": "工作日", "natural": "自然日"},
    "en": {"working": "working", "natural": "natural"},
}


def situation_text(situation: Mapping[str, Any]) -> str:
    """``{applicant: 企业, action: 新办}`` → ``applicant=企业; action=新办``."""
    return "; ".join(f"{k}={v}" for k, v in situation.items())


def labelled(value: Any, kind: str, lang: Lang) -> Cell:
    """A row value as a spreadsheet cell in ``lang``: yes/no, level and unit names."""
    if value is None:
        return None
    if kind == "bool" and isinstance(value, bool):
        return _BOOL[lang][0 if value else 1]
    if kind == "level" and isinstance(value, str):
        return level_label(value, lang)
    if kind == "unit" and isinstance(value, str):
        return _UNIT[lang].get(value, value)
    if kind == "situation" and isinstance(value, Mapping):
        return situation_text(value)
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def explode_headers(columns: Sequence[Column], lang: Lang) -> list[Header]:
    return [Header(c.label(lang), max(c.width, display_width(c.label(lang)) + 2)) for c in columns]


def explode_cells(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], lang: Lang
) -> Iterator[list[Cell]]:
    for row in rows:
        yield [labelled(row.get(c.key), c.cell, lang) for c in columns]


@dataclass(slots=True)
class TableData:
    """A table for any writer: headers and rows of cells (csv, xlsx) or the records
    themselves (json, yaml); rows are consumed once, by the writer chosen."""

    headers: Sequence[Header]
    cells: Iterable[Sequence[Cell]]
    records: Iterable[Mapping[str, Any]] = ()
    sheet: str = "Sheet1"
    delimiter: str = ","
    more: Sequence[Sheet] = ()  # further sheets (xlsx only), after the table's


def table_csv(table: TableData, target: Path | None) -> int:
    """csv, with a BOM in a file (Excel then reads UTF-8), none on standard output."""
    with text_output(target, bom=target is not None) as out:
        return write_csv(table.headers, table.cells, out, delimiter=table.delimiter)


def table_xlsx(table: TableData, target: Path | None) -> int:
    assert target is not None  # commands ask for -o first
    return write_workbook([Sheet(table.sheet, table.headers, table.cells), *table.more], target)


def table_json(table: TableData, target: Path | None) -> int:
    with text_output(target) as out:
        return write_json(table.records, out)


def table_yaml(table: TableData, target: Path | None) -> int:
    with text_output(target) as out:
        return write_yaml(table.records, out)
