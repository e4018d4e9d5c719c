"""颗粒化: the resolved catalogue as one row per handling item, and ``--write``.

:func:`explode_rows` yields one row per handling item (one per entry without items),
region by region, with every inherited field filled in. Rows hold plain values
(text, integers, booleans, ``None`` for unknown, a mapping for the situation); how they
look in a spreadsheet is the renderer's business (:mod:`zjpaoyici.render.table_out`).

:func:`plan_materialise` and :func:`materialise_text` turn items generated from
``situations`` into explicit ``items:`` records in the entry's own file, through the
round-trip writer, so maintainers can edit each item. Explicit items with a generated
code override the generated ones (see :func:`zjpaoyici.catalogue.resolve._items`), so the resolved
catalogue does not change; ``situations`` and ``item_name`` stay where they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from zjpaoyici.catalogue.bundles import offered_bundles
from zjpaoyici.catalogue.fields import LEVELS, ROW_COLUMNS, Column, fact_row, text_value
from zjpaoyici.catalogue.model import Catalogue, Entry, Facts, Limit
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.files.roundtrip import dump_text, load_text, normalize
from zjpaoyici.rules.registry import blocks_rewrite

KEYS = tuple(c.key for c in ROW_COLUMNS)


class SelectionError(ValueError):
    """``--region`` or ``--level`` names nothing in the catalogue."""

    def __init__(self, what: str, value: str) -> None:
        super().__init__(f"{what}: {value}")
        self.what, self.value = what, value


def select_folders(
    cat: Catalogue, region: str | None = None, level: str | None = None
) -> list[str]:
    """The region folders to work on: one region, one level, or all."""
    folders = cat.region_folders()
    if region is not None:
        if region not in folders:
            raise SelectionError("region", region)
        return [region]
    if level is not None:
        if level not in LEVELS:
            raise SelectionError("level", level)
        return [f for f in folders if (r := cat.regions.get(f)) is not None and r.level == level]
    return folders


def explode_rows(cat: Catalogue, folders: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One row per handling item (or entry without items), region by region."""
    for folder in folders:
        for entry in resolve_region(cat, folder):
            yield from entry_rows(cat, entry)


def entry_rows(cat: Catalogue, entry: Entry) -> Iterator[dict[str, Any]]:
    """The rows of one resolved entry: its items, or the entry itself."""
    base = _matter_columns(cat, entry)
    if not entry.items:
        row = {**base, "item_code": None, "item_name": None, "situation": None}
        row.update(_fact_figures(entry.facts, entry.values))
        yield _ordered(row)
        return
    for item in entry.items:
        row = {
            **base,
            "item_code": item.full_code,
            "item_name": item.name,
            "situation": dict(item.situation) or None,
        }
        row.update(_fact_figures(item.facts, item.values))
        yield _ordered(row)


def _ordered(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in KEYS}


def _matter_columns(cat: Catalogue, entry: Entry) -> dict[str, Any]:
    region = cat.regions.get(entry.region)
    matter = cat.basic.get(entry.code)
    values = entry.values
    name = matter.name if matter else text_value(values.get("name"))
    if matter is not None and matter.main is not None:
        main = cat.basic.get(matter.main)
        main_code, main_name = matter.main, main.name if main else None
        sub_code, sub_name = entry.code, name
    else:
        main_code, main_name, sub_code, sub_name = entry.code, name, None, None
    legal = Limit.parse(values.get("legal_limit"))
    return {
        "region": entry.region,
        "region_name": region.name if region else None,
        "level": region.level if region else None,
        "department": entry.department or None,
        "agency": entry.agency or None,
        "main_code": main_code,
        "main_name": main_name,
        "sub_code": sub_code,
        "sub_name": sub_name,
        "type": text_value(values.get("type")),
        "legal_days": legal.days if legal else None,
        "legal_unit": legal.unit if legal else None,
    }


def _fact_figures(facts: Facts, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fact columns: the row fields, with visits, limit and materials as figures."""
    row = fact_row(facts, values)
    limit = facts.promised_limit
    return {
        **row,
        "meets": None if facts.visits is None else facts.visits <= 1,
        "promised_days": limit.days if limit else None,
        "promised_unit": limit.unit if limit else None,
        # derived from the depth when not stated: 可网办 is a figure here
        "online_available": facts.online_available,
        "materials": len(row["materials"]),
    }


# --- explode --write: generated items into the YAML ---------------------------------


@dataclass(slots=True)
class ItemAddition:
    """What to write for one generated item: a new record, or keys for an existing one."""

    code: str
    values: dict[str, Any]  # name and/or situation


@dataclass(slots=True)
class FilePlan:
    """The generated items to materialise in one file, by entry index in ``matters``."""

    path: Path
    display: str
    entries: dict[int, tuple[str, list[ItemAddition]]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(adds) for _, adds in self.entries.values())


@dataclass(slots=True)
class MaterialisePlan:
    files: list[FilePlan] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # files that cannot be rewritten safely


def plan_materialise(cat: Catalogue, folders: Iterable[str]) -> MaterialisePlan:
    """Which generated items each implementation file needs written out.

    An item gets a record in the entry's own file, holding the generated ``name`` and
    ``situation`` unless some layer's explicit record for that code already sets them
    (writing them again would change nothing, writing over them would).
    """
    blocked_files = {f.loc.file for f in cat.findings if blocks_rewrite(f)}
    plan = MaterialisePlan()
    for folder in folders:
        by_doc: dict[int, FilePlan] = {}
        for entry in resolve_region(cat, folder):
            generated = [i for i in entry.items if i.generated]
            if not generated or entry.src.pointer[:1] != ("matters",):
                continue
            explicit = {
                r["code"]: r
                for r in entry.values.get("items") or []
                if isinstance(r, dict) and isinstance(r.get("code"), str)
            }
            additions = []
            for item in generated:
                have = explicit.get(item.code, {})
                values: dict[str, Any] = {}
                if "name" not in have and item.name is not None:
                    values["name"] = item.name
                if "situation" not in have and item.situation:
                    values["situation"] = dict(item.situation)
                if values:
                    additions.append(ItemAddition(item.code, values))
            if not additions:
                continue
            doc = entry.src.doc
            if doc.display in blocked_files:
                if doc.display not in plan.blocked:
                    plan.blocked.append(doc.display)
                continue
            fp = by_doc.get(id(doc))
            if fp is None:
                fp = by_doc[id(doc)] = FilePlan(doc.path, doc.display)
                plan.files.append(fp)
            index = entry.src.pointer[1]
            assert isinstance(index, int)
            fp.entries[index] = (entry.code, additions)
    return plan


# Keys of an implementation entry that come after ``items`` in canonical (schema) order.
_AFTER_ITEMS = ("situations", "item_name")


def materialise_text(text: str, fp: FilePlan) -> str:
    """``text`` (the file of ``fp``) with the planned item records written in, comments kept."""
    data = normalize(load_text(text))
    matters = data["matters"]
    for index, (code, additions) in fp.entries.items():
        record = matters[index]
        if str(record.get("code")) != code:  # the file changed since it was read
            raise ValueError(f"{fp.display}: matters[{index}] is not {code}")
        items = record.get("items")
        if not isinstance(items, CommentedSeq) or (items.fa.flow_style() and not items):
            items = CommentedSeq()
            if "items" in record:
                record["items"] = items
            else:
                at = next((list(record).index(k) for k in _AFTER_ITEMS if k in record), None)
                record.insert(len(record) if at is None else at, "items", items)
        elif items.fa.flow_style():
            items.fa.set_block_style()
        existing: dict[str, CommentedMap] = {
            str(r.get("code")): r for r in items if isinstance(r, CommentedMap)
        }
        for add in additions:
            target = existing.get(add.code)
            if target is None:
                target = CommentedMap()
                target["code"] = DoubleQuotedScalarString(add.code)
                items.append(target)
            keys = list(target)
            position = keys.index("code") + 1 if "code" in keys else 0
            for key in ("name", "situation"):
                if key in add.values:
                    target.insert(position, key, _node(add.values[key]))
                if key in target:
                    position = list(target).index(key) + 1
    return dump_text(data)


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap(value)
        node.fa.set_flow_style()
        return node
    return value


# --- 一件事: one row per (bundle, region, member) ---------------------------------------

BUNDLE_COLUMNS: tuple[Column, ...] = (
    Column("bundle_code", "一件事编码", "Bundle code", 14),
    Column("bundle_name", "一件事名称", "Bundle name", 28),
    Column("lifecycle", "生命周期", "Lifecycle", 10),
    Column("stage", "阶段", "Stage", 10),
    Column("region", "区划代码", "Region code", 10),
    Column("region_name", "区划名称", "Region name", 10),
    Column("level", "层级", "Level", 12, "level"),
    Column("order", "顺序", "Order", 6, "int"),
    Column("member_code", "成员事项编码", "Member code", 20),
    Column("member_name", "成员事项名称", "Member name", 30),
    Column("required", "必办", "Required", 6, "bool"),
    Column("implemented", "已实施", "Implemented", 6, "bool"),
    Column("member_visits", "成员到现场次数", "Member visits", 8, "int"),
    Column("member_promised_days", "成员承诺时限（天）", "Member promised days", 8, "int"),
    Column("bundle_visits", "一件事到现场次数", "Bundle visits", 8, "int"),
    Column("joint", "联办", "Joint", 6, "bool"),
)


def bundle_rows(cat: Catalogue, folders: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One row per (bundle, region offering it, member), region by region."""
    for folder in folders:
        entries: dict[str, Entry] = {}
        for entry in resolve_region(cat, folder):
            entries.setdefault(entry.code, entry)
        region = cat.regions.get(folder)
        for bundle, states in offered_bundles(cat, folder, entries):
            for order, state in enumerate(states, start=1):
                code = state.member.code
                matter = cat.basic.get(code) or cat.basic.get(
                    code.rpartition(cat.profile.item_separator)[0]
                )
                yield {
                    "bundle_code": bundle.code,
                    "bundle_name": bundle.name,
                    "lifecycle": bundle.lifecycle,
                    "stage": bundle.stage,
                    "region": folder,
                    "region_name": region.name if region else None,
                    "level": region.level if region else None,
                    "order": order,
                    "member_code": code,
                    "member_name": matter.name if matter else None,
                    "required": state.member.required,
                    "implemented": state.implemented,
                    "member_visits": state.visits,
                    "member_promised_days": state.promised.days if state.promised else None,
                    "bundle_visits": bundle.facts.visits,
                    "joint": bundle.joint,
                }
