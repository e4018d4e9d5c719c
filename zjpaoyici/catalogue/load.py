"""Files → documents → model: read every planned file safely and build the records.

Only reading findings arise here (Y, S, and the loader's C011 and R009); every other rule
runs over the model afterwards. Which files there are is ``paths``' job.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from zjpaoyici.catalogue import fields as elements
from zjpaoyici.catalogue.codes import ProfileError, profile_from_manifest
from zjpaoyici.catalogue.fastread import fast_read
from zjpaoyici.catalogue.model import (
    BasicMatter,
    Bundle,
    Catalogue,
    Facts,
    ImplFile,
    Limit,
    Manifest,
    Member,
    Region,
    RetiredRegion,
    Source,
)
from zjpaoyici.catalogue.paths import Plan, display_path, inside, link_loop, plan_files, split_plan
from zjpaoyici.catalogue.schemas import check_document, header_for, kind_of_header
from zjpaoyici.files.reader import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    decode_raw,
    parse_text,
    records_exceed,
    too_many_records,
)
from zjpaoyici.files.resources import sample_catalogue_dir
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.i18n import Bi
from zjpaoyici.rules import loading  # noqa: F401  (declares the rules named below)
from zjpaoyici.rules import structure as st  # the S rules' texts; declares them too
from zjpaoyici.rules import yaml_file as y  # the Y rules' texts; declares them too
from zjpaoyici.rules.registry import environment_failures, rule_id

# The rules this module reports, by id (their texts live in rules/); `rule_id` fails
# at import on an id no rule has.
CODE_PROFILE = rule_id("C011")
MISPLACED_FILE = rule_id("R009")
FILE_KIND = rule_id("S001")
MISSING_FIELD = rule_id("S002")
FILE_UNREADABLE = rule_id("Y015")
LINK_OUTSIDE = rule_id("Y016")


def read_checked(
    path: Path,
    kind: str | None,
    limits: Limits,
    root: Path | None = None,
    label: Callable[[Path], str] = display_path,
    *,
    fast: bool = False,
) -> tuple[Document | None, str | None, list[Finding]]:
    """Read ``path`` and check its structure.

    ``kind`` is what the file's place implies (``None``: trust its ``schema:`` line);
    ``label`` names the file in messages; ``fast`` tries the fast path first
    (:mod:`zjpaoyici.catalogue.fastread`), which gives the same result or declines. Returns the
    document, the kind it was checked as, and the findings.
    """
    display = label(path)
    if link_loop(path):
        reason = y.LINK_LOOP
        return None, None, [Finding(FILE_UNREADABLE, Loc(display, 1, 1), {"reason": reason})]
    if root is not None and not inside(path, root):
        target = os.path.realpath(path)
        return None, None, [Finding(LINK_OUTSIDE, Loc(display, 1, 1), {"target": target})]
    if path.is_dir():
        reason = y.A_DIRECTORY
        return None, None, [Finding(FILE_UNREADABLE, Loc(display, 1, 1), {"reason": reason})]
    try:
        text, raw, findings = decode_raw(path, display, limits)
    except OSError as exc:
        reason = Bi.same(exc.strerror or str(exc))
        return None, None, [Finding(FILE_UNREADABLE, Loc(display, 1, 1), {"reason": reason})]
    if text is None:
        return None, None, findings
    flood = records_exceed(text, display, limits)
    if flood is not None:
        return None, None, [flood]
    if fast:
        quick = fast_read(path, raw, text, display, kind, limits)
        if quick is not None:
            excess = too_many_records(quick[0], limits)
            if excess is not None:
                return None, None, [excess]
            quick[0].kind = quick[1]
            return quick[0], quick[1], []
    doc, findings = parse_text(text, path, display, limits)
    if doc is None:
        return None, None, findings
    excess = too_many_records(doc, limits)
    if excess is not None:
        return None, None, [excess]
    if not isinstance(doc.data, dict):
        findings.extend(check_document(doc, kind or "catalogue") if kind else [])
        if not kind:
            findings.append(_kind_finding(doc, None, "catalogue", missing=True))
        return doc, kind, findings
    declared_raw = doc.data.get("schema")
    declared = kind_of_header(declared_raw)
    effective = kind or declared
    if effective is None:
        findings.append(_kind_finding(doc, declared_raw, None, missing="schema" not in doc.data))
        return doc, None, findings
    if declared != effective:
        findings.append(
            _kind_finding(doc, declared_raw, effective, missing="schema" not in doc.data)
        )
        doc.data["schema"] = header_for(effective)  # checked as the kind its place implies
    findings.extend(check_document(doc, effective))
    doc.kind = effective
    return doc, effective, findings


def _kind_finding(doc: Document, declared: Any, expected: str | None, *, missing: bool) -> Finding:
    expected_header = header_for(expected) if expected else "zjpaoyici/<kind>/v1"
    if missing:
        problem = st.KIND_MISSING
        return Finding(FILE_KIND, doc.loc(()), {"problem": problem, "expected": expected_header})
    shown = str(declared)
    if expected is None:
        problem = st.KIND_UNKNOWN.fill(shown=shown)
    else:
        problem = st.KIND_MISPLACED.fill(shown=shown, expected=expected_header)
    return Finding(
        FILE_KIND, doc.loc(("schema",)), {"problem": problem, "expected": expected_header}
    )


def load_files(
    cat: Catalogue,
    files: list[tuple[Path, str, str]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    label: Callable[[Path], str] = display_path,
    progress: Callable[[int, int], None] | None = None,
) -> list[Finding]:
    """Read ``files`` (path, kind, folder) into ``cat``; returns the reading findings."""
    found: list[Finding] = []
    total = len(files)
    for index, (path, kind, folder) in enumerate(files):
        doc, checked_kind, findings = read_checked(path, kind, limits, cat.root, label, fast=True)
        if checked_kind and cat.manifest is not None and cat.manifest.elements is not None:
            findings = [f for f in findings if not _unkept_requirement(cat, checked_kind, f)]
        found.extend(findings)
        cat.io_errors += environment_failures(findings)
        if doc is None:
            cat.unparsed.append(
                next(
                    (f for f in findings if f.loc.file == label(path)),
                    Finding(FILE_UNREADABLE, Loc(label(path), 1, 1), {"reason": "—"}),
                )
            )
        else:
            if checked_kind != "implementation":  # region lists live with their region
                cat.documents.append(doc)
            if isinstance(doc.data, dict) and checked_kind:
                _build(cat, doc, checked_kind, folder)
        if progress:
            progress(index + 1, total)
    return found


def _unkept_requirement(cat: Catalogue, kind: str, finding: Finding) -> bool:
    """A missing required field of an element the catalogue does not keep: not a defect."""
    field = finding.params.get("field")
    return (
        finding.rule == MISSING_FIELD
        and isinstance(field, str)
        and not elements.field_kept(cat, kind, field)
    )


def load_global(
    root: Path,
    plan: Plan,
    *,
    limits: Limits = DEFAULT_LIMITS,
    label: Callable[[Path], str] = display_path,
) -> Catalogue:
    """The catalogue-wide context, without any region's lists (loaded one at a time)."""
    cat = Catalogue(root=root, sample=inside(root, sample_catalogue_dir()))
    global_files, regions = split_plan(plan)
    cat.folders = set(regions)
    cat.findings.extend(load_files(cat, global_files, limits=limits, label=label))
    for path in plan.misplaced:
        cat.findings.append(Finding(MISPLACED_FILE, Loc(label(path), 1, 1), {}))
    for path in plan.outside:
        target = os.path.realpath(path)
        cat.findings.append(Finding(LINK_OUTSIDE, Loc(label(path), 1, 1), {"target": target}))
    return cat


def regions_in_turn(
    cat: Catalogue,
    plan: Plan,
    folders: Iterable[str],
    reading: list[Finding],
    *,
    limits: Limits = DEFAULT_LIMITS,
    label: Callable[[Path], str] = display_path,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[str]:
    """Each of ``folders`` in turn with its implementation lists loaded into ``cat`` (a
    :func:`load_global` context), dropped again when the caller asks for the next one, so
    a bulk output's memory follows the largest region; reading findings go to ``reading``."""
    _, regions = split_plan(plan)
    chosen = list(folders)
    for done, folder in enumerate(chosen, start=1):
        reading.extend(load_files(cat, regions.get(folder, []), limits=limits, label=label))
        try:
            yield folder
        finally:
            cat.impl_files.pop(folder, None)
            if progress:
                progress(done, len(chosen))


def load_catalogue(
    root: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    label: Callable[[Path], str] = display_path,
) -> Catalogue:
    """Read every file of the catalogue at ``root`` into the model, collecting findings.

    ``label`` names files in messages (e.g. ``origin/main:catalog/...`` for a revision).
    """
    plan = plan_files(root)
    cat = load_global(root, plan, limits=limits, label=label)
    _, regions = split_plan(plan)
    files = [f for folder in sorted(regions) for f in regions[folder]]
    cat.findings.extend(load_files(cat, files, limits=limits, label=label, progress=progress))
    return cat


def _build(cat: Catalogue, doc: Document, kind: str, folder: str) -> None:
    data = doc.data
    if kind == "catalogue":
        cat.manifest = _manifest(cat, doc)
    elif kind == "regions":
        _regions(cat, doc)
    elif kind == "basic":
        _basic(cat, doc)
    elif kind in ("implementation", "defaults"):
        entries = [
            (entry, Source(doc, ("matters", i)))
            for i, entry in enumerate(_list(data.get("matters")))
            if isinstance(entry, dict) and isinstance(entry.get("code"), str)
        ]
        defaults = data.get("defaults")
        impl = ImplFile(
            kind="defaults" if kind == "defaults" else "implementation",
            folder=folder,
            region=_str(data.get("region")),
            department=_str(data.get("department")),
            agency_uscc=_str(data.get("agency_uscc")),
            defaults=defaults if isinstance(defaults, dict) else {},
            entries=entries,
            doc=doc,
        )
        target = cat.defaults if kind == "defaults" else cat.impl_files
        target.setdefault(folder, []).append(impl)
    elif kind == "bundle":
        for i, raw in enumerate(_list(data.get("bundles"))):
            if isinstance(raw, dict) and isinstance(raw.get("code"), str):
                cat.bundles.append(_bundle(raw, Source(doc, ("bundles", i))))


def _bundle(raw: Mapping[str, Any], src: Source) -> Bundle:
    members = []
    for j, m in enumerate(_list(raw.get("members"))):
        if isinstance(m, str):
            members.append(Member(m, True, src.child("members", j)))
        elif isinstance(m, dict) and isinstance(m.get("code"), str):
            members.append(
                Member(m["code"], m.get("required", True) is not False, src.child("members", j))
            )
    regions = raw.get("regions")
    return Bundle(
        code=raw["code"],
        name=_str(raw.get("name")) or raw["code"],
        lifecycle=_str(raw.get("lifecycle")) or "",
        stage=_str(raw.get("stage")) or "",
        lead_department=_str(raw.get("lead_department")) or "",
        departments=tuple(d for d in _list(raw.get("departments")) if isinstance(d, str)),
        members=members,
        regions=tuple(r for r in regions if isinstance(r, str))
        if isinstance(regions, list)
        else None,
        joint=raw.get("joint") is True,
        facts=Facts.from_values(raw),
        src=src,
    )


def _manifest(cat: Catalogue, doc: Document) -> Manifest:
    data = doc.data
    try:
        profile = profile_from_manifest(data.get("code_profile"))
    except ProfileError as exc:
        at = doc.loc(("code_profile", *exc.path), key=exc.key)
        cat.findings.append(Finding(CODE_PROFILE, at, {"problem": str(exc)}))
        profile = exc.fallback or profile_from_manifest(None)
    scope = _map(data.get("scope"))
    types = scope.get("types")
    targets = _map(data.get("targets"))
    rules = _map(data.get("rules"))
    severity = _map(rules.get("severity"))
    return Manifest(
        name=_str(data.get("name")) or cat.root.name,
        province=_str(data.get("province")) or "",
        profile=profile,
        scope_types=tuple(t for t in types if isinstance(t, str))
        if isinstance(types, list)
        else None,
        exempt=frozenset(c for c in _list(scope.get("exempt")) if isinstance(c, str)),
        targets={
            k: float(v)
            for k, v in targets.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        },
        select=tuple(s for s in _list(rules.get("select")) if isinstance(s, str)),
        ignore=tuple(s for s in _list(rules.get("ignore")) if isinstance(s, str)),
        severity={k: v for k, v in severity.items() if isinstance(v, str)},
        src=Source(doc, ()),
        elements=elements.parse(data.get("elements")),
    )


def _regions(cat: Catalogue, doc: Document) -> None:
    for i, r in enumerate(_list(doc.data.get("regions"))):
        if not isinstance(r, dict):
            continue
        code, name, level = r.get("code"), r.get("name"), r.get("level")
        if (
            isinstance(code, str)
            and isinstance(name, str)
            and level in elements.LEVELS
            and code not in cat.regions
        ):
            cat.regions[code] = Region(
                code, name, level, _str(r.get("parent")), Source(doc, ("regions", i))
            )
    for i, r in enumerate(_list(doc.data.get("retired"))):
        if isinstance(r, dict) and isinstance(r.get("code"), str):
            cat.retired[r["code"]] = RetiredRegion(
                r["code"],
                _str(r.get("name")) or "",
                tuple(s for s in _list(r.get("successors")) if isinstance(s, str)),
                Source(doc, ("retired", i)),
            )


_INHERITED = ("type", "basis", "levels", "legal_limit")


def _basic(cat: Catalogue, doc: Document) -> None:
    department = _str(doc.data.get("department")) or ""
    for i, m in enumerate(_list(doc.data.get("matters"))):
        if not isinstance(m, dict) or not isinstance(m.get("code"), str):
            continue
        main = _basic_matter(m, Source(doc, ("matters", i)), department, None, None)
        _add_basic(cat, main)
        for j, s in enumerate(_list(m.get("subs"))):
            if isinstance(s, dict) and isinstance(s.get("code"), str):
                sub = _basic_matter(s, Source(doc, ("matters", i, "subs", j)), department, main, m)
                main.subs.append(sub.code)
                _add_basic(cat, sub)


def _add_basic(cat: Catalogue, matter: BasicMatter) -> None:
    if matter.code in cat.basic:
        cat.basic_dupes.append((cat.basic[matter.code], matter))
    else:
        cat.basic[matter.code] = matter


def _basic_matter(
    raw: Mapping[str, Any],
    src: Source,
    department: str,
    main: BasicMatter | None,
    main_raw: Mapping[str, Any] | None,
) -> BasicMatter:
    def pick(key: str) -> Any:
        if key in raw or main_raw is None:
            return raw.get(key)
        return main_raw.get(key)

    basis, levels = pick("basis"), pick("levels")
    return BasicMatter(
        code=raw["code"],
        name=_str(raw.get("name")) or "",
        type=_str(pick("type")),
        basis=tuple(b for b in _list(basis) if isinstance(b, str)),
        levels=tuple(lv for lv in _list(levels) if isinstance(lv, str)),
        legal_limit=Limit.parse(pick("legal_limit")),
        department=department,
        main=main.code if main else None,
        subs=[],
        src=src,
    )


def basic_field_source(cat: Catalogue, matter: BasicMatter, key: str) -> Source:
    """Where a basic matter's (possibly inherited) field is written."""
    if matter.main is not None and key in _INHERITED:
        raw = matter.src.doc.get(matter.src.pointer)
        if isinstance(raw, dict) and key not in raw and matter.main in cat.basic:
            return cat.basic[matter.main].src.child(key)
    return matter.src.child(key)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
