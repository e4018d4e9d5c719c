"""Worked examples of every rule: a failing catalogue, its exact findings and the fix.

Each ``examples/<ID>-<slug>.yaml`` lays a few files over the small valid catalogue in
``examples/base``. The failing overlay must yield exactly the ``expect`` findings; the
``fixed`` overlay (also laid over the base) must yield none. The tests run every
example, and ``zjpaoyici rules --format markdown`` renders them into docs/rules.md, so
the reference shows what the validator really says.

An example of a K rule (case records against promises) runs ``zjpaoyici cases`` instead
of ``validate``: its ``cases`` key names the records and the case mapping among the
overlay's files, and the fewest cases a matter needs to be judged.

Overlay keys: ``files`` (path → text; ``<<REPEAT c n>>`` stands for ``c`` repeated
``n`` times), ``remove`` (base files to delete), ``encode`` (path → encoding to save
``files`` in), ``dirs`` (folders to create) and ``symlinks`` (path → link target).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from zjpaoyici.findings import Finding, Severity
from zjpaoyici.i18n import Bi

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
BASE_DIR = EXAMPLES_DIR / "base"
_REPEAT = re.compile(r"<<REPEAT (\S) (\d+)>>")


@dataclass(frozen=True, slots=True)
class Overlay:
    """Changes laid over the base catalogue."""

    files: dict[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    encode: dict[str, str] = field(default_factory=dict)
    dirs: tuple[str, ...] = ()
    symlinks: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Overlay:
        return cls(
            files=dict(data.get("files") or {}),
            remove=tuple(data.get("remove") or ()),
            encode=dict(data.get("encode") or {}),
            dirs=tuple(data.get("dirs") or ()),
            symlinks=dict(data.get("symlinks") or {}),
        )


@dataclass(frozen=True, slots=True)
class Expected:
    rule: str
    file: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class CaseRun:
    """How a K example runs ``cases``: records and mapping (catalogue-relative)."""

    records: str
    mapping: str
    min_cases: int = 1

    def args(self) -> list[str]:
        """The command line after ``zjpaoyici``."""
        return [
            *("cases", self.records, "--mapping", self.mapping),
            *("--min-cases", str(self.min_cases)),
        ]


@dataclass(frozen=True, slots=True)
class Example:
    name: str  # file stem, e.g. Q001-no-reason
    rule: str
    about: Bi
    failing: Overlay
    expect: tuple[Expected, ...]
    exit_code: int
    fixed: Overlay
    fixed_about: Bi
    cases: CaseRun | None = None


def _bi(data: Any) -> Bi:
    return Bi(str(data["zh"]), str(data["en"]))


def load_example(path: Path) -> Example:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    fixed = data.get("fixed") or {}
    return Example(
        name=path.stem,
        rule=str(data["rule"]),
        about=_bi(data["about"]),
        failing=Overlay.of(data),
        expect=tuple(
            Expected(str(e["rule"]), str(e["file"]), int(e["line"]), int(e["col"]))
            for e in data["expect"]
        ),
        exit_code=int(data.get("exit", 1)),
        fixed=Overlay.of(fixed),
        fixed_about=_bi(fixed["about"]),
        cases=CaseRun(**data["cases"]) if data.get("cases") else None,
    )


@cache
def examples() -> tuple[Example, ...]:
    """Every example, in file-name order (so grouped by rule id)."""
    return tuple(load_example(p) for p in sorted(EXAMPLES_DIR.glob("*.yaml")))


def expand(text: str) -> str:
    """The file text with ``<<REPEAT c n>>`` expanded."""
    return _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)


def materialise(overlay: Overlay, root: Path) -> None:
    """Create the base catalogue with ``overlay`` laid over it at ``root`` (must not exist)."""
    shutil.copytree(BASE_DIR, root)
    for rel in overlay.remove:
        (root / rel).unlink()
    for rel, text in overlay.files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(expand(text).encode(overlay.encode.get(rel, "utf-8")))
    for rel in overlay.dirs:
        (root / rel).mkdir(parents=True)
    for rel, dest in overlay.symlinks.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(dest, root / rel)


@dataclass(frozen=True, slots=True)
class Outcome:
    findings: tuple[tuple[Finding, Severity], ...]
    exit_code: int


@contextlib.contextmanager
def built(overlay: Overlay) -> Iterator[Path]:
    """A temporary catalogue for ``overlay``, made the working directory so that files
    are named relative to it (as when a maintainer runs zjpaoyici in the repository)."""
    with tempfile.TemporaryDirectory(prefix="zjpaoyici-example-") as tmp:
        root = Path(tmp) / "catalogue"
        materialise(overlay, root)
        with contextlib.chdir(root):
            yield root


def run(overlay: Overlay, cases: CaseRun | None = None) -> Outcome:
    """Validate the base catalogue with ``overlay`` laid over it (with ``cases``: set its
    case records against it, as ``zjpaoyici cases`` does)."""
    from zjpaoyici.ops.validate import validate_catalogue

    with built(overlay) as root:
        if cases is None:
            result, _ = validate_catalogue(root)
            return Outcome(tuple(result.findings), result.exit_code)
        from zjpaoyici.ops.cases.engines import DuckEngine
        from zjpaoyici.ops.cases.figures import analyse
        from zjpaoyici.ops.cases.mapping import load_case_mapping
        from zjpaoyici.rules.cases import Settings
        from zjpaoyici.rules.registry import REGISTRY

        mapping = load_case_mapping(Path(cases.mapping))
        settings = Settings(min_cases=cases.min_cases)
        found = analyse(root, mapping, [Path(cases.records)], DuckEngine(), settings).findings
        ranked = sorted(found, key=lambda f: (f.loc.file, f.loc.line, f.loc.col, f.rule))
        pairs = tuple((f, REGISTRY[f.rule].severity) for f in ranked)
        failing = any(s in (Severity.ERROR, Severity.WARNING) for _, s in pairs)
        return Outcome(pairs, 1 if failing else 0)


def base_text(rel: str) -> str | None:
    """A base catalogue file's text, if the base has it."""
    path = BASE_DIR / rel
    return path.read_text(encoding="utf-8") if path.is_file() else None
