"""Ordinary write failures are the environment's, not ours: exit 2 with the path and the
operating system's reason in the chosen language, no traceback, originals intact and no
temporary file left behind (issue 16). Run as real processes; a full disk and a
read-only file system are real tmpfs mounts where the tests may mount (CI runs as root),
and permission problems are real too: as root, the process drops the capabilities that
let root ignore file permissions."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from zjpaoyici.files.atomic import TEMP_SUFFIX

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
# Without these capabilities root obeys file modes like any other user.
DROP = ["--bounding-set", "-dac_override,-dac_read_search,-fowner,-linux_immutable"]


def run(*args: str, cwd: Path, lang: str = "en", unprivileged: bool = False) -> tuple[int, str]:
    prefix: list[str] = []
    if unprivileged and IS_ROOT:
        if SETPRIV is None:
            pytest.skip("running as root without setpriv: cannot drop the override capability")
        prefix = [SETPRIV, *DROP]
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "zjpaoyici", *args, "--lang", lang],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    return proc.returncode, proc.stdout + proc.stderr


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes (temporary files included)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def uncanonical(path: Path) -> None:
    """Make ``path`` a file ``fmt`` rewrites (a code in single quotes)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith('- code: "'))
    lines[at] = lines[at].replace('"', "'")
    path.write_text("\n".join(lines), encoding="utf-8")


def assert_clean_failure(code: int, out: str, path: str) -> None:
    assert code == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert path in out, out


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "cat"
    shutil.copytree(REPO / "catalog", root)
    return root


def test_output_into_a_missing_folder(catalogue: Path, tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "x.sarif"
    code, out = run(
        "validate", str(catalogue), "--format", "sarif", "-o", str(target), cwd=tmp_path
    )
    assert_clean_failure(code, out, str(target))
    assert "No such file or directory" in out
    assert not target.parent.exists()


def test_output_naming_a_folder_in_chinese(catalogue: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    code, out = run("report", str(catalogue), "-o", str(folder), cwd=tmp_path, lang="zh")
    assert_clean_failure(code, out, str(folder))
    assert "这是一个文件夹，不是文件" in out and "没有文件被改动" in out
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "--format", "json"),
        ("report", "--format", "markdown"),
        ("explode", "--format", "csv"),
        ("export", "--format", "xlsx"),
    ],
    ids=lambda c: c[0],
)
def test_output_into_a_read_only_folder(
    catalogue: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "out.file"
    code, out = run(
        command[0], str(catalogue), *command[1:], "-o", str(target), cwd=tmp_path, unprivileged=True
    )
    folder.chmod(0o755)
    assert_clean_failure(code, out, str(target))
    assert "Permission denied" in out
    assert list(folder.iterdir()) == []


def test_fmt_in_an_unwritable_folder_changes_nothing(catalogue: Path, tmp_path: Path) -> None:
    region = catalogue / "implementations" / "330106"
    uncanonical(next(region.glob("*.yaml")))
    uncanonical(next((catalogue / "implementations" / "330100").glob("*.yaml")))
    before = snapshot(catalogue)
    region.chmod(0o555)
    try:
        code, out = run("fmt", str(catalogue), cwd=tmp_path, unprivileged=True)
    finally:
        region.chmod(0o755)
    assert_clean_failure(code, out, "330106")
    assert "Permission denied" in out and "No file was changed" in out
    assert snapshot(catalogue) == before  # 330100's file is not rewritten either


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small real tmpfs at ``where`` (skips, with the reason, where mounting is not allowed)."""
    where.mkdir()
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "--format", "sarif"),
        ("report", "--format", "html"),
        ("explode", "--format", "csv"),
        ("export", "--format", "xlsx"),
    ],
    ids=lambda c: c[0],
)
def test_a_full_disk(catalogue: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    with tmpfs(tmp_path / "small", "8k") as disk:
        (disk / "filler").write_bytes(b"x" * 4096)
        target = disk / "out.file"
        code, out = run(command[0], str(catalogue), *command[1:], "-o", str(target), cwd=tmp_path)
        assert_clean_failure(code, out, str(target))
        assert "No space left on device" in out
        assert "Exception ignored" not in out
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_fmt_on_a_full_disk_replaces_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "2m") as disk:
        catalogue = disk / "cat"
        shutil.copytree(REPO / "catalog", catalogue)
        for path in sorted((catalogue / "implementations").rglob("*.yaml"))[:40]:
            uncanonical(path)
        before = snapshot(catalogue)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"x" * max(free - 16 * 1024, 0))
        code, out = run("fmt", str(catalogue), cwd=tmp_path)
        assert_clean_failure(code, out, str(catalogue))
        assert "No space left on device" in out and "No file was changed" in out
        assert snapshot(catalogue) == before
        assert not [p for p in disk.rglob(f"*{TEMP_SUFFIX}")]


def test_fmt_on_a_read_only_file_system(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        catalogue = disk / "cat"
        shutil.copytree(REPO / "catalog", catalogue)
        uncanonical(next((catalogue / "implementations" / "330106").glob("*.yaml")))
        before = snapshot(catalogue)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        code, out = run("fmt", str(catalogue), cwd=tmp_path, lang="zh")
        assert_clean_failure(code, out, "330106")
        assert "文件系统是只读的" in out
        assert snapshot(catalogue) == before
