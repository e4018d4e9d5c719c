"""一件事 bundles: validation with both places named, report sections, show, diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import REPO

BUNDLE = """schema: zjpaoyici/bundle/v1
bundles:
  - code: "YJS-T-001"
    name: 食品生产一件事
    lifecycle: enterprise
    stage: 准入准营
    lead_department: 浙江省市场监督管理局
    members: ["许可-00801-000"]
    visits: 0
"""


def with_bundle(root: Path, text: str = BUNDLE) -> Path:
    (root / "bundles").mkdir(exist_ok=True)
    (root / "bundles" / "test.yaml").write_text(text, encoding="utf-8")
    return root


def set_visits(root: Path, region: str, visits: int) -> None:
    path = root / "implementations" / region / "scjg.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    visits: 0\n" if "    visits: 0\n" in text else "    visits: 1\n"
    path.write_text(
        text.replace(old, f"    visits: {visits}\n    onsite_reason: 需现场核查\n", 1),
        encoding="utf-8",
    )


def findings(cli: Any, root: Path) -> list[dict[str, Any]]:
    run = cli("validate", "--format", "json", cwd=root)
    result: list[dict[str, Any]] = json.loads(run.stdout)["findings"]
    return result


def test_bundle_claiming_fewer_visits_names_both_places(base_catalogue: Path, cli: Any) -> None:
    with_bundle(base_catalogue)
    set_visits(base_catalogue, "330100", 2)
    [finding] = [f for f in findings(cli, base_catalogue) if f["rule"] == "B003"]
    assert (finding["file"], finding["line"], finding["column"]) == ("bundles/test.yaml", 9, 13)
    assert finding["related"] == [
        {"file": "implementations/330100/scjg.yaml", "line": 5, "column": 11}
    ]
    assert "330100" in finding["message"] and "2" in finding["message"]


def test_joint_bundles_may_promise_fewer_visits(base_catalogue: Path, cli: Any) -> None:
    with_bundle(
        base_catalogue, BUNDLE.replace("    visits: 0\n", "    joint: true\n    visits: 0\n")
    )
    set_visits(base_catalogue, "330100", 2)
    assert not [f for f in findings(cli, base_catalogue) if f["rule"] == "B003"]


def test_one_finding_for_a_line_wrong_in_many_regions(base_catalogue: Path, cli: Any) -> None:
    with_bundle(base_catalogue)
    set_visits(base_catalogue, "330000", 2)
    set_visits(base_catalogue, "330100", 3)
    b003 = [f for f in findings(cli, base_catalogue) if f["rule"] == "B003"]
    assert len(b003) == 1 and "and 1 more regions" in b003[0]["message"]
    assert {r["file"] for r in b003[0]["related"]} == {
        "implementations/330000/scjg.yaml",
        "implementations/330100/scjg.yaml",
    }


def test_report_has_a_bundle_section_in_every_format(cli: Any, tmp_path: Path) -> None:
    catalog = str(REPO / "catalog")
    data = json.loads(cli("report", catalog, "--format", "json").stdout)["bundles"]
    assert len(data["list"]) >= 12
    assert {b["code"] for b in data["list"]} >= {"YJS-QY-001", "YJS-GR-001", "YJS-GR-002"}
    county = data["levels"]["county"]
    assert county["regions"] == 11 and 0 < county["mean_share"] <= 1
    # the share is over bundles offered in a region: meeting = visits ≤ 1
    offered = sum(r["units"] for r in data["regions"])
    meeting = sum(r["met"] for r in data["regions"])
    assert data["overall"]["units"] == offered and data["overall"]["met"] == meeting
    assert "一件事" in cli("report", catalog, "--lang", "zh").stdout
    assert "#### 一件事" in cli("report", catalog, "--format", "markdown", "--lang", "zh").stdout
    html = cli("report", catalog, "--format", "html").stdout
    assert 'id="bundles"' in html and "企业开办一件事" in html
    rows = cli("report", catalog, "--format", "csv", "--lang", "en").stdout
    assert "bundles:county" in rows


def test_show_a_bundle(cli: Any) -> None:
    run = cli("show", "YJS-GR-001", "--catalogue", str(REPO / "catalog"), "--format", "json")
    data = json.loads(run.stdout)
    assert run.code == 0 and data["kind"] == "bundle" and data["name"] == "新生儿出生一件事"
    xihu = next(r for r in data["regions"] if r["region"] == "330106")
    birth = next(m for m in xihu["members"] if m["code"] == "确认-00761-001")
    assert birth["implemented"] and birth["source"]["file"].endswith(
        "implementations/330106/gat.yaml"
    )
    text = cli("show", "YJS-GR-001", "--catalogue", str(REPO / "catalog"), "--lang", "zh").stdout
    assert "新生儿出生一件事" in text and "330106 西湖区" in text


def test_diff_of_bundles(tmp_path: Path, cli: Any) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REPO / "catalog", old)
    shutil.copytree(REPO / "catalog", new)
    path = new / "bundles" / "individual.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('      - "给付-01303-002"                     # 基本养老金申领\n', "")
    text = text.replace(
        "    visits: 1\n    onsite_reason: 结婚登记须双方亲自到婚姻登记机关\n",
        "    visits: 2\n    onsite_reason: 结婚登记须双方亲自到婚姻登记机关\n",
    )
    start = text.index('  - code: "YJS-GR-007"')
    path.write_text(text[:start].rstrip("\n") + "\n", encoding="utf-8")
    data = json.loads(cli("diff", str(old), str(new), "--format", "json").stdout)
    bundle_changes = {
        (c["kind"], c["class"], c["code"], c["field"], c["item"])
        for c in data["changes"]
        if c["kind"].startswith("bundle")
    }
    assert bundle_changes == {
        ("bundle_member_removed", "neutral", "YJS-GR-002", None, "给付-01303-002"),
        ("bundle_changed", "regression", "YJS-GR-005", "visits", None),
        ("bundle_removed", "regression", "YJS-GR-007", None, None),
    }


def test_explode_bundles_one_row_per_bundle_region_member(cli: Any) -> None:
    import csv
    import io

    import yaml

    catalog = REPO / "catalog"
    run = cli("explode", str(catalog), "--bundles", "--format", "csv", "--lang", "en")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    offered = {
        b["code"]: b["regions"]
        for b in json.loads(cli("report", str(catalog), "--format", "json").stdout)["bundles"][
            "list"
        ]
    }
    members = {}
    for path in (catalog / "bundles").glob("*.yaml"):
        for b in yaml.safe_load(path.read_text(encoding="utf-8"))["bundles"]:
            members[b["code"]] = [m if isinstance(m, str) else m["code"] for m in b["members"]]
    assert len(rows) == sum(offered[c] * len(m) for c, m in members.items())
    birth = [r for r in rows if r["Bundle code"] == "YJS-GR-001" and r["Region code"] == "330106"]
    assert [r["Member code"] for r in birth] == members["YJS-GR-001"]
    assert [r["Order"] for r in birth] == ["1", "2", "3", "4"]
    assert all(r["Implemented"] == "yes" and r["Bundle visits"] == "0" for r in birth)
