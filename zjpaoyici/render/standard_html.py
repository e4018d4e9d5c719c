"""``standard`` as one self-contained HTML page: per level a matter × region heat map of
deviations (sortable by any column), then the breakdown. The report page's style,
sorting script and Content-Security-Policy (no network request); every catalogue text
is escaped."""

from __future__ import annotations

from zjpaoyici.catalogue.fields import LEVELS, level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.standard.compute import GroupBy, MatterNorms, StandardResult
from zjpaoyici.render.report_html import CSP, SCRIPT, STYLE, sort_head
from zjpaoyici.render.safe import html_text as esc
from zjpaoyici.render.standard_out import (
    element_label,
    for_citizen,
    group_rows,
    pct,
    shown,
    title,
)

HEAT = """
.heat{overflow-x:auto}.heat td:first-child{white-space:nowrap}.heat td.c{text-align:center;min-width:1.6rem;font-variant-numeric:tabular-nums}
.heat th.r{font-size:.8rem;white-space:nowrap;text-align:center}
.d0{background:#dafbe1}.d1{background:#fff8c5}.d2{background:#ffd8b5}.d3{background:#ffb3a7}.d4{background:#ff8182}
"""
MATTERS_PER_LEVEL = 300  # rows per heat map; the csv lists every deviation


def _cell(matter: MatterNorms, region: str, implemented: bool, lang: Lang) -> str:
    if not implemented:
        return '<td class="c" data-value="-1"></td>'
    devs = [d for d in matter.deviations if d.region == region]
    tip = "\n".join(
        f"{element_label(d.element, lang)}: {shown(d.element, d.value, lang)}"
        f" ≠ {shown(d.element, d.norm, lang)} ({for_citizen(d.direction, lang)}) {d.loc}"
        for d in devs
    )
    shade = min(len(devs), 4)
    return (
        f'<td class="c d{shade}" data-value="{len(devs)}" title="{esc(tip)}">{len(devs) or ""}</td>'
    )


def _heat_map(result: StandardResult, level: str, lang: Lang, regions: dict[str, set[str]]) -> str:
    matters = [m for m in result.matters if m.level == level][:MATTERS_PER_LEVEL]
    columns = sorted({r for m in matters for r in regions[f"{m.level}/{m.code}"]})
    heads = [
        sort_head(t("std_h_code", lang), False),
        sort_head(t("std_h_name", lang), False),
        sort_head(t("std_h_index", lang), True),
    ]
    heads += [
        f'<th data-type="number" class="r" title="{esc(code)}"><button type="button">'
        f"{esc(result.region_names.get(code, code))}</button></th>"
        for code in columns
    ]
    rows = []
    for m in matters:
        have = regions[f"{m.level}/{m.code}"]
        cells = "".join(_cell(m, code, code in have, lang) for code in columns)
        rows.append(
            f"<tr><td>{esc(m.code)}</td><td>{esc(m.name)}</td>"
            f'<td class="n" data-value="{m.figure.percent}">{esc(pct(m.figure))}</td>{cells}</tr>'
        )
    return (
        f"<h2>{esc(level_label(level, lang))}</h2>"
        f'<div class="heat"><table class="sortable" id="heat-{esc(level)}"><thead><tr>'
        f"{''.join(heads)}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_html(result: StandardResult, by: GroupBy, lang: Lang, name: str) -> str:
    heading = title(result, name, lang)
    regions = {f"{m.level}/{m.code}": set(m.region_codes) for m in result.matters}
    levels = [lv for lv in (*LEVELS, "unknown") if any(m.level == lv for m in result.matters)]
    group_heads = "".join(
        sort_head(t(k, lang), i > 0)
        for i, k in enumerate(
            (
                "std_h_group",
                "std_h_index",
                "std_h_pairs",
                "std_h_equal",
                "std_h_deviations",
                "std_h_matters",
            )
        )
    )
    breakdown = "".join(
        "<tr>"
        + f"<td>{esc(cells[0])}</td>"
        + "".join(
            f'<td class="n" data-value="{esc(c.rstrip("%").replace(",", ""))}">{esc(c)}</td>'
            for c in cells[1:]
        )
        + "</tr>"
        for cells in group_rows(result, by, lang)
    )
    html_lang = {"zh": "zh-CN", "en": "en"}[lang]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(heading)}</title><style>{STYLE}{HEAT}</style></head><body>",
        f"<h1>{esc(heading)}</h1>",
        f'<p class="note">{esc(t("std_html_heat", lang))}</p>',
        *(_heat_map(result, level, lang, regions) for level in levels),
        f"<h2>{esc(t(f'std_by_{by}', lang))}</h2>",
        f'<table class="sortable" id="groups"><thead><tr>{group_heads}</tr></thead>'
        f"<tbody>{breakdown}</tbody></table>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
