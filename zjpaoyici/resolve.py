"""The layered merge across province, city and county, with provenance.

The effective record of matter M in region R merges, lowest layer last:

1. the basic catalogue entry of M (四同 fields; a sub inherits from its main),
2. the province's ``_defaults*.yaml`` entries for M (省级统一实施要素),
3. R's city ``_defaults*.yaml`` entries for M, when R is a county,
4. R's own implementation entry (the file's ``defaults`` first, then the entry).

Maps merge key by key, scalars and plain lists replace, record lists merge by key
(``materials`` by name, ``items`` by code; ``remove: true`` drops an inherited record)
and ``null`` removes an inherited value. Every merged value remembers the file and
place that set it.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from zjpaoyici.load import basic_field_source
from zjpaoyici.model import (
    BasicMatter,
    Catalogue,
    Entry,
    Facts,
    ImplFile,
    Item,
    Layer,
    LayerKind,
    Source,
    origin_of,
)
from zjpaoyici.yamlio import Pointer

KEYED_LISTS = {"materials": "name", "items": "code"}
BASIC_FIELDS = ("name", "type", "basis", "levels", "legal_limit")
ITEM_CONTROL = ("items", "situations", "item_name")


def _drop(prov: dict[Pointer, Source], at: Pointer) -> None:
    n = len(at)
    for key in [k for k in prov if k[:n] == at and len(k) > n]:
        del prov[key]


def merge_values(
    target: dict[str, Any],
    overlay: Mapping[str, Any],
    src: Source,
    prov: dict[Pointer, Source],
    at: Pointer = (),
) -> None:
    """Merge ``overlay`` (written at ``src``) into ``target``, recording provenance."""
    for key, value in overlay.items():
        here = (*at, key)
        vsrc = src.child(key)
        keyfield = KEYED_LISTS.get(key)
        if value is None:
            target.pop(key, None)
            _drop(prov, here)
            prov[here] = vsrc
        elif keyfield and isinstance(value, list):
            current = target.get(key)
            current = current if isinstance(current, list) else []
            records: list[dict[str, Any]] = [dict(r) for r in current if isinstance(r, dict)]
            index = {r.get(keyfield): r for r in records}
            for i, rec in enumerate(value):
                if not isinstance(rec, Mapping) or not isinstance(rec.get(keyfield), str):
                    continue
                rkey = rec[keyfield]
                rat = (*here, rkey)
                if rec.get("remove") is True:
                    if rkey in index:
                        records.remove(index.pop(rkey))
                    _drop(prov, rat)
                    prov[rat] = vsrc.child(i)
                    continue
                if rkey not in index:
                    index[rkey] = {}
                    records.append(index[rkey])
                    prov[rat] = vsrc.child(i)
                merge_values(index[rkey], rec, vsrc.child(i), prov, rat)
            target[key] = records
            prov.setdefault(here, vsrc)
        elif isinstance(value, Mapping):
            sub = dict(target[key]) if isinstance(target.get(key), dict) else {}
            merge_values(sub, value, vsrc, prov, here)
            target[key] = sub
            prov[here] = vsrc
        else:
            target[key] = value
            _drop(prov, here)
            prov[here] = vsrc


def _defaults_for(cat: Catalogue, folder: str, code: str, kind: LayerKind) -> Iterator[Layer]:
    for impl in cat.defaults.get(folder, []):
        for raw, src in impl.entries:
            if raw.get("code") == code:
                if impl.defaults:
                    yield Layer(kind, impl.defaults, Source(impl.doc, ("defaults",)))
                yield Layer(kind, raw, src)


def layers_for(cat: Catalogue, impl: ImplFile, raw: Mapping[str, Any], src: Source) -> list[Layer]:
    """The layers that make up one implementation entry, lowest first."""
    code = raw["code"]
    region_code = impl.region or impl.folder
    layers: list[Layer] = []
    matter = cat.basic.get(code)
    if matter is not None:
        layers.append(Layer("basic", _basic_values(matter), matter.src))
    province = cat.manifest.province if cat.manifest else ""
    if province:
        layers.extend(_defaults_for(cat, province, code, "province"))
    region = cat.regions.get(region_code)
    if region is not None and region.level == "county" and region.parent:
        layers.extend(_defaults_for(cat, region.parent, code, "city"))
    if impl.defaults:
        layers.append(Layer("file", impl.defaults, Source(impl.doc, ("defaults",))))
    layers.append(Layer("entry", raw, src))
    return layers


def _basic_values(matter: BasicMatter) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": matter.name,
        "basis": list(matter.basis),
        "levels": list(matter.levels),
    }
    if matter.type:
        values["type"] = matter.type
    if matter.legal_limit:
        values["legal_limit"] = {"days": matter.legal_limit.days, "unit": matter.legal_limit.unit}
    return values


def resolve_entry(cat: Catalogue, impl: ImplFile, raw: Mapping[str, Any], src: Source) -> Entry:
    """The effective record of one implementation entry."""
    values: dict[str, Any] = {}
    prov: dict[Pointer, Source] = {}
    layers = layers_for(cat, impl, raw, src)
    matter = cat.basic.get(raw["code"])
    for layer in layers:
        if layer.kind == "basic":
            assert matter is not None
            for key, value in layer.values.items():
                values[key] = value
                prov[(key,)] = basic_field_source(cat, matter, key)
            continue
        overlay = {k: v for k, v in layer.values.items() if k != "code"}
        if matter is not None:  # 四同 fields stay as the basic catalogue has them
            overlay = {k: v for k, v in overlay.items() if k not in BASIC_FIELDS}
        merge_values(values, overlay, layer.src, prov)
    entry = Entry(
        region=impl.region or impl.folder,
        code=raw["code"],
        department=impl.department or "",
        facts=_facts(values, prov, src),
        items=[],
        values=values,
        provenance=prov,
        src=src,
        layers=layers,
    )
    entry.items = list(_items(cat, entry))
    return entry


def _facts(
    values: Mapping[str, Any], prov: Mapping[Pointer, Source], fallback: Source, at: Pointer = ()
) -> Facts:
    def material_src(name: str) -> Source:
        candidates = (
            [(*at, "materials", name), ("materials", name)] if at else [("materials", name)]
        )
        return next((prov[c] for c in candidates if c in prov), fallback)

    return Facts.from_values(values, material_src)


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


def _items(cat: Catalogue, entry: Entry) -> Iterator[Item]:
    values = entry.values
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
        at: Pointer = ("items", code)
        item_values = dict(base)
        scratch: dict[Pointer, Source] = {}
        merge_values(item_values, {k: v for k, v in rec.items() if k != "code"}, entry.src, scratch)
        for removed in _nulled_in_item(entry.provenance, at, rec):  # `key: null` in the item
            item_values.pop(removed, None)
        origin = (
            entry.origin("situations") if generated else origin_of(entry.provenance, at, entry.src)
        )
        raw_situation = rec.get("situation")
        situation = raw_situation if isinstance(raw_situation, dict) else {}
        yield Item(
            code=code,
            full_code=cat.profile.item_full_code(entry.code, code),
            name=rec.get("name") if isinstance(rec.get("name"), str) else None,
            situation={str(k): str(v) for k, v in situation.items()},
            facts=_facts(item_values, entry.provenance, origin, at),
            values=item_values,
            generated=generated,
            src=origin,
        )


def _nulled_in_item(
    prov: Mapping[Pointer, Source], at: Pointer, record: Mapping[str, Any]
) -> list[str]:
    """Keys an item record set to ``null``: merged away, but recorded in the provenance."""
    return [
        str(p[len(at)])
        for p in prov
        if len(p) == len(at) + 1 and p[: len(at)] == at and p[len(at)] not in record
    ]


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def resolve_region(cat: Catalogue, folder: str) -> Iterator[Entry]:
    """Effective entries of one region folder, in file and entry order."""
    for impl in cat.impl_files.get(folder, []):
        for raw, src in impl.entries:
            yield resolve_entry(cat, impl, raw, src)


def resolve_all(cat: Catalogue) -> Iterator[Entry]:
    """Effective entries of every region, region by region."""
    for folder in cat.region_folders():
        yield from resolve_region(cat, folder)
