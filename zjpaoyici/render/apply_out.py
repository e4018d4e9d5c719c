"""What ``apply`` does with a workbook, for people: counts, each edit with its file,
additions, removals, and every conflict with its three values."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.tabular.apply import ApplyPlan, Cell, Place
from zjpaoyici.render.safe import one_line

# how many kept (not removed) rows are listed by name
_LISTED = 20


def _cell(value: Cell, lang: Lang) -> str:
    return t("apply_blank", lang) if value is None else one_line(str(value))


def _place(place: Place, lang: Lang) -> str:
    where = t("apply_row", lang, row=place.row) + " " if place.row else ""
    if place.sheet is not None:
        where = t("apply_sheet_row", lang, sheet=place.sheet, row=place.row) + " "
    return one_line(f"{where}{place.region} {place.item or place.code}".strip())


def render_text(plan: ApplyPlan, console: Console, lang: Lang, book: str, root: str) -> None:
    def say(text: str, style: str = "") -> None:
        console.print(Text(text, style=style), soft_wrap=True)

    say(one_line(t("apply_title", lang, book=book, root=root)), "bold")
    counts = {
        "rows": plan.rows,
        "unchanged": plan.unchanged,
        "edits": len(plan.edits),
        "added": len(plan.added),
        "removed": len(plan.removed),
        "conflicts": len(plan.conflicts),
    }
    say(t("apply_counts", lang, **counts))
    for edit in plan.edits:
        line = t(
            "apply_edit",
            lang,
            label=edit.label,
            old=_cell(edit.old, lang),
            new=_cell(edit.new, lang),
        )
        aside = " " + t("apply_inherited", lang) if edit.inherited else ""
        if edit.to_source:
            aside = " " + t("apply_to_source", lang)
        shown = display_path(edit.file.absolute())
        say(f"  {_place(edit.place, lang)}  {one_line(line)}{aside}  {shown}")
    for place in plan.added:
        say(f"  + {_place(place, lang)}  {t('apply_added', lang)}", "green")
    for place in plan.removed:
        say(f"  - {_place(place, lang)}  {t('apply_removed', lang)}", "red")
    if plan.missing:
        say(t("apply_missing", lang, count=len(plan.missing)), "yellow")
        for place in plan.missing[:_LISTED]:
            say(f"  ? {_place(place, lang)}", "yellow")
        if len(plan.missing) > _LISTED:
            say(f"  … {len(plan.missing) - _LISTED}", "yellow")
    for conflict in plan.conflicts:
        reason = t(f"apply_conflict_{conflict.reason}", lang)
        say(f"  ! {_place(conflict.place, lang)}  {reason}", "bold red")
        for v in conflict.fields:
            at = _cell(v.at_export, lang) if v.known else t("apply_unknown", lang)
            values = t(
                "apply_values",
                lang,
                label=v.label,
                at=at,
                book=_cell(v.workbook, lang),
                now=_cell(v.now, lang),
            )
            say(f"      {one_line(values)}", "red")
