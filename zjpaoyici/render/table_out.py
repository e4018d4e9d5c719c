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
import tempfile
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
    Rows are streamed (XlsxWriter's constant-memory mode: each row is written out as the
    next one starts), so memory does not grow with a table. Returns the rows written."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    total = 0
    # the sheets' streamed rows wait in a folder beside the target (the final file's disk,
    # not a small /tmp), removed whatever happens
    with (
        atomic_path(target) as tmp,
        tempfile.TemporaryDirectory(
            prefix=".zjpaoyici-", dir=tmp.parent, ignore_cleanup_errors=True
        ) as scratch,
    ):
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                # text stays text: never a number, a formula or a link, whatever it holds
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "tmpdir": scratch,
            },
        )
        try:
            titles: set[str] = set()
            for sheet in sheets:
                ws = book.add_worksheet(_unique_title(_sheet_title(sheet.name), titles))
                total += _fill_sheet(book, ws, sheet.headers, sheet.rows)
        finally:
            try:
                book.close()
            except FileCreateError as exc:  # the OS's reason, as for every other write
                reason = exc.args[0] if exc.args else None
                raise reason if isinstance(reason, OSError) else OSError(str(exc)) from None
    return total


def _unique_title(title: str, taken: set[str]) -> str:
    """``title``, numbered when a sheet of that name (any case) exists already."""
    name, n = title, 1
    while name.lower() in taken:
        suffix = str(n)
        name, n = title[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _fill_sheet(
    book: Any, ws: Any, headers: Sequence[Header], rows: Iterable[Sequence[Cell]]
) -> int:
    header_format = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "valign": "vcenter", "text_wrap": True}
    )
    number_formats = {
        f: book.add_format({"num_format": f}) for f in {h.number_format for h in headers} if f
    }
    for i, h in enumerate(headers):
        ws.set_column(i, i, max(6, min(h.width, 60)), None, {"hidden": h.hidden})
    ws.freeze_panes(1, 0)
    _validations(ws, headers)
    for i, h in enumerate(headers):
        ws.write_string(0, i, _xlsx_text(h.title), header_format)
    formats = [number_formats.get(h.number_format or "") for h in headers]
    write_string, write_number, write_boolean = ws.write_string, ws.write_number, ws.write_boolean
    count = 0
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                write_string(r, c, _xlsx_text(value))  # "" is left blank, as a spreadsheet does
            elif isinstance(value, bool):
                write_boolean(r, c, value)
            else:
                write_number(r, c, value, formats[c] if c < len(formats) else None)
        count += 1
    ws.autofilter(0, 0, count, max(len(headers), 1) - 1)
    return count


def _validations(ws: Any, headers: Sequence[Header]) -> None:
    """A drop-down list or a whole-number check on every data cell of a column that has
    one. (A list longer than Excel's 255 characters is left out: Excel would refuse the
    whole file.)"""
    for i, h in enumerate(headers):
        if h.choices and len(",".join(h.choices)) <= 255:
            rule: dict[str, Any] = {"validate": "list", "source": list(h.choices)}
        elif h.whole:
            rule = {
                "validate": "integer",
                "criteria": "between",
                "minimum": h.whole[0],
                "maximum": h.whole[1],
            }
        else:
            continue
        rule["ignore_blank"] = True
        ws.data_validation(1, i, 1_048_575, i, rule)


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
