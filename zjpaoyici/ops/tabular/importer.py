"""``zjpaoyici import``: catalogue files from csv, xlsx, json or jsonl exports (one file,
or several files read as one export, rows numbered per file).

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

The parts: the mapping file (:mod:`zjpaoyici.ops.tabular.mapping`), cell parsers
(:mod:`zjpaoyici.ops.tabular.cells`), source readers (:mod:`zjpaoyici.ops.tabular.sources`); this
module sorts parsed rows into catalogue files and writes them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from zjpaoyici.catalogue.codes import TYPE_NAMES
from zjpaoyici.catalogue.fields import FACT_FIELDS, IDENTIFIER_KEYS, LEVELS, SAME_STANDARD
from zjpaoyici.catalogue.regions import UnknownProvince, province_regions
from zjpaoyici.catalogue.schemas import header_for, load_schema
from zjpaoyici.files.atomic import umask, write_files
from zjpaoyici.files.roundtrip import dump_text
from zjpaoyici.i18n import Msg
from zjpaoyici.ops.fmt import code_sort_key
from zjpaoyici.ops.tabular.cells import ParseError, as_text, is_blank, parse_value
from zjpaoyici.ops.tabular.mapping import (
    _TEMPLATE_PART,
    CASE_TYPES,
    Condition,
    FieldSpec,
    MappingSpec,
)
from zjpaoyici.ops.tabular.parts import Parts, entry_sheet, file_schema, read_parts, setting_place
from zjpaoyici.ops.tabular.sources import (
    BadJson,
    SourceError,
    cell_of,
    read_source,
    root_key,
    source_format,
    walk,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a row: where, what, and whether the row was skipped or the
    field left unknown (the row kept)."""

    row: int
    column: str | None
    field: str | None
    value: Any
    reason: Msg
    skipped: bool = True
    left_unknown: bool = False
    source: Path | None = None  # the file of the row, when an import reads several
    sheet: str | None = None  # the workbook sheet, when not the entry sheet


class ImportFailed(Exception):
    """A bad value in a field whose mapping says ``on_error: fail``: nothing is written."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason.get("en"))
        self.problem = problem


@dataclass(slots=True)
class _Basic:
    code: str
    values: dict[str, Any]  # name, type, basis, levels, legal_limit
    main_code: str | None
    main_name: str | None
    department: str | None
    row: int
    subs: list[str] = field(default_factory=list)
    origin: dict[str, int] = field(default_factory=dict)  # field → the row that gave it


@dataclass(slots=True)
class _Item:
    code: str
    name: str | None
    situation: dict[str, str] | None
    values: dict[str, Any]
    implementation_code: str | None = None


@dataclass(slots=True)
class _Entry:
    region: str
    code: str
    department: str | None
    uscc: str | None
    values: dict[str, Any]
    restated: dict[str, Any]
    explicit: bool  # False: created by item rows before (or without) its own row
    items: dict[str, _Item] = field(default_factory=dict)
    agency: str | None = None  # the mapped 实施主体 when given
    fields: dict[str, Any] = field(default_factory=dict)  # the merged row fields
    origin: dict[str, int] = field(default_factory=dict)  # field → the row that gave it


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
        return len({(p.source, p.row) for p in self.problems if p.skipped})


class Importer:
    """Collects parsed rows, then lays them out as catalogue files."""

    def __init__(self, mapping: MappingSpec, source_name: str) -> None:
        self.mapping = mapping
        self.source_name = source_name
        self.basics: dict[str, _Basic] = {}
        # (region, agency, code): the agency is the mapped 实施主体, else the department
        self.entries: dict[tuple[str, str, str], _Entry] = {}
        self.regions: dict[str, dict[str, Any]] = {}
        self.problems: list[Problem] = []
        self.rows = 0
        # Rows are numbered per file; inside, each row gets an id unique over the files
        # (the first file's ids are its row numbers): (first id, file) per file.
        self._files: list[tuple[int, Path]] = []
        self._next_id = 0
        for r in mapping.regions:
            self.regions[str(r["code"])] = {k: r[k] for k in ("name", "level", "parent") if k in r}

    # reading ---------------------------------------------------------------------

    def start_file(self, path: Path) -> None:
        """Rows that follow come from ``path`` (an import of several files)."""
        self._files.append((self._next_id, path))

    def row_id(self, number: int) -> int:
        """The import-wide id of row ``number`` of the current file."""
        offset = self._files[-1][0] if self._files else 0
        self._next_id = max(self._next_id, offset + number)
        return offset + number

    def _at(self, row: int) -> tuple[int, Path | None]:
        """Row number in its file, and the file (None when the import reads one file)."""
        if len(self._files) < 2:
            return row, None
        for offset, path in reversed(self._files):
            if row > offset:
                return row - offset, path
        return row, None  # pragma: no cover - ids start after the first offset

    def _row_text(self, row: int, other: int) -> Msg:
        """How row ``row`` is named beside row ``other``: its number, with its file when
        the two are in different files."""
        line, path = self._at(row)
        if path is None or self._at(other)[1] == path:
            return Msg("imp_row", line=line)
        return Msg("imp_row_in_file", line=line, file=path.name)

    def _new_problem(
        self,
        row: int,
        column: str | None,
        fieldname: str | None,
        value: Any,
        reason: Msg,
        skipped: bool = True,
        left_unknown: bool = False,
    ) -> Problem:
        line, path = self._at(row)
        return Problem(line, column, fieldname, value, reason, skipped, left_unknown, path)

    def parse(self, number: int, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every mapped field of one record, or ``None`` (with problems) if the row is
        dropped. A bad value follows its field's ``on_error``: left unknown (the row
        kept and the cell reported), the row dropped, or the import stopped."""
        bad = record.get("")
        if isinstance(bad, BadJson) or (len(record) == 1 and "" in record):
            reason = (
                Msg("imp_not_valid_json", message=bad.message)
                if isinstance(bad, BadJson)
                else Msg("imp_not_json_object")
            )
            self.problems.append(self._new_problem(number, None, None, None, reason))
            return None
        out: dict[str, Any] = {}
        failed = False
        for name, spec in self.mapping.fields.items():
            raw, label = source_value(spec, record)
            try:
                value = parse_value(spec, raw)
                if value is not None:
                    _check_field(name, value)
            except ParseError as exc:
                failed |= self._bad_cell(number, spec, label, raw, exc.reason)
                continue
            out[name] = value
        if failed:
            return None
        if out.get("code") is None:
            spec = self.mapping.fields["code"]
            self.problems.append(self._new_problem(number, spec.label, "code", None, _NO_CODE))
            return None
        if out.get("fee_charged") is None and (out.get("fee_standard") or out.get("fee_basis")):
            spec = self.mapping.fields.get("fee_charged") or self.mapping.fields["code"]
            if spec.field == "fee_charged" and spec.on_error == "unknown":
                self.problems.append(
                    self._new_problem(
                        number, spec.label, "fee_charged", None, _NO_CHARGED, False, True
                    )
                )
                out.pop("fee_standard", None)
                out.pop("fee_basis", None)
            else:
                self.problems.append(
                    self._new_problem(number, spec.label, "fee_charged", None, _NO_CHARGED)
                )
                return None
        return out

    def _bad_cell(self, number: int, spec: FieldSpec, label: str, raw: Any, reason: Msg) -> bool:
        """Report a value that cannot be read; True when the row is to be dropped."""
        if spec.on_error == "fail":
            raise ImportFailed(self._new_problem(number, label, spec.field, raw, reason))
        keep = spec.on_error == "unknown"
        self.problems.append(
            self._new_problem(number, label, spec.field, raw, reason, not keep, keep)
        )
        return not keep

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
            known = self.basics.get(code)
            if known is not None and known.row > 0:
                self._aggregate_basic(number, row, known)
                return True
            self._basic(number, row, defining=True)
            return True
        item_code = row.get("item_code")
        agency = row.get("agency") or row.get("department")
        key = (region, agency, code) if agency is not None else self._only_entry(region, code)
        if key is None:
            self._problem(number, "department", None, _NO_DEPARTMENT)
            return False
        entry = self.entries.get(key)
        if item_code is None and entry is not None and entry.explicit:
            self._region(number, row)
            self._aggregate_entry(number, row, entry)
            return True
        self._region(number, row)
        if entry is None:
            entry = _Entry(
                region, code, row.get("department"), row.get("agency_uscc"), {}, {}, False
            )
            entry.agency = row.get("agency")
            self.entries[key] = entry
        if item_code is None:
            entry.explicit = True
            entry.department = row["department"] if row.get("department") else entry.department
            entry.uscc = row.get("agency_uscc")
            entry.agency = row.get("agency")
            entry.fields = {k: v for k, v in row.items() if k not in _PLACING and v is not None}
            entry.origin = dict.fromkeys([*entry.fields, "department"], number)
            entry.values = facts_of(entry.fields)
            entry.restated = self._basic(number, row, defining=False)
            return True
        self._basic(number, row, defining=False)
        short = self._item_code(code, str(item_code))
        item = _Item(
            short,
            row.get("item_name"),
            row.get("situation"),
            facts_of(row),
            row.get("implementation_code"),
        )
        known_item = entry.items.get(short)
        if known_item is not None:
            if known_item == item:  # the same item listed again (e.g. once per portal role)
                return True
            self._problem(number, "item_code", item_code, _DUPLICATE_ITEM)
            return False
        entry.items[short] = item
        return True

    def _only_entry(self, region: str, code: str) -> tuple[str, str, str] | None:
        """The key of the one entry for ``code`` in ``region`` (an item row that names
        neither agency nor department), or None when there is none or several."""
        keys = [k for k in self.entries if k[0] == region and k[2] == code]
        return keys[0] if len(keys) == 1 else None

    def _aggregate_entry(self, number: int, row: Mapping[str, Any], entry: _Entry) -> None:
        """Another row for the same (region, agency, code): levels are unioned, values the
        first rows lack are filled in, conflicting values are reported naming both rows
        (the earlier value kept)."""
        agency = entry.agency or entry.department or ""
        where = Msg("imp_where_entry", region=entry.region, agency=agency, code=entry.code)
        merged = self._merge(number, row, entry.fields, entry.origin, where)
        if row.get("department") and entry.department and row["department"] != entry.department:
            first = entry.origin.get("department", 0)
            self._conflict(
                number, "department", entry.department, row["department"], first, where, four=False
            )
        entry.values = facts_of(merged)
        # merged holds every matter field of the entry's rows: what it restates, afresh
        entry.restated = self._basic(number, {**merged, "code": entry.code}, defining=False)

    def _aggregate_basic(self, number: int, row: Mapping[str, Any], known: _Basic) -> None:
        """Another row without a region for a matter already defined: merged as for
        entries (levels unioned, conflicts reported with both rows)."""
        fields = dict(known.values)
        origin = {k: known.origin.get(k, known.row) for k in fields}
        picked = {k: row[k] for k in SAME_STANDARD if row.get(k) is not None}
        where = Msg("imp_where_basic", code=known.code)
        merged = self._merge(number, picked, fields, origin, where)
        known.values = {k: merged[k] for k in SAME_STANDARD if k in merged}
        known.origin = origin
        main_code = row.get("main_code")
        if main_code is not None and main_code != known.code and known.main_code != main_code:
            if known.main_code is None:
                known.main_code = main_code
            else:
                self._conflict(number, "main_code", known.main_code, main_code, known.row, where)

    def _merge(
        self,
        number: int,
        row: Mapping[str, Any],
        fields: dict[str, Any],
        origin: dict[str, int],
        where: Msg,
    ) -> dict[str, Any]:
        for key, value in row.items():
            if key in _PLACING or value is None:
                continue
            if key == "levels":
                have = fields.get("levels") or []
                fields["levels"] = [lv for lv in LEVELS if lv in have or lv in value]
                origin.setdefault(key, number)
            elif fields.get(key) is None:
                fields[key] = value
                origin[key] = number
            elif fields[key] != value:
                self._conflict(number, key, fields[key], value, origin.get(key, 0), where)
        return fields

    def _conflict(
        self,
        number: int,
        fieldname: str,
        kept: Any,
        other: Any,
        first: int,
        where: Msg,
        *,
        four: bool | None = None,
    ) -> None:
        """Two rows of one matter disagree: a finding naming both rows and the column."""
        spec = self.mapping.fields.get(fieldname)
        label = spec.label if spec is not None else fieldname
        is_four = fieldname in _FOUR_SAME if four is None else four
        kind = _FOUR_CONFLICT if is_four else _FACT_CONFLICT
        earlier = self._row_text(first, number) if first > 0 else Msg("imp_row", line="?")
        line = self._at(number)[0]
        reason = Msg(
            "imp_conflict",
            kind=kind,
            earlier=earlier,
            line=line,
            where=where,
            label=label,
            kept=_shown(kept),
            other=_shown(other),
        )
        self.problems.append(
            self._new_problem(number, label, fieldname, None, reason, skipped=False)
        )

    def _item_code(self, code: str, item_code: str) -> str:
        prefix = code + self.mapping.profile.item_separator
        return item_code[len(prefix) :] if item_code.startswith(prefix) else item_code

    def _problem(
        self, number: int, fieldname: str, value: Any, reason: Msg, *, skipped: bool = True
    ) -> None:
        spec = self.mapping.fields.get(fieldname)
        label = spec.label if spec is not None else fieldname
        self.problems.append(self._new_problem(number, label, fieldname, value, reason, skipped))

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
                reason = Msg(
                    "imp_region_kept_earlier", code=code, what=_REGION_WORD[key], known=known[key]
                )
                self._problem(number, f"region_{key}", value, reason, skipped=False)

    def _basic(self, number: int, row: Mapping[str, Any], *, defining: bool) -> dict[str, Any]:
        """Record the row's matter fields; returns those an entry must restate."""
        code = row["code"]
        values = {k: row[k] for k in SAME_STANDARD if row.get(k) is not None}
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
                origin=dict.fromkeys(values, number),
            )
            return {}
        restated = {}
        for key, value in values.items():
            if key == "levels" and key in known.values and known.row < 0:
                # a matter known only from entries: its levels are those of all its rows
                have = known.values[key]
                known.values[key] = [lv for lv in LEVELS if lv in have or lv in value]
            elif key not in known.values:
                known.values[key] = value
                known.origin[key] = number
            elif known.values[key] != value:
                restated[key] = value
        if known.main_code is None and main_code is not None:
            known.main_code = main_code
        if known.main_name is None:
            known.main_name = row.get("main_name")
        return restated

    # laying out --------------------------------------------------------------------

    def result(self, parts: Parts | None = None) -> ImportResult:
        """The catalogue files, with the workbook's part sheets (basic catalogue,
        bundles, defaults, targets and scope) when it has them."""
        parts = parts or Parts()
        if parts.basic_files:
            self._basics_from_sheet(parts)
        mains = self._arrange_basics()
        files: dict[str, Any] = {}
        profile = self.mapping.profile
        origin = f"由 zjpaoyici import 生成（来源：{self.source_name}）"
        files["catalogue.yaml"] = self._manifest(origin)
        self._complete_regions()
        if self.regions:
            files["regions.yaml"] = self._regions_doc(origin)
        for path, data in parts.basic_files.items():  # the basic sheet, as written
            doc = _doc("basic", origin)
            doc["department"] = data["department"] or "（未注明部门）"
            doc["matters"] = _seq(_as_basic(m) for m in data["matters"])
            files[path] = doc
        by_dept: dict[str, list[_Basic]] = {}
        for main in mains:
            by_dept.setdefault(main.department or "", []).append(main)
        names = _file_names({(d, None) for d in by_dept})
        for dept, matters in by_dept.items():
            path = f"basic/{names[(dept, None)]}.yaml"
            if path not in files:
                doc = files[path] = _doc("basic", origin)
                doc["department"] = dept or "（未注明部门）"
                doc["matters"] = _seq([])
            files[path]["matters"].extend(
                self._basic_record(m)
                for m in sorted(matters, key=lambda m: code_sort_key(profile, m.code))
            )
        groups: dict[tuple[str, str, str | None], list[_Entry]] = {}
        for entry in self.entries.values():
            groups.setdefault((entry.region, entry.department or "", entry.uscc), []).append(entry)
        for region in sorted({g[0] for g in groups}):
            keys = [(d, a) for r, d, a in groups if r == region]
            names = _file_names(set(keys))
            for dept, agency in keys:
                doc = _doc("implementation", origin)
                doc["region"] = DoubleQuotedScalarString(region)
                doc["department"] = dept or "（未注明部门）"
                if agency is not None:
                    doc["agency_uscc"] = DoubleQuotedScalarString(agency)
                own = parts.file_defaults.get((region, dept))
                if own:
                    doc["defaults"] = yaml_node(own)
                for name, value in parts.file_settings.get((region, dept), {}).items():
                    _set(doc, "implementation", name, value)
                entries = sorted(
                    groups[(region, dept, agency)],
                    key=lambda e: (code_sort_key(profile, e.code), e.agency or ""),
                )
                doc["matters"] = _seq(self._entry_record(e) for e in entries)
                files[f"implementations/{region}/{names[(dept, agency)]}.yaml"] = doc
        for path, data in parts.defaults_files.items():
            doc = _doc("defaults", origin)
            doc["region"] = DoubleQuotedScalarString(data["region"])
            if data.get("department"):
                doc["department"] = data["department"]
            if data.get("defaults"):
                doc["defaults"] = yaml_node(data["defaults"])
            doc["matters"] = _seq(yaml_node(m) for m in data["matters"])
            files[path] = doc
        for path, data in parts.bundle_files.items():
            doc = _doc("bundle", origin)
            doc["bundles"] = _seq(_block(b) for b in data["bundles"])
            files[path] = doc
        for path, values in parts.settings.items():  # files the workbook names
            if path in files:
                schema = file_schema(path) or ""
                for name, value in values.items():
                    _set(files[path], schema, name, value)
        self.problems.extend(
            Problem(
                p.row, p.column, None, None, p.reason, p.skipped, not p.skipped, p.source, p.sheet
            )
            for p in parts.problems
        )
        result = ImportResult(
            files={path: dump_text(doc) for path, doc in files.items()},
            problems=sorted(self.problems, key=self._problem_order),
            rows=self.rows,
            entries=len(self.entries),
            items=sum(len(e.items) for e in self.entries.values()),
            matters=len(self.basics) + len(parts.basic_values()),
            departments=len({e.department for e in self.entries.values()}),
            regions=len({e.region for e in self.entries.values()}),
        )
        return result

    def _basics_from_sheet(self, parts: Parts) -> None:
        """The basic sheet defines its matters: entries restate only what differs from
        them; a matter known only from entries whose main is on the sheet becomes a sub
        of it there; the rest are laid out as without the sheet."""
        sheet = parts.basic_values()
        for entry in self.entries.values():
            base = sheet.get(entry.code)
            if base is not None:
                entry.restated = {
                    k: v
                    for k in SAME_STANDARD
                    if (v := entry.fields.get(k)) is not None
                    and _same_value(v) != _same_value(base.get(k))
                }
        mains = {str(m["code"]): m for d in parts.basic_files.values() for m in d["matters"]}
        for code, basic in list(self.basics.items()):
            main = mains.get(basic.main_code or "")
            if code in sheet:
                del self.basics[code]
            elif main is not None:
                own = {k: v for k, v in basic.values.items() if k == "name" or main.get(k) != v}
                main.setdefault("subs", []).append({"code": code, **own})
                del self.basics[code]

    def _problem_order(self, problem: Problem) -> tuple[int, int]:
        """Problems in file order, then row order."""
        files = [path for _, path in self._files]
        index = files.index(problem.source) if problem.source in files else 0
        return index, problem.row

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
        kept = self.mapping.elements()
        if kept is not None:  # the mapping leaves some elements out: declare what is kept
            elements = CommentedSeq(kept)
            elements.fa.set_flow_style()
            at = list(doc).index("scope") if "scope" in doc else len(doc)
            doc.insert(at, "elements", elements)
        return doc

    def _province(self) -> str:
        provinces = [c for c, r in self.regions.items() if r.get("level") == "province"]
        if len(provinces) == 1:
            return provinces[0]
        codes = sorted(self.regions) or sorted({e.region for e in self.entries.values()})
        return codes[0][:2] + "0000" if codes else "000000"

    def _complete_regions(self) -> None:
        """Regions the mapping does not list come from the shipped GB/T 2260 table of all
        of China: the whole province, with names, levels and parents (no hand-written
        region table for any province); regions outside the table are kept as given."""
        if self.mapping.regions:
            return  # the mapping's own region table wins
        province = str(self.mapping.catalogue.get("province") or self._province())
        try:
            rows = province_regions(province)
        except UnknownProvince:
            return
        for row in rows:
            known = self.regions.setdefault(row.code, {})
            known.setdefault("name", row.name)
            known.setdefault("level", row.level)
            if row.parent is not None:
                known.setdefault("parent", row.parent)

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
        for key in SAME_STANDARD:
            if key in basic.values:
                rec[key] = yaml_node(basic.values[key])
        if basic.subs:
            profile = self.mapping.profile
            subs = sorted(basic.subs, key=lambda c: code_sort_key(profile, c))
            rec["subs"] = _seq(self._basic_record(self.basics[c]) for c in subs)
        return rec

    def _entry_record(self, entry: _Entry) -> CommentedMap:
        rec = CommentedMap()
        rec["code"] = DoubleQuotedScalarString(entry.code)
        if entry.agency is not None and entry.agency != entry.department:
            rec["agency"] = entry.agency
        code = entry.fields.get("implementation_code")
        if code is not None:
            rec["implementation_code"] = DoubleQuotedScalarString(code)
        for key in SAME_STANDARD:
            if key in entry.restated:
                rec[key] = yaml_node(entry.restated[key])
        for key in FACT_FIELDS:
            if key in entry.values:
                rec[key] = yaml_node(entry.values[key])
        if entry.items:
            profile = self.mapping.profile
            items = sorted(entry.items.values(), key=lambda i: code_sort_key(profile, i.code))
            rec["items"] = _seq(_item_record(i, entry.values) for i in items)
        return rec


def _item_record(item: _Item, base: Mapping[str, Any]) -> CommentedMap:
    rec = CommentedMap()
    rec["code"] = DoubleQuotedScalarString(item.code)
    if item.implementation_code is not None:
        rec["implementation_code"] = DoubleQuotedScalarString(item.implementation_code)
    if item.name is not None:
        rec["name"] = item.name
    if item.situation:
        rec["situation"] = yaml_node(item.situation)
    for key, value in item_overrides(base, item.values).items():
        rec[key] = yaml_node(value)
    return rec


def item_overrides(base: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """What an item record must say so that, merged over its entry's ``base`` values (as
    ``resolve`` merges), it has exactly ``values``: changed values, ``null`` for values
    the entry has and the item has not, ``remove: true`` for materials it lacks."""
    out: dict[str, Any] = {}
    for key in FACT_FIELDS:
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
        for k, f in (
            ("available", "online_available"),
            ("depth", "online_depth"),
            ("mobile", "mobile"),
        )
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
    materials = [_material(n, True) for n in row.get("materials") or []]
    materials += [_material(n, False) for n in row.get("materials_optional") or []]
    if materials:
        values["materials"] = materials
    if row.get("note") is not None:
        values["note"] = row["note"]
    return dict(sorted(values.items(), key=lambda kv: FACT_FIELDS.index(kv[0])))


def _material(value: Any, required: bool) -> dict[str, Any]:
    """A material from a name (required as its field says) or, read from a list of
    objects, a ``{"name", "required"}`` that says it itself."""
    return dict(value) if isinstance(value, dict) else {"name": value, "required": required}


_REGION_CODE = re.compile(r"^\d{6}$")


def _check_field(name: str, value: Any) -> None:
    """Values the catalogue cannot hold are row problems, not later schema findings."""
    if name in ("region", "region_parent") and not _REGION_CODE.match(str(value)):
        raise ParseError(Msg("imp_bad_region_code"))
    if name == "region_level" and value not in LEVELS:
        raise ParseError(Msg("imp_bad_level"))
    if name == "levels" and any(v not in LEVELS for v in value):
        raise ParseError(Msg("imp_bad_levels"))
    if name == "type" and value not in TYPE_NAMES:
        raise ParseError(Msg("imp_bad_type"))
    if name == "case_type" and value not in CASE_TYPES:
        raise ParseError(Msg("imp_bad_case_type"))
    if name == "online_depth" and not 0 <= value <= 4:
        raise ParseError(Msg("imp_bad_online_depth"))


# Row fields that place a row rather than describe the matter (never merged).
_PLACING = frozenset(
    {
        "code",
        "region",
        "region_name",
        "region_level",
        "region_parent",
        "department",
        "agency",
        "agency_uscc",
        "item_code",
        "item_name",
        "situation",
        "main_code",
        "main_name",
    }
)
_FOUR_SAME = frozenset({"name", "type", "basis", "legal_limit"})
_FOUR_CONFLICT = Msg("imp_four_same_conflict")
_FACT_CONFLICT = Msg("imp_fact_conflict")


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={as_text(v)}" for k, v in value.items())
    return as_text(value)


def source_value(spec: FieldSpec, record: Mapping[str, Any]) -> tuple[Any, str]:
    """The raw value of a field in ``record`` and the column it came from: a constant,
    the first non-empty of its columns, or its template; unknown (None) when the
    field's ``when`` condition does not hold."""
    if spec.template is not None:
        value, label = render_template(spec.template, record), spec.template
    elif spec.column is None:
        value, label = spec.constant, spec.field
    else:
        value, label = None, spec.column
        for column in spec.columns or (spec.column,):
            cell = cell_of(record, column)
            if spec.required_key is not None and "[]" in column:
                cell = _with_flags(record, column, spec.required_key)
            if not is_blank(cell, spec):
                value, label = cell, column
                break
    if spec.when is not None and not holds(spec.when, value, record):
        return None, label
    return value, label


def _with_flags(record: Mapping[str, Any], column: str, flag: str) -> list[Any] | None:
    """``(name, flag)`` for each element of the list ``column`` names (its last ``[]``):
    ``materials[].material_name`` with flag ``is_required`` pairs each material's name
    with its own ``is_required``."""
    head, _, name_path = column.rpartition("[]")
    elements = walk(record, head + "[]")
    if not isinstance(elements, list):
        return None
    name_path = name_path.removeprefix(".")
    return [
        (walk(e, name_path) if name_path else e, walk(e, flag))
        for e in elements
        if (walk(e, name_path) if name_path else e) is not None
    ]


def render_template(template: str, record: Mapping[str, Any]) -> str | None:
    """``"{a}-{b}"`` filled from the record; None when a column it names is blank."""
    parts: list[str] = []
    pos = 0
    for match in _TEMPLATE_PART.finditer(template):
        parts.append(template[pos : match.start()])
        pos = match.end()
        text = match.group(0)
        if match.group(1) is None:
            parts.append(text[0])
            continue
        cell = cell_of(record, match.group(1))
        if cell is None or isinstance(cell, list | dict) or not as_text(cell).strip():
            return None
        parts.append(as_text(cell).strip())
    parts.append(template[pos:])
    return "".join(parts)


def holds(condition: Condition, value: Any, record: Mapping[str, Any]) -> bool:
    """Whether a field's ``when`` holds for its value (or the condition's own column)."""
    tested = cell_of(record, condition.column) if condition.column is not None else value
    text = as_text(tested).strip() if tested is not None else ""
    if condition.differs_from is not None:
        other = cell_of(record, condition.differs_from)
        if text == (as_text(other).strip() if other is not None else ""):
            return False
    if condition.matches is not None:
        return bool(text) and condition.matches.search(text) is not None
    return True


_NO_CODE = Msg("imp_no_matter_code")
_NO_CHARGED = Msg("imp_fee_without_charged")
_ITEM_NO_REGION = Msg("imp_item_without_region")
_DUPLICATE_ITEM = Msg("imp_duplicate_item")
_NO_DEPARTMENT = Msg("imp_no_department")
_MAIN_NO_NAME = Msg("imp_main_without_name")
_NESTED = Msg("imp_main_is_sub")
_REGION_WORD = {
    "name": Msg("imp_region_name"),
    "level": Msg("imp_region_level"),
    "parent": Msg("imp_region_parent"),
}


def _doc(kind: str, origin: str) -> CommentedMap:
    doc = CommentedMap()
    doc["schema"] = header_for(kind)
    doc.yaml_set_start_comment(origin)
    return doc


def _same_value(value: Any) -> Any:
    """A 四同 value as compared (a time limit's unit is working days unless said)."""
    return {"unit": "working", **value} if isinstance(value, dict) else value


def _as_basic(record: Mapping[str, Any]) -> CommentedMap:
    """A basic matter from the basic sheet in the catalogue's style (subs in block)."""
    node = CommentedMap()
    for key, value in record.items():
        if key == "subs":
            node[key] = _seq(_as_basic(s) for s in value)
        elif key in IDENTIFIER_KEYS and isinstance(value, str):
            node[key] = DoubleQuotedScalarString(value)
        else:
            node[key] = yaml_node(value, key)
    return node


def _seq(items: Iterator[Any] | list[Any]) -> CommentedSeq:
    return CommentedSeq(list(items))


def yaml_node(value: Any, key: str | None = None) -> Any:
    """A value as round-trip YAML in the catalogue's style: small maps and lists inline."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = (
                DoubleQuotedScalarString(v)
                if k in IDENTIFIER_KEYS and isinstance(v, str)
                else yaml_node(v, k)
            )
        if all(not isinstance(v, dict | list) for v in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(yaml_node(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _block(value: Any) -> Any:
    """A manifest value in block style (profiles, scope: longer values, easier to read)."""
    node = yaml_node(value)
    if isinstance(node, CommentedMap):
        node.fa.set_block_style()
    return node


def _set(doc: CommentedMap, schema: str, name: str, value: Any) -> None:
    """A setting written into its file, at the schema's place (``targets.city`` inside
    ``targets``)."""
    pointer, key = setting_place(name)
    for part in pointer:
        if not isinstance(doc.get(part), CommentedMap):
            _insert(doc, schema, part, CommentedMap())
        doc = doc[part]
        schema = ""
    node = _block(_codes_quoted(value))
    if schema:
        _insert(doc, schema, key, node)
    else:
        doc[key] = node


def _codes_quoted(value: Any) -> Any:
    """Digit strings (a province, successor codes) double-quoted, as ``fmt`` writes them."""
    if isinstance(value, dict):
        return {k: _codes_quoted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_codes_quoted(v) for v in value]
    if isinstance(value, str) and value.isdigit():
        return DoubleQuotedScalarString(value)
    return value


def _insert(doc: CommentedMap, schema: str, key: str, value: Any) -> None:
    """``key`` set in ``doc`` where the schema's property order puts it."""
    order = list(load_schema(schema)["properties"])
    doc.pop(key, None)
    rank = order.index(key) if key in order else len(order)
    at = sum(1 for k in doc if k in order and order.index(k) < rank)
    doc.insert(at, key, value)


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
    source: Path | Sequence[Path],
    *,
    fmt: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """Read ``source`` (one file, or several files read in turn as one export; rows
    numbered per file) with ``mapping`` and lay the rows out as catalogue files."""
    sources = [source] if isinstance(source, Path) else list(source)
    if not sources:
        raise SourceError(Msg("imp_no_source_file"))
    tables = []
    for path in sources:
        spec = mapping.source
        if spec.sheet is None and (sheet := entry_sheet(path)) is not None:
            spec = replace(spec, sheet=sheet)  # an export's entry sheet, wherever it is
        table = read_source(path, source_format(path, mapping, fmt), spec)
        headed = mapping
        if table.columns is not None:
            columns = table.columns
            headed = mapping.headed_as(columns)[0]  # export --lang en: English titles
            missing = _missing(headed, columns.__contains__)
            if missing:
                raise MissingColumns(missing, sorted(columns), path)
        tables.append((path, table, headed))
    importer = Importer(mapping, _sources_name(sources))
    seen: set[str] = set()
    done = 0
    known = [t.total for _, t, _ in tables]
    total = sum(n for n in known if n is not None) if None not in known else None
    json_like = False
    for path, table, headed in tables:
        importer.start_file(path)
        importer.mapping = headed
        json_like |= table.columns is None
        for number, record in table.rows:
            if table.columns is None:
                seen.update(record)
            row = importer.row_id(number)
            parsed = importer.parse(row, record)
            if parsed is not None:
                importer.add(row, parsed)
            done += 1
            if progress is not None:
                progress(done, total)
    if json_like and seen:
        missing = _missing(mapping, lambda c: c in seen or root_key(c) in seen)
        if missing:
            raise MissingColumns(missing, sorted(seen))
    parts = Parts()
    for path, _, _ in tables:
        parts.merge(read_parts(path), path)
    return importer.result(parts)


def _sources_name(sources: Sequence[Path]) -> str:
    """The sources as named in the comment atop each written file."""
    names = [p.name for p in sources]
    if len(names) <= 3:
        return "、".join(names)
    return f"{names[0]} 等 {len(names)} 个文件"


def _missing(mapping: MappingSpec, present: Callable[[str], bool]) -> list[str]:
    """The columns the source lacks: each group none of whose columns it has (several
    columns of one field are alternatives; "a / b" names such a group)."""
    return [" / ".join(g) for g in mapping.required() if not any(present(c) for c in g)]


class MissingColumns(Exception):
    """Columns the mapping reads that the source does not have (usually a typo)."""

    def __init__(self, missing: list[str], known: list[str], path: Path | None = None) -> None:
        super().__init__(", ".join(missing))
        self.missing, self.known, self.path = missing, known, path


class OutputNotEmpty(Exception):
    """The output folder holds files and ``--force`` was not given."""


def write_tree(files: Mapping[str, str], out: Path, *, force: bool = False) -> None:
    """Write ``files`` (relative path → text) under ``out``.

    A new or empty ``out`` is filled in a temporary sibling folder that is then renamed
    into place: readers see no catalogue or the whole one. With ``force`` an existing
    folder is updated as one batch of atomic writes; other files in it stay.
    """
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(str(out))
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputNotEmpty(str(out))
        # all prepared beside their targets before any is replaced (see fsutil.FileBatch)
        write_files([(out / rel, text.encode("utf-8")) for rel, text in files.items()])
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
