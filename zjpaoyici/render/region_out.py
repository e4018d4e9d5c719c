"""One region's card (``report --region``) in every report format: its figures beside
its level's, its matters by implementing agency, its multi-visit exceptions and its
standardisation deviations. The tables are built once here; each format only lays them out."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zjpaoyici.catalogue.fields import level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.stats.figures import Tally, Unit, level_share, percent, target_percent
from zjpaoyici.ops.stats.report import RegionCard, Report
from zjpaoyici.render.report_out import tally_json
from zjpaoyici.render.safe import html_text as esc
from zjpaoyici.render.safe import json_text, markdown_text, one_line
from zjpaoyici.render.standard_out import DIRECTION, element_label, for_citizen, shown
from zjpaoyici.render.table_out import Cell, Header, Sheet

TALLY_HEADS = ("rh_units", "rh_met", "rh_share", "rh_zero", "rh_unknown")
MATTER_HEADS = ("rh_department", "md_code", "md_name", "rh_visits", "rh_reason")
DEVIATION_HEADS = (
    "md_code",
    "std_h_element",
    "std_h_value",
    "std_h_norm",
    "std_h_for_citizen",
    "std_h_location",
)


@dataclass(frozen=True, slots=True)
class CardTable:
    """A titled table of the card: headings (message keys) and typed rows (shares as
    fractions, so a workbook keeps numbers); ``share_columns`` are shown as percentages."""

    key: str  # a stable id (HTML) and the title's message key
    heads: tuple[str, ...]
    rows: list[list[Cell]]
    share_columns: frozenset[int] = frozenset()


def _tally_cells(tally: Tally) -> list[Cell]:
    return [tally.total, tally.met, tally.share, tally.zero_share, tally.unknown]


def _matter_cells(u: Unit) -> list[Cell]:
    return [u.department, u.code, u.name, u.visits, u.onsite_reason or ""]


def title(card: RegionCard, report: Report, lang: Lang) -> str:
    return t(
        "region_title",
        lang,
        name=card.name,
        code=card.key,
        level=level_label(card.level, lang),
        unit=t(f"unit_{report.unit}", lang),
    )


def summary(card: RegionCard, report: Report, lang: Lang) -> str:
    """The region's share, its level's figure and the verdict, in one sentence."""
    fig = card.level_figure
    verdict = {None: "html_no_target", True: "html_pass", False: "html_fail"}[card.ok]
    return t(
        "region_summary",
        lang,
        share=percent(card.tally.share),
        met=f"{card.tally.met:,}",
        units=f"{card.tally.total:,}",
        level=level_label(card.level, lang),
        level_share=percent(level_share(fig, report.basis) if fig else None),
        target=target_percent(card.target),
        verdict=t(verdict, lang),
    )


def tables(card: RegionCard, lang: Lang) -> list[CardTable]:
    """The card's tables: agencies, multi-visit exceptions, every matter, deviations."""
    shares = frozenset({3, 4})
    departments = [[name, *_tally_cells(tally)] for name, tally, _ in card.departments]
    deviations: list[list[Cell]] = [
        [
            d.code,
            element_label(d.element, lang),
            shown(d.element, d.value, lang),
            shown(d.element, d.norm, lang),
            for_citizen(d.direction, lang),
            str(d.loc),
        ]
        for d in card.deviations
    ]
    return [
        CardTable("region_departments", ("rh_department", *TALLY_HEADS), departments, shares),
        CardTable("report_multi_title", MATTER_HEADS, [_matter_cells(u) for u in card.multi_visit]),
        CardTable(
            "region_matters",
            MATTER_HEADS,
            [_matter_cells(u) for _, _, units in card.departments for u in units],
        ),
        CardTable("region_deviations", DEVIATION_HEADS, deviations),
    ]


def cell_text(value: Cell, share: bool) -> str:
    if share:
        return percent(value if isinstance(value, float) else None)
    if value is None or value == "":
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _numeric(table: CardTable, column: int) -> bool:
    """Whether a column holds figures (right-aligned, shown as they are)."""
    return column in table.share_columns or table.heads[column] in (*TALLY_HEADS, "rh_visits")


def _cell_class(table: CardTable, column: int) -> str:
    if _numeric(table, column):
        return ' class="n"'
    return ' class="code"' if table.heads[column] == "md_code" else ""


def _shown_rows(table: CardTable) -> list[list[str]]:
    return [
        [cell_text(c, i in table.share_columns) for i, c in enumerate(row)] for row in table.rows
    ]


def render_table(card: RegionCard, report: Report, console: Console, lang: Lang) -> None:
    console.print(Text(one_line(title(card, report, lang)), style="bold"))
    console.print(Text(one_line(summary(card, report, lang))))
    for table in tables(card, lang):
        out = Table(title=f"{t(table.key, lang)} ({len(table.rows)})", title_justify="left")
        for i, head in enumerate(table.heads):
            out.add_column(t(head, lang), justify="right" if _numeric(table, i) else "left")
        for row in _shown_rows(table):
            out.add_row(*(Text(one_line(c)) for c in row))
        console.print(out)


def render_markdown(card: RegionCard, report: Report, lang: Lang) -> str:
    out = [f"### {markdown_text(title(card, report, lang))}", ""]
    out += [markdown_text(summary(card, report, lang)), ""]
    for table in tables(card, lang):
        out += [f"#### {markdown_text(t(table.key, lang))} ({len(table.rows)})", ""]
        if not table.rows:
            continue
        out.append("| " + " | ".join(t(h, lang) for h in table.heads) + " |")
        out.append(
            "|"
            + "".join(
                " ---: |" if _numeric(table, i) else " --- |" for i in range(len(table.heads))
            )
        )
        for row, cells in zip(table.rows, _shown_rows(table), strict=True):
            shown_cells = [
                c if _numeric(table, i) and raw is not None else markdown_text(c)
                for i, (raw, c) in enumerate(zip(row, cells, strict=True))
            ]
            out.append("| " + " | ".join(shown_cells) + " |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _unit_json(u: Unit) -> dict[str, Any]:
    return {"code": u.code, "name": u.name, "visits": u.visits, "onsite_reason": u.onsite_reason}


def render_json(card: RegionCard, report: Report) -> str:
    fig = card.level_figure
    data = {
        "format": 1,
        "catalogue": report.name,
        "unit": report.unit,
        "basis": report.basis,
        "region": {"code": card.key, "name": card.name, "level": card.level},
        "figures": tally_json(card.tally),
        "level": {
            "share": level_share(fig, report.basis) if fig else None,
            "target": card.target,
            "ok": card.ok,
        },
        "departments": [
            {"name": name, **tally_json(tally), "matters": [_unit_json(u) for u in units]}
            for name, tally, units in card.departments
        ],
        "multi_visit": [{"department": u.department, **_unit_json(u)} for u in card.multi_visit],
        "deviations": [
            {
                "code": d.code,
                "element": d.element,
                "value": d.value,
                "norm": d.norm,
                "for_citizen": DIRECTION[d.direction],
                "location": str(d.loc),
            }
            for d in card.deviations
        ],
    }
    return json_text(data, default=str) + "\n"


def render_csv(card: RegionCard, lang: Lang) -> str:
    """Every matter of the region, one row each (the card's widest table)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    matters = tables(card, lang)[2]
    writer.writerow([t(h, lang) for h in matters.heads])
    writer.writerows([["" if c is None else c for c in row] for row in matters.rows])
    return out.getvalue()


def sheets(card: RegionCard, lang: Lang) -> list[Sheet]:
    return [
        Sheet(
            t(table.key, lang),
            [
                Header(
                    t(h, lang),
                    30 if h in ("md_name", "rh_reason") else 14,
                    "0.0%" if i in table.share_columns else None,
                )
                for i, h in enumerate(table.heads)
            ],
            table.rows,
        )
        for table in tables(card, lang)
    ]


def html_body(card: RegionCard, report: Report, lang: Lang) -> list[str]:
    """The card as HTML sections (the page around it is the report page's)."""
    cls = {None: "", True: " ok", False: " fail"}[card.ok]
    parts = [
        f'<p class="card{cls}" id="region-summary">{esc(summary(card, report, lang))}</p>',
    ]
    for table in tables(card, lang):
        heads = "".join(
            f"<th{' class=n' if _numeric(table, i) else ''}>{esc(t(h, lang))}</th>"
            for i, h in enumerate(table.heads)
        )
        body = "".join(
            "<tr>"
            + "".join(f"<td{_cell_class(table, i)}>{esc(c)}</td>" for i, c in enumerate(shown_row))
            + "</tr>"
            for shown_row in _shown_rows(table)
        )
        parts += [
            f"<h2>{esc(t(table.key, lang))} ({len(table.rows)})</h2>",
            f'<div class="scroll"><table id="{table.key.replace("_", "-")}"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>",
        ]
    return parts
