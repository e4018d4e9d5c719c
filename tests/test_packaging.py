"""The wheel carries the JSON Schemas and the sample catalogue, and uses them when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("zjpaoyici-*.whl"))


def test_wheel_contains_schemas_and_sample(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("catalogue", "regions", "basic", "implementation", "bundle"):
        assert f"zjpaoyici/_data/schemas/{kind}.schema.json" in names
    assert "zjpaoyici/_data/catalog/catalogue.yaml" in names
    assert "zjpaoyici/_data/catalog/regions.yaml" in names
    assert any(n.startswith("zjpaoyici/_data/catalog/basic/") for n in names)


def test_installed_layout_finds_its_own_data(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "ZJPAOYICI_LANG": "en"}
    code = "from zjpaoyici.resources import schemas_dir, sample_catalogue_dir; print(schemas_dir()); print(sample_catalogue_dir())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=empty, env=env, capture_output=True, text=True, check=True
    )
    schemas, sample = out.stdout.split()
    assert schemas.startswith(str(site)) and sample.startswith(str(site))
    run = subprocess.run(
        [sys.executable, "-m", "zjpaoyici", "validate", "--select", "Y", "--select", "S"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "sample catalogue" in run.stderr
