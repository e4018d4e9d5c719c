"""Code profiles for real provinces: a built-in profile with the province's own type digits,
parent matters ending in Y, and the national 31/33-character implementation codes
(checked against real Sichuan codes from the Guang'an list)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA
from zjpaoyici.catalogue.codes import (
    NATIONAL,
    ProfileError,
    parse_implementation_code,
    profile_from_manifest,
    uscc_problem,
)

GUANGAN = DATA / "sichuan-guangan" / "items.json"
USCC = "11511301008778183N"  # 广安区经信局, from the Guang'an list; passes GB 32100
OTHER = "11511301008778220W"  # another real district agency of the list
BAD = "11511301008778183M"  # USCC with its check character changed

REGIONS = """\
schema: zjpaoyici/regions/v1
regions:
  - {code: "510000", name: 四川省, level: province}
  - {code: "511600", name: 广安市, level: city, parent: "510000"}
  - {code: "511602", name: 广安区, level: county, parent: "511600"}
"""

BASIC = """\
schema: zjpaoyici/basic/v1
department: 四川省经济和信息化厅
matters:
  - {code: "002000001000", name: 企业投资项目备案, type: 其他行政权力, levels: [county], basis: [某法]}
  - {code: "002100002000", name: 政策咨询, type: 公共服务, levels: [county], basis: [某法]}
  - {code: "000100003000", name: 某项许可, type: 行政许可, levels: [county], basis: [某法]}
  - code: "00010700100Y"
    name: 食品经营许可
    type: 行政许可
    levels: [county]
    basis: [某法]
    subs:
      - {code: "000107001001", name: 食品经营许可（新办）}
      - {code: "000107001002", name: 食品经营许可（变更）}
"""


def write_catalogue(root: Path, profile: str, basic: str = BASIC, impl: str | None = None) -> Path:
    """A small Sichuan catalogue with the national code grammar."""
    (root / "basic").mkdir(parents=True)
    (root / "catalogue.yaml").write_text(
        "schema: zjpaoyici/catalogue/v1\n"
        "name: 四川测试目录\n"
        'province: "510000"\n'
        f"code_profile: {profile}\n",
        encoding="utf-8",
    )
    (root / "regions.yaml").write_text(REGIONS, encoding="utf-8")
    (root / "basic" / "jxt.yaml").write_text(basic, encoding="utf-8")
    if impl is not None:
        folder = root / "implementations" / "511602"
        folder.mkdir(parents=True)
        (folder / "jxj.yaml").write_text(impl, encoding="utf-8")
    return root


def findings(cli: Any, root: Path, *select: str) -> list[dict[str, Any]]:
    args = ["validate", "--format", "json"]
    for s in select:
        args += ["--select", s]
    run = cli(*args, cwd=root)
    assert run.code in (0, 1), run.output
    found: list[dict[str, Any]] = json.loads(run.stdout)["findings"]
    return found


PROVINCE_TABLE = '{profile: national, types: {其他行政权力: "20", 公共服务: "21"}}'


# --- the national profile with a province's own type digits --------------------------------


def test_province_type_digits_give_no_false_c003(tmp_path: Path, cli: Any) -> None:
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE)
    assert findings(cli, root, "C") == []
    assert cli("validate", cwd=root).code == 0


def test_default_national_table_flags_the_province_digits(tmp_path: Path, cli: Any) -> None:
    """Without the override the province's 20/21 are read against 10/20: two C003."""
    root = write_catalogue(tmp_path / "cat", "national")
    found = findings(cli, root, "C003")
    assert sorted((f["rule"], f["line"]) for f in found) == [("C003", 4), ("C003", 5)]


def test_a_wrong_type_digit_is_still_caught_with_the_province_table(
    tmp_path: Path, cli: Any
) -> None:
    basic = BASIC.replace('"002100002000"', '"002000002000"')  # 公共服务 coded 20, not 21
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE, basic)
    found = findings(cli, root, "C")
    assert [(f["rule"], f["line"]) for f in found] == [("C003", 5)]
    assert "21" in found[0]["message"]


def test_override_changes_only_the_table() -> None:
    profile = profile_from_manifest({"profile": "national", "types": {"公共服务": "21"}})
    assert profile.type_part_for("公共服务") == "21"
    assert profile.type_part_for("行政许可") == "01"  # untouched defaults
    assert profile.pattern is NATIONAL.pattern and profile.main_with_subs_sub == "00Y"
    assert profile.level_digits is None  # no level table unless the catalogue gives one
    custom = profile_from_manifest({"pattern": r"^(?P<main>\d{12})$"})
    assert custom.name == "custom"


@pytest.mark.parametrize(
    ("profile", "line", "col", "words"),
    [
        # the column of the offending value, or of the key when the key is wrong
        ('{profile: national, types: {公共服务: "2x"}}', 4, 49, "does not fit"),
        ("{profile: national, types: {公共服务: 21}}", 4, 49, "quoted"),
        ('{profile: national, types: {行政审批: "21"}}', 4, 43, "not a matter type"),
        ('{profile: national, levels: {county: "44"}}', 4, 52, "one quoted digit"),
        ('{profile: national, levels: {district: "4"}}', 4, 44, "not a region level"),
        ("{profile: provincial}", 4, 25, "unknown profile"),
        ('{profile: national, item_pattern: "x"}', 4, 35, "cannot be given"),
    ],
)
def test_invalid_override_is_c011_at_the_key(
    tmp_path: Path, cli: Any, profile: str, line: int, col: int, words: str
) -> None:
    root = write_catalogue(tmp_path / "cat", profile)
    found = [f for f in findings(cli, root) if f["rule"] == "C011"]
    assert [(f["file"], f["line"], f["column"]) for f in found] == [("catalogue.yaml", line, col)]
    assert words in found[0]["message"]


def test_invalid_override_keeps_checking_with_the_named_profile(tmp_path: Path, cli: Any) -> None:
    """A typo in the table does not turn every national code into a C001 (zhejiang)."""
    root = write_catalogue(tmp_path / "cat", '{profile: national, types: {公共服务: "2x"}}')
    assert not [f for f in findings(cli, root, "C") if f["rule"] == "C001"]


# --- a parent matter's basic code ending in Y ----------------------------------------------


def test_parent_code_ending_in_y_is_a_main_matter_with_subs(tmp_path: Path, cli: Any) -> None:
    parts = NATIONAL.parse("00010700100Y")
    assert parts is not None and (parts.type, parts.main, parts.sub) == ("01", "07001", "00Y")
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE)
    assert findings(cli, root, "C") == []  # 00010700100Y with two subs: no C005


def test_y_ending_without_subs_and_subs_under_a_000_main_are_caught(
    tmp_path: Path, cli: Any
) -> None:
    basic = BASIC.replace('"00010700100Y"', '"000107001000"').replace(
        '"000100003000"', '"00010000300Y"'
    )
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE, basic)
    found = findings(cli, root, "C005")
    assert sorted(f["line"] for f in found) == [6, 7]  # Y without subs; 000 with subs


# --- implementation codes -------------------------------------------------------------------


def impl_file(entries: str, agency_uscc: str | None = USCC) -> str:
    head = 'schema: zjpaoyici/implementation/v1\nregion: "511602"\ndepartment: 广安区经信局\n'
    if agency_uscc is not None:
        head += f'agency_uscc: "{agency_uscc}"\n'
    return head + "matters:\n" + entries


def entry(code: str, implementation_code: str, items: str = "") -> str:
    text = f'  - code: "{code}"\n    implementation_code: "{implementation_code}"\n'
    return text + items


def test_correct_31_and_33_character_codes_pass(tmp_path: Path, cli: Any) -> None:
    items = (
        "    items:\n"
        f'      - {{code: "01", name: 新办, implementation_code: "{USCC}400200000100001"}}\n'
    )
    impl = impl_file(entry("002000001000", f"{USCC}4002000001000", items))
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE, impl=impl)
    assert findings(cli, root, "C") == []


def test_wrong_embedded_check_character_is_caught_in_31_and_33(tmp_path: Path, cli: Any) -> None:
    items = (
        "    items:\n"
        '      - {code: "01", name: 新办, implementation_code: "' + f'{BAD}400200000100001"}}\n'
    )
    impl = impl_file(entry("002000001000", f"{BAD}4002000001000", items), agency_uscc=None)
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE, impl=impl)
    found = findings(cli, root, "C")
    assert sorted((f["rule"], f["line"]) for f in found) == [("C013", 6), ("C013", 8)]
    assert all("should end in N" in f["message"] for f in found)


def test_shape_basic_code_item_and_agency_mismatches(tmp_path: Path, cli: Any) -> None:
    entries = (
        entry("002000001000", f"{USCC}400200000100")  # 30 characters: C012
        + entry("002100002000", f"{USCC}4002000001000")  # another matter's basic code: C015
        + entry("000100003000", f"{OTHER}4000100003000")  # another agency: C016
        + entry(
            "000107001001",
            f"{USCC}4000107001001",
            "    items:\n"
            f'      - {{code: "01", name: 甲, implementation_code: "{USCC}400010700100101"}}\n'
            f'      - {{code: "02", name: 乙, implementation_code: "{USCC}400010700100103"}}\n'
            f'      - {{code: "03", name: 丙, implementation_code: "{USCC}4000107001001"}}\n',
        )
    )
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE, impl=impl_file(entries))
    found = sorted((f["rule"], f["line"]) for f in findings(cli, root, "C"))
    assert found == [
        ("C012", 7),
        ("C012", 17),  # an item's code must have 33 characters
        ("C015", 9),
        ("C015", 16),  # item number 03 where the item is 02
        ("C016", 11),
    ]


def test_level_digit_is_checked_only_where_the_catalogue_gives_the_table(
    tmp_path: Path, cli: Any
) -> None:
    impl = impl_file(entry("002000001000", f"{USCC}3002000001000"))
    root = write_catalogue(tmp_path / "a", PROVINCE_TABLE, impl=impl)
    assert findings(cli, root, "C") == []  # no table given: the digit is not guessed
    with_levels = PROVINCE_TABLE[:-1] + ', levels: {province: "2", city: "3", county: "4"}}'
    root = write_catalogue(tmp_path / "b", with_levels, impl=impl)
    found = findings(cli, root, "C")
    assert [(f["rule"], f["line"]) for f in found] == [("C014", 7)]
    assert "level digit 3" in found[0]["message"] and "calls for 4" in found[0]["message"]


# --- real codes: the Guang'an list (Sichuan's dashed form) ---------------------------------


def guangan() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(GUANGAN.read_text(encoding="utf-8"))
    return records


def test_real_sichuan_codes_parse_and_show_their_real_defects() -> None:
    records = guangan()
    parsed = [(r, parse_implementation_code(r["itemCode"])) for r in records]
    ok = [(r, p) for r, p in parsed if p is not None]
    assert len(ok) == 988 and {p.form for _, p in ok} == {"dashed"}
    # every parsed code names the region it was published for
    assert all(p.area is not None and p.area == r["areaCode"] for r, p in ok)
    # the one embedded credit code with a wrong check character (seven matters)
    bad = Counter(p.uscc for _, p in ok if uscc_problem(p.uscc) is not None)
    assert bad == Counter({"TE5116020105116050": 7})
    # the rest carry no 18-character credit code at all: a 17-character one (a character
    # lost), old 9-character organisation codes, placeholders such as 2222222222222
    rest = [r["itemCode"] for r, p in parsed if p is None]
    assert len(rest) == 147
    assert "511A0080800002-511602000000-000-1151130000877869M-1-00" in rest
    assert "511A0014100002-511602000000-000-2222222222222-1-00" in rest


def test_real_sichuan_code_checked_by_validate(tmp_path: Path, cli: Any) -> None:
    """Real Guang'an codes as implementation codes: a good one passes; the one with the
    wrong embedded check character is C013; a 17-character credit code is C012."""
    records = {r["itemCode"]: r for r in guangan()}
    good = "511Z07001006-511602000000-000-11511301008778183N-1-00"
    wrong = next(c for c in records if "TE5116020105116050" in c)
    short = "511A0080800002-511602000000-000-1151130000877869M-1-00"
    entries = "".join(entry("002000001000", c) for c in (good, wrong, short))
    impl = impl_file(entries, agency_uscc=None)
    root = write_catalogue(tmp_path / "cat", PROVINCE_TABLE, impl=impl)
    found = sorted((f["rule"], f["line"]) for f in findings(cli, root, "C"))
    assert found == [("C012", 10), ("C013", 8)]


def test_profile_error_carries_where_and_fallback() -> None:
    with pytest.raises(ProfileError) as info:
        profile_from_manifest({"profile": "national", "types": {"公共服务": "2x"}})
    assert info.value.path == ("types", "公共服务") and info.value.fallback is NATIONAL
