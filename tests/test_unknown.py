"""Unknown is never no: elements a catalogue does not keep stay quiet, and every share is
taken over the units that give its fact, with the units that do not counted beside it."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BASE
from zjpaoyici.catalogue.model import Facts

KEPT = "[visits, limits, case_type, express, fees, materials, reach, annual_cases, items]"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _drop_lines(path: Path, pattern: str) -> None:
    text = path.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if not re.match(pattern, line)]
    assert len(kept) < len(text.splitlines()), (path, pattern)
    path.write_text("".join(kept), encoding="utf-8")


@pytest.fixture
def unkept(tmp_path: Path) -> Path:
    """The base catalogue as an export without online handling, on-site reasons and legal
    bases: ``elements:`` leaves them out and no entry or matter gives them. The city's
    entry needs one visit and so would lack its on-site reason (Q001); every main matter
    lacks its required basis (S002)."""
    root = tmp_path / "unkept"
    shutil.copytree(BASE, root)
    _edit(
        root / "catalogue.yaml",
        "code_profile: zhejiang\n",
        f"code_profile: zhejiang\nelements: {KEPT}\n",
    )
    _drop_lines(root / "basic/scjg.yaml", r"\s+basis:")
    for folder in ("330000", "330100", "330106"):
        _drop_lines(root / "implementations" / folder / "scjg.yaml", r"\s+(online|onsite_reason):")
    return root


def _json(cli: Any, *args: str) -> dict[str, Any]:
    run = cli(*args, "--format", "json")
    assert run.code in (0, 1), run.output
    data: dict[str, Any] = json.loads(run.stdout)
    return data


# --- validate ---------------------------------------------------------------------------


def test_unkept_elements_raise_no_finding_and_are_named_once(unkept: Path, cli: Any) -> None:
    run = cli("validate", str(unkept), "--format", "json")
    data = json.loads(run.stdout)
    rules = [f["rule"] for f in data["findings"]]
    # without the declaration these would be S002 (basis, twice) and Q001 (the city's visit)
    assert rules == ["Q012"], data["findings"]
    notice = data["findings"][0]
    assert notice["severity"] == "info" and notice["file"].endswith("catalogue.yaml")
    for name in ("online", "onsite_reason", "basis"):
        assert f"({name})" in notice["message"]
    assert "(express)" not in notice["message"]
    assert run.code == 0  # a notice, not a defect
    text = cli("validate", str(unkept), "--lang", "zh").stdout
    assert text.count("本目录不维护以下实施要素") == 1
    assert "设定依据 (basis)" in text and "必须现场办理原因 (onsite_reason)" in text


def test_the_same_gaps_are_reported_when_the_elements_are_kept(unkept: Path, cli: Any) -> None:
    """The declaration is what silences them: keeping every element, they are defects."""
    _edit(unkept / "catalogue.yaml", f"elements: {KEPT}\n", "")
    data = _json(cli, "validate", str(unkept))
    rules = sorted(f["rule"] for f in data["findings"])
    assert rules == ["Q001", "S002", "S002"]
    assert all("basis" in f["message"] for f in data["findings"] if f["rule"] == "S002")


def test_elements_must_come_from_the_vocabulary(unkept: Path, cli: Any) -> None:
    _edit(unkept / "catalogue.yaml", "elements: [visits,", "elements: [visit,")
    data = _json(cli, "validate", str(unkept))
    assert any(f["rule"] == "S005" and "elements" in f["message"] for f in data["findings"])


def _zero_visit_city(root: Path, online: str, express: str) -> None:
    """The city's entry with zero visits and the given online/express lines."""
    path = root / "implementations/330100/scjg.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    visits: 1\n", "    visits: 0\n").replace(
        "    onsite_reason: 需现场核查生产场所\n", ""
    )
    text = re.sub(r"    online: .*\n", "", text) + online + express
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("online", "express", "fires"),
    [
        ("", "", False),  # neither channel given: unknown, not absent
        ("    online: {depth: 2}\n", "", False),  # express unknown
        ("", "    express: false\n", False),  # online unknown
        ("    online: {depth: 2}\n", "    express: false\n", True),
        ("    online: {available: false}\n", "    express: false\n", True),
        ("    online: {available: true}\n", "    express: false\n", False),
        ("    online: {depth: 2, mobile: true}\n", "    express: false\n", False),
    ],
)
def test_zero_visits_without_a_channel_only_when_both_are_known_absent(
    base_catalogue: Path, cli: Any, online: str, express: str, fires: bool
) -> None:
    _zero_visit_city(base_catalogue, online, express)
    data = _json(cli, "validate", str(base_catalogue))
    assert ("Q003" in {f["rule"] for f in data["findings"]}) is fires, data["findings"]


def test_q003_is_quiet_when_online_is_not_kept(base_catalogue: Path, cli: Any) -> None:
    _zero_visit_city(base_catalogue, "    online: {depth: 2}\n", "    express: false\n")
    _edit(
        base_catalogue / "catalogue.yaml",
        "code_profile: zhejiang\n",
        f"code_profile: zhejiang\nelements: {KEPT}\n",
    )
    data = _json(cli, "validate", str(base_catalogue))
    assert [f["rule"] for f in data["findings"]] == ["Q012"]


# --- online availability -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("online", "available"),
    [
        ({}, None),
        ({"mobile": True}, None),
        ({"depth": 0}, False),
        ({"depth": 2}, False),
        ({"depth": 3}, True),
        ({"depth": 4}, True),
        ({"available": True}, True),
        ({"available": False, "depth": 4}, False),  # stated wins over derived
        ({"available": "yes"}, None),  # malformed: S004's to report, unknown here
    ],
)
def test_online_available_is_stated_or_derived_or_unknown(
    online: dict[str, Any], available: bool | None
) -> None:
    assert Facts.from_values({"online": online}).online_available is available


# --- report -------------------------------------------------------------------------------


def test_report_json_shares_are_unknown_not_zero(unkept: Path, cli: Any) -> None:
    data = _json(cli, "report", str(unkept))
    overall = data["overall"]
    assert overall["units"] == 4
    for key in ("online_full", "online_any", "mobile"):
        assert overall[f"{key}_share"] is None, key
        assert (overall[f"{key}_known"], overall[f"{key}_unknown"]) == (0, 4), key
    # visits are kept and given: the 最多跑一次 share is a real figure
    assert overall["share"] == 1.0 and overall["unknown"] == 0
    county = next(r for r in data["regions"] if r["code"] == "330106")
    assert county["online_any_share"] is None and county["online_any_unknown"] == 2


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        (
            "en",
            [
                "fully online — (4 not given)",
                "available online — (4 not given)",
                "mobile — (4 not given)",
            ],
        ),
        ("zh", ["全程网办 —（4 项未填）", "可网办 —（4 项未填）", "掌上办 —（4 项未填）"]),
    ],
)
@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_report_text_formats_say_not_given(
    unkept: Path, cli: Any, fmt: str, lang: str, phrases: list[str]
) -> None:
    run = cli("report", str(unkept), "--format", fmt, "--lang", lang)
    assert run.code == 0, run.output
    for phrase in phrases:
        assert phrase in run.stdout, (fmt, phrase)
    for label in ("fully online", "available online", "mobile", "全程网办", "可网办", "掌上办"):
        assert f"{label} 0.0%" not in run.stdout, label


def test_report_csv_leaves_the_share_empty_and_counts_the_unknown(unkept: Path, cli: Any) -> None:
    run = cli("report", str(unkept), "--by", "region", "--format", "csv", "--lang", "en")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    county = next(r for r in rows if r["key"] == "330106")
    for key in ("online_full", "online_any", "mobile"):
        assert county[f"{key}_share"] == "" and county[f"{key}_unknown"] == "2", key
    assert county["share"] == "1.000000"


def test_report_partial_facts_show_partial_counts(base_catalogue: Path, cli: Any) -> None:
    """Every element kept, but the county's second entry gives no online facts and the
    city's entry says only that it is available online."""
    county = base_catalogue / "implementations/330106/scjg.yaml"
    _edit(county, "    online: {depth: 3, mobile: true}\n", "")
    _edit(
        base_catalogue / "implementations/330100/scjg.yaml",
        "online: {depth: 3, mobile: true}",
        "online: {available: true}",
    )
    data = _json(cli, "report", str(base_catalogue))
    o = data["overall"]
    # depth IV: province and county 001 of the two with a depth; the city's has none
    assert (o["online_full_known"], o["online_full_unknown"]) == (2, 2)
    assert o["online_full_share"] == 1.0
    # available: province, city (stated), county 001 (depth IV); county 002 unknown
    assert (o["online_any_known"], o["online_any_unknown"]) == (3, 1)
    assert o["online_any_share"] == 1.0
    assert (o["mobile_known"], o["mobile_unknown"]) == (2, 2)
    text = cli("report", str(base_catalogue), "--lang", "en").stdout
    assert "fully online 100.0% (2 not given)" in text
    assert "available online 100.0% (1 not given)" in text
    zh = cli("report", str(base_catalogue), "--format", "markdown", "--lang", "zh").stdout
    assert "可网办 100.0%（1 项未填）" in zh


def test_available_without_a_depth_counts_as_online(base_catalogue: Path, cli: Any) -> None:
    _edit(
        base_catalogue / "implementations/330100/scjg.yaml",
        "online: {depth: 3, mobile: true}",
        "online: {available: false}",
    )
    data = _json(cli, "report", str(base_catalogue))
    city = next(r for r in data["regions"] if r["code"] == "330100")
    # not available online: known not fully online and not on mobile either
    assert (city["online_any_share"], city["online_full_share"], city["mobile_share"]) == (
        0.0,
        0.0,
        0.0,
    )
    assert city["online_any_unknown"] == city["mobile_unknown"] == 0
    assert data["overall"]["online_any_share"] == pytest.approx(3 / 4)


def test_report_units_of_main_matters_keep_unknown(unkept: Path, cli: Any) -> None:
    data = _json(cli, "report", str(unkept), "--unit", "main")
    assert data["overall"]["online_full_share"] is None
    assert data["overall"]["online_full_unknown"] == data["overall"]["units"]


# --- diff ---------------------------------------------------------------------------------


def test_diff_online_given_where_it_was_unknown_is_neutral(
    base_catalogue: Path, unkept: Path, cli: Any
) -> None:
    """Old: the export without online facts; new: the same matters with them. Facts that
    become known are not improvements from "no"; the shares show their unknown visits."""
    data = _json(cli, "diff", str(unkept), str(base_catalogue))
    online = [c for c in data["changes"] if (c["field"] or "").startswith("online.")]
    assert online and all(c["class"] == "neutral" for c in online), online
    assert {c["field"] for c in online} >= {"online.available", "online.depth", "online.mobile"}
    back = _json(cli, "diff", str(base_catalogue), str(unkept))
    lost = [c for c in back["changes"] if (c["field"] or "").startswith("online.")]
    assert lost and all(c["class"] == "regression" for c in lost)  # a known fact became unknown


def test_diff_shares_count_unknown_visits(base_catalogue: Path, tmp_path: Path, cli: Any) -> None:
    new = tmp_path / "new"
    shutil.copytree(base_catalogue, new)
    _edit(
        new / "implementations/330106/scjg.yaml",
        "    visits: 0\n    promised_limit: {days: 1",
        "    promised_limit: {days: 1",
    )
    data = _json(cli, "diff", str(base_catalogue), str(new))
    after = data["coverage"]["after"]
    assert after["levels"]["county"]["visits_unknown"] == 1
    assert after["region_units"]["330106"] == {"units": 2, "visits_unknown": 1}
    assert data["coverage"]["before"]["levels"]["county"]["visits_unknown"] == 0
    # the visits of that matter are left out of 减次数 and counted beside it
    assert data["summary"]["visits_unknown"] == 1 and data["summary"]["visits_saved"] == 0
    md = cli("diff", str(base_catalogue), str(new), "--format", "markdown", "--lang", "zh").stdout
    assert "| 县（市、区）平均 | 100.0% | 50.0%（1 项未填） | -50.0 |" in md
    text = cli("diff", str(base_catalogue), str(new), "--lang", "en").stdout
    assert "100.0% → 50.0% (1 not given)" in text
    assert "fewer visits 0 (1 not given)" in text


# --- import -------------------------------------------------------------------------------


def test_an_export_that_only_says_online_yes_maps_without_a_depth(cli: Any, tmp_path: Path) -> None:
    from zjpaoyici.cli import import_cmd  # noqa: F401  (registers the command)

    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema: zjpaoyici/mapping/v1\n"
        "regions:\n"
        '  - {code: "330000", name: 浙江省, level: province}\n'
        '  - {code: "330100", name: 杭州市, level: city, parent: "330000"}\n'
        "fields:\n"
        '  region: {value: "330100"}\n'
        "  department: {value: 杭州市市场监督管理局}\n"
        "  code: {column: 编码}\n"
        "  name: {column: 名称}\n"
        "  type: {value: 行政许可}\n"
        "  basis: {value: [《中华人民共和国食品安全法》第三十五条]}\n"
        "  levels: {value: [city]}\n"
        "  visits: {column: 次数}\n"
        "  online_available: {column: 可网办, parser: bool}\n",
        encoding="utf-8",
    )
    source = tmp_path / "清单.csv"
    source.write_text(
        "编码,名称,次数,可网办\n"
        "许可-00802-000,食品经营许可,0,是\n"
        "许可-00801-000,食品生产许可,1,否\n"
        "许可-00803-000,药品经营许可,1,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = cli("import", str(source), "-m", str(mapping), "-o", str(out), "--lang", "en")
    assert run.code in (0, 1), run.output
    written = out / "implementations" / "330100" / "杭州市市场监督管理局.yaml"
    entries = {e["code"]: e for e in yaml.safe_load(written.read_text(encoding="utf-8"))["matters"]}
    assert entries["许可-00802-000"]["online"] == {"available": True}
    assert entries["许可-00801-000"]["online"] == {"available": False}
    assert "online" not in entries["许可-00803-000"]  # an empty cell stays unknown
    data = _json(cli, "report", str(out))
    o = data["overall"]
    assert (o["online_any_share"], o["online_any_known"], o["online_any_unknown"]) == (0.5, 2, 1)
    assert o["online_full_unknown"] == 2  # no depth: only the unavailable one is known not IV


def test_online_available_survives_export_and_import(
    base_catalogue: Path, cli: Any, tmp_path: Path
) -> None:
    from zjpaoyici.cli import export_cmd, import_cmd  # noqa: F401  (registers the commands)

    _edit(
        base_catalogue / "implementations/330100/scjg.yaml",
        "online: {depth: 3, mobile: true}",
        "online: {available: true}",
    )
    sheet = tmp_path / "目录.csv"
    assert cli("export", str(base_catalogue), "-o", str(sheet)).code == 0
    back = tmp_path / "back"
    run = cli("import", str(sheet), "--mapping", "export", "-o", str(back))
    assert run.code == 0, run.output
    city = next((back / "implementations" / "330100").glob("*.yaml"))
    entry = yaml.safe_load(city.read_text(encoding="utf-8"))["matters"][0]
    assert entry["online"] == {"available": True}  # no depth guessed
    county = next((back / "implementations" / "330106").glob("*.yaml"))
    # a depth alone stays a depth: the derived availability is not written
    assert all(
        "available" not in e["online"]
        for e in yaml.safe_load(county.read_text(encoding="utf-8"))["matters"]
    )


def test_explode_leaves_unknown_online_cells_empty(unkept: Path, cli: Any) -> None:
    from zjpaoyici.cli import explode_cmd  # noqa: F401  (registers the command)

    run = cli("explode", str(unkept), "--format", "json")
    assert run.code == 0, run.output
    rows = {(r["region"], r["sub_code"] or r["main_code"]): r for r in json.loads(run.stdout)}
    city = rows[("330100", "许可-00801-000")]
    assert (city["online_available"], city["online_depth"], city["mobile"]) == (None, None, None)
    assert all(r["online_available"] is None for r in rows.values())


def test_the_declaration_an_import_writes() -> None:
    from zjpaoyici.catalogue import fields as elements
    from zjpaoyici.catalogue.fields import ROW_FIELDS

    # every element is filled by some mapping field, and every such field exists
    assert set(elements.MAPPING_FIELDS) == set(elements.NAMES)
    for fields in elements.MAPPING_FIELDS.values():
        assert set(fields) <= set(ROW_FIELDS)
    assert (
        elements.kept_by_mapping(f for fs in elements.MAPPING_FIELDS.values() for f in fs) is None
    )
    mapped = ["code", "name", "visits", "promised_limit", "express", "online_available"]
    assert elements.kept_by_mapping(mapped) == ["visits", "limits", "online", "express"]
