"""Files and folders for :mod:`zjpaoyici.ops.merge.combine`: read safely, merge, locate conflicts, write.

Every input is first read by the safe reader (so a hostile file is refused before the
round-trip parser sees it) and kept as a located document, so each side of a conflict
can be named by file, line and column.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjpaoyici.catalogue.load import read_checked
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.files.atomic import write_files
from zjpaoyici.files.reader import DEFAULT_LIMITS, Document, Limits
from zjpaoyici.files.roundtrip import dump_text, load_text
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.ops.merge.combine import (
    Conflict,
    combine,
    merge3,
    render_with_conflicts,
    resolve_steps,
)
from zjpaoyici.rules.registry import blocks_rewrite


class InputError(Exception):
    """An input cannot be merged; ``findings`` say why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(", ".join(f.rule for f in findings))
        self.findings = findings


@dataclass(slots=True)
class Side:
    """One side of a conflict: its label, the value, and where it is written."""

    label: str
    value: Any
    loc: Loc | None


@dataclass(slots=True)
class LocatedConflict:
    file: str  # the output file the conflict belongs to
    where: str
    sides: list[Side]


@dataclass(slots=True)
class MergeOutcome:
    """What a merge produced: texts to write per output path, and the conflicts."""

    outputs: dict[Path, str] = field(default_factory=dict)
    copies: dict[Path, Path] = field(default_factory=dict)
    conflicts: list[LocatedConflict] = field(default_factory=list)


def _read(path: Path, limits: Limits) -> tuple[Document | None, str]:
    """The located document (None for an empty file) and the text of one input."""
    if path.exists() and path.is_file() and path.stat().st_size == 0:
        return None, ""
    doc, _, findings = read_checked(path, None, limits)
    blocking = [f for f in findings if blocks_rewrite(f)]
    if doc is None or blocking:
        raise InputError(blocking or findings)
    return doc, path.read_text(encoding="utf-8-sig")


def _locate(doc: Document | None, conflict: Conflict) -> Loc | None:
    """Where the conflicting value stands in ``doc``, or its nearest surviving parent."""
    if doc is None:
        return None
    steps = list(conflict.steps)
    while steps:
        pointer = resolve_steps(doc.data, steps)
        if pointer is not None:
            return doc.loc(pointer)
        steps.pop()
    return doc.loc(())


def combine_files(
    inputs: list[Path], output: Path, prefer: str | None, limits: Limits = DEFAULT_LIMITS
) -> MergeOutcome:
    """Merge several files of one kind into ``output``."""
    docs, trees = [], []
    for path in inputs:
        doc, text = _read(path, limits)
        docs.append(doc)
        trees.append(load_text(text) if text else None)
    present = [(d, t, p) for d, t, p in zip(docs, trees, inputs, strict=True) if t is not None]
    outcome = MergeOutcome()
    if not present:
        outcome.outputs[output] = ""
        return outcome
    result = combine([t for _, t, _ in present], prefer)
    for conflict in result.conflicts:
        sides = []
        for label in ("A", "B"):
            index = conflict.owners[label]
            doc = present[index][0]
            sides.append(
                Side(
                    display_path(present[index][2].absolute()),
                    conflict.values[label],
                    _locate(doc, conflict),
                )
            )
        outcome.conflicts.append(
            LocatedConflict(display_path(output.absolute()), conflict.where, sides)
        )
    outcome.outputs[output] = dump_text(result.tree)
    return outcome


def combine_dirs(
    inputs: list[Path], output: Path, prefer: str | None, limits: Limits = DEFAULT_LIMITS
) -> MergeOutcome:
    """Merge catalogue folders file by file (same relative path = same file)."""
    outcome = MergeOutcome()
    relatives: dict[Path, list[Path]] = {}
    for folder in inputs:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(
                part.startswith(".") for part in path.relative_to(folder).parts
            ):
                relatives.setdefault(path.relative_to(folder), []).append(path)
    for rel, paths in relatives.items():
        target = output / rel
        if rel.suffix in (".yaml", ".yml") and len(paths) > 1:
            part = combine_files(paths, target, prefer, limits)
            outcome.outputs.update(part.outputs)
            outcome.conflicts.extend(part.conflicts)
        else:
            outcome.copies[target] = paths[0]
    return outcome


def write_outcome(outcome: MergeOutcome) -> None:
    """Write every output as one batch (folders created as needed): all are prepared
    before any is replaced."""
    files: list[tuple[Path, bytes]] = [(t, x.encode("utf-8")) for t, x in outcome.outputs.items()]
    for target, source in outcome.copies.items():
        if target.resolve() == source.resolve():
            continue
        files.append((target, source.read_bytes()))
    write_files(files)


@dataclass(slots=True)
class Merge3Outcome:
    text: str
    conflicts: list[LocatedConflict]
    fallback: bool = False


def merge3_files(
    base: Path,
    ours: Path,
    theirs: Path,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Merge3Outcome:
    """Three-way merge of one file; falls back to git's line merge if a side is not YAML."""
    shown = name or display_path(ours.absolute())
    try:
        sides = [_read(p, limits) for p in (base, ours, theirs)]
    except InputError:
        return _line_merge(base, ours, theirs, shown)
    (base_doc, base_text), (ours_doc, ours_text), (theirs_doc, theirs_text) = sides
    trees = [load_text(t) if t else None for t in (base_text, ours_text, theirs_text)]
    if trees[1] is None or trees[2] is None:
        return _line_merge(base, ours, theirs, shown)
    result = merge3(trees[0], trees[1], trees[2])
    conflicts = [
        LocatedConflict(
            shown,
            c.where,
            [
                Side("ours", c.values["ours"], _locate(ours_doc, c)),
                Side("base", c.values["base"], _locate(base_doc, c)),
                Side("theirs", c.values["theirs"], _locate(theirs_doc, c)),
            ],
        )
        for c in result.conflicts
    ]
    return Merge3Outcome(render_with_conflicts(result), conflicts)


def _line_merge(base: Path, ours: Path, theirs: Path, shown: str) -> Merge3Outcome:
    """git merge-file --diff3 on the raw texts (used when a side cannot be read as YAML)."""
    try:
        proc = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                "--diff3",
                "-L",
                "ours",
                "-L",
                "base",
                "-L",
                "theirs",
                str(ours),
                str(base),
                str(theirs),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        text = proc.stdout.decode("utf-8", errors="replace")
        clean = proc.returncode == 0
    except (OSError, subprocess.SubprocessError):
        text, clean = ours.read_text(encoding="utf-8", errors="replace"), False
    conflicts = [] if clean else [LocatedConflict(shown, "(file)", [])]
    return Merge3Outcome(text, conflicts, fallback=True)
