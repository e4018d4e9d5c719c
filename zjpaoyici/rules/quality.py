"""Family Q: quality of implementation facts, after the layers are merged.

These follow what provincial QA of implementation lists checks in practice: every
on-site visit needs a reason, 全程网办 means no visit, zero visits needs a channel.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from zjpaoyici.catalogue.fields import IDENTIFIER_KEYS, kept, not_kept
from zjpaoyici.catalogue.fields import labels as element_labels
from zjpaoyici.catalogue.model import Catalogue, Entry, Facts, Source, origin_of
from zjpaoyici.catalogue.schemas import field_path
from zjpaoyici.files.reader import BIDI_CONTROLS, SINGLE_LINE_FIELDS, Document, Pointer
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import also, check, define

E, W = Severity.ERROR, Severity.WARNING


def _units(entry: Entry) -> Iterator[tuple[Facts, str, Source, Entry]]:
    """The things a citizen applies for: the items of an entry, or the entry itself."""
    if entry.items:
        for item in entry.items:
            yield item.facts, item.full_code, item.src, entry
    else:
        yield entry.facts, entry.code, entry.src, entry


def _where(entry: Entry, src: Source, *field: str | int) -> tuple[Loc, tuple[Loc, ...]]:
    """Report on the unit; mention where an inherited value was set, if elsewhere."""
    origin = entry.origin(*field) if src is entry.src else src
    here = src.loc("code") if src.doc.get((*src.pointer, "code")) is not None else src.loc()
    if origin.doc is not src.doc or origin.pointer[: len(src.pointer)] != src.pointer:
        return here, (origin.loc(),)
    return origin.loc(), ()


@check(
    "Q001",
    "onsite-reason-missing",
    E,
    scope="entry",
    title=Bi("到现场次数大于 0 却未说明原因", "on-site visit without a reason"),
    message=Bi(
        "{code} 需到现场 {visits} 次，但没有填写必须现场办理原因 onsite_reason。",
        "{code} needs {visits} on-site visit(s) but gives no onsite_reason.",
    ),
    hint=Bi(
        "补充 onsite_reason，如“需现场核验身份并采集指纹”；或改为 visits: 0。",
        "Add onsite_reason (e.g. identity check and fingerprints), or make it visits: 0.",
    ),
    why=Bi(
        "“最多跑一次”改革要求每一次到现场都有法定或客观理由。",
        "The reform requires a lawful or objective reason for every on-site visit.",
    ),
)
def onsite_reason_missing(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    if not kept(cat, "onsite_reason"):
        return
    for facts, code, src, _ in _units(entry):
        if facts.visits and facts.visits > 0 and not (facts.onsite_reason or "").strip():
            loc, related = _where(entry, src, "visits")
            yield Finding("Q001", loc, {"code": code, "visits": facts.visits}, related=related)


@check(
    "Q002",
    "full-online-with-visits",
    E,
    scope="entry",
    title=Bi("全程网办却仍需到现场", "fully online yet on-site visits"),
    message=Bi(
        "{code} 网办深度为Ⅳ级（全程网办），到现场次数却是 {visits}。",
        "{code} is fully online (depth IV) yet needs {visits} on-site visit(s).",
    ),
    hint=Bi(
        "全程网办应为 visits: 0；否则把网办深度降为Ⅲ级。",
        "Fully online means visits: 0; otherwise lower the depth to III.",
    ),
    why=Bi("Ⅳ级网办的定义就是不用跑。", "Depth IV means no visit by definition."),
)
def full_online_with_visits(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    for facts, code, src, _ in _units(entry):
        if facts.online_depth == 4 and facts.visits and facts.visits > 0:
            loc, related = _where(entry, src, "visits")
            yield Finding("Q002", loc, {"code": code, "visits": facts.visits}, related=related)


@check(
    "Q003",
    "zero-visit-no-channel",
    W,
    scope="entry",
    title=Bi("零次跑却没有网办或寄递渠道", "zero visits without an online or express channel"),
    message=Bi(
        "{code} 到现场次数为 0，但写明既不能网上受理（不可网办或网办深度低于Ⅲ级，且非掌上办），"
        "也不支持快递送达。",
        "{code} claims zero visits but states neither online intake (not available online or"
        " depth below III, and not on mobile) nor express delivery.",
    ),
    hint=Bi(
        "写明 online: {{depth: 3}} 以上、online.available: true、online.mobile: true 或"
        " express: true；否则次数应为 1。",
        "State online depth 3+, online.available: true, online.mobile: true or express: true;"
        " otherwise visits should be 1.",
    ),
    why=Bi(
        "不用跑必须有替代渠道，否则“零次”不可信。只在两种渠道都写明没有时报告：未填写的渠道是未知，"
        "不是没有。",
        "Zero visits needs some other channel, or the claim is not credible. Reported only when"
        " both channels are stated to be absent: a channel not given is unknown, not absent.",
    ),
)
def zero_visit_no_channel(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    if not (kept(cat, "online") and kept(cat, "express")):
        return
    for facts, code, src, _ in _units(entry):
        # only channels known to be absent count: an unknown one may well exist
        if facts.visits == 0 and no_online_intake(facts) and facts.express is False:
            loc, related = _where(entry, src, "visits")
            yield Finding("Q003", loc, {"code": code}, related=related)


def no_online_intake(facts: Facts) -> bool:
    """Known to have no online intake: not available online (stated, or depth 0–Ⅱ)
    and not on mobile."""
    return facts.online_available is False and facts.mobile is not True


@check(
    "Q004",
    "immediate-with-limit",
    E,
    scope="entry",
    title=Bi("即办件的承诺时限大于 0", "immediate case with a promised limit"),
    message=Bi(
        "{code} 为即办件，承诺时限却是 {days} 天。",
        "{code} is an immediate case (即办件) but promises {days} days.",
    ),
    hint=Bi(
        "即办件承诺时限写 {{days: 0}}；需要时间的应为承诺件。",
        "Immediate cases promise {{days: 0}}; otherwise use 承诺件.",
    ),
    why=Bi("即办件是当场办结的事项。", "An immediate case is completed on the spot."),
)
def immediate_with_limit(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    for facts, code, src, _ in _units(entry):
        limit = facts.promised_limit
        if facts.case_type == "即办件" and limit is not None and limit.days > 0:
            loc, related = _where(entry, src, "promised_limit")
            yield Finding("Q004", loc, {"code": code, "days": limit.days}, related=related)


@check(
    "Q005",
    "fee-without-basis",
    E,
    scope="entry",
    title=Bi("收费却没有收费依据", "fee without a basis"),
    message=Bi(
        "{code} 收费，但未写收费依据 fee.basis。", "{code} charges a fee but gives no fee.basis."
    ),
    hint=Bi(
        "写明收费依据（法律法规或价格主管部门文件）；不收费写 charged: false。",
        "Cite the fee's legal basis; if free, write charged: false.",
    ),
    why=Bi(
        "收费必须有法定依据，且须向社会公开。", "Fees need a legal basis and must be published."
    ),
)
def fee_without_basis(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    if not kept(cat, "fees"):
        return
    for facts, code, src, _ in _units(entry):
        if facts.fee is not None and facts.fee.charged and not facts.fee.basis:
            loc, related = _where(entry, src, "fee")
            yield Finding("Q005", loc, {"code": code}, related=related)


@check(
    "Q006",
    "visits-missing",
    W,
    scope="entry",
    title=Bi("未填写到现场次数", "visits not stated"),
    message=Bi(
        "{code} 没有填写到办事现场次数 visits，统计时计为“未知”。",
        "{code} does not state visits; it counts as unknown.",
    ),
    hint=Bi("填写 visits: 0、1 或实际次数。", "State visits: 0, 1 or the real number."),
    why=Bi(
        "未知次数计入分母，会拉低“最多跑一次”比例。",
        "Unknown visits stay in the denominator and lower the share.",
    ),
)
def visits_missing(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    if not kept(cat, "visits"):
        return
    for facts, code, src, _ in _units(entry):
        stated = src.doc.get((*src.pointer, "visits")) is not None or "visits" in entry.values
        if facts.visits is None and not stated:  # a malformed value is S004's to report
            here = src.loc("code") if src.doc.get((*src.pointer, "code")) is not None else src.loc()
            yield Finding("Q006", here, {"code": code})


@check(
    "Q007",
    "duplicate-material",
    E,
    scope="entry",
    title=Bi("申请材料重复", "duplicate material"),
    message=Bi("申请材料“{name}”在同一清单中重复列出。", "Material '{name}' is listed twice."),
    hint=Bi(
        "删除重复项；第一次出现见“另见”。", "Remove the repeat; the first is under 'see also'."
    ),
    why=Bi(
        "重复材料让申请人多交材料，也违背“减材料”。",
        "Repeated materials make applicants hand in more, against 减材料.",
    ),
)
def duplicate_material(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    for layer in entry.layers:
        if layer.kind != "entry":  # defaults layers are checked once, not per region
            continue
        yield from _dupes_in(layer.values.get("materials"), layer.src, ("materials",))
        for i, item in enumerate(layer.values.get("items") or []):
            if isinstance(item, dict):
                yield from _dupes_in(item.get("materials"), layer.src, ("items", i, "materials"))


def _dupes_in(materials: Any, src: Source, at: Pointer) -> Iterator[Finding]:
    if not isinstance(materials, list):
        return
    seen: dict[str, int] = {}
    for i, m in enumerate(materials):
        name = m.get("name") if isinstance(m, dict) else None
        if not isinstance(name, str):
            continue
        key = "".join(name.split())  # whitespace ignored: 营业执照 = 营业 执照
        if key in seen:
            yield Finding(
                "Q007",
                src.loc(*at, i, "name"),
                {"name": name},
                related=(src.loc(*at, seen[key], "name"),),
            )
        else:
            seen[key] = i


_ODD_SPACE = re.compile(
    r"^\s|\s$|[\u00a0\u2000-\u200d\u2060\u3000\ufeff\t]| {2,}|" + "[" + BIDI_CONTROLS + "]"
)
_BIDI = re.compile("[" + BIDI_CONTROLS + "]")
_BREAK = re.compile(r"[\r\n\x85\u2028\u2029]")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0\u3000\t"
# identifiers (and the schema tag) hold no free text; an implementation code is still walked
_NOT_TEXT = (IDENTIFIER_KEYS - {"implementation_code"}) | {"schema"}


@check(
    "Q008",
    "stray-whitespace",
    W,
    scope="catalogue",
    title=Bi("多余或不可见的空白字符", "stray or invisible whitespace"),
    message=Bi("{field} 含有{what}：{shown}", "{field} contains {what}: {shown}"),
    hint=Bi("改为“{fixed}”", "Change it to '{fixed}'"),
    why=Bi(
        "首尾空格、全角空格和零宽字符肉眼看不见，却让名称比对、检索失败。",
        "Leading or trailing, full-width and zero-width spaces are invisible but break"
        " matching and search.",
    ),
)
def stray_whitespace(cat: Catalogue) -> Iterator[Finding]:
    for doc in cat.documents:
        # region lists are walked in their region's pass; only files whose text could
        # hold such spaces are walked at all
        if doc.odd_space and doc.kind != "implementation":
            yield from _walk_strings(doc, doc.data, ())


@also("Q008", scope="region")
def stray_whitespace_in_region(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for impl in cat.region_files(folder):
        if impl.doc.odd_space:
            yield from _walk_strings(impl.doc, impl.doc.data, ())


def _free_text(text: str, at: Pointer) -> str:
    """What Q008 examines: a multi-line field's text without the one final line break a
    ``|`` block scalar keeps (clip chomping) — the way people write 办理流程 and 受理条件."""
    if (
        at
        and at[-1] not in SINGLE_LINE_FIELDS
        and text.endswith("\n")
        and not text.endswith("\n\n")
    ):
        return text[:-1]
    return text


def _walk_strings(doc: Document, node: Any, at: Pointer) -> Iterator[Finding]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in _NOT_TEXT:
                yield from _walk_strings(doc, value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_strings(doc, value, (*at, i))
    elif isinstance(node, str) and (
        _ODD_SPACE.search(_free_text(node, at))
        or (at and at[-1] in SINGLE_LINE_FIELDS and _BREAK.search(node))
    ):
        if at and at[-1] in ("exempt", "successors", "members"):
            return
        fixed = _BIDI.sub("", re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", node))
        if at and at[-1] not in SINGLE_LINE_FIELDS and "\n" in node.strip():
            # free text over several lines: tidy each line, keep the lines
            lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", x).strip() for x in fixed.split("\n")]
            fixed = "\n".join(x for x in lines if x)
        else:
            fixed = re.sub(r"[\s\u00a0\u3000]+", " ", fixed).strip()
        invisible = any(c in node for c in _INVISIBLE)
        if at and at[-1] in SINGLE_LINE_FIELDS and _BREAK.search(node):
            what = Bi(
                "换行符（这个字段只能写一行；换行会让表格、日志和工作流命令错位）",
                "a line break (this field is one line; a break shifts tables, logs and"
                " CI workflow commands)",
            )
        elif _BIDI.search(node):
            what = Bi(
                "双向文字控制字符（会改变文字的显示顺序）",
                "bidirectional control characters (they reorder what readers see)",
            )
        elif invisible:
            what = Bi("不可见或全角空白", "invisible or full-width whitespace")
        else:
            what = Bi("首尾或连续空格", "leading, trailing or doubled spaces")
        shown = "".join(
            f"<U+{ord(c):04X}>" if c in _INVISIBLE or _BIDI.match(c) else c for c in node
        )
        yield Finding(
            "Q008",
            doc.loc(at),
            {"field": field_path(at), "what": what, "shown": repr(shown)[1:-1], "fixed": fixed},
        )


@check(
    "Q009",
    "reason-without-visits",
    W,
    scope="entry",
    title=Bi("零次跑却填写了现场办理原因", "on-site reason with zero visits"),
    message=Bi(
        "{code} 到现场次数为 0，却填写了必须现场办理原因。",
        "{code} has zero visits but gives an on-site reason.",
    ),
    hint=Bi("删除 onsite_reason，或核对到现场次数。", "Remove onsite_reason or check visits."),
    why=Bi(
        "二者矛盾，公开的办事指南会误导申请人。",
        "The two contradict each other and mislead applicants.",
    ),
)
def reason_without_visits(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    for facts, code, src, _ in _units(entry):
        inherited = src is not entry.src and facts.onsite_reason == entry.facts.onsite_reason
        if facts.visits == 0 and (facts.onsite_reason or "").strip() and not inherited:
            loc, related = _where(entry, src, "onsite_reason")
            yield Finding("Q009", loc, {"code": code}, related=related)


@check(
    "Q010",
    "entry-visits-vs-items",
    E,
    scope="entry",
    title=Bi("条目的到现场次数与办理项不符", "entry visits contradict its items"),
    message=Bi(
        "{code} 写明到现场 {declared} 次，但其办理项中最多需到现场 {effective} 次；"
        "生效值取办理项的最大值 {effective}。",
        "{code} states {declared} on-site visit(s), but its handling items need at most"
        " {effective}; the effective value is the items' maximum, {effective}.",
    ),
    hint=Bi(
        "把条目的 visits 改为 {effective}，或核对办理项 {item} 的到现场次数。",
        "Change the entry's visits to {effective}, or check the visits of item {item}.",
    ),
    why=Bi(
        "只有每一种办理方式都最多跑一次，事项才算“最多跑一次”；条目上的次数与办理项"
        "矛盾时，公开的办事指南和统计口径会不一致。",
        "A matter meets 最多跑一次 only if every way of applying does; an entry figure"
        " that contradicts its items makes the published guide disagree with the count.",
    ),
)
def entry_visits_vs_items(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    if not entry.items:
        return
    effective, declared = entry.visits, entry.facts.visits
    if effective is None or declared is None or declared == effective:
        return
    origin = entry.origin("visits")
    if origin.doc is not entry.src.doc:  # inherited from a defaults file: not this entry's claim
        return
    top = next(i for i in entry.items if i.facts.visits == effective)
    top_src = origin_of(entry.provenance, ("items", top.code, "visits"), top.src)
    yield Finding(
        "Q010",
        origin.loc(),
        {"code": entry.code, "declared": declared, "effective": effective, "item": top.full_code},
        related=(top_src.loc(),),
    )


_FIELD_BASE = re.compile(r"[.\[]")


def template_problems(template: str, dimensions: Iterable[str]) -> list[Bi]:
    """What is wrong with an ``item_name`` template, given the situation dimensions."""
    allowed = ["name", *dimensions]
    shown = "、".join(allowed)
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return [Bi("花括号不成对", "its braces do not pair up")]
    problems = []
    for name in dict.fromkeys(fields):
        base = _FIELD_BASE.split(name, maxsplit=1)[0]
        if base not in allowed or base != name:
            problems.append(
                Bi(
                    f"占位符 {{{name}}} 既不是 name 也不是情形维度（可用：{shown}）",
                    f"placeholder {{{name}}} is neither name nor a situation dimension"
                    f" (available: {', '.join(allowed)})",
                )
            )
    return problems


@check(
    "Q011",
    "item-name-placeholder",
    E,
    scope="entry",
    title=Bi("办理项名称模板的占位符无效", "unknown placeholder in an item name template"),
    message=Bi(
        "{code} 的办理项名称模板 {template} 有误：{problem}。",
        "The item name template {template} of {code} is wrong: {problem}.",
    ),
    hint=Bi(
        "只用 {{name}} 和 situations 中的维度名，如 {{name}}（{{action}}—{{applicant}}）。",
        "Use only {{name}} and the dimension names under situations,"
        " e.g. {{name}}（{{action}}—{{applicant}}）.",
    ),
    why=Bi(
        "无效的占位符会原样出现在生成的办理项名称里，如“食品经营许可（{{申请人}}）”。",
        "An unknown placeholder is left as it is in every generated item name.",
    ),
)
def item_name_placeholder(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    template = entry.values.get("item_name")
    if not isinstance(template, str):
        return
    dims = entry.values.get("situations")
    names = [str(k) for k in dims] if isinstance(dims, dict) else []
    for problem in template_problems(template, names):
        yield Finding(
            "Q011",
            entry.origin("item_name").loc(),
            {"code": entry.code, "template": template, "problem": problem},
        )


@check(
    "Q012",
    "elements-not-kept",
    Severity.INFO,
    scope="catalogue",
    title=Bi("本目录不维护的实施要素", "implementation elements the catalogue does not keep"),
    message=Bi(
        "本目录不维护以下实施要素：{elements}。这些要素不要求填写、不据此报错，统计中计为未填。",
        "This catalogue does not keep these implementation elements: {elements}. They are not"
        " required, no rule asks for them, and every figure counts them as not given.",
    ),
    hint=Bi(
        "如已开始维护某个要素，把它加入 catalogue.yaml 的 elements 列表。",
        "When the catalogue starts to keep an element, add it to elements in catalogue.yaml.",
    ),
    why=Bi(
        "未维护的要素是未知，不是“否”或“零”：据此报错只会淹没真正的问题，统计为 0% 也不真实。",
        "An element that is not kept is unknown, not no or zero: reporting it would drown the"
        " real findings, and counting it as 0% would be untrue.",
    ),
)
def elements_not_kept(cat: Catalogue) -> Iterator[Finding]:
    if cat.manifest is None:
        return
    missing = not_kept(cat)
    if missing:
        yield Finding(
            "Q012",
            cat.manifest.src.loc("elements", key=True),
            {"elements": Bi(element_labels(missing, "zh"), element_labels(missing, "en"))},
        )


define(
    "Q013",
    "suppression-without-reason",
    Severity.WARNING,
    title=Bi("忽略注释没有写理由", "ignore comment without a reason"),
    message=Bi(
        "忽略注释 ignore[{rules}] 没有写理由，不起作用。",
        "The comment ignore[{rules}] gives no reason, so it suppresses nothing.",
    ),
    hint=Bi(
        "在 ] 后写明经过审核的理由，如 # zjpaoyici: ignore[Q003] 线下核验，见某某通知。",
        "Write the reviewed reason after the ], e.g. # zjpaoyici: ignore[Q003] checked offline,"
        " see notice No. 3.",
    ),
    why=Bi(
        "例外必须说明理由，审阅者和上级才能判断它是否成立；没有理由的忽略会悄悄藏起问题。",
        "An exception needs its reason so reviewers can judge it; a bare ignore hides problems.",
    ),
)
