"""The report: coverage per level (and per region, department, type), targets, history.

Everything a renderer shows is computed here, once; renderers only format it. Target
checks compare unrounded values, so 79.96 % fails a target of 80 % even though a table
rounds it to 80.0 %.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from zjpaoyici.catalogue.fields import LEVELS
from zjpaoyici.catalogue.load import load_global, regions_in_turn
from zjpaoyici.catalogue.model import Catalogue
from zjpaoyici.catalogue.paths import plan_files
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.files.gitrev import catalogue_at, commit_info, describe, tags_at
from zjpaoyici.findings import Finding
from zjpaoyici.ops.cases.tally import VolumeShare
from zjpaoyici.ops.standard.compute import Deviation
from zjpaoyici.ops.stats.collect import coverage_of
from zjpaoyici.ops.stats.figures import (
    Basis,
    Coverage,
    LevelFigure,
    Tally,
    Unit,
    UnitKind,
    compute,
    level_share,
    region_units,
    summarise,
)
from zjpaoyici.runner.cache import Cache

GroupBy = Literal["level", "region", "department", "type"]
GROUP_BYS: tuple[GroupBy, ...] = ("level", "region", "department", "type")
# Levels a --fail-under target applies to: every level above townships.
CHECKED_LEVELS = tuple(lv for lv in LEVELS if lv != "township")


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a breakdown: a key, a label and its tally."""

    key: str
    label: str
    level: str
    tally: Tally


@dataclass(frozen=True, slots=True)
class LevelCheck:
    level: str
    value: float | None
    target: float
    ok: bool


@dataclass(frozen=True, slots=True)
class RegionVerdict:
    """One region's share against its level's target (for the leaders' summary)."""

    key: str
    name: str
    level: str
    share: float | None
    target: float
    ok: bool


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    """One department of the basic catalogue across every region: its tally, and each
    region's (code, name, tally) for the drill-down, by share then code."""

    name: str
    tally: Tally
    regions: list[tuple[str, str, Tally]]


def _by_share(tally: Tally, key: str) -> tuple[float, str]:
    """Highest share first (unknown last), then by name or code."""
    return (-(tally.share if tally.share is not None else -1.0), key)


@dataclass(slots=True)
class RegionCard:
    """One region's page: its tally beside its level's figure and target, its matters by
    implementing agency (every unit, with visits and the catalogue's on-site reason) and
    its standardisation deviations (from ``standard``)."""

    key: str
    name: str
    level: str
    tally: Tally
    level_figure: LevelFigure | None
    target: float | None
    departments: list[tuple[str, Tally, list[Unit]]]
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def ok(self) -> bool | None:
        """Whether the region's unrounded share meets its level's target (None: no target)."""
        if self.target is None or self.tally.share is None:
            return None
        return self.tally.share >= self.target

    @property
    def multi_visit(self) -> list[Unit]:
        return [u for _, _, units in self.departments for u in units if (u.visits or 0) > 1]


@dataclass(slots=True)
class HistoryPoint:
    rev: str
    commit: str
    date: str
    levels: dict[str, float | None]
    label: str = ""  # how a person names it: a tag, the revision as given, else the date


def point_label(rev: str, commit: str, date: str, tags: list[str]) -> str:
    """A tag at the commit, else the revision as the user wrote it unless it is a bare
    commit id, else the commit's date."""
    if tags:
        return sorted(tags)[-1]
    if not (len(rev) >= 7 and commit.startswith(rev.lower())):
        return rev
    return date[:10]


@dataclass(slots=True)
class Report:
    name: str
    unit: UnitKind
    basis: Basis
    coverage: Coverage
    targets: dict[str, float]
    checks: list[LevelCheck] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)
    made_on: str = ""  # the date the figures were made (SOURCE_DATE_EPOCH when set)
    revision: str | None = None  # the catalogue's git revision (tag or short id), if any

    def level_verdicts(self) -> list[LevelCheck]:
        """Every level with a target judged (shown on the page; the gate is ``checks``)."""
        return self.checks or judge(self)

    def region_verdicts(self) -> list[RegionVerdict]:
        """Every region whose level has a target, judged on its own unrounded share."""
        cov = self.coverage
        out = []
        for key, tally in sorted(cov.by_region.items()):
            level = cov.region_levels.get(key, "")
            target = self.targets.get(level)
            if target is None or not tally.total:
                continue
            ok = tally.share is not None and tally.share >= target
            out.append(
                RegionVerdict(key, cov.region_names.get(key, key), level, tally.share, target, ok)
            )
        return out

    # the 最多跑一次 share by case volume from case records, per level (report --cases)
    cases: dict[str, VolumeShare] = field(default_factory=dict)

    @property
    def failed(self) -> list[LevelCheck]:
        return [c for c in self.checks if not c.ok]

    def department_rows(self) -> list[DepartmentRow]:
        """The basic catalogue's departments across regions, highest share first."""
        cov, out = self.coverage, []
        for name, per_region in cov.by_catalogue_department.items():
            total = Tally()
            for tally in per_region.values():
                total.merge(tally)
            regions = sorted(
                ((r, cov.region_names.get(r, r), tl) for r, tl in per_region.items()),
                key=lambda x: _by_share(x[2], x[0]),
            )
            out.append(DepartmentRow(name, total, regions))
        return sorted(out, key=lambda d: _by_share(d.tally, d.name))

    def rows(self, by: GroupBy) -> list[Row]:
        cov = self.coverage
        if by == "level":
            return [Row(level, level, level, fig.pooled) for level, fig in cov.levels.items()]
        if by == "region":
            order: dict[str, int] = {lv: i for i, lv in enumerate(LEVELS)}
            keys = sorted(
                cov.by_region, key=lambda r: (order.get(cov.region_levels.get(r, ""), 9), r)
            )
            return [
                Row(r, cov.region_names.get(r, r), cov.region_levels.get(r, ""), cov.by_region[r])
                for r in keys
                if cov.by_region[r].total
            ]
        source = cov.by_department if by == "department" else cov.by_type
        return [
            Row(k, k, "", source[k]) for k in sorted(source, key=lambda k: (-source[k].total, k))
        ]


def build(
    cat: Catalogue,
    *,
    unit: UnitKind = "entry",
    basis: Basis = "mean",
    fail_under: float | None = None,
    check: bool = False,
    coverage: Coverage | None = None,
) -> Report:
    """The report (from ``coverage`` when already computed, e.g. by the engine); with
    ``check`` or ``fail_under``, every level is judged against its target."""
    coverage = compute(cat, unit) if coverage is None else coverage
    targets = dict(cat.manifest.targets) if cat.manifest else {}
    if fail_under is not None:
        targets = dict.fromkeys(CHECKED_LEVELS, fail_under)
    report = Report(cat.name, unit, basis, coverage, targets, made_on=made_on())
    report.revision = None if cat.sample else describe(cat.root)
    if check or fail_under is not None:
        report.checks = judge(report)
    return report


def made_on() -> str:
    """Today's date (UTC), or the date of ``SOURCE_DATE_EPOCH`` for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return moment.date().isoformat()


def judge(report: Report) -> list[LevelCheck]:
    """Compare each level's unrounded figure with its target (levels without units are skipped)."""
    out = []
    for level, target in report.targets.items():
        figure = report.coverage.levels.get(level)
        if figure is None:
            continue
        value = level_share(figure, report.basis)
        out.append(LevelCheck(level, value, target, value is not None and value >= target))
    return out


def history(
    revs: list[str],
    root: Path,
    unit: UnitKind,
    basis: Basis,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[HistoryPoint]:
    """The per-level figure at each git revision, one region in memory at a time;
    regions unchanged between revisions come from the cache."""
    out = []
    if progress:
        progress(0, len(revs))
    for i, rev in enumerate(revs):
        commit, date = commit_info(rev, root)
        with catalogue_at(rev, root) as (folder, label):
            cov = coverage_of(folder, unit, cache=cache, label=label)[0]
        levels = {level: level_share(fig, basis) for level, fig in cov.levels.items()}
        name = point_label(rev, commit, date, tags_at(commit, root))
        out.append(HistoryPoint(rev, commit, date, levels, name))
        if progress:
            progress(i + 1, len(revs))
    return out


def region_cards(
    root: Path,
    report: Report,
    folders: list[str],
    deviations: list[Deviation] | None = None,
) -> Iterator[RegionCard]:
    """The card of each of ``folders`` (counted regions of ``report``), one region in
    memory at a time; ``deviations`` from ``standard`` are split among them."""
    plan = plan_files(root)
    cat = load_global(root, plan)
    cov, reading = report.coverage, list[Finding]()
    by_region: dict[str, list[Deviation]] = {}
    for d in deviations or []:
        by_region.setdefault(d.region, []).append(d)
    for folder in regions_in_turn(cat, plan, folders, reading):
        units = region_units(cat, resolve_region(cat, folder), report.unit)
        groups: dict[str, list[Unit]] = {}
        for u in units:
            groups.setdefault(u.department, []).append(u)
        departments = [
            (name, summarise(members, []).tally, sorted(members, key=lambda u: u.code))
            for name, members in groups.items()
        ]
        departments.sort(key=lambda d: _by_share(d[1], d[0]))
        level = cov.region_levels.get(folder, "unknown")
        yield RegionCard(
            folder,
            cov.region_names.get(folder, folder),
            level,
            summarise(units, []).tally,
            cov.levels.get(level),
            report.targets.get(level),
            departments,
            by_region.get(folder, []),
        )
