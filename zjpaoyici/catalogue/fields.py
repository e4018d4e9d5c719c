"""The catalogue's field vocabulary: every field, its labels, its type, the layers that
may set it; the region levels; the implementation elements a catalogue may keep; and how
an entry's facts flatten into a row (for ``explode``, ``export`` and ``import``).

A catalogue declares in ``catalogue.yaml`` (``elements: [...]``) which elements it
maintains; without the declaration it keeps them all. A field of an element the
catalogue does not keep is simply unknown: no schema requirement or rule asks for it,
and every figure counts it as "not given", never as no or zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from zjpaoyici.i18n import Lang, t

if TYPE_CHECKING:
    from zjpaoyici.catalogue.model import Catalogue, Facts, Manifest


@dataclass(frozen=True, slots=True)
class Term:
    """A key with its Chinese and English label."""

    key: str
    zh: str
    en: str

    def label(self, lang: Lang) -> str:
        return str(getattr(self, lang))


# --- region levels --------------------------------------------------------------------

Level = Literal["province", "city", "county", "township"]
LEVEL_TERMS: tuple[Term, ...] = (
    Term("province", "省级", "province"),
    Term("city", "设区市", "city"),
    Term("county", "县（市、区）", "county"),
    Term("township", "乡镇（街道）", "township"),
)
LEVELS: tuple[Level, ...] = get_args(Level)
_LEVEL_BY_KEY = {term.key: term for term in LEVEL_TERMS}


def level_label(level: str, lang: Lang) -> str:
    """A level's label; ``unknown`` (a region the table does not place) is named so, any
    other unknown level shows as written."""
    term = _LEVEL_BY_KEY.get(level)
    if term is not None:
        return term.label(lang)
    return t("level_unknown", lang) if level == "unknown" else level


# --- catalogue fields -----------------------------------------------------------------

# The records that may set a field: a basic-catalogue matter, an implementation file's
# ``defaults``, an implementation entry, a handling item.
Layer = Literal["basic", "defaults", "entry", "item"]
FieldType = Literal["text", "int", "bool", "limit", "list", "map", "records"]
_FACT: frozenset[Layer] = frozenset({"defaults", "entry", "item"})
_ENTRY: frozenset[Layer] = frozenset({"entry"})
_ITEM: frozenset[Layer] = frozenset({"item"})
_PLACE: frozenset[Layer] = frozenset({"entry", "item"})  # identifies an entry or item
_EXPANDS: frozenset[Layer] = frozenset({"defaults", "entry"})  # items and their template


@dataclass(frozen=True, slots=True)
class Field(Term):
    """A catalogue field: type, the layers that may set it, and whether it is a 四同
    field (name, type, basis, levels, legal limit: the same in every region, so the
    basic catalogue's value wins over any implementation layer)."""

    type: FieldType = "text"
    layers: frozenset[Layer] = _FACT
    same_standard: bool = False


def _same(key: str, zh: str, en: str, type_: FieldType, *more: Layer) -> Field:
    return Field(key, zh, en, type_, frozenset({"basic", "entry", *more}), True)


# In the schemas' order (each layer's fields keep it); labels are the schema titles of
# the field as a matter's or entry's field.
FIELDS: tuple[Field, ...] = (
    Field("code", "事项编码", "matter code", "text", frozenset({"basic", *_PLACE})),
    Field("agency", "实施主体名称", "implementing agency", "text", _ENTRY),
    Field(
        "agency_uscc",
        "实施主体统一社会信用代码",
        "agency unified social credit code",
        "text",
        _ENTRY,
    ),
    Field("implementation_code", "实施编码", "implementation code", "text", _PLACE),
    # in province or city _defaults only: the elements stated there as the standard (L005)
    Field("standard", "写明为统一标准的要素", "elements stated as the standard", "list", _ENTRY),
    _same("name", "事项名称", "matter name", "text", "item"),
    Field("situation", "情形", "situation", "map", _ITEM),
    _same("type", "事项类型", "matter type", "text"),
    _same("basis", "设定依据", "legal basis", "list"),
    _same("levels", "行使层级", "exercising levels", "list"),
    _same("legal_limit", "法定办结时限", "legal time limit", "limit", "defaults"),
    Field("visits", "到办事现场次数", "on-site visits", "int"),
    Field("onsite_reason", "必须现场办理原因", "reason an on-site visit is needed"),
    Field("promised_limit", "承诺办结时限", "promised time limit", "limit"),
    Field("case_type", "办件类型", "case type"),
    Field("online", "网上办理", "online handling", "map"),
    Field("express", "快递送达", "express delivery", "bool"),
    Field("reach", "通办范围", "reach"),
    Field("annual_cases", "年办件量", "annual cases", "int"),
    Field("fee", "收费", "fee", "map"),
    Field("materials", "申请材料", "application materials", "records"),
    Field("note", "备注", "note", "text", frozenset({"basic", *_FACT})),
    Field(
        "deviation_reason",
        "偏离统一标准的原因",
        "reason for deviating from the unified standard",
        "text",
        _ENTRY,
    ),
    Field("items", "办理项", "handling items", "records", _EXPANDS),
    Field("situations", "情形维度", "situation dimensions", "map", _EXPANDS),
    Field("item_name", "办理项名称模板", "item name template", "text", _EXPANDS),
    Field("subs", "子项", "sub matters", "records", frozenset({"basic"})),
    Field("remove", "删除继承项", "remove inherited record", "bool", _ITEM),
)
FIELD: dict[str, Field] = {f.key: f for f in FIELDS}
# The facts of an entry or item: what defaults, entries and items alike may set.
FACT_FIELDS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.layers >= _FACT)
# 四同 fields: the basic catalogue's value wins over any implementation layer.
SAME_STANDARD: tuple[str, ...] = tuple(f.key for f in FIELDS if f.same_standard)
# Keys (in any catalogue file) whose text values are identifiers: written in double
# quotes, never trimmed or re-spaced.
IDENTIFIER_KEYS = frozenset(
    {"code", "region", "parent", "province", "agency_uscc", "implementation_code"}
)
# Facts ``diff`` compares between effective records, in report order.
COMPARED: tuple[str, ...] = (
    "visits",
    "promised_limit",
    "materials",
    "online.available",
    "online.depth",
    "online.mobile",
    "express",
    "case_type",
    "fee",
    "onsite_reason",
    "reach",
    "annual_cases",
)


def fields_of(layer: Layer) -> tuple[str, ...]:
    """The fields a record of ``layer`` may set, in schema order."""
    return tuple(f.key for f in FIELDS if layer in f.layers)


# --- implementation elements ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Element(Term):
    """One implementation element: its name in ``elements:``, its labels, and the fields
    it covers in implementation files (entries and items) and in the basic catalogue."""

    fields: tuple[str, ...] = ()
    basic_fields: tuple[str, ...] = ()


ELEMENTS: tuple[Element, ...] = (
    Element("visits", "到现场次数", "on-site visits", ("visits",)),
    Element("onsite_reason", "必须现场办理原因", "on-site reason", ("onsite_reason",)),
    Element(
        "limits",
        "承诺时限与法定时限",
        "promised and legal time limits",
        ("promised_limit",),
        ("legal_limit",),
    ),
    Element("case_type", "办件类型", "case type", ("case_type",)),
    Element("online", "网上办理（可网办、网办深度、掌上办）", "online handling", ("online",)),
    Element("express", "快递送达", "express delivery", ("express",)),
    Element("fees", "收费", "fees", ("fee",)),
    Element("materials", "申请材料", "application materials", ("materials",)),
    Element("reach", "通办范围", "reach", ("reach",)),
    Element("annual_cases", "年办件量", "annual cases", ("annual_cases",)),
    Element("basis", "设定依据", "legal basis", (), ("basis",)),
    Element("items", "办理项", "handling items", ("items", "situations", "item_name")),
)
BY_NAME: dict[str, Element] = {e.key: e for e in ELEMENTS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
# field → element, for implementation files and for the basic catalogue
_IMPL_FIELD = {f: e.key for e in ELEMENTS for f in e.fields}
_BASIC_FIELD = {f: e.key for e in ELEMENTS for f in e.basic_fields}


def element_of(kind: str, field: str) -> str | None:
    """The element a field of a file of ``kind`` belongs to (``None``: no element)."""
    if kind == "basic":
        return _BASIC_FIELD.get(field)
    if kind in ("implementation", "defaults"):
        return _IMPL_FIELD.get(field)
    return None


def parse(value: object) -> frozenset[str] | None:
    """``elements:`` of a manifest as a set of known names (``None``: not declared, so
    every element is kept). Unknown names are the schema's to report and are ignored."""
    if not isinstance(value, list):
        return None
    return frozenset(v for v in value if isinstance(v, str) and v in BY_NAME)


def _declared(where: Catalogue | Manifest | frozenset[str] | None) -> frozenset[str] | None:
    if where is None or isinstance(where, frozenset):
        return where
    # a catalogue holds its manifest; a manifest is its own (no import: rules ask per entry)
    manifest = cast("Manifest | None", getattr(where, "manifest", where))
    return manifest.elements if manifest is not None else None


def kept(where: Catalogue | Manifest | frozenset[str] | None, name: str) -> bool:
    """Whether the catalogue keeps element ``name`` (every element, when undeclared)."""
    declared = _declared(where)
    return declared is None or name in declared


def not_kept(where: Catalogue | Manifest | frozenset[str] | None) -> list[Element]:
    """The elements the catalogue does not keep, in vocabulary order."""
    declared = _declared(where)
    if declared is None:
        return []
    return [e for e in ELEMENTS if e.key not in declared]


def field_kept(where: Catalogue | Manifest | frozenset[str] | None, kind: str, field: str) -> bool:
    """Whether a field of a file of ``kind`` belongs to a kept element (or to none)."""
    name = element_of(kind, field)
    return name is None or kept(where, name)


# element → the fields of a mapping file (``import``) that fill it
MAPPING_FIELDS: dict[str, tuple[str, ...]] = {
    "visits": ("visits",),
    "onsite_reason": ("onsite_reason",),
    "limits": ("promised_limit", "legal_limit"),
    "case_type": ("case_type",),
    "online": ("online_available", "online_depth", "mobile"),
    "express": ("express",),
    "fees": ("fee_charged", "fee_standard", "fee_basis"),
    "materials": ("materials", "materials_optional"),
    "reach": ("reach",),
    "annual_cases": ("annual_cases",),
    "basis": ("basis",),
    "items": ("item_code", "item_name", "situation"),
}


def kept_by_mapping(mapped: Iterable[str]) -> list[str] | None:
    """The ``elements:`` an import writes: the elements at least one mapped field fills,
    in vocabulary order; ``None`` when the mapping fills every element (nothing to
    declare, as in a catalogue written by hand)."""
    fields = set(mapped)
    kept_names = [n for n in NAMES if fields & set(MAPPING_FIELDS[n])]
    return None if len(kept_names) == len(NAMES) else kept_names


def labels(elements: Iterable[Element], lang: Lang) -> str:
    return t("list_sep", lang).join(f"{e.label(lang)} ({e.key})" for e in elements)


# --- rows: an entry or item flattened (``explode``, ``export``, ``import``) ------------

# What a row field holds (which decides the parsers a mapping may give it).
RowKind = Literal["text", "int", "days", "bool", "list", "pairs"]
ROW_FIELDS: dict[str, RowKind] = {
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
    "agency": "text",
    "agency_uscc": "text",
    "implementation_code": "text",
    "visits": "int",
    "onsite_reason": "text",
    "promised_limit": "days",
    "case_type": "text",
    "online_available": "bool",
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
# The English column titles of the export layout (``export --lang en``; the Chinese ones
# are the shipped mapping's columns); import and apply read either.
ROW_TITLES_EN: dict[str, str] = {
    "code": "Matter code",
    "name": "Matter name",
    "main_code": "Main matter code",
    "main_name": "Main matter name",
    "type": "Matter type",
    "basis": "Legal basis",
    "levels": "Exercising levels",
    "legal_limit": "Legal time limit",
    "region": "Region code",
    "region_name": "Region name",
    "region_level": "Region level",
    "region_parent": "Parent region code",
    "department": "Department",
    "agency": "Implementing agency",
    "agency_uscc": "Agency unified social credit code",
    "implementation_code": "Implementation code",
    "visits": "On-site visits",
    "onsite_reason": "Reason an on-site visit is needed",
    "promised_limit": "Promised time limit",
    "case_type": "Case type",
    "online_available": "Available online",
    "online_depth": "Online depth",
    "mobile": "On mobile",
    "express": "Express delivery",
    "reach": "Reach",
    "annual_cases": "Annual cases",
    "fee_charged": "Fee charged",
    "fee_standard": "Fee standard",
    "fee_basis": "Fee basis",
    "materials": "Required materials",
    "materials_optional": "Optional materials",
    "note": "Note",
    "item_code": "Item code",
    "item_name": "Item name",
    "situation": "Situation",
}
# Row fields that place a row (which matter, region, agency, item): a bad cell in one of
# them cannot leave the field unknown, the row is dropped (or the import fails).
PLACING_FIELDS = frozenset({"code", "region", "department", "agency", "main_code", "item_code"})


def limit_value(limit: Any) -> dict[str, Any] | None:
    """A time limit as its YAML mapping (``None``: not given)."""
    return {"days": limit.days, "unit": limit.unit} if limit is not None else None


def text_value(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def fact_row(facts: Facts, values: Mapping[str, Any]) -> dict[str, Any]:
    """An entry's or item's facts as row fields (``values``: its merged YAML values)."""
    raw_fee = values.get("fee")
    fee: Mapping[str, Any] = raw_fee if isinstance(raw_fee, dict) else {}
    raw_online = values.get("online")
    stated = raw_online.get("available") if isinstance(raw_online, dict) else None
    return {
        "visits": facts.visits,
        "onsite_reason": facts.onsite_reason,
        "promised_limit": limit_value(facts.promised_limit),
        "case_type": facts.case_type,
        # as stated (not derived from the depth), so the round trip writes what was written
        "online_available": stated if isinstance(stated, bool) else None,
        "online_depth": facts.online_depth,
        "mobile": facts.mobile,
        "express": facts.express,
        "reach": facts.reach,
        "annual_cases": facts.annual_cases,
        "fee_charged": facts.fee.charged if facts.fee else None,
        "fee_standard": text_value(fee.get("standard")) if facts.fee else None,
        "fee_basis": facts.fee.basis if facts.fee else None,
        "materials": [m.name for m in facts.materials if m.required],
        "materials_optional": [m.name for m in facts.materials if not m.required],
        "note": text_value(values.get("note")),
    }


# --- workbook part sheets (export, import): the sheets after the entry sheet ------------

# the entry sheet (the first): one row per entry and handling item
ENTRIES = Term("entries", "目录", "Entries")
BASIC = Term("basic", "基本目录", "Basic catalogue")
BUNDLES = Term("bundles", "一件事", "Bundles")
DEFAULTS = Term("defaults", "区划缺省", "Region defaults")
SETTINGS = Term("settings", "目录与文件设置", "Settings and notes")
# the settings sheet's name before it held every file's own settings (still read)
SETTINGS_BEFORE = Term("settings", "目标与范围", "Targets and scope")
# Their columns that are no schema field: where a row's record lives, a setting's name.
PART_FILE = Term("file", "文件", "file")
PART_MAIN = Term("main", "所属主项编码", "main matter code")  # a sub matter's main
PART_KEY = Term("key", "项目", "setting")
PART_TITLE = Term("title", "说明", "meaning")
PART_VALUE = Term("value", "值", "value")

CellKind = Literal["text", "int", "bool", "level", "unit", "situation"]


@dataclass(frozen=True, slots=True)
class Column(Term):
    """A column of a table of rows (``explode``): labels, width hint, cell kind."""

    width: int = 12
    cell: CellKind = "text"


# The columns of ``explode``: one row per handling item, every inherited value filled in.
ROW_COLUMNS: tuple[Column, ...] = (
    Column("region", "区划代码", "Region code", 10),
    Column("region_name", "区划名称", "Region name", 10),
    Column("level", "层级", "Level", 12, "level"),
    Column("department", "实施部门", "Department", 28),
    Column("agency", "实施主体", "Implementing agency", 28),
    Column("main_code", "主项编码", "Main matter code", 18),
    Column("main_name", "主项名称", "Main matter name", 30),
    Column("sub_code", "子项编码", "Sub matter code", 18),
    Column("sub_name", "子项名称", "Sub matter name", 30),
    Column("item_code", "办理项编码", "Item code", 20),
    Column("item_name", "办理项名称", "Item name", 36),
    Column("situation", "情形", "Situation", 24, "situation"),
    Column("type", "事项类型", "Matter type", 12),
    Column("visits", "到现场次数", "On-site visits", 8, "int"),
    Column("meets", "最多跑一次", "At most one visit", 8, "bool"),
    Column("promised_days", "承诺时限（天）", "Promised limit (days)", 8, "int"),
    Column("promised_unit", "承诺时限单位", "Promised limit unit", 8, "unit"),
    Column("legal_days", "法定时限（天）", "Legal limit (days)", 8, "int"),
    Column("legal_unit", "法定时限单位", "Legal limit unit", 8, "unit"),
    Column("case_type", "办件类型", "Case type", 8),
    Column("online_available", "可网办", "Available online", 8, "bool"),
    Column("online_depth", "网办深度", "Online depth", 8, "int"),
    Column("mobile", "掌上办", "On mobile", 8, "bool"),
    Column("express", "快递送达", "Express delivery", 8, "bool"),
    Column("materials", "必要材料数", "Required materials", 8, "int"),
    Column("annual_cases", "年办件量", "Annual cases", 10, "int"),
)
