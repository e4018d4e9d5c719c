"""Family R: references between files — matters, regions, folders, levels."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping

from zjpaoyici.catalogue.codes import has_odd_characters, normalise_code
from zjpaoyici.catalogue.fields import level_label
from zjpaoyici.catalogue.model import Catalogue, Entry, ImplFile, Source
from zjpaoyici.catalogue.resolve import entry_key
from zjpaoyici.findings import Finding, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import also, check

E, W = Severity.ERROR, Severity.WARNING


def level_name(level: str) -> Bi:
    """A region level's labels as a message parameter (an unknown level as written)."""
    return Bi(level_label(level, "zh"), level_label(level, "en"))


def _region_part(
    rule: Callable[[Catalogue, Iterable[ImplFile]], Iterator[Finding]], rule_id: str
) -> None:
    """Run ``rule`` over each region's own lists in that region's pass."""

    def region(folder: str, entries: Mapping[str, Entry], cat: Catalogue) -> Iterator[Finding]:
        return rule(cat, cat.region_files(folder))

    region.__name__ = f"{rule.__name__}_in_region"
    also(rule_id, scope="region")(region)


def _suggest(code: str, known: list[str]) -> Bi:
    fixed = normalise_code(code)
    if fixed != code and fixed in known:
        return Bi(f"是不是 {fixed}？", f"Did you mean {fixed}?")
    close = difflib.get_close_matches(code, known, n=1, cutoff=0.8)
    if close:
        return Bi(f"是不是 {close[0]}？", f"Did you mean {close[0]}?")
    return Bi(
        "先在基本目录（basic/）中增加该事项，或更正编码。",
        "Add the matter to the basic catalogue (basic/) first, or correct the code.",
    )


@check(
    "R001",
    "unknown-matter",
    E,
    scope="catalogue",
    title=Bi(
        "实施清单引用了基本目录中没有的事项", "entry refers to a matter not in the basic catalogue"
    ),
    message=Bi("编码 {code} 不在基本目录中。", "Code {code} is not in the basic catalogue."),
    hint=Bi("{suggestion}", "{suggestion}"),
    why=Bi(
        "实施清单只能实施基本目录中的事项（四级四同）。",
        "Regions may only implement matters of the basic catalogue (四级四同).",
    ),
)
def unknown_matter(cat: Catalogue) -> Iterator[Finding]:
    return _unknown_matter(cat, cat.defaults_files())


def _unknown_matter(cat: Catalogue, files: Iterable[ImplFile]) -> Iterator[Finding]:
    if not cat.basic:
        return
    known = list(cat.basic)
    for impl in files:
        for raw, src in impl.entries:
            code = raw["code"]
            if code not in cat.basic and not has_odd_characters(code):
                yield Finding(
                    "R001", src.loc("code"), {"code": code, "suggestion": _suggest(code, known)}
                )


_region_part(_unknown_matter, "R001")


def _region_hint(cat: Catalogue, code: str) -> Bi:
    retired = cat.retired.get(code)
    if retired is not None:
        names = "、".join(
            f"{s} {cat.regions[s].name}" if s in cat.regions else s for s in retired.successors
        )
        return Bi(
            f"{code} {retired.name}已撤销，现属 {names}；请改用新代码。",
            f"{code} {retired.name} was abolished; its area now belongs to {names}. Use the new code.",
        )
    return Bi(
        "核对 GB/T 2260 代码，并确认 regions.yaml 中有该区划。",
        "Check the GB/T 2260 code and that regions.yaml lists it.",
    )


@check(
    "R002",
    "unknown-region",
    E,
    scope="catalogue",
    title=Bi("区划代码不存在", "unknown region code"),
    message=Bi(
        "区划代码 {code} {status}。",
        "Region code {code} {status}.",
    ),
    hint=Bi("{hint}", "{hint}"),
    why=Bi(
        "统计按区划汇总，未知区划的事项无处计入；旧代码（如 330103 下城区）尤其常见。",
        "Counts are made per region; retired codes (e.g. 330103 下城区) are a common cause.",
    ),
)
def unknown_region(cat: Catalogue) -> Iterator[Finding]:
    return _unknown_region(cat, cat.defaults_files())


def _unknown_region(cat: Catalogue, files: Iterable[ImplFile]) -> Iterator[Finding]:
    if not cat.regions:
        return
    for impl in files:
        code = impl.region
        if code is None or code in cat.regions:
            continue
        status = (
            Bi("在 regions.yaml 中标为已撤销", "is listed as abolished in regions.yaml")
            if code in cat.retired
            else Bi("不在 regions.yaml 中", "is not in regions.yaml")
        )
        yield Finding(
            "R002",
            impl.doc.loc(("region",)),
            {"code": code, "status": status, "hint": _region_hint(cat, code)},
        )


_region_part(_unknown_region, "R002")


@check(
    "R003",
    "region-folder",
    E,
    scope="catalogue",
    title=Bi("区划与所在文件夹不符", "region differs from its folder"),
    message=Bi(
        "文件声明区划 {region}，却放在 implementations/{folder}/ 中。",
        "The file declares region {region} but sits in implementations/{folder}/.",
    ),
    hint=Bi("{fix}", "{fix}"),
    why=Bi(
        "文件夹决定文件属于哪个区划，二者不一致会让事项计入错误的区划。",
        "The folder decides which region a file counts for.",
    ),
)
def region_folder(cat: Catalogue) -> Iterator[Finding]:
    return _region_folder(cat, cat.defaults_files())


def _region_folder(cat: Catalogue, files: Iterable[ImplFile]) -> Iterator[Finding]:
    for impl in files:
        if impl.region is not None and impl.region != impl.folder:
            # never suggest a folder for a region that does not exist (any more)
            fix = (
                Bi(
                    f"把文件移到 implementations/{impl.region}/，或更正 region。",
                    f"Move the file to implementations/{impl.region}/ or correct region.",
                )
                if impl.region in cat.regions or not cat.regions
                else Bi(
                    f"{impl.region} 不是现行区划：把 region 改为 {impl.folder}。",
                    f"{impl.region} is not a current region: set region to {impl.folder}.",
                )
            )
            params: dict[str, object] = {"region": impl.region, "folder": impl.folder, "fix": fix}
            yield Finding("R003", impl.doc.loc(("region",)), params)


_region_part(_region_folder, "R003")


@check(
    "R004",
    "level-not-allowed",
    E,
    scope="entry",
    title=Bi("该层级不行使此事项", "matter not exercised at this level"),
    message=Bi(
        "{code}“{name}”的行使层级为 {levels}，{region} 是{level}。",
        "{code} '{name}' is exercised at {levels}; {region} is a {level} region.",
    ),
    hint=Bi(
        "删除该条目，或在基本目录中调整行使层级。",
        "Remove the entry, or change the matter's levels in the basic catalogue.",
    ),
    why=Bi(
        "事项只能由有权行使的层级实施。", "Only the levels that exercise a matter may implement it."
    ),
)
def level_not_allowed(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    matter, region = cat.basic.get(entry.code), cat.regions.get(entry.region)
    if matter is None or region is None or not matter.levels or region.level in matter.levels:
        return
    if _stands_in_for(cat, region.code, region.level) & set(matter.levels):
        return
    levels = [level_name(lv) for lv in matter.levels]
    yield Finding(
        "R004",
        entry.src.loc("code"),
        {
            "code": entry.code,
            "name": matter.name,
            "levels": Bi("、".join(b.zh for b in levels), ", ".join(b.en for b in levels)),
            "region": f"{region.code} {region.name}",
            "level": level_name(region.level),
        },
        related=(matter.src.loc("levels"),),
    )


def _parent_levels(cat: Catalogue, code: str, level: str) -> tuple[str, ...]:
    """The levels the parent of ``code`` may have: a county hangs on the province only
    when GB/T 2260 has no prefecture-level code above it (``code[:4] + "00"``)."""
    allowed = _PARENT_LEVELS[level]
    if level == "county":
        city = cat.regions.get(code[:4] + "00")
        if city is not None and city.level == "city" and city.code != code:
            return ("city",)
    return allowed


# A region whose table skips the level below it also exercises that level: a
# municipality (no prefecture-level children) acts as a city, a city without counties
# (441900 东莞) as a county.
_SKIPPED_LEVEL = {"province": "city", "city": "county"}


def _stands_in_for(cat: Catalogue, code: str, level: str) -> set[str]:
    """The level ``code`` also exercises because it has no child region of that level
    (asked only when an entry is about to be reported, so the scan stays rare)."""
    skipped = _SKIPPED_LEVEL.get(level)
    if skipped is None:
        return set()
    if any(r.parent == code and r.level == skipped for r in cat.regions.values()):
        return set()
    return {skipped}


@check(
    "R005",
    "duplicate-entry",
    E,
    scope="region",
    title=Bi(
        "同一区划同一实施主体重复实施同一事项",
        "matter implemented twice by one agency in one region",
    ),
    message=Bi(
        "{code} 在区划 {region} 中由 {agency} 实施了两次。",
        "{code} appears twice in region {region} for agency {agency}.",
    ),
    hint=Bi(
        "合并为一个条目；第一次出现见“另见”。确由不同机构实施的，请用 agency 写明各自的实施主体。",
        "Merge into one entry; the first is under 'see also'. If different agencies implement"
        " it, name each one with agency.",
    ),
    why=Bi(
        "条目以（区划，实施主体，事项编码）区分；重复条目会被重复统计，且取值可能互相矛盾。",
        "An entry is identified by (region, agency, code); duplicates are counted twice and"
        " may contradict each other.",
    ),
)
def duplicate_entry(folder: str, entries: Mapping[str, Entry], cat: Catalogue) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Source] = {}
    for impl in cat.region_files(folder):
        for raw, src in impl.entries:
            key = entry_key(impl, raw)
            if key in seen:
                yield Finding(
                    "R005",
                    src.loc("code"),
                    {"code": raw["code"], "region": folder, "agency": key[0] or "—"},
                    related=(seen[key].loc("code"),),
                )
            else:
                seen[key] = src


# The levels a region's parent may have. GB/T 2260 hangs a municipality's districts
# (110101) and the county-level units directly under a province (429004 仙桃) on the
# province, and the towns of a city without counties (441900 东莞) on that city.
_PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    "city": ("province",),
    "county": ("city", "province"),
    "township": ("county", "city"),
}


@check(
    "R006",
    "region-tree",
    E,
    scope="catalogue",
    title=Bi("区划树不一致", "inconsistent region tree"),
    message=Bi("区划 {code}：{problem}", "Region {code}: {problem}"),
    hint=Bi("按 GB/T 2260 核对上级代码和层级。", "Check parent and level against GB/T 2260."),
    why=Bi(
        "市平均、县平均等统计依赖正确的上下级关系。",
        "City and county averages depend on the parent links.",
    ),
)
def region_tree(cat: Catalogue) -> Iterator[Finding]:
    docs = [d for d in cat.documents if d.get(("schema",)) == "zjpaoyici/regions/v1"]
    for doc in docs:
        seen: dict[str, int] = {}
        for i, r in enumerate(doc.get(("regions",)) or []):
            if not isinstance(r, dict) or not isinstance(r.get("code"), str):
                continue
            code, level, parent = r["code"], r.get("level"), r.get("parent")
            if code in seen:
                yield Finding(
                    "R006",
                    doc.loc(("regions", i, "code")),
                    {"code": code, "problem": Bi("代码重复", "listed twice")},
                    related=(doc.loc(("regions", seen[code], "code")),),
                )
                continue
            seen[code] = i
            if level in _PARENT_LEVELS:
                if not isinstance(parent, str):
                    yield Finding(
                        "R006",
                        doc.loc(("regions", i)),
                        {"code": code, "problem": Bi("缺少上级区划 parent", "has no parent")},
                    )
                elif parent not in cat.regions:
                    yield Finding(
                        "R006",
                        doc.loc(("regions", i, "parent")),
                        {
                            "code": code,
                            "problem": Bi(
                                f"上级区划 {parent} 不存在", f"parent {parent} does not exist"
                            ),
                        },
                    )
                elif cat.regions[parent].level not in _parent_levels(cat, code, level):
                    wanted = [level_name(lv) for lv in _parent_levels(cat, code, level)]
                    yield Finding(
                        "R006",
                        doc.loc(("regions", i, "parent")),
                        {
                            "code": code,
                            "problem": Bi(
                                f"上级 {parent} 的层级应为{'或'.join(b.zh for b in wanted)}",
                                f"parent {parent} should be a {' or '.join(b.en for b in wanted)}"
                                " region",
                            ),
                        },
                    )


@check(
    "R007",
    "manifest-province",
    E,
    scope="catalogue",
    title=Bi("目录的省份不在区划表中", "catalogue province not in the region table"),
    message=Bi(
        "catalogue.yaml 的 province {code} 不是 regions.yaml 中的省级区划。",
        "catalogue.yaml names province {code}, which is not a province in regions.yaml.",
    ),
    hint=Bi('浙江省为 "330000"。', 'Zhejiang is "330000".'),
    why=Bi(
        "省级统一实施要素和省级统计都以它为准。", "Province defaults and province figures use it."
    ),
)
def manifest_province(cat: Catalogue) -> Iterator[Finding]:
    m = cat.manifest
    if m is None or not cat.regions or not m.province:
        return
    region = cat.regions.get(m.province)
    if region is None or region.level != "province":
        yield Finding("R007", m.src.loc("province"), {"code": m.province})


@check(
    "R008",
    "unknown-exempt",
    W,
    scope="catalogue",
    title=Bi("豁免清单中的编码不存在", "exempt code not in the basic catalogue"),
    message=Bi(
        "scope.exempt 中的 {code} 不在基本目录中。",
        "{code} in scope.exempt is not in the basic catalogue.",
    ),
    hint=Bi("删除或更正该编码。", "Remove or correct the code."),
    why=Bi("失效的豁免项会让人误以为某事项已被豁免。", "A stale exemption misleads readers."),
)
def unknown_exempt(cat: Catalogue) -> Iterator[Finding]:
    m = cat.manifest
    if m is None or not cat.basic:
        return
    for i, code in enumerate(m.src.doc.get(("scope", "exempt")) or []):
        if isinstance(code, str) and code not in cat.basic and not has_odd_characters(code):
            yield Finding("R008", m.src.loc("scope", "exempt", i), {"code": code})


@check(
    "R010",
    "missing-regions",
    E,
    scope="catalogue",
    title=Bi("缺少 regions.yaml", "regions.yaml is missing"),
    message=Bi(
        "目录缺少 regions.yaml，无法核对区划代码与层级。",
        "The catalogue has no regions.yaml; region codes and levels cannot be checked.",
    ),
    hint=Bi(
        "运行 zjpaoyici init --province <省级代码>（在空文件夹中）生成本省区划表，再复制过来。",
        "Run zjpaoyici init --province <code> in an empty folder for the province's table,"
        " and copy it over.",
    ),
    why=Bi("区划表是层级统计的基础。", "The region table underlies every per-level figure."),
)
def missing_regions(cat: Catalogue) -> Iterator[Finding]:
    if cat.manifest is not None and not (cat.root / "regions.yaml").exists():
        yield Finding("R010", cat.manifest.src.loc(), {})


@check(
    "R011",
    "main-with-subs",
    W,
    scope="entry",
    title=Bi("实施了有子项的主项", "main matter with subs implemented directly"),
    message=Bi(
        "{code} 是含子项的主项；应实施其子项（{subs}）。",
        "{code} is a main matter with sub matters; implement its subs ({subs}).",
    ),
    hint=Bi("把条目改为对应子项的编码。", "Use the codes of the sub matters."),
    why=Bi(
        "有子项的主项不直接办理，统计口径以子项为准。",
        "A main matter with subs is not applied for directly; counts use its subs.",
    ),
)
def main_with_subs(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    matter = cat.basic.get(entry.code)
    if matter is not None and matter.subs:
        shown = "、".join(matter.subs[:3]) + ("…" if len(matter.subs) > 3 else "")
        yield Finding("R011", entry.src.loc("code"), {"code": entry.code, "subs": shown})
