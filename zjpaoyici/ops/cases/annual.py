"""``cases --write-annual``: each entry's ``annual_cases`` set to its cases in the records,
through the round-trip writer (comments and layout kept, no other field touched). The
records are taken to cover one year; an entry without cases is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from zjpaoyici.catalogue.fields import FIELDS
from zjpaoyici.files.roundtrip import dump_text, load_text
from zjpaoyici.ops.cases.figures import CaseAnalysis

_ORDER = [f.key for f in FIELDS]
_AT = _ORDER.index("annual_cases")


@dataclass(frozen=True, slots=True)
class AnnualChange:
    """One file's text before and after, and how many entries changed in it."""

    path: Path
    label: str
    before: str
    after: str
    entries: int


def _place(entry: CommentedMap, value: int) -> None:
    """Set ``annual_cases`` in place, or insert it after the last key the schema orders
    before it (so ``fmt`` would not move it)."""
    if "annual_cases" in entry:
        entry["annual_cases"] = value
        return
    keys = list(entry)
    before = [i for i, k in enumerate(keys) if k in _ORDER and _ORDER.index(k) < _AT]
    entry.insert(before[-1] + 1 if before else len(keys), "annual_cases", value)


def annual_changes(analysis: CaseAnalysis) -> list[AnnualChange]:
    """The files whose entries' ``annual_cases`` differ from their case counts."""
    wanted: dict[Path, list[tuple[tuple[Any, ...], int, str]]] = {}
    for judged in analysis.matched:
        entry, cases = judged.entry, judged.tally.cases
        if cases and entry.facts.annual_cases != cases:
            doc = entry.src.doc
            wanted.setdefault(doc.path, []).append((entry.src.pointer, cases, doc.display))
    changes = []
    for path, edits in sorted(wanted.items()):
        before = path.read_text(encoding="utf-8-sig")
        data = load_text(before)
        changed = 0
        for pointer, cases, _ in edits:
            node: Any = data
            for step in pointer:
                node = node[step]
            if isinstance(node, CommentedMap) and node.get("annual_cases") != cases:
                _place(node, cases)
                changed += 1
        after = dump_text(data)
        if changed and after != before:
            changes.append(AnnualChange(path, edits[0][2], before, after, changed))
    return changes
