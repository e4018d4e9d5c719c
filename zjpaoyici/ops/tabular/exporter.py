"""``zjpaoyici export``: the resolved catalogue in the column layout ``import`` reads.

The layout is a mapping file (by default ``zjpaoyici/mappings/export.yaml``, shipped in
the package): its columns, in its order, each written with the inverse of its parser
(:func:`zjpaoyici.ops.tabular.cells.unparse`). Export → edit in a spreadsheet → import with the
same mapping is therefore a round trip.

Every row ends with a stamp (``parts.STAMP``): a short digest of the row's cells
as exported, so ``apply`` can tell an edited row from an untouched one and a row whose
YAML changed since the export (a stale row); then the cells as exported
(``parts.EXPORTED``, JSON), so a conflict can show the value at export. Both
columns are hidden in xlsx.

Rows: first one per matter of the basic catalogue (no region; in xlsx they are on the
basic catalogue sheet instead), then, region by region, one per implementation entry
followed by one per handling item. Entries carry their
effective values (every layer merged), so the imported catalogue resolves to the same
values without ``_defaults`` files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from zjpaoyici.catalogue.fields import fact_row, limit_value, text_value
from zjpaoyici.catalogue.load import load_files
from zjpaoyici.catalogue.model import BasicMatter, Catalogue, Entry, Item
from zjpaoyici.catalogue.paths import Plan, display_path, split_plan
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.catalogue.schemas import load_schema
from zjpaoyici.files.reader import DEFAULT_LIMITS, Limits
from zjpaoyici.files.resources import package_dir
from zjpaoyici.findings import Finding
from zjpaoyici.ops.tabular.cells import unparse
from zjpaoyici.ops.tabular.mapping import FieldSpec, MappingSpec
from zjpaoyici.ops.tabular.parts import (
    STAMP_COLUMNS,
    Cell,
    FileDefaults,
    PartColumn,
    cells_json,
    column_of,
    impl_defaults_rows,
    region_setting_records,
    stamp,
)
from zjpaoyici.runner.engine import FileList, default_jobs, forked_map, total_size, workers_for

Label = Callable[[Path], str]

DEFAULT_MAPPING = package_dir() / "mappings" / "export.yaml"
_WIDTHS = {
    "name": 36,
    "main_name": 30,
    "item_name": 36,
    "department": 28,
    "basis": 40,
    "materials": 40,
    "materials_optional": 30,
    "onsite_reason": 30,
    "fee_basis": 30,
    "fee_standard": 24,
    "note": 24,
    "code": 18,
    "main_code": 18,
    "item_code": 20,
    "agency_uscc": 22,
    "agency": 28,
    "implementation_code": 36,
    "situation": 24,
}


class ExportMappingError(ValueError):
    """The mapping cannot describe an export (a constant, a regex, a shared column)."""


def export_specs(mapping: MappingSpec) -> list[FieldSpec]:
    """The mapping's column fields in order; refuses what could not be read back."""
    specs: list[FieldSpec] = []
    seen: dict[str, str] = {}
    problems = []
    for spec in mapping.fields.values():
        if spec.column is None:
            continue
        if spec.parser in ("regex", "contains"):
            problems.append(f"{spec.field}: a {spec.parser} parser cannot be written back")
        elif "[]" in spec.column or spec.required_key is not None:
            problems.append(f"{spec.field}: a value from a list of objects cannot be written back")
        elif spec.column in seen:
            problems.append(f"{spec.field}: column {spec.column} is also {seen[spec.column]}")
        seen[spec.column] = spec.field
        specs.append(spec)
    if problems:
        raise ExportMappingError("; ".join(problems))
    return specs


def export_columns(specs: Iterable[FieldSpec]) -> list[PartColumn]:
    """The columns for the spreadsheet, each with its width hint (in characters, wide
    enough for its Chinese title) and the validation of its field; the last two, the
    stamp columns, are the ones to hide."""
    defs = load_schema("implementation")["$defs"]
    return [
        *(_validated(s, defs) for s in specs),
        *(PartColumn(c.key, c.zh, c.en, width=12) for c in STAMP_COLUMNS),
    ]


def _field_schema(key: str, defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The implementation schema's definition of a column's field (online depth inside
    ``online``), for its drop-down list or range."""
    if key == "online_depth":
        return dict(defs["online"]["properties"]["depth"])
    return defs.get(key) if key in ("visits", "case_type", "type") else None


def _validated(spec: FieldSpec, defs: Mapping[str, Any]) -> PartColumn:
    choices: tuple[str, ...] | None = None
    whole = None
    schema = _field_schema(spec.field, defs)
    if spec.parser == "bool":
        choices = (spec.true_values[0], spec.false_values[0])
    elif spec.parser == "enum" and spec.values:
        choices = tuple(spec.values)
    elif schema is not None:
        col = column_of(spec.field, schema)
        choices, whole = col.choices, col.whole
    return PartColumn(
        spec.label,
        spec.label,
        spec.label,
        choices=choices,
        whole=whole,
        width=_WIDTHS.get(spec.field, 12),
    )


def row_cells(rec: Mapping[str, Any], specs: list[FieldSpec]) -> list[str | int | None]:
    """A record's cells, each written with the inverse of its column's parser."""
    return [unparse(s, rec.get(s.field)) for s in specs]


def export_rows(
    records: Iterable[Mapping[str, Any]], specs: list[FieldSpec]
) -> Iterator[list[str | int | None]]:
    """Each record's cells followed by its stamp and the cells as JSON."""
    for rec in records:
        cells = row_cells(rec, specs)
        yield [*cells, stamp(cells), cells_json(cells)]


def region_records(cat: Catalogue, folder: str) -> Iterator[dict[str, Any]]:
    """Field-keyed rows of a region whose lists are loaded: each entry, then its items."""
    for entry in resolve_region(cat, folder):
        yield entry_record(cat, entry)
        for item in entry.items:
            yield item_record(cat, entry, item)


# What forked workers inherit: the context, each region's files, the columns, how to read.
_STATE: tuple[Catalogue, dict[str, FileList], list[FieldSpec], list[PartColumn], Limits, Label]
RegionRows = tuple[
    list[list[str | int | None]], list[list[Cell]], list[dict[str, Any]], list[Finding]
]


def _region_rows(folder: str) -> RegionRows:
    """One region read, resolved and turned into export rows (its files' own defaults
    rows and settings, and its reading findings too), then dropped."""
    cat, regions, specs, columns, limits, label = _STATE
    reading = load_files(cat, regions.get(folder, []), limits=limits, label=label)
    try:
        defaults = [
            row
            for impl in cat.region_files(folder)
            for row in impl_defaults_rows(cat, impl, columns)
        ]
        rows = list(export_rows(region_records(cat, folder), specs))
        return rows, defaults, region_setting_records(cat, folder), reading
    finally:
        cat.impl_files.pop(folder, None)


def catalogue_rows(
    cat: Catalogue,
    plan: Plan,
    folders: Sequence[str],
    specs: list[FieldSpec],
    reading: list[Finding],
    defaults: FileDefaults,
    *,
    limits: Limits = DEFAULT_LIMITS,
    label: Label = display_path,
    progress: Callable[[int, int], None] | None = None,
    basic: bool = True,
) -> Iterator[list[str | int | None]]:
    """Export rows: the basic matters' (unless they have a sheet of their own, ``basic``
    False), then region by region each entry's and its items'. Forked workers read, resolve and lay out the regions while this process
    writes the rows before them; a few regions are in flight, so memory follows the
    largest region. Reading findings go to ``reading``, files' own defaults to
    ``defaults``."""
    global _STATE
    if basic:
        yield from export_rows((basic_record(cat, m) for m in cat.basic.values()), specs)
    _, regions = split_plan(plan)
    _STATE = (cat, regions, specs, defaults.columns, limits, label)
    size = total_size(path for folder in folders for path, _, _ in regions.get(folder, []))
    workers = workers_for(default_jobs(), len(folders), size)
    for done, (rows, own_defaults, settings, found) in enumerate(
        forked_map(_region_rows, folders, workers, ahead=4 * workers), start=1
    ):
        reading.extend(found)
        defaults.rows.extend(own_defaults)
        defaults.settings.extend(settings)
        yield from rows
        if progress:
            progress(done, len(folders))


def basic_record(cat: Catalogue, matter: BasicMatter) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "code": matter.code,
        "name": matter.name or None,
        "type": matter.type,
        "basis": list(matter.basis),
        "levels": list(matter.levels),
        "legal_limit": limit_value(matter.legal_limit),
        "department": matter.department or None,
    }
    if matter.main is not None:
        main = cat.basic.get(matter.main)
        rec["main_code"] = matter.main
        rec["main_name"] = main.name if main else None
    return rec


def _matter_fields(cat: Catalogue, entry: Entry) -> dict[str, Any]:
    values = entry.values
    region = cat.regions.get(entry.region)
    rec: dict[str, Any] = {
        "region": entry.region,
        "region_name": region.name if region else None,
        "region_level": region.level if region else None,
        "region_parent": region.parent if region else None,
        "department": entry.department or None,
        # the entry's own agency (None when it is the file's department)
        "agency": entry.agency if entry.agency and entry.agency != entry.department else None,
        "agency_uscc": entry.agency_uscc,
        "implementation_code": entry.implementation_code,
        "code": entry.code,
        "name": text_value(values.get("name")),
        "type": text_value(values.get("type")),
        "basis": [b for b in values.get("basis") or [] if isinstance(b, str)],
        "levels": [lv for lv in values.get("levels") or [] if isinstance(lv, str)],
        "legal_limit": values.get("legal_limit")
        if isinstance(values.get("legal_limit"), dict)
        else None,
    }
    matter = cat.basic.get(entry.code)
    if matter is not None and matter.main is not None:
        main = cat.basic.get(matter.main)
        rec["main_code"] = matter.main
        rec["main_name"] = main.name if main else None
    return rec


def entry_record(cat: Catalogue, entry: Entry) -> dict[str, Any]:
    return {**_matter_fields(cat, entry), **fact_row(entry.facts, entry.values)}


def item_record(cat: Catalogue, entry: Entry, item: Item) -> dict[str, Any]:
    return {
        **_matter_fields(cat, entry),
        "item_code": item.full_code,
        # on an item's row, the item's own 办理项编码 (as every fact on that row is the item's)
        "implementation_code": text_value(item.values.get("implementation_code")),
        "item_name": item.name,
        "situation": dict(item.situation) or None,
        **fact_row(item.facts, item.values),
    }
