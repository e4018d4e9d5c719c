"""One validation pass over a catalogue (or loose files): load, run every rule, collect.

Findings of every file are reported together; nothing stops at the first error.
Rules are selected ruff-style: ``--select``/``--ignore`` prefixes on the command line,
and ``rules:`` in catalogue.yaml (the command line's select wins, ignores add up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.load import display_path, find_root, load_catalogue, read_checked
from zjpaoyici.model import Catalogue, Entry
from zjpaoyici.resolve import resolve_region
from zjpaoyici.rules import REGISTRY, selected_rules
from zjpaoyici.rules.registry import Rule
from zjpaoyici.yamlio import DEFAULT_LIMITS, Limits

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@dataclass(slots=True)
class Result:
    """What validation found, with each finding's severity settled."""

    name: str
    findings: list[tuple[Finding, Severity]] = field(default_factory=list)
    files: int = 0
    matters: int = 0
    entries: int = 0
    io_errors: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for _, s in self.findings if s == severity)

    @property
    def exit_code(self) -> int:
        if self.io_errors:
            return EXIT_USAGE
        failing = (Severity.ERROR, Severity.WARNING)
        return EXIT_FINDINGS if any(s in failing for _, s in self.findings) else EXIT_CLEAN


def _by_scope(enabled: set[str], scope: str) -> list[Rule]:
    return [
        r for rid, r in sorted(REGISTRY.items()) if rid in enabled and r.scope == scope and r.check
    ]


def run_rules(cat: Catalogue, enabled: set[str]) -> tuple[list[Finding], int]:
    """Every enabled model rule over ``cat``; returns findings and the entry count."""
    findings: list[Finding] = []
    for rule in _by_scope(enabled, "catalogue"):
        assert rule.check is not None
        findings.extend(rule.check(cat))
    entry_rules = _by_scope(enabled, "entry")
    region_rules = _by_scope(enabled, "region")
    per_region: list[Finding] = []
    entries = 0
    for folder in cat.region_folders():  # region by region: memory follows one region
        resolved: dict[str, Entry] = {}
        for entry in resolve_region(cat, folder):
            entries += 1
            resolved.setdefault(entry.code, entry)
            for rule in entry_rules:
                assert rule.check is not None
                findings.extend(rule.check(entry, cat))
        for rule in region_rules:
            assert rule.check is not None
            per_region.extend(rule.check(folder, resolved, cat))
    return [*findings, *fold_regions(per_region)], entries


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
        region = Bi(
            f"{first.params.get('region', '')}（另有 {more} 个区划同样）",
            f"{first.params.get('region', '')} (and {more} more regions)",
        )
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
    return sorted(out.values(), key=lambda fs: fs[0].sort_key())


def validate_catalogue(
    root: Path,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    only_files: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Result, Catalogue]:
    """Validate the catalogue at ``root``; ``only_files`` limits what is reported."""
    cat = load_catalogue(root, limits=limits, progress=progress)
    manifest = cat.manifest
    enabled = selected_rules(
        select or (manifest.select if manifest else ()),
        (*(manifest.ignore if manifest else ()), *ignore),
    )
    findings, entries = run_rules(cat, enabled)
    overrides = dict(manifest.severity) if manifest else {}
    result = Result(
        name=cat.name,
        findings=_settle([*cat.findings, *findings], enabled, overrides, only_files),
        files=len(cat.documents) + cat.io_errors,
        matters=len(cat.basic),
        entries=entries,
        io_errors=cat.io_errors,
    )
    return result, cat


def validate_loose_files(
    paths: Sequence[Path],
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> Result:
    """Check files outside any catalogue: reading and structure (Y, S) only."""
    enabled = selected_rules(select, ignore)
    findings: list[Finding] = []
    io_errors = 0
    for path in paths:
        _, _, found = read_checked(path, None, limits)
        io_errors += sum(1 for f in found if f.rule == "Y015")
        findings.extend(found)
    return Result(
        name=", ".join(display_path(p) for p in paths),
        findings=_settle(findings, enabled, {}, None),
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
