"""Read an import source (csv, xlsx, json, jsonl) into a header and rows of cells."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from zjpaoyici.i18n import Msg
from zjpaoyici.ops.tabular.cells import as_text
from zjpaoyici.ops.tabular.mapping import FORMATS, MappingSpec, SourceFormat, SourceSpec


class SourceError(Exception):
    """The source file cannot be read at all."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.get("en"))
        self.message = message


_AS_FORMAT: dict[str, SourceFormat] = {f: f for f in FORMATS}


def source_format(path: Path, spec: MappingSpec, override: str | None = None) -> SourceFormat:
    """The format to read ``path`` in: the one asked for (``--format``, else the mapping's
    ``source.format``), else what the content shows (JSON vs JSON Lines, and any file
    with a .txt or unknown extension), else the extension. A format that the content
    contradicts is a :class:`SourceError` saying what the file looks like."""
    seen = sniff(path)
    chosen = override or spec.source.format
    if seen == "object":
        jsonl = chosen == "jsonl" or path.suffix.lower() in (".jsonl", ".ndjson")
        seen = "jsonl" if jsonl else "json"
    said = "--format" if override else "source.format"
    if chosen is None:
        suffix = path.suffix.lower().lstrip(".")
        guess = {"xlsm": "xlsx", "ndjson": "jsonl"}.get(suffix, suffix)
        if guess in ("json", "jsonl") and seen in ("json", "jsonl"):
            return _AS_FORMAT[seen]  # the content tells JSON from JSON Lines
        if guess not in FORMATS:
            if seen in FORMATS:
                return _AS_FORMAT[seen]
            raise SourceError(_unknown_format(path, seen))
        chosen, said = _AS_FORMAT[guess], "extension"
    if seen in ("empty", chosen):
        return _AS_FORMAT[chosen]
    raise SourceError(_wrong_format(path, chosen, said, seen))


_LOOKS = {
    "xlsx": Msg("src_looks_xlsx"),
    "xls": Msg("src_looks_xls"),
    "json": Msg("src_looks_json"),
    "jsonl": Msg("src_looks_jsonl"),
    "csv": Msg("src_looks_csv"),
    "utf16": Msg("src_looks_utf16"),
    "binary": Msg("src_looks_binary"),
}
_SAID = {
    "--format": Msg("src_said_option"),
    "source.format": Msg("src_said_mapping"),
    "extension": Msg("src_said_extension"),
}


def _wrong_format(path: Path, chosen: str, said: str, seen: str) -> Msg:
    fix = Msg("src_wrong_format_fix", seen=seen) if seen in FORMATS else ""
    return Msg(
        "src_wrong_format",
        file=path.name,
        looks=_LOOKS[seen],
        said=_SAID[said],
        chosen=chosen,
        fix=fix,
    )


def _unknown_format(path: Path, seen: str) -> Msg:
    looks = _LOOKS.get(seen)
    return Msg(
        "src_unknown_format",
        file=path.name,
        tail=Msg("src_looks_like", looks=looks) if looks else "",
    )


_SNIFF_BYTES = 1 << 20


def sniff(path: Path) -> str:
    """What the content of ``path`` looks like: xlsx, xls, json, jsonl, object (one JSON
    object on one line), csv (other text), utf16, binary, or empty. Reads at most the
    first megabyte."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return "empty"  # the reader reports why it cannot be read
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in head:
        return "binary"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        return "empty"
    if text[0] == "[":
        return "json"
    if text[0] != "{":
        return "csv"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    try:
        first = json.loads(lines[0])
    except json.JSONDecodeError:
        return "json"  # an object over several lines
    if isinstance(first, dict) and len(lines) > 1 and lines[1].startswith("{"):
        return "jsonl"
    if isinstance(first, dict) and len(lines) == 1:
        return "object"  # one object on one line: JSON, or JSON Lines with one record
    return "json"


@dataclass(slots=True)
class Table:
    """Rows of a source: (row number, cells by column), and the columns it has."""

    rows: Iterator[tuple[int, dict[str, Any]]]
    columns: set[str] | None  # known up front (csv, xlsx); None: collected while reading
    seen: set[str] = field(default_factory=set)
    total: int | None = None


def read_source(path: Path, fmt: SourceFormat, spec: SourceSpec) -> Table:
    try:
        if fmt == "csv":
            return _read_csv(path, spec)
        if fmt == "xlsx":
            return read_xlsx(path, spec)
        if fmt == "json":
            return _read_json(path, spec)
        return _read_jsonl(path)
    except UnicodeDecodeError as exc:
        raise SourceError(
            Msg("src_bad_encoding", name=path.name, encoding=spec.encoding, start=exc.start)
        ) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise SourceError(Msg("src_cannot_read", name=path.name, exc=exc)) from None


def _unescape(text: str) -> str:
    """Undo the apostrophe that ``export`` puts before formula-like text in csv."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _header(cells: Sequence[Any]) -> list[str]:
    return [as_text(c).strip() if c is not None else "" for c in cells]


def _read_csv(path: Path, spec: SourceSpec) -> Table:
    text = path.read_text(encoding=spec.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter)
    records = list(reader)
    if len(records) < spec.header_row:
        raise SourceError(Msg("src_no_header_row", name=path.name))
    header = _header(records[spec.header_row - 1])

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, record in enumerate(records[spec.header_row :], start=spec.header_row + 1):
            cells = {h: _unescape(v) for h, v in zip(header, record, strict=False) if h}
            if any(v.strip() for v in cells.values()):
                yield number, cells

    return Table(rows(), set(header) - {""}, total=len(records) - spec.header_row)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# built-in number formats that show a date or time
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)


def _text_of(node: Any) -> str:
    """The text of a shared or inline string: its runs, without phonetic hints."""
    return "".join(t.text or "" for t in node.iter(f"{_MAIN}t") if not _in_phonetic(node, t))


def _in_phonetic(root: Any, target: Any) -> bool:
    return any(target in list(ph.iter()) for ph in root.iter(f"{_MAIN}rPh"))


def _date_styles(zf: zipfile.ZipFile) -> list[bool]:
    """Per cell style (``s``), whether its number format shows a date."""
    if "xl/styles.xml" not in zf.namelist():
        return []
    root = ElementTree.fromstring(zf.read("xl/styles.xml"))
    custom = {}
    for fmt in root.iter(f"{_MAIN}numFmt"):
        code = re.sub(r'"[^"]*"|\[[^]]*\]|\\.', "", fmt.get("formatCode", ""))
        custom[int(fmt.get("numFmtId", "0"))] = bool(_DATE_CODE.search(code))
    xfs = root.find(f"{_MAIN}cellXfs")
    out = []
    for xf in xfs if xfs is not None else ():
        fid = int(xf.get("numFmtId", "0"))
        out.append(custom.get(fid, fid in _DATE_FORMATS))
    return out


def _sheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    return [(s.get("name", ""), s.get(f"{_REL}id", "")) for s in book.iter(f"{_MAIN}sheet")]


def sheet_names(path: Path) -> list[str]:
    """The names of an xlsx workbook's sheets, in order."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [name for name, _ in _sheets(zf)]
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return []  # the main sheet's reading reports an unreadable file


def _sheet_part(zf: zipfile.ZipFile, sheet: str | None, name: str) -> str:
    sheets = _sheets(zf)
    if not sheets:
        raise SourceError(Msg("src_no_sheet", file=name, sheet=sheet or "", names=()))
    if sheet is not None and sheet not in [n for n, _ in sheets]:
        names = tuple(n for n, _ in sheets)
        raise SourceError(Msg("src_no_sheet", file=name, sheet=sheet, names=names))
    rid = next(r for n, r in sheets if sheet is None or n == sheet)
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(
        r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship") if r.get("Id") == rid
    )
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


# A worksheet's bounds (Excel, LibreOffice, WPS): a cell or row beyond them is not one a
# spreadsheet program wrote, and would make the reader pad rows with millions of cells.
MAX_COLUMNS = 16_384  # A … XFD
MAX_ROWS = 1_048_576
_CELL_REF = re.compile(r"([A-Z]{1,3})[0-9]*")


@functools.lru_cache(maxsize=MAX_COLUMNS)
def _letters(letters: str) -> int | None:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1 if n <= MAX_COLUMNS else None


def _column(ref: str | None, default: int) -> int | None:
    """The 0-based column of a cell reference (``default`` without one; ``None``: not a
    reference inside a worksheet)."""
    if not ref:
        return default
    match = _CELL_REF.fullmatch(ref.upper())
    return _letters(match.group(1)) if match else None


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[Any]]:
    """``_sheet_rows``, with a damaged part met on a later row (a row number or a value
    that is not one, broken XML) reported like one met at the start: rows are read
    lazily, after ``read_source`` has returned."""
    try:
        yield from _sheet_rows(path, sheet)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise SourceError(Msg("src_cannot_read", name=path.name, exc=exc)) from None


def _sheet_rows(path: Path, sheet: str | None) -> Iterator[list[Any]]:
    """A worksheet's rows as cell values (shared and inline strings, numbers as int or
    float, booleans, dates as datetimes where the cell's format shows a date), read
    straight from the package: a province-scale workbook in seconds, not minutes."""
    from openpyxl.utils.datetime import from_excel

    with zipfile.ZipFile(path) as zf:
        part = _sheet_part(zf, sheet, path.name)
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            with zf.open("xl/sharedStrings.xml") as fh:
                for _, el in ElementTree.iterparse(fh):
                    if el.tag == f"{_MAIN}si":
                        shared.append(_text_of(el))
                        el.clear()
        dates = _date_styles(zf)
        with zf.open(part) as fh:
            number = 0
            for _, el in ElementTree.iterparse(fh):
                if el.tag != f"{_MAIN}row":
                    continue
                ref = el.get("r")
                at = number + 1 if ref is None else _row(ref)
                if at is None:
                    raise _outside(path, sheet, f"row {ref}")
                while number + 1 < at:  # rows left out of the file are empty
                    number += 1
                    yield []
                number = at
                cells: list[Any] = []
                for i, c in enumerate(el.iter(f"{_MAIN}c")):
                    col = _column(c.get("r"), len(cells) if i else 0)
                    if col is None or col >= MAX_COLUMNS:
                        raise _outside(path, sheet, c.get("r") or f"column {col}")
                    cells.extend([None] * (col - len(cells) + 1))
                    cells[col] = _cell_value(c, shared, dates, from_excel)
                el.clear()
                yield cells


def _row(ref: str) -> int | None:
    """The 1-based number of a row reference (``None``: not a row inside a worksheet)."""
    at = int(ref) if ref.isascii() and ref.isdigit() and len(ref) <= 7 else 0
    return at if 0 < at <= MAX_ROWS else None


def _outside(path: Path, sheet: str | None, ref: str) -> SourceError:
    """The error for a reference no spreadsheet program writes (shortened: it is read
    from an untrusted file; the terminal shows control characters escaped)."""
    return SourceError(
        Msg("src_cell_outside_sheet", name=path.name, sheet=sheet or "1", ref=ref[:40])
    )


def _cell_value(c: Any, shared: list[str], dates: list[bool], from_excel: Any) -> Any:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        node = c.find(f"{_MAIN}is")
        return _text_of(node) if node is not None else None
    v = c.find(f"{_MAIN}v")
    text = v.text if v is not None else None
    if text is None:
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        return dt.datetime.fromisoformat(text)
    number: int | float = float(text) if any(ch in text for ch in ".eE") else int(text)
    style = int(c.get("s", "0"))
    if style < len(dates) and dates[style]:
        return from_excel(number)
    return number


def read_xlsx(path: Path, spec: SourceSpec) -> Table:
    """One sheet of an xlsx workbook: rows under the header row, keyed by title."""
    it = _xlsx_rows(path, spec.sheet)
    header: list[str] = []
    for number, cells in enumerate(it, start=1):
        if number == spec.header_row:
            header = _header(cells)
            break

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, cells in enumerate(it, start=spec.header_row + 1):
            record = {h: v for h, v in zip(header, cells, strict=False) if h and v is not None}
            if any(not isinstance(v, str) or v.strip() for v in record.values()):
                yield number, record

    return Table(rows(), set(header) - {""}, total=None)


def _dig(data: Any, path: str | None) -> Any:
    if not path:
        return data
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            raise KeyError(f"no key {path!r}")
        data = data[part]
    return data


def _read_json(path: Path, spec: SourceSpec) -> Table:
    data = _dig(json.loads(path.read_text(encoding="utf-8-sig")), spec.records)
    if not isinstance(data, list):
        raise SourceError(Msg("src_no_records"))

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, record in enumerate(data, start=1):
            yield number, record if isinstance(record, dict) else {"": record}

    return Table(rows(), None, total=len(data))


def _read_jsonl(path: Path) -> Table:
    handle = path.open(encoding="utf-8-sig")

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"": BadJson(exc.msg)}
                    continue
                yield number, record if isinstance(record, dict) else {"": record}

    return Table(rows(), None)


@dataclass(frozen=True, slots=True)
class BadJson:
    message: str


def cell_of(record: Mapping[str, Any], column: str) -> Any:
    """A record's value for ``column``. JSON records may name nested keys with dots
    (``service.on_site_times``) and every element of a list with ``[]``
    (``materials[].material_name``: the list of those values)."""
    if column in record:
        return record[column]
    return walk(record, column)


def walk(node: Any, path: str) -> Any:
    """The value at ``path`` (dots between keys, ``[]`` for each element of a list) in
    ``node``; None when a key is missing or a ``[]`` meets something that is no list."""
    head, brackets, rest = path.partition("[]")
    for part in head.split(".") if head else ():
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if not brackets:
        return node
    if not isinstance(node, list):
        return None
    rest = rest.removeprefix(".")
    values = [walk(element, rest) if rest else element for element in node]
    return [v for v in values if v is not None]


def root_key(column: str) -> str:
    """The top-level key of a JSON path (``service`` of ``service.on_site_times``)."""
    return re.split(r"\.|\[\]", column, maxsplit=1)[0]


SOURCE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson")


def expand_sources(paths: Sequence[Path], mapping: Path | None = None) -> list[Path]:
    """The files of an import: each path given, a folder as its csv, xlsx, json and jsonl
    files (not recursive, sorted by name, the mapping file itself left out)."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix.lower() in SOURCE_SUFFIXES
            and not p.name.startswith(".")
            and (mapping is None or p.resolve() != mapping.resolve())
        )
        if not found:
            raise SourceError(Msg("src_empty_folder", name=path.name))
        out.extend(found)
    return out
