"""Hostile volume (issue 16): a 3 MB implementation list of 160,000 tiny entries — under
the byte and value limits — is one Y010 finding, not a minute of work and gigabytes of
findings; and a file of many broken entries lists at most 200 findings of one rule, the
rest counted in one line. Each run is a real process under the corpus's guard: 1 GiB of
address space and a 10-second bound (a guard against a flood, not a benchmark)."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BASE

MEMORY_LIMIT = 1 << 30
SECONDS = 10.0


def _guard() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(cwd: Path, *args: str) -> tuple[int, str, float]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "zjpaoyici", *args, "--lang", "en"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_guard,
    )
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout + proc.stderr, elapsed


def entries_file(root: Path, count: int, code: str) -> Path:
    lines = ['schema: zjpaoyici/implementation/v1\nregion: "330106"\ndepartment: 洪水局\nmatters:']
    lines.extend(f"  - code: {code.format(i=i)}" for i in range(count))
    path = root / "implementations" / "330106" / "flood.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def flood(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flood") / "cat"
    shutil.copytree(BASE, root)
    path = entries_file(root, 160_000, "x{i}")
    assert path.stat().st_size < 32 * 1024 * 1024
    return root


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_a_flood_file_is_one_finding_in_every_format(flood: Path, fmt: str) -> None:
    code, out, elapsed = run(flood, "validate", "--no-cache", "--format", fmt)
    assert code == 1
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    assert "Y010" in out and "20,000" in out.replace("20000", "20,000")
    assert out.count("Y010") <= 3  # one finding (SARIF names the rule in its rule table too)
    assert len(out) < 200_000


def test_fmt_check_refuses_the_flood_file_quickly(flood: Path) -> None:
    code, out, elapsed = run(flood, "fmt", "--check")
    assert code == 2 and "flood.yaml" in out and "Y010" in out
    assert elapsed < SECONDS, f"{elapsed:.1f} s"


def test_findings_of_one_rule_in_one_file_are_capped(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    entries_file(root, 5_000, "许可-99{i:03d}-001")  # 5,000 unknown matters, no visits
    code, _, _ = run(root, "validate", "--no-cache", "--format", "json", "-o", "out.json")
    assert code == 1
    found = json.loads((root / "out.json").read_text(encoding="utf-8"))
    r001 = [f for f in found["findings"] if f["rule"] == "R001"]
    assert len(r001) == 201
    assert "4,800 more R001" in r001[-1]["message"]
    run(root, "validate", "--no-cache", "--format", "json", "--max-per-rule", "0", "-o", "all.json")
    found = json.loads((root / "all.json").read_text(encoding="utf-8"))
    assert len([f for f in found["findings"] if f["rule"] == "R001"]) == 5_000
