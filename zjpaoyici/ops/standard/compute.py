"""The norm of every matter's elements among the regions implementing it at one level,
each region's deviations from it with their locations, and the standardisation index.

The first pass runs through the runner's workers, which read (or compute and cache) each
region's values and hand back only what it adds to the tallies: each value as one
counted key. This process adds those up and keeps, per region, references to the
counted keys (one string per distinct value, a machine word per value), from which the
norms and every figure follow without reading a region again. Only when deviations are
listed does a second pass, in forked workers, read the regions off the norm again from
the cache and list and locate their deviations. No process holds more than one region's
entries (except ``--no-cache``: there the values are kept for the second pass).

A region's task records where each value is written as a file and a pointer, not a line:
lines need the file read again with positions, which costs more than the whole fast
read; only the files of listed deviations are, once each.
"""

from __future__ import annotations

import gc
import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress
from pathlib import Path
from typing import Any, Literal, NamedTuple

import orjson

from zjpaoyici.catalogue.fields import BY_NAME, LEVELS, kept
from zjpaoyici.catalogue.load import load_global
from zjpaoyici.catalogue.model import Catalogue, Layer, Source
from zjpaoyici.catalogue.paths import display_path, plan_files, root_relative
from zjpaoyici.catalogue.resolve import FieldValues, resolve_fields
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


# A region entry as stored: the fields of ``RegionEntry`` in order
Row = list[Any]


@dataclass(slots=True)
class RegionValues:
    """One region's compared values, entry by entry, as stored (rows, each made a
    ``RegionEntry`` only when a region is read off the norm)."""

    rows: list[Row]
    files: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    @property
    def entries(self) -> Iterator[RegionEntry]:
        return (RegionEntry(*row) for row in self.rows)


_SHORT = 16  # a longer equality key is counted by its digest


def tally_key(name: str, exact: bytes, value: Any) -> str:
    """What a value is counted and compared by: its equality key (``key_of``) when short,
    else its rank for the citizen (``rank``, as JSON) and a 128-bit digest of the key
    after a ``#`` (never the length of a short key) — materials lists are long and, where
    regions drift apart, nearly all distinct; the rank lets a tie be settled from the key
    alone. A limit's key (its length in working days) is always kept: its median needs
    it."""
    if len(exact) < _SHORT or name == "limits":
        return exact.decode()
    order = rank(name, value)
    head = orjson.dumps(order).decode() if order is not None else ""
    return f"{head}#{hashlib.blake2b(exact, digest_size=_SHORT).hexdigest()}"


def _key_rank(name: str, key: str) -> tuple[float, ...]:
    """The rank (``rank``; ``()``: no order) of the values counted under tally ``key``
    (each distinct rank and short key parsed once: a tie can span every region)."""
    if name != "limits" and len(key) >= _SHORT:
        return _head_rank(key.partition("#")[0])
    return _short_rank(name, key)


@lru_cache(maxsize=1024)
def _head_rank(head: str) -> tuple[float, ...]:
    return tuple(orjson.loads(head)) if head else ()


@lru_cache(maxsize=1 << 16)
def _short_rank(name: str, key: str) -> tuple[float, ...]:
    if name == "limits":
        return (orjson.loads(key),)
    order = rank(name, orjson.loads(key))
    return order if order is not None else ()


def _loaded(name: str, stored: Any) -> Any:
    """A value as the region values store it, as data: a materials list is stored as its
    equality key's text (one string to decode instead of a list of pairs, parsed only
    when the norm or a listed deviation needs it)."""
    return orjson.loads(stored) if name == "materials" else stored


def _file_number(files: dict[str, int], src: Source) -> int:
    return files.setdefault(src.doc.display, len(files))


def _place(
    entry: FieldValues, layers: list[Layer], name: str, files: dict[str, int]
) -> list[Any] | None:
    """Where the region's effective value of field ``name`` is written when not in the
    entry's own record — the last of its ``layers`` that writes it (a city's or the
    province's defaults, the file's), or the record itself when none does."""
    for layer in reversed(layers):
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
        return ("standard", 4, list(self.elements))

    def run(self, cat: Catalogue, folder: str, reading: list[Finding], files: int) -> Any:
        rows: list[list[Any]] = []
        at: dict[tuple[str, str], int] = {}
        numbers: dict[str, int] = {}
        # per element: its name, value, field, whether materials, whether a limit
        plan = [(n, VALUE[n], field_of(n), n == "materials", n == "limits") for n in self.elements]
        fields = [f for n in self.elements for f in BY_NAME[n].fields]
        for entry in resolve_fields(cat, folder, fields):
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
            written_here = entry.own
            layers = None
            for name, value_of, field_name, materials, limit in plan:
                value = value_of(entry)
                if value is None:
                    keys.append(None)
                    values.append(None)
                    continue
                if materials:
                    value, names = value[0], value[1] or None
                exact = key_of(name, value)  # (inline: half a million values a province)
                keys.append(
                    exact.decode()
                    if limit or len(exact) < _SHORT
                    else tally_key(name, exact, value)
                )
                values.append(exact.decode() if materials else value)
                if field_name not in written_here:  # in a defaults record, or nowhere
                    if layers is None:
                        layers = entry.layers
                    place = _place(entry, layers, field_name, numbers)
                    if place is not None:
                        places[name] = place
            record = [_file_number(numbers, entry.src), *entry.src.pointer]
            rows.append(
                [entry.region, entry.code, entry.department, record, keys, values, places, names]
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
        rows = data["entries"]
        for rec in rows:
            if type(rec) is not list or len(rec) != 8:
                raise CodecError("standard: malformed entry")
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
        unread = data.get("unread", [])
        if not isinstance(unread, list) or not all(isinstance(u, str) for u in unread):
            raise CodecError("standard: malformed unread list")
        return RegionValues(rows, files, unread)

    def fresh(self, data: Any) -> RegionValues:
        return RegionValues(data["entries"], data["files"], data["unread"])


# --- results -------------------------------------------------------------------------


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


def _quantile(pairs: list[tuple[float, int]], q: float) -> float:
    """The ``q`` quantile of values given with their counts (lower value first)."""
    ordered = sorted(pairs)
    ends = list(accumulate(n for _, n in ordered))  # each value's last place, plus one
    total = ends[-1]

    def at(place: int) -> float:  # the value at ``place`` of the values listed in order
        return ordered[bisect_right(ends, place)][0]

    if q == 0.5 and total % 2 == 0:
        return (at(total // 2 - 1) + at(total // 2)) / 2
    return at(min(total - 1, int(q * total)))


class Tallied(NamedTuple):
    """What one region adds to the tallies (``tallier``; made where the region is read,
    so this process only adds lists up). Lists of text cross as one text each, joined
    by ``_SEP``: one copy instead of a pickled object per value (half a million a
    province), split here at C speed."""

    # each value given, as "<group>\x1f<element's place>\x1e<tally key>" (``_counted_key``)
    counts: str
    # per compared entry: its group (``_group``), its region and how many values it gives
    # (a region is named by its folder where its files do not say: any text, so a list —
    # of one string, pickled once, for all a folder's entries)
    groups: str
    regions: list[str]
    sizes: bytes
    limits: str  # the counted keys of the limits given
    limit_values: str  # and each limit's value, as JSON
    departments: list[tuple[str, str]]  # a group whose code the basic catalogue lacks
    names: list[tuple[str, dict[str, list[str]]]]  # per group the materials as written
    unread: list[str]
    values: RegionValues | None  # the region's values, when kept for the second pass


# What joins the texts of a ``Tallied`` list: codes and tally keys (JSON, digests) hold
# no control character (a file with one is not read); a folder's name may
_SEP = "\x1d"


def _split(text: str) -> list[str]:
    return text.split(_SEP) if text else []


def _group(level: str, code: str) -> str:
    """One matter at one level, as the tallies key it."""
    return f"{level}\x1f{code}"


def _counted_key(i: int, key: str, group: str) -> str:
    """A value as counted: its matter's group and element's place, then its tally key
    (one ``partition`` splits it: codes and tally keys hold no control character)."""
    return f"{group}\x1f{i}\x1e{key}"


def tallier(
    cat: Catalogue, elements: tuple[str, ...], matter: str | None, keep: bool
) -> Callable[[str, RegionValues], Tallied]:
    """What makes a region's ``Tallied`` from its values (``matter``: that code only;
    ``keep``: the values go along)."""
    assert len(elements) <= 10  # an element's place is one digit
    level_of = _level_of(cat)
    limits = elements.index("limits") if "limits" in elements else -1
    materials = elements.index("materials") if "materials" in elements else -1
    basic = cat.basic

    def tallied(folder: str, values: RegionValues) -> Tallied:
        counts: list[str] = []
        groups: list[str] = []
        regions: list[str] = []
        sizes: list[int] = []
        limit_keys: list[str] = []
        limit_values: list[str] = []
        departments: list[tuple[str, str]] = []
        names: list[tuple[str, dict[str, list[str]]]] = []
        dumps = orjson.dumps
        for region, code, department, _, keys, given_values, _, written in values.rows:
            if matter is not None and code != matter:
                continue
            group = _group(level_of(region), code)
            groups.append(group)
            regions.append(region)
            if code not in basic:
                departments.append((group, department))
            given = len(counts)
            for i, key in enumerate(keys):
                if key is not None:
                    counted = _counted_key(i, key, group)
                    counts.append(counted)
                    if i == limits:
                        limit_keys.append(counted)
                        limit_values.append(dumps(given_values[i]).decode())
            sizes.append(len(counts) - given)
            if written and materials >= 0 and keys[materials] is not None:
                names.append((group, written))
        return Tallied(
            _SEP.join(counts),
            _SEP.join(groups),
            regions,
            bytes(sizes),
            _SEP.join(limit_keys),
            _SEP.join(limit_values),
            departments,
            names,
            values.unread,
            values if keep else None,
        )

    return tallied


@dataclass(slots=True)
class _Region:
    """What this process keeps of one region between the passes: references to the
    counted keys (one string per distinct value, shared) and per entry its group,
    region and number of values — a few machine words per value."""

    folder: str
    counts: list[str]
    groups: list[str]
    regions: list[str]
    sizes: bytes


@dataclass(slots=True)
class _Counted:
    """Every region's values added up (``add``), then counted (``count``)."""

    folder_regions: list[_Region] = field(default_factory=list)
    shared: dict[str, str] = field(default_factory=dict)  # one string per distinct key
    counts: Counter[str] = field(default_factory=Counter)  # counted key → regions
    regions: Counter[str] = field(default_factory=Counter)  # group → regions
    limits: dict[str, str] = field(default_factory=dict)  # counted key → first value (JSON)
    departments: dict[str, str] = field(default_factory=dict)
    names: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)

    def add(self, folder: str, part: Tallied) -> None:
        share = self.shared.setdefault
        counts = _split(part.counts)
        counts = list(map(share, counts, counts))
        groups = _split(part.groups)
        groups = list(map(share, groups, groups))
        regions = part.regions
        self.folder_regions.append(
            _Region(folder, counts, groups, list(map(share, regions, regions)), part.sizes)
        )
        self.counts.update(counts)  # (while the workers read the next regions)
        self.regions.update(groups)
        first = self.limits
        for counted, value in zip(_split(part.limits), _split(part.limit_values), strict=True):
            if counted not in first:
                first[counted] = value
        for group, department in part.departments:
            self.departments.setdefault(group, department)
        for group, written in part.names:
            mine = self.names.setdefault(group, {})
            for name, spelt in written.items():
                mine.setdefault(name, {name}).update(spelt)
        self.unread.update(part.unread)

    def count(self) -> None:
        """Every region added: the shared strings are no longer looked up."""
        self.shared.clear()


# Per compared matter (its group): each compared element's place in the region values,
# the norm's tally key, the element and the norm's rank
NormKeys = dict[str, list[tuple[int, str, str, tuple[float, ...]]]]


@dataclass(slots=True)
class _Norms:
    """The compared matters (by group) with their norms; the counted keys of the norms
    and of values not compared (a matter one region implements, an element one region
    gives); the norms counted by a digest, whose value is read from a region."""

    matters: dict[str, MatterNorms]
    keys: NormKeys
    norm: set[str]
    uncompared: set[str]
    unknown: dict[str, ElementNorm]


def _norms(cat: Catalogue, elements: tuple[str, ...], counted: _Counted) -> _Norms:
    """Each compared matter (two regions or more) with the norms of its elements given
    by two regions or more. The norm is the value most regions give; a tie goes to the
    value better for the citizen, then to the first tally key in order (the same in
    every run)."""
    regions = counted.regions
    limits = str(elements.index("limits")) if "limits" in elements else ""
    # (group, element's place) as counted → [values given, most regions one value has,
    # the counted keys of those values]
    seen: dict[str, list[Any]] = {}
    days: dict[str, list[tuple[float, int]]] = {}
    for counted_key, n in counted.counts.items():
        at, _, key = counted_key.partition("\x1e")
        tally = seen.get(at)
        if tally is None:
            seen[at] = [n, n, [counted_key]]
        else:
            tally[0] += n
            if n > tally[1]:
                tally[1] = n
                tally[2] = [counted_key]
            elif n == tally[1]:
                tally[2].append(counted_key)
        if at[-1] == limits:
            days.setdefault(at[:-2], []).append((orjson.loads(key), n))
    counted.counts.clear()
    uncompared: set[str] = set()  # values of an element one region gives
    by_group: dict[str, list[tuple[int, int, int, str]]] = {}
    for at, (known, share, keys) in seen.items():
        group = at[:-2]
        if regions[group] < 2:
            continue
        if known < 2:
            uncompared.add(keys[0])
            continue
        i = ord(at[-1]) - 48
        skip = len(at) + 1
        best = keys[0] if len(keys) == 1 else _first_best(elements[i], keys, skip)
        by_group.setdefault(group, []).append((i, known, share, best[skip:]))
    seen.clear()
    out = _Norms({}, {}, set(), uncompared, {})
    for group, n_regions in regions.items():
        if n_regions < 2:
            continue
        level, _, code = group.partition("\x1f")
        norms: list[ElementNorm] = []
        keyed: list[tuple[int, str, str, tuple[float, ...]]] = []
        for i, known, share, key in sorted(by_group.get(group, [])):
            name = elements[i]
            counted_key = _counted_key(i, key, group)
            out.norm.add(counted_key)
            norm = ElementNorm(name, None, share, known)
            if name == "limits":
                norm.norm = orjson.loads(counted.limits[counted_key])
                norm.median = _quantile(days[group], 0.5)
                norm.best = _quantile(days[group], 0.25)
            elif len(key) < _SHORT:
                norm.norm = orjson.loads(key)
            else:
                out.unknown[counted_key] = norm
            if name == "materials":
                written = counted.names.get(group, {})
                norm.names = {k: sorted(v) for k, v in sorted(written.items()) if len(v) > 1}
            norms.append(norm)
            keyed.append((i, key, name, _key_rank(name, key)))
        figure = Figure(code, matters=1)
        for norm in norms:
            figure.pairs += norm.known
            figure.equal += norm.share
        figure.deviations = figure.pairs - figure.equal
        basic = cat.basic.get(code)
        out.matters[group] = MatterNorms(
            level,
            code,
            basic.name if basic is not None else code,
            basic.department if basic is not None else counted.departments.get(group, ""),
            n_regions,
            norms,
            figure,
            deviating={n.element: n.known - n.share for n in norms if n.known > n.share},
        )
        out.keys[group] = keyed
    return out


def _first_best(name: str, keys: list[str], skip: int) -> str:
    """Of counted keys tied for the norm, the one best for the citizen, then the first
    (the tally key follows ``skip`` characters of group and place, the same in each)."""
    ranks = [_key_rank(name, k[skip:]) for k in keys]
    best = min(ranks)
    if ranks.count(best) == 1:
        return keys[ranks.index(best)]
    return min(k for k, r in zip(keys, ranks, strict=True) if r == best)


def _region_figures(counted: _Counted, norms: _Norms) -> tuple[dict[str, Figure], list[str]]:
    """Each region's figure from the references kept (set lookups, no pass over the
    regions' values), every compared matter's regions in folder order, and the folders
    with a value off the norm."""
    by_region: dict[str, Figure] = {}
    deviating: list[str] = []
    compared = norms.matters
    is_compared = compared.__contains__
    is_norm = norms.norm.__contains__
    is_uncompared = norms.uncompared.__contains__
    for region in counted.folder_regions:
        entries = list(zip(region.groups, region.regions, region.sizes, strict=True))
        if len(set(region.regions)) == 1:  # the folder's entries are all one region's
            parts = [(region.regions[0], region.counts, region.groups, region.sizes)]
        else:
            parts = []
            start = 0
            for group, region_code, size in entries:
                parts.append(
                    (region_code, region.counts[start : start + size], [group], bytes((size,)))
                )
                start += size
        off = False
        for region_code, counts, groups, sizes in parts:
            flags = list(map(is_compared, groups))
            matters = sum(flags)
            if not matters:
                continue
            fig = by_region.get(region_code)
            if fig is None:
                fig = by_region[region_code] = Figure(region_code)
            # the values of compared matters, less those of elements one region gives
            pairs = sum(compress(sizes, flags)) - sum(map(is_uncompared, counts))
            equal = sum(map(is_norm, counts))
            fig.pairs += pairs
            fig.equal += equal
            fig.deviations += pairs - equal
            fig.matters += matters
            off = off or pairs > equal
        for group, region_code, _ in entries:
            matter = compared.get(group)
            if matter is not None:
                matter.region_codes.append(region_code)
        if off:
            deviating.append(region.folder)
    return by_region, deviating


def compute_standard(
    cat: Catalogue,
    elements: tuple[str, ...],
    results: Iterable[tuple[str, Tallied]],
    values_of: Callable[[str], RegionValues | None],
    compare: Callable[[Compared, list[str]], Iterable[list[Any]]],
    *,
    listed: bool = False,
) -> StandardResult:
    """Norms, deviations and index: the norms and every figure from ``results`` (what
    every region adds to the tallies: ``tallier``, for ``elements`` in this order).
    When ``listed``: the value of a norm counted by its digest, read from the first
    region giving it (``values_of``; without it such a norm's value is ``None``: only
    the norms' shares are shown then), and the regions off the norm compared with it by
    ``compare`` (each region's ``_compared`` rows, in folder order), which lists and
    locates each deviation. See the module doc."""
    counted = _Counted()
    for folder, part in results:
        counted.add(folder, part)
    counted.count()
    norms = _norms(cat, elements, counted)
    by_region, off = _region_figures(counted, norms)
    level_of = _level_of(cat)
    for region in counted.folder_regions if listed else ():
        if not norms.unknown:
            break
        if any(map(norms.unknown.__contains__, region.counts)):
            _read_norms(region.folder, values_of, level_of, norms.unknown)
    counted.folder_regions.clear()
    matters = norms.matters
    if listed:
        for rows in compare((level_of, norms.keys), off):
            for level, code, region, deviations in rows:
                matters[_group(level, code)].deviations.extend(
                    Deviation(level, code, region, e, v, None, d, Loc(*loc))
                    for e, v, d, loc in deviations
                )
    for matter in matters.values():
        if matter.deviations:
            norm_of = {n.element: n.norm for n in matter.elements}
            for dev in matter.deviations:
                dev.norm = norm_of[dev.element]
    return _result(
        sorted(matters.values(), key=_worst_first),
        sorted(by_region.values(), key=lambda f: f.key),
        sorted(counted.unread),
    )


def _read_norms(
    folder: str,
    values_of: Callable[[str], RegionValues | None],
    level_of: Callable[[str], str],
    unknown: dict[str, ElementNorm],
) -> None:
    """The values of the norms in ``unknown`` (by counted key) that ``folder`` gives."""
    values = values_of(folder)
    for entry in values.entries if values is not None else ():
        group = _group(level_of(entry.region), entry.code)
        for i, key in enumerate(entry.keys):
            if key is not None and len(key) >= _SHORT:
                norm = unknown.pop(_counted_key(i, key, group), None)
                if norm is not None:
                    norm.norm = _loaded(norm.element, entry.values[i])


# What compares a region with the norms: the level of a region and the norms' keys
Compared = tuple[Callable[[str], str], NormKeys]
# What forked workers inherit for the second pass: where a region's values come from,
# the comparison and how to locate a deviation
_COMPARING: tuple[Callable[[str], RegionValues | None], Compared, Locate | None] | None = None


def _compared(folder: str) -> list[list[Any]]:
    """One region's deviations from the norms (in a worker): per compared entry its
    matter, region and each deviation as [element, value, direction, (file, line,
    column)]."""
    assert _COMPARING is not None
    values_of, (level_of, norm_keys), locate = _COMPARING
    values = values_of(folder)
    rows: list[list[Any]] = []
    if values is None or locate is None:
        return rows
    for entry in values.entries:
        level = level_of(entry.region)
        norms = norm_keys.get(_group(level, entry.code))
        if norms is None:
            continue
        deviations: list[list[Any]] = []
        for i, norm_key, element, norm_rank in norms:
            key = entry.keys[i]
            if key is None or key == norm_key:
                continue
            value = _loaded(element, entry.values[i])
            loc = locate(entry.where(element, values.files))
            deviations.append(
                [
                    element,
                    value,
                    direction(element, value, norm_rank),
                    (loc.file, loc.line, loc.col),
                ]
            )
        if deviations:
            rows.append([level, entry.code, entry.region, deviations])
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
    values kept for the second, when there is no cache to read them from again). The
    first pass's workers hand back only what each region adds to the tallies."""
    kept_values: dict[str, RegionValues] | None = {} if keep else None

    def first() -> Iterator[tuple[str, Tallied]]:
        tallied = tallier(cat, elements, matter, keep)
        for folder, part in runner.reduced(tallied, progress=progress):
            if kept_values is not None and part.values is not None:
                kept_values[folder] = part.values
            yield folder, part

    def values_of(folder: str) -> RegionValues | None:
        if kept_values is not None:
            return kept_values.get(folder)
        return next((values for _, values in runner.results([folder])), None)

    def compare(comparing: Compared, folders: list[str]) -> Iterator[list[Any]]:
        """The second pass in forked workers over ``folders`` (they read the cache and
        locate deviations themselves: this process only merges their compact rows)."""
        global _COMPARING
        _COMPARING = (values_of, comparing, locator(cat.root, limits))
        size = total_size(p for f in folders for p, _, _ in runner.regions[f])
        gc.freeze()  # forked workers then touch (copy) no page of what is alive here
        try:
            yield from forked_map(_compared, folders, workers_for(runner.jobs, len(folders), size))
        finally:
            gc.unfreeze()
            _COMPARING = None

    # the passes build millions of small acyclic objects (decoded region values): the
    # collector's passes over everything alive would cost four times the work itself
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 200_000), max(thresholds[1], 50), thresholds[2])
    try:
        return compute_standard(cat, elements, first(), values_of, compare, listed=details)
    finally:
        gc.set_threshold(*thresholds)
