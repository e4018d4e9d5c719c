"""One validation pass over a catalogue (or loose files): load, run every rule, collect.

Findings of every file are reported together; nothing stops at the first error.
Rules are selected ruff-style: ``--select``/``--ignore`` prefixes on the command line,
and ``rules:`` in catalogue.yaml (the command line's select wins, ignores add up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from zjpaoyici.catalogue.load import load_global, read_checked
from zjpaoyici.catalogue.model import Catalogue, Entry
from zjpaoyici.catalogue.paths import Plan, display_path, find_root, plan_files, root_relative
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from zjpaoyici.files.reader import DEFAULT_LIMITS, Limits
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import both
from zjpaoyici.ops.codec import CodecError, decode_findings, encode_finding, relabel
from zjpaoyici.ops.stats.collect import UnitsTask
from zjpaoyici.ops.stats.figures import region_data as units_of
from zjpaoyici.ops.suppress import Suppressed, apply_comments
from zjpaoyici.rules.registry import (
    checks_for,
    environment_failures,
    omitted_count,
    omitted_summary,
    unread_files,
)
from zjpaoyici.rules.ruleset import REGISTRY, selected_rules
from zjpaoyici.runner.cache import Cache, read_bounded
from zjpaoyici.runner.engine import RegionRunner

MAX_PER_RULE = 200  # findings of one rule in one file listed one by one (0: all)
UNITS_TASK = UnitsTask("entry")


@dataclass(slots=True)
class Result:
    """What validation found, with each finding's severity settled; ``suppressed`` holds
    the findings a comment or the baseline leaves out of the verdict."""

    name: str
    findings: list[tuple[Finding, Severity]] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    baseline: bool = False  # a baseline was applied (SARIF then marks every result)
    files: int = 0
    matters: int = 0
    entries: int = 0
    io_errors: int = 0

    def count(self, severity: Severity) -> int:
        """Findings of ``severity``, counting those a summary stands for."""
        return sum(omitted_count(f) or 1 for f, s in self.findings if s == severity)

    @property
    def exit_code(self) -> int:
        if self.io_errors:
            return EXIT_USAGE
        failing = (Severity.ERROR, Severity.WARNING)
        return EXIT_FINDINGS if any(s in failing for _, s in self.findings) else EXIT_OK


def global_rules(cat: Catalogue, enabled: set[str]) -> list[Finding]:
    """The catalogue-wide checks (basic catalogue, regions, manifest, defaults, bundles)."""
    return [f for fn in checks_for(enabled, "catalogue") for f in fn(cat)]


@dataclass(slots=True)
class RegionCheck:
    """What one region's pass found: per-entry findings, region-scope findings (folded
    across regions afterwards) and how many entries it resolved."""

    entry_findings: list[Finding]
    region_findings: list[Finding]
    entries: int


def region_rules(
    cat: Catalogue, folder: str, enabled: set[str], entries_of: Iterable[Entry] | None = None
) -> RegionCheck:
    """The checks of one region whose lists are loaded (or of its already resolved
    ``entries_of``): each entry, then the region."""
    entry_checks = checks_for(enabled, "entry")
    findings: list[Finding] = []
    resolved: dict[str, Entry] = {}
    entries = 0
    for entry in resolve_region(cat, folder) if entries_of is None else entries_of:
        entries += 1
        resolved.setdefault(entry.code, entry)
        for fn in entry_checks:
            findings.extend(fn(entry, cat))
    per_region = [f for fn in checks_for(enabled, "region") for f in fn(folder, resolved, cat)]
    return RegionCheck(findings, per_region, entries)


def fold_regions(findings: list[Finding]) -> list[Finding]:
    """One finding per place for region rules: a bundle line wrong in 14 regions is one
    problem; the message names the first region and how many more share it."""
    groups: dict[tuple[str, Loc], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.loc), []).append(f)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            out.append(first)
            continue
        more = len(group) - 1
        region = both("fold_region", region=first.params.get("region", ""), more=more)
        related = tuple(dict.fromkeys(r for f in group for r in f.related))[:10]
        out.append(
            Finding(first.rule, first.loc, {**first.params, "region": region}, related=related)
        )
    return out


def _settle(
    findings: Iterable[Finding],
    enabled: set[str],
    overrides: dict[str, str],
    only_files: set[str] | None,
    per_rule: int = MAX_PER_RULE,
) -> list[tuple[Finding, Severity]]:
    out: dict[tuple[object, ...], tuple[Finding, Severity]] = {}
    for f in findings:
        if f.rule not in enabled:
            continue
        if only_files is not None and f.loc.file not in only_files:
            continue
        severity = Severity(overrides[f.rule]) if f.rule in overrides else REGISTRY[f.rule].severity
        key = (f.rule, f.loc, tuple(sorted((k, str(v)) for k, v in f.params.items())))
        out.setdefault(key, (replace(f), severity))
    return cap_per_rule(sorted(out.values(), key=lambda fs: fs[0].sort_key()), per_rule)


def cap_per_rule(
    findings: list[tuple[Finding, Severity]], limit: int
) -> list[tuple[Finding, Severity]]:
    """At most ``limit`` findings of one rule in one file, in order; the rest become one
    finding saying how many more there are (a flood stays readable and small)."""
    if limit <= 0:
        return findings
    seen: dict[tuple[str, str], int] = {}
    out: list[tuple[Finding, Severity]] = []
    first_extra: dict[tuple[str, str], tuple[int, Finding, Severity]] = {}
    for finding, severity in findings:
        key = (finding.rule, finding.loc.file)
        count = seen.get(key, 0) + 1
        seen[key] = count
        if count <= limit:
            out.append((finding, severity))
        elif count == limit + 1:
            first_extra[key] = (len(out), finding, severity)
            out.append((finding, severity))  # placeholder, replaced below
    for key, (at, finding, severity) in first_extra.items():
        out[at] = (omitted_summary(finding.rule, finding.loc, seen[key] - limit), severity)
    return out


@dataclass(slots=True)
class RegionValidation:
    """One region's validation: reading, entry and region-scope findings, counts."""

    reading: list[Finding]
    entry: list[Finding]
    region: list[Finding]
    entries: int
    files: int


@dataclass(slots=True)
class ValidateTask:
    """The engine task behind ``validate``: read, resolve and check one region."""

    enabled: frozenset[str]

    @property
    def key(self) -> tuple[Any, ...]:
        return ("validate", sorted(self.enabled))

    def run(self, cat: Catalogue, folder: str, reading: list[Finding], files: int) -> Any:
        entries = list(resolve_region(cat, folder))
        units = units_of(cat, folder, "entry", entries)
        units.unread = unread_files(reading)
        check = region_rules(cat, folder, set(self.enabled), entries)
        return {
            "reading": [encode_finding(f) for f in reading],
            "entry": [encode_finding(f) for f in check.entry_findings],
            "region": [encode_finding(f) for f in check.region_findings],
            "entries": check.entries,
            "files": files,
            # what ``report`` and ``diff`` need of this region, from the same resolve:
            # stored under their own key, so a report after a validate is warm
            "side": [[list(UNITS_TASK.key), UNITS_TASK.encode(units)]],
        }

    def decode(self, data: Any) -> RegionValidation:
        if not isinstance(data, dict):
            raise CodecError("bad region result")
        entries, files = data.get("entries"), data.get("files")
        if type(entries) is not int or type(files) is not int:
            raise CodecError("bad region result")
        return RegionValidation(
            decode_findings(data.get("reading")),
            decode_findings(data.get("entry")),
            decode_findings(data.get("region")),
            entries,
            files,
        )

    def fresh(self, data: Any) -> RegionValidation:
        return self.decode(data)


def validate_catalogue(
    root: Path,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    only_files: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: Cache | None = None,
    jobs: int | None = None,
    max_per_rule: int = MAX_PER_RULE,
) -> tuple[Result, Catalogue]:
    """Validate the catalogue at ``root``; ``only_files`` limits what is reported.

    The catalogue-wide files are read and checked once; then each region is read,
    resolved, checked and dropped (or taken from ``cache``), on ``jobs`` processes.
    The returned catalogue holds the catalogue-wide context only.
    """
    plan = plan_files(root)
    rel = root_relative(root)
    cat = load_global(root, plan, limits=limits, label=rel)
    manifest = cat.manifest
    enabled = selected_rules(
        select or (manifest.select if manifest else ()),
        (*(manifest.ignore if manifest else ()), *ignore),
    )
    findings = [*cat.findings, *global_rules(cat, enabled)]
    per_region: list[Finding] = []
    entries = 0
    runner: RegionRunner[RegionValidation] = RegionRunner(
        cat,
        plan,
        ValidateTask(frozenset(enabled)),
        limits=limits,
        cache=cache,
        jobs=jobs,
        label=rel,
    )
    for _, region in runner.results(_folders_for(plan, only_files), progress=progress):
        findings.extend(region.reading)
        findings.extend(region.entry)
        per_region.extend(region.region)
        entries += region.entries
    labels = {rel(path): display_path(path) for path, _, _ in plan.files}
    labels.update({rel(path): display_path(path) for path in (*plan.misplaced, *plan.outside)})
    shown = [
        relabel(f, lambda name: labels.get(name, name))
        for f in [*findings, *fold_regions(per_region)]
    ]
    overrides = dict(manifest.severity) if manifest else {}
    io_errors = environment_failures(shown)
    settled = _settle(shown, enabled, overrides, only_files, max_per_rule)
    kept, suppressed, bare = apply_comments(settled, _read_text)
    if bare:  # comments without a reason: reported, and they suppress nothing
        kept = sorted(
            [*kept, *_settle(bare, enabled, overrides, only_files, 0)],
            key=lambda fs: fs[0].sort_key(),
        )
    result = Result(
        name=cat.name,
        findings=kept,
        suppressed=suppressed,
        files=len(plan.files),
        matters=len(cat.basic),
        entries=entries,
        io_errors=io_errors,
    )
    return result, cat


def _folders_for(plan: Plan, only_files: set[str] | None) -> list[str] | None:
    """The region folders whose findings can be reported: with only implementation files
    asked for (the pre-commit call), their regions alone; else every region (``None``)."""
    if only_files is None:
        return None
    folders: set[str] = set()
    for path, kind, folder in plan.files:
        if display_path(path) in only_files:
            if kind != "implementation":
                return None  # a catalogue-wide or defaults file: every region may report it
            folders.add(folder)
    return sorted(folders)


def _read_text(file: str) -> str | None:
    """A reported file's text, for its suppression comments (``None``: unreadable)."""
    raw = read_bounded(Path(file), DEFAULT_LIMITS.max_file_bytes)  # regular files only
    return None if raw is None else raw.decode("utf-8", "replace")


def validate_loose_files(
    paths: Sequence[Path],
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    max_per_rule: int = MAX_PER_RULE,
) -> Result:
    """Check files outside any catalogue: reading and structure (Y, S) only."""
    enabled = selected_rules(select, ignore)
    findings: list[Finding] = []
    io_errors = 0
    for path in paths:
        _, _, found = read_checked(path, None, limits)
        io_errors += environment_failures(found)
        findings.extend(found)
    return Result(
        name=", ".join(display_path(p) for p in paths),
        findings=_settle(findings, enabled, {}, None, max_per_rule),
        files=len(paths),
        io_errors=io_errors,
    )


def group_targets(
    paths: Sequence[Path],
) -> tuple[dict[Path, set[str] | None], list[Path], list[Path]]:
    """Sort command-line paths into catalogues (with files to report), loose files, missing."""
    catalogues: dict[Path, set[str] | None] = {}
    loose: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            missing.append(path)
            continue
        root = find_root(path)
        if root is None:
            if path.is_dir():
                missing.append(path)
            else:
                loose.append(path)
            continue
        if path.is_dir():
            catalogues[root] = None  # whole catalogue
        elif root not in catalogues or catalogues[root] is not None:
            files = catalogues.get(root) or set()
            files.add(display_path(path.absolute()))
            catalogues[root] = files
    return catalogues, loose, missing


def combine(results: list[Result]) -> Result:
    """One result for several catalogues or loose files validated in one run."""
    if len(results) == 1:
        return results[0]
    combined = Result(name=" + ".join(r.name for r in results))
    for r in results:
        combined.findings.extend(r.findings)
        combined.suppressed.extend(r.suppressed)
        combined.files += r.files
        combined.matters += r.matters
        combined.entries += r.entries
        combined.io_errors += r.io_errors
    return combined
