"""One way to name a catalogue (issue 18): every command that works on a catalogue finds
the same one from a positional path, from ``-C DIR`` (before or after the command name,
like git and make), or by walking up from the working directory — and with none found
exits 2 with the same message, never falling back to the bundled sample unprompted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASE

# Each command with arguments whose output names the catalogue it read.
COMMANDS: dict[str, tuple[str, ...]] = {
    "validate": ("validate", "--format", "json"),
    "report": ("report", "--format", "json"),
    "explode": ("explode", "--format", "json"),
    "show": ("show", "许可-00802-001", "--format", "json"),
    "export": ("export", "--format", "csv"),
    "fmt": ("fmt", "--check"),
}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zjpaoyici", *args, "--lang", "en"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a catalogue (``cat``, a copy of the small base catalogue with a
    name of its own) and an unrelated folder (``elsewhere``)."""
    top = tmp_path_factory.mktemp("locate")
    shutil.copytree(BASE, top / "cat")
    manifest = top / "cat" / "catalogue.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("name: 测试目录", "name: 定位测试目录"), encoding="utf-8")
    (top / "elsewhere").mkdir()
    return top


def _ways(place: Path, argv: tuple[str, ...]) -> dict[str, tuple[list[str], Path, Path]]:
    """Each way: the arguments, the folder the process starts in, and the folder it
    works in (where ``-C`` moves it)."""
    cat = place / "cat"
    # show takes the catalogue after its code; the others take it first
    positional = (
        [*argv[:2], str(cat), *argv[2:]] if argv[0] == "show" else [argv[0], str(cat), *argv[1:]]
    )
    return {
        "positional": (positional, place / "elsewhere", place / "elsewhere"),
        "-C after the command": (
            [*argv, "-C", str(cat / "implementations")],
            place,
            cat / "implementations",
        ),
        "-C before the command": (["-C", str(cat / "basic"), *argv], place, cat / "basic"),
        "walked up": (
            list(argv),
            cat / "implementations" / "330106",
            cat / "implementations" / "330106",
        ),
    }


def _absolute(text: str, cwd: Path) -> str:
    """``show`` names files relative to where it ran: make them absolute to compare."""

    def walk(node: object) -> object:
        if isinstance(node, dict):
            return {
                k: str((cwd / v).resolve()) if k == "file" and isinstance(v, str) else walk(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return json.dumps(walk(json.loads(text)), ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_way_finds_the_same_catalogue(place: Path, command: str) -> None:
    argv = COMMANDS[command]
    outputs = {}
    for way, (args, cwd, works_in) in _ways(place, argv).items():
        done = run(args, cwd)
        assert done.returncode in (0, 1), (way, done.stderr)
        assert "sample" not in done.stderr, (way, done.stderr)
        outputs[way] = _absolute(done.stdout, works_in) if command == "show" else done.stdout
        if command in ("validate", "report"):
            assert json.loads(done.stdout)["catalogue"] == "定位测试目录", way
    if command not in ("fmt",):  # fmt prints paths relative to where it ran
        assert len(set(outputs.values())) == 1, {w: o[:200] for w, o in outputs.items()}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_none_found_is_exit_2_with_one_message(place: Path, command: str) -> None:
    done = run(list(COMMANDS[command]), place / "elsewhere")
    assert done.returncode == 2, done.stderr
    assert f"No catalogue.yaml in {place / 'elsewhere'} or any folder above it" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    one_up = run(list(COMMANDS[command]), place)  # the catalogue is one level down
    assert one_up.returncode == 2 and "found one level down: cat" in one_up.stderr


def test_diff_base_finds_its_catalogue_the_same_ways(place: Path) -> None:
    done = run(["diff", "--base", "HEAD"], place / "elsewhere")
    assert done.returncode == 2 and "No catalogue.yaml in" in done.stderr


def test_sample_only_when_asked(place: Path) -> None:
    done = run(["report", "--format", "json", "--sample"], place / "elsewhere")
    assert done.returncode == 0
    assert json.loads(done.stdout)["catalogue"].startswith("浙江省政务服务事项目录")
    both = run(["report", str(place / "cat"), "--sample"], place)
    assert both.returncode == 2 and "either --sample or" in both.stderr


def test_a_missing_directory_for_c_is_exit_2(place: Path) -> None:
    done = run(["-C", str(place / "nope"), "validate"], place)
    assert done.returncode == 2 and "Cannot work in" in done.stderr and "nope" in done.stderr
