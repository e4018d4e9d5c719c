#!/usr/bin/env python3
"""Generate a province-scale catalogue in zjpaoyici's real format, deterministically.

The shape follows Zhejiang's published July 2017 figures, and ``report`` on the result
reproduces them exactly at every scale:

* province: 956 matters, 889 meeting 最多跑一次 (93 %)
* each city: 1,043 matters, 845 meeting (mean 845 = 81 %)
* each county: 813 matters, 732 meeting (mean 732 = 90 %)

Names, types, legal bases and departments come from the bundled sample catalogue's
real basic catalogue (109 main matters across 15 departments), multiplied with
realistic qualifiers; the region tree is the real GB/T 2260 table. Every region file
lists its materials, some entries have handling items (explicit or from
``situations``), the province ships uniform elements in ``_defaults-<dept>.yaml`` and
each city a ``_defaults.yaml`` for its counties. The output validates clean.

    python benchmarks/gen_province.py OUT [--scale N] [--cities N] [--counties-per-city N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from zjpaoyici.codes import TYPES, uscc_check_char  # noqa: E402

SAMPLE = ROOT / "catalog"
FIGURES = {"province": (956, 889), "city": (1043, 845), "county": (813, 732)}
QUALIFIERS = [
    "",
    "（企业）",
    "（个人）",
    "（涉外）",
    "（跨区域）",
    "（告知承诺）",
    "（延续换证）",
    "（补证）",
]
REASONS = [
    "需现场核查经营场所和设施设备，核查不合格的整改后复查",
    "需本人到场核验身份并采集指纹",
    "需现场踏勘并参加专家评审会",
    "需本人到考场参加考试",
    "需现场验收，整改后复验",
]
MATERIALS = [
    "申请书",
    "营业执照",
    "法定代表人身份证明",
    "场所使用权证明",
    "授权委托书",
    "技术人员资格证明",
    "设备设施清单",
    "平面布局图",
    "管理制度文本",
    "承诺书",
]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(slots=True)
class Leaf:
    """A code a region can implement (a sub matter, or a main matter without subs)."""

    code: str
    name: str
    dept: str
    legal_days: int


@dataclass(slots=True)
class Main:
    code: str
    name: str
    type: str
    basis: list[str]
    dept: str
    legal_days: int
    subs: list[Leaf] = field(default_factory=list)


def load_seed() -> tuple[dict[str, str], list[dict[str, object]]]:
    """Department file stems → names, and the real main matters of the sample."""
    depts: dict[str, str] = {}
    mains: list[dict[str, object]] = []
    for path in sorted((SAMPLE / "basic").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        depts[path.stem] = data["department"]
        for m in data["matters"]:
            mains.append({**m, "dept": path.stem})
    return depts, mains


def build_basic(seed: list[dict[str, object]], needed: int) -> list[Main]:
    """Enough main matters (with subs) to offer ``needed`` leaves at every level."""
    out: list[Main] = []
    number = 10000
    leaves = 0
    round_ = 0
    while leaves < needed:
        qualifier = QUALIFIERS[round_ % len(QUALIFIERS)] + (
            "" if round_ < len(QUALIFIERS) else f"（{round_ // len(QUALIFIERS) + 1}）"
        )
        for m in seed:
            type_name = str(m["type"])
            prefix = TYPES[type_name][0]
            legal = m.get("legal_limit")
            legal_days = int(legal["days"]) if isinstance(legal, dict) else 20  # type: ignore[index]
            legal_days = max(legal_days, 5)
            main = Main(
                f"{prefix}-{number:05d}-000",
                f"{m['name']}{qualifier}",
                type_name,
                list(m["basis"]),
                str(m["dept"]),
                legal_days,
            )  # type: ignore[call-overload]
            for j, s in enumerate(m.get("subs") or [], start=1):  # type: ignore[attr-defined]
                main.subs.append(
                    Leaf(
                        f"{prefix}-{number:05d}-{j:03d}",
                        f"{s['name']}{qualifier}",
                        main.dept,
                        legal_days,
                    )
                )
            leaves += len(main.subs) or 1
            out.append(main)
            number += 1
            if leaves >= needed:
                break
        round_ += 1
    return out


def leaves_of(mains: list[Main]) -> list[Leaf]:
    return [
        leaf for m in mains for leaf in (m.subs or [Leaf(m.code, m.name, m.dept, m.legal_days)])
    ]


def q(text: str) -> str:
    return '"' + text + '"'


def write_basic(out: Path, depts: dict[str, str], mains: list[Main]) -> None:
    by_dept: dict[str, list[Main]] = {}
    for m in mains:
        by_dept.setdefault(m.dept, []).append(m)
    for stem, items in by_dept.items():
        lines = [
            "# yaml-language-server: $schema=../schemas/basic.schema.json",
            "# 生成的省级基本目录（基准测试用）",
            "schema: zjpaoyici/basic/v1",
            f"department: {depts[stem]}",
            "matters:",
        ]
        for m in items:
            lines += [
                f"  - code: {q(m.code)}",
                f"    name: {m.name}",
                f"    type: {m.type}",
                "    basis:",
                *[f"      - {b}" for b in m.basis],
                "    levels: [province, city, county]",
                f"    legal_limit: {{days: {m.legal_days}, unit: working}}",
            ]
            if m.subs:
                lines.append("    subs:")
                for s in m.subs:
                    lines += [f"      - code: {q(s.code)}", f"        name: {s.name}"]
            lines.append("")
        (out / "basic" / f"{stem}.yaml").write_text("\n".join(lines), encoding="utf-8")


def uscc(rng: random.Random, region: str) -> str:
    body = "11" + region + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return body + uscc_check_char(body)


def regions_table() -> list[dict[str, str]]:
    data = yaml.safe_load((SAMPLE / "regions.yaml").read_text(encoding="utf-8"))
    return list(data["regions"])


def entry_lines(rng: random.Random, leaf: Leaf, visits: int, with_items: str | None) -> list[str]:
    promised = rng.randint(0, max(1, leaf.legal_days // 2))
    immediate = promised == 0
    lines = [f"  - code: {q(leaf.code)}", f"    visits: {visits}"]
    if visits:
        lines.append(f"    onsite_reason: {rng.choice(REASONS)}")
    lines.append(f"    promised_limit: {{days: {promised}, unit: working}}")
    lines.append(f"    case_type: {'即办件' if immediate else '承诺件'}")
    depth = 4 if visits == 0 and rng.random() < 0.7 else 3
    lines.append(f"    online: {{depth: {depth}, mobile: true}}")
    lines.append(f"    annual_cases: {rng.randint(5, 5000)}")
    lines.append("    materials:")
    for name in rng.sample(MATERIALS, rng.randint(3, 6)):
        lines.append(
            f"      - {{name: {name}, required: {'true' if rng.random() < 0.85 else 'false'}}}"
        )
    if with_items == "explicit":
        lines.append("    items:")
        for i, who in enumerate(("企业", "个体工商户"), start=1):
            item_visits = visits if i == 1 else min(visits, 1)
            lines += [
                f"      - code: {q(f'{i:02d}')}",
                f"        name: {leaf.name}（{who}）",
                f"        situation: {{applicant: {who}}}",
                f"        visits: {item_visits}",
            ]
            if item_visits == 0 and visits:
                lines.append("        onsite_reason: null")
    elif with_items == "situations":
        lines += [
            "    situations:",
            "      applicant: [企业, 个体工商户]",
            "      action: [新办, 变更]",
        ]
    return lines


def region_entries(
    rng: random.Random, leaves: list[Leaf], level: str, scale: int, offset: int
) -> list[tuple[Leaf, int, str | None]]:
    total, meeting = (n * scale for n in FIGURES[level])
    start = offset % max(1, len(leaves) - total + 1)
    chosen = leaves[start : start + total]
    multi = set(rng.sample(range(total), total - meeting))
    out = []
    for i, leaf in enumerate(chosen):
        # the exceptions need 2 visits (now and then 3); most matters need none
        roll_visits = rng.random()
        visits = (2 if roll_visits < 0.9 else 3) if i in multi else (0 if roll_visits < 0.72 else 1)
        roll = rng.random()
        items = (
            "explicit" if roll < 0.03 else ("situations" if roll < 0.045 and visits <= 1 else None)
        )
        out.append((leaf, visits, items))
    return out


def write_region(
    out: Path,
    region: dict[str, str],
    level: str,
    depts: dict[str, str],
    entries: list[tuple[Leaf, int, str | None]],
    seed: int,
) -> None:
    folder = out / "implementations" / region["code"]
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    by_dept: dict[str, list[tuple[Leaf, int, str | None]]] = {}
    for e in entries:
        by_dept.setdefault(e[0].dept, []).append(e)
    prefix = {"province": "浙江省", "city": region["name"], "county": region["name"]}[level]
    for stem, items in sorted(by_dept.items()):
        dept = depts[stem].replace("浙江省", prefix) if level != "province" else depts[stem]
        lines = [
            "# yaml-language-server: $schema=../../../schemas/implementation.schema.json",
            f"# {dept} 实施清单（生成数据）",
            "schema: zjpaoyici/implementation/v1",
            f"region: {q(region['code'])}",
            f"department: {dept}",
            f"agency_uscc: {q(uscc(rng, region['code']))}",
            "defaults:",
            "  express: true",
            "matters:",
        ]
        for leaf, visits, with_items in items:
            lines += entry_lines(rng, leaf, visits, with_items)
        (folder / f"{stem}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_defaults(
    out: Path, depts: dict[str, str], leaves: list[Leaf], cities: list[dict[str, str]]
) -> None:
    """Province uniform elements (reach) per department, and a city default for its counties."""
    by_dept: dict[str, list[Leaf]] = {}
    for leaf in leaves[:400]:
        by_dept.setdefault(leaf.dept, []).append(leaf)
    folder = out / "implementations" / "330000"
    folder.mkdir(parents=True, exist_ok=True)
    for stem, items in by_dept.items():
        lines = [
            "schema: zjpaoyici/defaults/v1",
            'region: "330000"',
            f"department: {depts[stem]}",
            "matters:",
        ]
        for leaf in items:
            lines += [f"  - code: {q(leaf.code)}", "    reach: 全省通办"]
        (folder / f"_defaults-{stem}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for city in cities:
        folder = out / "implementations" / city["code"]
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            "schema: zjpaoyici/defaults/v1",
            f"region: {q(city['code'])}",
            f"department: {city['name']}人民政府办公室",
            "matters:",
        ]
        for leaf in leaves[400:420]:
            lines += [f"  - code: {q(leaf.code)}", "    reach: 全市通办"]
        (folder / "_defaults.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(
    out: Path,
    *,
    scale: int = 1,
    cities: int = 11,
    counties_per_city: int | None = None,
    seed: int = 2017,
) -> dict[str, int]:
    """Write the catalogue to ``out`` (replaced if it exists); returns counts per level."""
    if out.exists():
        shutil.rmtree(out)
    (out / "basic").mkdir(parents=True)
    depts, seed_mains = load_seed()
    needed = max(n for n, _ in FIGURES.values()) * scale + 200
    mains = build_basic(seed_mains, needed)
    leaves = leaves_of(mains)
    write_basic(out, depts, mains)
    shutil.copy(SAMPLE / "regions.yaml", out / "regions.yaml")
    (out / "catalogue.yaml").write_text(
        (SAMPLE / "catalogue.yaml")
        .read_text(encoding="utf-8")
        .replace("浙江省政务服务事项目录（示例）", "浙江省政务服务事项目录（生成数据）"),
        encoding="utf-8",
    )
    table = regions_table()
    chosen_cities = [r for r in table if r["level"] == "city"][:cities]
    counts = {"province": 0, "city": 0, "county": 0}
    plan: list[tuple[dict[str, str], str]] = [(table[0], "province")]
    for city in chosen_cities:
        plan.append((city, "city"))
        kids = [r for r in table if r.get("parent") == city["code"]]
        plan += [
            (k, "county")
            for k in kids[: counties_per_city if counties_per_city is not None else len(kids)]
        ]
    for i, (region, level) in enumerate(plan):
        rng = random.Random(seed * 1000 + i)
        entries = region_entries(rng, leaves, level, scale, offset=i * 37)
        write_region(out, region, level, depts, entries, seed * 7919 + i)
        counts[level] += 1
    write_defaults(out, depts, leaves, chosen_cities)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--cities", type=int, default=11)
    parser.add_argument("--counties-per-city", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    counts = generate(
        args.out,
        scale=args.scale,
        cities=args.cities,
        counties_per_city=args.counties_per_city,
        seed=args.seed,
    )
    size = sum(p.stat().st_size for p in args.out.rglob("*.yaml"))
    print(f"{args.out}: {counts}, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
