"""The case mapping file: which source column fills which case field, through which parser.

The same shape as ``import``'s mapping (``source:``, ``fields:`` with ``column`` or
``value``, ``parser``, ``values``, ``unknown``), for the case fields below. A field that
would carry personal data cannot be mapped at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.findings import Loc
from zjpaoyici.i18n import Msg
from zjpaoyici.ops.tabular.mapping import MappingError, MappingProblem, key_text, schema_checked

CaseFormat = Literal["csv", "jsonl", "parquet"]
CASE_FORMATS: tuple[CaseFormat, ...] = ("csv", "jsonl", "parquet")

# case field → (what it holds, its default value map). Canonical values: channels
# window/pc/mobile/kiosk/express, outcomes done/rejected/returned/withdrawn, ratings 1–5.
CaseKind = Literal["text", "int", "time"]
CASE_FIELDS: dict[str, CaseKind] = {
    "case_id": "text",
    "implementation_code": "text",
    "region": "text",
    "code": "text",
    "agency": "text",
    "received": "time",
    "completed": "time",
    "channel": "text",
    "visits": "int",
    "outcome": "text",
    "rating": "int",
}
CHANNELS = ("window", "pc", "mobile", "kiosk", "express")
ONLINE_CHANNELS = ("pc", "mobile")
OUTCOMES = ("done", "rejected", "returned", "withdrawn")
DEFAULT_VALUES: dict[str, dict[str, Any]] = {
    "channel": {
        "窗口": "window",
        "电脑端": "pc",
        "网上": "pc",
        "移动端": "mobile",
        "掌上": "mobile",
        "自助终端": "kiosk",
        "快递": "express",
        **{c: c for c in CHANNELS},
    },
    "outcome": {
        "办结": "done",
        "不予受理": "rejected",
        "退回": "returned",
        "撤回": "withdrawn",
        **{o: o for o in OUTCOMES},
    },
    "rating": {
        "非常满意": 5,
        "满意": 4,
        "基本满意": 3,
        "不满意": 2,
        "非常不满意": 1,
        **{str(n): n for n in range(1, 6)},
    },
}
# Fields and columns that would carry personal data: never mapped, never read. Platform
# databases often name columns by pinyin initials: SFZH 身份证号, ZJHM 证件号码, SQRXM
# 申请人姓名, LXDH 联系电话, SJHM 手机号码, LXRXM/LXRSJH 联系人姓名/手机.
PERSONAL_FIELD = re.compile(r"name|id_?(card|number|no)|phone|mobile_?no|tel|address", re.I)
PERSONAL_COLUMN = re.compile(
    r"姓名|名字|申请人|身份证|证件号|手机|电话|联系方式|住址|地址|"
    r"(^|_)(name|applicant|id_?card|id_?number|id_?no|phone|tel|mobile_?phone|address|"
    r"sfz|sfzh|sfzhm|zjhm|sqrzjhm|sqrxm|lxrxm|lxdh|lxrdh|sjhm|sqrsjh|lxrsjh)($|_)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class CaseField:
    """How one case field is read: a column (or a constant), then an optional value map
    (``values``; unknown values are null) and ``unknown`` texts that mean not given."""

    field: str
    column: str | None
    constant: Any
    values: dict[str, Any] | None
    unknown: frozenset[str]


@dataclass(frozen=True, slots=True)
class CaseMapping:
    path: Path
    name: str | None
    format: CaseFormat | None
    delimiter: str
    fields: dict[str, CaseField]

    def columns(self) -> list[str]:
        return [f.column for f in self.fields.values() if f.column is not None]


def personal_column(name: str) -> bool:
    """Whether a source column is named like personal data (it is then never read)."""
    return bool(PERSONAL_COLUMN.search(name))


def load_case_mapping(path: Path) -> CaseMapping:
    """Read and check a case mapping file (YAML and the published JSON Schema
    ``schemas/cases-mapping.schema.json`` first, then the meaning); every problem is listed
    in one error."""
    doc, problems = schema_checked(path, "cases-mapping")
    if doc is None or not isinstance(doc.data, dict):
        loc = problems[0].loc if problems else Loc(display_path(path), 1, 1)
        raise MappingError(problems or [MappingProblem(loc, Msg("cases_map_unreadable"))])
    data: dict[str, Any] = doc.data
    raw_fields: dict[str, Any] = data["fields"] if isinstance(data.get("fields"), dict) else {}
    # a field that is not a case field is explained here (personal data, or the allowed
    # names), in place of the schema's plain "unknown key" at the same place
    ours = {doc.loc(("fields", name), key=True) for name in raw_fields if name not in CASE_FIELDS}
    problems = [p for p in problems if p.loc not in ours]
    source: dict[str, Any] = data["source"] if isinstance(data.get("source"), dict) else {}
    fmt = source.get("format") if source.get("format") in CASE_FORMATS else None
    fields: dict[str, CaseField] = {}
    for name, raw in raw_fields.items():
        at = ("fields", name)
        if name not in CASE_FIELDS:
            key = "cases_map_personal" if PERSONAL_FIELD.search(str(name)) else "cases_map_field"
            problems.append(
                MappingProblem(
                    doc.loc(at, key=True), Msg(key, name=name, allowed=tuple(CASE_FIELDS))
                )
            )
            continue
        spec, trouble = _field(name, raw)
        problems.extend(MappingProblem(doc.loc((*at, *sub)), msg) for sub, msg in trouble)
        if spec is not None:
            fields[name] = spec
    if "code" not in fields and "implementation_code" not in fields:
        problems.append(MappingProblem(doc.loc(("fields",)), Msg("cases_map_no_matter")))
    if "received" not in fields and "completed" not in fields:
        problems.append(MappingProblem(doc.loc(("fields",)), Msg("cases_map_no_time")))
    if problems:
        raise MappingError(problems)
    return CaseMapping(
        path=path,
        name=data.get("name") if isinstance(data.get("name"), str) else None,
        format=fmt,
        delimiter=str(source.get("delimiter", ",")),
        fields=fields,
    )


def _field(name: str, raw: Any) -> tuple[CaseField | None, list[tuple[tuple[str, ...], Msg]]]:
    if not isinstance(raw, Mapping) or ("column" in raw) == ("value" in raw):
        return None, [((), Msg("map_no_source"))]
    column = raw.get("column")
    if column is not None and personal_column(str(column)):
        return None, [(("column",), Msg("cases_map_personal_column", column=column))]
    values = raw.get("values")
    if values is not None and not isinstance(values, Mapping):
        return None, [(("values",), Msg("map_enum_needs_values"))]
    value_map = {key_text(k): v for k, v in values.items()} if values else DEFAULT_VALUES.get(name)
    unknown = frozenset(str(u).strip() for u in raw.get("unknown") or ())
    spec = CaseField(
        name, str(column) if column is not None else None, raw.get("value"), value_map, unknown
    )
    return spec, []
