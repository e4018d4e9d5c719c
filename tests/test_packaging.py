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
    # the region table of all of China (init --province, import) and its source note
    assert "zjpaoyici/data/regions/china-2024.tsv" in names
    assert "zjpaoyici/data/regions/README.md" in names
    # the message table in both languages (every command words its output from it)
    assert "zjpaoyici/messages.toml" in names


def test_installed_layout_finds_its_own_data(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "ZJPAOYICI_LANG": "en"}
    code = "from zjpaoyici.files.resources import schemas_dir, sample_catalogue_dir; print(schemas_dir()); print(sample_catalogue_dir())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=empty, env=env, capture_output=True, text=True, check=True
    )
    schemas, sample = out.stdout.split()
    assert schemas.startswith(str(site)) and sample.startswith(str(site))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "zjpaoyici",
            "validate",
            "--sample",
            "--select",
            "Y",
            "--select",
            "S",
        ],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "浙江省政务服务事项目录（示例）" in run.stdout  # the wheel's own copy of the sample


def test_wheel_ships_the_init_templates_and_rule_examples(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = REPO / "zjpaoyici" / "templates" / "init"
    for path in templates.iterdir():
        assert f"zjpaoyici/templates/init/{path.name}" in names
    examples = REPO / "zjpaoyici" / "rules" / "examples"
    for path in examples.rglob("*.yaml"):
        assert f"zjpaoyici/{path.relative_to(REPO / 'zjpaoyici').as_posix()}" in names
    # an installed zjpaoyici scaffolds a repository and renders the rules reference
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "ZJPAOYICI_LANG": "en"}
    code = (
        "import sys; from pathlib import Path;"
        "from zjpaoyici.ops.scaffold import scaffold_files, write_files;"
        "write_files(Path(sys.argv[1]), scaffold_files());"
        "from zjpaoyici.ops.scaffold import ScaffoldOptions;"
        "write_files(Path(sys.argv[1]) / 'sc', scaffold_files(ScaffoldOptions(province='510000')));"
        "from zjpaoyici.render.rules_doc import rules_markdown;"
        "print(len(rules_markdown()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "repo")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 10_000
    assert (tmp_path / "repo" / ".github" / "workflows" / "catalogue.yml").is_file()
    assert len(list((tmp_path / "repo" / "schemas").glob("*.schema.json"))) == 7
    assert "510100" in (tmp_path / "repo" / "sc" / "regions.yaml").read_text(encoding="utf-8")
