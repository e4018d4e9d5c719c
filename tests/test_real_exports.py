"""Three real exports of different shapes, imported with a mapping file only (through the
real CLI, ``python -m zjpaoyici import``), then validated: ``validate`` must report the
genuine defects of each data set and nothing else.

* Guang'an district (Sichuan): a flat JSON array, Sichuan implementation codes.
* Shanghai 一网通办: JSON Lines, one line per handling item and portal role, local codes.
* Fangchenggang (Guangxi): 17 JSON files, records under ``items``, deeply nested.

Each data folder's README says where the data comes from, its licence and its defects.

For each export: the counts, that facts the export does not carry stay unknown (not 0 or
false) and are declared not kept (``elements:``), and the EXACT findings of ``validate``,
each one a genuine defect of the data (or the one Q012 note naming the elements the
export does not carry).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DATA, Run, run_subprocess
from zjpaoyici.catalogue.load import load_catalogue
from zjpaoyici.catalogue.resolve import resolve_all

GUANGAN = DATA / "sichuan-guangan"
SHANGHAI = DATA / "shanghai-yiwangtongban"
FANGCHENGGANG = DATA / "guangxi-fangchenggang"


def import_export(out: Path, *sources: Path, mapping: Path) -> Run:
    return run_subprocess(
        "import", *map(str, sources), "--mapping", str(mapping), "-o", str(out), cwd=out.parent
    )


def findings(root: Path) -> list[dict[str, Any]]:
    run = run_subprocess("validate", "--format", "json", "--max-per-rule", "0", cwd=root)
    assert run.code in (0, 1), run.output  # findings or none; not a crash or bad input
    report = json.loads(run.stdout)
    assert report["summary"]["exit_code"] == run.code
    found: list[dict[str, Any]] = report["findings"]
    return found


def yaml_docs(root: Path, sub: str) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(root).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((root / sub).rglob("*.yaml"))
    }


def entries(root: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Implementation entries by (department, code)."""
    return {
        (doc["department"], e["code"]): e
        for doc in yaml_docs(root, "implementations").values()
        for e in doc["matters"]
    }


def subject(finding: dict[str, Any]) -> str:
    """The code a Q/C/R finding is about (its message starts with it, or with "Code")."""
    words = finding["message"].split()
    return str(words[1] if words[0] == "Code" else words[0])


def missing_field(root: Path, finding: dict[str, Any]) -> tuple[str, str]:
    """(code, field) of an S002 finding ``CODE is missing the required field F`` (or, in
    older wording, ``matters[N] is missing …``)."""
    match = re.match(r"(\S+) is missing the required field (\w+)", finding["message"])
    assert match, finding
    where, missing = match.groups()
    index = re.fullmatch(r"matters\[(\d+)\]", where)
    if index is None:
        return where, missing
    doc = yaml.safe_load((root / finding["file"]).read_text(encoding="utf-8"))
    return doc["matters"][int(index.group(1))]["code"], missing


# --- Guang'an district: flat JSON array -------------------------------------------------

# The genuine defects of the Guang'an list (tests/data/sichuan-guangan/README.md):
GUANGAN_GENUINE = {
    # a credit code with a lower-case letter inside an implementation code
    ("C007", "11511301452259996u"),
    # a credit code whose check character is wrong (GB 32100 gives 7, the code ends in 0)
    ("C008", "TE5116020105116050"),
    # three codes without the area, level and item parts of a Sichuan implementation code,
    # whose credit-code part is not 18 characters (a 16-digit and a 10-digit placeholder,
    # and a code that is only basic code + credit code)
    ("C001", "E-000004-001-11511301008778386B"),
    ("C001", "E-000021-001-1111111111111111"),
    ("C001", "H-000185-001-4444444444"),
}


@pytest.fixture(scope="module")
def guangan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "广安区"
    run = import_export(out, GUANGAN / "items.json", mapping=GUANGAN / "mapping.yaml")
    assert run.code == 0, run.output
    assert "Imported 1135 rows: 1135 entries, 0 handling items, 1135 basic matters" in run.stderr
    return out


def guangan_key(root: Path, finding: dict[str, Any]) -> tuple[str, str]:
    if finding["rule"] in ("C007", "C008"):
        code = re.search(r"credit code (\S+)", finding["message"])
        assert code, finding
        return finding["rule"], code.group(1)
    return finding["rule"], subject(finding)


def test_guangan_counts_and_unknown_facts(guangan: Path) -> None:
    source = json.loads((GUANGAN / "items.json").read_text(encoding="utf-8"))
    got = entries(guangan)
    assert len(got) == len(source) == 1135
    assert {dept for dept, _ in got} == {r["dept"] for r in source}
    assert len({dept for dept, _ in got}) == 34
    # The list gives no visits, limits, case type, online, fees, materials or basis: all
    # unknown (not 0 / false), and catalogue.yaml declares no element kept.
    manifest = yaml.safe_load((guangan / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["elements"] == []
    for entry in resolve_all(load_catalogue(guangan)):
        f = entry.facts
        assert (f.visits, f.promised_limit, f.case_type, f.online_depth, f.express) == (None,) * 5
        assert f.fee is None and f.materials == ()


def test_guangan_validate_reports_only_genuine_defects(guangan: Path) -> None:
    found = findings(guangan)
    # C001 ×3, C007, C008: the defects above, each where it is
    assert {guangan_key(guangan, f) for f in found if f["rule"] != "Q012"} == GUANGAN_GENUINE
    # and the one note that the list keeps no implementation element (Q012, info): no
    # S002 for the legal basis, no Q006 for visits the list does not carry
    got = Counter(f["rule"] for f in found)
    assert got == Counter(rule for rule, _ in GUANGAN_GENUINE) + Counter({"Q012": 1})
    assert [f["file"] for f in found if f["rule"] == "Q012"] == ["catalogue.yaml"]


# --- Shanghai 一网通办: JSON Lines, one line per item and portal role -----------------


@pytest.fixture(scope="module")
def shanghai(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "上海市"
    run = import_export(out, SHANGHAI / "service_items.jsonl", mapping=SHANGHAI / "mapping.yaml")
    # Every line imported, nothing reported: the two lines listed once per role are
    # identical and merge silently; the matter of two departments is two entries.
    assert run.code == 0, run.output
    assert "Imported 83 rows: 75 entries, 42 handling items, 74 basic matters" in run.stderr
    assert "12 departments" in run.stderr
    return out


def shanghai_lines() -> list[dict[str, str]]:
    text = (SHANGHAI / "service_items.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_shanghai_counts_agencies_and_items(shanghai: Path) -> None:
    lines = shanghai_lines()
    got = entries(shanghai)
    assert set(got) == {(r["department_name"], r["item_code"]) for r in lines}
    assert len(got) == 75 and len({d for d, _ in got}) == 12
    # one matter implemented by two departments: both entries kept
    assert {d for d, c in got if c == "SH00SH2000117109"} == {
        "上海市住房和城乡建设管理委员会",
        "上海市交通委员会",
    }
    # handling items: every item_id not ending in 000, once per department
    items = {(d, c + i["code"]) for (d, c), e in got.items() for i in e.get("items", [])}
    assert items == {
        (r["department_name"], r["item_id"]) for r in lines if not r["item_id"].endswith("000")
    }
    # a 000 line is the matter itself: no item
    assert "items" not in got[("上海市应急管理局", "SH00SH2311002661")]


def test_shanghai_online_yes_no_and_everything_else_unknown(shanghai: Path) -> None:
    got = entries(shanghai)
    for r in shanghai_lines():
        entry = got[(r["department_name"], r["item_code"])]
        suffix = r["item_id"][len(r["item_code"]) :]
        node = entry if suffix == "000" else next(i for i in entry["items"] if i["code"] == suffix)
        # 是否网办 is a plain yes/no: online.available, never a guessed depth
        assert node["online"] == {"available": r["st_net"] == "是"}, r["item_id"]
    manifest = yaml.safe_load((shanghai / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["elements"] == ["online", "items"]
    for resolved in resolve_all(load_catalogue(shanghai)):
        for f in (resolved.facts, *(i.facts for i in resolved.items)):
            assert (f.visits, f.promised_limit, f.case_type, f.online_depth) == (None,) * 4
            assert (f.express, f.fee, f.materials, f.reach) == (None, None, (), None)


def test_shanghai_validate_reports_only_genuine_defects(shanghai: Path) -> None:
    """The real defects of this list (README: mixed brackets, a trailing 。, spaces around
    full-width commas, quotes, a name contradicting its parenthesis, near duplicates, type
    vs name) are in names and types no rule checks: nothing to report but the note (Q012,
    info) naming the elements the list does not keep — no R005 for the matter two
    departments implement, no S002/Q006 for what the list does not carry; exit 0."""
    run = run_subprocess("validate", "--format", "json", "--max-per-rule", "0", cwd=shanghai)
    found = json.loads(run.stdout)["findings"]
    assert [(f["rule"], f["file"]) for f in found] == [("Q012", "catalogue.yaml")]
    assert run.code == 0


# --- Fangchenggang: 17 nested JSON files, records under ``items`` ----------------------

# Every 即办件 (on-the-spot case) promises one day instead of 0 (README defect 4): Q004.
FCG_IMMEDIATE_ONE_DAY = {
    "052a70de-0e0c-47d0-b108-3ccbea69c8d6",
    "49f2b693-3d4f-4a41-bc6b-907e9ae76382",
    "631a7736-5679-4d23-ab62-b6c602ddd53e",
    "8c5459f2-d70a-4451-9d70-50a2e5fb43f3",
    "ccefcc84-76a9-4f30-9d51-04b820177813",
    "b754a6fa-0b34-4167-9f27-d34b24668750",
    "045b7b02-fcae-4466-a560-af767baa5425",
}
# Zero visits, yet only the window (or window and kiosk): no online or express channel
# (README defect 2): Q003.
FCG_ZERO_VISITS_WINDOW_ONLY = {
    "29b479f0-cc73-46de-9e62-50bd835e0cad",
    "41758cb8-f75c-4a14-99af-cb75ba7d02ce",
    "bbb31737-dcab-4b64-90e6-aae93e5b33e0",
    "37ed0b88-d435-48df-84ed-cd5f639682c8",
    "592fa5ad-60af-44ca-9405-f912390ea028",
}
# "一件事" bundles (extStr7 16) listed among the matters: they have no matter type, so
# the basic catalogue lacks one (README defect 7): S002 type.
FCG_BUNDLES = {
    "c145e8fa-b02e-41bf-be2c-a1f00986948d",
    "db705321-8319-4cb7-8c72-fa093a2c48b4",
    "ac369479-6e4c-47c3-8e26-797f7e535efc",
    "df81bbb9-902f-4844-9dfc-e4667a8fbae0",
    "c6cef9e6-dbf4-467a-89d4-5a0f1e3d70e0",
}
FCG_FILES = sorted(FANGCHENGGANG.glob("gxzwfw_services_*.json"))


def fcg_items() -> dict[str, dict[str, Any]]:
    """Source items by code (source_item_id)."""
    out = {}
    for path in FCG_FILES:
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            out[item["service"]["source_item_id"]] = item
    return out


@pytest.fixture(scope="module")
def fangchenggang(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "防城港市"
    # the folder: its 17 json files as one export (mapping.yaml and README.md are skipped)
    run = import_export(out, FANGCHENGGANG, mapping=FANGCHENGGANG / "mapping.yaml")
    assert run.code == 0, run.output
    assert "Imported 50 rows: 50 entries, 0 handling items, 50 basic matters" in run.stderr
    assert "17 departments" in run.stderr
    return out


def test_fangchenggang_files_named_one_by_one_give_the_same(
    fangchenggang: Path, tmp_path: Path
) -> None:
    out = tmp_path / "防城港市"
    run = import_export(out, *FCG_FILES, mapping=FANGCHENGGANG / "mapping.yaml")
    assert run.code == 0, run.output
    assert yaml_docs(out, "implementations") == yaml_docs(fangchenggang, "implementations")
    assert len(FCG_FILES) == 17


def test_fangchenggang_counts_and_facts(fangchenggang: Path) -> None:
    source = fcg_items()
    got = {code: e for (_, code), e in entries(fangchenggang).items()}
    assert set(got) == set(source) and len(got) == 50
    depts = {d for d, _ in entries(fangchenggang)}
    assert depts == {i["service"]["department"] for i in source.values()} and len(depts) == 17
    for code, item in source.items():
        s, entry = item["service"], got[code]
        forms = s["handle_form"]
        assert entry["visits"] == s["on_site_times"]
        if forms is None:  # the guide page gave nothing: unknown, not "no"
            assert "online" not in entry and "express" not in entry, code
        else:
            assert entry["online"] == {"available": "网上办理" in forms.split(",")}, code
            assert entry["express"] is ("快递申请" in forms.split(",")), code
        if s["item_type"] is None:  # the scraper's is_charge false means nothing here
            assert "fee" not in entry and "case_type" not in entry, code
            assert "promised_limit" not in entry, code
        else:
            assert entry["fee"] == {"charged": s["is_charge"]}, code
            assert entry["case_type"] == s["item_type"]
        if s["general_scope"] == "-":
            assert "reach" not in entry, code
        else:
            assert entry["reach"] == s["general_scope"]
        want = [
            {"name": m["material_name"], "required": m["is_required"]} for m in item["materials"]
        ]
        assert entry.get("materials", []) == want, code
    ten = [c for c, i in source.items() if i["service"]["handle_form"] is None]
    assert len(ten) == 10  # README defect 1
    manifest = yaml.safe_load((fangchenggang / "catalogue.yaml").read_text(encoding="utf-8"))
    # fees: only "charged?" is in the export, not the standard or basis: not kept
    assert manifest["elements"] == [
        "visits",
        "limits",
        "case_type",
        "online",
        "express",
        "materials",
        "reach",
    ]


def fcg_genuine(root: Path, f: dict[str, Any]) -> tuple[str, str]:
    """(rule, code) of a finding, for the findings this export should give."""
    if f["rule"] == "S002":
        code, missing = missing_field(root, f)
        return f"S002 {missing}", code
    return f["rule"], subject(f)


def test_fangchenggang_validate_reports_only_genuine_defects(fangchenggang: Path) -> None:
    found = findings(fangchenggang)
    got = {fcg_genuine(fangchenggang, f) for f in found if f["rule"] != "Q012"}
    assert got == (
        # every 即办件 promises one day (README defect 4)
        {("Q004", c) for c in FCG_IMMEDIATE_ONE_DAY}
        # zero visits, window (and kiosk) only (README defect 2); the ten items without
        # page data have unknown channels: no Q003 for them
        | {("Q003", c) for c in FCG_ZERO_VISITS_WINDOW_ONLY}
        # "一件事" bundles listed as matters have no matter type (README defect 7)
        | {("S002 type", c) for c in FCG_BUNDLES}
    )
    # and the note (Q012, info) naming the elements the export does not carry: no S002
    # for the legal basis, no Q001 for on-site reasons, no Q005 for fee bases
    expected = Counter({"Q004": 7, "Q003": 5, "S002": 5, "Q012": 1})
    assert Counter(f["rule"] for f in found) == expected
