"""A row ``import`` or ``apply`` could not read, as one line: where, what, and what
became of the row."""

from __future__ import annotations

from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.tabular.importer import Problem


def problem_line(problem: Problem, source: str, lang: Lang) -> str:
    where = t("import_where", lang, source=source, row=problem.row, column=problem.column or "")
    if problem.sheet is not None:
        where = t(
            "import_where_sheet",
            lang,
            source=source,
            sheet=problem.sheet,
            row=problem.row,
            column=problem.column or "",
        )
    if problem.value is not None:
        text = t("import_bad_value", lang, value=problem.value, reason=problem.reason.get(lang))
    else:
        text = problem.reason.get(lang)
    if problem.skipped:
        tail = t("import_row_skipped", lang)
    elif problem.left_unknown:
        tail = t("import_field_unknown", lang)
    else:
        tail = ""
    return f"{where}{text}{tail}"
