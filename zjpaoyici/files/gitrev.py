"""A catalogue as it was at a git revision, read from git objects.

Nothing is checked out and neither the working tree nor the index is touched: the
catalogue's files at the revision are streamed out of ``git archive`` into a private
temporary directory (tar members are extracted with Python's ``data`` filter, so a
link or absolute path in a hostile revision cannot escape it).
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

CATALOGUE_PARTS = ("catalogue.yaml", "regions.yaml", "basic", "implementations", "bundles")


class GitError(Exception):
    """git is missing, the directory is not a repository, or the revision is unknown."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(str(exc)) from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def describe(path: Path) -> str | None:
    """The revision the files at ``path`` are at, as people name it: the nearest tag (with
    the commits since) or the short commit id, ``-dirty`` when changed since; ``None``
    outside a git repository."""
    try:
        return _git(["describe", "--tags", "--always", "--dirty"], path).strip() or None
    except GitError:
        return None


def tags_at(commit: str, cwd: Path) -> list[str]:
    """The tags that point at ``commit`` (none: an empty list)."""
    return _git(["tag", "--points-at", commit], cwd).split()


def repo_top(path: Path) -> Path:
    return Path(_git(["rev-parse", "--show-toplevel"], path).strip()).resolve()


def resolve_rev(rev: str, cwd: Path) -> str:
    """The commit a revision names (``HEAD~1``, ``origin/main``, a tag …)."""
    if rev.startswith("-"):
        raise GitError(f"not a revision: {rev}")
    return _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd).strip()


@contextmanager
def catalogue_at(rev: str, root: Path) -> Iterator[tuple[Path, Callable[[Path], str]]]:
    """Yield (the catalogue folder at ``rev``, a labeller naming files ``REV:path``)."""
    root = root.resolve()
    top = repo_top(root)
    commit = resolve_rev(rev, root)
    rel = PurePosixPath(root.relative_to(top).as_posix())
    parts = [str(rel / part) if str(rel) != "." else part for part in CATALOGUE_PARTS]
    existing = _git(["ls-tree", "--name-only", commit, "--", *parts], top).split()
    with tempfile.TemporaryDirectory(prefix="zjpaoyici-rev-") as tmp:
        tmp_path = Path(tmp)
        if existing:
            proc = subprocess.Popen(
                ["git", "archive", "--format=tar", commit, "--", *existing],
                cwd=top,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert proc.stdout is not None
            with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                archive.extractall(tmp_path, filter="data")
            if proc.wait() != 0:
                raise GitError(f"git archive {rev} failed")
        folder = tmp_path / Path(str(rel))
        folder.mkdir(parents=True, exist_ok=True)

        def label(path: Path) -> str:
            try:
                inner = path.relative_to(folder).as_posix()
            except ValueError:
                return str(path)
            return f"{rev}:{(rel / inner).as_posix()}" if str(rel) != "." else f"{rev}:{inner}"

        yield folder, label


def commit_info(rev: str, cwd: Path) -> tuple[str, str]:
    """(full commit id, committer date ISO 8601) of a revision."""
    out = _git(["show", "-s", "--format=%H%x09%cI", resolve_rev(rev, cwd)], cwd).strip()
    sha, _, date = out.partition("\t")
    return sha, date


def revisions_since(rev: str, root: Path) -> list[str]:
    """``rev`` and every later commit on HEAD that touched the catalogue, oldest first."""
    root = root.resolve()
    top = repo_top(root)
    start = resolve_rev(rev, root)
    rel = root.relative_to(top).as_posix()
    later = _git(["rev-list", "--reverse", f"{start}..HEAD", "--", rel or "."], top).split()
    return [start, *later]
