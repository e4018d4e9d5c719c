"""``zjpaoyici cases`` as text: a table of the case figures by the chosen group, the
volume share per level, the unmatched cases, then the K findings as ``validate`` lists
them."""

from __future__ import annotations

import difflib

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zjpaoyici.catalogue.fields import LEVELS, level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.cases.annual import AnnualChange
from zjpaoyici.ops.cases.figures import CaseAnalysis
from zjpaoyici.ops.cases.tally import CaseTally
from zjpaoyici.ops.stats.figures import percent
from zjpaoyici.ops.validate import Result
from zjpaoyici.render import findings_text
from zjpaoyici.render.safe import one_line, visible

FIGURE_COLUMNS = (  # the figures' headings, in every case table
    "cases_col_cases",
    "cases_col_one",
    "cases_col_zero",
    "cases_col_online",
    "cases_col_mobile",
    "cases_col_median",
    "cases_col_p90",
    "cases_col_overdue",
    "cases_col_satisfied",
)


def _days(value: int | None) -> str:
    return "—" if value is None else str(value)


def _cells(tally: CaseTally) -> list[str]:
    return [
        f"{tally.cases:,}",
        percent(tally.at_most_one_share),
        percent(tally.zero_share),
        percent(tally.online_share),
        percent(tally.mobile_share),
        _days(tally.median),
        _days(tally.p90),
        percent(tally.overdue_share),
        percent(tally.satisfied_share),
    ]


def render(analysis: CaseAnalysis, result: Result, by: str, console: Console, lang: Lang) -> None:
    title = t("cases_title", lang, name=analysis.name, engine=analysis.engine, files=analysis.files)
    console.print(Text(one_line(title), style="bold"), soft_wrap=True)
    table = Table(title=t(f"cases_by_{by}", lang), title_justify="left")
    table.add_column(t(f"cases_group_{by}", lang))
    for key in FIGURE_COLUMNS:
        table.add_column(t(key, lang), justify="right")
    groups = analysis.groups[by]
    order: dict[str, int] = {lv: i for i, lv in enumerate(LEVELS)} if by == "level" else {}
    for name in sorted(groups, key=lambda g: (order.get(g, len(order)), g)):
        shown = level_label(name, lang) if by == "level" else name
        table.add_row(one_line(shown or "—"), *_cells(groups[name]))
    table.add_row(Text(t("cases_all", lang), style="bold"), *_cells(analysis.overall))
    console.print(table)
    for level, share in analysis.volume.items():
        line = t(
            "cases_volume_line",
            lang,
            level=level_label(level, lang),
            cases=f"{share.cases:,}",
            promised=percent(share.as_promised),
            handled=percent(share.as_handled),
        )
        console.print(Text(one_line(line)), soft_wrap=True)
    if analysis.unmatched:
        total = sum(u.cases for u in analysis.unmatched)
        head = t("cases_unmatched", lang, matters=len(analysis.unmatched), cases=f"{total:,}")
        console.print(Text(one_line(head), style="bold"), soft_wrap=True)
        for u in analysis.unmatched[:20]:
            line = f"  {u.label()} · {u.cases:,} · {', '.join(u.examples)}"
            console.print(Text(one_line(line)), soft_wrap=True)
    if analysis.gap_years:
        years = ", ".join(map(str, analysis.gap_years))
        note = t("cases_calendar_gap", lang, years=years, cases=f"{analysis.overall.uncovered:,}")
        console.print(Text(one_line(note), style="yellow"), soft_wrap=True)
    console.print()
    findings_text.render(result, console, lang)


def annual_diff(changes: list[AnnualChange]) -> str:
    """The unified diff ``cases --write-annual`` previews, file by file."""
    out: list[str] = []
    for change in changes:
        out += difflib.unified_diff(
            change.before.splitlines(keepends=True),
            change.after.splitlines(keepends=True),
            change.label,
            change.label,
        )
    return visible("".join(out))
