"""The 最多跑一次 statistics: which units count, which meet the target, and the shares.

A *unit* is what is counted: an implementation entry (default; where several agencies
implement a matter in a region, each agency's entry is a unit), a main matter (per
agency; meets only if every implemented sub does), or a handling item. Units in scope are those
whose matter type is in ``scope.types``; ``scope.exempt`` codes (不宜跑零次) stay in
the 最多跑一次 share but leave the zero-visit share's denominator. Units without a
visit count are counted in the denominator and reported as unknown.

Every other share (全程网办, 可网办, 掌上办, by case volume) is taken over the units
where its fact is known, and the units where it is not are counted beside it: a fact
a catalogue does not give is unknown, never no or zero.

Level figures follow the official practice: the *mean* over the regions of a level
(mean count and mean share, the "平均" figure) and, separately labelled, the
*pooled* share of all that level's units together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from zjpaoyici.catalogue.bundles import offered_bundles
from zjpaoyici.catalogue.fields import LEVELS
from zjpaoyici.catalogue.model import Bundle, Catalogue, Entry
from zjpaoyici.catalogue.resolve import resolve_region

UnitKind = Literal["entry", "main", "item"]
Basis = Literal["mean", "pooled"]  # a level judged by the mean over its regions, or pooled
BASES: tuple[Basis, ...] = ("mean", "pooled")
UNIT_KINDS: tuple[UnitKind, ...] = ("entry", "main", "item")


@dataclass(frozen=True, slots=True)
class Unit:
    """One counted thing, with the facts the statistics need."""

    region: str
    level: str
    department: str  # the implementing agency (the file's department unless the entry names one)
    code: str  # entry code, main code (unit "main") or full item code
    main: str
    name: str
    type: str
    visits: int | None
    onsite_reason: str | None
    online_depth: int | None
    mobile: bool | None
    annual_cases: int | None
    exempt: bool
    online_available: bool | None = None  # 可网办 (stated or derived from the depth)

    @property
    def meets(self) -> bool:
        return self.visits is not None and self.visits <= 1

    @property
    def full_online(self) -> bool | None:
        """全程网办 (depth Ⅳ): known from the depth, or no when not available online."""
        if self.online_depth is not None:
            return self.online_depth == 4
        return False if self.online_available is False else None

    @property
    def on_mobile(self) -> bool | None:
        """掌上办: as stated, or no when not available online at all."""
        if self.mobile is not None:
            return self.mobile
        return False if self.online_available is False else None


@dataclass(slots=True)
class Tally:
    """Counts over a set of units; shares are exact fractions, rounded only when shown."""

    total: int = 0
    met: int = 0
    zero: int = 0
    unknown: int = 0
    multi: int = 0
    zero_base: int = 0  # units not exempt from the zero-visit target
    zero_in_base: int = 0
    online_full: int = 0  # 网办深度 IV
    online_any: int = 0  # 可网办 (online.available, or depth Ⅲ and above)
    mobile: int = 0
    volume_total: int = 0
    volume_met: int = 0
    volume_missing: int = 0
    # units where each online fact is known (the shares' denominators)
    online_full_known: int = 0
    online_any_known: int = 0
    mobile_known: int = 0

    def add(self, unit: Unit) -> None:
        self.total += 1
        if unit.visits is None:
            self.unknown += 1
        elif unit.visits <= 1:
            self.met += 1
            if unit.visits == 0:
                self.zero += 1
        else:
            self.multi += 1
        if not unit.exempt:
            self.zero_base += 1
            if unit.visits == 0:
                self.zero_in_base += 1
        full, mobile = unit.full_online, unit.on_mobile
        if full is not None:
            self.online_full_known += 1
            self.online_full += full
        if unit.online_available is not None:
            self.online_any_known += 1
            self.online_any += unit.online_available
        if mobile is not None:
            self.mobile_known += 1
            self.mobile += mobile
        if unit.annual_cases is None:
            self.volume_missing += 1
        else:
            self.volume_total += unit.annual_cases
            if unit.meets:
                self.volume_met += unit.annual_cases

    def merge(self, other: Tally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def counts(self) -> list[int]:
        """The counts in field order (for the cache)."""
        return [getattr(self, name) for name in self.__slots__]

    @staticmethod
    def _ratio(num: int, den: int) -> float | None:
        return num / den if den else None

    @property
    def share(self) -> float | None:
        """最多跑一次 share: units with visits ≤ 1 ÷ all units in scope."""
        return self._ratio(self.met, self.total)

    @property
    def zero_share(self) -> float | None:
        """不用跑 share: zero-visit units ÷ units not exempt from that target."""
        return self._ratio(self.zero_in_base, self.zero_base)

    @property
    def online_full_share(self) -> float | None:
        """全程网办 share over the units whose depth (or unavailability) is known."""
        return self._ratio(self.online_full, self.online_full_known)

    @property
    def online_any_share(self) -> float | None:
        """可网办 share over the units where online availability is known."""
        return self._ratio(self.online_any, self.online_any_known)

    @property
    def mobile_share(self) -> float | None:
        """掌上办 share over the units where it is known."""
        return self._ratio(self.mobile, self.mobile_known)

    @property
    def online_full_unknown(self) -> int:
        return self.total - self.online_full_known

    @property
    def online_any_unknown(self) -> int:
        return self.total - self.online_any_known

    @property
    def mobile_unknown(self) -> int:
        return self.total - self.mobile_known

    @property
    def volume_known(self) -> int:
        return self.total - self.volume_missing

    @property
    def volume_share(self) -> float | None:
        """Share of annual cases whose matter meets the target (units with a volume only)."""
        return self._ratio(self.volume_met, self.volume_total)


@dataclass(slots=True)
class LevelFigure:
    """A level's figures: the mean over its regions (the official 平均) and the pooled share."""

    level: str
    regions: int
    mean_count: float | None
    mean_share: float | None
    pooled: Tally

    @property
    def mean_units(self) -> float | None:
        """Units counted per region, on average (for bundles: bundles offered)."""
        return self.pooled.total / self.regions if self.regions else None


@dataclass(slots=True)
class Coverage:
    """Everything ``report`` shows, computed in one streaming pass over the regions."""

    unit: UnitKind
    overall: Tally = field(default_factory=Tally)
    by_region: dict[str, Tally] = field(default_factory=dict)
    by_department: dict[str, Tally] = field(default_factory=dict)
    # the basic catalogue's department → region → tally (one table across regions)
    by_catalogue_department: dict[str, dict[str, Tally]] = field(default_factory=dict)
    by_type: dict[str, Tally] = field(default_factory=dict)
    levels: dict[str, LevelFigure] = field(default_factory=dict)  # in LEVELS
    multi_visit: list[Unit] = field(default_factory=list)
    unknown: list[Unit] = field(default_factory=list)
    no_volume: list[Unit] = field(default_factory=list)
    region_names: dict[str, str] = field(default_factory=dict)
    region_levels: dict[str, str] = field(default_factory=dict)
    bundles: BundleCoverage = field(default_factory=lambda: BundleCoverage())
    unread: list[str] = field(default_factory=list)  # files left out: they could not be read


@dataclass(slots=True)
class BundleRow:
    """One 一件事 and the number of regions that offer it."""

    code: str
    name: str
    lifecycle: str
    stage: str
    lead_department: str
    visits: int | None
    regions: int = 0


@dataclass(slots=True)
class BundleCoverage:
    """一件事 figures: per region, per level (mean and pooled), and per bundle."""

    overall: Tally = field(default_factory=Tally)
    by_region: dict[str, Tally] = field(default_factory=dict)
    levels: dict[str, LevelFigure] = field(default_factory=dict)  # in LEVELS
    rows: dict[str, BundleRow] = field(default_factory=dict)


def in_scope(cat: Catalogue, type_name: str | None) -> bool:
    types = cat.manifest.scope_types if cat.manifest else None
    return types is None or (type_name is not None and type_name in types)


def is_exempt(cat: Catalogue, code: str, main: str) -> bool:
    exempt = cat.manifest.exempt if cat.manifest else frozenset()
    return code in exempt or main in exempt


def entry_units(cat: Catalogue, entry: Entry, unit: UnitKind) -> Iterator[Unit]:
    """The units an entry contributes (``main`` units are formed later, per region)."""
    matter = cat.basic.get(entry.code)
    type_name = matter.type if matter else None
    if not in_scope(cat, type_name):
        return
    region = cat.regions.get(entry.region)
    level = region.level if region else "unknown"
    main = matter.main or matter.code if matter else entry.code
    name = matter.name if matter else entry.code
    facts = entry.facts
    if unit == "item" and entry.items:
        for item in entry.items:
            f = item.facts
            yield Unit(
                entry.region,
                level,
                entry.agency,
                item.full_code,
                main,
                item.name or name,
                type_name or "",
                f.visits,
                f.onsite_reason,
                f.online_depth,
                f.mobile,
                f.annual_cases,
                is_exempt(cat, entry.code, main),
                f.online_available,
            )
        return
    reason = facts.onsite_reason
    if entry.items and not reason:
        reason = next(
            (i.facts.onsite_reason for i in entry.items if (i.facts.visits or 0) > 1), None
        )
    yield Unit(
        entry.region,
        level,
        entry.agency,
        entry.code,
        main,
        name,
        type_name or "",
        entry.visits,
        reason,
        facts.online_depth,
        facts.mobile,
        facts.annual_cases,
        is_exempt(cat, entry.code, main),
        facts.online_available,
    )


def _as_main_units(cat: Catalogue, units: list[Unit]) -> Iterator[Unit]:
    """Group a region's entry units by agency and main matter: it meets only if every
    sub does (each agency implementing a matter in the region is a unit of its own)."""
    groups: dict[tuple[str, str], list[Unit]] = {}
    for u in units:
        groups.setdefault((u.department, u.main), []).append(u)
    for (_, main), members in groups.items():
        matter = cat.basic.get(main)
        visits: int | None
        if any(m.visits is None for m in members):
            failing = [m.visits for m in members if m.visits is not None and m.visits > 1]
            visits = max(failing) if failing else None
        else:
            visits = max(m.visits for m in members if m.visits is not None)
        first = members[0]
        volumes = [m.annual_cases for m in members]
        yield Unit(
            first.region,
            first.level,
            first.department,
            main,
            main,
            matter.name if matter else first.name,
            first.type,
            visits,
            next(
                (m.onsite_reason for m in members if m.onsite_reason and (m.visits or 0) > 1), None
            ),
            _least([m.online_depth for m in members]),
            _all_of([m.mobile for m in members]),
            None if any(v is None for v in volumes) else sum(v for v in volumes if v is not None),
            all(m.exempt for m in members),
            _all_of([m.online_available for m in members]),
        )


def _least(values: list[int | None]) -> int | None:
    """The smallest value, or unknown when any is unknown."""
    if any(v is None for v in values):
        return None
    return min(v for v in values if v is not None)


def _all_of(values: list[bool | None]) -> bool | None:
    """True when all are, False when any is not, else unknown."""
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def region_units(cat: Catalogue, entries: Iterable[Entry], unit: UnitKind) -> list[Unit]:
    """All counted units of one region's resolved entries."""
    units = [u for entry in entries for u in entry_units(cat, entry, unit)]
    if unit == "main":
        return list(_as_main_units(cat, units))
    return units


def _bundle_row(bundle: Bundle) -> BundleRow:
    return BundleRow(
        bundle.code,
        bundle.name,
        bundle.lifecycle,
        bundle.stage,
        bundle.lead_department,
        bundle.facts.visits,
    )


@dataclass(slots=True)
class RegionUnits:
    """What one region adds to the statistics — all that is kept of a region once it is
    counted: its tallies (overall, per department, per type), the units reports list
    one by one (visits unknown or above one, volume missing) and the bundles it offers
    (indexes into ``cat.bundles``)."""

    tally: Tally
    departments: dict[str, Tally]
    types: dict[str, Tally]
    listed: list[Unit]
    bundles: list[int]
    unread: list[str] = field(default_factory=list)  # its files that could not be read
    # per department of the basic catalogue (the same name at every level)
    catalogue_departments: dict[str, Tally] = field(default_factory=dict)


def catalogue_department(cat: Catalogue, unit: Unit) -> str:
    """The basic catalogue's department of a unit's matter (公安厅 for a 公安局's entry
    at every level), or the implementing agency when the matter is not in it."""
    matter = cat.basic.get(unit.main) or cat.basic.get(unit.code)
    return matter.department if matter and matter.department else unit.department


def summarise(
    units: Iterable[Unit], bundles: list[int], cat: Catalogue | None = None
) -> RegionUnits:
    """Tally one region's units (per basic department too, given the catalogue)."""
    data = RegionUnits(Tally(), {}, {}, [], bundles)
    for u in units:
        data.tally.add(u)
        data.departments.setdefault(u.department, Tally()).add(u)
        if cat is not None:
            dept = catalogue_department(cat, u)
            data.catalogue_departments.setdefault(dept, Tally()).add(u)
        data.types.setdefault(u.type, Tally()).add(u)
        if u.visits is None or u.visits > 1 or u.annual_cases is None:
            data.listed.append(u)
    return data


def region_data(
    cat: Catalogue, folder: str, unit: UnitKind = "entry", entries: list[Entry] | None = None
) -> RegionUnits:
    """Reduce one loaded region (or its resolved ``entries``) to its tallies, listed
    units and offered bundles."""
    if entries is None:
        entries = list(resolve_region(cat, folder))
    offered: list[int] = []
    if cat.bundles:
        by_code: dict[str, Entry] = {}
        for entry in entries:
            by_code.setdefault(entry.code, entry)
        index = {id(b): i for i, b in enumerate(cat.bundles)}
        offered = [index[id(b)] for b, _ in offered_bundles(cat, folder, by_code)]
    return summarise(region_units(cat, entries, unit), offered, cat)


def _count_bundles(
    cat: Catalogue, folder: str, level: str, offered: list[int], cov: Coverage
) -> None:
    """Tally the bundles a region offers (a bundle's visits are its own, not its members')."""
    tally = cov.bundles.by_region.setdefault(folder, Tally())
    for i in offered:
        bundle = cat.bundles[i]
        f = bundle.facts
        unit = Unit(
            folder,
            level,
            bundle.lead_department,
            bundle.code,
            bundle.code,
            bundle.name,
            "一件事",
            f.visits,
            f.onsite_reason,
            f.online_depth,
            f.mobile,
            None,
            False,
            f.online_available,
        )
        tally.add(unit)
        cov.bundles.overall.add(unit)
        cov.bundles.rows.setdefault(bundle.code, _bundle_row(bundle)).regions += 1


def compute(
    cat: Catalogue,
    unit: UnitKind = "entry",
    folders: Iterable[str] | None = None,
    regions: Iterable[tuple[str, RegionUnits]] | None = None,
) -> Coverage:
    """Coverage of the catalogue, one region at a time: ``regions`` gives each region's
    units (from the engine: cache or workers); without it the loaded regions of ``cat``
    (or ``folders``) are resolved here. Memory follows the largest region."""
    cov = Coverage(unit)
    for bundle in cat.bundles:
        cov.bundles.rows.setdefault(bundle.code, _bundle_row(bundle))
    if regions is None:
        chosen = folders if folders is not None else cat.region_folders()
        regions = ((folder, region_data(cat, folder, unit)) for folder in chosen)
    for folder, data in regions:
        region = cat.regions.get(folder)
        cov.region_names[folder] = region.name if region else folder
        cov.region_levels[folder] = region.level if region else "unknown"
        cov.unread.extend(data.unread)
        cov.by_region.setdefault(folder, Tally()).merge(data.tally)
        cov.overall.merge(data.tally)
        for name, tally in data.departments.items():
            cov.by_department.setdefault(name, Tally()).merge(tally)
        for name, tally in data.catalogue_departments.items():
            per_region = cov.by_catalogue_department.setdefault(name, {})
            per_region.setdefault(folder, Tally()).merge(tally)
        for name, tally in data.types.items():
            cov.by_type.setdefault(name, Tally()).merge(tally)
        for u in data.listed:
            if u.visits is None:
                cov.unknown.append(u)
            elif u.visits > 1:
                cov.multi_visit.append(u)
            if u.annual_cases is None:
                cov.no_volume.append(u)
        if cat.bundles:
            _count_bundles(cat, folder, cov.region_levels[folder], data.bundles, cov)
    cov.levels = level_figures(cov.by_region, cov.region_levels)
    cov.bundles.levels = level_figures(cov.bundles.by_region, cov.region_levels)
    return cov


def level_figures(
    by_region: dict[str, Tally], region_levels: dict[str, str]
) -> dict[str, LevelFigure]:
    """Mean-over-regions and pooled figures for every level that has counted regions,
    in :data:`LEVELS` (the order every format shows them in)."""
    out: dict[str, LevelFigure] = {}
    for level in LEVELS:
        regions = [
            r
            for r, lv in region_levels.items()
            if lv == level and r in by_region and by_region[r].total
        ]
        if not regions:
            continue
        pooled = Tally()
        for r in regions:
            pooled.merge(by_region[r])
        counts = [by_region[r].met for r in regions]
        shares = [s for r in regions if (s := by_region[r].share) is not None]
        out[level] = LevelFigure(
            level,
            len(regions),
            sum(counts) / len(counts),
            sum(shares) / len(shares) if shares else None,
            pooled,
        )
    return out


def level_share(figure: LevelFigure, basis: Basis = "mean") -> float | None:
    """The figure a level is judged by: the mean share (official) or the pooled share."""
    return figure.mean_share if basis == "mean" else figure.pooled.share


def percent(share: float | None, digits: int = 1) -> str:
    """A share as every format shows it, rounded here only: ``45.1%``, ``—`` when unknown."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def target_percent(value: float | None) -> str:
    """A target as written, to 0.01%: 0.8 → ``80%``, 0.8235 → ``82.35%`` (a rounded
    ``82%`` target next to an 82.3% share that fails would read as a bug)."""
    if value is None:
        return "—"
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def points_change(a: float | None, b: float | None) -> str:
    """A share's change in percentage points, from the unrounded shares and rounded once:
    one decimal, or two under a tenth of a point so that a real change never reads as
    0.0 or as a rounded-up tenth (-0.08, not +0.0)."""
    if a is None or b is None:
        return "—"
    points = (b - a) * 100
    if points != 0 and abs(points) < 0.1:
        return f"{points:+.2f}" if abs(points) >= 0.005 else f"{points:+.3f}"
    return f"{points + 0.0:+.1f}"  # + 0.0: no "-0.0"


@dataclass(frozen=True, slots=True)
class ShareChange:
    """A 最多跑一次 share before and after a change, each shown and with the units of
    unknown visits beside it (they stay in its denominator), and the change in points."""

    key: str  # a level or a region code
    name: str  # the region's name ("" for a level)
    before: str
    after: str
    before_unknown: int
    after_unknown: int
    points: str


Side = tuple[float | None, int]  # a share and its units of unknown visits


def _change(key: str, name: str, a: Side, b: Side) -> ShareChange:
    shown = percent(a[0]), percent(b[0])
    return ShareChange(key, name, *shown, a[1], b[1], points_change(a[0], b[0]))


def level_changes(before: Coverage | None, after: Coverage | None) -> list[ShareChange]:
    """Each level's mean share before and after."""

    def side(cov: Coverage | None, level: str) -> Side:
        fig = cov.levels.get(level) if cov else None
        return (fig.mean_share, fig.pooled.unknown) if fig else (None, 0)

    levels = {*(before.levels if before else ()), *(after.levels if after else ())}
    return [_change(lv, "", side(before, lv), side(after, lv)) for lv in LEVELS if lv in levels]


def region_changes(before: Coverage | None, after: Coverage | None) -> list[ShareChange]:
    """The regions whose share changed (unrounded), in code order."""

    def side(cov: Coverage | None, region: str) -> Side:
        tally = cov.by_region.get(region) if cov else None
        return (tally.share, tally.unknown) if tally else (None, 0)

    names = {**(before.region_names if before else {}), **(after.region_names if after else {})}
    sides = [(r, side(before, r), side(after, r)) for r in sorted(names)]
    return [_change(r, names[r], a, b) for r, a, b in sides if a[0] != b[0]]
