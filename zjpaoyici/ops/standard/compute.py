"""The norm of every matter's elements among the regions implementing it at one level,
each region's deviations from it with their locations, and the standardisation index.

Two passes over the regions, both through the runner: the first keeps only per-matter
tallies (value → regions), which give the norms; the second (served from the cache the
first filled) counts the deviations and, when they are asked for, lists them. No pass
holds more than one region's entries.

A region's task records where each value is written as a file and a pointer, not a line:
lines need the file read again with positions, which costs more than the whole fast
read; only the files of listed deviations are, once each.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from zjpaoyici.catalogue.fields import LEVELS, kept
from zjpaoyici.catalogue.load import load_global
from zjpaoyici.catalogue.model import Catalogue, Entry
from zjpaoyici.catalogue.paths import display_path, plan_files, root_relative
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.files.reader import DEFAULT_LIMITS, Limits, Pointer, relocate
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.ops.codec import CodecError
from zjpaoyici.ops.standard.elements import (
    COMPARED_ELEMENTS,
    VALUE,
    direction,
    field_of,
    key_of,
    rank,
)
from zjpaoyici.rules.registry import unread_files
from zjpaoyici.runner.cache import Cache
from zjpaoyici.runner.engine import RegionRunner

GroupBy = Literal["department", "region", "level"]
GROUP_BYS: tuple[GroupBy, ...] = ("department", "region", "level")
# a file (root-relative) and the pointer of a value in it
Where = tuple[str, Pointer]
# (region, code, department, element → (value, where it is set))
RegionEntry = tuple[str, str, str, dict[str, tuple[Any, Where]]]
Locate = Callable[[Where], Loc]


@dataclass(slots=True)
class RegionValues:
    """One region's compared values, entry by entry."""

    entries: list[RegionEntry]
    unread: list[str] = field(default_factory=list)
    # materials of an entry (region, code) written otherwise than normalised: a
    # normalised name → the names written for it
    names: dict[tuple[str, str], dict[str, list[str]]] = field(default_factory=dict)


def _where(entry: Entry, name: str, files: dict[str, int]) -> list[Any]:
    """Where the region's effective value of ``name`` is written — the last layer that
    writes the field (the region's own file, a city's or the province's defaults) — as
    the file's number in ``files`` and the pointer."""
    src = entry.src
    sub: tuple[str, ...] = ()
    for layer in reversed(entry.layers):
        if layer.kind != "basic" and name in layer.values:
            src, sub = layer.src, (name,)
            break
    number = files.setdefault(src.doc.display, len(files))
    return [number, *src.pointer, *sub]


@dataclass(frozen=True, slots=True)
class StandardTask:
    """The engine task behind ``standard``: one region's compared values, compactly (a
    province's regions are read from the cache twice per run)."""

    elements: tuple[str, ...]

    @property
    def key(self) -> tuple[Any, ...]:
        return ("standard", list(self.elements))

    def run(self, cat: Catalogue, folder: str, reading: list[Finding], files: int) -> Any:
        entries = []
        numbers: dict[str, int] = {}
        for entry in resolve_region(cat, folder):
            values = {}
            for name in self.elements:
                value = VALUE[name](entry)
                if value is None:
                    continue
                written = None
                if name == "materials":
                    value, written = value
                values[name] = [value, _where(entry, field_of(name), numbers)]
                if written:  # materials named otherwise than normalised
                    values[name].append(written)
            entries.append([entry.region, entry.code, entry.department, values])
        return {"entries": entries, "files": list(numbers), "unread": unread_files(reading)}

    def decode(self, data: Any) -> RegionValues:
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise CodecError("standard: not a region's values")
        files = data.get("files")
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise CodecError("standard: malformed file list")
        elements = set(self.elements)
        out: list[RegionEntry] = []
        names: dict[tuple[str, str], dict[str, list[str]]] = {}
        for rec in data["entries"]:
            if not (isinstance(rec, list) and len(rec) == 4 and isinstance(rec[3], dict)):
                raise CodecError("standard: malformed entry")
            region, code, dept, values = rec
            if not (type(region) is str and type(code) is str and type(dept) is str):
                raise CodecError("standard: malformed entry")
            if not elements.issuperset(values):
                raise CodecError("standard: unknown element")
            placed: dict[str, tuple[Any, Where]] = {}
            for name, pair in values.items():
                place = pair[1] if type(pair) is list and len(pair) in (2, 3) else None
                if not (type(place) is list and place and type(place[0]) is int):
                    raise CodecError("standard: malformed place")
                if not 0 <= place[0] < len(files):
                    raise CodecError("standard: file out of range")
                placed[name] = (pair[0], (files[place[0]], tuple(place[1:])))
                if len(pair) == 3:
                    if not isinstance(pair[2], dict):
                        raise CodecError("standard: malformed names")
                    names[(region, code)] = pair[2]
            out.append((region, code, dept, placed))
        unread = data.get("unread", [])
        if not isinstance(unread, list) or not all(isinstance(u, str) for u in unread):
            raise CodecError("standard: malformed unread list")
        return RegionValues(out, unread, names)


# --- results -------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """One element of one matter at one level: regions per value (by equality key)."""

    counts: dict[bytes, int] = field(default_factory=dict)
    values: dict[bytes, Any] = field(default_factory=dict)  # key → the first value seen

    @property
    def known(self) -> int:
        return sum(self.counts.values())


@dataclass(slots=True)
class ElementNorm:
    """The norm of one element: the value most regions give, how many give it, how many
    give any; for a time limit also the median and the best quarter's value (标杆)."""

    element: str
    norm: Any
    share: int
    known: int
    median: float | None = None
    best: float | None = None
    # materials: a normalised name → the names as written, where they differ
    names: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class Deviation:
    """A region whose value of an element differs from the norm, and where it is set."""

    level: str
    code: str
    region: str
    element: str
    value: Any
    norm: Any
    direction: int  # 1 worse for the citizen, -1 better, 0 no order
    loc: Loc


@dataclass(slots=True)
class Figure:
    """Pairs of (region, element) compared and how many equal the norm."""

    key: str
    pairs: int = 0
    equal: int = 0
    deviations: int = 0
    matters: int = 0

    @property
    def index(self) -> float | None:
        """The share of pairs equal to the norm (``None``: nothing compared)."""
        return self.equal / self.pairs if self.pairs else None

    @property
    def percent(self) -> float | None:
        """The index in percent, rounded to one decimal (as every output shows it)."""
        return None if self.index is None else round(100 * self.index, 1)


@dataclass(slots=True)
class MatterNorms:
    """One matter at one level: its norms, index and deviations."""

    level: str
    code: str
    name: str
    department: str
    regions: int
    elements: list[ElementNorm]
    figure: Figure
    deviations: list[Deviation] = field(default_factory=list)  # when asked for
    deviating: dict[str, int] = field(default_factory=dict)  # element → deviations
    region_codes: list[str] = field(default_factory=list)  # the regions implementing it


@dataclass(slots=True)
class StandardResult:
    matters: list[MatterNorms]  # worst first
    total: Figure
    groups: dict[str, list[Figure]]  # department / region / level
    region_names: dict[str, str]
    fail_under: float | None = None
    unread: list[str] = field(default_factory=list)

    @property
    def deviations(self) -> Iterator[Deviation]:
        for matter in self.matters:
            yield from matter.deviations

    @property
    def failed(self) -> bool:
        index = self.total.index
        return self.fail_under is not None and index is not None and index < self.fail_under


# --- computing -----------------------------------------------------------------------


def _level_of(cat: Catalogue) -> Callable[[str], str]:
    def level(region: str) -> str:
        known = cat.regions.get(region)
        return known.level if known is not None else "unknown"

    return level


def _firsts(values: RegionValues) -> Iterator[RegionEntry]:
    """A region's entries, the first of each code only (another agency implementing the
    same matter in the region is not another region)."""
    seen: set[tuple[str, str]] = set()
    for entry in values.entries:
        if (entry[0], entry[1]) not in seen:
            seen.add((entry[0], entry[1]))
            yield entry


def _norm_key(name: str, tally: Tally) -> bytes:
    """The most common value; a tie goes to the value better for the citizen, then to
    the first in key order (the same in every run)."""

    def order(key: bytes) -> tuple[Any, ...]:
        r = rank(name, tally.values[key])
        return (-tally.counts[key], r if r is not None else (), key)

    return min(tally.counts, key=order)


def _quantile(pairs: list[tuple[float, int]], q: float) -> float:
    """The ``q`` quantile of values given with their counts (lower value first)."""
    total = sum(n for _, n in pairs)
    expanded = sorted(v for v, n in pairs for _ in range(n))
    if q == 0.5 and total % 2 == 0:
        return (expanded[total // 2 - 1] + expanded[total // 2]) / 2
    return expanded[min(total - 1, int(q * total))]


def _element_norm(name: str, tally: Tally, names: dict[str, set[str]]) -> ElementNorm:
    key = _norm_key(name, tally)
    norm = ElementNorm(name, tally.values[key], tally.counts[key], tally.known)
    if name == "limits":
        days = [(tally.values[k][0], n) for k, n in tally.counts.items()]
        norm.median = _quantile(days, 0.5)
        norm.best = _quantile(days, 0.25)
    if name == "materials":
        norm.names = {k: sorted(v) for k, v in sorted(names.items()) if len(v) > 1}
    return norm


@dataclass(slots=True)
class _Group:
    regions: int = 0
    last: str = ""
    department: str = ""
    tallies: dict[str, Tally] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)


def compute_standard(
    cat: Catalogue,
    results: Callable[[], Iterable[tuple[str, RegionValues]]],
    *,
    matter: str | None = None,
    fail_under: float | None = None,
    locate: Locate | None = None,
) -> StandardResult:
    """Norms, deviations and index from ``results`` (called twice: each call runs over
    every region again; see the module doc). ``matter``: one matter code only;
    ``locate``: list every deviation, located by it (without it, only counted)."""
    level_of = _level_of(cat)
    groups: dict[tuple[str, str], _Group] = {}
    unread: set[str] = set()
    for _, values in results():
        unread.update(values.unread)
        for region, code, dept, placed in _firsts(values):
            if matter is not None and code != matter:
                continue
            group = groups.setdefault((level_of(region), code), _Group())
            if group.last != region:
                group.regions += 1
                group.last = region
            group.department = group.department or dept
            for name, (value, _) in placed.items():
                tally = group.tallies.setdefault(name, Tally())
                key = key_of(name, value)
                tally.counts[key] = tally.counts.get(key, 0) + 1
                if key not in tally.values:
                    tally.values[key] = value
                if name == "materials":
                    for norm_name, written in values.names.get((region, code), {}).items():
                        group.names.setdefault(norm_name, {norm_name}).update(written)
    # the compared groups: two regions or more; their elements given by two or more
    matters: dict[tuple[str, str], MatterNorms] = {}
    norm_keys: dict[tuple[str, str], dict[str, bytes]] = {}
    for (level, code), group in groups.items():
        if group.regions < 2:
            continue
        basic = cat.basic.get(code)
        elements = [
            _element_norm(name, group.tallies[name], group.names)
            for name in COMPARED_ELEMENTS
            if name in group.tallies and group.tallies[name].known >= 2
        ]
        figure = Figure(code, matters=1)
        for norm in elements:
            figure.pairs += norm.known
            figure.equal += norm.share
        figure.deviations = figure.pairs - figure.equal
        matters[(level, code)] = MatterNorms(
            level,
            code,
            basic.name if basic is not None else code,
            basic.department if basic is not None else group.department,
            group.regions,
            elements,
            figure,
        )
        norm_keys[(level, code)] = {
            n.element: _norm_key(n.element, group.tallies[n.element]) for n in elements
        }
    groups.clear()
    by_region: dict[str, Figure] = {}
    for _, values in results():
        for region, code, _, placed in _firsts(values):
            at = (level_of(region), code)
            if at not in matters:
                continue
            found, norms = matters[at], norm_keys[at]
            fig = by_region.setdefault(region, Figure(region))
            fig.matters += 1
            found.region_codes.append(region)
            for norm in found.elements:
                if norm.element not in placed:
                    continue
                value, where = placed[norm.element]
                fig.pairs += 1
                if key_of(norm.element, value) == norms[norm.element]:
                    fig.equal += 1
                    continue
                fig.deviations += 1
                found.deviating[norm.element] = found.deviating.get(norm.element, 0) + 1
                if locate is None:
                    continue
                found.deviations.append(
                    Deviation(
                        at[0],
                        code,
                        region,
                        norm.element,
                        value,
                        norm.norm,
                        direction(norm.element, value, norm.norm),
                        locate(where),
                    )
                )
    listed = sorted(matters.values(), key=_worst_first)
    return StandardResult(
        matters=listed,
        total=_sum("province", (m.figure for m in listed)),
        groups={
            "department": _rollup(listed, lambda m: m.department),
            "level": _rollup(listed, lambda m: m.level, order=list(LEVELS)),
            "region": sorted(by_region.values(), key=lambda f: f.key),
        },
        region_names={code: r.name for code, r in cat.regions.items()},
        fail_under=fail_under,
        unread=sorted(unread),
    )


def _worst_first(m: MatterNorms) -> tuple[Any, ...]:
    level = LEVELS.index(m.level) if m.level in LEVELS else len(LEVELS)
    return (m.figure.index, -m.figure.deviations, level, m.code)


def _sum(key: str, figures: Iterable[Figure]) -> Figure:
    out = Figure(key)
    for f in figures:
        out.pairs += f.pairs
        out.equal += f.equal
        out.deviations += f.deviations
        out.matters += f.matters
    return out


def _rollup(
    matters: list[MatterNorms], key: Callable[[MatterNorms], str], order: list[str] | None = None
) -> list[Figure]:
    parts: dict[str, list[Figure]] = {}
    for m in matters:
        parts.setdefault(key(m), []).append(m.figure)
    keys = sorted(parts, key=lambda k: (order.index(k) if order and k in order else 99, k))
    return [_sum(k, parts[k]) for k in keys]


def locator(root: Path, label: Callable[[Path], str], limits: Limits) -> Locate:
    """Line and column of a value from its file and pointer: the file read again with
    positions the first time one of its values is asked for (a few hundred files kept)."""
    files: dict[str, dict[Pointer, tuple[int, int, int, int]]] = {}

    def locate(where: Where) -> Loc:
        name, pointer = where
        if name not in files:
            if len(files) >= 256:
                files.clear()
            files[name] = relocate(root / name, name, limits)[0]
        locs, shown = files[name], label(root / name)
        while pointer and pointer not in locs:
            pointer = pointer[:-1]
        if pointer not in locs:
            return Loc(shown, 1, 1)
        _, _, line, col = locs[pointer]
        return Loc(shown, line + 1, col + 1)

    return locate


def standard_of(
    root: Path,
    *,
    matter: str | None = None,
    fail_under: float | None = None,
    details: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    cache: Cache | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    label: Callable[[Path], str] = display_path,
) -> tuple[StandardResult, Catalogue]:
    """``standard`` on the catalogue at ``root``: its result and catalogue-wide context.
    ``details``: list every deviation with its location (labelled by ``label``), else
    count them only. Without a cache the first pass's region values are kept for the
    second (a run with ``--no-cache`` trades memory for time)."""
    plan = plan_files(root)
    # every file is named root-relative inside (the cache serves any working directory)
    # and by ``label`` in the result
    rel = root_relative(root)
    cat = load_global(root, plan, limits=limits, label=rel)
    task = StandardTask(tuple(n for n in COMPARED_ELEMENTS if kept(cat, n)))
    runner: RegionRunner[RegionValues] = RegionRunner(
        cat, plan, task, limits=limits, cache=cache, jobs=jobs, label=rel
    )
    kept_values: list[tuple[str, RegionValues]] | None = None if cache is not None else []
    passes = 0

    def results() -> Iterator[tuple[str, RegionValues]]:
        nonlocal passes
        passes += 1
        if kept_values is not None and passes > 1:
            yield from kept_values
            return
        for folder, values in runner.results(progress=progress if passes == 1 else None):
            values.unread = [label(cat.root / u) for u in values.unread]
            if kept_values is not None:
                kept_values.append((folder, values))
            yield folder, values

    # the passes build millions of small acyclic objects (decoded region values): the
    # collector's passes over everything alive would cost four times the work itself
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 200_000), max(thresholds[1], 50), thresholds[2])
    try:
        result = compute_standard(
            cat,
            results,
            matter=matter,
            fail_under=fail_under,
            locate=locator(cat.root, label, limits) if details else None,
        )
    finally:
        gc.set_threshold(*thresholds)
    result.unread = sorted(
        {*(label(cat.root / u) for u in unread_files(cat.findings)), *result.unread}
    )
    return result, cat
