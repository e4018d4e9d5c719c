"""最多跑一次 coverage of a catalogue on disk, region by region through the engine: each
region is resolved once into its counted units (in workers, or taken from the cache),
and only the units are kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjpaoyici.catalogue.load import load_global
from zjpaoyici.catalogue.model import Catalogue
from zjpaoyici.catalogue.paths import Plan, display_path, plan_files, root_relative
from zjpaoyici.files.reader import DEFAULT_LIMITS, Limits
from zjpaoyici.findings import Finding
from zjpaoyici.ops.codec import decode_region_units, encode_region_units
from zjpaoyici.ops.stats.figures import Coverage, RegionUnits, UnitKind, compute, region_data
from zjpaoyici.rules.registry import unread_files
from zjpaoyici.runner.cache import Cache
from zjpaoyici.runner.engine import RegionRunner


@dataclass(frozen=True, slots=True)
class UnitsTask:
    """The engine task behind ``report`` and ``diff``: one region's units."""

    unit: UnitKind

    @property
    def key(self) -> tuple[Any, ...]:
        return ("units", self.unit, 2)  # 2: per basic-catalogue department too

    def run(self, cat: Catalogue, folder: str, reading: list[Finding], files: int) -> Any:
        data = region_data(cat, folder, self.unit)
        data.unread = unread_files(reading)
        return self.encode(data)

    def encode(self, data: RegionUnits) -> Any:
        return encode_region_units(data)

    def decode(self, data: Any) -> RegionUnits:
        return decode_region_units(data)

    def fresh(self, data: Any) -> RegionUnits:
        return self.decode(data)


def coverage_of(
    root: Path,
    unit: UnitKind = "entry",
    *,
    limits: Limits = DEFAULT_LIMITS,
    cache: Cache | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    label: Callable[[Path], str] = display_path,
) -> tuple[Coverage, Catalogue]:
    """The coverage of the catalogue at ``root`` and its catalogue-wide context."""
    plan = plan_files(root)
    cat = load_global(root, plan, limits=limits, label=label)
    cov = coverage_from(
        cat, plan, unit, limits=limits, cache=cache, jobs=jobs, progress=progress, label=label
    )
    return cov, cat


def coverage_from(
    cat: Catalogue,
    plan: Plan,
    unit: UnitKind = "entry",
    *,
    limits: Limits = DEFAULT_LIMITS,
    cache: Cache | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    label: Callable[[Path], str] = display_path,
    keys: dict[str, str | None] | None = None,
) -> Coverage:
    """The coverage of a catalogue whose catalogue-wide context ``cat`` is loaded
    (``keys``: its region keys, when already computed)."""
    # region files are named root-relative in the results (the cache serves any working
    # directory); ``label`` names the unreadable ones for the caller
    rel = root_relative(cat.root)
    runner: RegionRunner[RegionUnits] = RegionRunner(
        cat, plan, UnitsTask(unit), limits=limits, cache=cache, jobs=jobs, label=rel, keys=keys
    )
    bundles = len(cat.bundles)
    cov = compute(cat, unit, regions=_in_range(runner.results(progress=progress), bundles))
    cov.unread = sorted(
        {*unread_files(cat.findings), *(label(cat.root / name) for name in cov.unread)}
    )
    return cov


def _in_range(
    regions: Iterator[tuple[str, RegionUnits]], bundles: int
) -> Iterator[tuple[str, RegionUnits]]:
    """Bundle indexes refer to the catalogue-wide context the key includes; drop any
    out of range all the same (a cache entry is never trusted)."""
    for folder, data in regions:
        data.bundles = [i for i in data.bundles if i < bundles]
        yield folder, data
