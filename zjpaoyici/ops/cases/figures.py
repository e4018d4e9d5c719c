"""Case figures matched to the catalogue: per entry, per region, department, type and
level, the cases whose matter is not in the catalogue, the volume-weighted 最多跑一次
share per level (as promised and as handled), and the K-family findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zjpaoyici.catalogue.fields import LEVELS
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.model import Catalogue, Entry
from zjpaoyici.catalogue.resolve import resolve_all
from zjpaoyici.findings import Finding
from zjpaoyici.ops.cases.engines import MATTER_KEYS, Engine, Source, case_files
from zjpaoyici.ops.cases.mapping import CaseMapping, personal_column
from zjpaoyici.ops.cases.tally import COUNTS, CaseTally, VolumeShare
from zjpaoyici.rules.cases import Judged, Settings, Unmatched, promise_findings

GROUPS = ("level", "region", "department", "type")
Key = tuple[str | None, ...]


@dataclass(slots=True)
class CaseAnalysis:
    name: str
    engine: str
    files: int
    overall: CaseTally = field(default_factory=CaseTally)
    matched: list[Judged] = field(default_factory=list)  # every entry, with or without cases
    unmatched: list[Unmatched] = field(default_factory=list)
    groups: dict[str, dict[str, CaseTally]] = field(default_factory=dict)
    volume: dict[str, VolumeShare] = field(default_factory=dict)  # by level, in LEVELS
    gap_years: list[int] = field(default_factory=list)
    # the first and last day cases came in (received, else completed; None: no day)
    period: tuple[dt.date, dt.date] | None = None
    ignored_columns: list[str] = field(default_factory=list)
    skipped_files: list[Path] = field(default_factory=list)  # another format, in a folder
    findings: list[Finding] = field(default_factory=list)


def _index(entries: list[Entry]) -> dict[Key, list[Entry]]:
    """Entries by implementation code, by (region, code, agency) and by (region, code);
    a handling item's implementation code or full code (事项编码-01) names its entry."""
    index: dict[Key, list[Entry]] = {}
    for e in entries:
        codes = [e.code, *(item.full_code for item in e.items)]
        impls = [
            e.implementation_code,
            *(item.values.get("implementation_code") for item in e.items),
        ]
        for impl in {str(i) for i in impls if i}:
            index.setdefault(("impl", impl), []).append(e)
        for code in dict.fromkeys(codes):
            index.setdefault(("agency", e.region, code, e.agency), []).append(e)
            index.setdefault(("region", e.region, code), []).append(e)
    return index


def _match(index: dict[Key, list[Entry]], key: Key) -> Entry | None:
    impl, region, code, agency = key
    for probe in (("impl", impl), ("agency", region, code, agency), ("region", region, code)):
        if None in probe:
            continue
        found = index.get(probe, [])
        if len(found) == 1:
            return found[0]
    return None


def analyse(
    root: Path,
    mapping: CaseMapping,
    sources: Sequence[Source],
    engine: Engine,
    settings: Settings,
    *,
    engine_name: str = "duckdb",
    cat: Catalogue | None = None,
) -> CaseAnalysis:
    """Run the analysis on the records in ``sources`` and set it against the catalogue."""
    fmt, files, skipped = case_files(sources, mapping.format)
    rows = engine.run(mapping, fmt, files)
    cat = cat or load_catalogue(root)
    entries = list(resolve_all(cat))
    index = _index(entries)
    result = CaseAnalysis(cat.name, engine_name, len(files))
    result.ignored_columns = [c for c in rows.columns if personal_column(c)]
    result.skipped_files = skipped
    width = len(MATTER_KEYS)
    tallies: dict[int, CaseTally] = {}
    unmatched: dict[Key, Unmatched] = {}
    for row in rows.matters:
        key: Key = tuple(None if v is None else str(v) for v in row[:width])
        counts = row[width : width + len(COUNTS)]
        first_day, last_day, first, last = row[width + len(COUNTS) :]
        if first_day is not None and last_day is not None:
            known = result.period or (first_day, last_day)
            result.period = (min(known[0], first_day), max(known[1], last_day))
        entry = _match(index, key)
        tally = CaseTally()
        tally.add_counts(counts)
        result.overall.add_counts(counts)
        if entry is None:
            miss = unmatched.setdefault(key, Unmatched(key, 0, []))
            miss.cases += tally.cases
            miss.examples = sorted({*miss.examples, *(str(i) for i in (first, last) if i)})[:3]
        else:
            tallies.setdefault(id(entry), CaseTally()).merge(tally)
    gaps: set[int] = set()
    for row in rows.elapsed:
        key = tuple(None if v is None else str(v) for v in row[:width])
        working, natural, gap_year, count = row[width:]
        entry = _match(index, key)
        if working is None or natural is None:
            if gap_year is not None:
                gaps.add(int(gap_year))
            result.overall.uncovered += int(count)
            if entry is not None:
                tallies.setdefault(id(entry), CaseTally()).uncovered += int(count)
            continue
        result.overall.elapsed[(int(working), int(natural))] += int(count)
        if entry is not None:
            t = tallies.setdefault(id(entry), CaseTally())
            t.elapsed[(int(working), int(natural))] += int(count)
            limit = entry.facts.promised_limit
            if limit is not None:
                t.limit_known += int(count)
                taken = working if limit.unit == "working" else natural
                t.overdue += int(count) if int(taken) > limit.days else 0
    result.gap_years = sorted(gaps)
    result.unmatched = sorted(unmatched.values(), key=lambda u: (-u.cases, str(u.key)))
    for e in entries:
        matter = cat.basic.get(e.code)
        region = cat.regions.get(e.region)
        tally = tallies.get(id(e), CaseTally())
        result.matched.append(
            Judged(
                e,
                matter.name if matter else e.code,
                matter.type if matter else None,
                region.level if region else "unknown",
                tally,
            )
        )
        result.overall.overdue += tally.overdue
        result.overall.limit_known += tally.limit_known
    _group(result)
    result.findings = list(promise_findings(result.matched, result.unmatched, settings, files[0]))
    return result


def _group(result: CaseAnalysis) -> None:
    result.groups = {g: {} for g in GROUPS}
    result.volume = {level: VolumeShare() for level in LEVELS}
    for j in result.matched:
        keys = {
            "level": j.level,
            "region": j.entry.region,
            "department": j.entry.department,
            "type": j.type or "",
        }
        for group, key in keys.items():
            result.groups[group].setdefault(key, CaseTally()).merge(j.tally)
        share = result.volume.setdefault(j.level, VolumeShare())
        share.cases += j.tally.cases
        if j.entry.visits is not None:
            share.promised_known += j.tally.cases
            share.promised_met += j.tally.cases if j.entry.visits <= 1 else 0
        share.handled_known += j.tally.visits_known
        share.handled_met += j.tally.at_most_one
    result.volume = {k: v for k, v in result.volume.items() if v.cases}
