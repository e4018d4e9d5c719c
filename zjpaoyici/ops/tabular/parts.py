"""The catalogue parts besides entries, as workbook sheets and back.

``export --format xlsx`` writes, after the entry sheet, one sheet per part: the basic
catalogue (``basic/*.yaml``: each main matter, then its sub matters), bundles
(``bundles/*.yaml``), region defaults (the province's and cities' ``_defaults*.yaml`` and
each implementation file's ``defaults``), and settings and notes: the manifest's own
keys (name, targets, scope …), ``regions.yaml``'s table, source and retired codes, and
every file's top-level ``note``. ``import`` reads them back into the same files, so
export → import loses nothing.

Columns are titled with the schemas' titles (Chinese, or English with ``--lang en``);
either language is read back. A cell holds a number, 是/否, text, or, for a list or
map, the value as one line of YAML flow text (``{days: 5, unit: working}``); ``null`` is
an explicit null (a cancelled inherited value), a blank cell is no value.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from zjpaoyici.catalogue.fields import (
    BASIC,
    BUNDLES,
    DEFAULTS,
    ENTRIES,
    FIELD,
    PART_FILE,
    PART_KEY,
    PART_MAIN,
    PART_TITLE,
    PART_VALUE,
    SAME_STANDARD,
    SETTINGS,
    SETTINGS_BEFORE,
    Term,
)
from zjpaoyici.catalogue.model import Catalogue, ImplFile
from zjpaoyici.catalogue.schemas import load_schema
from zjpaoyici.i18n import Bi, Lang, Msg
from zjpaoyici.ops.tabular.mapping import FALSE_VALUES, TRUE_VALUES, SourceSpec
from zjpaoyici.ops.tabular.sources import read_xlsx, sheet_names

Kind = Literal["text", "int", "bool", "yaml"]
Cell = str | int | float | None
# In the code column of the defaults sheet: the row is the file's own ``defaults``.
DEFAULTS_KEY = "defaults"
# The hidden columns ending every row of every sheet: a digest of the row's cells at
# export, and those cells (JSON), so apply tells edited rows and stale ones apart.
STAMP = Term("stamp", "校验码", "stamp")
EXPORTED = Term("exported", "导出时的值", "values at export")
STAMP_COLUMNS = (STAMP, EXPORTED)


def cells_json(cells: Sequence[Cell]) -> str:
    return json.dumps(cells, ensure_ascii=False, separators=(",", ":"))


def stamp(cells: Sequence[Cell]) -> str:
    """A short digest of a row's cells: equal cells, equal stamp."""
    return hashlib.blake2b(cells_json(cells).encode("utf-8"), digest_size=6).hexdigest()


@dataclass(frozen=True, slots=True)
class PartColumn(Term):
    """A column of a part sheet: key, labels, cell kind, and a validation (a list of
    choices or a whole-number range) taken from the schema."""

    kind: Kind = "text"
    choices: tuple[str, ...] | None = None
    whole: tuple[int, int] | None = None
    width: int = 12  # a hint in characters; the writer widens it to fit the title


def _kind(schema: Mapping[str, Any]) -> Kind:
    types = schema.get("type")
    types = set(types) if isinstance(types, list) else {types}
    if types & {"object", "array"}:
        return "yaml"
    if "integer" in types:
        return "int"
    if "boolean" in types:
        return "bool"
    return "text"


def column_of(key: str, schema: Mapping[str, Any], kind: Kind | None = None) -> PartColumn:
    """A column for a schema property: its titles, kind and validation."""
    kind = kind or _kind(schema)
    enum = [v for v in schema.get("enum") or [] if isinstance(v, str)]
    choices = tuple(enum) or ((TRUE_VALUES[0], FALSE_VALUES[0]) if kind == "bool" else None)
    whole = None
    if kind == "int" and "maximum" in schema:
        low, high = int(schema.get("minimum", 0)), int(schema["maximum"])
        if high - low <= 20:  # a short range: a drop-down list of its numbers
            choices = tuple(str(n) for n in range(low, high + 1))
        else:
            whole = (low, high)
    title = str(schema.get("title", key))
    width = {"yaml": 40, "text": 24}.get(kind, 8)
    return PartColumn(key, title, str(schema.get("x-title-en", title)), kind, choices, whole, width)


def _plain(term: Term) -> PartColumn:
    return PartColumn(term.key, term.zh, term.en, width=24)


def bundle_columns() -> list[PartColumn]:
    """The bundle sheet: the file, then every property of a bundle in schema order."""
    schema = load_schema("bundle")["$defs"]["bundle"]["properties"]
    return [_plain(PART_FILE), *(column_of(k, v) for k, v in schema.items())]


def basic_columns() -> list[PartColumn]:
    """The basic catalogue sheet: the file and its department, the main matter of a sub
    matter (blank for a main matter), then a matter's fields in schema order."""
    schema = load_schema("basic")
    defs = schema["$defs"]
    return [
        _plain(PART_FILE),
        column_of("department", schema["properties"]["department"]),
        _plain(PART_MAIN),
        *(
            column_of(key, defs[ref["$ref"].rsplit("/", 1)[-1]])
            for key, ref in defs["main"]["properties"].items()
            if key != "subs"
        ),
    ]


def defaults_columns() -> list[PartColumn]:
    """The defaults sheet: the file, its region and department, the matter code (or
    ``defaults`` for the file's own defaults), then every field an entry may set."""
    impl = load_schema("implementation")
    defs = impl["$defs"]
    top = impl["properties"]
    out = [
        _plain(PART_FILE),
        column_of("region", top["region"]),
        column_of("department", top["department"]),
    ]
    for key in defs["entry"]["properties"]:
        schema = defs.get(key, {})
        kind: Kind | None = None
        if key in FIELD:  # the vocabulary's type wins (a limit or map is YAML text)
            kind = {"int": "int", "bool": "bool", "text": "text"}.get(FIELD[key].type, "yaml")  # type: ignore[assignment]
        out.append(column_of(key, schema, kind))
    return out


def settings_columns() -> list[PartColumn]:
    """The settings sheet: the file (and, for an implementation file, its region and
    department: import names those files by department), the setting, its meaning, its
    value."""
    top = load_schema("implementation")["properties"]
    return [
        _plain(PART_FILE),
        column_of("region", top["region"]),
        column_of("department", top["department"]),
        _plain(PART_KEY),
        _plain(PART_TITLE),
        PartColumn(PART_VALUE.key, PART_VALUE.zh, PART_VALUE.en, "yaml", width=60),
    ]


MANIFEST_FILE, REGIONS_FILE = "catalogue.yaml", "regions.yaml"
# Top-level keys that hold a file's records or its kind: on the other sheets, or fixed.
_RECORD_KEYS = {"schema", "matters", "bundles", "regions", "defaults", "department", "region"}


def file_schema(file: str) -> str | None:
    """The schema of a catalogue file by its relative path (None: not a catalogue file)."""
    if file in (MANIFEST_FILE, REGIONS_FILE):
        return file.split(".")[0]
    top = file.split("/")[0]
    return {"basic": "basic", "bundles": "bundle", "implementations": "implementation"}.get(top)


def settings_schema(file: str = MANIFEST_FILE) -> dict[str, Mapping[str, Any]]:
    """A file's settings and their schemas: the manifest's ``targets.<level>`` and
    ``scope.<key>`` one by one and its other keys whole; every other file's top-level
    keys that are no records (a note; regions.yaml's table, source and retired codes)."""
    name = file_schema(file)
    if name is None:
        return {}
    props = load_schema(name)["properties"]
    out: dict[str, Mapping[str, Any]] = {}
    for key, sub in props.items():
        if key in _RECORD_KEYS or (name == "implementation" and key == "agency_uscc"):
            continue
        if name == "catalogue" and key in ("targets", "scope"):
            out.update((f"{key}.{k}", v) for k, v in sub["properties"].items())
        else:
            out[key] = sub
    return out


def setting_place(name: str) -> tuple[tuple[str, ...], str]:
    """Where a setting lives in its file: the map above it and its key."""
    part, _, key = name.rpartition(".")
    return ((part,) if part else ()), key


# --- cells -----------------------------------------------------------------------------


def _flow_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = True
    yaml.width = 1 << 20
    yaml.allow_unicode = True
    yaml.representer.sort_base_mapping_type_on_output = False
    return yaml


_FLOW = _flow_yaml()


def cell_of(value: Any, kind: Kind) -> Cell:
    """A value as a cell of ``kind`` (see the module's docstring)."""
    if value is None:
        return "null"
    if kind == "bool" and isinstance(value, bool):
        return TRUE_VALUES[0] if value else FALSE_VALUES[0]
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "text" and isinstance(value, str):
        return value
    if isinstance(value, float):
        return value
    out = io.StringIO()  # anything else (a list, a map, a value of an odd type): YAML
    _FLOW.dump(value, out)
    return out.getvalue().strip()


class CellError(ValueError):
    """A part sheet's cell that cannot be read: the reason (a message)."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(reason.get("en"))
        self.reason = reason


def value_of(cell: Any, kind: Kind) -> Any:
    """The value a cell holds (the inverse of :func:`cell_of`)."""
    if isinstance(cell, str):
        cell = cell.strip()
        if cell == "null":
            return None
    if kind == "text":
        return cell if isinstance(cell, str) else str(cell)
    if kind == "bool":
        if isinstance(cell, bool):
            return cell
        text = str(cell).upper()
        if text in {v.upper() for v in TRUE_VALUES}:
            return True
        if text in {v.upper() for v in FALSE_VALUES}:
            return False
        raise CellError(Msg("cell_expected_yes_no", shown=f"{TRUE_VALUES[0]}/{FALSE_VALUES[0]}"))
    if kind == "int":
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, int) and not isinstance(cell, bool):
            return cell
        if isinstance(cell, str) and cell.isdigit():
            return int(cell)
        raise CellError(Msg("cell_int_expected"))
    if not isinstance(cell, str):
        return cell
    try:
        return _FLOW.load(cell)
    except YAMLError as exc:
        raise CellError(Msg("parts_bad_yaml", reason=str(exc).splitlines()[0])) from None


# --- export ----------------------------------------------------------------------------


def relative_name(cat: Catalogue, path: Any) -> str:
    try:
        return PurePosixPath(path.relative_to(cat.root)).as_posix()
    except ValueError:
        return PurePosixPath(path).name


def bundle_rows(cat: Catalogue, columns: list[PartColumn]) -> Iterator[list[Cell]]:
    """One row per bundle, as written in its file."""
    for bundle in cat.bundles:
        raw = bundle.src.doc.data
        for key in bundle.src.pointer:
            raw = raw[key]
        yield _row(raw, columns, relative_name(cat, bundle.src.doc.path))


def basic_rows(cat: Catalogue, columns: list[PartColumn]) -> Iterator[list[Cell]]:
    """One row per main matter, as written in its file, followed by its sub matters
    (their own values: a blank cell is inherited from the main matter)."""
    docs = {m.src.doc.path: m.src.doc for m in cat.basic.values()}
    docs.update((m.src.doc.path, m.src.doc) for pair in cat.basic_dupes for m in pair)
    for path in sorted(docs):
        data = docs[path].data
        file = relative_name(cat, path)
        head = {"department": data.get("department")}
        for main in data.get("matters") or []:
            if not isinstance(main, dict):
                continue
            yield _row({**head, **main}, columns, file)
            for sub in main.get("subs") or []:
                if isinstance(sub, dict):
                    yield _row({**head, "main": main.get("code"), **sub}, columns, file)


def part_row(record: Mapping[str, Any], columns: list[PartColumn]) -> list[Cell]:
    """A record's cells on its sheet (a blank cell: no such key)."""
    return [cell_of(record[c.key], c.kind) if c.key in record else None for c in columns]


def _row(raw: Mapping[str, Any], columns: list[PartColumn], file: str) -> list[Cell]:
    return part_row({**raw, PART_FILE.key: file}, columns)


def impl_defaults_rows(
    cat: Catalogue, impl: ImplFile, columns: list[PartColumn]
) -> list[list[Cell]]:
    """The rows of one implementation or defaults file: its own ``defaults``, then
    (for a ``_defaults`` file) each matter."""
    file = relative_name(cat, impl.doc.path)
    head = {"region": impl.region, "department": impl.department}
    rows = []
    if impl.defaults:
        rows.append(_row({**head, **impl.defaults, "code": DEFAULTS_KEY}, columns, file))
    if impl.kind == "defaults":
        rows.extend(_row({**head, **raw}, columns, file) for raw, _ in impl.entries)
    return rows


def setting_records(
    cat: Catalogue, doc: Any
) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """The settings one file states: name, where it lives, the record its row shows
    (an implementation file's with its region and department)."""
    file = relative_name(cat, doc.path)
    data = doc.data
    if not isinstance(data, Mapping):
        return
    head = {}
    if file_schema(file) == "implementation":
        head = {k: data[k] for k in ("region", "department") if isinstance(data.get(k), str)}
    for name in settings_schema(file):
        pointer, key = setting_place(name)
        given: Any = data
        for part in pointer:
            given = given.get(part) if isinstance(given, Mapping) else None
        if isinstance(given, Mapping) and key in given:
            yield name, pointer, {**head, "file": file, "key": name, "value": given[key]}


def settings_rows(
    cat: Catalogue, lang: Lang, records: Iterable[Mapping[str, Any]] = ()
) -> Iterator[list[Cell]]:
    """The settings of the catalogue-wide files (manifest, regions, basic catalogue,
    bundles, ``_defaults`` files), then ``records`` (the region files', gathered while
    export streams the regions)."""
    columns = settings_columns()
    docs = {d.path: d for d in [*cat.documents, *(impl.doc for impl in cat.defaults_files())]}
    wide = {relative_name(cat, path): doc for path, doc in docs.items()}
    found = [
        r for f in sorted(wide) if not in_region(f) for _, _, r in setting_records(cat, wide[f])
    ]
    for record in [*found, *records]:
        titled = {**record, "title": setting_title(record["file"], record["key"], lang)}
        yield part_row(titled, columns)


def in_region(file: str) -> bool:
    """A file of one region (read only during its region's turn), not a ``_defaults``."""
    parts = file.split("/")
    return parts[0] == "implementations" and not parts[-1].startswith("_defaults")


def region_setting_records(cat: Catalogue, folder: str) -> list[dict[str, Any]]:
    """The settings (a note) of one region's own files, for the settings sheet."""
    return [
        record
        for impl in cat.region_files(folder)
        for _, _, record in setting_records(cat, impl.doc)
    ]


def setting_title(file: str, name: str, lang: Lang) -> str:
    """The meaning of a setting (``targets.city`` …) as its row shows it."""
    schema = settings_schema(file).get(name, {})
    return Bi(str(schema.get("title", name)), str(schema.get("x-title-en", name))).get(lang)


class FileDefaults:
    """Implementation files' own ``defaults`` and settings (a note), collected while
    export streams the regions (each region's files are loaded only during its turn,
    in a worker)."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.columns = defaults_columns()
        self.rows: list[list[Cell]] = []
        self.settings: list[dict[str, Any]] = []

    def all_rows(self) -> Iterator[list[Cell]]:
        """The ``_defaults`` files' rows, then the files' own defaults (complete once
        the entry sheet is written)."""
        for impl in self.cat.defaults_files():
            yield from impl_defaults_rows(self.cat, impl, self.columns)
        yield from self.rows


def part_sheets(
    cat: Catalogue, lang: Lang, defaults: FileDefaults
) -> list[tuple[str, list[PartColumn], Iterable[list[Cell]]]]:
    """The part sheets export writes after the entry sheet: name, columns, rows; every
    row stamped like the entry sheet's (the stamp columns last)."""
    basic, bundles = basic_columns(), bundle_columns()
    sheets = [
        (BASIC.label(lang), basic, basic_rows(cat, basic)),
        (BUNDLES.label(lang), bundles, bundle_rows(cat, bundles)),
        (DEFAULTS.label(lang), defaults.columns, defaults.all_rows()),
        (SETTINGS.label(lang), settings_columns(), settings_rows(cat, lang, defaults.settings)),
    ]
    marks = [PartColumn(c.key, c.zh, c.en, width=12) for c in STAMP_COLUMNS]
    return [(name, [*columns, *marks], _stamped(rows)) for name, columns, rows in sheets]


def _stamped(rows: Iterable[list[Cell]]) -> Iterator[list[Cell]]:
    for row in rows:
        yield [*row, stamp(row), cells_json(row)]


# --- import ----------------------------------------------------------------------------


@dataclass(slots=True)
class PartProblem:
    """A part sheet's cell that could not be read: sheet, row, column and why."""

    sheet: str
    row: int
    column: str
    reason: Msg
    skipped: bool = False  # the row left out (else only the cell)
    source: Path | None = None


@dataclass(slots=True)
class Parts:
    """What the part sheets say: basic, bundle and defaults files (relative path →
    data), implementation files' own defaults by (region, department), files' settings."""

    basic_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    bundle_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_defaults: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # file → setting → value; an implementation file's by (region, department)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_settings: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    problems: list[PartProblem] = field(default_factory=list)
    sheets: int = 0

    def basic_values(self) -> dict[str, dict[str, Any]]:
        """Each matter on the basic sheet: its 四同 values (a sub's inherited from its
        main, except the name)."""
        out: dict[str, dict[str, Any]] = {}
        for doc in self.basic_files.values():
            for main in doc["matters"]:
                own = {k: main[k] for k in SAME_STANDARD if k in main}
                out[str(main["code"])] = own
                inherited = {k: v for k, v in own.items() if k != "name"}
                for sub in main.get("subs", []):
                    out[str(sub["code"])] = {
                        **inherited,
                        **{k: sub[k] for k in SAME_STANDARD if k in sub},
                    }
        return out

    def merge(self, other: Parts, source: Path) -> None:
        """Add the parts of another file of the same export."""
        for path, doc in other.basic_files.items():
            self.basic_files.setdefault(path, {**doc, "matters": []})["matters"].extend(
                doc["matters"]
            )
        for path, doc in other.bundle_files.items():
            self.bundle_files.setdefault(path, {"bundles": []})["bundles"].extend(doc["bundles"])
        self.defaults_files.update(other.defaults_files)
        self.file_defaults.update(other.file_defaults)
        for file, values in other.settings.items():
            self.settings.setdefault(file, {}).update(values)
        for key, values in other.file_settings.items():
            self.file_settings.setdefault(key, {}).update(values)
        self.problems.extend(replace(p, source=source) for p in other.problems)
        self.sheets += other.sheets


def find_sheet(names: Iterable[str], term: Term) -> str | None:
    """The sheet of a part, under its Chinese or English name."""
    wanted = {term.zh, term.en.casefold()}
    return next((n for n in names if n.strip() in wanted or n.strip().casefold() in wanted), None)


def entry_sheet(path: Path) -> str | None:
    """The entry sheet of a workbook ``export`` wrote (it has part sheets), under its
    Chinese or English name, wherever the user moved it or put a sheet before it; None
    for any other file (read as before: its first sheet). A workbook of one's own may
    well have a table-of-contents sheet named 目录."""
    if path.suffix.lower() != ".xlsx":
        return None
    names = sheet_names(path)
    parts = (BASIC, BUNDLES, DEFAULTS, SETTINGS, SETTINGS_BEFORE)
    if not any(find_sheet(names, term) for term in parts):
        return None
    return find_sheet(names, ENTRIES)


def _columns_by_title(columns: list[PartColumn]) -> dict[str, PartColumn]:
    out = {}
    for col in columns:
        out[col.zh] = col
        out[col.en.casefold()] = col
    return out


def read_records(
    sheet: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    columns: list[PartColumn],
    problems: list[PartProblem],
    stamps: dict[int, tuple[Any, Any]] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row of a part sheet as a field-keyed record; cells that cannot be read are
    reported (sheet, row, column) and left out; unknown columns are ignored. The stamp
    columns go to ``stamps`` (row → stamp, cells at export) when given."""
    titles = _columns_by_title(columns)
    marks = {t: c.key for c in STAMP_COLUMNS for t in (c.zh, c.en)}
    for number, record in rows:
        out: dict[str, Any] = {}
        if stamps is not None:
            stamps[number] = tuple(record.get(c.zh, record.get(c.en)) for c in STAMP_COLUMNS)
        for title, cell in record.items():
            if title in marks:
                continue
            col = titles.get(title.strip()) or titles.get(title.strip().casefold())
            if col is None or cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            try:
                out[col.key] = value_of(cell, col.kind)
            except CellError as exc:
                problems.append(PartProblem(sheet, number, title, exc.reason))
        if out:
            yield number, out


def _sheet_lang(sheet: str, *terms: Term) -> Lang:
    """The language a part sheet was exported in, by its name: its columns' titles in
    a problem read as the sheet shows them."""
    english = sheet.strip().casefold() in {t.en.casefold() for t in terms}
    return "en" if english else "zh"


def collect_bundles(
    parts: Parts, sheet: str, records: Iterable[tuple[int, dict[str, Any]]]
) -> None:
    for number, rec in records:
        file = str(rec.pop("file", "") or "bundles.yaml")
        if "code" not in rec:
            parts.problems.append(
                PartProblem(sheet, number, sheet, Msg("parts_no_code"), skipped=True)
            )
            continue
        path = _under("bundles", file)
        doc = parts.bundle_files.setdefault(path, {"bundles": []})
        doc["bundles"].append(rec)


def collect_basic(parts: Parts, sheet: str, records: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """Main matters into their files; then each sub matter under its main (in any row
    order); a sub whose main is not on the sheet is reported and left out."""
    subs = []
    mains: dict[tuple[str, str], dict[str, Any]] = {}
    main_title = PART_MAIN.label(_sheet_lang(sheet, BASIC))
    for number, rec in records:
        file = str(rec.pop("file", "") or "")
        department = rec.pop("department", None)
        main = rec.pop("main", None)
        if not rec.get("code"):
            parts.problems.append(
                PartProblem(sheet, number, sheet, Msg("parts_no_code"), skipped=True)
            )
            continue
        path = _under("basic", file or f"{department or 'basic'}.yaml")
        doc = parts.basic_files.setdefault(path, {"department": department, "matters": []})
        if main:
            subs.append((number, path, str(main), rec))
        else:
            doc["matters"].append(rec)
            mains[(path, str(rec["code"]))] = rec
    for number, path, main, rec in subs:
        parent = mains.get((path, main))
        if parent is None:
            parts.problems.append(
                PartProblem(sheet, number, main_title, Msg("parts_no_main", code=main), True)
            )
            continue
        parent.setdefault("subs", []).append(rec)


def collect_defaults(
    parts: Parts, sheet: str, records: Iterable[tuple[int, dict[str, Any]]]
) -> None:
    for number, rec in records:
        file = str(rec.pop("file", "") or "")
        region = rec.pop("region", None)
        department = rec.pop("department", None)
        code = rec.get("code")
        if not isinstance(region, str) or not code:
            parts.problems.append(
                PartProblem(sheet, number, sheet, Msg("parts_no_code"), skipped=True)
            )
            continue
        name = PurePosixPath(file).name
        if code == DEFAULTS_KEY:
            rec.pop("code")
        if name.startswith("_defaults"):
            doc = parts.defaults_files.setdefault(
                f"implementations/{region}/{name}",
                {"region": region, "department": department, "matters": []},
            )
            if code == DEFAULTS_KEY:
                doc["defaults"] = rec
            else:
                doc["matters"].append(rec)
        elif code == DEFAULTS_KEY and isinstance(department, str):
            parts.file_defaults[(region, department)] = rec


def collect_settings(
    parts: Parts, sheet: str, records: Iterable[tuple[int, dict[str, Any]]]
) -> None:
    """Each file's settings by its path (a blank file: the manifest, as on sheets written
    before the file column); an implementation file's by its region and department.
    A row that cannot be placed is reported under its column's title as the sheet has it."""
    lang = _sheet_lang(sheet, SETTINGS, SETTINGS_BEFORE)
    for number, rec in records:
        name = str(rec.get("key", "")).strip()
        given = str(rec.get("file", "") or MANIFEST_FILE)
        file = _setting_file(given)
        if file is None:
            reason = Msg("parts_unknown_setting_file", file=given)
            parts.problems.append(PartProblem(sheet, number, PART_FILE.label(lang), reason, True))
            continue
        known = settings_schema(file)
        if name not in known:
            reason = Msg("parts_unknown_setting", key=name, file=file, known=", ".join(known))
            parts.problems.append(PartProblem(sheet, number, PART_KEY.label(lang), reason, True))
            continue
        if "value" not in rec:
            continue
        region, department = rec.get("region"), rec.get("department")
        if in_region(file) and isinstance(region, str) and isinstance(department, str):
            parts.file_settings.setdefault((region, department), {})[name] = rec["value"]
        else:
            parts.settings.setdefault(file, {})[name] = rec["value"]


def _setting_file(file: str) -> str | None:
    """A settings row's file, kept inside its folder (None: no catalogue file)."""
    parts = PurePosixPath(file.strip().replace("\\", "/")).parts
    if len(parts) == 1 and parts[0] in (MANIFEST_FILE, REGIONS_FILE):
        return parts[0]
    if len(parts) == 3 and parts[0] == "implementations" and parts[1].isdigit():
        return "/".join(parts) if parts[2].endswith((".yaml", ".yml")) else None
    if len(parts) >= 2 and parts[0] in ("basic", "bundles"):
        return _under(parts[0], parts[-1])
    return None


def _under(folder: str, file: str) -> str:
    """A file named in a sheet, kept inside ``folder`` (only its base name is used)."""
    name = PurePosixPath(file.replace("\\", "/")).name or "bundles.yaml"
    if not name.endswith((".yaml", ".yml")):
        name += ".yaml"
    return f"{folder}/{name}"


def part_tables(
    path: Path, problems: list[PartProblem], stamps: dict[int, tuple[Any, Any]] | None = None
) -> Iterator[tuple[Term, list[PartColumn], str, Iterator[tuple[int, dict[str, Any]]]]]:
    """The part sheets an xlsx workbook has (none in a csv or json file): each part,
    its columns, the sheet's name and its records (unreadable cells go to ``problems``,
    the stamp columns to ``stamps``)."""
    if path.suffix.lower() != ".xlsx":
        return
    names = sheet_names(path)
    for term, columns in (
        (BASIC, basic_columns()),
        (BUNDLES, bundle_columns()),
        (DEFAULTS, defaults_columns()),
        (SETTINGS, settings_columns()),
    ):
        sheet = find_sheet(names, term)
        if sheet is None and term is SETTINGS:  # an earlier export's: the manifest's only
            sheet = find_sheet(names, SETTINGS_BEFORE)
            columns = columns[-3:]  # setting, meaning, value
        if sheet is not None:
            table = read_xlsx(path, SourceSpec(sheet=sheet))
            records = read_records(sheet, table.rows, columns, problems, stamps)
            yield term, columns, sheet, records


def read_parts(path: Path) -> Parts:
    """What the part sheets of a workbook say, laid out as files."""
    parts = Parts()
    collect = {
        BASIC.key: collect_basic,
        BUNDLES.key: collect_bundles,
        DEFAULTS.key: collect_defaults,
    }
    for term, _, sheet, records in part_tables(path, parts.problems):
        parts.sheets += 1
        collect.get(term.key, collect_settings)(parts, sheet, records)
    return parts
