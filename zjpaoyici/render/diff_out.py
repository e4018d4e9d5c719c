"""A diff for people (rich text, Markdown for a pull-request comment) and machines (JSON)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from zjpaoyici.i18n import Lang, name_of, t
from zjpaoyici.ops.diff import Change, DiffResult
from zjpaoyici.ops.stats.figures import Coverage, ShareChange, level_changes, region_changes
from zjpaoyici.render.report_out import not_given
from zjpaoyici.render.safe import json_text, markdown_text, one_line

_STYLE = {"improvement": "green", "regression": "bold red", "neutral": "dim"}
_MARK = {"improvement": "▲", "regression": "▼", "neutral": "·"}


def value_text(field: str | None, value: Any, lang: Lang) -> str:
    """A compared value as a maintainer reads it."""
    if value is None:
        return "—"
    if field == "promised_limit" and isinstance(value, dict):
        days = "working" if value.get("unit", "working") == "working" else "calendar"
        return t(f"diff_days_{days}", lang, days=value["days"])
    if field == "materials" and isinstance(value, list):
        return f"{len(value)}" + t("aside", lang, text=t("list_sep", lang).join(value))
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return str(value)


def describe(change: Change, lang: Lang) -> str:
    """What changed, in one line (without the class)."""
    what = t(f"diff_kind_{change.kind}", lang)
    if change.kind == "recoded":
        return f"{what} {change.old_code} → {change.code}"
    if change.kind in ("renamed", "reassigned"):
        return t("diff_change", lang, what=what, old=change.old, new=change.new)
    if (
        change.field == "materials"
        and isinstance(change.old, list)
        and isinstance(change.new, list)
    ):
        label = t("diff_field_materials", lang)
        item = f" [{change.item}]" if change.item else ""
        gone = [m for m in change.old if m not in change.new]
        came = [m for m in change.new if m not in change.old]
        sep = t("list_sep", lang)
        parts = []
        if gone:
            parts.append(t("diff_items_removed", lang, items=sep.join(gone)))
        if came:
            parts.append(t("diff_items_added", lang, items=sep.join(came)))
        detail = t("aside", lang, text=t("diff_part_sep", lang).join(parts))
        return f"{what}{item} {label} {len(change.old)} → {len(change.new)}{detail}"
    if change.field:
        label = name_of("diff_field", change.field, lang)
        item = f" [{change.item}]" if change.item else ""
        text = f"{what}{item} {label} {value_text(change.field, change.old, lang)} → {value_text(change.field, change.new, lang)}"
        if change.falls_out:
            text += t("diff_falls_out", lang)
        return text
    if change.kind in (
        "item_added",
        "item_removed",
        "bundle_member_added",
        "bundle_member_removed",
    ):
        return f"{what} [{change.item}]"
    return what


def level_rows(result: DiffResult, lang: Lang) -> list[tuple[str, str, str, str]]:
    """(level, share before, share after, change in points)."""
    return [
        (t(f"diff_level_{c.key}", lang), *_shares(c, lang), c.points)
        for c in level_changes(result.before, result.after)
    ]


def _shares(c: ShareChange, lang: Lang) -> tuple[str, str]:
    return not_given(c.before, c.before_unknown, lang), not_given(c.after, c.after_unknown, lang)


def _saved(kind: str, value: float, unknown: int, lang: Lang) -> str:
    """One reform measure in words that never read as a double negative: a saving is
    "减次数 2" / "fewer visits 2", the opposite "增次数 2" / "more visits 2"."""
    key = f"diff_{'less' if value >= 0 else 'more'}_{kind}"
    return not_given(t(key, lang, n=f"{abs(value):g}"), unknown, lang)


def summary_parts(result: DiffResult, lang: Lang) -> list[str]:
    """The four reform measures: matters, visits, materials and promised days saved."""
    s = result.summary
    return [
        _saved("matters", s.matters_saved, 0, lang),
        _saved("visits", s.visits_saved, s.visits_unknown, lang),
        _saved("materials", s.materials_saved, s.materials_unknown, lang),
        _saved("days", s.days_saved, s.days_unknown, lang),
    ]


def counts_line(result: DiffResult, lang: Lang) -> str:
    return t(
        "diff_counts",
        lang,
        improvements=result.count("improvement"),
        regressions=result.count("regression"),
        accepted=result.count("regression", accepted=True),
        neutral=result.count("neutral"),
    )


def render_text(result: DiffResult, console: Console, lang: Lang, old: str, new: str) -> None:
    console.print(
        Text(one_line(t("diff_title", lang, old=old, new=new)), style="bold"), soft_wrap=True
    )
    console.print(Text(counts_line(result, lang)), soft_wrap=True)
    console.print(Text(" · ".join(summary_parts(result, lang))), soft_wrap=True)
    for label, a, b, d in level_rows(result, lang):
        console.print(Text(f"  {label}  {a} → {b}  ({d})"), soft_wrap=True)
    regions = region_changes(result.before, result.after)
    if regions:  # the same section as the markdown comment's, unfolded
        heading = f"{t('md_region_shares', lang)} ({len(regions)})"
        console.print(Text("\n" + heading, style="bold"), soft_wrap=True)
        for c in regions:
            a, b = _shares(c, lang)
            console.print(Text(one_line(f"  {c.key} {c.name}  {a} → {b}  ({c.points})")))
    region = None
    for change in sorted(
        result.changes, key=lambda c: (c.region, c.code, c.agency, c.item or "", c.field or "")
    ):
        if change.region != region:
            region = change.region
            name = result.after.region_names.get(region, "") if result.after else ""
            if not region:
                name = t("report_bundles", lang)
            console.print(
                Text("\n" + one_line(f"{region} {name}"), style="bold underline"), soft_wrap=True
            )
        line = Text("  ")
        line.append(_MARK[change.cls] + " ", style=_STYLE[change.cls])
        line.append(one_line(f"{change.code} {change.name}{_agency(change, lang)}  "))
        line.append(one_line(describe(change, lang)))
        line.append(f"  [{t(f'diff_class_{change.cls}', lang)}]", style=_STYLE[change.cls])
        if change.accepted:
            line.append(one_line(t("diff_accepted", lang, reason=change.accepted)), style="yellow")
        if change.loc:
            line.append(one_line(f"  {change.loc}"), style="dim")
        console.print(line, soft_wrap=True)
    if not result.changes:
        console.print(Text(t("diff_none", lang), style="green"))


def _agency(change: Change, lang: Lang) -> str:
    """The agency beside a matter's name, where several agencies implement it."""
    if not change.shared or not change.agency or change.kind == "reassigned":
        return ""
    return t("aside", lang, text=change.agency)


def render_markdown(result: DiffResult, lang: Lang, old: str, new: str) -> str:
    """A pull-request comment: summary tables first, details folded."""

    def h(key: str) -> str:
        return t(key, lang)

    out = [f"### {markdown_text(t('diff_title', lang, old=old, new=new))}", ""]
    out += [
        f"| {h('md_class')} | {h('md_count')} |",
        "| --- | ---: |",
        f"| ▲ {t('diff_class_improvement', lang)} | {result.count('improvement')} |",
        f"| ▼ {t('diff_class_regression', lang)} | {result.count('regression')}"
        + (
            f" ({h('md_accepted')} {result.count('regression', accepted=True)})"
            if result.count("regression", accepted=True)
            else ""
        )
        + " |",
        f"| · {t('diff_class_neutral', lang)} | {result.count('neutral')} |",
        "",
    ]
    out += [
        f"| {h('md_reduce_matters')} | {h('md_reduce_visits')} | {h('md_reduce_materials')} | {h('md_reduce_days')} |",
        "| ---: | ---: | ---: | ---: |",
        "| " + " | ".join(summary_parts(result, lang)) + " |",
        "",
    ]
    rows = level_rows(result, lang)
    if rows:
        out += [
            f"| {h('md_level')} | {h('md_before')} | {h('md_after')} | {h('md_change')} |",
            "| --- | ---: | ---: | ---: |",
        ]
        out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
        out.append("")
    regions = region_changes(result.before, result.after)
    if regions:
        out += [f"<details><summary>{h('md_region_shares')} ({len(regions)})</summary>", ""]
        out += [
            f"| {h('md_region')} | {h('md_before')} | {h('md_after')} | {h('md_change')} |",
            "| --- | ---: | ---: | ---: |",
        ]
        out += [
            f"| {markdown_text(c.key)} {markdown_text(c.name)} | {' | '.join(_shares(c, lang))} | {c.points} |"
            for c in regions
        ]
        out += ["", "</details>", ""]
    if result.changes:
        out += [f"<details><summary>{h('md_details')} ({len(result.changes)})</summary>", ""]
        out += [
            f"| | {h('md_region')} | {h('md_code')} | {h('md_name')} | {h('md_what')} | {h('md_where')} |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for c in sorted(
            result.changes,
            key=lambda c: (["regression", "improvement", "neutral"].index(c.cls), c.region, c.code),
        ):
            what = describe(c, lang) + (
                t("diff_accepted", lang, reason=c.accepted) if c.accepted else ""
            )
            out.append(
                f"| {_MARK[c.cls]} | {markdown_text(c.region)} | {markdown_text(c.code)} | {markdown_text(c.name + _agency(c, lang))} "
                f"| {markdown_text(what)} | {markdown_text(str(c.loc)) if c.loc else ''} |"
            )
        out += ["", "</details>", ""]
    else:
        out.append(h("diff_none"))
    return "\n".join(out).rstrip() + "\n"


def _coverage_json(cov: Coverage | None) -> dict[str, Any] | None:
    if cov is None:
        return None
    return {
        "levels": {
            level: {
                "regions": f.regions,
                "mean_count": f.mean_count,
                "mean_share": f.mean_share,
                "pooled_share": f.pooled.share,
                # units counted, and those of them whose visits are not given (they stay
                # in the shares' denominators, design §3.7)
                "units": f.pooled.total,
                "visits_unknown": f.pooled.unknown,
            }
            for level, f in cov.levels.items()
        },
        "regions": {r: tally.share for r, tally in cov.by_region.items()},
        "region_units": {
            r: {"units": tally.total, "visits_unknown": tally.unknown}
            for r, tally in cov.by_region.items()
        },
    }


def render_json(result: DiffResult, old: str, new: str, exit_code: int) -> str:
    s = result.summary
    data = {
        "format": 1,
        "old": old,
        "new": new,
        "exit_code": exit_code,
        "counts": {
            "improvement": result.count("improvement"),
            "regression": result.count("regression"),
            "regression_accepted": result.count("regression", accepted=True),
            "neutral": result.count("neutral"),
        },
        "summary": {
            "matters_before": s.matters_before,
            "matters_after": s.matters_after,
            "matters_saved": s.matters_saved,
            "visits_saved": s.visits_saved,
            "materials_saved": s.materials_saved,
            "days_saved": s.days_saved,
            # matters compared whose fact one side does not give (left out of the sums)
            "visits_unknown": s.visits_unknown,
            "materials_unknown": s.materials_unknown,
            "days_unknown": s.days_unknown,
        },
        "coverage": {
            "before": _coverage_json(result.before),
            "after": _coverage_json(result.after),
        },
        "changes": [
            {
                "kind": c.kind,
                "class": c.cls,
                "region": c.region,
                "code": c.code,
                "agency": c.agency or None,
                "old_code": c.old_code,
                "item": c.item,
                "name": c.name,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "falls_out_of_target": c.falls_out,
                "accepted": c.accepted,
                "file": c.loc.file if c.loc else None,
                "line": c.loc.line if c.loc else None,
                "column": c.loc.col if c.loc else None,
            }
            for c in result.changes
        ],
    }
    return json_text(data, default=str) + "\n"
