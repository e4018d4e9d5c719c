"""The report as a rich table, Markdown, JSON (documented in the README) and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zjpaoyici.catalogue.fields import LEVELS, level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.stats.figures import (
    LevelFigure,
    Tally,
    Unit,
    level_share,
    percent,
    target_percent,
)
from zjpaoyici.ops.stats.report import GroupBy, LevelCheck, Report, Row
from zjpaoyici.render.safe import json_text, markdown_text, one_line
from zjpaoyici.render.table_out import Cell, Header, Sheet

MULTI_LIMIT = 20


def not_given(shown: str, unknown: int, lang: Lang) -> str:
    """A figure with the units where its fact is not given beside it: ``45.0%``,
    ``45.0%（12 项未填）``, or ``—（2,262 项未填）`` when nothing is known."""
    return t("share_not_given", lang, share=shown, count=f"{unknown:,}") if unknown else shown


def overall_sentence(o: Tally, lang: Lang) -> str:
    """The one-line summary under the tables (text, Markdown and HTML say the same). The
    最多跑一次 and zero-visit shares keep units of unknown visits in the denominator
    (design §3.7) and say how many; the other shares are over the units that give the fact."""
    return t(
        "report_overall",
        lang,
        share=percent(o.share),
        zero=percent(o.zero_share),
        visits_unknown=t("report_visits_unknown", lang, count=f"{o.unknown:,}")
        if o.unknown
        else "",
        full=not_given(percent(o.online_full_share), o.online_full_unknown, lang),
        online=not_given(percent(o.online_any_share), o.online_any_unknown, lang),
        mobile=not_given(percent(o.mobile_share), o.mobile_unknown, lang),
        volume=not_given(percent(o.volume_share), o.volume_missing, lang),
        units=f"{o.total:,}",
    )


def bar(value: float | None, width: int = 20) -> str:
    """A text bar such as ``█████████████████▌  ``."""
    if value is None:
        return " " * width
    filled = value * width
    full = int(filled)
    half = "▌" if filled - full >= 0.5 else ""
    return ("█" * full + half).ljust(width)


def row_label(row: Row, by: GroupBy, lang: Lang) -> str:
    if by == "level":
        return level_label(row.key, lang)
    if by == "region":
        return f"{row.key} {row.label}"
    return row.label


def tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "units": tally.total,
        "met": tally.met,
        "share": tally.share,
        "zero": tally.zero,
        "zero_share": tally.zero_share,
        "unknown": tally.unknown,
        "multi_visit": tally.multi,
        # each share below is over the units that give its fact (null when none does);
        # *_known and *_unknown count those units and the rest
        "online_full_share": tally.online_full_share,
        "online_full_known": tally.online_full_known,
        "online_full_unknown": tally.online_full_unknown,
        "online_any_share": tally.online_any_share,
        "online_any_known": tally.online_any_known,
        "online_any_unknown": tally.online_any_unknown,
        "mobile_share": tally.mobile_share,
        "mobile_known": tally.mobile_known,
        "mobile_unknown": tally.mobile_unknown,
        "volume_share": tally.volume_share,
        "volume_cases": tally.volume_total,
        "volume_known": tally.volume_known,
        "volume_missing": tally.volume_missing,
    }


def _unit_json(u: Unit) -> dict[str, Any]:
    return {
        "region": u.region,
        "level": u.level,
        "code": u.code,
        "name": u.name,
        "department": u.department,
        "visits": u.visits,
        "onsite_reason": u.onsite_reason,
    }


def render_json(report: Report) -> str:
    cov = report.coverage
    data = {
        "format": 1,
        "catalogue": report.name,
        "unit": report.unit,
        "basis": report.basis,
        "overall": tally_json(cov.overall),
        "levels": {
            level: {**_level_json(fig), "target": report.targets.get(level)}
            for level, fig in cov.levels.items()
        },
        "regions": [
            {"code": r.key, "name": r.label, "level": r.level, **tally_json(r.tally)}
            for r in report.rows("region")
        ],
        "departments": [{"name": r.key, **tally_json(r.tally)} for r in report.rows("department")],
        # per department of the basic catalogue, across regions, highest share first
        "catalogue_departments": [
            {
                "name": d.name,
                **tally_json(d.tally),
                "regions": [
                    {"code": code, "name": name, **tally_json(tally)}
                    for code, name, tally in d.regions
                ],
            }
            for d in report.department_rows()
        ],
        "types": [{"type": r.key, **tally_json(r.tally)} for r in report.rows("type")],
        "multi_visit": [_unit_json(u) for u in cov.multi_visit],
        "unknown_visits": [_unit_json(u) for u in cov.unknown],
        "without_annual_cases": len(cov.no_volume),
        "unread_files": cov.unread,  # left out of every figure: they could not be read
        "check": {
            "checked": bool(report.checks),
            "failed": [c.level for c in report.failed],
            "levels": {
                c.level: {"value": c.value, "target": c.target, "ok": c.ok} for c in report.checks
            },
        },
        "history": [
            {"rev": h.rev, "label": h.label, "commit": h.commit, "date": h.date, "levels": h.levels}
            for h in report.history
        ],
        "bundles": _bundles_json(report),
        # from case records (report --cases): the share of case volume at most one visit
        "case_volume": {
            level: {"cases": v.cases, "as_promised": v.as_promised, "as_handled": v.as_handled}
            for level, v in report.cases.items()
        },
    }
    return json_text(data) + "\n"


def _level_json(fig: LevelFigure) -> dict[str, Any]:
    return {
        "regions": fig.regions,
        "mean_count": fig.mean_count,
        "mean_share": fig.mean_share,
        "pooled": tally_json(fig.pooled),
    }


def _bundles_json(report: Report) -> dict[str, Any]:
    b = report.coverage.bundles
    return {
        "overall": tally_json(b.overall),
        "levels": {level: _level_json(f) for level, f in b.levels.items()},
        "regions": [
            {"code": r, "name": report.coverage.region_names.get(r, r), **tally_json(t)}
            for r, t in sorted(b.by_region.items())
            if t.total
        ],
        "list": [
            {
                "code": row.code,
                "name": row.name,
                "lifecycle": row.lifecycle,
                "stage": row.stage,
                "lead_department": row.lead_department,
                "visits": row.visits,
                "regions": row.regions,
            }
            for row in b.rows.values()
        ],
    }


CSV_COLUMNS = (
    "key",
    "label",
    "level",
    "units",
    "met",
    "share",
    "zero",
    "zero_share",
    "unknown",
    "multi_visit",
    "online_full_share",
    "online_any_share",
    "mobile_share",
    "volume_share",
    # the units where each of the four facts above is not given (empty share: none gives it)
    "online_full_unknown",
    "online_any_unknown",
    "mobile_unknown",
    "volume_missing",
)


def render_csv(report: Report, by: GroupBy, lang: Lang) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([t(f"rcol_{c}", lang) for c in CSV_COLUMNS])
    for row in report.rows(by):
        data = tally_json(row.tally)
        writer.writerow(
            [
                _cell(row.key),
                _cell(row_label(row, by, lang) if by == "level" else row.label),
                row.level,
            ]
            + [number_cell(data[c]) for c in CSV_COLUMNS[3:]]
        )
    for level, fig in report.coverage.bundles.levels.items():
        data = tally_json(fig.pooled)
        label = f"{t('report_bundles', lang)}·{level_label(level, lang)}"
        writer.writerow(
            [f"bundles:{level}", label, level] + [number_cell(data[c]) for c in CSV_COLUMNS[3:]]
        )
    # from case records: units are cases, the share is "as promised" and "as handled"
    blank = [""] * (len(CSV_COLUMNS) - 6)
    for level, v in report.cases.items():
        for kind, share in (("promised", v.as_promised), ("handled", v.as_handled)):
            label = f"{t(f'rh_cases_{kind}', lang)}·{level_label(level, lang)}"
            writer.writerow(
                [f"cases-{kind}:{level}", label, level, v.cases, "", number_cell(share), *blank]
            )
    return out.getvalue()


def _cell(text: str) -> str:
    """CSV cells never start a spreadsheet formula."""
    text = one_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def number_cell(value: Any) -> str:
    """A figure in a machine-read cell: floats to six decimals, nothing for unknown."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


LEVEL_COLUMNS = [
    "rh_level",
    "rh_regions",
    "rh_mean_count",
    "rh_mean_share",
    "rh_pooled",
    "rh_zero",
    "rh_unknown",
    "rh_target",
]
BUNDLE_LEVEL_COLUMNS = [
    "rh_level",
    "rh_regions",
    "rh_bundles_mean",
    "rh_mean_share",
    "rh_pooled",
    "rh_zero",
]
GROUP_COLUMNS = ["rh_name", "rh_units", "rh_met", "rh_share", "rh_zero", "rh_unknown"]


def level_rows(
    report: Report, lang: Lang
) -> list[tuple[list[str], float | None, LevelCheck | None]]:
    """Per level: the cells of :data:`LEVEL_COLUMNS`, the share it is judged by (for a
    bar) and its check against the target, if any."""
    checks = {c.level: c for c in report.checks}
    return [
        (
            [
                level_label(level, lang),
                str(fig.regions),
                "—" if fig.mean_count is None else f"{fig.mean_count:.0f}",
                percent(fig.mean_share),
                percent(fig.pooled.share),
                percent(fig.pooled.zero_share),
                str(fig.pooled.unknown),
                target_percent(report.targets.get(level)),
            ],
            level_share(fig, report.basis),
            checks.get(level),
        )
        for level, fig in report.coverage.levels.items()
    ]


def group_rows(report: Report, by: GroupBy, lang: Lang) -> list[tuple[list[str], float | None]]:
    """Per row of the breakdown: the cells of :data:`GROUP_COLUMNS` and its share."""
    return [
        (
            [
                row_label(row, by, lang),
                str(row.tally.total),
                str(row.tally.met),
                percent(row.tally.share),
                percent(row.tally.zero_share),
                str(row.tally.unknown),
            ],
            row.tally.share,
        )
        for row in report.rows(by)
    ]


CASE_COLUMNS = ["rh_level", "rh_cases", "rh_cases_promised", "rh_cases_handled"]


DEPARTMENT_COLUMNS = ["rh_name", "rh_regions", *GROUP_COLUMNS[1:]]


def department_cells(tally: Tally) -> list[str]:
    """The cells of :data:`GROUP_COLUMNS` after the name, for one tally."""
    return [
        f"{tally.total:,}",
        f"{tally.met:,}",
        percent(tally.share),
        percent(tally.zero_share),
        f"{tally.unknown:,}",
    ]


def case_rows(report: Report, lang: Lang) -> list[list[str]]:
    """Per level, from case records (``--cases``): the cells of :data:`CASE_COLUMNS`."""
    return [
        [level_label(level, lang), f"{v.cases:,}", percent(v.as_promised), percent(v.as_handled)]
        for level, v in report.cases.items()
    ]


def render_table(report: Report, console: Console, by: GroupBy, lang: Lang) -> None:
    cov = report.coverage
    console.print(
        Text(
            one_line(
                t("report_title", lang, name=report.name, unit=t(f"unit_{report.unit}", lang))
            ),
            style="bold",
        ),
        soft_wrap=True,
    )
    levels = Table(title=t("report_levels", lang), title_justify="left")
    for col in (*LEVEL_COLUMNS[:4], "rh_bar", *LEVEL_COLUMNS[4:]):
        levels.add_column(
            t(col, lang), justify="left" if col in ("rh_level", "rh_bar") else "right"
        )
    for cells, value, check in level_rows(report, lang):
        mark = "" if check is None else (" ✓" if check.ok else " ✗")
        style = "" if check is None else ("green" if check.ok else "bold red")
        target = Text(cells[7] + mark, style=style)
        levels.add_row(*cells[:4], Text(bar(value), style="cyan"), *cells[4:7], target)
    console.print(levels)
    console.print(Text(t("report_basis_note", lang), style="dim"), soft_wrap=True)
    if report.cases:
        table = Table(title=t("report_cases", lang), title_justify="left")
        for col in CASE_COLUMNS:
            table.add_column(t(col, lang), justify="left" if col == "rh_level" else "right")
        for cells in case_rows(report, lang):
            table.add_row(*cells)
        console.print(table)
    if by != "level":
        table = Table(title=t(f"report_by_{by}", lang), title_justify="left")
        for col in (*GROUP_COLUMNS[:4], "rh_bar", *GROUP_COLUMNS[4:]):
            table.add_column(
                t(col, lang), justify="left" if col in ("rh_name", "rh_bar") else "right"
            )
        for cells, share in group_rows(report, by, lang):
            bar_text = Text(bar(share), style="cyan")
            table.add_row(Text(one_line(cells[0])), *cells[1:4], bar_text, *cells[4:])
        console.print(table)
    if by == "department":
        table = Table(title=t("report_by_catalogue_department", lang), title_justify="left")
        for col in DEPARTMENT_COLUMNS:
            table.add_column(t(col, lang), justify="left" if col == "rh_name" else "right")
        for d in report.department_rows():
            table.add_row(Text(one_line(d.name)), str(len(d.regions)), *department_cells(d.tally))
        console.print(table)
    console.print(
        Text(overall_sentence(cov.overall, lang)),
        soft_wrap=True,
    )
    if cov.multi_visit:
        console.print(
            Text(t("report_multi", lang, count=len(cov.multi_visit)), style="bold"), soft_wrap=True
        )
        for u in cov.multi_visit[:MULTI_LIMIT]:
            console.print(
                Text(
                    one_line(
                        f"  {u.region} {u.code} {u.name} · {u.visits} · {u.onsite_reason or '—'}"
                    )
                ),
                soft_wrap=True,
            )
        if len(cov.multi_visit) > MULTI_LIMIT:
            console.print(
                Text(t("report_more", lang, count=len(cov.multi_visit) - MULTI_LIMIT), style="dim")
            )
    _bundle_table(report, console, lang)
    _history_table(report, console, lang)
    for line in below_lines(report, lang):
        console.print(Text(line, style="bold red"), soft_wrap=True)


def below_lines(report: Report, lang: Lang) -> list[str]:
    """One sentence per level below its target (the table prints them; other formats
    leave them to standard error, so a failing gate always says which level)."""
    return [
        t(
            "report_below",
            lang,
            level=level_label(check.level, lang),
            value=percent(check.value, 2),
            target=target_percent(check.target),
        )
        for check in report.failed
    ]


def bundle_level_rows(report: Report, lang: Lang) -> list[tuple[str, str, str, str, str, str]]:
    """(level, regions, mean bundles offered, mean share, pooled share, zero-visit share)."""
    b = report.coverage.bundles
    return [
        (
            level_label(level, lang),
            str(fig.regions),
            "—" if fig.mean_units is None else f"{fig.mean_units:.1f}",
            percent(fig.mean_share),
            percent(fig.pooled.share),
            percent(fig.pooled.zero_share),
        )
        for level, fig in b.levels.items()
    ]


def _bundle_table(report: Report, console: Console, lang: Lang) -> None:
    b = report.coverage.bundles
    if not b.rows:
        return
    table = Table(title=t("report_bundles_title", lang, count=len(b.rows)), title_justify="left")
    for col in BUNDLE_LEVEL_COLUMNS:
        table.add_column(t(col, lang), justify="left" if col == "rh_level" else "right")
    for row in bundle_level_rows(report, lang):
        table.add_row(*row)
    console.print(table)


def _history_table(report: Report, console: Console, lang: Lang) -> None:
    if not report.history:
        return
    levels = [lv for lv in LEVELS if any(lv in h.levels for h in report.history)]
    table = Table(title=t("report_history", lang), title_justify="left")
    table.add_column(t("rh_rev", lang))
    table.add_column(t("rh_commit", lang))
    table.add_column(t("rh_date", lang))
    for lv in levels:
        table.add_column(level_label(lv, lang), justify="right")
    for h in report.history:
        cells = [percent(h.levels.get(lv)) for lv in levels]
        table.add_row(Text(one_line(h.label or h.rev)), h.commit[:8], h.date[:10], *cells)
    console.print(table)


def render_markdown(report: Report, by: GroupBy, lang: Lang) -> str:
    cov = report.coverage

    def h(key: str) -> str:
        return t(key, lang)

    out = [
        f"### {markdown_text(t('report_title', lang, name=report.name, unit=t(f'unit_{report.unit}', lang)))}",
        "",
    ]
    out += ["| " + " | ".join(h(c) for c in LEVEL_COLUMNS) + " |"]
    out += ["| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for cells, _, check in level_rows(report, lang):
        mark = "" if check is None else (" ✅" if check.ok else " ❌")
        out.append("| " + " | ".join(cells) + mark + " |")
    out += ["", h("report_basis_note"), "", markdown_text(overall_sentence(cov.overall, lang)), ""]
    if report.cases:
        out += [f"#### {h('report_cases')}", ""]
        out += [
            "| " + " | ".join(h(c) for c in CASE_COLUMNS) + " |",
            "| --- | ---: | ---: | ---: |",
        ]
        out += ["| " + " | ".join(cells) + " |" for cells in case_rows(report, lang)]
        out.append("")
    if by != "level":
        out += [f"#### {h(f'report_by_{by}')}", ""]
        out += ["| " + " | ".join(h(c) for c in GROUP_COLUMNS) + " |"]
        out += ["| --- | ---: | ---: | ---: | ---: | ---: |"]
        for cells, _ in group_rows(report, by, lang):
            out.append(f"| {markdown_text(cells[0])} | " + " | ".join(cells[1:]) + " |")
        out.append("")
    if by == "department":
        out += _departments_markdown(report, lang)
    if cov.multi_visit:
        out += [
            f"<details><summary>{h('report_multi_title')} ({len(cov.multi_visit)})</summary>",
            "",
        ]
        out += [
            f"| {h('md_region')} | {h('md_code')} | {h('md_name')} | {h('rh_visits')} | {h('rh_reason')} |",
            "| --- | --- | --- | ---: | --- |",
        ]
        for u in cov.multi_visit:
            out.append(
                f"| {markdown_text(u.region)} | {markdown_text(u.code)} | {markdown_text(u.name)} | {u.visits} "
                f"| {markdown_text(u.onsite_reason or '—')} |"
            )
        out += ["", "</details>", ""]
    out += _bundles_markdown(report, lang)
    out += ["❌ " + markdown_text(line) for line in below_lines(report, lang)]
    return "\n".join(out).rstrip() + "\n"


def _departments_markdown(report: Report, lang: Lang) -> list[str]:
    """The departments across regions, each with its regions in a <details> block."""
    heads = [t(c, lang) for c in DEPARTMENT_COLUMNS]
    out = [f"#### {markdown_text(t('report_by_catalogue_department', lang))}", ""]
    out += ["| " + " | ".join(heads) + " |", "| --- |" + " ---: |" * (len(heads) - 1)]
    for d in report.department_rows():
        cells = [markdown_text(d.name), str(len(d.regions)), *department_cells(d.tally)]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    for d in report.department_rows():
        out += [f"<details><summary>{markdown_text(d.name)}</summary>", ""]
        out += ["| " + " | ".join(t(c, lang) for c in GROUP_COLUMNS) + " |"]
        out.append("| --- |" + " ---: |" * 5)
        for code, name, tally in d.regions:
            label = markdown_text(f"{code} {name}")
            out.append(f"| {label} | " + " | ".join(department_cells(tally)) + " |")
        out += ["", "</details>", ""]
    return out


def _bundles_markdown(report: Report, lang: Lang) -> list[str]:
    b = report.coverage.bundles
    if not b.rows:
        return []

    def h(key: str) -> str:
        return t(key, lang)

    out = [f"#### {markdown_text(t('report_bundles_title', lang, count=len(b.rows)))}", ""]
    out += ["| " + " | ".join(h(c) for c in BUNDLE_LEVEL_COLUMNS) + " |"]
    out += ["| --- | ---: | ---: | ---: | ---: | ---: |"]
    out += ["| " + " | ".join(row) + " |" for row in bundle_level_rows(report, lang)]
    out += ["", f"<details><summary>{h('report_bundle_list')} ({len(b.rows)})</summary>", ""]
    out += [
        f"| {h('md_code')} | {h('md_name')} | {h('rh_stage')} | {h('rh_visits')} | {h('rh_regions')} |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for r in b.rows.values():
        visits = "—" if r.visits is None else str(r.visits)
        out.append(
            f"| {markdown_text(r.code)} | {markdown_text(r.name)} | {markdown_text(r.stage)}"
            f" | {visits} | {r.regions} |"
        )
    return [*out, "", "</details>", ""]


# --- the workbook (report --format xlsx) ------------------------------------------------

_SHARE = "0.0%"


def report_sheets(report: Report, lang: Lang) -> list[Sheet]:
    """The report's tables as workbook sheets, figures as numbers (shares as fractions
    shown as percentages), so an office can pass them on or compute with them."""

    def head(key: str, width: int = 12, share: bool = False) -> Header:
        return Header(t(key, lang), width, _SHARE if share else None)

    cov = report.coverage
    level_heads = [
        head("rh_level", 14),
        head("rh_regions"),
        head("rh_mean_count"),
        head("rh_mean_share", share=True),
        head("rh_pooled", share=True),
        head("rh_zero", share=True),
        head("rh_unknown"),
        head("rh_target", share=True),
    ]
    levels: list[list[Cell]] = [
        [
            level_label(level, lang),
            fig.regions,
            fig.mean_count,
            fig.mean_share,
            fig.pooled.share,
            fig.pooled.zero_share,
            fig.pooled.unknown,
            report.targets.get(level),
        ]
        for level, fig in cov.levels.items()
    ]
    tally_heads = [
        head("rh_units"),
        head("rh_met"),
        head("rh_share", share=True),
        head("rh_zero", share=True),
        head("rh_unknown"),
    ]

    def tally_cells(tally: Tally) -> list[Cell]:
        return [tally.total, tally.met, tally.share, tally.zero_share, tally.unknown]

    regions: list[list[Cell]] = [
        [row.key, row.label, level_label(row.level, lang), *tally_cells(row.tally)]
        for row in report.rows("region")
    ]
    multi: list[list[Cell]] = []
    for u in cov.multi_visit:
        name = cov.region_names.get(u.region, "")
        multi.append(
            [u.region, name, u.code, u.name, u.department, u.visits, u.onsite_reason or ""]
        )
    departments = report.department_rows()
    # from case records (--cases): per level, cases and the share as promised / as handled
    case_sheet = Sheet(
        t("report_cases", lang),
        [head(CASE_COLUMNS[0], 14), head(CASE_COLUMNS[1])]
        + [head(key, 16, share=True) for key in CASE_COLUMNS[2:]],
        [
            [level_label(level, lang), v.cases, v.as_promised, v.as_handled]
            for level, v in report.cases.items()
        ],
    )
    return [
        Sheet(t("report_levels", lang), level_heads, levels),
        *([case_sheet] if report.cases else []),
        Sheet(
            t("report_by_region", lang),
            [head("md_code"), head("rh_name", 16), head("rh_level", 14), *tally_heads],
            regions,
        ),
        *(
            Sheet(
                t(f"report_by_{by}", lang),
                [head("rh_name", 30), *tally_heads],
                [[row.label, *tally_cells(row.tally)] for row in report.rows(by)],
            )
            for by in ("department", "type")
        ),
        Sheet(
            t("report_multi_title", lang),
            [
                head("md_region"),
                head("rh_name", 14),
                head("md_code", 20),
                head("md_name", 36),
                head("rh_department", 24),
                head("rh_visits"),
                head("rh_reason", 40),
            ],
            multi,
        ),
        Sheet(
            t("sheet_departments", lang),
            [head("rh_name", 30), head("rh_regions"), *tally_heads],
            [[d.name, len(d.regions), *tally_cells(d.tally)] for d in departments],
        ),
        Sheet(
            t("sheet_department_regions", lang),
            [head("rh_name", 30), head("md_code"), head("rh_name", 16), *tally_heads],
            [
                [d.name, code, name, *tally_cells(tally)]
                for d in departments
                for code, name, tally in d.regions
            ],
        ),
    ]
