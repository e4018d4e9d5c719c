"""The norm of every matter's elements among the regions implementing it at one level,
each region's deviations from it with their locations, and the standardisation index.

Two passes over the regions, both through the runner: the first keeps only per-matter
tallies (value → regions), which give the norms; the second, in forked workers (each
region read again from the cache the first filled), counts the deviations and, when
they are asked for, lists and locates them, handing back compact rows to merge. No pass
holds more than one region's entries (except ``--no-cache``: there the first pass's
values are kept for the second).

A region's task records where each value is written as a file and a pointer, not a line:
lines need the file read again with positions, which costs more than the whole fast
read; only the files of listed deviations are, once each.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from zjpaoyici.catalogue.fields import LEVELS, kept
from zjpaoyici.catalogue.load import load_global
from zjpaoyici.catalogue.model import Catalogue, Entry, Source
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
from zjpaoyici.runner.cache import Cache, digest
from zjpaoyici.runner.engine import RegionRunner, forked_map, total_size, workers_for

GroupBy = Literal["department", "region", "level"]
GROUP_BYS: tuple[GroupBy, ...] = ("department", "region", "level")
# a file (root-relative) and the pointer of a value in it
Where = tuple[str, Pointer]
Locate = Callable[[Where], Loc]


@dataclass(slots=True)
class RegionEntry:
    """One compared entry of a region: the first of its code there (another agency
    implementing the same matter in the region is not another region)."""

    region: str
    code: str
    department: str
    own: list[Any]  # the entry's record: [file number, *pointer]
    # per compared element (the task's order): the value's tally key (``tally_key``)
    # and its effective value as stored (``_loaded``); ``None``: not given
    keys: list[str | None]
    values: list[Any]
    places: dict[str, list[Any]]  # element → [file number, *pointer] where not in ``own``
    names: dict[str, list[str]] | None  # materials: a normalised name → names as written

    def where(self, element: str, files: list[str]) -> Where:
        """The file and pointer of the element's value (its own record's field unless
        written in a defaults record)."""
        place = self.places.get(element)
        if place is None:
            place = [*self.own, field_of(element)]
        return files[place[0]], tuple(place[1:])


@dataclass(slots=True)
class RegionValues:
    """One region's compared values, entry by entry."""

    entries: list[RegionEntry]
    files: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


_SHORT = 16  # a longer equality key is counted by its digest


def tally_key(name: str, exact: bytes) -> str:
    """What a value is counted and compared by: its equality key (``key_of``) when short,
    else a 128-bit digest of it (32 hex digits, never the length of a short key) —
    materials lists are long and, where regions drift apart, nearly all distinct. A
    limit's key (its length in working days) is always kept: its median needs it."""
    if len(exact) < _SHORT or name == "limits":
        return exact.decode()
    return hashlib.blake2b(exact, digest_size=_SHORT).hexdigest()


def _loaded(name: str, stored: Any) -> Any:
    """A value as the region values store it, as data: a materials list is stored as its
    equality key's text (one string to decode instead of a list of pairs, parsed only
    when a tie, the norm or a listed deviation needs it)."""
    return orjson.loads(stored) if name == "materials" else stored


def _exact_of(name: str, stored: Any) -> bytes:
    """The equality key of a stored value."""
    return stored.encode() if name == "materials" else key_of(name, stored)


def _file_number(files: dict[str, int], src: Source) -> int:
    return files.setdefault(src.doc.display, len(files))


def _place(entry: Entry, name: str, files: dict[str, int]) -> list[Any] | None:
    """Where the region's effective value of field ``name`` is written when not in the
    entry's own record — the last layer that writes it (a city's or the province's
    defaults, the file's), or the record itself without the field when none does."""
    for layer in reversed(entry.layers):
        if layer.kind != "basic" and name in layer.values:
            if layer.kind == "entry":
                return None
            return [_file_number(files, layer.src), *layer.src.pointer, name]
    return [_file_number(files, entry.src), *entry.src.pointer]


@dataclass(frozen=True, slots=True)
class StandardTask:
    """The engine task behind ``standard``: one region's compared values, compactly (a
    province's regions are read from the cache twice per run): the first entry of each
    code only, each value's place only where it is not the entry's own record."""

    elements: tuple[str, ...]

    @property
    def key(self) -> tuple[Any, ...]:
        return ("standard", 3, list(self.elements))

    def run(self, cat: Catalogue, folder: str, reading: list[Finding], files: int) -> Any:
        rows: list[list[Any]] = []
        at: dict[tuple[str, str], int] = {}
        numbers: dict[str, int] = {}
        for entry in resolve_region(cat, folder):
            first = at.setdefault((entry.region, entry.code), len(rows))
            if first < len(rows):  # a later agency: only its names as written count
                written = VALUE["materials"](entry) if "materials" in self.elements else None
                if written is not None and written[1]:
                    rows[first][-1] = written[1]
                continue
            keys: list[str | None] = []
            values: list[Any] = []
            places: dict[str, Any] = {}
            names = None
            for name in self.elements:
                value = VALUE[name](entry)
                if value is not None and name == "materials":
                    value, names = value[0], value[1] or None
                if value is None:
                    keys.append(None)
                    values.append(None)
                    continue
                exact = key_of(name, value)
                keys.append(tally_key(name, exact))
                values.append(exact.decode() if name == "materials" else value)
                place = _place(entry, field_of(name), numbers)
                if place is not None:
                    places[name] = place
            own = [_file_number(numbers, entry.src), *entry.src.pointer]
            rows.append(
                [entry.region, entry.code, entry.department, own, keys, values, places, names]
            )
        return {"entries": rows, "files": list(numbers), "unread": unread_files(reading)}

    def decode(self, data: Any) -> RegionValues:
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise CodecError("standard: not a region's values")
        files = data.get("files")
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise CodecError("standard: malformed file list")
        elements = set(self.elements)
        width = len(self.elements)
        out: list[RegionEntry] = []
        for rec in data["entries"]:
            region, code, dept, own, keys, values, places, names = rec
            if not (type(region) is str and type(code) is str and type(dept) is str):
                raise CodecError("standard: malformed entry")
            if not (
                type(keys) is list
                and type(values) is list
                and len(keys) == len(values) == width
                and type(places) is dict
                and elements >= places.keys()
            ):
                raise CodecError("standard: malformed values")
            for place in (own, *places.values()):
                if not (type(place) is list and place and 0 <= place[0] < len(files)):
                    raise CodecError("standard: malformed place")
            if names is not None and type(names) is not dict:
                raise CodecError("standard: malformed names")
            out.append(RegionEntry(region, code, dept, own, keys, values, places, names))
        unread = data.get("unread", [])
        if not isinstance(unread, list) or not all(isinstance(u, str) for u in unread):
            raise CodecError("standard: malformed unread list")
        return RegionValues(out, files, unread)


# --- results -------------------------------------------------------------------------


def _exact(name: str, seen: list[Any]) -> bytes:
    """The equality key of a tally's candidate ``[rank, tally key, value, key]``, made
    when first needed (only ties on rank need it)."""
    if seen[3] is None:
        seen[3] = _exact_of(name, seen[2])
    key: bytes = seen[3]
    return key


@dataclass(slots=True)
class Tally:
    """One element of one matter at one level: regions per value, in memory that does
    not grow with each region's values — counts by tally key (``tally_key``), the first
    value of each short key, and for each count n the best value seen n times or more
    (the norm is the best of those seen most often: ``_norm``)."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, Any] = field(default_factory=dict)  # short key → first value seen
    # best[n - 1]: [rank, tally key, value, equality key or None] of the value better
    # for the citizen, then first in key order, among the values seen n times or more
    best: list[list[Any]] = field(default_factory=list)
    known: int = 0

    def add(self, name: str, key: str, value: Any) -> None:
        """Count a region's value (as stored: ``_loaded``) under its tally key."""
        n = self.counts.get(key, 0) + 1
        self.counts[key] = n
        self.known += 1
        if n == 1 and (len(key) < _SHORT or name == "limits"):
            self.first[key] = value
        best = self.best
        if n > 1 and best[n - 2][1] == key:  # the best one level down, seen once more
            seen = best[n - 2]
        else:
            r = rank(name, _loaded(name, value))
            seen = [r if r is not None else (), key, value, None]
        if n > len(best):
            best.append(seen)
            return
        here = best[n - 1]
        if seen[0] < here[0] or (
            seen[0] == here[0] and here is not seen and _exact(name, seen) < _exact(name, here)
        ):
            best[n - 1] = seen


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


def _norm(tally: Tally) -> tuple[str, Any, int]:
    """The most common value (tally key, value, regions); a tie goes to the value
    better for the citizen, then to the first in key order (the same in every run)."""
    _, key, value, _ = tally.best[-1]
    return key, tally.first.get(key, value), len(tally.best)


def _quantile(pairs: list[tuple[float, int]], q: float) -> float:
    """The ``q`` quantile of values given with their counts (lower value first)."""
    total = sum(n for _, n in pairs)
    expanded = sorted(v for v, n in pairs for _ in range(n))
    if q == 0.5 and total % 2 == 0:
        return (expanded[total // 2 - 1] + expanded[total // 2]) / 2
    return expanded[min(total - 1, int(q * total))]


def _element_norm(name: str, tally: Tally, names: dict[str, set[str]]) -> ElementNorm:
    _, value, share = _norm(tally)
    norm = ElementNorm(name, _loaded(name, value), share, tally.known)
    if name == "limits":
        days = [(orjson.loads(k), n) for k, n in tally.counts.items()]
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
    elements: tuple[str, ...],
    results: Iterable[tuple[str, RegionValues]],
    compare: Callable[[Compared], Iterable[list[Any]]],
    *,
    matter: str | None = None,
    listed: bool = False,
) -> StandardResult:
    """Norms, deviations and index: the norms from ``results`` (every region's values,
    giving ``elements`` in this order), then the regions compared with them by
    ``compare`` (each region's ``_compared`` rows, in folder order: see the module doc).
    ``matter``: one matter code only; ``listed``: ``compare`` lists the deviations."""
    level_of = _level_of(cat)
    groups: dict[tuple[str, str], _Group] = {}
    unread: set[str] = set()
    materials = elements.index("materials") if "materials" in elements else None
    for _, values in results:
        unread.update(values.unread)
        for entry in values.entries:
            if matter is not None and entry.code != matter:
                continue
            at = (level_of(entry.region), entry.code)
            group = groups.get(at)
            if group is None:
                group = groups[at] = _Group()
            if group.last != entry.region:
                group.regions += 1
                group.last = entry.region
            group.department = group.department or entry.department
            tallies = group.tallies
            for name, key, value in zip(elements, entry.keys, entry.values, strict=True):
                if key is None:
                    continue
                tally = tallies.get(name)
                if tally is None:
                    tally = tallies[name] = Tally()
                tally.add(name, key, value)
            if entry.names and materials is not None and entry.keys[materials] is not None:
                for norm_name, written in entry.names.items():
                    group.names.setdefault(norm_name, {norm_name}).update(written)
    # the compared groups: two regions or more; their elements given by two or more
    matters: dict[tuple[str, str], MatterNorms] = {}
    # per group: (the element's place in the region values, its norm's tally key, norm)
    norm_keys: dict[tuple[str, str], list[tuple[int, str, ElementNorm]]] = {}
    for (level, code), group in groups.items():
        if group.regions < 2:
            continue
        basic = cat.basic.get(code)
        norms = [
            _element_norm(name, group.tallies[name], group.names)
            for name in COMPARED_ELEMENTS
            if name in group.tallies and group.tallies[name].known >= 2
        ]
        figure = Figure(code, matters=1)
        for norm in norms:
            figure.pairs += norm.known
            figure.equal += norm.share
        figure.deviations = figure.pairs - figure.equal
        matters[(level, code)] = MatterNorms(
            level,
            code,
            basic.name if basic is not None else code,
            basic.department if basic is not None else group.department,
            group.regions,
            norms,
            figure,
        )
        norm_keys[(level, code)] = [
            (elements.index(n.element), _norm(group.tallies[n.element])[0], n) for n in norms
        ]
    groups.clear()
    by_region: dict[str, Figure] = {}
    for rows in compare((level_of, norm_keys, listed)):
        for level, code, region, pairs, equal, deviating, deviations in rows:
            found = matters[(level, code)]
            fig = by_region.get(region)
            if fig is None:
                fig = by_region[region] = Figure(region)
            fig.matters += 1
            fig.pairs += pairs
            fig.equal += equal
            fig.deviations += len(deviating)
            found.region_codes.append(region)
            for element in deviating:
                found.deviating[element] = found.deviating.get(element, 0) + 1
            if deviations:
                norm_of = {n.element: n.norm for n in found.elements}
                found.deviations.extend(
                    Deviation(level, code, region, e, v, norm_of[e], d, Loc(*loc))
                    for e, v, d, loc in deviations
                )
    return _result(
        sorted(matters.values(), key=_worst_first),
        sorted(by_region.values(), key=lambda f: f.key),
        sorted(unread),
    )


# What compares a region with the norms: the level of a region, per compared matter
# (level, code) its norms with their places and tally keys, whether deviations are listed
Compared = tuple[
    Callable[[str], str], dict[tuple[str, str], list[tuple[int, str, ElementNorm]]], bool
]
# What forked workers inherit for the second pass: where a region's values come from,
# the comparison and how to locate a deviation
_COMPARING: tuple[Callable[[str], RegionValues | None], Compared, Locate | None] | None = None


def _compared(folder: str) -> list[list[Any]]:
    """One region compared with the norms (in a worker): per compared entry its matter,
    region, pairs, pairs equal to the norm, deviating elements and, when listed, each
    deviation as [element, value, direction, (file, line, column)]."""
    assert _COMPARING is not None
    values_of, (level_of, norm_keys, listed), locate = _COMPARING
    values = values_of(folder)
    rows: list[list[Any]] = []
    if values is None:
        return rows
    for entry in values.entries:
        level = level_of(entry.region)
        norms = norm_keys.get((level, entry.code))
        if norms is None:
            continue
        pairs = equal = 0
        deviating: list[str] = []
        deviations: list[list[Any]] = []
        for i, norm_key, norm in norms:
            key = entry.keys[i]
            if key is None:
                continue
            pairs += 1
            if key == norm_key:
                equal += 1
                continue
            deviating.append(norm.element)
            if listed and locate is not None:
                value = _loaded(norm.element, entry.values[i])
                loc = locate(entry.where(norm.element, values.files))
                deviations.append(
                    [
                        norm.element,
                        value,
                        direction(norm.element, value, norm.norm),
                        (loc.file, loc.line, loc.col),
                    ]
                )
        rows.append([level, entry.code, entry.region, pairs, equal, deviating, deviations])
    return rows


def _result(matters: list[MatterNorms], regions: list[Figure], unread: list[str]) -> StandardResult:
    """The result from its matters (worst first) and regions: the totals and the
    department and level roll-ups derived from them."""
    return StandardResult(
        matters=matters,
        total=_sum("province", (m.figure for m in matters)),
        groups={
            "department": _rollup(matters, lambda m: m.department),
            "level": _rollup(matters, lambda m: m.level, order=list(LEVELS)),
            "region": regions,
        },
        region_names={},
        unread=unread,
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


def locator(root: Path, limits: Limits) -> Locate:
    """Line and column of a value from its file and pointer (the file named root-relative
    as the pointer gives it): the file read again with positions the first time one of
    its values is asked for (a few hundred files kept)."""
    files: dict[str, dict[Pointer, tuple[int, int, int, int]]] = {}

    def locate(where: Where) -> Loc:
        name, pointer = where
        if name not in files:
            if len(files) >= 256:
                files.clear()
            files[name] = relocate(root / name, name, limits)[0]
        locs = files[name]
        while pointer and pointer not in locs:
            pointer = pointer[:-1]
        if pointer not in locs:
            return Loc(name, 1, 1)
        _, _, line, col = locs[pointer]
        return Loc(name, line + 1, col + 1)

    return locate


# --- the whole result, cached ----------------------------------------------------------


def encode_result(result: StandardResult) -> Any:
    """``result`` as JSON data, files named root-relative (the totals, the department
    and level roll-ups and each deviation's norm are derived again when decoded)."""
    return {
        "matters": [
            [
                m.level,
                m.code,
                m.name,
                m.department,
                m.regions,
                [
                    [n.element, n.norm, n.share, n.known, n.median, n.best, n.names]
                    for n in m.elements
                ],
                [m.figure.pairs, m.figure.equal, m.figure.deviations],
                [
                    [d.region, d.element, d.value, d.direction, d.loc.file, d.loc.line, d.loc.col]
                    for d in m.deviations
                ],
                m.deviating,
                m.region_codes,
            ]
            for m in result.matters
        ],
        "regions": [
            [f.key, f.pairs, f.equal, f.deviations, f.matters] for f in result.groups["region"]
        ],
        "unread": result.unread,
    }


def decode_result(data: Any) -> StandardResult:
    """The result ``encode_result`` stored (anything malformed raises)."""
    matters = []
    for level, code, name, dept, regions, norms, pairs, devs, deviating, codes in data["matters"]:
        elements = [ElementNorm(*n) for n in norms]
        by_element = {n.element: n for n in elements}
        compared, equal, deviating_pairs = pairs
        figure = Figure(code, compared, equal, deviating_pairs, 1)
        deviations = [
            Deviation(level, code, r, e, v, by_element[e].norm, d, Loc(f, line, col))
            for r, e, v, d, f, line, col in devs
        ]
        matters.append(
            MatterNorms(
                level, code, name, dept, regions, elements, figure, deviations, deviating, codes
            )
        )
    return _result(matters, [Figure(*f) for f in data["regions"]], list(data["unread"]))


def _result_key(runner: RegionRunner[Any], task: StandardTask, *options: Any) -> str | None:
    """The cache key of a whole result: every region's key (each holds the tool's code,
    the limits and every catalogue-wide file), the task and ``options``; ``None`` when a
    file could not be read (then nothing is cached)."""
    keys = sorted(runner.keys.items())
    if any(k is None for _, k in keys):
        return None
    return digest("standard-result", keys, list(task.key), *options)


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
    count them only. A warm run is one cache lookup: the whole result is stored under
    the keys of every region. Without a cache the first pass's region values are kept
    for the second (a run with ``--no-cache`` trades memory for time)."""
    plan = plan_files(root)
    # every file is named root-relative inside (the cache serves any working directory)
    # and by ``label`` in the result
    rel = root_relative(root)
    cat = load_global(root, plan, limits=limits, label=rel)
    task = StandardTask(tuple(n for n in COMPARED_ELEMENTS if kept(cat, n)))
    runner: RegionRunner[RegionValues] = RegionRunner(
        cat, plan, task, limits=limits, cache=cache, jobs=jobs, label=rel
    )
    whole = _result_key(runner, task, matter, details) if cache is not None else None
    result = cache.get(whole, decode_result) if cache is not None and whole else None
    if result is None:
        result = _computed(
            cat, runner, task.elements, matter, details, limits, cache is None, progress
        )
        if cache is not None and whole:
            cache.put(whole, encode_result(result))
    shown: dict[str, str] = {}

    def relabel(name: str) -> str:
        if name not in shown:
            shown[name] = label(cat.root / name)
        return shown[name]

    for dev in result.deviations:
        dev.loc = Loc(relabel(dev.loc.file), dev.loc.line, dev.loc.col)
    result.region_names = {code: r.name for code, r in cat.regions.items()}
    result.fail_under = fail_under
    result.unread = sorted(
        {*(relabel(u) for u in unread_files(cat.findings)), *(relabel(u) for u in result.unread)}
    )
    return result, cat


def _computed(
    cat: Catalogue,
    runner: RegionRunner[RegionValues],
    elements: tuple[str, ...],
    matter: str | None,
    details: bool,
    limits: Limits,
    keep: bool,
    progress: Callable[[int, int], None] | None,
) -> StandardResult:
    """The result from the regions' values, in two passes (``keep``: the first pass's
    values kept for the second, when there is no cache to read them from again)."""
    kept_values: dict[str, RegionValues] | None = {} if keep else None

    def first() -> Iterator[tuple[str, RegionValues]]:
        for folder, values in runner.results(progress=progress):
            if kept_values is not None:
                kept_values[folder] = values
            yield folder, values

    def values_of(folder: str) -> RegionValues | None:
        if kept_values is not None:
            return kept_values.get(folder)
        return next((values for _, values in runner.results([folder])), None)

    def compare(comparing: Compared) -> Iterator[list[Any]]:
        """The second pass in forked workers (they read the cache and locate deviations
        themselves: this process only merges their compact rows)."""
        global _COMPARING
        _COMPARING = (values_of, comparing, locator(cat.root, limits) if details else None)
        folders = sorted(runner.regions)
        size = total_size(p for f in folders for p, _, _ in runner.regions[f])
        gc.freeze()  # forked workers then touch (copy) no page of what is alive here
        try:
            yield from forked_map(_compared, folders, workers_for(runner.jobs, len(folders), size))
        finally:
            gc.unfreeze()

    # the passes build millions of small acyclic objects (decoded region values): the
    # collector's passes over everything alive would cost four times the work itself
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 200_000), max(thresholds[1], 50), thresholds[2])
    try:
        return compute_standard(cat, elements, first(), compare, matter=matter, listed=details)
    finally:
        gc.set_threshold(*thresholds)
