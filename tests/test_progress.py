"""Progress bars on long work: shown on a terminal, silent otherwise (CI logs, pipes)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.conftest import BASE, run_subprocess
from zjpaoyici.cli import common


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100), buffer


def test_quiet_when_standard_error_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with common.progress("Reading") as update:
        update(1, 2)
        update(2, None)
    assert capsys.readouterr().err == ""


def test_shown_on_a_terminal() -> None:
    console, buffer = terminal()
    with common.progress("读取目录", console=console) as update:
        for done in range(1, 11):
            update(done, 10)
    assert "读取目录" in buffer.getvalue() and "10/10" in buffer.getvalue()


@pytest.fixture
def fake_terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    console, buffer = terminal()
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr(common, "stderr_console", lambda: console)
    return buffer


def test_long_commands_show_progress_on_a_terminal(
    fake_terminal: io.StringIO, base_catalogue: Path, cli: Any, tmp_path: Path
) -> None:
    for args in (
        ("validate",),
        ("report",),
        ("explode", "--format", "json"),
        ("show", "许可-00801-000"),
        ("export", "-o", str(tmp_path / "out.csv")),
    ):
        fake_terminal.seek(0)
        fake_terminal.truncate()
        run = cli(*args, cwd=base_catalogue)
        assert run.code == 0, (args, run.output)
        assert "Reading the catalogue" in fake_terminal.getvalue(), args


def test_import_shows_progress_on_a_terminal(
    fake_terminal: io.StringIO, base_catalogue: Path, cli: Any, tmp_path: Path
) -> None:
    sheet = tmp_path / "export.csv"
    assert cli("export", "-o", str(sheet), cwd=base_catalogue).code == 0
    fake_terminal.seek(0)
    fake_terminal.truncate()
    run = cli("import", str(sheet), "--mapping", "export", "-o", str(tmp_path / "back"))
    assert run.code == 0, run.output
    assert "Importing export.csv" in fake_terminal.getvalue()


def test_history_and_diff_show_progress_on_a_terminal(
    fake_terminal: io.StringIO, tmp_path: Path, cli: Any
) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )
    assert cli("report", "--history", "HEAD", cwd=root).code == 0
    assert "Reading revisions" in fake_terminal.getvalue()
    fake_terminal.seek(0)
    fake_terminal.truncate()
    assert cli("diff", "--base", "HEAD", cwd=root).code == 0
    assert "Reading the catalogue" in fake_terminal.getvalue()


def test_a_real_piped_process_prints_no_progress(base_catalogue: Path) -> None:
    run = run_subprocess("validate", "--format", "json", cwd=base_catalogue)
    assert run.code == 0 and run.stderr == ""
