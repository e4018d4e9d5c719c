"""Family K: promise against practice. The catalogue promises visits, online handling and
a time limit; the case records (``zjpaoyici cases``) show what citizens experienced. These
rules have no check over the catalogue alone: ``ops/cases`` computes the figures and asks
:func:`promise_findings`, so ``validate`` never reports them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zjpaoyici.catalogue.model import Entry
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.ops.cases.tally import CaseTally
from zjpaoyici.rules.registry import define

WARN, INFO = Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class Settings:
    """How strict the comparison is: the share of cases with two or more visits a matter
    promising at most one may have, and the fewest cases a matter needs to be judged."""

    tolerance: float = 0.05
    min_cases: int = 20


@dataclass(slots=True)
class Judged:
    """A catalogue entry with the figures of its cases."""

    entry: Entry
    name: str
    type: str | None
    level: str
    tally: CaseTally


@dataclass(slots=True)
class Unmatched:
    """Cases whose matter (implementation code, region + code + agency) the catalogue lacks."""

    key: tuple[str | None, ...]
    cases: int
    examples: list[str]

    def label(self) -> str:
        impl, region, code, agency = self.key
        return " / ".join(v for v in (impl, region, code, agency) if v)


define(
    "K001",
    "visits-promise-broken",
    WARN,
    scope="catalogue",
    title=Bi("承诺最多跑一次，办件却多次到现场", "at most one visit promised, cases needed more"),
    message=Bi(
        "{code}（{region}）承诺到现场 {visits} 次，但 {cases} 件中有 {multi} 件（{share:.1%}）到现场 2 次及以上，超过允许的 {tolerance:.0%}。",
        "{code} ({region}) promises {visits} visit(s), but {multi} of {cases} cases ({share:.1%}) needed two or more, above the {tolerance:.0%} allowed.",
    ),
    hint=Bi(
        "核实办理流程：改正承诺的到现场次数，或找出多次到现场的原因（示例办件见 cases 输出）。",
        "Check how the matter is handled: correct the promised visits, or find why citizens come back.",
    ),
    why=Bi(
        "改革坚持数量与质量并重，“最多跑一次”要以群众实际办事体验为准。",
        "The reform puts quality first: at most one visit must be what citizens experience.",
    ),
)
define(
    "K002",
    "online-promise-unused",
    WARN,
    scope="catalogue",
    title=Bi("承诺全程网办，却没有网上办件", "fully online promised, no case came online"),
    message=Bi(
        "{code}（{region}）网办深度为Ⅳ级，但 {cases} 件办件中没有一件来自电脑端或移动端。",
        "{code} ({region}) is online at depth IV, but none of its {cases} cases came in online.",
    ),
    hint=Bi(
        "核实网上办理入口是否可用，或改正网办深度。",
        "Check that the online service works, or correct the online depth.",
    ),
    why=Bi(
        "全程网办的承诺应当体现在办件渠道中。",
        "A fully online promise should show in the channels cases come through.",
    ),
)
define(
    "K003",
    "limit-promise-exceeded",
    WARN,
    scope="catalogue",
    title=Bi("办件用时中位数超过承诺时限", "median case took longer than promised"),
    message=Bi(
        "{code}（{region}）承诺 {days} 个{unit}办结，但 {cases} 件已办结办件的中位用时为 {median} 个{unit}。",
        "{code} ({region}) promises {days} {unit}, but the median of its {cases} completed cases took {median} {unit}.",
    ),
    hint=Bi(
        "核实承诺时限是否可以做到，或查明超期原因。",
        "Check whether the promised limit can be kept, or find why cases take longer.",
    ),
    why=Bi(
        "承诺时限是对群众的公开承诺，多数办件应当在时限内办结。",
        "The promised limit is a public promise: most cases should be completed within it.",
    ),
)
define(
    "K004",
    "cases-matter-unknown",
    WARN,
    scope="catalogue",
    title=Bi("办件的事项不在目录中", "cases of a matter not in the catalogue"),
    message=Bi(
        "{cases} 件办件所属的事项 {matter} 不在目录中（示例办件：{examples}）。",
        "{cases} case(s) belong to {matter}, which the catalogue does not list (example cases: {examples}).",
    ),
    hint=Bi(
        "把该事项补入实施清单，或改正办件数据中的事项编码。",
        "Add the matter to the implementation list, or correct the code in the case records.",
    ),
    why=Bi(
        "只有列入目录的事项才能对照承诺检查实际办理情况。",
        "Only matters in the catalogue can be checked against their promises.",
    ),
)
define(
    "K005",
    "entry-without-cases",
    INFO,
    scope="catalogue",
    title=Bi("目录中的事项在统计期内没有办件", "an entry without cases in the period"),
    message=Bi(
        "{code}（{region}）在这批办件中没有任何办件。",
        "{code} ({region}) has no case in these records.",
    ),
    hint=Bi(
        "确认该事项是否仍在实施；长期零办件的事项可考虑调整。",
        "Check that the matter is still offered; one without cases for long may be revised.",
    ),
    why=Bi(
        "零办件的事项可能只在清单上存在，也可能是办件未归集。",
        "An entry without cases may exist on paper only, or its cases are not collected.",
    ),
)

_UNIT = {"working": Bi("工作日", "working days"), "natural": Bi("自然日", "natural days")}


def promise_findings(
    judged: Iterable[Judged],
    unmatched: Iterable[Unmatched],
    settings: Settings,
    records: Path | str,
) -> Iterator[Finding]:
    """The K findings: each entry's promises against its cases, then the unmatched cases
    (placed at the first records file, line 1; a URL as given)."""
    for j in judged:
        e, t = j.entry, j.tally
        where: dict[str, object] = {"code": e.code, "region": e.region}
        if t.cases == 0:
            yield Finding("K005", e.src.loc("code"), where)
            continue
        visits = e.visits
        share = t.multi_share
        if (
            visits is not None
            and visits <= 1
            and t.visits_known >= settings.min_cases
            and share is not None
            and share > settings.tolerance
        ):
            params: dict[str, object] = {
                "visits": visits,
                "cases": t.visits_known,
                "multi": t.multi,
                "share": share,
            }
            params["tolerance"] = settings.tolerance
            yield Finding("K001", e.origin("visits").loc(), {**where, **params})
        if e.facts.online_depth == 4 and t.channel_known >= settings.min_cases and t.online == 0:
            yield Finding(
                "K002", e.origin("online", "depth").loc(), {**where, "cases": t.channel_known}
            )
        limit = e.facts.promised_limit
        if limit is not None and t.timed >= settings.min_cases:
            median = t.percentile(0.5, natural=limit.unit == "natural")
            if median is not None and median > limit.days:
                more: dict[str, object] = {
                    "days": limit.days,
                    "unit": _UNIT[limit.unit],
                    "cases": t.timed,
                    "median": median,
                }
                loc = e.origin("promised_limit").loc()
                yield Finding("K003", loc, {**where, **more})
    shown = records if isinstance(records, str) else display_path(records)
    for u in unmatched:
        examples = ", ".join(u.examples) or "—"
        yield Finding(
            "K004", Loc(shown, 1, 1), {"cases": u.cases, "matter": u.label(), "examples": examples}
        )
