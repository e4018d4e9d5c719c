"""One matter across the catalogue, with provenance: the data behind ``zjpaoyici show``.

Computing only; rendering is in :mod:`zjpaoyici.render.show_text`, and ``--format json``
prints the structure built here as it is. The structure is plain JSON data and stable
(``format`` 1; keys are only ever added)::

    {
      "format": 1,
      "code": "许可-00802-003",
      "basic": {                       # code name type basis levels legal_limit
        "name": {"value": "…",         # department main subs, always in this order
                 "source": {"file": "basic/scjg.yaml", "line": 42, "column": 15}},
        …
      },
      "regions": [                     # entries implementing the matter, in region order
        {"region": "330106", "name": "西湖区", "level": "county",
         "department": "…", "source": {…},          # the region's own entry
         "agency": "…",                # 实施主体: the entry's agency, else the department
         "implementation_code": null,  # 实施编码 as written, or null
         "values": [                                 # one row per effective leaf value
           {"field": "visits", "pointer": ["visits"], "value": 0, "source": {…}},
           {"field": "materials[营业执照]", "pointer": ["materials", "营业执照"],
            "value": {"required": true}, "source": {…}},
           …],
         "items": [                                  # handling items (办理项)
           {"code": "01", "full_code": "…", "name": "…", "generated": false,
            "source": {…}, "values": [rows as above, visits always first]}]}
      ]
    }

A region where several agencies implement the matter has one element per agency.
``show`` takes a basic code, an implementation code (实施编码 of an entry or a handling
item: only that entry is shown) or a matter's exact name.

``source`` is where the value was written (file, 1-based line and column); it is
``null`` only for a value no file states (``main`` of a main matter). ``value`` is as
written in YAML: ``promised_limit`` and ``legal_limit`` are ``{"days", "unit"}`` maps.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

from zjpaoyici.catalogue.bundles import MemberState, member_states, offered
from zjpaoyici.catalogue.codes import normalise_code
from zjpaoyici.catalogue.fields import FACT_FIELDS, SAME_STANDARD, limit_value
from zjpaoyici.catalogue.load import basic_field_source
from zjpaoyici.catalogue.model import (
    BasicMatter,
    Bundle,
    Catalogue,
    Entry,
    ImplFile,
    Item,
    Source,
)
from zjpaoyici.catalogue.resolve import resolve_entry
from zjpaoyici.files.reader import Pointer
from zjpaoyici.findings import Loc

FORMAT = 1

# A matter's values shown, in this order.
_MATTER = ("code", *SAME_STANDARD, "department", "main", "subs")
# Leaf values shown for a region, in this order; maps (online, fee) are shown key by key.
_LEAVES = tuple(key for key in FACT_FIELDS if key != "note")
_WHOLE = {"promised_limit", "legal_limit"}  # maps shown as one value


class SourceData(TypedDict):
    file: str
    line: int
    column: int


class FieldData(TypedDict):
    value: Any
    source: SourceData | None


class RowData(TypedDict):
    field: str
    pointer: list[str]
    value: Any
    source: SourceData | None


class ItemData(TypedDict):
    code: str
    full_code: str
    name: str | None
    generated: bool
    source: SourceData
    values: list[RowData]


class RegionData(TypedDict):
    region: str
    name: str
    level: str | None
    department: str
    agency: str
    implementation_code: str | None
    source: SourceData
    values: list[RowData]
    items: list[ItemData]


class MatterData(TypedDict):
    format: int
    code: str
    basic: dict[str, FieldData]
    regions: list[RegionData]


class UnknownCode(LookupError):
    """The code names no matter of the basic catalogue; ``suggestions`` are close codes."""

    def __init__(self, code: str, suggestions: list[str]) -> None:
        super().__init__(code)
        self.code = code
        self.suggestions = suggestions


def source_data(loc: Loc) -> SourceData:
    return {"file": loc.file, "line": loc.line, "column": loc.col}


def find_matter(cat: Catalogue, code: str) -> BasicMatter:
    """The basic matter ``code`` names (full-width forms and stray spaces forgiven)."""
    for candidate in (code, normalise_code(code), normalise_code(code).upper()):
        if candidate in cat.basic:
            return cat.basic[candidate]
    known = list(cat.basic)
    close = difflib.get_close_matches(normalise_code(code), known, n=3, cutoff=0.6)
    raise UnknownCode(code, close)


def known_region(cat: Catalogue, region: str) -> bool:
    """Whether ``region`` is a region of the table or has implementation lists."""
    return region in cat.regions or region in cat.impl_files


def build(cat: Catalogue, code: str, region: str | None = None) -> MatterData:
    """Everything ``show`` prints about matter ``code`` (only ``region``, if given).

    ``code`` is a basic code (every agency's entry is shown), an implementation code
    (only the entry it names) or a matter's exact name."""
    impl_code: str | None = None
    try:
        matter = find_matter(cat, code)
    except UnknownCode as unknown:
        found = _by_implementation_code(cat, code) or _by_name(cat, code)
        if found is None:
            raise unknown from None
        matter, impl_code = found
    return {
        "format": FORMAT,
        "code": matter.code,
        "basic": _basic(cat, matter),
        "regions": [_region(cat, entry) for entry in _entries(cat, matter.code, region, impl_code)],
    }


def _by_implementation_code(cat: Catalogue, code: str) -> tuple[BasicMatter, str] | None:
    """The matter of the entry whose (or whose item's) 实施编码 is ``code``."""
    wanted = {code, normalise_code(code), normalise_code(code).upper()}
    for _, raw, _ in _raw_entries(cat, None):
        for written in _implementation_codes(raw):
            if written in wanted and raw["code"] in cat.basic:
                return cat.basic[raw["code"]], written
    return None


def _by_name(cat: Catalogue, name: str) -> tuple[BasicMatter, None] | None:
    """The one matter named exactly ``name`` (several of one name: use the code)."""
    named = [m for m in cat.basic.values() if m.name == name.strip()]
    if len(named) > 1:
        raise UnknownCode(name, [m.code for m in named])
    return (named[0], None) if named else None


def _basic(cat: Catalogue, matter: BasicMatter) -> dict[str, FieldData]:
    limit = matter.legal_limit
    values: dict[str, Any] = {
        "code": matter.code,
        "name": matter.name,
        "type": matter.type,
        "basis": list(matter.basis),
        "levels": list(matter.levels),
        "legal_limit": limit_value(limit),
        "department": matter.department,
        "main": matter.main,
        "subs": list(matter.subs),
    }
    out: dict[str, FieldData] = {}
    for key in _MATTER:
        src: Loc | None
        if key == "department":
            src = matter.src.doc.loc(("department",))
        elif key == "main":
            main = cat.basic.get(matter.main) if matter.main else None
            src = main.src.loc("code") if main else None
        elif key == "subs":
            src = matter.src.loc("subs") if matter.subs else None
        else:
            src = basic_field_source(cat, matter, key).loc()
        out[key] = {"value": values[key], "source": source_data(src) if src else None}
    return out


def _raw_entries(
    cat: Catalogue, region: str | None
) -> Iterator[tuple[ImplFile, dict[str, Any], Source]]:
    for folder in cat.region_folders():
        for impl in cat.impl_files.get(folder, []):
            if region is not None and (impl.region or impl.folder) != region:
                continue
            for raw, src in impl.entries:
                yield impl, raw, src


def _implementation_codes(raw: Mapping[str, Any]) -> Iterator[str]:
    """The 实施编码 of an entry and of its handling items, as written."""
    own = raw.get("implementation_code")
    if isinstance(own, str):
        yield own
    items = raw.get("items")
    for rec in items if isinstance(items, list) else ():
        if isinstance(rec, dict) and isinstance(rec.get("implementation_code"), str):
            yield rec["implementation_code"]


def _entries(
    cat: Catalogue, code: str, region: str | None, impl_code: str | None = None
) -> Iterator[Entry]:
    found: list[Entry] = []
    for impl, raw, src in _raw_entries(cat, region):
        if raw["code"] == code and (impl_code is None or impl_code in _implementation_codes(raw)):
            found.append(resolve_entry(cat, impl, raw, src))
    found.sort(key=lambda e: e.region)  # stable: file and entry order within a region
    return iter(found)


def _region(cat: Catalogue, entry: Entry) -> RegionData:
    region = cat.regions.get(entry.region)
    return {
        "region": entry.region,
        "name": region.name if region else "",
        "level": region.level if region else None,
        "department": entry.department,
        "agency": entry.agency,
        "implementation_code": entry.implementation_code,
        "source": source_data(entry.src.loc("code")),
        "values": list(_rows(entry, entry.values, ())),
        "items": [_item(entry, item) for item in entry.items],
    }


def _rows(entry: Entry, values: Mapping[str, Any], at: Pointer) -> Iterator[RowData]:
    """One row per leaf value under ``at`` (the entry, or one of its items)."""
    for key in _LEAVES:
        if key not in values or values[key] is None:
            continue
        value = values[key]
        if key == "materials" and isinstance(value, list):
            for rec in value:
                if isinstance(rec, dict) and isinstance(rec.get("name"), str):
                    name = rec["name"]
                    shown = {k: v for k, v in rec.items() if k != "name"}
                    yield _row(entry, (*at, key, name), f"{key}[{name}]", shown)
        elif isinstance(value, dict) and key not in _WHOLE:
            for sub, subvalue in value.items():
                yield _row(entry, (*at, key, sub), f"{key}.{sub}", subvalue)
        else:
            yield _row(entry, (*at, key), key, value)


def _row(entry: Entry, pointer: Pointer, name: str, value: Any) -> RowData:
    return {
        "field": name,
        "pointer": [str(p) for p in pointer],
        "value": value,
        "source": source_data(entry.origin(*pointer).loc()),
    }


def _item(entry: Entry, item: Item) -> ItemData:
    at: Pointer = ("items", item.code)
    own = {
        key: value
        for key, value in item.values.items()
        if key in _LEAVES and _states(entry, (*at, key))
    }
    rows = [
        r
        for r in _rows(entry, own, at)
        if r["field"] != "visits" and _states(entry, tuple(r["pointer"]))
    ]
    if "visits" in own:
        visits = _row(entry, (*at, "visits"), "visits", own["visits"])
    else:  # inherited from the entry
        visits = _row(entry, ("visits",), "visits", item.facts.visits)
    return {
        "code": item.code,
        "full_code": item.full_code,
        "name": item.name,
        "generated": item.generated,
        "source": source_data(_item_loc(item.src)),
        "values": [visits, *rows],
    }


def _states(entry: Entry, pointer: Pointer) -> bool:
    """Whether an item record itself states the value at ``pointer``."""
    n = len(pointer)
    return any(p[:n] == pointer for p in entry.provenance)


def _item_loc(src: Source) -> Loc:
    if src.doc.get((*src.pointer, "code")) is not None:
        return src.loc("code")
    return src.loc()


# --- 一件事 bundles -------------------------------------------------------------------


class MemberData(TypedDict):
    code: str
    name: str
    required: bool
    implemented: bool
    visits: int | None
    promised_limit: dict[str, Any] | None
    source: SourceData | None


class BundleRegionData(TypedDict):
    region: str
    name: str
    level: str
    members: list[MemberData]


class BundleData(TypedDict):
    format: int
    kind: str
    code: str
    name: str
    lifecycle: str
    stage: str
    lead_department: str
    departments: list[str]
    joint: bool
    visits: int | None
    promised_limit: dict[str, Any] | None
    source: SourceData
    regions: list[BundleRegionData]


def find_bundle(cat: Catalogue, code: str) -> Bundle | None:
    return next((b for b in cat.bundles if b.code == code), None)


def build_bundle(cat: Catalogue, bundle: Bundle, region: str | None = None) -> BundleData:
    """A bundle's own facts and, per region that offers it, its members' effective values."""
    regions: list[BundleRegionData] = []
    for folder in cat.region_folders():
        if region is not None and folder != region:
            continue
        entries: dict[str, Entry] = {}
        for impl in cat.impl_files.get(folder, []):
            for raw, src in impl.entries:
                entries.setdefault(raw["code"], resolve_entry(cat, impl, raw, src))
        states = member_states(cat, bundle, entries)
        if not offered(bundle, folder, states):
            continue
        info = cat.regions.get(folder)
        regions.append(
            {
                "region": folder,
                "name": info.name if info else folder,
                "level": info.level if info else "",
                "members": [_member(cat, s) for s in states],
            }
        )
    f = bundle.facts
    return {
        "format": FORMAT,
        "kind": "bundle",
        "code": bundle.code,
        "name": bundle.name,
        "lifecycle": bundle.lifecycle,
        "stage": bundle.stage,
        "lead_department": bundle.lead_department,
        "departments": list(bundle.departments),
        "joint": bundle.joint,
        "visits": f.visits,
        "promised_limit": limit_value(f.promised_limit),
        "source": source_data(bundle.src.loc("code")),
        "regions": regions,
    }


def _member(cat: Catalogue, state: MemberState) -> MemberData:
    code = state.member.code
    matter = cat.basic.get(code) or cat.basic.get(code.rpartition(cat.profile.item_separator)[0])
    return {
        "code": code,
        "name": matter.name if matter else code,
        "required": state.member.required,
        "implemented": state.implemented,
        "visits": state.visits,
        "promised_limit": limit_value(state.promised),
        "source": source_data(state.src.loc()) if state.src else None,
    }
