"""Code profiles and the GB 32100 unified social credit code check, on real data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA
from zjpaoyici.catalogue.codes import (
    NATIONAL,
    ZHEJIANG,
    custom_profile,
    has_odd_characters,
    normalise_code,
    uscc_check_char,
    uscc_problem,
)

GUANGAN = DATA / "sichuan-guangan" / "items.json"


def reference_check_char(first17: str) -> str:
    """An independent statement of GB 32100: weights are 3**i mod 31, check = (31 - S mod 31) mod 31."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return alphabet[(31 - total % 31) % 31]


def guangan_credit_codes() -> set[str]:
    """The 18-character credit codes embedded in the real Guang'an implementation codes."""
    records: list[dict[str, Any]] = json.loads(GUANGAN.read_text(encoding="utf-8"))
    assert len(records) == 1135
    return {part for r in records for part in r["itemCode"].split("-") if len(part) == 18}


def test_guangan_codes_checked_against_reference() -> None:
    codes = guangan_credit_codes()
    assert len(codes) > 30
    for code in codes:
        shaped = all(ch in "0123456789ABCDEFGHJKLMNPQRTUWXY" for ch in code)
        if not shaped:
            assert uscc_problem(code) == "format", code
        elif reference_check_char(code[:17]) == code[17]:
            assert uscc_problem(code) is None, code
        else:
            assert uscc_problem(code) == "check", code
    # The real defects of this list, read by a person: one wrong check character,
    # one code with a lower-case letter.
    assert uscc_problem("TE5116020105116050") == "check"
    assert uscc_problem("11511301452259996u") == "format"


def test_guangan_codes_found_by_validate(base_catalogue: Path, cli: Any) -> None:
    """One implementation file per real credit code: validate flags exactly the bad ones."""
    codes = sorted(guangan_credit_codes())
    folder = base_catalogue / "implementations" / "330106"
    for i, code in enumerate(codes):
        (folder / f"agency{i:02d}.yaml").write_text(
            "schema: zjpaoyici/implementation/v1\n"
            'region: "330106"\n'
            "department: 广安区某局\n"
            f'agency_uscc: "{code}"\n'
            "matters: []\n",
            encoding="utf-8",
        )
    run = cli(
        "validate", "--format", "json", "--select", "C007", "--select", "C008", cwd=base_catalogue
    )
    found = {f["file"]: f["rule"] for f in json.loads(run.stdout)["findings"]}
    for i, code in enumerate(codes):
        rel = f"implementations/330106/agency{i:02d}.yaml"
        expected = {"check": "C008", "format": "C007", None: None}[uscc_problem(code)]
        assert found.get(rel) == expected, (code, found.get(rel))
    assert "C008" in found.values() and "C007" in found.values()


@pytest.mark.parametrize(
    "first17",
    ["91330000MA27XK1234"[:17], "11330106002493862", "12100000400000624"],
)
def test_check_char_matches_reference(first17: str) -> None:
    assert uscc_check_char(first17) == reference_check_char(first17)


def test_zhejiang_profile() -> None:
    parts = ZHEJIANG.parse("许可-00802-002")
    assert parts is not None and (parts.type, parts.main, parts.sub) == ("许可", "00802", "002")
    assert ZHEJIANG.parse("公共服务-00501-001") is not None
    assert ZHEJIANG.parse("许可-0802-002") is None
    assert ZHEJIANG.parse("行政许可-00802-002") is None
    assert ZHEJIANG.type_part_for("行政确认") == "确认"
    assert ZHEJIANG.item_full_code("许可-00802-007", "01") == "许可-00802-007-01"


def test_national_profile() -> None:
    parts = NATIONAL.parse("000107001000")
    assert parts is not None and (parts.type, parts.main, parts.sub) == ("01", "07001", "000")
    assert NATIONAL.parse("00010700100Y") is not None  # a main matter with subs
    assert NATIONAL.parse("00010700100") is None
    assert NATIONAL.type_part_for("公共服务") == "20"
    assert NATIONAL.main_with_subs_sub == "00Y"


def test_custom_profile_from_manifest_mapping() -> None:
    profile = custom_profile(
        {"pattern": r"^(?P<type>[A-Z])-(?P<main>\d{6})-(?P<sub>\d{3})$", "types": {"公共服务": "G"}}
    )
    parts = profile.parse("G-000007-001")
    assert parts is not None and parts.type == "G" and parts.main == "000007"
    assert profile.parse("G-7-1") is None


def test_full_width_characters_are_normalised() -> None:
    real_defect = "许可-00077-025－01"  # seen in a real list: a full-width dash
    assert has_odd_characters(real_defect)
    assert normalise_code(real_defect) == "许可-00077-025-01"
    assert normalise_code("许可-００８０２-001") == "许可-00802-001"
    assert normalise_code("许可-00802-001\u00a0") == "许可-00802-001"
    assert not has_odd_characters("许可-00802-001")
