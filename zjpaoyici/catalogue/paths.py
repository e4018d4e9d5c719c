"""Where a catalogue's files are: find its root, list its files with the kind their place
implies (the plan), and name paths for people. Nothing here reads a file's content.

The standard layout::

    catalogue.yaml  regions.yaml  basic/*.yaml  bundles/*.yaml
    implementations/<region>/*.yaml  implementations/<region>/_defaults.yaml
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "catalogue.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
DEFAULTS_PREFIX = "_defaults"  # _defaults.yaml, or _defaults-<dept>.yaml per department


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``catalogue.yaml``."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / MANIFEST).is_file():
            return candidate
    return None


def root_relative(root: Path) -> Callable[[Path], str]:
    """A labeller naming files by their path inside ``root`` (``basic/scjg.yaml``): the
    engine's labels, independent of the working directory."""

    def label(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    return label


def display_path(path: Path) -> str:
    """How a path is shown in messages: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        try:
            rel = os.path.relpath(path)
        except ValueError:  # pragma: no cover - other drive on Windows
            return str(path)
        return rel if not rel.startswith("..") else str(path)


@dataclass(slots=True)
class Plan:
    """The files of a catalogue with the kind their place implies."""

    files: list[tuple[Path, str, str]] = field(default_factory=list)  # path, kind, folder
    misplaced: list[Path] = field(default_factory=list)
    outside: list[Path] = field(default_factory=list)  # folders linked from outside


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith(YAML_SUFFIXES))


def plan_files(root: Path) -> Plan:
    plan = Plan()
    plan.files.append((root / MANIFEST, "catalogue", ""))
    regions = root / "regions.yaml"
    if regions.exists() or regions.is_symlink():
        plan.files.append((regions, "regions", ""))
    for sub, kind in (("basic", "basic"), ("bundles", "bundle")):
        folder = root / sub
        plan.files.extend((p, kind, "") for p in _yaml_files(folder))
        if folder.is_dir():
            plan.misplaced.extend(
                p
                for p in folder.iterdir()
                if p.is_dir() and not p.name.startswith(".") and not p.name.endswith(YAML_SUFFIXES)
            )
    impl = root / "implementations"
    if impl.is_dir():
        for child in sorted(impl.iterdir()):
            if child.name.startswith("."):
                continue
            if child.is_symlink() and child.is_dir() and not inside(child, root):
                plan.outside.append(child)  # a region folder linked from elsewhere: Y016
                continue
            if child.is_dir():
                for p in _yaml_files(child):
                    kind = "defaults" if p.stem.startswith(DEFAULTS_PREFIX) else "implementation"
                    plan.files.append((p, kind, child.name))
                plan.misplaced.extend(
                    q
                    for q in child.iterdir()
                    if q.is_dir()
                    and not q.name.startswith(".")
                    and not q.name.endswith(YAML_SUFFIXES)
                )
            elif child.name.endswith(YAML_SUFFIXES):
                plan.misplaced.append(child)
    return plan


def link_loop(path: Path) -> bool:
    """Whether ``path`` is a symbolic link that never reaches a file (a loop)."""
    if not path.is_symlink():
        return False
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links resolved, lies under ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def split_plan(
    plan: Plan,
) -> tuple[list[tuple[Path, str, str]], dict[str, list[tuple[Path, str, str]]]]:
    """The catalogue-wide files (manifest, regions, basic, bundles, every ``_defaults*``)
    and, per region folder, its implementation lists."""
    global_files = [f for f in plan.files if f[1] != "implementation"]
    regions: dict[str, list[tuple[Path, str, str]]] = {}
    for f in plan.files:
        if f[1] == "implementation":
            regions.setdefault(f[2], []).append(f)
    return global_files, regions
