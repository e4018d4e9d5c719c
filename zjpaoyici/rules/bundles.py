"""Family B: 一件事 bundles — members exist, are implemented where the bundle is offered,
and the bundle does not promise what its steps cannot deliver.

B003 is the rule that makes a bundle honest: a bundle may claim fewer on-site visits
than one of its required members needs only when it is marked ``joint: true`` — its
members are accepted once and handled jointly (联办), so the applicant's trips are the
bundle's, not the sum or maximum of the members'.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from zjpaoyici.catalogue.bundles import member_known, member_states, offered
from zjpaoyici.catalogue.model import Catalogue, Entry, Source
from zjpaoyici.findings import Finding, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.registry import check

E, W = Severity.ERROR, Severity.WARNING


@check(
    "B001",
    "unknown-member",
    E,
    scope="catalogue",
    title=Bi("一件事的成员事项不存在", "bundle member not in the basic catalogue"),
    message=Bi(
        "一件事 {bundle} 的成员 {code} 不是基本目录中的事项编码或办理项编码。",
        "Bundle {bundle} lists member {code}, which is neither a basic code nor a handling-item code.",
    ),
    hint=Bi(
        "更正编码，或先在基本目录中增加该事项。",
        "Correct the code, or add the matter to the basic catalogue.",
    ),
    why=Bi("成员事项不存在，一件事就无法办理。", "A bundle cannot be handled with a missing step."),
)
def unknown_member(cat: Catalogue) -> Iterator[Finding]:
    if not cat.basic:
        return
    for bundle in cat.bundles:
        for member in bundle.members:
            if not member_known(cat, member.code):
                yield Finding(
                    "B001", member.src.loc(), {"bundle": bundle.code, "code": member.code}
                )


@check(
    "B002",
    "member-not-implemented",
    E,
    scope="region",
    title=Bi(
        "提供一件事的区划未实施其成员事项", "member not implemented where the bundle is offered"
    ),
    message=Bi(
        "一件事 {bundle} 在 {region} 提供，但该区划没有实施成员 {code}。",
        "Bundle {bundle} is offered in {region}, which does not implement member {code}.",
    ),
    hint=Bi(
        "在该区划实施清单中增加该事项，或把该区划从一件事的 regions 中去掉。",
        "Implement the matter in that region, or remove the region from the bundle's regions.",
    ),
    why=Bi("申请人在该地办不成这件事。", "Applicants there could not complete the bundle."),
)
def member_not_implemented(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for bundle in cat.bundles:
        if bundle.regions is None or folder not in bundle.regions:
            continue
        index = bundle.regions.index(folder)
        for state in member_states(cat, bundle, entries):
            if not state.implemented:
                yield Finding(
                    "B002",
                    bundle.src.loc("regions", index),
                    {"bundle": bundle.code, "region": folder, "code": state.member.code},
                    related=(state.member.src.loc(),),
                )


@check(
    "B003",
    "visits-below-member",
    E,
    scope="region",
    title=Bi(
        "一件事承诺的到现场次数少于必办成员所需",
        "bundle promises fewer visits than a required member needs",
    ),
    message=Bi(
        "一件事 {bundle} 承诺到现场 {visits} 次，但在 {region} 必办成员 {code} 需要 {member_visits} 次。",
        "Bundle {bundle} promises {visits} on-site visit(s), but in {region} required member {code}"
        " needs {member_visits}.",
    ),
    hint=Bi(
        "调高一件事的 visits；或在各成员由牵头部门一次受理、联合办理时标注 joint: true；或减少该成员的到现场次数。",
        "Raise the bundle's visits; or mark it joint: true when the lead department accepts once and"
        " the members are handled jointly; or reduce the member's visits.",
    ),
    why=Bi(
        "非联办的一件事由成员事项依次办理，申请人至少要跑成员所需的次数。",
        "Without joint handling the applicant goes through each member, so needs at least its visits.",
    ),
)
def visits_below_member(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for bundle in cat.bundles:
        visits = bundle.facts.visits
        if bundle.joint or visits is None:
            continue
        states = member_states(cat, bundle, entries)
        if not offered(bundle, folder, states):
            continue
        for state in states:
            if state.member.required and state.visits is not None and state.visits > visits:
                assert state.src is not None
                yield Finding(
                    "B003",
                    bundle.src.loc("visits"),
                    {
                        "bundle": bundle.code,
                        "visits": visits,
                        "region": folder,
                        "code": state.member.code,
                        "member_visits": state.visits,
                    },
                    related=(
                        state.src.loc("code")
                        if state.src.doc.get((*state.src.pointer, "code"))
                        else state.src.loc(),
                    ),
                )


@check(
    "B004",
    "duplicate-member",
    E,
    scope="catalogue",
    title=Bi("一件事的成员重复", "duplicate bundle member"),
    message=Bi(
        "一件事 {bundle} 重复列出成员 {code}。", "Bundle {bundle} lists member {code} twice."
    ),
    hint=Bi("删除重复项。", "Remove the repeat."),
    why=Bi(
        "重复成员会重复统计材料与时限。", "A repeated member counts its materials and time twice."
    ),
)
def duplicate_member(cat: Catalogue) -> Iterator[Finding]:
    for bundle in cat.bundles:
        seen: dict[str, Source] = {}
        for member in bundle.members:
            if member.code in seen:
                yield Finding(
                    "B004",
                    member.src.loc(),
                    {"bundle": bundle.code, "code": member.code},
                    related=(seen[member.code].loc(),),
                )
            else:
                seen[member.code] = member.src


@check(
    "B005",
    "limit-above-members",
    W,
    scope="region",
    title=Bi(
        "一件事承诺时限超过必办成员时限之和",
        "bundle promises longer than its required members together",
    ),
    message=Bi(
        "一件事 {bundle} 承诺 {days} 个工作日，超过 {region} 各必办成员承诺时限之和 {total} 个工作日。",
        "Bundle {bundle} promises {days} working days, more than its required members in {region}"
        " together ({total}).",
    ),
    hint=Bi(
        "一件事应比分别办理更快；核对一件事的承诺时限。",
        "A bundle should be faster than its steps; check its limit.",
    ),
    why=Bi(
        "集成办理不应比分别办理更慢。",
        "Handling things together should not be slower than one by one.",
    ),
)
def limit_above_members(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    for bundle in cat.bundles:
        limit = bundle.facts.promised_limit
        if limit is None:
            continue
        states = member_states(cat, bundle, entries)
        required = [s for s in states if s.member.required]
        if not offered(bundle, folder, states) or not all(
            s.implemented and s.promised for s in required
        ):
            continue
        total = sum(s.promised.working_days() for s in required if s.promised is not None)
        if limit.working_days() > total:
            yield Finding(
                "B005",
                bundle.src.loc("promised_limit"),
                {
                    "bundle": bundle.code,
                    "days": f"{limit.working_days():g}",
                    "region": folder,
                    "total": f"{total:g}",
                },
            )


@check(
    "B006",
    "bundle-onsite-reason",
    E,
    scope="catalogue",
    title=Bi("一件事需到现场却未说明原因", "bundle visit without a reason"),
    message=Bi(
        "一件事 {bundle} 需到现场 {visits} 次，但没有填写 onsite_reason。",
        "Bundle {bundle} needs {visits} on-site visit(s) but gives no onsite_reason.",
    ),
    hint=Bi("补充必须现场办理的原因。", "Say why the visit is needed."),
    why=Bi(
        "与单个事项相同，每次到现场都要有理由。",
        "As for single matters, every visit needs a reason.",
    ),
)
def bundle_onsite_reason(cat: Catalogue) -> Iterator[Finding]:
    for bundle in cat.bundles:
        visits = bundle.facts.visits
        if visits and not (bundle.facts.onsite_reason or "").strip():
            yield Finding(
                "B006", bundle.src.loc("visits"), {"bundle": bundle.code, "visits": visits}
            )


@check(
    "B007",
    "duplicate-bundle",
    E,
    scope="catalogue",
    title=Bi("一件事编码重复", "duplicate bundle code"),
    message=Bi("一件事编码 {code} 重复。", "Bundle code {code} is used twice."),
    hint=Bi("每个一件事使用唯一编码。", "Give every bundle its own code."),
    why=Bi(
        "编码重复会让统计和比对混淆两件事。", "A repeated code mixes two bundles in every count."
    ),
)
def duplicate_bundle(cat: Catalogue) -> Iterator[Finding]:
    seen: dict[str, Source] = {}
    for bundle in cat.bundles:
        if bundle.code in seen:
            yield Finding(
                "B007",
                bundle.src.loc("code"),
                {"code": bundle.code},
                related=(seen[bundle.code].loc("code"),),
            )
        else:
            seen[bundle.code] = bundle.src


@check(
    "B008",
    "bundle-region-missing",
    E,
    scope="catalogue",
    title=Bi(
        "一件事的提供区划没有实施清单", "bundle offered in a region without implementation lists"
    ),
    message=Bi(
        "一件事 {bundle} 列出的区划 {region} 不存在或没有任何实施清单。",
        "Bundle {bundle} lists region {region}, which does not exist or has no implementation lists.",
    ),
    hint=Bi("更正区划代码，或删去该区划。", "Correct the region code, or remove it."),
    why=Bi(
        "没有实施清单的区划无法办理任何成员事项。",
        "A region without lists implements none of the members.",
    ),
)
def bundle_region_missing(cat: Catalogue) -> Iterator[Finding]:
    for bundle in cat.bundles:
        for i, region in enumerate(bundle.regions or ()):
            if region not in cat.region_folders():
                yield Finding(
                    "B008", bundle.src.loc("regions", i), {"bundle": bundle.code, "region": region}
                )
