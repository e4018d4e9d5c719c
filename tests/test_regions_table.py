"""All of China's regions: the shipped GB/T 2260 table, ``init --province`` for any province,
and the region shapes beyond province → city → county (municipalities, county-level units
directly under a province, prefecture-level cities without counties)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import zjpaoyici.cli.init_cmd  # noqa: F401  (importing registers the command)
from tests.conftest import REPO
from zjpaoyici.catalogue.regions import (
    TABLE_FILE,
    UnknownProvince,
    china_table,
    province_codes,
    province_regions,
    regions_yaml,
)

SHARED_COPY = REPO.parent / "shared" / "data" / "regions" / "china-2024.tsv"


def test_table_is_the_whole_country() -> None:
    table = china_table()
    assert len(table) == 3213
    assert len(province_codes()) == 34
    assert table["510000"] == "四川省" and table["441900"] == "东莞市"
    assert TABLE_FILE.is_relative_to(REPO / "zjpaoyici")  # package data, ships in the wheel
    assert (TABLE_FILE.parent / "README.md").read_text(encoding="utf-8").count("CC0") >= 1


@pytest.mark.parametrize("province", province_codes())
def test_every_province_gives_a_consistent_tree(province: str) -> None:
    rows = province_regions(province)
    by_code = {r.code: r for r in rows}
    assert rows[0].code == province and rows[0].level == "province"
    for row in rows[1:]:
        assert row.parent in by_code, row
        parent = by_code[row.parent]
        if row.level == "city":
            assert parent.level == "province"
        else:  # a county hangs on its prefecture when GB/T 2260 has one, else the province
            expected = row.code[:4] + "00"
            assert row.parent == (expected if expected in by_code else province), row
    assert yaml.safe_load(regions_yaml(province))["regions"][0]["code"] == province


def test_shapes_of_real_provinces() -> None:
    shanghai = province_regions("310000")
    assert {r.level for r in shanghai[1:]} == {"county"}
    assert {r.parent for r in shanghai[1:]} == {"310000"}
    guangdong = {r.code: r for r in province_regions("440000")}
    for city in ("441900", "442000"):  # 东莞, 中山: cities without counties
        assert guangdong[city].level == "city"
        assert not [r for r in guangdong.values() if r.parent == city]
    hubei = {r.code: r for r in province_regions("420000")}
    assert hubei["429004"].parent == "420000" and hubei["429004"].level == "county"  # 仙桃
    sichuan = province_regions("510000")
    assert sum(r.level == "city" for r in sichuan) == 21
    assert sum(r.level == "county" for r in sichuan) == 183
    with pytest.raises(UnknownProvince):
        province_regions("510100")  # a city, not a province
    with pytest.raises(UnknownProvince):
        province_regions("990000")


@pytest.mark.skipif(not SHARED_COPY.exists(), reason="the shared data folder is not here")
def test_shipped_table_is_the_shared_copy() -> None:
    assert TABLE_FILE.read_bytes() == SHARED_COPY.read_bytes()


# --- init --province ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "name", "regions"),
    [("510000", "四川省", 205), ("310000", "上海市", 17), ("440000", "广东省", 144)],
)
def test_init_for_a_province_validates_clean(
    tmp_path: Path, cli: Any, province: str, name: str, regions: int
) -> None:
    target = tmp_path / "repo"
    assert cli("init", str(target), "--province", province).code == 0
    manifest = yaml.safe_load((target / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["province"] == province and manifest["name"] == f"{name}政务服务事项目录"
    assert manifest["code_profile"] == "national"
    table = yaml.safe_load((target / "regions.yaml").read_text(encoding="utf-8"))
    assert len(table["regions"]) == regions
    run = cli("validate", str(target))
    assert run.code == 0, run.output
    assert cli("fmt", "--check", str(target)).code == 0


def test_init_default_is_still_zhejiang(tmp_path: Path, cli: Any) -> None:
    assert cli("init", str(tmp_path / "repo")).code == 0
    manifest = yaml.safe_load((tmp_path / "repo" / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["province"] == "330000" and manifest["code_profile"] == "zhejiang"
    table = yaml.safe_load((tmp_path / "repo" / "regions.yaml").read_text(encoding="utf-8"))
    assert table["retired"]  # Zhejiang's table keeps its retired codes


@pytest.mark.parametrize("code", ["510100", "999999", "51"])
def test_init_with_an_unknown_province_is_a_usage_error(
    tmp_path: Path, cli: Any, code: str
) -> None:
    run = cli("init", str(tmp_path / "repo"), "--province", code)
    assert run.code == 2
    assert f"{code} is not a provincial-level region code" in run.stderr
    assert not (tmp_path / "repo").exists()  # nothing written


# --- the region tree and levels for the shapes beyond province → city → county -------------

BASIC = """\
schema: zjpaoyici/basic/v1
department: 省市场监督管理局
matters:
  - {code: "000107001000", name: 县级许可, type: 行政许可, levels: [county], basis: [某法]}
  - {code: "000107002000", name: 市级许可, type: 行政许可, levels: [city], basis: [某法]}
"""


def implementation(region: str, code: str) -> str:
    return (
        "schema: zjpaoyici/implementation/v1\n"
        f'region: "{region}"\n'
        "department: 某局\n"
        "matters:\n"
        f'  - code: "{code}"\n'
        "    visits: 0\n"
        "    promised_limit: {days: 1}\n"
        "    case_type: 承诺件\n"
        "    online: {depth: 4, mobile: true}\n"
    )


def level_findings(cli: Any, tmp_path: Path, province: str, entries: dict[str, str]) -> list[str]:
    """R004/R006 findings of an ``init``-made catalogue with one entry per region."""
    target = tmp_path / "repo"
    assert cli("init", str(target), "--province", province).code == 0
    (target / "basic" / "scjg.yaml").write_text(BASIC, encoding="utf-8")
    for region, code in entries.items():
        folder = target / "implementations" / region
        folder.mkdir(parents=True)
        (folder / "scjg.yaml").write_text(implementation(region, code), encoding="utf-8")
    run = cli("validate", "--format", "json", "--select", "R", str(target))
    found = json.loads(run.stdout)["findings"]
    return sorted(f"{f['rule']} {Path(f['file']).parent.name}" for f in found)


def test_city_without_counties_exercises_county_matters(tmp_path: Path, cli: Any) -> None:
    """东莞 (no counties) may implement a county-level matter; 广州 (with districts) may not."""
    found = level_findings(
        cli, tmp_path, "440000", {"441900": "000107001000", "440100": "000107001000"}
    )
    assert found == ["R004 440100"]


def test_municipality_exercises_city_matters(tmp_path: Path, cli: Any) -> None:
    """上海 (no prefecture level) acts as a city; its districts are counties under it."""
    found = level_findings(
        cli,
        tmp_path,
        "310000",
        {"310000": "000107002000", "310101": "000107001000", "310104": "000107002000"},
    )
    assert found == ["R004 310104"]  # a district is county-level, not a city


def test_county_under_the_province_only_without_a_prefecture(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "repo"
    assert cli("init", str(target), "--province", "420000").code == 0
    regions = target / "regions.yaml"
    text = regions.read_text(encoding="utf-8")
    # 仙桃 429004 hangs on the province (no 429000): clean; 武昌区 420106 moved onto the
    # province although 武汉市 420100 exists: R006
    moved = text.replace(
        '{code: "420106", name: 武昌区, level: county, parent: "420100"}',
        '{code: "420106", name: 武昌区, level: county, parent: "420000"}',
    )
    assert moved != text
    assert cli("validate", str(target)).code == 0
    regions.write_text(moved, encoding="utf-8")
    run = cli("validate", "--format", "json", str(target))
    found = json.loads(run.stdout)["findings"]
    assert [(f["rule"], "420106" in f["message"]) for f in found] == [("R006", True)]


def test_import_into_another_province_needs_no_region_table(tmp_path: Path, cli: Any) -> None:
    """The Guang'an mapping without its hand-written `regions:` list: the import takes the
    region tree of Sichuan from the shipped table, and validate finds no region problem."""
    source = REPO / "tests" / "data" / "sichuan-guangan"
    mapping = yaml.safe_load((source / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["regions"]
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "cat"
    run = cli("import", str(source / "items.json"), "--mapping", str(mapping_file), "-o", str(out))
    assert run.code == 0, run.output
    regions = yaml.safe_load((out / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    by_code = {r["code"]: r for r in regions}
    assert by_code["511602"] == {
        "code": "511602",
        "name": "广安区",
        "level": "county",
        "parent": "511600",
    }
    assert by_code["510000"]["level"] == "province" and len(by_code) > 180  # all of Sichuan
    found = json.loads(cli("validate", str(out), "--format", "json").stdout)["findings"]
    assert not [f for f in found if f["rule"] in ("R002", "R003", "R004", "R006", "R007", "R010")]
