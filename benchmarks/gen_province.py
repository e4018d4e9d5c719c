#!/usr/bin/env python3
"""Generate a province-scale catalogue in zjpaoyici's real format, deterministically.

The shape follows Zhejiang's published July 2017 figures, and ``report`` on the result
reproduces them exactly at every scale:

* province: 956 matters, 889 meeting 最多跑一次 (93 %)
* each city: 1,043 matters, 845 meeting (mean 845 = 81 %)
* each county: 813 matters, 732 meeting (mean 732 = 90 %)

Names, types, legal bases and departments come from the bundled sample catalogue's
real basic catalogue (109 main matters across 15 departments), multiplied with
realistic qualifiers; the region tree is the real GB/T 2260 table. Every entry lists
its materials (form, copies, notes) and a service-guide note (受理条件、办理流程、地点、
咨询), some entries have handling items (explicit or from ``situations``), the province
ships uniform elements in ``_defaults-<dept>.yaml``, each city a ``_defaults.yaml`` for
its counties, and the sample's 13 real 一件事 bundles are carried over with their
members renumbered. The output validates clean; at 1× it is about 160 MB.

By default the files look like catalogues people write: every entry's service guide is
a multi-line block scalar (``|-`` / ``>-``) with its 网办地址 URL (query string and all),
a contact e-mail, full-width punctuation, ``%`` and ``?``; fee texts carry percentages;
comments stand between records, inside them and after values; and the layout varies
— the province and every fourth region keep one big file (up to about 5 MB) under a
consolidated 行政审批服务局, every fourth region thirty small files, the rest one file
per department. ``--plain`` writes the earlier shape instead (one-line notes, no URLs,
no comments, one file per department) from the same entries, so the two can be timed
against each other; ``--no-links`` keeps the real shape but leaves out the URLs and
e-mails (the same table with and without a URL in every entry); ``--layout`` picks the
file layout on its own.

``--scale N`` multiplies the *regions*, not the entries per region: N−1 invented
copies of the 11 cities and their counties (city codes 3312–3399, names marked
（扩展N）) join the real tree, as a national catalogue is many provinces of the same
shape. The per-level figures stay exact at every scale, and the largest region — what
memory follows — stays the same size. ``--scale`` goes up to 8.

``--drift N`` writes a *standardised* province instead — every region of a level gives
each matter the same facts (drawn per matter, not per region; no handling items) — and
then perturbs N known (region, matter, element) values: one more visit, a day more (or
less) promised, one more material. What it perturbed goes to ``OUT.drift.json`` beside
the catalogue, so ``zjpaoyici standard`` can be checked against it: it must find exactly
those deviations. Without ``--drift`` the output is byte for byte what it always was.

    python benchmarks/gen_province.py OUT [--scale N] [--plain | --no-links] [--layout L]
        [--cities N] [--counties-per-city N] [--drift N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from zjpaoyici.catalogue.codes import TYPES, ZHEJIANG, uscc_check_char  # noqa: E402
from zjpaoyici.ops.fmt import code_sort_key  # noqa: E402

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
    "申请人身份证明",
    "专业技术人员资格证书",
    "安全管理制度文本",
    "检验检测报告",
    "环境影响评价文件",
]
FORMS = ["原件", "复印件", "原件和复印件", "电子证照", "在线填报"]
MATERIAL_NOTES = [
    "原件核验后退回，复印件须加盖申请单位公章",
    "可通过数据共享获取的，申请人免于提交",
    "外文材料须同时提交中文译本，并由翻译机构盖章",
    "委托他人办理的提供，须载明委托事项和权限",
    "须由法定代表人签字并加盖单位公章",
    "已领取电子证照的，可以电子证照代替纸质材料",
    "须在有效期内，过期的不予受理",
    "按照申请表填写说明如实填写，不得涂改",
]
CONDITIONS = [
    "申请人应当具有与所申请事项相适应的场所、设施设备和专业技术人员，并建立相应的管理制度",
    "申请人应当为依法设立的法人或者其他组织，法定代表人或者主要负责人无不良信用记录",
    "申请材料齐全、符合法定形式，申请事项属于本机关职权范围",
    "申请人应当按照法律法规规定的条件和程序提出申请，并对申请材料的真实性负责",
]
PROCESS = [
    "申请人通过浙江政务服务网、浙里办或综合受理窗口提交申请，窗口当场核对材料，材料齐全的当场受理",
    "受理后由承办处室进行书面审查，需要现场核查的于受理后三个工作日内组织核查",
    "审查通过的作出准予许可决定，制发证件并通过邮政快递送达，申请人也可以选择窗口领取",
    "申请材料不齐全或者不符合法定形式的，一次性告知申请人需要补正的全部内容",
]
PLACES = [
    "各级政务服务中心综合受理窗口",
    "市民之家一楼综合窗口",
    "行政服务中心二楼无差别受理区",
]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Real-shaped extras (the default shape; --plain leaves them out)
FAQ = [
    "营业执照遗失的，能否先行办理? 可以，凭登报遗失声明先行受理。",
    "委托他人办理需要哪些材料？需提交授权委托书和受托人身份证明。",
    "办理进度如何查询? 登录浙江政务服务网“我的办件”或拨打12345查询。",
    "材料不全怎么办？窗口一次性告知需补正的全部内容，补齐后当场受理。",
]
FEE_STANDARDS = [
    "工本费每证10元",
    "按评估价的0.5%收取，最高不超过5000元",
    "按核定金额的3%收取（减免50%的按1.5%）",
    "每件100元；小微企业减按50%收取",
]
MATERIAL_ASKS = [
    "是否需要原件? 以窗口核验要求为准",
    "复印件须注明“与原件一致”并签名",
    "电子证照可在“浙里办”APP亮证，无需提交纸质件",
]
DOMAINS = ["zj.gov.cn", "hangzhou.gov.cn", "ningbo.gov.cn", "wenzhou.gov.cn", "jiaxing.gov.cn"]


@dataclass(slots=True)
class Leaf:
    """A code a region can implement (a sub matter, or a main matter without subs)."""

    code: str
    name: str
    dept: str
    legal_days: int
    member: bool = False  # a bundle member: 0 visits and its full legal time everywhere


@dataclass(slots=True)
class Main:
    code: str
    name: str
    type: str
    basis: list[str]
    dept: str
    legal_days: int
    subs: list[Leaf] = field(default_factory=list)
    member: bool = False


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
        leaf
        for m in mains
        for leaf in (m.subs or [Leaf(m.code, m.name, m.dept, m.legal_days, m.member)])
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


def entry_lines(
    rng: random.Random,
    leaf: Leaf,
    visits: int,
    with_items: str | None,
    real: random.Random | None = None,
    links: bool = True,
) -> list[str]:
    """One entry's lines. ``rng`` decides every fact (the same in both shapes); ``real``,
    when given, dresses the entry as people write it (see the module doc); ``links``
    False leaves out its URL and e-mail only."""
    promised = leaf.legal_days if leaf.member else rng.randint(0, max(1, leaf.legal_days // 2))
    immediate = promised == 0
    lines = []
    if real is not None and real.random() < 0.3:
        lines.append(f"  # —— {leaf.code} {leaf.name} ——")
    lines += [f"  - code: {q(leaf.code)}", f"    visits: {visits}"]
    if real is not None and visits == 0 and real.random() < 0.2:
        lines[-1] += "  # 跑零次"
    if visits:
        lines.append(f"    onsite_reason: {rng.choice(REASONS)}")
    lines.append(f"    promised_limit: {{days: {promised}, unit: working}}")
    lines.append(f"    case_type: {'即办件' if immediate else '承诺件'}")
    depth = 4 if visits == 0 and rng.random() < 0.7 else 3
    lines.append(f"    online: {{depth: {depth}, mobile: true}}")
    lines.append(f"    annual_cases: {rng.randint(5, 5000)}")
    condition, first, then, place = (
        rng.choice(CONDITIONS),
        rng.choice(PROCESS),
        rng.choice(PROCESS),
        rng.choice(PLACES),
    )
    phone = f"0571-{rng.randint(80000000, 89999999)}"
    hours = "工作日上午九时至十二时、下午一时半至五时（法定节假日除外）。"
    # the guide is written after the materials, where the canonical key order puts it
    guide_lines: list[str] = []
    if real is None:
        guide_lines.append(
            f"    note: 受理条件：{condition}。办理流程：{first}；{then}。办理地点：{place}，"
            f"{hours}咨询电话：{phone}。"
        )
    else:
        domain = real.choice(DOMAINS)
        inner = f"{real.getrandbits(64):016x}"
        contact = [
            f"咨询电话：{phone}；咨询邮箱：{leaf.dept}@{domain}",
            "网办地址：https://www.zjzwfw.gov.cn/zjservice/item/detail/index.do"
            f"?localInnerCode={inner}&webId=1&tabCode=bszn",
        ]
        guide = [
            f"受理条件：{condition}。",
            f"办理流程：（1）{first}；",
            f"（2）{then}。",
            f"办理地点：{place}，{hours}",
            *(contact if links else [f"咨询电话：{phone}"]),
            f"常见问题：{real.choice(FAQ)}",
        ]
        guide_lines.append(f"    note: {'>-' if real.random() < 0.3 else '|-'}")
        guide_lines += [f"      {line}" for line in guide]
    charged = rng.random() < 0.1
    if charged and real is not None:
        standard = real.choice(FEE_STANDARDS)
        lines.append(f"    fee: {{charged: true, standard: {standard}, basis: 浙价费〔2017〕号文}}")
    elif charged:
        lines.append(
            "    fee: {charged: true, standard: 工本费每证10元, basis: 浙价费〔2017〕号文}"
        )
    else:
        lines.append("    fee: {charged: false}")
    lines.append("    materials:")
    if real is not None and real.random() < 0.2:
        lines.append("      # 申请材料以2017年版办事指南为准")
    for name in rng.sample(MATERIALS, rng.randint(4, 9)):
        required = "true" if rng.random() < 0.85 else "false"
        form, copies, note = rng.choice(FORMS), rng.randint(1, 2), rng.choice(MATERIAL_NOTES)
        if real is not None and real.random() < 0.15:
            note = real.choice(MATERIAL_ASKS)
        lines.append(
            f"      - {{name: {name}, required: {required}, form: {form},"
            f" copies: {copies}, note: {note}}}"
        )
    lines += guide_lines
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
    rng: random.Random, leaves: list[Leaf], level: str, core: int, offset: int
) -> list[tuple[Leaf, int, str | None]]:
    """The entries of one region: the ``core`` real matters every region implements,
    then a window of the generated ones; exactly the level's figures."""
    total, meeting = FIGURES[level]
    rest = leaves[core:]
    start = offset % max(1, len(rest) - (total - core) + 1)
    chosen = leaves[:core] + rest[start : start + total - core]
    # bundle members always meet the target, so every bundle is consistent with them
    multi = set(
        rng.sample([i for i, leaf in enumerate(chosen) if not leaf.member], total - meeting)
    )
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


LAYOUTS = ("mixed", "department", "one", "thirty")


def region_layout(layout: str, index: int) -> str:
    """How region number ``index`` (0 = the province) splits its entries into files."""
    if layout != "mixed":
        return layout
    return ("one", "thirty", "department", "department")[index % 4]


def write_region(
    out: Path,
    region: dict[str, str],
    level: str,
    depts: dict[str, str],
    entries: list[tuple[Leaf, int, str | None]],
    seed: int,
    *,
    layout: str = "department",
    real: bool = False,
    links: bool = True,
    uniform: int | None = None,
    perturb: dict[str, str] | None = None,
) -> None:
    """One region's implementation lists: one file per department, the region's entries
    in one file under a consolidated approval bureau (``one``), or each department's
    entries over about thirty files in all (``thirty``). Facts do not depend on either."""
    folder = out / "implementations" / region["code"]
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    dress = random.Random(seed ^ 0x5EED) if real else None
    by_dept: dict[str, list[tuple[Leaf, int, str | None]]] = {}
    for e in entries:
        by_dept.setdefault(e[0].dept, []).append(e)
    prefix = {"province": "浙江省", "city": region["name"], "county": region["name"]}[level]
    parts = -(-30 // max(1, len(by_dept))) if layout == "thirty" else 1
    # stem, department, uscc, entries (each its code and lines)
    files: list[tuple[str, str, str, list[tuple[str, list[str]]]]] = []
    for stem, items in sorted(by_dept.items()):
        dept = depts[stem].replace("浙江省", prefix) if level != "province" else depts[stem]
        code = uscc(rng, region["code"])
        if uniform is None:
            written = [
                (leaf.code, entry_lines(rng, leaf, v, w, dress, links)) for leaf, v, w in items
            ]
        else:
            written = [
                (leaf.code, uniform_lines(uniform, level, leaf, v, real, links, perturb or {}))
                for leaf, v, _ in items
            ]
        size = -(-len(written) // parts)
        for k in range(parts):
            chunk = written[k * size : (k + 1) * size]
            if chunk:
                files.append((stem if parts == 1 else f"{stem}-{k + 1:02d}", dept, code, chunk))
    if layout == "one":
        dept = f"{prefix}行政审批服务局" if level != "province" else "浙江省行政审批服务局"
        # one file of every department's entries, in the canonical order of codes
        everything = sorted(
            (entry for *_, chunk in files for entry in chunk),
            key=lambda entry: code_sort_key(ZHEJIANG, entry[0]),
        )
        files = [("xzsp", dept, files[0][2], everything)]
    for stem, dept, code, chunk in files:
        lines = [
            "# yaml-language-server: $schema=../../../schemas/implementation.schema.json",
            f"# {dept} 实施清单（生成数据）",
            "schema: zjpaoyici/implementation/v1",
            f"region: {q(region['code'])}",
            f"department: {dept}",
            f"agency_uscc: {q(code)}",
            "defaults:",
            "  express: true",
            "matters:",
        ]
        for _, entry in chunk:
            lines += entry
        (folder / f"{stem}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


DRIFT_ELEMENTS = ("visits", "limits", "materials")
DRIFT_MATERIAL = "补充证明材料"


def uniform_visits(seed: int, level: str, leaf: Leaf) -> int:
    """A matter's visits at a level in a standardised province (bundle members: none)."""
    if leaf.member:
        return 0
    return 0 if random.Random(f"{seed}|visits|{level}|{leaf.code}").random() < 0.75 else 1


def uniform_lines(
    seed: int,
    level: str,
    leaf: Leaf,
    visits: int,
    real: bool,
    links: bool,
    perturb: dict[str, str],
) -> list[str]:
    """An entry of a standardised province: its facts drawn per matter and level (so every
    region of the level writes the same), then the perturbation asked for, if any."""
    rng = random.Random(f"{seed}|{level}|{leaf.code}")
    dress = random.Random(f"{seed}|dress|{level}|{leaf.code}") if real else None
    lines = entry_lines(rng, leaf, visits, None, dress, links)
    element = perturb.get(leaf.code)
    if element is not None:
        drift_lines(lines, element, leaf)
    return lines


def drift_lines(lines: list[str], element: str, leaf: Leaf) -> None:
    """Perturb one element of an entry's lines in place."""
    for i, line in enumerate(lines):
        if element == "visits" and line.startswith("    visits: "):
            visits = int(line.split(":")[1].split("#")[0])
            lines[i] = f"    visits: {visits + 1}"
            if visits == 0:
                lines.insert(i + 1, f"    onsite_reason: {REASONS[1]}")
            return
        if element == "limits" and line.startswith("    promised_limit: "):
            days = int(line.split("days: ")[1].split(",")[0])
            new = days + 1 if days + 1 <= leaf.legal_days else days - 1
            lines[i] = f"    promised_limit: {{days: {new}, unit: working}}"
            return
        if element == "materials" and line == "    materials:":
            lines.insert(
                i + 1,
                f"      - {{name: {DRIFT_MATERIAL}, required: true, form: 原件, copies: 1,"
                " note: 按本地要求提供}",
            )
            return
    raise ValueError(f"{leaf.code}: no {element} to perturb")


def choose_drift(
    seed: int, count: int, plan: list[tuple[dict[str, str], str]], entries: list[list[Leaf]]
) -> list[dict[str, str]]:
    """``count`` (region, matter, element) triples to perturb: in cities and counties, in
    matters at least three regions of the level implement (so the norm stays), no
    (level, matter, element) twice."""
    by_matter: dict[tuple[str, str], list[str]] = {}
    for (region, level), leaves in zip(plan, entries, strict=True):
        if level != "province":
            for leaf in leaves:
                by_matter.setdefault((level, leaf.code), []).append(region["code"])
    candidates = sorted(k for k, regions in by_matter.items() if len(regions) >= 3)
    rng = random.Random(f"{seed}|drift")
    chosen = rng.sample(
        [(k, e) for k in candidates for e in DRIFT_ELEMENTS], min(count, 3 * len(candidates))
    )
    used: set[tuple[str, str]] = set()
    out = []
    for (level, code), element in sorted(chosen):
        region = rng.choice(by_matter[(level, code)])
        if (region, code) in used:  # one element per entry: each is a deviation of its own
            continue
        used.add((region, code))
        out.append({"region": region, "level": level, "code": code, "element": element})
    return out


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


MAX_SCALE = 8  # invented city codes must stay two digits: 11 × 8 = 88 ≤ 99


def scaled_tree(
    table: list[dict[str, str]], scale: int, cities: int, counties_per_city: int | None
) -> tuple[list[dict[str, str]], list[tuple[dict[str, str], str]]]:
    """The region table (real plus invented copies) and the regions to fill, in order."""
    real_cities = [r for r in table if r["level"] == "city"][:cities]
    extra: list[dict[str, str]] = []
    plan: list[tuple[dict[str, str], str]] = [(table[0], "province")]
    for copy in range(scale):
        for i, city in enumerate(real_cities):
            kids = [r for r in table if r.get("parent") == city["code"]]
            kids = kids[: counties_per_city if counties_per_city is not None else len(kids)]
            if copy:
                prefix = f"33{11 * copy + i + 1:02d}"
                mark = f"（扩展{copy + 1}）"
                city = {**city, "code": prefix + "00", "name": city["name"] + mark}
                kids = [
                    {
                        **k,
                        "code": prefix + k["code"][4:],
                        "name": k["name"] + mark,
                        "parent": city["code"],
                    }
                    for k in kids
                ]
                extra += [city, *kids]
            plan.append((city, "city"))
            plan += [(k, "county") for k in kids]
    return table + extra, plan


def write_regions(out: Path, table: list[dict[str, str]], real: int) -> None:
    text = (SAMPLE / "regions.yaml").read_text(encoding="utf-8")
    if len(table) == real:
        (out / "regions.yaml").write_text(text, encoding="utf-8")
        return
    lines = ["", "  # 以下为基准测试虚构的扩展区划（--scale），不是真实行政区划。"]
    for r in table[real:]:
        lines.append(
            f'  - {{code: "{r["code"]}", name: {r["name"]}, level: {r["level"]},'
            f' parent: "{r["parent"]}"}}'
        )
    head, sep, tail = text.partition("\nretired:")
    (out / "regions.yaml").write_text(
        head.rstrip("\n") + "\n".join(lines) + "\n" + (sep + tail if sep else ""),
        encoding="utf-8",
    )


def write_bundles(out: Path, renumber: dict[str, str]) -> int:
    """The sample's real bundles with their members renumbered to the generated codes."""
    (out / "bundles").mkdir(exist_ok=True)
    count = 0
    for path in sorted((SAMPLE / "bundles").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^    regions:.*\n", "", text, flags=re.MULTILINE)
        text = re.sub(r'"(\w+-\d{5}-\d{3})"', lambda m: f'"{renumber.get(m[1], m[1])}"', text)
        (out / "bundles" / path.name).write_text(text, encoding="utf-8")
        count += text.count("\n  - code:")
    return count


def generate(
    out: Path,
    *,
    scale: int = 1,
    cities: int = 11,
    counties_per_city: int | None = None,
    seed: int = 2017,
    plain: bool = False,
    layout: str | None = None,
    links: bool = True,
    drift: int = 0,
) -> dict[str, int]:
    """Write the catalogue to ``out`` (replaced if it exists); returns counts per level.
    ``drift``: a standardised province with that many values perturbed (see the module
    doc), the record in ``OUT.drift.json``."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be 1..{MAX_SCALE}")
    layout = layout or ("department" if plain else "mixed")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    if out.exists():
        shutil.rmtree(out)
    (out / "basic").mkdir(parents=True)
    depts, seed_mains = load_seed()
    needed = max(n for n, _ in FIGURES.values()) + 200
    mains = build_basic(seed_mains, needed)
    leaves = leaves_of(mains)
    renumber = seed_renumbering(seed_mains, mains)
    core = len(leaves_of(mains[: len(seed_mains)]))  # the real matters, first round
    mark_members(mains, set(renumber[c] for c in bundle_members() if c in renumber))
    leaves = leaves_of(mains)
    write_basic(out, depts, mains)
    (out / "catalogue.yaml").write_text(
        (SAMPLE / "catalogue.yaml")
        .read_text(encoding="utf-8")
        .replace("浙江省政务服务事项目录（示例）", "浙江省政务服务事项目录（生成数据）"),
        encoding="utf-8",
    )
    real = regions_table()
    table, plan = scaled_tree(real, scale, cities, counties_per_city)
    write_regions(out, table, len(real))
    counts = {"province": 0, "city": 0, "county": 0}
    perturbed: dict[str, dict[str, str]] = {}
    if drift:
        chosen = [
            [
                leaf
                for leaf, _, _ in region_entries(
                    random.Random(seed * 1000 + i), leaves, lv, core, offset=i * 37
                )
            ]
            for i, (_, lv) in enumerate(plan)
        ]
        record = choose_drift(seed, drift, plan, chosen)
        for rec in record:
            perturbed.setdefault(rec["region"], {})[rec["code"]] = rec["element"]
        drift_path = out.parent / f"{out.name}.drift.json"
        drift_path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    for i, (region, level) in enumerate(plan):
        rng = random.Random(seed * 1000 + i)
        entries = region_entries(rng, leaves, level, core, offset=i * 37)
        if drift:
            entries = [(leaf, uniform_visits(seed, level, leaf), None) for leaf, _, _ in entries]
        write_region(
            out,
            region,
            level,
            depts,
            entries,
            seed * 7919 + i,
            layout=region_layout(layout, i),
            real=not plain,
            links=links,
            uniform=seed if drift else None,
            perturb=perturbed.get(region["code"]),
        )
        counts[level] += 1
    write_defaults(out, depts, leaves, [r for r, level in plan if level == "city"])
    counts["bundles"] = write_bundles(out, renumber)
    return counts


def bundle_members() -> set[str]:
    """Every member code of the sample's bundles."""
    codes: set[str] = set()
    for path in (SAMPLE / "bundles").glob("*.yaml"):
        for bundle in yaml.safe_load(path.read_text(encoding="utf-8"))["bundles"]:
            for m in bundle["members"]:
                codes.add(m if isinstance(m, str) else m["code"])
    return codes


def mark_members(mains: list[Main], members: set[str]) -> None:
    """Bundle members get at least ten legal days (a bundle's limit is within the sum
    of its members') and are marked so regions implement them within the targets."""
    for m in mains:
        if m.code in members or any(s.code in members for s in m.subs):
            m.legal_days = max(m.legal_days, 10)
            for sub in m.subs:
                sub.legal_days = m.legal_days
                sub.member = sub.code in members
            m.member = m.code in members


def seed_renumbering(seed: list[dict[str, object]], mains: list[Main]) -> dict[str, str]:
    """Sample code → generated code for the first round (the real matters, renumbered)."""
    out: dict[str, str] = {}
    for m, g in zip(seed, mains, strict=False):
        out[str(m["code"])] = g.code
        for s, sub in zip(m.get("subs") or [], g.subs, strict=False):  # type: ignore[attr-defined]
            out[str(s["code"])] = sub.code
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--cities", type=int, default=11)
    parser.add_argument("--counties-per-city", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="the earlier shape: one-line notes, no URLs or comments, a file per department",
    )
    parser.add_argument(
        "--no-links",
        action="store_true",
        help="the real shape without its URLs and e-mails (to time the same table with and"
        " without a URL in every entry)",
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="files per region (default: mixed; department with --plain)",
    )
    parser.add_argument(
        "--drift",
        type=int,
        default=0,
        metavar="N",
        help="a standardised province with N known values perturbed (recorded in OUT.drift.json)",
    )
    args = parser.parse_args()
    counts = generate(
        args.out,
        scale=args.scale,
        cities=args.cities,
        counties_per_city=args.counties_per_city,
        seed=args.seed,
        plain=args.plain,
        links=not args.no_links,
        layout=args.layout,
        drift=args.drift,
    )
    size = sum(p.stat().st_size for p in args.out.rglob("*.yaml"))
    entries = sum(
        p.read_text(encoding="utf-8").count("\n  - code:")
        for p in (args.out / "implementations").glob("*/[!_]*.yaml")
    )
    sizes = sorted(p.stat().st_size for p in args.out.rglob("*.yaml"))
    print(
        f"{args.out}: {counts}, {entries} entries, {len(sizes)} files, {size / 1e6:.1f} MB"
        f" (files {sizes[0] / 1e3:.1f} KB to {sizes[-1] / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
