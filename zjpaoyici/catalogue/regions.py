"""The GB/T 2260 region table of all of China (2024), shipped with the package.

``province_regions(code)`` gives a province's region tree — the province, its
prefecture-level cities and county-level units with names, levels and parents — and
``regions_yaml(code)`` the text of a catalogue's ``regions.yaml``, so that ``init`` and
``import`` work for any province without a hand-written table. Shapes other than
province → city → county are kept as GB/T 2260 has them (the region tree rules accept
them): a municipality's districts (110101) and the county-level units directly under a
province (429004 仙桃) are county-level regions whose parent is the province; a
prefecture-level city without counties (441900 东莞) is a city with no children.
Source: yescallop/areacodes ``data/2024.txt`` (CC0 1.0); see data/regions/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from zjpaoyici.files.resources import package_dir

TABLE_FILE = package_dir() / "data" / "regions" / "china-2024.tsv"
TABLE_NAME = "GB/T 2260 (2024)"
TABLE_SOURCE = "yescallop/areacodes data/2024.txt (CC0 1.0)"

RegionLevel = Literal["province", "city", "county"]


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One region of the table: code, name, level and parent code (``None``: a province)."""

    code: str
    name: str
    level: RegionLevel
    parent: str | None


class UnknownProvince(ValueError):
    """The code is not a provincial-level region of the shipped table."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@cache
def china_table() -> dict[str, str]:
    """Every code of the shipped table → its name, in table order."""
    table: dict[str, str] = {}
    for line in TABLE_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name = line.split("\t", 1)
        table[code.strip()] = name.strip()
    return table


def province_codes() -> list[str]:
    """The 34 provincial-level codes of the table."""
    return [code for code in china_table() if code.endswith("0000")]


def province_name(code: str) -> str:
    """The name of a provincial-level region (``UnknownProvince`` when not one)."""
    if not code.endswith("0000") or code not in china_table():
        raise UnknownProvince(code)
    return china_table()[code]


def _row(code: str, name: str, table: dict[str, str]) -> RegionRow:
    if code.endswith("0000"):
        return RegionRow(code, name, "province", None)
    province = code[:2] + "0000"
    if code.endswith("00"):
        return RegionRow(code, name, "city", province)
    city = code[:4] + "00"
    # no prefecture code above it: a municipality's district or a county-level unit
    # directly under the province (GB/T 2260's 4290xx, 4690xx, 6590xx, 419001)
    return RegionRow(code, name, "county", city if city in table else province)


def province_regions(code: str) -> list[RegionRow]:
    """The province ``code`` (e.g. "510000") and every region under it, in code order."""
    province_name(code)
    table = china_table()
    return [_row(c, n, table) for c, n in table.items() if c[:2] == code[:2]]


def _scalar(text: str) -> str:
    """A YAML flow scalar for a region name (quoted only when it needs to be)."""
    if text and not any(ch in text for ch in ":{}[],&*#?|-<>=!%@`'\"\\ "):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def regions_yaml(code: str, *, schema_ref: str = "schemas/regions.schema.json") -> str:
    """The text of ``regions.yaml`` for the province ``code``, from the shipped table."""
    rows = province_regions(code)
    name = rows[0].name
    counts = {lv: sum(1 for r in rows if r.level == lv) for lv in ("city", "county")}
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# {name}行政区划（GB/T 2260，2024 年版）：省级 1 个、地级 {counts['city']} 个、"
        f"县级 {counts['county']} 个。",
        "# 来源：yescallop/areacodes data/2024.txt（CC0 1.0），取自 zjpaoyici 附带的全国区划表。",
        f"# Regions of {code} (GB/T 2260, 2024): 1 province, {counts['city']} prefecture-level"
        f" and {counts['county']} county-level units,",
        "# from the table of all of China that ships with zjpaoyici.",
        "schema: zjpaoyici/regions/v1",
        f"table: {TABLE_NAME}",
        f"source: {TABLE_SOURCE}",
        "regions:",
    ]
    previous: RegionRow | None = None
    for row in rows:
        if previous is not None and (
            row.level == "city" or (row.parent != previous.parent and row.parent == code)
        ):
            lines.append("")
        parent = f', parent: "{row.parent}"' if row.parent else ""
        lines.append(
            f'  - {{code: "{row.code}", name: {_scalar(row.name)}, level: {row.level}{parent}}}'
        )
        previous = row
    return "\n".join(lines) + "\n"
