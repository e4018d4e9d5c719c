"""China's official working-day calendar (holidays and adjusted workdays, from the
``chinese-calendar`` package): a table of every covered day with its working-day and
natural-day ordinal, so elapsed working days are one subtraction in SQL. Days of years
the package does not cover have no row: their cases are reported, never guessed."""

from __future__ import annotations

import datetime as dt
from functools import cache


@cache
def covered_years() -> tuple[int, int]:
    """The first and last year the installed calendar knows."""
    from chinese_calendar import constants  # on use: most commands never need it

    days = [*constants.holidays, *constants.workdays]
    return min(days).year, max(days).year


@cache
def calendar_rows() -> tuple[tuple[dt.date, int, int], ...]:
    """(day, working days up to and including it, natural-day ordinal) for every covered day."""
    import chinese_calendar

    first, last = covered_years()
    day, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    rows, working = [], 0
    while day <= end:
        working += chinese_calendar.is_workday(day)
        rows.append((day, working, day.toordinal()))
        day += dt.timedelta(days=1)
    return tuple(rows)
