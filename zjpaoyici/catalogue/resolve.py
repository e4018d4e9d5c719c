"""The layered merge across province, city and county, with provenance on demand.

The effective record of matter M in region R merges, lowest layer last:

1. the basic catalogue entry of M (四同 fields; a sub inherits from its main),
2. the province's ``_defaults*.yaml`` entries for M (省级统一实施要素),
3. R's city ``_defaults*.yaml`` entries for M, when R is a county,
4. R's own implementation entry (the file's ``defaults`` first, then the entry).

Maps merge key by key, scalars and plain lists replace, record lists merge by key
(``materials`` by name, ``items`` by code; ``remove: true`` drops an inherited record)
and ``null`` removes an inherited value. Where each merged value was written (its
provenance) is worked out the first time it is asked for, by the same merge.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from zjpaoyici.catalogue.fields import SAME_STANDARD, limit_value
from zjpaoyici.catalogue.load import basic_field_source
from zjpaoyici.catalogue.model import (
    BasicMatter,
    Catalogue,
    Entry,
    Facts,
    ImplFile,
    Item,
    Layer,
    LayerKind,
    Source,
    as_int,
)
from zjpaoyici.files.reader import Pointer

KEYED_LISTS = {"materials": "name", "items": "code"}
ITEM_CONTROL = ("items", "situations", "item_name")

DefaultsIndex = dict[str, dict[str, list[tuple[ImplFile, Mapping[str, Any], Source]]]]


def _drop(prov: dict[Pointer, Source], at: Pointer) -> None:
    n = len(at)
    for key in [k for k in prov if k[:n] == at and len(k) > n]:
        del prov[key]


def merge_values(
    target: dict[str, Any],
    overlay: Mapping[str, Any],
    src: Source | None = None,
    prov: dict[Pointer, Source] | None = None,
    at: Pointer = (),
    *,
    keep_nulls: bool = False,
) -> None:
    """Merge ``overlay`` into ``target``; with ``prov``, record where each value came from
    (``src`` is where ``overlay`` is written).

    ``null`` removes an inherited value; inside a record of a keyed list it is kept (as
    ``None``) so that the record can still remove what it would inherit from its entry.
    """
    for key, value in overlay.items():
        here = (*at, key) if prov is not None else at
        vsrc = src.child(key) if prov is not None and src is not None else None
        keyfield = KEYED_LISTS.get(key)
        if value is None:
            if keep_nulls:
                target[key] = None
            else:
                target.pop(key, None)
            if prov is not None and vsrc is not None:
                _drop(prov, here)
                prov[here] = vsrc
        elif (
            keyfield
            and isinstance(value, list)
            and prov is None
            and key not in target
            and not keep_nulls
        ):
            # the first layer to give this list: take its records (the common case; a
            # later layer merging into them copies them first)
            target[key] = [
                rec
                for rec in value
                if isinstance(rec, dict)
                and isinstance(rec.get(keyfield), str)
                and rec.get("remove") is not True
            ]
        elif keyfield and isinstance(value, list):
            current = target.get(key)
            current = current if isinstance(current, list) else []
            records: list[dict[str, Any]] = [dict(r) for r in current if isinstance(r, dict)]
            index = {r.get(keyfield): r for r in records}
            for i, rec in enumerate(value):
                if not isinstance(rec, dict) or not isinstance(rec.get(keyfield), str):
                    continue
                rkey = rec[keyfield]
                rat = (*here, rkey)
                rsrc = vsrc.child(i) if vsrc is not None else None
                if rec.get("remove") is True:
                    if rkey in index:
                        records.remove(index.pop(rkey))
                    if prov is not None and rsrc is not None:
                        _drop(prov, rat)
                        prov[rat] = rsrc
                    continue
                if rkey not in index:
                    index[rkey] = {}
                    records.append(index[rkey])
                    if prov is not None and rsrc is not None:
                        prov[rat] = rsrc
                merge_values(index[rkey], rec, rsrc, prov, rat, keep_nulls=True)
            target[key] = records
            if prov is not None and vsrc is not None:
                prov.setdefault(here, vsrc)
        elif isinstance(value, dict):
            sub = dict(target[key]) if isinstance(target.get(key), dict) else {}
            merge_values(sub, value, vsrc, prov, here, keep_nulls=keep_nulls)
            target[key] = sub
            if prov is not None and vsrc is not None:
                prov[here] = vsrc
        else:
            target[key] = value
            if prov is not None and vsrc is not None:
                _drop(prov, here)
                prov[here] = vsrc


def _defaults_index(cat: Catalogue) -> DefaultsIndex:
    """Defaults entries by folder and code (built once per catalogue)."""
    if cat.defaults_index is None:
        index: DefaultsIndex = {}
        for folder, files in cat.defaults.items():
            by_code = index.setdefault(folder, {})
            for impl in files:
                for raw, src in impl.entries:
                    by_code.setdefault(raw["code"], []).append((impl, raw, src))
        cat.defaults_index = index
    return cat.defaults_index


def _defaults_for(cat: Catalogue, folder: str, code: str, kind: LayerKind) -> Iterator[Layer]:
    for impl, raw, src in _defaults_index(cat).get(folder, {}).get(code, ()):
        if impl.defaults:
            yield Layer(kind, impl.defaults, Source(impl.doc, ("defaults",)))
        yield Layer(kind, raw, src)


def layers_for(cat: Catalogue, impl: ImplFile, raw: Mapping[str, Any], src: Source) -> list[Layer]:
    """The layers that make up one implementation entry, lowest first."""
    layers = _layers_above(cat, raw["code"], _city_of(cat, impl))
    return _own_layers(layers, impl, raw, src)


def _city_of(cat: Catalogue, impl: ImplFile) -> str:
    """The city whose defaults a county's entries inherit ("" for any other region)."""
    region = cat.regions.get(impl.region or impl.folder)
    if region is not None and region.level == "county" and region.parent:
        return region.parent
    return ""


def _layers_above(cat: Catalogue, code: str, city: str) -> list[Layer]:
    """The layers above a region's own files: the basic matter, the province's and the
    city's defaults."""
    layers: list[Layer] = []
    matter = cat.basic.get(code)
    if matter is not None:
        layers.append(Layer("basic", _basic_values(cat, matter), matter.src))
    province = cat.manifest.province if cat.manifest else ""
    if province:
        layers.extend(_defaults_for(cat, province, code, "province"))
    if city:
        layers.extend(_defaults_for(cat, city, code, "city"))
    return layers


def _own_layers(
    layers: list[Layer], impl: ImplFile, raw: Mapping[str, Any], src: Source
) -> list[Layer]:
    return _with_own(layers, _file_layer(impl), raw, src)


def _file_layer(impl: ImplFile) -> Layer | None:
    """The layer of a file's ``defaults`` (``None``: it has none)."""
    return Layer("file", impl.defaults, Source(impl.doc, ("defaults",))) if impl.defaults else None


def _with_own(
    layers: list[Layer], file: Layer | None, raw: Mapping[str, Any], src: Source
) -> list[Layer]:
    """``layers`` (those above) followed by the file's defaults and the entry's record."""
    if file is not None:
        layers.append(file)
    layers.append(Layer("entry", raw, src))
    return layers


def _above(cat: Catalogue, code: str, city: str) -> tuple[tuple[Layer, ...], dict[str, Any]]:
    """The layers above a region's own files and their merge, once per (code, city) in a
    bulk pass: every county of a city shares them (a third of a cold validate's resolving
    was merging them again for each entry). The merge is copied before an entry merges
    into it; :func:`merge_values` copies nested values before changing them. Only one
    city's merges are kept: a worker's memory would otherwise grow with the cities it
    has seen (export at 4× the regions)."""
    key = (code, city)
    hit = cat.above.get(key)
    if hit is None:
        if cat.above and next(iter(cat.above))[1] != city:
            cat.above.clear()
        layers = _layers_above(cat, code, city)
        hit = (tuple(layers), _merge_layers(cat, layers, code, None))
        cat.above[key] = hit
    return hit


def _basic_values(cat: Catalogue, matter: BasicMatter) -> Mapping[str, Any]:
    """The basic layer of ``matter`` (built once per catalogue; never mutated)."""
    cached = cat.basic_layers.get(matter.code)
    if cached is not None and cached[0] is matter:
        return cached[1]
    values: dict[str, Any] = {
        "name": matter.name,
        "basis": list(matter.basis),
        "levels": list(matter.levels),
    }
    if matter.type:
        values["type"] = matter.type
    if matter.legal_limit:
        values["legal_limit"] = limit_value(matter.legal_limit)
    cat.basic_layers[matter.code] = (matter, values)
    return values


# identity fields of an entry, not inherited values
ENTRY_IDENTITY = ("code", "agency", "agency_uscc", "implementation_code")
_SKIP = frozenset(ENTRY_IDENTITY)
_SKIP_WITH_BASIC = _SKIP | frozenset(SAME_STANDARD)


def _merge_layers(
    cat: Catalogue,
    layers: Iterable[Layer],
    code: str,
    prov: dict[Pointer, Source] | None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The merge of ``layers`` (onto ``values``, the merge of the layers below them)."""
    values = {} if values is None else values
    matter = cat.basic.get(code)
    for layer in layers:
        if layer.kind == "basic":
            assert matter is not None
            values.update(layer.values)
            if prov is not None:
                for key in layer.values:
                    prov[(key,)] = basic_field_source(cat, matter, key)
            continue
        # 四同 fields stay as the basic catalogue has them
        skip = _SKIP_WITH_BASIC if matter is not None else _SKIP
        overlay = {k: v for k, v in layer.values.items() if k not in skip}
        merge_values(values, overlay, layer.src, prov)
    return values


def trace(cat: Catalogue, layers: list[Layer], code: str) -> dict[Pointer, Source]:
    """Provenance of an entry's merged values: the same merge, recording sources."""
    prov: dict[Pointer, Source] = {}
    _merge_layers(cat, layers, code, prov)
    return prov


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def entry_agency(impl: ImplFile, raw: Mapping[str, Any]) -> str:
    """The agency implementing a raw entry: its own ``agency``, else the file's department."""
    return _text(raw.get("agency")) or impl.department or ""


def entry_key(impl: ImplFile, raw: Mapping[str, Any]) -> tuple[str, str]:
    """A raw entry's identity within its region: (agency, basic code)."""
    return (entry_agency(impl, raw), raw["code"])


def resolve_entry(
    cat: Catalogue, impl: ImplFile, raw: Mapping[str, Any], src: Source, *, bulk: bool = False
) -> Entry:
    """The effective record of one implementation entry. ``bulk``: the catalogue does not
    change during the pass, so the layers above the region are merged once per code."""
    code = raw["code"]
    if bulk:
        above, merged = _above(cat, code, _city_of(cat, impl))
        layers = _own_layers(list(above), impl, raw, src)
        values = _merge_layers(cat, layers[len(above) :], code, None, dict(merged))
    else:
        layers = layers_for(cat, impl, raw, src)
        values = _merge_layers(cat, layers, code, None)
    entry = Entry(
        region=impl.region or impl.folder,
        code=code,
        department=impl.department or "",
        agency=entry_agency(impl, raw),
        agency_uscc=_text(raw.get("agency_uscc")) or impl.agency_uscc,
        implementation_code=_text(raw.get("implementation_code")),
        facts=Facts.from_values(values),
        items=[],
        values=values,
        src=src,
        layers=layers,
        tracer=partial(trace, cat, layers, code),
    )
    entry.items = list(_items(cat, entry))
    return entry


def situation_combinations(dims: Mapping[str, list[str]]) -> list[dict[str, str]]:
    """Every combination of situation values, numbered so codes stay stable.

    Values are numbered in the order they are written. Combinations are ordered by
    their highest value number, then by position: appending a value to any one
    dimension adds new items after the existing ones and never renumbers them.
    """
    names = [k for k, v in dims.items() if isinstance(v, list) and v]
    ranges = [range(len(dims[k])) for k in names]
    combos = sorted(itertools.product(*ranges), key=lambda idx: (max(idx, default=0), idx))
    return [{k: str(dims[k][i]) for k, i in zip(names, idx, strict=True)} for idx in combos]


def _stated(layers: list[Layer], key: str) -> Source | None:
    """Where the last layer writing ``key`` writes it."""
    for layer in reversed(layers):
        if layer.kind != "basic" and key in layer.values:
            return layer.src.child(key)
    return None


def item_source(layers: list[Layer], code: str) -> Source | None:
    """Where the last layer declaring item ``code`` declares it."""
    for layer in reversed(layers):
        items = layer.values.get("items") if layer.kind != "basic" else None
        if isinstance(items, list):
            for i, rec in enumerate(items):
                if isinstance(rec, Mapping) and rec.get("code") == code:
                    return layer.src.child("items", i)
    return None


def _items(cat: Catalogue, entry: Entry) -> Iterator[Item]:
    values = entry.values
    if not values.get("items") and not values.get("situations"):
        return  # the common case: an entry without handling items
    base = {k: v for k, v in values.items() if k not in ITEM_CONTROL}
    matter = cat.basic.get(entry.code)
    name = matter.name if matter else str(values.get("name", ""))
    explicit = {
        r["code"]: r
        for r in values.get("items", [])
        if isinstance(r, dict) and isinstance(r.get("code"), str)
    }
    records: list[tuple[str, dict[str, Any], bool]] = []
    dims = values.get("situations")
    if isinstance(dims, dict) and dims:
        template = values.get("item_name")
        for n, situation in enumerate(situation_combinations(dims), start=1):
            code = f"{n:02d}"
            label = "—".join(situation.values())
            item_name = f"{name}（{label}）"
            if isinstance(template, str):
                # a malformed template keeps the default name; Q011 reports it
                with contextlib.suppress(ValueError, AttributeError, IndexError, KeyError):
                    item_name = template.format_map(_Keep({"name": name, **situation}))
            record: dict[str, Any] = {"code": code, "name": item_name, "situation": situation}
            if code in explicit:
                record = {**record, **explicit.pop(code)}
            records.append((code, record, True))
    records.extend((code, rec, False) for code, rec in explicit.items())
    for code, rec, generated in records:
        item_values = dict(base)
        merge_values(item_values, {k: v for k, v in rec.items() if k != "code"})
        origin = (
            item_source(entry.layers, code)
            or (_stated(entry.layers, "situations") if generated else None)
            or entry.src
        )
        raw_situation = rec.get("situation")
        situation = raw_situation if isinstance(raw_situation, dict) else {}
        yield Item(
            code=code,
            full_code=cat.profile.item_full_code(entry.code, code),
            name=rec.get("name") if isinstance(rec.get("name"), str) else None,
            situation={str(k): str(v) for k, v in situation.items()},
            facts=Facts.from_values(item_values),
            values=item_values,
            generated=generated,
            src=origin,
        )


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def resolve_region(cat: Catalogue, folder: str) -> Iterator[Entry]:
    """Effective entries of one region folder, in file and entry order."""
    for impl in cat.impl_files.get(folder, []):
        for raw, src in impl.entries:
            yield resolve_entry(cat, impl, raw, src, bulk=True)


@dataclass(slots=True)
class FieldValues:
    """Some fields of an entry's effective record (``resolve_fields``)."""

    region: str
    code: str
    department: str
    values: Mapping[str, Any]  # the merged values of the fields asked for (and items')
    visits: int | None  # effective visits (the maximum over items when there are items)
    src: Source
    own: Mapping[str, Any]  # the entry's own record (its last layer)
    above: tuple[Layer, ...]  # the layers above the entry's file
    file: Layer | None  # the file's defaults

    @property
    def layers(self) -> list[Layer]:
        """The raw layers, lowest first, as ``Entry.layers`` (made when asked for: most
        values are written in the entry's own record)."""
        return _with_own(list(self.above), self.file, self.own, self.src)


def resolve_fields(cat: Catalogue, folder: str, fields: Iterable[str]) -> Iterator[FieldValues]:
    """The effective values of ``fields`` only, for each entry of one region folder, in
    file and entry order: the merge of those fields alone gives what ``resolve_region``
    gives for them (the merge is key by key), without typing every fact — a task that
    compares a few elements of every entry (``standard``) spends half its time on the
    rest. An entry with handling items is resolved in full (its visits are its items').

    The values read as the merge's, not always equal to them: a value of the entry's own
    record over nothing inherited is taken as written, where the merge would copy it
    without its nulls (and a record list without records it could not key). A reader
    that treats a null as absent and skips such records — as ``Facts`` does — reads the
    same; tests hold the two to that."""
    wanted = tuple(dict.fromkeys((*fields, *ITEM_CONTROL[:2])))
    assert not set(wanted) & _SKIP_WITH_BASIC
    for impl in cat.impl_files.get(folder, []):
        city = _city_of(cat, impl)
        region = impl.region or impl.folder
        department = impl.department or ""
        own = _fields_of(impl.defaults, wanted) if impl.defaults else None
        file_layer = _file_layer(impl)
        for raw, src in impl.entries:
            code = raw["code"]
            above, merged = _above(cat, code, city)
            values = {k: merged[k] for k in wanted if k in merged}
            if own:
                merge_values(values, own)
            for key in wanted:  # the entry's own record, the last layer
                if key in raw:
                    value = raw[key]
                    if key in values:
                        merge_values(values, {key: value})
                    elif value is not None:
                        values[key] = value  # over nothing: as written (see the doc)
            if values.get("items") or values.get("situations"):
                entry = resolve_entry(cat, impl, raw, src, bulk=True)
                yield FieldValues(
                    entry.region,
                    code,
                    entry.department,
                    entry.values,
                    entry.visits,
                    src,
                    raw,
                    above,
                    file_layer,
                )
                continue
            yield FieldValues(
                region,
                code,
                department,
                values,
                as_int(values.get("visits")),
                src,
                raw,
                above,
                file_layer,
            )


def _fields_of(values: Mapping[str, Any], wanted: tuple[str, ...]) -> dict[str, Any]:
    return {k: values[k] for k in wanted if k in values}


def resolve_all(cat: Catalogue) -> Iterator[Entry]:
    """Effective entries of every region, region by region."""
    for folder in cat.region_folders():
        yield from resolve_region(cat, folder)
