"""``standard --propose``: state the norm in the province ``_defaults`` where enough
regions already agree — else in a city's ``_defaults`` where enough of its counties do —
and drop restatements of an inherited value from region entries, through the round-trip
writer, never changing any entry's effective value. A ``_defaults-<file>.yaml`` that does
not exist yet is created (named like most of the files implementing the matter there).

Every edit is checked by merging the field's layers again with the edit made: a value is
stated only when no entry's effective value would change (a region that says nothing
about the field would inherit the new value, so it must already have it from the basic
layer), and a restatement is dropped only when the inherited value equals it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from zjpaoyici.catalogue.fields import FIELDS, element_of, kept
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.model import Catalogue, Entry, Layer
from zjpaoyici.catalogue.paths import DEFAULTS_PREFIX, display_path
from zjpaoyici.catalogue.resolve import merge_values, resolve_all
from zjpaoyici.catalogue.schemas import header_for
from zjpaoyici.files.reader import DEFAULT_LIMITS, Limits, Pointer
from zjpaoyici.files.roundtrip import append_child, dump_text, load_text
from zjpaoyici.ops.standard.elements import COMPARED_ELEMENTS, field_of
from zjpaoyici.rules.registry import blocks_rewrite, unread_files

DEFAULT_AGREE = 0.8
_PART = re.compile(r"-\d+$")  # gat-02.yaml: the second part of gat.yaml
_ORDER = [f.key for f in FIELDS]
_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class ProposedFile:
    """One file's text before and after the proposal."""

    path: Path
    label: str
    before: str
    after: str


@dataclass(slots=True)
class Proposal:
    files: list[ProposedFile] = field(default_factory=list)
    stated: int = 0  # (matter, field) values stated in the province defaults
    stated_city: int = 0  # (matter, field, city) values stated in a city's defaults
    created: int = 0  # defaults files made
    removed: int = 0  # restatements dropped from region entries
    deviating: int = 0  # entries that keep their own, different value of a stated field
    # files that could not be read or must not be rewritten: then nothing is proposed (a
    # region left unread could inherit a stated value)
    blocked: list[str] = field(default_factory=list)


def _effective(layers: list[Layer], name: str, after: int, extra: Any, drop: bool) -> Any:
    """The merged value of field ``name`` over ``layers``, with ``extra`` merged after
    layer ``after`` (-1: first) and, with ``drop``, the entry's own value left out."""
    merged: dict[str, Any] = {}
    if after < 0 and extra is not _MISSING:
        merge_values(merged, {name: extra})
    for i, layer in enumerate(layers):
        if name in layer.values and layer.kind != "basic" and not (drop and layer.kind == "entry"):
            merge_values(merged, {name: layer.values[name]})
        if i == after and extra is not _MISSING:
            merge_values(merged, {name: extra})
    return merged.get(name, _MISSING)


def _layer_at(layers: list[Layer], kind: str) -> int:
    """Where a province (``kind``) or city value goes: after the last layer of that kind
    or a lower one."""
    lower = ("basic", "province") if kind == "province" else ("basic", "province", "city")
    at = -1
    for i, layer in enumerate(layers):
        if layer.kind in lower:
            at = i
    return at


def _key(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _node(value: Any) -> Any:
    """Plain data as round-trip nodes: maps in flow style, lists of them in block style."""
    if isinstance(value, dict):
        out = CommentedMap((k, _node(v)) for k, v in value.items())
        out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if not any(isinstance(v, (dict, list)) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _place(record: CommentedMap, name: str, value: Any) -> None:
    """Set ``name`` after the last key the schema orders before it (``fmt`` keeps it)."""
    at = _ORDER.index(name)
    keys = list(record)
    before = [i for i, k in enumerate(keys) if k in _ORDER and _ORDER.index(k) < at]
    at = before[-1] + 1 if before else len(keys)
    if at == len(keys):  # at the end: the lines after the record stay after it
        append_child(record, _node(value), name)
    else:
        record.insert(at, name, _node(value))


@dataclass(slots=True)
class _Edits:
    """Per file: values to set in existing records, records to append, keys to drop."""

    sets: dict[Path, list[tuple[Pointer, str, Any]]] = field(default_factory=dict)
    new: dict[Path, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # files to create: their region (folder) and department (``None``: not known)
    created: dict[Path, tuple[str, str | None]] = field(default_factory=dict)
    drops: dict[Path, list[tuple[Pointer, str]]] = field(default_factory=dict)
    labels: dict[Path, str] = field(default_factory=dict)


def _target(
    cat: Catalogue, entries: list[Entry], kind: str, folder: str, edits: _Edits
) -> tuple[Path, Pointer | None, str]:
    """Where a matter's province or city (``kind``, region ``folder``) value is written:
    its record in a defaults file of that layer, else a new record in the folder's
    ``_defaults-<file>.yaml`` named like most of the entries' files (created when
    missing)."""
    for layer in reversed(entries[0].layers):
        if layer.kind == kind and layer.src.pointer[:1] == ("matters",):
            return layer.src.doc.path, layer.src.pointer, layer.src.doc.display
    stems: dict[str, int] = {}
    for e in entries:  # gat.yaml, gat-02.yaml (a department's list in parts): gat
        stem = _PART.sub("", e.src.doc.path.stem)
        stems[stem] = stems.get(stem, 0) + 1
    stem = max(sorted(stems), key=lambda s: stems[s])
    for impl in cat.defaults.get(folder, []):
        if impl.doc.path.stem == f"{DEFAULTS_PREFIX}-{stem}":
            return impl.doc.path, None, impl.doc.display
    path = cat.root / "implementations" / folder / f"{DEFAULTS_PREFIX}-{stem}.yaml"
    if path not in edits.created:
        same = [i for i in cat.impl_files.get(folder, []) if _PART.sub("", i.doc.path.stem) == stem]
        edits.created[path] = (folder, same[0].department if same else None)
    return path, None, display_path(path)


def propose_standard(
    root: Path, *, agree: float = DEFAULT_AGREE, limits: Limits = DEFAULT_LIMITS
) -> Proposal:
    """The province and city defaults to state and the restatements to drop at ``root``
    (files before and after; nothing is written)."""
    cat = load_catalogue(root, limits=limits)
    blocked = {f.loc.file for f in cat.findings if blocks_rewrite(f)}
    if blocked or unread_files(cat.findings):
        return Proposal(blocked=sorted({*blocked, *unread_files(cat.findings)}))
    names = [field_of(e) for e in COMPARED_ELEMENTS if kept(cat, e)]
    by_code: dict[str, list[Entry]] = {}
    for entry in resolve_all(cat):
        by_code.setdefault(entry.code, []).append(entry)
    province = cat.manifest.province if cat.manifest else ""
    proposal, edits = Proposal(), _Edits()
    for code in sorted(by_code):
        entries = by_code[code]
        # field → (value, layer kind) stated for each entry, by the entry's region
        stated: dict[str, dict[str, tuple[Any, str]]] = {}
        if province:
            for name, value in _state(
                cat, code, entries, names, agree, proposal, edits, "province", province
            ).items():
                for e in entries:
                    stated.setdefault(e.region, {})[name] = (value, "province")
        taken = {n for n in names if any(n in s for s in stated.values())}
        cities: dict[str, list[Entry]] = {}
        for e in entries:
            region = cat.regions.get(e.region)
            if region is not None and region.level == "county" and region.parent:
                cities.setdefault(region.parent, []).append(e)
        for city in sorted(cities):
            county = cities[city]
            open_names = [n for n in names if n not in taken]
            for name, value in _state(
                cat, code, county, open_names, agree, proposal, edits, "city", city
            ).items():
                for e in county:
                    stated.setdefault(e.region, {})[name] = (value, "city")
        for entry in entries:
            _drop_restated(entry, names, stated.get(entry.region, {}), proposal, edits)
    proposal.files = _apply(edits)
    proposal.created = sum(1 for f in proposal.files if f.path in edits.created)
    return proposal


def _state(
    cat: Catalogue,
    code: str,
    entries: list[Entry],
    names: list[str],
    agree: float,
    proposal: Proposal,
    edits: _Edits,
    kind: str,
    folder: str,
) -> dict[str, Any]:
    """The values stated for ``code`` in the defaults of ``kind`` (province or city) of
    region ``folder``, which ``entries`` inherit (field → value)."""
    stated: dict[str, Any] = {}
    regions = {e.region for e in entries}
    if len(regions) < 2:
        return stated
    above = ("province",) if kind == "province" else ("province", "city")
    target: tuple[Path, Pointer | None, str] | None = None
    marks: list[str] = []
    for name in names:
        if any(lay.kind in above and name in lay.values for lay in entries[0].layers):
            continue  # already stated
        seen: dict[bytes, tuple[Any, set[str]]] = {}
        for e in entries:
            value = e.values.get(name, _MISSING)
            if value is not _MISSING and value is not None:
                seen.setdefault(_key(value), (value, set()))[1].add(e.region)
        if not seen:
            continue
        value, agreeing = max(seen.values(), key=lambda v: (len(v[1]), _key(v[0])))
        if len(agreeing) < agree * len(regions):
            continue
        if any(
            _effective(e.layers, name, _layer_at(e.layers, kind), value, False)
            != _effective(e.layers, name, -2, _MISSING, False)
            for e in entries
        ):
            continue  # some entry would inherit it instead of what it has now
        if target is None:
            target = _target(cat, entries, kind, folder, edits)
        path, pointer, label = target
        if pointer is None:
            edits.new.setdefault(path, {}).setdefault(code, {})["standard"] = marks
        elif not marks:  # the record's elements stated as the standard (filled below)
            edits.sets.setdefault(path, []).append((pointer, "standard", marks))
        edits.labels[path] = label
        if pointer is not None:
            edits.sets.setdefault(path, []).append((pointer, name, value))
        else:
            edits.new.setdefault(path, {}).setdefault(code, {})[name] = value
        stated[name] = value
        marks.append(element_of("implementation", name) or name)
        if kind == "province":
            proposal.stated += 1
        else:
            proposal.stated_city += 1
        proposal.deviating += sum(1 for e in entries if _key(e.values.get(name)) != _key(value))
    return stated


def _drop_restated(
    entry: Entry,
    names: list[str],
    stated: dict[str, tuple[Any, str]],
    proposal: Proposal,
    edits: _Edits,
) -> None:
    """Drop the entry's own values that equal what it inherits (with ``stated``: the
    values newly stated for it, field → (value, layer kind))."""
    own = entry.layers[-1]
    if own.kind != "entry":
        return
    for name in names:
        if name not in own.values:
            continue
        extra, kind = stated.get(name, (_MISSING, "province"))
        at = _layer_at(entry.layers, kind)
        now = _effective(entry.layers, name, at, extra, False)
        if _effective(entry.layers, name, at, extra, True) != now:
            continue
        path = own.src.doc.path
        edits.labels[path] = own.src.doc.display
        edits.drops.setdefault(path, []).append((own.src.pointer, name))
        proposal.removed += 1


def _walk(data: Any, pointer: Pointer) -> Any:
    for step in pointer:
        data = data[step]
    return data


def _apply(edits: _Edits) -> list[ProposedFile]:
    out = []
    paths: Iterable[Path] = sorted({*edits.sets, *edits.new, *edits.drops})
    for path in paths:
        if path in edits.created:
            before, data = "", _new_defaults(*edits.created[path])
        else:
            before = path.read_text(encoding="utf-8-sig")
            data = load_text(before)
        for pointer, name, value in edits.sets.get(path, []):
            record = _walk(data, pointer)
            if name == "standard" and isinstance(record.get("standard"), list):
                record["standard"].extend(v for v in value if v not in record["standard"])
            else:
                _place(record, name, value)
        for code, values in edits.new.get(path, {}).items():
            record = CommentedMap(code=DoubleQuotedScalarString(code))
            for name, value in values.items():
                _place(record, name, value)
            append_child(data["matters"], record)
        for pointer, name in edits.drops.get(path, []):
            del _walk(data, pointer)[name]
        after = dump_text(data)
        if after != before:
            out.append(ProposedFile(path, edits.labels[path], before, after))
    return out


def _new_defaults(folder: str, department: str | None) -> CommentedMap:
    """A defaults file with no records yet, as the loader expects one."""
    data = CommentedMap(schema=header_for("defaults"), region=DoubleQuotedScalarString(folder))
    if department:
        data["department"] = department
    data["matters"] = CommentedSeq()
    return data
