"""Typed records of a catalogue. Every record knows the file and place it came from.

Records are built tolerantly from documents that may have failed their schema check,
so one pass can report every problem: a field of the wrong type is simply absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from zjpaoyici.catalogue.codes import ZHEJIANG, CodeProfile
from zjpaoyici.catalogue.fields import Level
from zjpaoyici.files.reader import Document, Pointer
from zjpaoyici.findings import Finding, Loc


@dataclass(frozen=True, slots=True)
class Source:
    """A record's or value's origin: a document and the pointer inside it."""

    doc: Document
    pointer: Pointer

    def loc(self, *sub: str | int, key: bool = False) -> Loc:
        return self.doc.loc((*self.pointer, *sub), key=key)

    def child(self, *sub: str | int) -> Source:
        return Source(self.doc, (*self.pointer, *sub))


@dataclass(frozen=True, slots=True)
class Limit:
    """A time limit: days and unit (working or natural days); 0 days means 即办."""

    days: int
    unit: str = "working"

    @classmethod
    def parse(cls, value: Any) -> Limit | None:
        if isinstance(value, dict) and _is_int(value.get("days")):
            unit = value.get("unit", "working")
            return cls(int(value["days"]), unit if unit in ("working", "natural") else "working")
        return None

    def working_days(self) -> float:
        """Comparable length in working days (natural days × 5/7)."""
        return self.days if self.unit == "working" else self.days * 5 / 7


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    parent: str | None
    src: Source


@dataclass(frozen=True, slots=True)
class RetiredRegion:
    code: str
    name: str
    successors: tuple[str, ...]
    src: Source


@dataclass(slots=True)
class Manifest:
    name: str
    province: str
    profile: CodeProfile
    scope_types: tuple[str, ...] | None
    exempt: frozenset[str]
    targets: dict[str, float]
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: dict[str, str]
    src: Source
    # the implementation elements the catalogue keeps (None: all); see zjpaoyici.catalogue.fields
    elements: frozenset[str] | None = None


@dataclass(slots=True)
class BasicMatter:
    """A main matter or sub matter of the basic catalogue, with inheritance applied."""

    code: str
    name: str
    type: str | None
    basis: tuple[str, ...]
    levels: tuple[str, ...]
    legal_limit: Limit | None
    department: str
    main: str | None  # main matter code for a sub matter
    subs: list[str]
    src: Source


@dataclass(frozen=True, slots=True)
class Material:
    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class Fee:
    charged: bool
    basis: str | None


@dataclass(slots=True)
class Facts:
    """Implementation facts of an entry or item (after inheritance)."""

    visits: int | None = None
    onsite_reason: str | None = None
    promised_limit: Limit | None = None
    case_type: str | None = None
    online_depth: int | None = None
    mobile: bool | None = None
    online_available: bool | None = None  # 可网办: stated, or derived from the depth
    express: bool | None = None
    reach: str | None = None
    annual_cases: int | None = None
    fee: Fee | None = None
    raw_materials: Any = ()  # the merged ``materials`` list, typed on demand

    @property
    def materials(self) -> tuple[Material, ...]:
        """The materials still required or offered (removed ones left out), typed when
        asked: most runs never look at them, and a province has half a million."""
        out = []
        for m in self.raw_materials if isinstance(self.raw_materials, list) else ():
            if isinstance(m, dict) and isinstance(m.get("name"), str) and not m.get("remove"):
                out.append(Material(m["name"], m.get("required", True) is not False))
        return tuple(out)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Facts:
        """Typed facts from merged raw values (a wrongly typed value counts as absent)."""
        online = values.get("online")
        if not isinstance(online, dict):
            online = {}
        fee_raw = values.get("fee")
        fee = None
        if isinstance(fee_raw, dict) and isinstance(fee_raw.get("charged"), bool):
            basis = fee_raw.get("basis")
            fee = Fee(fee_raw["charged"], basis if isinstance(basis, str) and basis else None)
        return cls(
            visits=as_int(values.get("visits")),
            onsite_reason=as_str(values.get("onsite_reason")),
            promised_limit=Limit.parse(values.get("promised_limit")),
            case_type=as_str(values.get("case_type")),
            online_depth=as_int(online.get("depth")),
            mobile=as_bool(online.get("mobile")),
            online_available=online_available(online),
            express=as_bool(values.get("express")),
            reach=as_str(values.get("reach")),
            annual_cases=as_int(values.get("annual_cases")),
            fee=fee,
            raw_materials=values.get("materials", ()),
        )


def online_available(online: Mapping[str, Any]) -> bool | None:
    """可网办 from an ``online`` mapping: ``available`` when it is a boolean, else derived
    from the depth (Ⅲ or Ⅳ: yes; 0 to Ⅱ: no), else unknown — never "no" for lack of data."""
    stated = online.get("available")
    if isinstance(stated, bool):
        return stated
    depth = as_int(online.get("depth"))
    if depth is None:
        return None
    return depth >= 3


LayerKind = Literal["basic", "province", "city", "file", "entry"]


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer's raw values for an entry, and where they are written."""

    kind: LayerKind
    values: Mapping[str, Any]
    src: Source


@dataclass(slots=True)
class Item:
    """A handling item (办理项): the finest unit a citizen applies for."""

    code: str  # short code, e.g. "01"
    full_code: str
    name: str | None
    situation: dict[str, str]
    facts: Facts
    values: dict[str, Any]
    generated: bool
    src: Source


@dataclass(slots=True)
class Entry:
    """One matter as a region implements it: the effective record after all layers."""

    region: str
    code: str
    department: str
    facts: Facts
    items: list[Item]
    values: dict[str, Any]  # merged raw values (what the facts were read from)
    src: Source  # the entry in the region's own file
    layers: list[Layer]  # the raw layers, lowest first (for the layer rules)
    # Provenance is worked out only when asked for (a finding, ``show``): most entries
    # never need it, and tracking it during every merge would double the cost.
    tracer: Callable[[], dict[Pointer, Source]] | None = None
    traced: dict[Pointer, Source] | None = None
    # The implementing agency (实施主体): the entry's own ``agency``, else the file's
    # ``department``. An entry is identified by (region, agency, code).
    agency: str = ""
    agency_uscc: str | None = None  # the entry's own, else the file's
    implementation_code: str | None = None  # 实施编码, as written

    @property
    def key(self) -> tuple[str, str, str]:
        """The entry's identity: (region, agency, basic code)."""
        return (self.region, self.agency, self.code)

    @property
    def provenance(self) -> dict[Pointer, Source]:
        """Which file and place set each merged value (pointers use record keys)."""
        if self.traced is None:
            self.traced = self.tracer() if self.tracer is not None else {}
        return self.traced

    @property
    def visits(self) -> int | None:
        """Effective visits: the maximum over items when there are items."""
        if self.items:
            counts = [i.facts.visits for i in self.items]
            if any(c is None for c in counts):
                return None
            return max(c for c in counts if c is not None)
        return self.facts.visits

    def origin(self, *pointer: str | int) -> Source:
        """Where the value at ``pointer`` was set (nearest recorded ancestor)."""
        return origin_of(self.provenance, tuple(pointer), self.src)


def origin_of(prov: Mapping[Pointer, Source], pointer: Pointer, fallback: Source) -> Source:
    """The source recorded for ``pointer`` or its nearest ancestor, else ``fallback``."""
    p = pointer
    while p:
        if p in prov:
            return prov[p]
        p = p[:-1]
    return fallback


@dataclass(frozen=True, slots=True)
class Member:
    """A member matter of a bundle: a basic code or a full handling-item code."""

    code: str
    required: bool
    src: Source


@dataclass(slots=True)
class Bundle:
    """A 一件事: several matters a citizen or company needs for one life event."""

    code: str
    name: str
    lifecycle: str
    stage: str
    lead_department: str
    departments: tuple[str, ...]
    members: list[Member]
    regions: tuple[str, ...] | None  # None: every region implementing all required members
    joint: bool
    facts: Facts
    src: Source


@dataclass(slots=True)
class ImplFile:
    """One implementation (or defaults) file: region, department, file defaults, entries."""

    kind: Literal["implementation", "defaults"]
    folder: str
    region: str | None
    department: str | None
    agency_uscc: str | None
    defaults: dict[str, Any]
    entries: list[tuple[dict[str, Any], Source]]
    doc: Document


@dataclass(slots=True)
class Catalogue:
    """Everything loaded from one catalogue directory."""

    root: Path
    manifest: Manifest | None = None
    regions: dict[str, Region] = field(default_factory=dict)
    retired: dict[str, RetiredRegion] = field(default_factory=dict)
    basic: dict[str, BasicMatter] = field(default_factory=dict)
    basic_dupes: list[tuple[BasicMatter, BasicMatter]] = field(default_factory=list)
    impl_files: dict[str, list[ImplFile]] = field(default_factory=dict)
    defaults: dict[str, list[ImplFile]] = field(default_factory=dict)
    bundles: list[Bundle] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    io_errors: int = 0
    # the first error of each file that could not be read at all (its entries are missing)
    unparsed: list[Finding] = field(default_factory=list)
    sample: bool = False
    folders: set[str] = field(default_factory=set)
    # defaults entries by folder and code, built on first use by resolve
    defaults_index: (
        dict[str, dict[str, list[tuple[ImplFile, Mapping[str, Any], Source]]]] | None
    ) = None
    # the basic layer of each matter, built on first use by resolve
    basic_layers: dict[str, tuple[BasicMatter, Mapping[str, Any]]] = field(default_factory=dict)
    # (code, city) → the layers above a county's own files and their merge, built on
    # first use by a bulk resolve (resolve_region): the same for every county of a city;
    # only the current city's merges are kept
    above: dict[tuple[str, str], tuple[tuple[Layer, ...], dict[str, Any]]] = field(
        default_factory=dict
    )

    @property
    def profile(self) -> CodeProfile:
        return self.manifest.profile if self.manifest else ZHEJIANG

    @property
    def name(self) -> str:
        return self.manifest.name if self.manifest else self.root.name

    def region_folders(self) -> list[str]:
        """Region folders with implementation lists (known from the file plan even when
        their files are not loaded, as in a region-by-region run)."""
        return sorted(self.folders) if self.folders else sorted(self.impl_files)

    def defaults_files(self) -> Iterator[ImplFile]:
        """Every ``_defaults*`` file (part of the catalogue-wide context)."""
        for folder in sorted(self.defaults):
            yield from self.defaults[folder]

    def region_files(self, folder: str) -> list[ImplFile]:
        """The implementation lists of one region folder (loaded)."""
        return self.impl_files.get(folder, [])

    def iter_basic(self) -> Iterator[BasicMatter]:
        return iter(self.basic.values())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_int(value: Any) -> int | None:
    """An integer value as written (a whole float too); ``None`` for anything else."""
    if _is_int(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_str(value: Any) -> str | None:
    """A text value; ``None`` for anything else."""
    return value if isinstance(value, str) else None


def as_bool(value: Any) -> bool | None:
    """A boolean value; ``None`` for anything else."""
    return value if isinstance(value, bool) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
