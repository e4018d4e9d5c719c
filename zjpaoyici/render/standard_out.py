"""``standard`` as a rich table, Markdown (a pull-request comment), JSON and a table of
deviations (csv, xlsx: one row per deviation, for the office that must fix it)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zjpaoyici.catalogue.fields import BY_NAME, level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.standard.compute import (
    Deviation,
    ElementNorm,
    Figure,
    GroupBy,
    MatterNorms,
    StandardResult,
)
from zjpaoyici.ops.standard.propose import ProposedFile
from zjpaoyici.render.safe import json_text, markdown_text, one_line, visible
from zjpaoyici.render.table_out import Cell, Header, TableData, display_width

LISTED = 30  # matters listed in text and Markdown; the rest are in csv, xlsx, json


def pct(figure: Figure) -> str:
    return "—" if figure.percent is None else f"{figure.percent:.1f}%"


def _days(value: float) -> str:
    return f"{value:g}"


def proposal_diff(files: list[ProposedFile]) -> str:
    """The unified diff ``standard --propose`` previews, file by file."""
    out: list[str] = []
    for f in files:
        before, after = f.before.splitlines(keepends=True), f.after.splitlines(keepends=True)
        out += difflib.unified_diff(before, after, f.label, f.label)
    return visible("".join(out))


def element_label(element: str, lang: Lang) -> str:
    return BY_NAME[element].label(lang)


def shown(element: str, value: Any, lang: Lang) -> str:
    """An element's value for people."""
    if value is None:
        return t("std_unknown", lang)
    if element == "materials":
        required = sum(1 for _, r in value if r)
        return t("std_materials_value", lang, count=len(value), required=required)
    if element == "limits":
        working, days, unit = value
        if unit == "natural":
            return t("std_days_natural", lang, days=days, working=_days(working))
        return t("std_days_working", lang, days=days)
    if element == "online":
        depth, mobile = value
        return t(
            "std_online_value",
            lang,
            depth="—" if depth is None else depth,
            mobile="—" if mobile is None else t("yes" if mobile else "no", lang),
        )
    if element == "fees":
        charged, standard = value
        return (
            t("std_fee_charged", lang, standard=standard or "—")
            if charged
            else t("std_fee_free", lang)
        )
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return str(value)


def detail(dev: Deviation, lang: Lang) -> str:
    """What differs, beyond the two values: the materials added, missing or flagged."""
    if dev.element != "materials":
        return ""
    mine = {name: req for name, req in dev.value}
    norm = {name: req for name, req in dev.norm}
    sep = t("list_sep", lang)
    parts = []
    for key, names in (
        ("std_materials_added", [n for n in mine if n not in norm]),
        ("std_materials_missing", [n for n in norm if n not in mine]),
        ("std_materials_flags", [n for n in mine if n in norm and mine[n] != norm[n]]),
    ):
        if names:
            parts.append(t(key, lang, names=sep.join(names)))
    return t("std_detail_sep", lang).join(parts)


def for_citizen(direction: int, lang: Lang) -> str:
    return t({1: "std_worse", -1: "std_better"}.get(direction, "std_different"), lang)


def norm_text(norm: ElementNorm, lang: Lang) -> str:
    """The norm with how many regions give it (and a limit's median and benchmark)."""
    text = f"{shown(norm.element, norm.norm, lang)} · " + t(
        "std_share", lang, share=norm.share, known=norm.known
    )
    if norm.median is not None and norm.best is not None:
        text += " · " + t("std_limit_extra", lang, median=_days(norm.median), best=_days(norm.best))
    if norm.names:
        sep = t("list_sep", lang)
        text += " · " + t(
            "std_matched_names", lang, names=sep.join("=".join(v) for v in norm.names.values())
        )
    return text


def region_label(result: StandardResult, code: str) -> str:
    name = result.region_names.get(code)
    return f"{code} {name}" if name else code


def group_label(result: StandardResult, by: GroupBy, key: str, lang: Lang) -> str:
    if by == "level":
        return level_label(key, lang)
    if by == "region":
        return region_label(result, key)
    return key


def group_rows(result: StandardResult, by: GroupBy, lang: Lang) -> Iterator[list[str]]:
    for f in result.groups[by]:
        yield [
            group_label(result, by, f.key, lang),
            pct(f),
            f"{f.pairs:,}",
            f"{f.equal:,}",
            f"{f.deviations:,}",
            f"{f.matters:,}",
        ]


_GROUP_HEAD = ("std_h_group", "std_h_index", "std_h_pairs", "std_h_equal", "std_h_deviations")
_MATTER_HEAD = (
    "std_h_code",
    "std_h_name",
    "std_h_level",
    "std_h_regions",
    "std_h_index",
    "std_h_deviations",
    "std_h_elements",
)


def _deviating(matter: MatterNorms, lang: Lang) -> str:
    sep = t("list_sep", lang)
    return sep.join(f"{element_label(e, lang)} {n}" for e, n in matter.deviating.items())


def _matter_row(matter: MatterNorms, lang: Lang) -> list[str]:
    return [
        matter.code,
        matter.name,
        level_label(matter.level, lang),
        str(matter.regions),
        pct(matter.figure),
        str(matter.figure.deviations),
        _deviating(matter, lang),
    ]


def title(result: StandardResult, name: str, lang: Lang) -> str:
    total = result.total
    return t("std_title", lang, name=name, index=pct(total), equal=total.equal, pairs=total.pairs)


def matter_title(matter: MatterNorms, lang: Lang) -> str:
    return t(
        "std_matter_title",
        lang,
        code=matter.code,
        name=matter.name,
        level=level_label(matter.level, lang),
        regions=matter.regions,
        index=pct(matter.figure),
    )


def _dev_cells(result: StandardResult, dev: Deviation, lang: Lang) -> list[str]:
    return [
        region_label(result, dev.region),
        element_label(dev.element, lang),
        shown(dev.element, dev.value, lang),
        shown(dev.element, dev.norm, lang),
        for_citizen(dev.direction, lang),
        str(dev.loc),
        detail(dev, lang),
    ]


_DEV_HEAD = (
    "std_h_region",
    "std_h_element",
    "std_h_value",
    "std_h_norm",
    "std_h_for_citizen",
    "std_h_location",
    "std_h_detail",
)


# --- text ----------------------------------------------------------------------------


def render_text(
    result: StandardResult, console: Console, by: GroupBy, lang: Lang, name: str, matter: bool
) -> None:
    """The summary, the ``by`` breakdown and the worst matters; with ``matter`` (one
    matter asked for), its norms and every deviation with its location."""
    console.print(Text(one_line(title(result, name, lang)), style="bold"), soft_wrap=True)
    if not result.matters:
        console.print(Text(t("std_nothing", lang)), soft_wrap=True)
        return
    if matter:
        for m in result.matters:
            _print_matter(result, m, console, lang)
        return
    groups = Table(title=t(f"std_by_{by}", lang), title_justify="left")
    for i, col in enumerate((*_GROUP_HEAD, "std_h_matters")):
        groups.add_column(t(col, lang), justify="left" if i == 0 else "right")
    for cells in group_rows(result, by, lang):
        groups.add_row(Text(one_line(cells[0])), *cells[1:])
    console.print(groups)
    worst = Table(title=t("std_worst", lang), title_justify="left")
    for col in _MATTER_HEAD:
        worst.add_column(t(col, lang))
    for m in result.matters[:LISTED]:
        worst.add_row(*(Text(one_line(c)) for c in _matter_row(m, lang)))
    console.print(worst)
    if len(result.matters) > LISTED:
        more = t("std_more_matters", lang, count=len(result.matters) - LISTED)
        console.print(Text(more, style="dim"), soft_wrap=True)


def _print_matter(result: StandardResult, m: MatterNorms, console: Console, lang: Lang) -> None:
    console.print(Text(one_line(matter_title(m, lang)), style="bold"), soft_wrap=True)
    norms = Table(title=t("std_norms", lang), title_justify="left")
    norms.add_column(t("std_h_element", lang))
    norms.add_column(t("std_h_norm", lang))
    for n in m.elements:
        norms.add_row(element_label(n.element, lang), Text(one_line(norm_text(n, lang))))
    console.print(norms)
    if not m.deviations:
        console.print(Text(t("std_no_deviations", lang)), soft_wrap=True)
        return
    devs = Table(title=t("std_deviations", lang), title_justify="left")
    for col in _DEV_HEAD:
        devs.add_column(t(col, lang))
    for dev in m.deviations:
        devs.add_row(*(Text(one_line(c)) for c in _dev_cells(result, dev, lang)))
    console.print(devs)


# --- Markdown ------------------------------------------------------------------------


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(result: StandardResult, by: GroupBy, lang: Lang, name: str) -> str:
    """A pull-request comment: the summary, the breakdown, the worst matters, and the
    deviations of each listed matter with their locations."""
    lines = [f"### {markdown_text(title(result, name, lang))}", ""]
    if not result.matters:
        return "\n".join([*lines, t("std_nothing", lang), ""])
    lines += _md_table(
        [t(c, lang) for c in (*_GROUP_HEAD, "std_h_matters")],
        list(group_rows(result, by, lang)),
    )
    lines += ["", f"#### {t('std_worst', lang)}", ""]
    listed = result.matters[:LISTED]
    lines += _md_table([t(c, lang) for c in _MATTER_HEAD], [_matter_row(m, lang) for m in listed])
    if len(result.matters) > LISTED:
        lines += ["", t("std_more_matters", lang, count=len(result.matters) - LISTED)]
    for m in listed:
        if not m.deviations:
            continue
        lines += ["", "<details>", f"<summary>{markdown_text(matter_title(m, lang))}</summary>", ""]
        lines += _md_table(
            [t("std_h_element", lang), t("std_h_norm", lang)],
            [[element_label(n.element, lang), norm_text(n, lang)] for n in m.elements],
        )
        lines.append("")
        lines += _md_table(
            [t(c, lang) for c in _DEV_HEAD], [_dev_cells(result, d, lang) for d in m.deviations]
        )
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# --- JSON ----------------------------------------------------------------------------

DIRECTION = {1: "worse", -1: "better", 0: "different"}


def _figure(f: Figure) -> dict[str, Any]:
    return {
        "index": f.index,
        "percent": f.percent,
        "pairs": f.pairs,
        "equal": f.equal,
        "deviating": f.deviations,
        "matters": f.matters,
    }


def render_json(result: StandardResult) -> str:
    """Every compared matter with its norms and deviations, and every breakdown."""
    data = {
        **_figure(result.total),
        "fail_under": result.fail_under,
        "failed": result.failed,
        "unread": result.unread,
        "by": {
            by: [{"key": f.key, **_figure(f)} for f in figures]
            for by, figures in result.groups.items()
        },
        "matters": [
            {
                "level": m.level,
                "code": m.code,
                "name": m.name,
                "department": m.department,
                "regions": m.regions,
                **_figure(m.figure),
                "norms": [
                    {
                        "element": n.element,
                        "norm": n.norm,
                        "share": n.share,
                        "known": n.known,
                        **({"median": n.median, "best": n.best} if n.median is not None else {}),
                        **({"names": n.names} if n.names else {}),
                    }
                    for n in m.elements
                ],
                "deviations": [
                    {
                        "region": d.region,
                        "element": d.element,
                        "value": d.value,
                        "norm": d.norm,
                        "for_citizen": DIRECTION[d.direction],
                        "location": str(d.loc),
                    }
                    for d in m.deviations
                ],
            }
            for m in result.matters
        ],
    }
    return json_text(data) + "\n"


# --- one row per deviation (csv, xlsx) ------------------------------------------------

_ROW_HEAD = (
    "std_h_level",
    "std_h_department",
    "std_h_code",
    "std_h_name",
    "std_h_region",
    "std_h_region_name",
    "std_h_element",
    "std_h_value",
    "std_h_norm",
    "std_h_share",
    "std_h_for_citizen",
    "std_h_location",
    "std_h_detail",
)


def deviation_table(result: StandardResult, lang: Lang) -> TableData:
    """One row per deviation, worst matters first."""
    headers = [Header(t(c, lang), max(12, display_width(t(c, lang)) + 2)) for c in _ROW_HEAD]

    def cells() -> Iterator[list[Cell]]:
        for m in result.matters:
            norms = {n.element: n for n in m.elements}
            for d in m.deviations:
                norm = norms[d.element]
                yield [
                    level_label(m.level, lang),
                    m.department,
                    m.code,
                    m.name,
                    d.region,
                    result.region_names.get(d.region, ""),
                    element_label(d.element, lang),
                    shown(d.element, d.value, lang),
                    shown(d.element, d.norm, lang),
                    t("std_share", lang, share=norm.share, known=norm.known),
                    for_citizen(d.direction, lang),
                    str(d.loc),
                    detail(d, lang),
                ]

    return TableData(headers, cells(), sheet="standard")
