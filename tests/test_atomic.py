"""Writes are atomic: a write interrupted half-way leaves the original file as it was."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA
from zjpaoyici.files import atomic as fsutil


class Interrupted(RuntimeError):
    pass


class HalfWriter(io.BufferedWriter):
    """Writes the first half of what it is given, then fails (a crash mid-write)."""

    def write(self, data: Any) -> int:
        super().write(bytes(data[: len(data) // 2]))
        self.flush()
        raise Interrupted("killed mid-write")


def fail_half_way(monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = fsutil.os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        raw = real_fdopen(fd, mode, buffering=0)
        return HalfWriter(raw)

    def open_(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return HalfWriter(io.FileIO(path, mode.replace("b", "")))

    monkeypatch.setattr(fsutil.os, "fdopen", fdopen)
    monkeypatch.setattr(fsutil, "open", open_, raising=False)  # batch writes (fmt, merge)


def test_interrupted_write_keeps_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "scjg.yaml"
    target.write_text("original: true\n", encoding="utf-8")
    fail_half_way(monkeypatch)
    with pytest.raises(Interrupted):
        fsutil.atomic_write_text(target, "new: " + "x" * 10_000 + "\n")
    assert target.read_text(encoding="utf-8") == "original: true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scjg.yaml"]  # no temporary file left


def test_interrupted_fmt_keeps_the_catalogue_file(
    base_catalogue: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = base_catalogue / "implementations" / "330106" / "scjg.yaml"
    shutil.copy(DATA / "golden" / "fmt-input.yaml", target)
    before = target.read_bytes()
    fail_half_way(monkeypatch)
    with pytest.raises(Interrupted):
        cli("fmt", cwd=base_catalogue)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["scjg.yaml"]


def test_successful_write_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("a: 1\n", encoding="utf-8")
    target.chmod(0o640)
    fsutil.atomic_write_text(target, "a: 2\n")
    assert (
        target.read_text(encoding="utf-8") == "a: 2\n" and (target.stat().st_mode & 0o777) == 0o640
    )
