"""``zjpaoyici apply``: a workbook ``export`` wrote and a person edited, applied back onto
the YAML catalogue it came from.

Every exported row ends with a stamp, a digest of its cells at export. A row whose cells
still give its stamp was not edited and changes nothing. An edited row whose entry still
exports as stamped changes, in the entry's own record, exactly the fields that differ:
an inherited value edited becomes the entry's own value, a shared default never
changes. An edited row whose entry changed since the export (stale) is a conflict and
is left alone, as are edits of what the entry does not set (the basic catalogue's 四同
fields, the region table). Rows without a stamp are new entries or items; stamped rows
missing from the workbook are removed only when asked. Files are edited with the
round-trip writer (comments, key order and quoting kept) and only changed files are
written. The part sheets (bundles, region defaults, targets and scope) carry no stamps:
their edited cells are written into the record they show, wherever it lives.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from zjpaoyici.catalogue.fields import (
    BASIC,
    BUNDLES,
    DEFAULTS,
    ENTRIES,
    SETTINGS,
    SETTINGS_BEFORE,
)
from zjpaoyici.catalogue.model import Catalogue, Entry, ImplFile, Item, Source
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.catalogue.resolve import item_source, resolve_entry
from zjpaoyici.files.atomic import write_files
from zjpaoyici.files.reader import Pointer
from zjpaoyici.files.roundtrip import append_child, dump_text, load_text, plain
from zjpaoyici.i18n import Lang
from zjpaoyici.ops.diff import DiffResult, diff_roots
from zjpaoyici.ops.tabular.cells import as_text
from zjpaoyici.ops.tabular.exporter import (
    basic_record,
    entry_record,
    export_specs,
    item_record,
    row_cells,
)
from zjpaoyici.ops.tabular.importer import (
    Importer,
    MissingColumns,
    Problem,
    yaml_node,
)
from zjpaoyici.ops.tabular.mapping import FieldSpec, MappingSpec
from zjpaoyici.ops.tabular.parts import (
    DEFAULTS_KEY,
    EXPORTED,
    MANIFEST_FILE,
    STAMP,
    PartColumn,
    PartProblem,
    cell_of,
    entry_sheet,
    in_region,
    part_row,
    part_tables,
    relative_name,
    setting_place,
    setting_records,
    setting_title,
    stamp,
)
from zjpaoyici.ops.tabular.sources import read_source

Cell = str | int | None
# (region, department, agency as its column shows it, matter code, item code)
RowKey = tuple[str, str, str, str, str]

# Row fields an entry or item sets itself, and where in its record.
_PATHS: dict[str, tuple[str, ...]] = {
    "visits": ("visits",),
    "onsite_reason": ("onsite_reason",),
    "promised_limit": ("promised_limit",),
    "case_type": ("case_type",),
    "online_available": ("online", "available"),
    "online_depth": ("online", "depth"),
    "mobile": ("online", "mobile"),
    "express": ("express",),
    "reach": ("reach",),
    "annual_cases": ("annual_cases",),
    "fee_charged": ("fee", "charged"),
    "fee_standard": ("fee", "standard"),
    "fee_basis": ("fee", "basis"),
    "note": ("note",),
    "implementation_code": ("implementation_code",),
}
_MATERIALS = ("materials", "materials_optional")
_ENTRY_ONLY = {"agency_uscc": ("agency_uscc",)}
_ITEM_ONLY = {"item_name": ("name",)}


@dataclass(frozen=True, slots=True)
class Place:
    """A row's entry or item: workbook row (0: not in the workbook), region, code, item."""

    row: int
    region: str
    code: str
    item: str | None = None
    sheet: str | None = None  # a part sheet's row (bundles, defaults, settings)


@dataclass(frozen=True, slots=True)
class Edit:
    """One field changed in one entry's or item's own record."""

    place: Place
    label: str
    old: Cell
    new: Cell
    inherited: bool  # the old value came from a layer the entry shares (defaults)
    file: Path
    to_source: bool = False  # written to that shared layer (``--to-source``)


@dataclass(frozen=True, slots=True)
class FieldValues:
    """One field of a conflict: its column and the three values (``known``: whether the
    workbook still holds the value at export)."""

    label: str
    at_export: Cell
    workbook: Cell
    now: Cell
    known: bool = True


@dataclass(frozen=True, slots=True)
class Conflict:
    """A row left alone, and why (``reason``: a message key suffix)."""

    place: Place
    reason: str
    fields: tuple[FieldValues, ...] = ()


@dataclass(slots=True)
class ApplyPlan:
    """What applying a workbook does: edits, additions, removals, conflicts, and the new
    text of every file that changes."""

    rows: int = 0
    unchanged: int = 0
    edits: list[Edit] = field(default_factory=list)
    added: list[Place] = field(default_factory=list)
    removed: list[Place] = field(default_factory=list)
    missing: list[Place] = field(default_factory=list)  # rows gone, kept without --delete
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Current:
    """An entry or item as the catalogue has it now, and its row (worked out when asked:
    most rows are unchanged and never need it)."""

    entry: Entry
    item: Item | None
    impl: ImplFile
    cat: Catalogue
    row: dict[str, Any] | None = None

    @property
    def record(self) -> dict[str, Any]:
        if self.row is None:
            if self.item is None:
                self.row = entry_record(self.cat, self.entry)
            else:
                self.row = item_record(self.cat, self.entry, self.item)
        return self.row


def _agency_cell(entry: Entry) -> str:
    return entry.agency if entry.agency and entry.agency != entry.department else ""


def _key(region: str, department: str, agency: str, code: str, item: str | None) -> RowKey:
    return (region, department, agency, code, item or "")


def _row_key(row: Mapping[str, Any]) -> RowKey:
    agency = row.get("agency") or ""
    department = row.get("department") or ""
    if agency == department:
        agency = ""
    return _key(str(row["region"]), department, agency, str(row["code"]), row.get("item_code"))


def current_rows(cat: Catalogue, folders: set[str]) -> dict[RowKey, _Current]:
    """Every entry's and item's row, by key, in the regions given."""
    out: dict[RowKey, _Current] = {}
    for folder in sorted(folders):
        for impl in cat.impl_files.get(folder, []):
            for raw, src in impl.entries:
                entry = resolve_entry(cat, impl, raw, src)
                base = (entry.region, entry.department, _agency_cell(entry), entry.code)
                out[_key(*base, None)] = _Current(entry, None, impl, cat)
                for item in entry.items:
                    out[_key(*base, item.full_code)] = _Current(entry, item, impl, cat)
    return out


class _Files:
    """The round-trip trees of the files apply edits, and their text as read."""

    def __init__(self) -> None:
        self.trees: dict[Path, Any] = {}
        self.before: dict[Path, str] = {}

    def tree(self, path: Path) -> Any:
        if path not in self.trees:
            text = path.read_text(encoding="utf-8")
            self.before[path] = text
            self.trees[path] = load_text(text)
        return self.trees[path]

    def record(self, entry: Entry) -> CommentedMap:
        node: Any = self.tree(entry.src.doc.path)
        for part in entry.src.pointer:
            node = node[part]
        assert isinstance(node, CommentedMap)
        return node

    def changed(self) -> dict[Path, str]:
        out = {}
        for path, tree in self.trees.items():
            text = dump_text(tree)
            if text != self.before[path]:
                out[path] = text
        return out


def _put(record: CommentedMap, path: tuple[str, ...], value: Any, *, null: bool = False) -> None:
    """Set ``path`` in ``record`` (``None``: remove it, or with ``null`` write ``null``,
    which stops an inherited value)."""
    node: Any = record
    for part in path[:-1]:
        sub = node.get(part)
        if not isinstance(sub, CommentedMap):
            if value is None and not null:
                return
            sub = CommentedMap()
            sub.fa.set_flow_style()
            _set(node, part, sub)
        node = sub
    leaf = path[-1]
    if value is None:
        if null:
            _set(node, leaf, None)
        else:
            node.pop(leaf, None)
        return
    existing = node.get(leaf)
    if isinstance(value, dict) and isinstance(existing, CommentedMap):
        for k in [k for k in existing if k not in value]:
            del existing[k]
        for k, v in value.items():
            existing[k] = v
    else:
        _set(node, leaf, yaml_node(value, leaf))


def _set(node: CommentedMap, key: str, value: Any) -> None:
    """Set ``key``; a new key goes at the end of the record, inside its block."""
    if key in node:
        node[key] = value
    else:
        append_child(node, value, key)


def _item_node(record: CommentedMap, short: str, *, create: bool) -> CommentedMap | None:
    items = record.get("items")
    if isinstance(items, CommentedSeq):
        for rec in items:
            if isinstance(rec, CommentedMap) and rec.get("code") == short:
                return rec
    if not create:
        return None
    node = CommentedMap()
    node["code"] = DoubleQuotedScalarString(short)
    if not isinstance(items, CommentedSeq):
        _set(record, "items", CommentedSeq([node]))
    else:
        append_child(items, node)
    return node


def _materials(row: Mapping[str, Any]) -> dict[str, bool]:
    out = {str(n): True for n in row.get("materials") or []}
    out.update({str(n): False for n in row.get("materials_optional") or []})
    return out


def _set_materials(node: CommentedMap, have: Mapping[str, Any], want: dict[str, bool]) -> None:
    """Make the merged materials ``want`` (name → required), ``have`` being the row now:
    own records changed, dropped or added."""
    now = _materials(have)
    own = node.get("materials")
    records = own if isinstance(own, CommentedSeq) else CommentedSeq()
    by_name = {r.get("name"): r for r in records if isinstance(r, CommentedMap)}
    for name in now:
        if name not in want and name in by_name:
            records.remove(by_name.pop(name))
    for name, required in want.items():
        if now.get(name) == required:
            continue
        rec = by_name.get(name)
        if rec is None:
            rec = CommentedMap(name=name)
            rec.fa.set_flow_style()
            append_child(records, rec)
        rec["required"] = required
    if records and not isinstance(own, CommentedSeq):
        _set(node, "materials", records)


def _drop_item(record: CommentedMap, node: CommentedMap) -> None:
    record["items"].remove(node)
    if not record["items"]:
        del record["items"]


def _remove_stale_materials(node: CommentedMap, names: set[str]) -> None:
    """Materials an inherited layer still gives and the row no longer has."""
    own = node.get("materials")
    if not isinstance(own, CommentedSeq):
        own = CommentedSeq()
        _set(node, "materials", own)
    for name in sorted(names):
        rec = CommentedMap(name=name, remove=True)
        rec.fa.set_flow_style()
        append_child(own, rec)


class _Applier:
    def __init__(
        self, cat: Catalogue, specs: list[FieldSpec], plan: ApplyPlan, *, to_source: bool = False
    ) -> None:
        self.cat, self.specs, self.plan = cat, specs, plan
        self.files = _Files()
        self.label = {s.field: s.label for s in specs}
        self.to_source = to_source
        # shared values written with --to-source: (file, pointer) → the value written
        self.shared: dict[tuple[Path, Pointer], Any] = {}

    def _to_source(
        self, place: Place, spec: FieldSpec, src: Any, row: Mapping[str, Any]
    ) -> bool | None:
        """Write an inherited value's edit into the layer it came from (``--to-source``):
        True when written, False when another row wrote another value there (a conflict),
        None when it cannot be (no value to write, or the source is not that field)."""
        path = _PATHS.get(spec.field)
        value = row.get(spec.field)
        if path is None or value is None or tuple(src.pointer[-len(path) :]) != path:
            return None
        key = (src.doc.path, tuple(src.pointer))
        if key in self.shared and self.shared[key] != value:  # two rows, two values
            at = (row_cells({spec.field: self.shared[key]}, [spec])[0],)
            new = row_cells(row, [spec])[0]
            self.plan.conflicts.append(
                Conflict(place, "to_source_clash", (FieldValues(spec.label, at[0], new, at[0]),))
            )
            return False
        self.shared[key] = value
        node = _at(self.files.tree(src.doc.path), tuple(src.pointer[: -len(path)]))
        _put(node, path, value)
        return True

    def _resolved(self, cur: _Current, record: CommentedMap) -> dict[str, Any] | None:
        """The row of ``cur`` after its entry's record became ``record``."""
        entry = resolve_entry(self.cat, cur.impl, plain(record), cur.entry.src)
        if cur.item is None:
            return entry_record(self.cat, entry)
        for item in entry.items:
            if item.code == cur.item.code:
                return item_record(self.cat, entry, item)
        return None

    def edit(self, number: int, cur: _Current, row: Mapping[str, Any], *, log: bool = True) -> bool:
        """Change the fields of ``cur`` whose cells differ from ``row``'s (``log``: list
        each change as an edit); False when the row sets what the entry does not."""
        entry, item = cur.entry, cur.item
        place = Place(number, entry.region, entry.code, item.full_code if item else None)
        paths = {**_PATHS, **(_ITEM_ONLY if item else _ENTRY_ONLY)}
        changed = [s for s in self.specs if row_cells(row, [s]) != row_cells(cur.record, [s])]
        refused = [s for s in changed if s.field not in paths and s.field not in _MATERIALS]
        if refused:
            # a new row (not logged as edits) had no value at export
            values = tuple(_values(s, cur.record, row, cur.record, known=log) for s in refused)
            self.plan.conflicts.append(Conflict(place, "not_own", values))
            return False
        prov = entry.provenance
        inside = ("items", item.code) if item else ()
        shared = set()
        for s in changed if self.to_source and log else ():
            if s.field in _MATERIALS:  # a list merged from several layers by name
                given = [prov.get((*inside, "materials", n)) for n in _materials(cur.record)]
                if any(g is not None and not _within(g, entry) for g in given):
                    values = (_values(s, cur.record, row, cur.record),)
                    self.plan.conflicts.append(Conflict(place, "to_source_list", values))
                    shared.add(s.field)
                continue
            src = prov.get((*inside, *paths[s.field]))
            if src is None or _within(src, entry):
                continue
            written = self._to_source(place, s, src, row)
            if written is not None:
                shared.add(s.field)
            if written:
                (old,) = row_cells(cur.record, [s])
                (new,) = row_cells(row, [s])
                self.plan.edits.append(Edit(place, s.label, old, new, True, src.doc.path, True))
        changed = [s for s in changed if s.field not in shared]
        if not changed:
            return True
        record = self.files.record(entry)
        node = record if item is None else _item_node(record, item.code, create=True)
        assert node is not None
        for s in changed:
            if s.field in _MATERIALS:
                if s.field == "materials_optional" and "materials" in [c.field for c in changed]:
                    continue
                _set_materials(node, cur.record, _materials(row))
            else:
                _put(node, paths[s.field], row.get(s.field))
        after = self._resolved(cur, record)
        if after is not None:
            for s in changed:
                if s.field in _MATERIALS:
                    left = set(_materials(after)) - set(_materials(row))
                    if left:
                        _remove_stale_materials(node, left)
                elif row.get(s.field) is None and after.get(s.field) is not None:
                    _put(node, paths[s.field], None, null=True)
            after = self._resolved(cur, record)
        inexact = [
            s for s in changed if after is None or row_cells(after, [s]) != row_cells(row, [s])
        ]
        for s in changed if log else ():
            (old,) = row_cells(cur.record, [s])
            (new,) = row_cells(row, [s])
            src = prov.get((*inside, *paths.get(s.field, ("materials",))))
            inherited = src is not None and not _within(src, entry)
            self.plan.edits.append(Edit(place, s.label, old, new, inherited, entry.src.doc.path))
        if inexact:
            values = tuple(_values(s, cur.record, row, after or {}) for s in inexact)
            self.plan.conflicts.append(Conflict(place, "inexact", values))
        return True

    def add(self, number: int, row: Mapping[str, Any], entries: dict[RowKey, _Current]) -> None:
        """A new entry in its region's file for its department, or a new item of an
        entry: a record with the row's identity, then the row's values where they differ
        from what the record inherits."""
        region, code, item_code = str(row["region"]), str(row["code"]), row.get("item_code")
        place = Place(number, region, code, item_code)
        if item_code:
            parent = entries.get(_row_key({**row, "item_code": None}))
            if parent is None:
                self.plan.conflicts.append(Conflict(place, "no_entry"))
                return
            record = self.files.record(parent.entry)
            prefix = self.cat.profile.item_full_code(code, "")
            short = item_code[len(prefix) :] if item_code.startswith(prefix) else item_code
            node = _item_node(record, short, create=True)
            assert node is not None
            for key, field_ in (("name", "item_name"), ("situation", "situation")):
                if row.get(field_):
                    _set(node, key, yaml_node(row[field_]))
            entry = resolve_entry(self.cat, parent.impl, plain(record), parent.entry.src)
            item = next(i for i in entry.items if i.code == short)
            cur = _Current(entry, item, parent.impl, self.cat)
            undo = partial(_drop_item, record, node)
        else:
            department = row.get("department") or ""
            impl = next(
                (
                    f
                    for f in self.cat.impl_files.get(region, [])
                    if f.kind == "implementation" and (f.department or "") == department
                ),
                None,
            )
            if impl is None:
                self.plan.conflicts.append(Conflict(place, "no_file"))
                return
            matters = self.files.tree(impl.doc.path)["matters"]
            rec = CommentedMap()
            rec["code"] = DoubleQuotedScalarString(code)
            if row.get("agency") and row["agency"] != department:
                rec["agency"] = row["agency"]
            append_child(matters, rec)
            entry = resolve_entry(
                self.cat, impl, plain(rec), Source(impl.doc, ("matters", len(matters) - 1))
            )
            cur = _Current(entry, None, impl, self.cat)
            undo = partial(matters.remove, rec)
        if self.edit(number, cur, row, log=False):
            self.plan.added.append(place)
            if not item_code:  # its items may be new rows of the same workbook
                entries[_row_key(row)] = cur
        else:
            undo()

    def remove(self, cur: _Current, removed_entries: set[int]) -> None:
        """Drop an entry's record, or an item (its own record, or ``remove: true`` when a
        lower layer declares it)."""
        entry, item = cur.entry, cur.item
        place = Place(0, entry.region, entry.code, item.full_code if item else None)
        record = self.files.record(entry)
        if item is None:
            removed_entries.add(id(record))
            self.plan.removed.append(place)
            return
        if id(record) in removed_entries:
            return
        if item.generated:
            self.plan.conflicts.append(Conflict(place, "generated"))
            return
        node = _item_node(record, item.code, create=False)
        inherited = item_source(entry.layers[:-1], item.code) is not None
        if node is not None and not inherited:
            _drop_item(record, node)
        else:
            node = node or _item_node(record, item.code, create=True)
            assert node is not None
            for k in [k for k in node if k != "code"]:
                del node[k]
            node["remove"] = True
        self.plan.removed.append(place)

    def drop_entries(self, removed: set[int]) -> None:
        for tree in self.files.trees.values():
            matters = tree.get("matters") if isinstance(tree, CommentedMap) else None
            if isinstance(matters, CommentedSeq):
                for i in reversed(range(len(matters))):
                    if id(matters[i]) in removed:
                        del matters[i]


def _within(src: Any, entry: Entry) -> bool:
    """Whether a value's source lies in the entry's own record."""
    pointer = entry.src.pointer
    return bool(src.doc is entry.src.doc and tuple(src.pointer[: len(pointer)]) == pointer)


def _values(
    spec: FieldSpec,
    at: Mapping[str, Any],
    book: Mapping[str, Any],
    now: Mapping[str, Any],
    *,
    known: bool = True,
) -> FieldValues:
    """A field's three values, from three rows."""
    (a,), (b,), (n,) = (row_cells(r, [spec]) for r in (at, book, now))
    return FieldValues(spec.label, a, b, n, known)


_KEY_FIELDS = ("region", "department", "agency", "code", "item_code")
# Part sheet columns that place a row (not fields of its record).
_PART_PLACES = frozenset({"file", "region", "department", "main", "code", "key", "title"})
# Of them, those a row cannot change (apply does not move records between files).
_PART_MOVES = frozenset({"region", "department", "main"})
# the settings an earlier export's settings sheet held
_BEFORE = ("targets.", "scope.")


def _as_written(record: Mapping[str, Any], labels: list[str]) -> list[Cell] | None:
    """The row's cells as export writes them, when they are plain text and whole
    numbers (``None``: read the row properly)."""
    out: list[Cell] = []
    for label in labels:
        value = record.get(label)
        if value is None or value == "":
            out.append(None)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            out.append(value)
        elif isinstance(value, float) and value.is_integer():
            out.append(int(value))
        else:
            return None
    return out


def _stamp_of(value: Any) -> str | None:
    text = as_text(value).strip() if value is not None else ""
    return text or None


def exported_cells(raw: Any, stamped: str | None, width: int) -> list[Cell] | None:
    """A row's cells at export, when its hidden column (``raw``) still holds them (they
    give the stamp) and they are as many as the sheet's columns now (a workbook from an
    earlier version, or a hand-made stamp, is not trusted)."""
    try:
        cells = json.loads(as_text(raw)) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(cells, list) or stamped is None or stamp(cells) != stamped:
        return None
    return cells if len(cells) == width else None


def plan_apply(
    cat: Catalogue,
    mapping: MappingSpec,
    book: Path,
    *,
    delete: bool = False,
    to_source: bool = False,
) -> ApplyPlan:
    """Read ``book`` and work out its changes to ``cat``; nothing is written (the new
    file texts are in the plan). ``to_source``: an edited inherited value is written to
    the layer it came from (every entry inheriting it changes), not to the entry."""
    specs = export_specs(mapping)
    # the rows' sheet by its name in either language: a sheet the user added before it
    # is not read
    sheet = mapping.source.sheet or entry_sheet(book) or ENTRIES.zh
    source = dataclasses.replace(mapping.source, sheet=sheet)
    table = read_source(book, "xlsx", source)
    lang: Lang = "zh"
    if table.columns is not None:  # the headers in either language (export --lang)
        mapping, lang = mapping.headed_as(table.columns)
        specs = export_specs(mapping)
        missing = [s.label for s in specs if s.label not in table.columns]
        missing += [c.label(lang) for c in (STAMP, EXPORTED) if c.label(lang) not in table.columns]
        if missing:
            raise MissingColumns(missing, sorted(table.columns), book)
    stamp_title, exported_title = STAMP.label(lang), EXPORTED.label(lang)
    importer = Importer(mapping, book.name)
    plan = ApplyPlan()
    rows: list[tuple[int, dict[str, Any], str | None]] = []
    exported: dict[int, Any] = {}  # the hidden cells at export, by row
    seen: set[RowKey] = set()
    folders: set[str] = set()
    labels = [s.label for s in specs]
    placing = {s.field: i for i, s in enumerate(specs) if s.field in _KEY_FIELDS}
    for number, record in table.rows:
        plan.rows += 1
        stamped = _stamp_of(record.get(stamp_title))
        cells = _as_written(record, labels)
        if stamped is not None and cells is not None and stamp(cells) == stamped:
            # the row as export wrote it (the common case): no need to read its cells
            plan.unchanged += 1
            if cells[placing["region"]] is not None:
                seen.add(_row_key({f: cells[i] for f, i in placing.items()}))
                folders.add(str(cells[placing["region"]]))
            continue
        parsed = importer.parse(number, record)
        if parsed is not None:
            rows.append((number, parsed, stamped))
            exported[number] = record.get(exported_title)
            if parsed.get("region"):
                folders.add(str(parsed["region"]))
    plan.problems = importer.problems
    current = current_rows(cat, folders)
    applier = _Applier(cat, specs, plan, to_source=to_source)
    new_rows: list[tuple[int, dict[str, Any]]] = []
    for number, row, stamped in rows:
        cells = row_cells(row, specs)
        if not row.get("region"):  # a basic matter: the basic catalogue is not edited here
            if stamped is None or stamp(cells) != stamped:
                place = Place(number, "", str(row["code"]))
                matter = cat.basic.get(str(row["code"]))
                now = row_cells(basic_record(cat, matter), specs) if matter else [None] * len(cells)
                at = exported_cells(exported[number], stamped, len(specs))
                values = tuple(  # the columns edited, each with its three values
                    FieldValues(s.label, at[i] if at else None, w, n, at is not None)
                    for i, (s, w, n) in enumerate(zip(specs, cells, now, strict=True))
                    if w != (at[i] if at else n)
                )
                plan.conflicts.append(Conflict(place, "basic", values))
            else:
                plan.unchanged += 1
            continue
        key = _row_key(row)
        cur = current.get(key)
        if cur is None:
            if stamped is None:
                new_rows.append((number, row))
            else:
                place = Place(number, key[0], key[3], key[4] or None)
                plan.conflicts.append(Conflict(place, "gone"))
            continue
        seen.add(key)
        if stamped is not None and stamp(cells) == stamped:
            plan.unchanged += 1
            continue
        now = row_cells(cur.record, specs)
        if cells == now:
            plan.unchanged += 1
            continue
        if stamped is None or stamp(now) != stamped:
            place = Place(number, key[0], key[3], key[4] or None)
            at = exported_cells(exported[number], stamped, len(specs))
            values = tuple(
                FieldValues(s.label, at[i] if at else None, w, n, at is not None)
                for i, (s, w, n) in enumerate(zip(specs, cells, now, strict=True))
                if w != n or (at is not None and at[i] != n)
            )
            reason = "stale" if stamped is not None else "exists"
            plan.conflicts.append(Conflict(place, reason, values))
            continue
        applier.edit(number, cur, row)
    gone = [cur for key, cur in current.items() if key not in seen]  # before additions
    for number, row in sorted(new_rows, key=lambda nr: bool(nr[1].get("item_code"))):
        applier.add(number, row, current)
    # a row that could not be read might be one of them: never remove then
    if delete and not plan.problems:
        removed: set[int] = set()
        for cur in sorted(gone, key=lambda c: c.item is not None):
            applier.remove(cur, removed)
        applier.drop_entries(removed)
    else:
        plan.missing = [
            Place(0, c.entry.region, c.entry.code, c.item.full_code if c.item else None)
            for c in gone
        ]
    apply_parts(cat, book, applier.files, plan, folders)
    plan.texts = applier.files.changed()
    return plan


def _part_records(cat: Catalogue) -> dict[tuple[str, str, str], tuple[Path, Pointer, Any]]:
    """Every record the part sheets show, by (sheet key, file, code or setting): its
    file, where in it, and the record as its row shows it now (with the row's place:
    file, region, department, main matter)."""
    out: dict[tuple[str, str, str], tuple[Path, Pointer, Any]] = {}
    for matter in cat.basic.values():
        doc, pointer = matter.src.doc, matter.src.pointer
        file = relative_name(cat, doc.path)
        head = {"file": file, "department": doc.data.get("department")}
        if matter.main is not None:
            head["main"] = matter.main
        record = {**head, **_at(doc.data, pointer)}
        out[(BASIC.key, file, matter.code)] = (doc.path, pointer, record)
    for bundle in cat.bundles:
        doc = bundle.src.doc
        file = relative_name(cat, doc.path)
        record = {"file": file, **_at(doc.data, bundle.src.pointer)}
        out[(BUNDLES.key, file, bundle.code)] = (doc.path, bundle.src.pointer, record)
    impls = [*cat.defaults_files(), *(f for fs in cat.impl_files.values() for f in fs)]
    for impl in impls:
        file = relative_name(cat, impl.doc.path)
        head = {"file": file, "region": impl.region, "department": impl.department}
        if impl.defaults:
            record = {**head, **impl.defaults, "code": DEFAULTS_KEY}
            out[(DEFAULTS.key, file, DEFAULTS_KEY)] = (impl.doc.path, ("defaults",), record)
        if impl.kind == "defaults":
            for raw, src in impl.entries:
                record = {**head, **raw}
                out[(DEFAULTS.key, file, str(raw["code"]))] = (impl.doc.path, src.pointer, record)
    docs = {d.path: d for d in [*cat.documents, *(impl.doc for impl in impls)]}
    for doc in docs.values():
        for name, pointer, record in setting_records(cat, doc):
            out[(SETTINGS.key, record["file"], name)] = (doc.path, pointer, record)
    return out


def _part_cell(record: Mapping[str, Any], column: PartColumn) -> Cell:
    """A part record's field as the sheet shows it (a share as its text)."""
    if column.key not in record:
        return None
    cell = cell_of(record[column.key], column.kind)
    return str(cell) if isinstance(cell, float) else cell


def _at(data: Any, pointer: Pointer) -> Any:
    for part in pointer:
        data = data[part]
    return data


def apply_parts(
    cat: Catalogue, book: Path, files: _Files, plan: ApplyPlan, folders: set[str]
) -> None:
    """The part sheets' edits: each changed cell written into its record (a blank cell
    removes the key, ``null`` writes null). A row is stamped like the entry sheet's: an
    unedited row changes nothing, an edited row whose record changed since the export
    is a conflict (stale). Rows added or removed, and edits of a row's place (region,
    department, main matter), are conflicts (import, or the YAML, makes, removes or
    moves such records). An implementation file's own defaults count as removed only in
    the regions the workbook has."""
    current = _part_records(cat)
    problems: list[PartProblem] = []
    stamps: dict[int, tuple[Any, Any]] = {}
    for term, columns, sheet, records in part_tables(book, problems, stamps):
        lang: Lang = "zh" if sheet.strip() in (term.zh, SETTINGS_BEFORE.zh) else "en"
        # an earlier export's settings sheet: the manifest's targets and scope, no file
        before = term is SETTINGS and len(columns) == 3
        fields = [c for c in columns if c.key not in _PART_PLACES]
        seen: set[tuple[str, str, str]] = set()
        for number, rec in records:
            plan.rows += 1
            code = str(rec.get("key" if term is SETTINGS else "code", ""))
            file = str(rec.get("file", "") or (MANIFEST_FILE if term is SETTINGS else ""))
            key = (term.key, file, code)
            place = Place(number, str(rec.get("region") or ""), code, None, sheet)
            if key not in current:
                plan.conflicts.append(Conflict(place, "part_new"))
                continue
            seen.add(key)
            if any(p.sheet == sheet and p.row == number for p in problems):
                continue  # a cell that could not be read (reported): never a removal
            path, pointer, now = current[key]
            if term is SETTINGS:  # the meaning column: the schema's, in the sheet's language
                now = {**now, "title": setting_title(file, code, lang)}
            cells, now_cells = part_row(rec, columns), part_row(now, columns)
            stamped = _stamp_of(stamps.get(number, (None, None))[0])
            if (stamped is not None and stamp(cells) == stamped) or cells == now_cells:
                plan.unchanged += 1  # as exported, or as the YAML says now
                continue
            at = exported_cells(stamps[number][1], stamped, len(columns))
            moved = [c for c in columns if c.key in _PART_MOVES]
            if stamped is not None and stamp(now_cells) != stamped:
                reason, shown = "stale", columns
            elif any(_part_cell(rec, c) != _part_cell(now, c) for c in moved):
                reason, shown = "part_place", moved
            else:
                reason, shown = "", []
            if reason:
                values = tuple(
                    FieldValues(
                        c.label(lang),
                        at[i] if at else None,
                        _part_cell(rec, c),
                        _part_cell(now, c),
                        at is not None,
                    )
                    for i, (c, w, n) in enumerate(zip(columns, cells, now_cells, strict=True))
                    if c in shown and (w != n or (at is not None and at[i] != n))
                )
                plan.conflicts.append(Conflict(place, reason, values))
                continue
            changed = [c for c in fields if _part_cell(rec, c) != _part_cell(now, c)]
            node = _at(files.tree(path), pointer)
            for c in changed:
                leaf = setting_place(code)[1] if term is SETTINGS else c.key
                if c.key in rec:
                    _put(node, (leaf,), rec[c.key], null=True)
                else:
                    node.pop(leaf, None)
                old, new = _part_cell(now, c), _part_cell(rec, c)
                plan.edits.append(Edit(place, c.label(lang), old, new, False, path))
        for key in sorted(k for k in current.keys() - seen if k[0] == term.key):
            if before and (key[1] != MANIFEST_FILE or not key[2].startswith(_BEFORE)):
                continue  # not on that sheet then
            parts = key[1].split("/")
            own = key[2] == DEFAULTS_KEY or term is SETTINGS
            if own and in_region(key[1]) and parts[1] not in folders:
                continue  # a region the workbook does not have (export --region)
            place = Place(0, "", key[2], None, sheet)
            plan.conflicts.append(Conflict(place, "part_gone"))
    plan.problems.extend(
        Problem(p.row, p.column, None, None, p.reason, p.skipped, not p.skipped, None, p.sheet)
        for p in problems
    )


def preview(root: Path, plan: ApplyPlan, **diff_options: Any) -> DiffResult:
    """What the plan does in the reform's terms: ``diff`` between the catalogue and a
    copy with the plan's files written (only the changed regions are compared)."""
    with tempfile.TemporaryDirectory(prefix="zjpaoyici-apply-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
        for path, text in plan.texts.items():
            (copy / path.resolve().relative_to(root.resolve())).write_text(text, encoding="utf-8")

        def label(path: Path) -> str:
            return display_path((root / path.relative_to(copy)).absolute())

        return diff_roots(root, copy, new_label=label, **diff_options)


def write_plan(plan: ApplyPlan) -> list[Path]:
    """Write the plan's changed files, all or none."""
    return write_files([(p, t.encode("utf-8")) for p, t in sorted(plan.texts.items())])
