"""Several agencies implementing one basic matter in one region (issue 14, item 1).

An entry is identified by (region, agency, basic code); the agency is the entry's own
``agency`` or else its file's ``department``. The test catalogue is the sample with, in
西湖区 (330106), a development-zone committee's file implementing a matter the district
market bureau already implements, and two police stations (entries with their own
``agency``) implementing a matter the district police bureau already implements.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.ops.tabular.exporter import region_records

SAMPLE = REPO / "catalog"
REGION = "330106"
MARKET = "杭州市西湖区市场监督管理局"
ZONE = "杭州之江国家旅游度假区管理委员会"
POLICE = "杭州市公安局西湖分局"
STATION_A = "杭州市公安局西湖分局北山派出所"
STATION_B = "杭州市公安局西湖分局转塘派出所"
FOOD = "许可-00801-001"  # implemented by MARKET in the sample
DRIVING = "许可-00757-003"  # implemented by POLICE in the sample

ZONE_FILE = f"""\
schema: zjpaoyici/implementation/v1
region: "{REGION}"
department: {ZONE}
matters:
  - code: "{FOOD}"
    visits: 1
    onsite_reason: 需现场核查生产场所
    promised_limit: {{days: 5, unit: working}}
    case_type: 承诺件
    annual_cases: 12
"""
STATIONS_FILE = f"""\
schema: zjpaoyici/implementation/v1
region: "{REGION}"
department: {POLICE}
defaults:
  case_type: 即办件
matters:
  - code: "{DRIVING}"
    agency: {STATION_A}
    implementation_code: "11330106003252270P4000107757003"
    visits: 1
    onsite_reason: 需现场核验身份
    promised_limit: {{days: 0, unit: working}}
    online: {{depth: 3}}
    annual_cases: 300
  - code: "{DRIVING}"
    agency: {STATION_B}
    visits: 1
    onsite_reason: 需现场核验身份
    promised_limit: {{days: 0, unit: working}}
    online: {{depth: 3}}
    annual_cases: 200
"""


def _add(root: Path, name: str, text: str) -> Path:
    path = root / "implementations" / REGION / name
    path.write_text(text, encoding="utf-8")
    return path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    root = tmp_path / "cat"
    shutil.copytree(SAMPLE, root)
    _add(root, "zjdjq.yaml", ZONE_FILE)
    _add(root, "gat-pcs.yaml", STATIONS_FILE)
    return root


def _findings(cli: Any, root: Path) -> tuple[int, list[dict[str, Any]]]:
    run = cli("validate", str(root), "--format", "json")
    return run.code, json.loads(run.stdout)["findings"]


def _report(cli: Any, root: Path) -> dict[str, Any]:
    run = cli("report", str(root), "--format", "json")
    assert run.code == 0, run.output
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def _region_units(report: dict[str, Any]) -> int:
    units: int = next(r for r in report["regions"] if r["code"] == REGION)["units"]
    return units


def test_entries_of_several_agencies_are_kept_without_r005(cat: Path, cli: Any) -> None:
    code, findings = _findings(cli, cat)
    assert (code, findings) == (0, [])
    loaded = load_catalogue(cat)
    keys = [(e.agency, e.code) for e in resolve_region(loaded, REGION) if e.code in (FOOD, DRIVING)]
    assert sorted(keys) == sorted(
        [
            (MARKET, FOOD),
            (ZONE, FOOD),
            (POLICE, DRIVING),
            (STATION_A, DRIVING),
            (STATION_B, DRIVING),
        ]
    )


def test_same_region_agency_and_code_twice_is_still_r005(cat: Path, cli: Any) -> None:
    # the same station twice, and an entry naming as its agency the department that
    # gat.yaml implements the matter for by default
    _edit(cat / f"implementations/{REGION}/gat-pcs.yaml", STATION_B, STATION_A)
    with (cat / f"implementations/{REGION}/zjdjq.yaml").open("a", encoding="utf-8") as fh:
        fh.write(f'  - code: "{DRIVING}"\n    agency: {POLICE}\n    visits: 0\n')
    code, findings = _findings(cli, cat)
    r005 = [(f["file"].rsplit("/", 1)[-1], f["line"]) for f in findings if f["rule"] == "R005"]
    assert code == 1
    assert r005 == [("gat-pcs.yaml", 15), ("zjdjq.yaml", 11)]
    assert {f["rule"] for f in findings} == {"R005"}


def test_every_agency_entry_is_a_unit_of_the_report(cat: Path, cli: Any, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(SAMPLE, plain)
    before, after = _report(cli, plain), _report(cli, cat)
    assert after["overall"]["units"] == before["overall"]["units"] + 3
    assert _region_units(after) == _region_units(before) + 3
    # a main matter per agency: the zone's food production, each station's driving licence
    main_before = json.loads(cli("report", str(plain), "--unit", "main", "-f", "json").stdout)
    main_after = json.loads(cli("report", str(cat), "--unit", "main", "-f", "json").stdout)
    assert main_after["overall"]["units"] == main_before["overall"]["units"] + 3
    departments = {d["name"]: d["units"] for d in after["departments"]}
    assert (departments[ZONE], departments[STATION_A], departments[STATION_B]) == (1, 1, 1)


def test_show_by_basic_code_lists_every_agency(cat: Path, cli: Any) -> None:
    run = cli("show", FOOD, "--catalogue", str(cat), "--region", REGION, "--format", "json")
    assert run.code == 0, run.output
    regions = json.loads(run.stdout)["regions"]
    assert [(r["region"], r["agency"]) for r in regions] == [(REGION, MARKET), (REGION, ZONE)]
    assert [r["department"] for r in regions] == [MARKET, ZONE]
    zone = regions[1]
    visits = next(v for v in zone["values"] if v["field"] == "visits")
    assert visits["value"] == 1 and visits["source"]["file"].endswith("zjdjq.yaml")

    run = cli("show", DRIVING, "--catalogue", str(cat), "--region", REGION, "--lang", "en")
    assert run.code == 0, run.output
    assert all(name in run.stdout for name in (POLICE, STATION_A, STATION_B))


def test_show_by_implementation_code_or_name(cat: Path, cli: Any) -> None:
    impl_code = "11330106003252270P4000107757003"
    run = cli("show", impl_code, "--catalogue", str(cat), "--format", "json")
    assert run.code == 0, run.output
    data = json.loads(run.stdout)
    assert data["code"] == DRIVING
    assert [(r["agency"], r["implementation_code"]) for r in data["regions"]] == [
        (STATION_A, impl_code)
    ]
    # defaults of the file apply to each agency's entry as to any entry
    case_type = next(v for v in data["regions"][0]["values"] if v["field"] == "case_type")
    assert case_type["value"] == "即办件"

    by_code = json.loads(cli("show", FOOD, "-C", str(cat), "-f", "json").stdout)
    name = by_code["basic"]["name"]["value"]
    by_name = cli("show", name, "-C", str(cat), "-f", "json")
    assert by_name.code == 0 and json.loads(by_name.stdout) == by_code


def test_diff_compares_each_agency_entry_with_its_own(cat: Path, cli: Any, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(cat, new)
    _edit(
        new / f"implementations/{REGION}/zjdjq.yaml",
        "    visits: 1\n",
        "    visits: 0\n",
    )
    run = cli("diff", str(cat), str(new), "--format", "json")
    changes = json.loads(run.stdout)["changes"]
    assert [(c["kind"], c["region"], c["code"], c["agency"], c["field"]) for c in changes] == [
        ("changed", REGION, FOOD, ZONE, "visits")
    ]
    assert (changes[0]["old"], changes[0]["new"], changes[0]["class"]) == (1, 0, "improvement")
    text = cli("diff", str(cat), str(new), "--lang", "en").stdout
    assert f"{FOOD}" in text and f"({ZONE})" in text

    # one police station's entry: exactly that one is reported
    _edit(new / f"implementations/{REGION}/zjdjq.yaml", "    visits: 0\n", "    visits: 1\n")
    _edit(
        new / f"implementations/{REGION}/gat-pcs.yaml",
        "    annual_cases: 200\n",
        "    annual_cases: 250\n",
    )
    changes = json.loads(cli("diff", str(cat), str(new), "--format", "json").stdout)["changes"]
    assert [(c["code"], c["agency"], c["field"], c["old"], c["new"]) for c in changes] == [
        (DRIVING, STATION_B, "annual_cases", 200, 250)
    ]


def test_diff_reads_a_renamed_department_as_an_agency_change(
    cat: Path, cli: Any, tmp_path: Path
) -> None:
    new = tmp_path / "new"
    shutil.copytree(cat, new)
    renamed = "杭州之江度假区管理委员会"
    _edit(
        new / f"implementations/{REGION}/zjdjq.yaml",
        f"department: {ZONE}",
        f"department: {renamed}",
    )
    changes = json.loads(cli("diff", str(cat), str(new), "--format", "json").stdout)["changes"]
    assert [(c["kind"], c["code"], c["agency"], c["old"], c["new"]) for c in changes] == [
        ("reassigned", FOOD, renamed, ZONE, renamed)
    ]
    assert changes[0]["class"] == "neutral"


def test_merge_keeps_each_agency_entry(cat: Path, cli: Any, tmp_path: Path) -> None:
    stations = cat / f"implementations/{REGION}/gat-pcs.yaml"
    text = stations.read_text(encoding="utf-8")
    head, first, second = text.split("  - code:")
    only_a, only_b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    only_a.write_text(head + "  - code:" + first, encoding="utf-8")
    only_b.write_text(head + "  - code:" + second, encoding="utf-8")
    out = tmp_path / "merged.yaml"
    run = cli("merge", str(only_a), str(only_b), "-o", str(out))
    assert run.code == 0, run.output
    shutil.copy(out, stations)
    code, findings = _findings(cli, cat)
    assert (code, findings) == (0, [])
    merged = out.read_text(encoding="utf-8")
    assert STATION_A in merged and STATION_B in merged

    # three-way: each side changes a different agency's entry of the same code
    base, ours, theirs = tmp_path / "base.yaml", tmp_path / "ours.yaml", tmp_path / "theirs.yaml"
    for path in (base, ours, theirs):
        path.write_text(text, encoding="utf-8")
    _edit(ours, "    annual_cases: 300\n", "    annual_cases: 310\n")
    _edit(theirs, "    annual_cases: 200\n", "    annual_cases: 220\n")
    run = cli("merge3", str(base), str(ours), str(theirs))
    assert run.code == 0, run.output
    result = ours.read_text(encoding="utf-8")
    assert "annual_cases: 310" in result and "annual_cases: 220" in result


def test_explode_gives_each_agency_its_rows(cat: Path, cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    run = cli("explode", str(cat), "--region", REGION, "-o", str(out), "--lang", "en")
    assert run.code == 0, run.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    agency = next(k for k in rows[0] if "agency" in k.lower())
    sub = next(k for k in rows[0] if k.lower().startswith("sub matter code"))
    assert sorted(r[agency] for r in rows if r[sub] == FOOD) == sorted([MARKET, ZONE])
    assert sorted(r[agency] for r in rows if r[sub] == DRIVING) == sorted(
        [POLICE, STATION_A, STATION_B]
    )


def test_export_names_an_entry_s_own_agency(cat: Path) -> None:
    loaded = load_catalogue(cat)
    records = [
        r for r in region_records(loaded, REGION) if r.get("region") and r["code"] == DRIVING
    ]
    assert sorted(
        (r["department"], r["agency"] or "", r["implementation_code"] or "") for r in records
    ) == [
        (POLICE, "", ""),
        (POLICE, STATION_A, "11330106003252270P4000107757003"),
        (POLICE, STATION_B, ""),
    ]


def test_four_same_is_checked_once_per_place(cat: Path, cli: Any) -> None:
    # one agency's entry restates the basic name differently: one L001, at that entry
    _edit(
        cat / f"implementations/{REGION}/gat-pcs.yaml",
        f"    agency: {STATION_B}\n",
        f"    agency: {STATION_B}\n    name: 机动车驾驶证业务\n",
    )
    code, findings = _findings(cli, cat)
    assert code == 1
    assert [(f["rule"], f["file"].rsplit("/", 1)[-1], f["line"]) for f in findings] == [
        ("L001", "gat-pcs.yaml", 17)
    ]


def test_an_entry_s_own_credit_code_is_checked(cat: Path, cli: Any) -> None:
    _edit(
        cat / f"implementations/{REGION}/gat-pcs.yaml",
        f"    agency: {STATION_B}\n",
        f'    agency: {STATION_B}\n    agency_uscc: "11330106MB1234567X"\n',
    )
    code, findings = _findings(cli, cat)
    assert code == 1
    assert [(f["rule"], f["file"].rsplit("/", 1)[-1], f["line"]) for f in findings] == [
        ("C008", "gat-pcs.yaml", 17)
    ]


def test_an_item_s_implementation_code_shows_and_exports_its_entry(cat: Path, cli: Any) -> None:
    item_code = "11330106003252270P400010775700301"
    _edit(
        cat / f"implementations/{REGION}/gat-pcs.yaml",
        "    annual_cases: 200\n",
        f'    annual_cases: 200\n    items:\n      - code: "01"\n'
        f'        name: 驾驶证补领\n        implementation_code: "{item_code}"\n',
    )
    assert _findings(cli, cat) == (0, [])
    run = cli("show", item_code, "--catalogue", str(cat), "--format", "json")
    assert run.code == 0, run.output
    regions = json.loads(run.stdout)["regions"]
    assert [(r["agency"], [i["code"] for i in r["items"]]) for r in regions] == [
        (STATION_B, ["01"])
    ]
    rows = [r for r in region_records(load_catalogue(cat), REGION) if r.get("item_code")]
    mine = [r for r in rows if r["agency"] == STATION_B]
    assert [(r["item_code"], r["implementation_code"]) for r in mine] == [
        (f"{DRIVING}-01", item_code)
    ]
