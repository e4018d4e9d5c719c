"""Family L: the layers of an implementation — what a lower layer may and may not say.

The basic catalogue owns the 四同 fields (name, type, basis, levels) and the legal time
limit; lower layers (province and city ``_defaults*``, a file's ``defaults:`` block, a
region's entry) may restate them only identically, may not promise more than the law
allows, and should not ask for more visits than the province's unified default.

Defaults files are checked once, at catalogue scope, so a province default inherited
by ninety counties is reported once, at the place it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from zjpaoyici.catalogue.fields import BY_NAME, FIELD, LEVELS, kept
from zjpaoyici.catalogue.load import basic_field_source
from zjpaoyici.catalogue.model import BasicMatter, Catalogue, Entry, ImplFile, Layer, Limit, Source
from zjpaoyici.catalogue.resolve import item_source, merge_values
from zjpaoyici.findings import Finding, Severity
from zjpaoyici.i18n import Bi
from zjpaoyici.rules.references import level_name
from zjpaoyici.rules.registry import also, check

E, W = Severity.ERROR, Severity.WARNING

FIELD_NAMES = {
    "name": Bi("事项名称", "name"),
    "type": Bi("事项类型", "type"),
    "basis": Bi("设定依据", "basis"),
    "levels": Bi("行使层级", "levels"),
    "legal_limit": Bi("法定办结时限", "legal limit"),
}
_NO_VALUE = Bi("（未填写）", "(none)")
_EMPTY = Bi("", "")


def limit_text(limit: Limit) -> Bi:
    """A time limit as a maintainer reads it: 20 个工作日 / 20 working days."""
    if limit.days == 0:
        return Bi("即办（0 天）", "immediate (0 days)")
    if limit.unit == "natural":
        return Bi(f"{limit.days} 个自然日", f"{limit.days} calendar days")
    return Bi(f"{limit.days} 个工作日", f"{limit.days} working days")


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _normal(key: str, value: Any) -> Any:
    """A restated value in comparable form, or ``None`` when it is malformed (S's job)."""
    if key in ("name", "type"):
        return value if isinstance(value, str) else None
    if key in ("basis", "levels"):
        items = _strings(value)
        return frozenset(items) if items is not None else None
    if key == "legal_limit":
        return Limit.parse(value)
    return None


def _basic_normal(matter: BasicMatter, key: str) -> Any:
    if key == "name":
        return matter.name
    if key == "type":
        return matter.type
    if key == "basis":
        return frozenset(matter.basis)
    if key == "levels":
        return frozenset(matter.levels)
    return matter.legal_limit


def _shown(key: str, value: Any) -> Bi:
    """How a (normalised) 四同 value is shown in a message."""
    if value is None:
        return _NO_VALUE
    if isinstance(value, Limit):
        return limit_text(value)
    if key == "levels":
        order = [lv for lv in LEVELS if lv in value] + sorted(
            lv for lv in value if lv not in LEVELS
        )
        names = [level_name(lv) for lv in order]
        return Bi("、".join(n.zh for n in names) or "—", ", ".join(n.en for n in names) or "—")
    if key == "basis":
        return Bi("；".join(sorted(value)) or "—", "; ".join(sorted(value)) or "—")
    return Bi(str(value), str(value))


def _changed(matter: BasicMatter, key: str, raw: Any) -> tuple[Any, Any] | None:
    """(restated, basic) when ``raw`` restates ``key`` differently, else ``None``."""
    stated = _normal(key, raw)
    if stated is None:
        return None
    basic = _basic_normal(matter, key)
    return None if stated == basic else (stated, basic)


def _layer_name(impl: ImplFile, block: bool) -> Bi:
    if impl.kind == "defaults":
        return (
            Bi("统一实施要素文件的缺省值", "the defaults file's defaults: block")
            if block
            else Bi("统一实施要素", "the unified defaults")
        )
    return (
        Bi("本文件缺省值", "the file's defaults: block") if block else Bi("实施清单", "this entry")
    )


@check(
    "L001",
    "four-same-changed",
    E,
    scope="catalogue",
    title=Bi("下级改动了基本目录的四同要素", "lower layer changes a basic-catalogue field"),
    message=Bi(
        "{code} 的{field}在{layer}中写为“{value}”，与基本目录的“{basic}”不一致{others}。",
        "{code}: {field} is '{value}' in {layer}, but the basic catalogue has '{basic}'{others}.",
    ),
    hint=Bi(
        "删除该字段，以基本目录为准；确需调整的，请修改基本目录 basic/（见“另见”）。",
        "Remove the field; the basic catalogue decides it. To change it, edit basic/"
        " (see 'see also').",
    ),
    why=Bi(
        "“四级四同”要求事项名称、类型、设定依据、行使层级和法定时限全省统一，"
        "只能在省级基本目录中规定，各级统一要素和实施清单不得改动。",
        "Under 四级四同 a matter's name, type, basis, levels and legal limit are the same"
        " across the province; only the basic catalogue sets them.",
    ),
)
def four_same_changed(cat: Catalogue) -> Iterator[Finding]:
    return _four_same_changed(cat, cat.defaults_files())


@also("L001", scope="region")
def four_same_changed_in_region(
    folder: str, entries: Mapping[str, Entry], cat: Catalogue
) -> Iterator[Finding]:
    return _four_same_changed(cat, cat.region_files(folder))


def _four_same_changed(cat: Catalogue, files: Iterable[ImplFile]) -> Iterator[Finding]:
    for impl in files:
        entries = [(raw, src, cat.basic.get(raw["code"])) for raw, src in impl.entries]
        known = [(raw, src, m) for raw, src, m in entries if m is not None]
        yield from _block_changes(cat, impl, known)
        for raw, src, matter in known:
            for key in FIELD_NAMES:
                if key not in raw:
                    continue
                change = _changed(matter, key, raw[key])
                if change is not None:
                    yield _l001(cat, matter, key, change, src, _layer_name(impl, False))


def _block_changes(
    cat: Catalogue, impl: ImplFile, known: list[tuple[dict[str, Any], Source, BasicMatter]]
) -> Iterator[Finding]:
    """A file's ``defaults:`` block applies to its entries that do not state the field."""
    block = Source(impl.doc, ("defaults",))
    for key in FIELD_NAMES:
        if key not in impl.defaults:
            continue
        differing = [
            (m, change)
            for raw, _, m in known
            if key not in raw and (change := _changed(m, key, impl.defaults[key])) is not None
        ]
        if differing:
            matter, change = differing[0]
            more = len(differing) - 1
            yield _l001(
                cat,
                matter,
                key,
                change,
                block,
                _layer_name(impl, True),
                Bi(
                    f"（另有 {more} 个事项同样不一致）",
                    f" (and {more} more matter{'s' if more > 1 else ''})",
                )
                if more
                else _EMPTY,
            )


def _l001(
    cat: Catalogue,
    matter: BasicMatter,
    key: str,
    change: tuple[Any, Any],
    src: Source,
    layer: Bi,
    others: Bi = _EMPTY,
) -> Finding:
    stated, basic = change
    return Finding(
        "L001",
        src.loc(key),
        {
            "code": matter.code,
            "field": FIELD_NAMES[key],
            "layer": layer,
            "value": _shown(key, stated),
            "basic": _shown(key, basic),
            "others": others,
        },
        related=(basic_field_source(cat, matter, key).loc(),),
    )


@check(
    "L002",
    "promised-over-legal",
    E,
    scope="entry",
    title=Bi("承诺时限超过法定时限", "promised limit exceeds the legal limit"),
    message=Bi(
        "{code} 承诺 {promised}办结，超过法定办结时限 {legal}。",
        "{code} promises {promised}, more than its legal limit of {legal}.",
    ),
    hint=Bi(
        "承诺时限应不超过法定时限（自然日按 5/7 折算为工作日比较）；法定时限见“另见”。",
        "Promise no more than the legal limit (calendar days count as 5/7 working days);"
        " the legal limit is under 'see also'.",
    ),
    why=Bi(
        "承诺时限是在法定时限基础上的提速承诺，超过法定时限即为违法承诺。",
        "A promised limit is a pledge to be faster than the law requires; promising more"
        " than the legal limit is unlawful.",
    ),
)
def promised_over_legal(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    matter = cat.basic.get(entry.code)
    if matter is None or matter.legal_limit is None:
        return
    legal = matter.legal_limit
    legal_src = basic_field_source(cat, matter, "legal_limit")  # located only when reported
    promised = entry.facts.promised_limit
    if promised is not None and promised.working_days() > legal.working_days():
        yield Finding(
            "L002",
            entry.origin("promised_limit").loc(),
            {"code": entry.code, "promised": limit_text(promised), "legal": limit_text(legal)},
            related=(legal_src.loc(),),
        )
    for item in entry.items:
        own = ("items", item.code, "promised_limit")
        limit = item.facts.promised_limit
        record = item_source(entry.layers, item.code)
        if (
            record is None
            or limit is None
            or "promised_limit" not in (record.doc.get(record.pointer) or {})
        ):
            continue  # inherited from the entry: reported there
        if limit.working_days() > legal.working_days():
            yield Finding(
                "L002",
                entry.origin(*own).loc(),
                {"code": item.full_code, "promised": limit_text(limit), "legal": limit_text(legal)},
                related=(legal_src.loc(),),
            )


def _last_stating(layers: list[Layer], kinds: tuple[str, ...], key: str) -> Layer | None:
    found = None
    for layer in layers:
        if layer.kind in kinds and key in layer.values:
            found = layer
    return found


def _visits(layer: Layer) -> int | None:
    value = layer.values.get("visits")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@check(
    "L003",
    "visits-above-default",
    W,
    scope="entry",
    title=Bi("到现场次数多于省级统一要素", "more visits than the province default"),
    message=Bi(
        "{code} 在 {region} 需到现场 {visits} 次，多于省级统一实施要素规定的 {default} 次。",
        "{code} needs {visits} on-site visit(s) in {region}, more than the province"
        " default of {default}.",
    ),
    hint=Bi(
        "按省级统一要素（见“另见”）减少到现场次数；确需增加的，请报省级部门调整统一要素。",
        "Follow the province default (see 'see also'); if more visits are really needed,"
        " ask the province department to change its defaults.",
    ),
    why=Bi(
        "省级统一实施要素是全省的底线，下级只能做得更好，不应让群众多跑。",
        "The province defaults are the floor for the whole province; a region may do"
        " better, not make applicants travel more.",
    ),
)
def visits_above_default(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    province = _last_stating(entry.layers, ("province",), "visits")
    own = _last_stating(entry.layers, ("file", "entry"), "visits")
    if province is None or own is None:
        return
    default, visits = _visits(province), _visits(own)
    if default is None or visits is None or visits <= default:
        return
    region = cat.regions.get(entry.region)
    yield Finding(
        "L003",
        own.src.loc("visits"),
        {
            "code": entry.code,
            "region": f"{entry.region} {region.name}" if region else entry.region,
            "visits": visits,
            "default": default,
        },
        related=(province.src.loc("visits"),),
    )


@check(
    "L004",
    "defaults-level",
    E,
    scope="catalogue",
    title=Bi("统一实施要素不适用于任何下级", "defaults that apply to no region"),
    message=Bi(
        "{region} 的统一实施要素中列有 {code}，但{reason}，这些缺省值不会被任何区划继承。",
        "The defaults of {region} list {code}, but {reason}; no region inherits them.",
    ),
    hint=Bi(
        "删除该条目；要为本级设定取值，请写在本级实施清单中。",
        "Remove the entry; to set this region's own values, use its implementation list.",
    ),
    why=Bi(
        "市级统一要素只适用于所辖县（市、区），县级没有下级；不生效的缺省值会误导维护人员。",
        "City defaults apply only to the city's counties and nothing lies below a county;"
        " defaults that never apply mislead maintainers.",
    ),
)
def defaults_level(cat: Catalogue) -> Iterator[Finding]:
    for folder in sorted(cat.defaults):
        region = cat.regions.get(folder)
        if region is None or region.level == "province":
            continue
        where = f"{folder} {region.name}"
        for impl in cat.defaults[folder]:
            for raw, src in impl.entries:
                reason = _no_lower_region(cat.basic.get(raw["code"]), region.level)
                if reason is not None:
                    yield Finding(
                        "L004",
                        src.loc("code"),
                        {"region": where, "code": raw["code"], "reason": reason},
                    )


def _no_lower_region(matter: BasicMatter | None, level: str) -> Bi | None:
    """Why defaults at ``level`` for ``matter`` reach no region, or ``None`` if they do."""
    if level in ("county", "township"):
        return Bi(
            f"{level_name(level).zh}没有下级区划", f"nothing lies below a {level_name(level).en}"
        )
    if matter is None or not matter.levels or "county" in matter.levels:
        return None
    levels = [level_name(lv) for lv in matter.levels]
    return Bi(
        f"该事项的行使层级为{'、'.join(b.zh for b in levels)}，所辖县（市、区）不行使",
        f"the matter is exercised at {', '.join(b.en for b in levels)}, not by the city's counties",
    )


# element → the field L005 compares (the elements ``standard`` compares), where a province
# or city _defaults record lists the element in its ``standard:``
_STANDARD_FIELDS = {
    e: BY_NAME[e].fields[0]
    for e in ("materials", "limits", "visits", "case_type", "online", "express", "fees", "reach")
}


def _value_text(value: Any) -> str:
    text = orjson.dumps(value).decode() if value is not None else "—"
    return text if len(text) <= 80 else text[:79] + "…"


@check(
    "L005",
    "deviation-without-reason",
    W,
    scope="entry",
    title=Bi("偏离统一实施要素而未说明原因", "deviates from the unified defaults without a reason"),
    message=Bi(
        "{code} 在 {region} 的{field}为 {value}，与{layer}统一实施要素写明的标准 {default}"
        " 不同，且未写 deviation_reason。",
        "{code}: {field} in {region} is {value}, not the standard {default} stated in the"
        " {layer} defaults, and no deviation_reason is given.",
    ),
    hint=Bi(
        "按统一实施要素（见“另见”）执行并删除本地取值；确需不同的，在条目中写明 deviation_reason。",
        "Follow the unified defaults (see 'see also') and drop the local value; if it must"
        " differ, say why in the entry's deviation_reason.",
    ),
    why=Bi(
        "同一事项应在各地按同一标准办理（同一事项、同一标准）；写在统一实施要素中的取值就是标准，"
        "与之不同须有据可查。",
        "A matter should be handled to the same standard everywhere; a value stated in the"
        " province or city defaults is that standard, and a region differing from it must"
        " say why.",
    ),
)
def deviation_without_reason(entry: Entry, cat: Catalogue) -> Iterator[Finding]:
    marked = {
        element
        for layer in entry.layers
        if layer.kind in ("province", "city")
        and isinstance(marks := layer.values.get("standard"), list)
        for element in marks
        if isinstance(element, str)
    }
    if not marked:  # most entries: no standard stated above them
        return
    own = entry.layers[-1]
    reason = own.values.get("deviation_reason") if own.kind == "entry" else None
    if isinstance(reason, str) and reason.strip():
        return
    for element, name in _STANDARD_FIELDS.items():
        if element not in marked or not kept(cat, element):
            continue
        standard = _last_stating(entry.layers, ("province", "city"), name)
        local = _last_stating(entry.layers, ("file", "entry"), name)
        if standard is None or local is None:
            continue
        stated: dict[str, Any] = {}
        for layer in entry.layers[: entry.layers.index(standard) + 1]:
            if layer.kind != "basic" and name in layer.values:
                merge_values(stated, {name: layer.values[name]})
        default, value = stated.get(name), entry.values.get(name)
        if value == default:
            continue
        if name == "visits" and standard.kind == "province":
            low, high = _visits(standard), value
            if isinstance(low, int) and isinstance(high, int) and high > low:
                continue  # L003 reports it
        region = cat.regions.get(entry.region)
        yield Finding(
            "L005",
            local.src.loc(name),
            {
                "code": entry.code,
                "region": f"{entry.region} {region.name}" if region else entry.region,
                "field": Bi(FIELD[name].zh, FIELD[name].en),
                "value": _value_text(value),
                "default": _value_text(default),
                "layer": Bi("省级", "province")
                if standard.kind == "province"
                else Bi("市级", "city"),
            },
            related=(standard.src.loc(name),),
        )
