"""``zjpaoyici cases --format csv|xlsx``: one row per catalogue entry with cases, its
figures beside it (shares as fractions, blank where nothing is known), for the office that
follows up matter by matter."""

from __future__ import annotations

from collections.abc import Iterator

from zjpaoyici.catalogue.fields import ROW_COLUMNS, level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.cases.figures import CaseAnalysis
from zjpaoyici.render.cases_text import FIGURE_COLUMNS
from zjpaoyici.render.table_out import Cell, Header, TableData, display_width

_PLACE = {c.key: c for c in ROW_COLUMNS}

_COUNTS = {"cases_col_cases", "cases_col_median", "cases_col_p90"}


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def matter_table(analysis: CaseAnalysis, lang: Lang) -> TableData:
    """Every entry with cases, in catalogue order."""
    names = [
        _PLACE["region"].label(lang),
        _PLACE["level"].label(lang),
        _PLACE["department"].label(lang),
        _PLACE["agency"].label(lang),
        t("std_h_code", lang),
        t("std_h_name", lang),
        *(t(key, lang) for key in FIGURE_COLUMNS),
    ]
    shares = {t(key, lang) for key in FIGURE_COLUMNS if key not in _COUNTS}
    headers = [
        Header(name, max(10, display_width(name) + 2), "0.0%" if name in shares else None)
        for name in names
    ]

    def cells() -> Iterator[list[Cell]]:
        for j in analysis.matched:
            tally = j.tally
            if not tally.cases:
                continue
            yield [
                j.entry.region,
                level_label(j.level, lang),
                j.entry.department,
                j.entry.agency,
                j.entry.code,
                j.name,
                tally.cases,
                _share(tally.at_most_one_share),
                _share(tally.zero_share),
                _share(tally.online_share),
                _share(tally.mobile_share),
                tally.median,
                tally.p90,
                _share(tally.overdue_share),
                _share(tally.satisfied_share),
            ]

    return TableData(headers, cells(), sheet="cases")
