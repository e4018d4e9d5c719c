"""``zjpaoyici import``: catalogue files from csv, xlsx, json or jsonl exports.

A mapping file (``schemas/mapping.schema.json``, documented in ``docs/mapping.md``)
names, for each catalogue field, a source column (or a constant) and a parser. Every
row is parsed completely before it is used: a value that cannot be read is reported
with its row number and column and the row is skipped, never guessed. A blank cell
is unknown, and unknown stays unknown (a missing visit count is never zero).

Rows are sorted into the standard layout:

* a row without a region defines a matter of the basic catalogue;
* a row with a region is an implementation entry of that region (its matter fields
  also define the basic matter when no other row has);
* a row with an item code is a handling item of the entry with the same region and code.

Output: ``catalogue.yaml``, ``regions.yaml``, ``basic/<部门>.yaml`` and
``implementations/<区划>/<部门>.yaml`` (one file per department and agency), in the
canonical form ``fmt`` writes. :func:`unparse` is the inverse of the parsers, so
``export`` writes the exact layout a mapping reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from zjpaoyici.codes import TYPE_NAMES, CodeProfile, ProfileError, profile_from_manifest
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.fmt import code_sort_key
from zjpaoyici.fsutil import atomic_write_text, umask
from zjpaoyici.i18n import Bi, Lang
from zjpaoyici.load import blocks_rewrite, display_path, read_checked
from zjpaoyici.model import LEVELS
from zjpaoyici.rtyaml import dump_text
from zjpaoyici.rules import hint_of, message_of
from zjpaoyici.schemas import header_for
from zjpaoyici.yamlio import DEFAULT_LIMITS

SourceFormat = Literal["csv", "xlsx", "json", "jsonl"]
FORMATS: tuple[SourceFormat, ...] = ("csv", "xlsx", "json", "jsonl")
PARSERS = ("text", "int", "days", "bool", "split", "enum", "regex", "pairs")

# Catalogue field → what kind of value it holds (which decides the parsers it accepts).
FieldKind = Literal["text", "int", "days", "bool", "list", "pairs"]
FIELDS: dict[str, FieldKind] = {
    "code": "text",
    "name": "text",
    "main_code": "text",
    "main_name": "text",
    "type": "text",
    "basis": "list",
    "levels": "list",
    "legal_limit": "days",
    "region": "text",
    "region_name": "text",
    "region_level": "text",
    "region_parent": "text",
    "department": "text",
    "agency_uscc": "text",
    "visits": "int",
    "onsite_reason": "text",
    "promised_limit": "days",
    "case_type": "text",
    "online_depth": "int",
    "mobile": "bool",
    "express": "bool",
    "reach": "text",
    "annual_cases": "int",
    "fee_charged": "bool",
    "fee_standard": "text",
    "fee_basis": "text",
    "materials": "list",
    "materials_optional": "list",
    "note": "text",
    "item_code": "text",
    "item_name": "text",
    "situation": "pairs",
}
_DEFAULT_PARSER = {
    "text": "text",
    "int": "int",
    "days": "days",
    "bool": "bool",
    "list": "split",
    "pairs": "pairs",
}
_PARSERS_FOR: dict[FieldKind, tuple[str, ...]] = {
    "text": ("text", "enum", "regex"),
    "int": ("int", "enum"),
    "days": ("days",),
    "bool": ("bool", "enum"),
    "list": ("split",),
    "pairs": ("pairs",),
}
TRUE_VALUES = ("是", "Y", "YES", "TRUE", "1", "√", "✓")
FALSE_VALUES = ("否", "N", "NO", "FALSE", "0", "×", "✗")
DAYS_UNKNOWN = ("无", "/", "-", "－", "—", "——", "不适用")
DAYS_IMMEDIATE = ("即办", "即办件", "即时办结", "即来即办", "当场办结", "当场办理", "立即办结")
UNIT_WORDS = {"工作日": "working", "自然日": "natural"}
CASE_TYPES = ("即办件", "承诺件")
_CODE_KEYS = {"code", "region", "parent", "province", "agency_uscc"}
# Fields of an implementation entry or item, in schema order.
FACT_KEYS = (
    "visits",
    "onsite_reason",
    "promised_limit",
    "case_type",
    "online",
    "express",
    "reach",
    "annual_cases",
    "fee",
    "materials",
    "note",
)
BASIC_KEYS = ("name", "type", "basis", "levels", "legal_limit")


# --- the mapping -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one catalogue field is read: from a column or a constant, with a parser."""

    field: str
    column: str | None
    constant: Any
    parser: str
    values: dict[str, Any] | None = None
    separator: str | None = None
    assign: str = "="
    unit: str | None = None
    pattern: re.Pattern[str] | None = None
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES
    unknown: frozenset[str] = frozenset()

    @property
    def kind(self) -> FieldKind:
        return FIELDS[self.field]

    @property
    def label(self) -> str:
        """How the field is named in messages: its column, else the field."""
        return self.column if self.column is not None else self.field


@dataclass(frozen=True, slots=True)
class SourceSpec:
    format: SourceFormat | None = None
    sheet: str | None = None
    header_row: int = 1
    records: str | None = None
    encoding: str = "utf-8-sig"
    delimiter: str = ","


@dataclass(slots=True)
class MappingSpec:
    """A loaded, checked mapping file."""

    path: Path
    name: str | None
    source: SourceSpec
    catalogue: dict[str, Any]
    regions: list[dict[str, Any]]
    fields: dict[str, FieldSpec]
    profile: CodeProfile

    def columns(self) -> list[str]:
        """The source columns the mapping reads, in mapping order, without repeats."""
        return list(dict.fromkeys(s.column for s in self.fields.values() if s.column is not None))


@dataclass(frozen=True, slots=True)
class MappingProblem:
    loc: Loc
    message: Bi


class MappingError(Exception):
    """The mapping file cannot be used; every problem is listed."""

    def __init__(self, problems: list[MappingProblem]) -> None:
        super().__init__("; ".join(p.message.en for p in problems))
        self.problems = problems


def load_mapping(path: Path) -> MappingSpec:
    """Read and check a mapping file (YAML and JSON Schema first, then the meaning)."""
    doc, _, findings = read_checked(path, "mapping", DEFAULT_LIMITS)
    problems = [
        MappingProblem(f.loc, Bi(_finding_text(f, "zh"), _finding_text(f, "en")))
        for f in findings
        if blocks_rewrite(f) or f.rule.startswith("S")
    ]
    if doc is None or problems or not isinstance(doc.data, dict):
        raise MappingError(problems or [MappingProblem(Loc(display_path(path), 1, 1), _EMPTY)])
    data = doc.data
    source_raw = data.get("source") or {}
    source = SourceSpec(
        format=source_raw.get("format"),
        sheet=source_raw.get("sheet"),
        header_row=int(source_raw.get("header_row", 1)),
        records=source_raw.get("records"),
        encoding=_encoding(source_raw.get("encoding")),
        delimiter=source_raw.get("delimiter", ","),
    )
    catalogue = dict(data.get("catalogue") or {})
    try:
        profile = profile_from_manifest(catalogue.get("code_profile"))
    except ProfileError as exc:
        problems.append(
            MappingProblem(
                doc.loc(("catalogue", "code_profile")),
                Bi(f"编码规则无效：{exc}", f"invalid code profile: {exc}"),
            )
        )
        profile = profile_from_manifest(None)
    fields: dict[str, FieldSpec] = {}
    for name, raw in (data.get("fields") or {}).items():
        spec, trouble = _field_spec(name, raw)
        problems.extend(MappingProblem(doc.loc(("fields", name, *at)), msg) for at, msg in trouble)
        if spec is not None:
            fields[name] = spec
    if problems:
        raise MappingError(problems)
    return MappingSpec(
        path=path,
        name=data.get("name"),
        source=source,
        catalogue=catalogue,
        regions=[dict(r) for r in data.get("regions") or []],
        fields=fields,
        profile=profile,
    )


def _finding_text(finding: Finding, lang: Lang) -> str:
    hint = hint_of(finding, lang)
    return f"{finding.rule} {message_of(finding, lang)}" + (f" {hint}" if hint else "")


_EMPTY = Bi("映射文件为空或不是映射。", "The mapping file is empty or not a mapping.")


def _encoding(value: Any) -> str:
    return "utf-8-sig" if value in (None, "utf-8", "utf-8-sig") else str(value)


def _field_spec(
    name: str, raw: Mapping[str, Any]
) -> tuple[FieldSpec | None, list[tuple[tuple[str, ...], Bi]]]:
    trouble: list[tuple[tuple[str, ...], Bi]] = []
    kind = FIELDS[name]
    has_column, has_value = "column" in raw, "value" in raw
    if has_column == has_value:
        trouble.append(
            ((), Bi("须写 column（源列）或 value（常量）之一。", "Give either column or value."))
        )
        return None, trouble
    parser = raw.get("parser") or _DEFAULT_PARSER[kind]
    if parser not in _PARSERS_FOR[kind]:
        allowed = "、".join(_PARSERS_FOR[kind])
        trouble.append(
            (
                ("parser",),
                Bi(
                    f"字段 {name} 不能用解析器 {parser}（可用：{allowed}）。",
                    f"Field {name} cannot use the {parser} parser (use: {', '.join(_PARSERS_FOR[kind])}).",
                ),
            )
        )
    values = raw.get("values")
    if parser == "enum" and not values:
        trouble.append(((), Bi("enum 解析器须有 values 对照表。", "The enum parser needs values.")))
    value_map = {_key_text(k): v for k, v in values.items()} if isinstance(values, dict) else None
    if value_map is not None:
        want: dict[FieldKind, tuple[type, ...]] = {
            "text": (str,),
            "list": (str,),
            "int": (int,),
            "bool": (bool,),
        }
        types = want.get(kind)
        for key, value in value_map.items():
            ok = types is not None and isinstance(value, types)
            if kind == "int" and isinstance(value, bool):
                ok = False
            if not ok:
                trouble.append(
                    (
                        ("values",),
                        Bi(
                            f"对照值 {key} → {value!r} 不适合字段 {name}。",
                            f"The mapped value {key} → {value!r} does not suit field {name}.",
                        ),
                    )
                )
    pattern = None
    if parser == "regex":
        try:
            pattern = re.compile(str(raw.get("pattern", "")))
        except re.error as exc:
            trouble.append((("pattern",), Bi(f"正则表达式无效：{exc}", f"invalid pattern: {exc}")))
        if not raw.get("pattern"):
            trouble.append(
                ((), Bi("regex 解析器须有 pattern。", "The regex parser needs a pattern."))
            )
    constant = raw.get("value")
    if has_value and kind in ("text",) and not isinstance(constant, str):
        trouble.append(
            (
                ("value",),
                Bi(
                    f'常量 {constant!r} 须写成带引号的文字（如 "511602"），以免被读成数字。',
                    f'Write the constant {constant!r} as quoted text (e.g. "511602") so it is'
                    " not read as a number.",
                ),
            )
        )
    separator = raw.get("separator")
    if separator is None:
        separator = "\n" if parser == "split" else ";"
    spec = FieldSpec(
        field=name,
        column=raw.get("column"),
        constant=constant,
        parser=parser,
        values=value_map,
        separator=separator,
        assign=raw.get("assign", "="),
        unit=raw.get("unit"),
        pattern=pattern,
        true_values=tuple(raw["true_values"]) if "true_values" in raw else TRUE_VALUES,
        false_values=tuple(raw["false_values"]) if "false_values" in raw else FALSE_VALUES,
        unknown=frozenset(str(u).strip() for u in raw.get("unknown") or ()),
    )
    return (spec if not trouble else None), trouble


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key).strip()


# --- parsers ---------------------------------------------------------------------


class ParseError(ValueError):
    """A value that cannot be read; the reason is bilingual."""

    def __init__(self, reason: Bi) -> None:
        super().__init__(reason.en)
        self.reason = reason


_DATE_TEXT = re.compile(
    r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DAYS = re.compile(
    r"^(?P<n>\d+)\s*(?:个)?\s*\(?\s*(?P<unit>工作日|自然日|天|日)?\s*\)?\s*(?:内|以内)?$"
)
_INT = re.compile(r"^\d+\s*次?$")


def _norm(text: str) -> str:
    """Full-width digits, letters and brackets to their plain forms, ends stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def is_blank(value: Any, spec: FieldSpec) -> bool:
    """A cell that holds no value: empty, or one of the mapping's ``unknown`` texts."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if not text or text in spec.unknown:
            return True
        if spec.parser == "days" and _norm(text) in DAYS_UNKNOWN:
            return True
    return isinstance(value, list | dict) and not value


def parse_value(spec: FieldSpec, value: Any) -> Any:
    """The catalogue value of one cell (``None`` for unknown), or :class:`ParseError`."""
    if is_blank(value, spec):
        return None
    parser = spec.parser
    if parser == "text":
        return _parse_text(value)
    if parser == "int":
        return _parse_int(value)
    if parser == "days":
        return _parse_days(value, spec.unit)
    if parser == "bool":
        return _parse_bool(value, spec)
    if parser == "enum":
        return _lookup(spec, _key_text(_as_text(value)))
    if parser == "split":
        return _parse_split(value, spec)
    if parser == "regex":
        assert spec.pattern is not None
        match = spec.pattern.search(_as_text(value))
        if match is None:
            return None
        if "value" in spec.pattern.groupindex:
            found = match.group("value")
        else:
            found = match.group(1) if spec.pattern.groups else match.group(0)
        return found.strip() if found and found.strip() else None
    if parser == "pairs":
        return _parse_pairs(value, spec)
    raise AssertionError(parser)  # pragma: no cover - the mapping check allows no other


def _parse_text(value: Any) -> str:
    if isinstance(value, list | dict):
        raise ParseError(Bi("应为文字，却是列表或对象", "expected text, found a list or object"))
    return _as_text(value).strip()


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ParseError(Bi("应为非负整数，却是是/否", "expected a whole number, found yes/no"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT.match(_norm(value)):
        number = int(_norm(value).rstrip("次").strip())
    elif isinstance(value, str) and re.match(r"^-\d+\s*次?$", _norm(value)):
        raise ParseError(Bi("不能为负数", "must not be negative"))
    else:
        raise ParseError(
            Bi("应为非负整数（阿拉伯数字，如 1）", "expected a whole number ≥ 0 in digits, e.g. 1")
        )
    if number < 0:
        raise ParseError(Bi("不能为负数", "must not be negative"))
    return number


def _parse_days(value: Any, unit: str | None) -> dict[str, Any]:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise ParseError(
            Bi(
                "是日期而不是天数（表格软件可能把它自动转成了日期）",
                "is a date, not a number of days (a spreadsheet may have turned it into one)",
            )
        )
    if isinstance(value, bool):
        raise ParseError(Bi("应为天数", "expected a number of days"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ParseError(Bi("天数不能为负数", "days must not be negative"))
        return _limit(value, None, unit)
    if not isinstance(value, str):
        raise ParseError(Bi("应为天数", "expected a number of days"))
    text = _norm(value)
    if text in DAYS_IMMEDIATE:
        return {"days": 0, "unit": unit or "working"}
    if _DATE_TEXT.match(text):
        raise ParseError(Bi("像是日期而不是时限天数", "looks like a date, not a number of days"))
    match = _DAYS.match(text)
    if match is None:
        raise ParseError(
            Bi(
                "无法识别的时限（可写 5、5个工作日、5(自然日)、即办）",
                "unrecognised time limit (write 5, 5个工作日, 5(自然日) or 即办)",
            )
        )
    return _limit(int(match.group("n")), match.group("unit"), unit)


def _limit(days: int, word: str | None, unit: str | None) -> dict[str, Any]:
    if word in UNIT_WORDS:
        return {"days": days, "unit": UNIT_WORDS[word]}
    if unit is None:
        raise ParseError(
            Bi(
                "没有写明是工作日还是自然日；请在映射中为该字段写 unit: working 或 natural",
                "does not say working or calendar days; add unit: working or natural to"
                " this field in the mapping",
            )
        )
    return {"days": days, "unit": unit}


def _parse_bool(value: Any, spec: FieldSpec) -> bool:
    if isinstance(value, bool):
        return value
    text = _norm(_as_text(value)).upper()
    if text in {t.upper() for t in spec.true_values}:
        return True
    if text in {f.upper() for f in spec.false_values}:
        return False
    shown = "/".join(
        f"{a}/{b}" for a, b in zip(spec.true_values[:2], spec.false_values[:2], strict=False)
    )
    raise ParseError(Bi(f"应为是或否（{shown}）", f"expected yes or no ({shown})"))


def _lookup(spec: FieldSpec, key: str) -> Any:
    assert spec.values is not None
    if key in spec.values:
        return spec.values[key]
    shown = "、".join(list(spec.values)[:12])
    raise ParseError(
        Bi(f"不在取值对照表中（可选：{shown}）", f"is not in the value map (known: {shown})")
    )


def _parse_split(value: Any, spec: FieldSpec) -> list[Any] | None:
    if isinstance(value, list):
        parts = [_as_text(v).strip() for v in value]
    elif isinstance(value, dict):
        raise ParseError(Bi("应为列表，却是对象", "expected a list, found an object"))
    else:
        parts = [p.strip() for p in _as_text(value).split(spec.separator or "\n")]
    parts = [p for p in parts if p]
    if spec.values is not None:
        parts = [_lookup(spec, p) for p in parts]
    return parts or None


def _parse_pairs(value: Any, spec: FieldSpec) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for part in _as_text(value).split(spec.separator or ";"):
        if not part.strip():
            continue
        key, sign, val = part.partition(spec.assign)
        if not sign or not key.strip() or not val.strip():
            raise ParseError(
                Bi(
                    f"应写成 维度{spec.assign}取值，多个用 {spec.separator} 分隔",
                    f"write dimension{spec.assign}value, several separated by {spec.separator}",
                )
            )
        out[key.strip()] = val.strip()
    return out


def unparse(spec: FieldSpec, value: Any) -> str | int | None:
    """The cell that :func:`parse_value` reads back as ``value`` (for ``export``)."""
    if value is None or value == [] or value == {}:
        return None
    parser = spec.parser
    if parser == "int":
        return int(value)
    if parser == "days":
        word = "工作日" if value.get("unit", "working") == "working" else "自然日"
        return f"{value['days']}个{word}"
    if parser == "bool":
        return spec.true_values[0] if value else spec.false_values[0]
    if parser == "enum":
        return _reverse(spec, value)
    if parser == "split":
        items = [_reverse(spec, v) if spec.values else str(v) for v in value]
        return (spec.separator or "\n").join(items)
    if parser == "pairs":
        sep = spec.separator or ";"
        joiner = sep + " " if sep in ";,；，" and sep.strip() else sep
        return joiner.join(f"{k}{spec.assign}{v}" for k, v in value.items())
    if parser == "regex":
        raise ValueError(f"field {spec.field}: a regex cannot be written back")
    return str(value)


def _reverse(spec: FieldSpec, value: Any) -> str:
    for key, mapped in (spec.values or {}).items():
        if mapped == value and type(mapped) is type(value):
            return key
    return _as_text(value)


# --- reading sources -------------------------------------------------------------


class SourceError(Exception):
    """The source file cannot be read at all."""

    def __init__(self, message: Bi) -> None:
        super().__init__(message.en)
        self.message = message


def source_format(path: Path, spec: MappingSpec, override: str | None = None) -> SourceFormat:
    chosen = override or spec.source.format
    if chosen is None:
        suffix = path.suffix.lower().lstrip(".")
        chosen = {"xlsm": "xlsx", "ndjson": "jsonl", "txt": "csv"}.get(suffix, suffix)
    if chosen not in FORMATS:
        raise SourceError(
            Bi(
                f"无法判断 {path.name} 的格式；请在映射的 source.format 中写明 csv、xlsx、json 或 jsonl。",
                f"Cannot tell the format of {path.name}; set source.format (csv, xlsx, json or"
                " jsonl) in the mapping.",
            )
        )
    return chosen


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
            return _read_xlsx(path, spec)
        if fmt == "json":
            return _read_json(path, spec)
        return _read_jsonl(path)
    except UnicodeDecodeError as exc:
        raise SourceError(
            Bi(
                f"{path.name} 不是 {spec.encoding} 编码（第 {exc.start} 字节）；请在映射中写明 source.encoding，如 gb18030。",
                f"{path.name} is not {spec.encoding} (byte {exc.start}); set source.encoding in"
                " the mapping, e.g. gb18030.",
            )
        ) from None
    except (OSError, ValueError, KeyError) as exc:
        raise SourceError(
            Bi(f"无法读取 {path.name}：{exc}", f"Cannot read {path.name}: {exc}")
        ) from None


def _unescape(text: str) -> str:
    """Undo the apostrophe that ``export`` puts before formula-like text in csv."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _header(cells: Sequence[Any]) -> list[str]:
    return [_as_text(c).strip() if c is not None else "" for c in cells]


def _read_csv(path: Path, spec: SourceSpec) -> Table:
    text = path.read_text(encoding=spec.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter)
    records = list(reader)
    if len(records) < spec.header_row:
        raise SourceError(Bi(f"{path.name} 没有表头行。", f"{path.name} has no header row."))
    header = _header(records[spec.header_row - 1])

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, record in enumerate(records[spec.header_row :], start=spec.header_row + 1):
            cells = {h: _unescape(v) for h, v in zip(header, record, strict=False) if h}
            if any(v.strip() for v in cells.values()):
                yield number, cells

    return Table(rows(), set(header) - {""}, total=len(records) - spec.header_row)


def _read_xlsx(path: Path, spec: SourceSpec) -> Table:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    if spec.sheet is not None and spec.sheet not in wb.sheetnames:
        names = "、".join(wb.sheetnames)
        wb.close()
        raise SourceError(
            Bi(
                f"{path.name} 中没有工作表 {spec.sheet}（有：{names}）。",
                f"{path.name} has no sheet {spec.sheet} (it has: {', '.join(wb.sheetnames)}).",
            )
        )
    ws = wb[spec.sheet] if spec.sheet is not None else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header: list[str] = []
    for number, cells in enumerate(it, start=1):
        if number == spec.header_row:
            header = _header(cells)
            break
    total = ws.max_row - spec.header_row if ws.max_row else None

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, cells in enumerate(it, start=spec.header_row + 1):
                record = {h: v for h, v in zip(header, cells, strict=False) if h and v is not None}
                if any(not isinstance(v, str) or v.strip() for v in record.values()):
                    yield number, record
        finally:
            wb.close()

    return Table(rows(), set(header) - {""}, total=total)


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
        raise SourceError(
            Bi(
                "JSON 中找不到记录列表；请用 source.records 指明列表所在的键。",
                "The JSON holds no list of records; name its key with source.records.",
            )
        )

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
                    yield number, {"": _BadJson(exc.msg)}
                    continue
                yield number, record if isinstance(record, dict) else {"": record}

    return Table(rows(), None)


@dataclass(frozen=True, slots=True)
class _BadJson:
    message: str


def cell_of(record: Mapping[str, Any], column: str) -> Any:
    """A record's value for ``column``; JSON records may name nested keys with dots."""
    if column in record:
        return record[column]
    node: Any = record
    for part in column.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# --- rows into a catalogue -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a row: where, what, and whether the row was skipped."""

    row: int
    column: str | None
    field: str | None
    value: Any
    reason: Bi
    skipped: bool = True


@dataclass(slots=True)
class _Basic:
    code: str
    values: dict[str, Any]  # name, type, basis, levels, legal_limit
    main_code: str | None
    main_name: str | None
    department: str | None
    row: int
    subs: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    code: str
    name: str | None
    situation: dict[str, str] | None
    values: dict[str, Any]


@dataclass(slots=True)
class _Entry:
    region: str
    code: str
    department: str | None
    agency: str | None
    values: dict[str, Any]
    restated: dict[str, Any]
    explicit: bool  # False: created by item rows before (or without) its own row
    items: dict[str, _Item] = field(default_factory=dict)


@dataclass(slots=True)
class ImportResult:
    """What an import read and produced: files (relative path → text), counts, problems."""

    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    entries: int = 0
    items: int = 0
    matters: int = 0
    departments: int = 0
    regions: int = 0

    @property
    def skipped(self) -> int:
        return len({p.row for p in self.problems if p.skipped})


class Importer:
    """Collects parsed rows, then lays them out as catalogue files."""

    def __init__(self, mapping: MappingSpec, source_name: str) -> None:
        self.mapping = mapping
        self.source_name = source_name
        self.basics: dict[str, _Basic] = {}
        self.entries: dict[tuple[str, str], _Entry] = {}
        self.regions: dict[str, dict[str, Any]] = {}
        self.problems: list[Problem] = []
        self.rows = 0
        for r in mapping.regions:
            self.regions[str(r["code"])] = {k: r[k] for k in ("name", "level", "parent") if k in r}

    # reading ---------------------------------------------------------------------

    def parse(self, number: int, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every mapped field of one record, or ``None`` (with problems) if any fails."""
        bad = record.get("")
        if isinstance(bad, _BadJson) or (len(record) == 1 and "" in record):
            reason = (
                Bi(f"不是有效的 JSON：{bad.message}", f"not valid JSON: {bad.message}")
                if isinstance(bad, _BadJson)
                else Bi("不是 JSON 对象", "not a JSON object")
            )
            self.problems.append(Problem(number, None, None, None, reason))
            return None
        out: dict[str, Any] = {}
        failed = False
        for name, spec in self.mapping.fields.items():
            raw = spec.constant if spec.column is None else cell_of(record, spec.column)
            try:
                value = parse_value(spec, raw)
                if value is not None:
                    _check_field(name, value)
            except ParseError as exc:
                self.problems.append(Problem(number, spec.label, name, raw, exc.reason))
                failed = True
                continue
            out[name] = value
        if failed:
            return None
        if out.get("code") is None:
            spec = self.mapping.fields["code"]
            self.problems.append(Problem(number, spec.label, "code", None, _NO_CODE))
            return None
        if out.get("fee_charged") is None and (out.get("fee_standard") or out.get("fee_basis")):
            spec = self.mapping.fields.get("fee_charged") or self.mapping.fields["code"]
            self.problems.append(Problem(number, spec.label, "fee_charged", None, _NO_CHARGED))
            return None
        return out

    def add(self, number: int, row: dict[str, Any]) -> None:
        """Place one parsed row: basic matter, implementation entry or handling item."""
        if self._place(number, row):
            self.rows += 1

    def _place(self, number: int, row: dict[str, Any]) -> bool:
        code, region = row["code"], row.get("region")
        if region is None:
            if row.get("item_code") is not None:
                self._problem(number, "region", None, _ITEM_NO_REGION)
                return False
            if code in self.basics and self.basics[code].row > 0:
                self._problem(number, "code", code, _DUPLICATE_BASIC)
                return False
            self._basic(number, row, defining=True)
            return True
        item_code = row.get("item_code")
        entry = self.entries.get((region, code))
        if item_code is None:
            if entry is not None and entry.explicit:
                self._problem(number, "code", code, _DUPLICATE_ENTRY)
                return False
            if row.get("department") is None:
                self._problem(number, "department", None, _NO_DEPARTMENT)
                return False
        elif entry is None and row.get("department") is None:
            self._problem(number, "department", None, _NO_DEPARTMENT)
            return False
        self._region(number, row)
        restated = self._basic(number, row, defining=False)
        if entry is None:
            entry = _Entry(
                region, code, row.get("department"), row.get("agency_uscc"), {}, {}, False
            )
            self.entries[(region, code)] = entry
        if item_code is None:
            entry.explicit = True
            entry.department = row["department"]
            entry.agency = row.get("agency_uscc")
            entry.values = facts_of(row)
            entry.restated = restated
            return True
        short = self._item_code(code, str(item_code))
        if short in entry.items:
            self._problem(number, "item_code", item_code, _DUPLICATE_ITEM)
            return False
        entry.items[short] = _Item(short, row.get("item_name"), row.get("situation"), facts_of(row))
        return True

    def _item_code(self, code: str, item_code: str) -> str:
        prefix = code + self.mapping.profile.item_separator
        return item_code[len(prefix) :] if item_code.startswith(prefix) else item_code

    def _problem(
        self, number: int, fieldname: str, value: Any, reason: Bi, *, skipped: bool = True
    ) -> None:
        spec = self.mapping.fields.get(fieldname)
        label = spec.label if spec is not None else fieldname
        self.problems.append(Problem(number, label, fieldname, value, reason, skipped))

    def _region(self, number: int, row: Mapping[str, Any]) -> None:
        code = row["region"]
        known = self.regions.setdefault(code, {})
        for key in ("name", "level", "parent"):
            value = row.get(f"region_{key}")
            if value is None:
                continue
            if key not in known:
                known[key] = value
            elif known[key] != value:
                reason = Bi(
                    f"区划 {code} 的{_REGION_WORD[key].zh}在前面的行中是 {known[key]}，保留前者",
                    f"region {code} has {_REGION_WORD[key].en} {known[key]} in an earlier row;"
                    " kept that",
                )
                self._problem(number, f"region_{key}", value, reason, skipped=False)

    def _basic(self, number: int, row: Mapping[str, Any], *, defining: bool) -> dict[str, Any]:
        """Record the row's matter fields; returns those an entry must restate."""
        code = row["code"]
        values = {k: row[k] for k in BASIC_KEYS if row.get(k) is not None}
        main_code = row.get("main_code")
        main_code = main_code if main_code != code else None
        known = self.basics.get(code)
        if known is None or (defining and known.row < 0):
            self.basics[code] = _Basic(
                code,
                values,
                main_code,
                row.get("main_name"),
                row.get("department"),
                number if defining else -number,
            )
            return {}
        restated = {}
        for key, value in values.items():
            if key not in known.values:
                known.values[key] = value
            elif known.values[key] != value:
                restated[key] = value
        if known.main_code is None and main_code is not None:
            known.main_code = main_code
        if known.main_name is None:
            known.main_name = row.get("main_name")
        return restated

    # laying out --------------------------------------------------------------------

    def result(self) -> ImportResult:
        mains = self._arrange_basics()
        files: dict[str, Any] = {}
        profile = self.mapping.profile
        origin = f"由 zjpaoyici import 生成（来源：{self.source_name}）"
        files["catalogue.yaml"] = self._manifest(origin)
        if self.regions:
            files["regions.yaml"] = self._regions_doc(origin)
        by_dept: dict[str, list[_Basic]] = {}
        for main in mains:
            by_dept.setdefault(main.department or "", []).append(main)
        names = _file_names({(d, None) for d in by_dept})
        for dept, matters in by_dept.items():
            doc = _doc("basic", origin)
            doc["department"] = dept or "（未注明部门）"
            doc["matters"] = _seq(
                self._basic_record(m)
                for m in sorted(matters, key=lambda m: code_sort_key(profile, m.code))
            )
            files[f"basic/{names[(dept, None)]}.yaml"] = doc
        groups: dict[tuple[str, str, str | None], list[_Entry]] = {}
        for entry in self.entries.values():
            groups.setdefault((entry.region, entry.department or "", entry.agency), []).append(
                entry
            )
        for region in sorted({g[0] for g in groups}):
            keys = [(d, a) for r, d, a in groups if r == region]
            names = _file_names(set(keys))
            for dept, agency in keys:
                doc = _doc("implementation", origin)
                doc["region"] = DoubleQuotedScalarString(region)
                doc["department"] = dept or "（未注明部门）"
                if agency is not None:
                    doc["agency_uscc"] = DoubleQuotedScalarString(agency)
                entries = sorted(
                    groups[(region, dept, agency)], key=lambda e: code_sort_key(profile, e.code)
                )
                doc["matters"] = _seq(self._entry_record(e) for e in entries)
                files[f"implementations/{region}/{names[(dept, agency)]}.yaml"] = doc
        result = ImportResult(
            files={path: dump_text(doc) for path, doc in files.items()},
            problems=sorted(self.problems, key=lambda p: p.row),
            rows=self.rows,
            entries=len(self.entries),
            items=sum(len(e.items) for e in self.entries.values()),
            matters=len(self.basics),
            departments=len({e.department for e in self.entries.values()}),
            regions=len({e.region for e in self.entries.values()}),
        )
        return result

    def _arrange_basics(self) -> list[_Basic]:
        """Hang subs under their mains (making a main from its subs when it has no row)."""
        for basic in list(self.basics.values()):
            main_code = basic.main_code
            if main_code is None:
                continue
            main = self.basics.get(main_code)
            if main is None:
                main = _Basic(
                    main_code,
                    {k: v for k, v in basic.values.items() if k != "name"},
                    None,
                    None,
                    basic.department,
                    0,
                )
                if basic.main_name is not None:
                    main.values["name"] = basic.main_name
                self.basics[main_code] = main
            elif main.main_code is not None:
                self._problem(abs(basic.row), "main_code", main_code, _NESTED, skipped=False)
                basic.main_code = None
                continue
            main.subs.append(basic.code)
            if "name" not in main.values and main.row == 0 and len(main.subs) == 1:
                self._problem(abs(basic.row), "main_name", None, _MAIN_NO_NAME, skipped=False)
        mains = [b for b in self.basics.values() if b.main_code is None]
        for main in mains:
            for sub_code in main.subs:
                sub = self.basics[sub_code]
                sub.values = {
                    k: v for k, v in sub.values.items() if k == "name" or main.values.get(k) != v
                }
        return mains

    def _manifest(self, origin: str) -> CommentedMap:
        given = self.mapping.catalogue
        doc = _doc("catalogue", origin)
        doc["name"] = given.get("name") or f"导入的目录（{self.source_name}）"
        doc["province"] = DoubleQuotedScalarString(given.get("province") or self._province())
        for key in ("region_table", "code_profile", "scope", "targets", "rules"):
            if key in given:
                doc[key] = _block(given[key])
        return doc

    def _province(self) -> str:
        provinces = [c for c, r in self.regions.items() if r.get("level") == "province"]
        if len(provinces) == 1:
            return provinces[0]
        codes = sorted(self.regions) or sorted({e.region for e in self.entries.values()})
        return codes[0][:2] + "0000" if codes else "000000"

    def _regions_doc(self, origin: str) -> CommentedMap:
        doc = _doc("regions", origin)
        seq = CommentedSeq()
        for code in sorted(self.regions):
            known = self.regions[code]
            rec = CommentedMap()
            rec["code"] = DoubleQuotedScalarString(code)
            for key in ("name", "level", "parent"):
                if key in known:
                    value = known[key]
                    rec[key] = DoubleQuotedScalarString(value) if key == "parent" else value
            rec.fa.set_flow_style()
            seq.append(rec)
        doc["regions"] = seq
        return doc

    def _basic_record(self, basic: _Basic) -> CommentedMap:
        rec = CommentedMap()
        rec["code"] = DoubleQuotedScalarString(basic.code)
        for key in BASIC_KEYS:
            if key in basic.values:
                rec[key] = _node(basic.values[key])
        if basic.subs:
            profile = self.mapping.profile
            subs = sorted(basic.subs, key=lambda c: code_sort_key(profile, c))
            rec["subs"] = _seq(self._basic_record(self.basics[c]) for c in subs)
        return rec

    def _entry_record(self, entry: _Entry) -> CommentedMap:
        rec = CommentedMap()
        rec["code"] = DoubleQuotedScalarString(entry.code)
        for key in BASIC_KEYS:
            if key in entry.restated:
                rec[key] = _node(entry.restated[key])
        for key in FACT_KEYS:
            if key in entry.values:
                rec[key] = _node(entry.values[key])
        if entry.items:
            profile = self.mapping.profile
            items = sorted(entry.items.values(), key=lambda i: code_sort_key(profile, i.code))
            rec["items"] = _seq(_item_record(i, entry.values) for i in items)
        return rec


def _item_record(item: _Item, base: Mapping[str, Any]) -> CommentedMap:
    rec = CommentedMap()
    rec["code"] = DoubleQuotedScalarString(item.code)
    if item.name is not None:
        rec["name"] = item.name
    if item.situation:
        rec["situation"] = _node(item.situation)
    for key, value in item_overrides(base, item.values).items():
        rec[key] = _node(value)
    return rec


def item_overrides(base: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """What an item record must say so that, merged over its entry's ``base`` values (as
    ``resolve`` merges), it has exactly ``values``: changed values, ``null`` for values
    the entry has and the item has not, ``remove: true`` for materials it lacks."""
    out: dict[str, Any] = {}
    for key in FACT_KEYS:
        have, want = base.get(key), values.get(key)
        if have == want:
            continue
        if want is None:
            out[key] = None
        elif key == "materials":
            out[key] = _material_overrides(have or [], want)
        elif isinstance(want, dict) and isinstance(have, dict):
            merged = {**want, **{k: None for k in have if k not in want}}
            out[key] = merged
        else:
            out[key] = want
    return out


def _material_overrides(have: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[Any]:
    wanted = {m["name"]: m for m in want}
    had = {m["name"]: m for m in have}
    out: list[Any] = [{"name": n, "remove": True} for n in had if n not in wanted]
    out.extend(m for n, m in wanted.items() if had.get(n) != m)
    return out


def facts_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's implementation facts in catalogue shape (unknown fields left out)."""
    values: dict[str, Any] = {}
    for key in ("visits", "onsite_reason", "promised_limit", "case_type", "express", "reach"):
        if row.get(key) is not None:
            values[key] = row[key]
    online = {
        k: row[f]
        for k, f in (("depth", "online_depth"), ("mobile", "mobile"))
        if row.get(f) is not None
    }
    if online:
        values["online"] = online
    if row.get("annual_cases") is not None:
        values["annual_cases"] = row["annual_cases"]
    if row.get("fee_charged") is not None:
        fee: dict[str, Any] = {"charged": row["fee_charged"]}
        for key in ("standard", "basis"):
            if row.get(f"fee_{key}") is not None:
                fee[key] = row[f"fee_{key}"]
        values["fee"] = fee
    materials = [{"name": n, "required": True} for n in row.get("materials") or []]
    materials += [{"name": n, "required": False} for n in row.get("materials_optional") or []]
    if materials:
        values["materials"] = materials
    if row.get("note") is not None:
        values["note"] = row["note"]
    return dict(sorted(values.items(), key=lambda kv: FACT_KEYS.index(kv[0])))


_REGION_CODE = re.compile(r"^\d{6}$")


def _check_field(name: str, value: Any) -> None:
    """Values the catalogue cannot hold are row problems, not later schema findings."""
    if name in ("region", "region_parent") and not _REGION_CODE.match(str(value)):
        raise ParseError(Bi("应为六位区划代码", "expected a six-digit region code"))
    if name == "region_level" and value not in LEVELS:
        raise ParseError(
            Bi(
                "层级应为 province、city、county 或 township",
                "level must be province, city, county or township",
            )
        )
    if name == "levels" and any(v not in LEVELS for v in value):
        raise ParseError(
            Bi(
                "行使层级应为 province、city、county、township",
                "levels must be province, city, county, township",
            )
        )
    if name == "type" and value not in TYPE_NAMES:
        raise ParseError(
            Bi(
                "不是事项类型（行政许可、公共服务等；源数据用代码时请用 enum 对照）",
                "is not a matter type (行政许可, 公共服务, …; map source codes with enum)",
            )
        )
    if name == "case_type" and value not in CASE_TYPES:
        raise ParseError(Bi("办件类型应为 即办件 或 承诺件", "case type must be 即办件 or 承诺件"))
    if name == "online_depth" and not 0 <= value <= 4:
        raise ParseError(Bi("网办深度应为 0–4", "online depth must be 0–4"))


_NO_CODE = Bi("没有事项编码", "no matter code")
_NO_CHARGED = Bi(
    "写了收费标准或依据，却没有写是否收费",
    "gives a fee standard or basis but not whether a fee is charged",
)
_ITEM_NO_REGION = Bi("办理项行没有区划", "an item row without a region")
_DUPLICATE_BASIC = Bi(
    "基本目录中已有这个编码（前面的行）", "the basic catalogue already has this code"
)
_DUPLICATE_ENTRY = Bi(
    "同一区划已有这个事项的条目（前面的行）", "this region already has an entry for this code"
)
_DUPLICATE_ITEM = Bi("这个办理项编码已出现过", "this item code appeared before")
_NO_DEPARTMENT = Bi("没有实施部门", "no department")
_MAIN_NO_NAME = Bi(
    "主项没有自己的行，也没有主项名称；主项将缺少名称", "the main matter has no row and no name"
)
_NESTED = Bi(
    "主项本身又是子项；按主项处理",
    "the main matter is itself a sub matter; treated as a main matter",
)
_REGION_WORD = {
    "name": Bi("名称", "name"),
    "level": Bi("层级", "level"),
    "parent": Bi("上级代码", "parent"),
}


def _doc(kind: str, origin: str) -> CommentedMap:
    doc = CommentedMap()
    doc["schema"] = header_for(kind)
    doc.yaml_set_start_comment(origin)
    return doc


def _seq(items: Iterator[Any] | list[Any]) -> CommentedSeq:
    return CommentedSeq(list(items))


_FLOW_KEYS = {"promised_limit", "legal_limit", "online", "fee", "situation", "basis", "levels"}


def _node(value: Any, key: str | None = None) -> Any:
    """A value as round-trip YAML in the catalogue's style: small maps and lists inline."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = (
                DoubleQuotedScalarString(v)
                if k in _CODE_KEYS and isinstance(v, str)
                else _node(v, k)
            )
        if all(not isinstance(v, dict | list) for v in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _block(value: Any) -> Any:
    """A manifest value in block style (profiles, scope: longer values, easier to read)."""
    node = _node(value)
    if isinstance(node, CommentedMap):
        node.fa.set_block_style()
    return node


def _file_names(keys: set[tuple[str, str | None]]) -> dict[tuple[str, str | None], str]:
    """File stems for (department, agency) groups: the department's name, with the
    agency's credit code appended when one department has several agencies."""
    out: dict[tuple[str, str | None], str] = {}
    used: set[str] = set()
    by_stem: dict[str, list[tuple[str, str | None]]] = {}
    for dept, agency in keys:
        by_stem.setdefault(_stem(dept), []).append((dept, agency))
    for stem, group in sorted(by_stem.items()):
        for dept, agency in sorted(group, key=lambda k: (k[1] is not None, k[1] or "")):
            name = stem if len(group) == 1 or agency is None else f"{stem}-{_stem(agency)}"
            candidate, n = name, 2
            while candidate.lower() in used:
                candidate, n = f"{name}-{n}", n + 1
            used.add(candidate.lower())
            out[(dept, agency)] = candidate
    return out


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]+')


def _stem(text: str) -> str:
    """A department name as a file name: path and shell-hostile characters replaced."""
    stem = _UNSAFE.sub("_", text).strip("._") or "department"
    if stem.startswith("_defaults"):  # would be read as a defaults file
        stem = "dept" + stem
    return stem[:80]


def import_rows(
    mapping: MappingSpec,
    source: Path,
    *,
    fmt: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """Read ``source`` with ``mapping`` and lay the rows out as catalogue files."""
    chosen = source_format(source, mapping, fmt)
    table = read_source(source, chosen, mapping.source)
    if table.columns is not None:
        missing = [c for c in mapping.columns() if c not in table.columns]
        if missing:
            raise MissingColumns(missing, sorted(table.columns))
    importer = Importer(mapping, source.name)
    seen: set[str] = set()
    done = 0
    for number, record in table.rows:
        if table.columns is None:
            seen.update(record)
        parsed = importer.parse(number, record)
        if parsed is not None:
            importer.add(number, parsed)
        done += 1
        if progress is not None:
            progress(done, table.total)
    if table.columns is None and done:
        missing = [c for c in mapping.columns() if c not in seen and c.split(".")[0] not in seen]
        if missing:
            raise MissingColumns(missing, sorted(seen))
    return importer.result()


class MissingColumns(Exception):
    """Columns the mapping reads that the source does not have (usually a typo)."""

    def __init__(self, missing: list[str], known: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing, self.known = missing, known


class OutputNotEmpty(Exception):
    """The output folder holds files and ``--force`` was not given."""


def write_tree(files: Mapping[str, str], out: Path, *, force: bool = False) -> None:
    """Write ``files`` (relative path → text) under ``out``.

    A new or empty ``out`` is filled in a temporary sibling folder that is then renamed
    into place: readers see no catalogue or the whole one. With ``force`` an existing
    folder is updated file by file (each write atomic); other files in it stay.
    """
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(str(out))
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputNotEmpty(str(out))
        for rel, text in files.items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            new = not path.exists()
            atomic_write_text(path, text)
            if new:
                os.chmod(path, 0o666 & ~umask())
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o777 & ~umask())
        if out.is_dir():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
