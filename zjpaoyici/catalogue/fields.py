"""The implementation elements a catalogue may keep, and the fields each one covers.

A catalogue declares in ``catalogue.yaml`` (``elements: [...]``) which elements it
maintains; without the declaration it keeps them all. A field of an element the
catalogue does not keep is simply unknown: no schema requirement or rule asks for it,
and every figure counts it as "not given", never as no or zero. This module is the
one place that says which fields belong to which element.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zjpaoyici.i18n import Bi, Lang

if TYPE_CHECKING:
    from zjpaoyici.catalogue.model import Catalogue, Manifest


@dataclass(frozen=True, slots=True)
class Element:
    """One implementation element: its name in ``elements:``, its label, and the fields
    it covers in implementation files (entries and items) and in the basic catalogue."""

    name: str
    label: Bi
    fields: tuple[str, ...]
    basic_fields: tuple[str, ...] = ()


ELEMENTS: tuple[Element, ...] = (
    Element("visits", Bi("到现场次数", "on-site visits"), ("visits",)),
    Element("onsite_reason", Bi("必须现场办理原因", "on-site reason"), ("onsite_reason",)),
    Element(
        "limits",
        Bi("承诺时限与法定时限", "promised and legal time limits"),
        ("promised_limit",),
        ("legal_limit",),
    ),
    Element("case_type", Bi("办件类型", "case type"), ("case_type",)),
    Element("online", Bi("网上办理（可网办、网办深度、掌上办）", "online handling"), ("online",)),
    Element("express", Bi("快递送达", "express delivery"), ("express",)),
    Element("fees", Bi("收费", "fees"), ("fee",)),
    Element("materials", Bi("申请材料", "application materials"), ("materials",)),
    Element("reach", Bi("通办范围", "reach"), ("reach",)),
    Element("annual_cases", Bi("年办件量", "annual cases"), ("annual_cases",)),
    Element("basis", Bi("设定依据", "legal basis"), (), ("basis",)),
    Element("items", Bi("办理项", "handling items"), ("items", "situations", "item_name")),
)
BY_NAME: dict[str, Element] = {e.name: e for e in ELEMENTS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
# field → element, for implementation files and for the basic catalogue
_IMPL_FIELD = {f: e.name for e in ELEMENTS for f in e.fields}
_BASIC_FIELD = {f: e.name for e in ELEMENTS for f in e.basic_fields}


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
    from zjpaoyici.catalogue.model import Catalogue, Manifest

    if isinstance(where, Catalogue):
        return where.manifest.elements if where.manifest is not None else None
    if isinstance(where, Manifest):
        return where.elements
    return where


def kept(where: Catalogue | Manifest | frozenset[str] | None, name: str) -> bool:
    """Whether the catalogue keeps element ``name`` (every element, when undeclared)."""
    declared = _declared(where)
    return declared is None or name in declared


def keeps_any(where: Catalogue | Manifest | frozenset[str] | None, names: Iterable[str]) -> bool:
    return any(kept(where, n) for n in names)


def not_kept(where: Catalogue | Manifest | frozenset[str] | None) -> list[Element]:
    """The elements the catalogue does not keep, in vocabulary order."""
    declared = _declared(where)
    if declared is None:
        return []
    return [e for e in ELEMENTS if e.name not in declared]


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
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"{e.label.get(lang)} ({e.name})" for e in elements)
