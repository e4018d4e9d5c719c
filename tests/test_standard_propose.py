"""``standard --propose`` / ``--write``: the province defaults state the norms, restatements
go, no effective value changes, a second proposal is empty; L005 then flags regions that
deviate from an element marked as the standard."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from gen_province import generate


def _json(cli: Any, *args: str) -> dict[str, Any]:
    run = cli(*args, "--format", "json")
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def _figures(cli: Any, root: Path) -> tuple[str, dict[str, Any]]:
    report = cli("report", str(root), "--format", "json", "--no-cache")
    assert report.code == 0, report.output
    std = _json(cli, "standard", str(root), "--no-cache")
    return report.stdout, {k: std[k] for k in ("pairs", "equal", "deviating", "index")}


def _found(cli: Any, root: Path) -> list[tuple[str, str, str]]:
    """validate's findings without their lines (removed restatements move lines up)."""
    found = _json(cli, "validate", str(root), "--no-cache")["findings"]
    return sorted((f["rule"], f["file"], f["message"]) for f in found)


def _propose(cli: Any, root: Path, *args: str) -> Any:
    run = cli("standard", str(root), "--propose", *args)
    assert run.code == 0, run.output
    return run


@pytest.mark.parametrize("agree", ["1", "0.8"])
def test_propose_write_keeps_every_figure_and_is_idempotent(
    cli: Any, tmp_path: Path, agree: str
) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    before = _figures(cli, root)
    validate_before = _json(cli, "validate", str(root), "--no-cache")
    assert validate_before["findings"] == []
    preview = _propose(cli, root, "--agree", agree)
    assert "implementations/330000/_defaults-gat.yaml\n" in preview.stdout
    assert "standard: [" in preview.stdout
    assert _figures(cli, root) == before  # a preview writes nothing
    wrote = _propose(cli, root, "--agree", agree, "--write")
    assert wrote.stdout == preview.stdout
    assert "standard: [" in (root / "implementations/330000/_defaults-gat.yaml").read_text()
    report, std = _figures(cli, root)
    assert report == before[0]  # the report's figures, byte for byte
    assert std == before[1]  # and the standardisation index
    again = _propose(cli, root, "--agree", agree)
    assert again.stdout == ""  # nothing more to propose
    after = _json(cli, "validate", str(root), "--no-cache")
    rules = Counter(f["rule"] for f in after["findings"])
    assert set(rules) <= {"L003", "L005"}
    assert all(f["severity"] == "warning" for f in after["findings"])
    if agree == "1":
        assert after["findings"] == []  # every region agreed: nothing deviates
    else:
        # the regions keeping their own value of a newly stated standard, one finding each
        # (more visits than the province standard: L003, the rest: L005)
        assert sum(rules.values()) > 0
        kept = int(wrote.stderr.split("(")[-1].split()[0])
        assert sum(rules.values()) == kept


def test_propose_on_a_drifted_generated_province(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "drift"
    generate(root, cities=3, counties_per_city=1, drift=12)
    before = _figures(cli, root)
    _propose(cli, root, "--write")
    assert _figures(cli, root) == before
    assert _propose(cli, root).stdout == ""


def test_l005_needs_a_marked_standard_and_a_missing_reason(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    defaults = root / "implementations/330000/_defaults-gat.yaml"
    text = defaults.read_text(encoding="utf-8")
    marked = '  - code: "许可-00757-003"\n    standard: [online]\n'
    defaults.write_text(text.replace('  - code: "许可-00757-003"\n', marked, 1), encoding="utf-8")
    found = [f for f in _json(cli, "validate", str(root))["findings"] if f["rule"] == "L005"]
    # 330106 promises depth 3 where the province standard is 4
    assert [(f["file"].split("catalog/")[-1], f["line"]) for f in found] == [
        ("implementations/330106/gat.yaml", 27)
    ]
    county = root / "implementations/330106/gat.yaml"
    lines = county.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(27, "    deviation_reason: 本地补证需现场核验身份并采集照片，暂按3级网办\n")
    county.write_text("".join(lines), encoding="utf-8")
    again = _json(cli, "validate", str(root))["findings"]
    assert not [f for f in again if f["rule"] == "L005"]


def test_an_unreadable_file_stops_the_proposal(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    broken = root / "implementations/330212/gat.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "  - code: [\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    run = cli("standard", str(root), "--propose", "--write")
    assert run.code == 2
    assert "330212/gat.yaml" in run.stderr and "nothing is proposed" in run.stderr
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


def test_city_defaults_are_proposed_where_the_province_falls_short(
    cli: Any, tmp_path: Path
) -> None:
    """With --agree 1 a drifted value keeps the province from stating the element; the
    cities whose counties all agree state it in their own defaults, in files created as
    the loader expects them; no figure changes and a second proposal is empty."""
    root = tmp_path / "drift"
    generate(root, cities=3, counties_per_city=3, drift=12)
    before = _figures(cli, root)
    findings = _found(cli, root)
    files_before = set(root.rglob("*.yaml"))
    preview = _propose(cli, root, "--agree", "1")
    city = int(re.search(r"and (\d+) in city defaults", preview.stderr)[1])  # type: ignore[index]
    created = int(re.search(r"(\d+) of them new", preview.stderr)[1])  # type: ignore[index]
    assert city > 0 and created > 0
    assert set(root.rglob("*.yaml")) == files_before  # a preview writes nothing
    _propose(cli, root, "--agree", "1", "--write")
    new = sorted(p.relative_to(root).as_posix() for p in set(root.rglob("*.yaml")) - files_before)
    assert len(new) == created
    assert all(re.fullmatch(r"implementations/\d{6}/_defaults-[a-z]+\.yaml", n) for n in new)
    regions = yaml.safe_load((root / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    cities = {r["code"] for r in regions if r["level"] == "city"}
    city_files = [n for n in new if n.split("/")[1] in cities]
    assert city_files
    stated_in_city = set()
    for name in city_files:  # read line by line (PyYAML reads YAML 1.1, these are 1.2)
        text = (root / name).read_text(encoding="utf-8")
        assert text.startswith(f'schema: zjpaoyici/defaults/v1\nregion: "{name.split("/")[1]}"\n')
        codes = re.findall(r'^  - code: "([^"]+)"$', text, re.M)
        assert codes and len(re.findall(r"^    standard: \[", text, re.M)) == len(codes)
        stated_in_city.update(codes)
    assert stated_in_city
    assert _figures(cli, root) == before
    # every region agreed with what was stated: nothing new to report (the drift's own
    # findings stay as they were)
    assert _found(cli, root) == findings
    assert _propose(cli, root, "--agree", "1").stdout == ""
