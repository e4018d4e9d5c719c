"""``zjpaoyici show`` for people: one matter, region by region, every value with its origin.

Rendering only: the data comes from :func:`zjpaoyici.ops.show.build`. Catalogue text is
untrusted, so every piece of it goes into a :class:`rich.text.Text` (never markup)
after :func:`~zjpaoyici.render.safe.one_line` (control characters escaped, line breaks
folded: a value never starts a new output line).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from zjpaoyici.catalogue.fields import level_label
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.show import (
    BundleData,
    FieldData,
    ItemData,
    MatterData,
    RegionData,
    RowData,
    SourceData,
)
from zjpaoyici.render.safe import one_line

_KEY_WIDTH = 16  # field names and values are padded to at most these many cells
_VALUE_WIDTH = 40  # so that the sources line up


def render(data: MatterData, console: Console, lang: Lang, region: str | None = None) -> None:
    """Print the basic fields, then each implementing region's values and items.

    ``region`` is the region the data was limited to, if any (it words the empty case).
    """
    basic = data["basic"]
    title = Text()
    title.append(one_line(data["code"]), style="bold")
    title.append("  ")
    title.append(one_line(str(basic["name"]["value"])), style="bold")
    console.print(title, soft_wrap=True)
    console.print()
    console.print(Text(t("show_basic", lang), style="bold underline"), soft_wrap=True)
    _rows(
        console,
        [(key, _basic_value(key, field, lang), field["source"]) for key, field in basic.items()],
    )
    regions = data["regions"]
    console.print()
    if not regions:
        code = one_line(data["code"])
        empty = (
            t("show_not_implemented", lang, region=one_line(region), code=code)
            if region
            else t("show_no_regions", lang, code=code)
        )
        console.print(Text(empty, style="yellow"), soft_wrap=True)
        return
    console.print(
        Text(t("show_regions", lang, count=len(regions)), style="bold underline"), soft_wrap=True
    )
    for shown in regions:
        console.print()
        _region(console, shown, lang)


def _region(console: Console, region: RegionData, lang: Lang) -> None:
    head = Text()
    head.append(one_line(region["region"]), style="bold cyan")
    head.append(" ")
    head.append(one_line(region["name"]), style="bold")
    level = region["level"]
    head.append(f" · {level_label(level, lang) if level else '?'}", style="cyan")
    agency = region.get("agency") or region["department"]
    if agency:
        head.append(" · ")
        head.append(one_line(agency))
    if region.get("implementation_code"):
        head.append(" · ")
        head.append(one_line(str(region["implementation_code"])), style="cyan")
    head.append("  ")
    head.append(_where(region["source"]), style="dim")
    console.print(head, soft_wrap=True)
    _rows(console, [_row(r, lang) for r in region["values"]])
    if region["items"]:
        console.print(Text(f"  {t('show_items', lang)}", style="bold"), soft_wrap=True)
        for item in region["items"]:
            _item(console, item, lang)


def _item(console: Console, item: ItemData, lang: Lang) -> None:
    head = Text("    ")
    head.append(one_line(item["code"]), style="bold")
    head.append(" ")
    head.append(one_line(item["name"] or item["full_code"]))
    if item["generated"]:
        head.append(t("show_generated", lang), style="dim")
    head.append("  ")
    head.append(_where(item["source"]), style="dim")
    console.print(head, soft_wrap=True)
    _rows(console, [_row(r, lang) for r in item["values"]], 6)


def _row(row: RowData, lang: Lang) -> tuple[str, Text, SourceData | None]:
    """A value row; a material shows as ``materials  <name> 必交``."""
    pointer = row["pointer"]
    if len(pointer) >= 2 and pointer[-2] == "materials":
        value = Text(one_line(pointer[-1]))
        value.append(" ")
        value.append_text(_value(row["value"], lang))
        return "materials", value, row["source"]
    return row["field"], _value(row["value"], lang), row["source"]


def _rows(
    console: Console, rows: Iterable[tuple[str, Text, SourceData | None]], indent: int = 2
) -> None:
    rows = list(rows)
    if not rows:
        return
    key_width = min(max(cell_len(one_line(k)) for k, _, _ in rows), _KEY_WIDTH)
    value_width = min(max(v.cell_len for _, v, _ in rows), _VALUE_WIDTH)
    for key, value, source in rows:
        line = Text(" " * indent)
        shown = one_line(key)
        line.append(shown + " " * max(key_width - cell_len(shown) + 2, 2), style="bold")
        line.append_text(value)
        line.append(" " * max(value_width - value.cell_len, 0) + "  ")
        line.append(_where(source), style="dim")
        console.print(line, soft_wrap=True)


def _where(source: SourceData | None) -> str:
    if source is None:
        return "—"
    return one_line(f"{source['file']}:{source['line']}")


def _basic_value(key: str, field: FieldData, lang: Lang) -> Text:
    value = field["value"]
    if key in ("main", "subs") and not value:
        return Text(t("show_none", lang), style="dim")
    if key == "levels" and isinstance(value, list):
        names = [level_label(str(lv), lang) for lv in value]
        return Text(one_line(t("list_sep", lang).join(names)))
    return _value(value, lang)


def _value(value: Any, lang: Lang) -> Text:
    """A YAML value as a maintainer reads it; catalogue text stays inert."""
    if value is None:
        return Text(t("show_none", lang), style="dim")
    if isinstance(value, bool):
        return Text("true" if value else "false")
    if isinstance(value, Mapping):
        if "days" in value and set(value) <= {"days", "unit"}:
            key = "show_limit_natural" if value.get("unit") == "natural" else "show_limit_working"
            return Text(t(key, lang, days=one_line(str(value["days"]))))
        if "required" in value or not value:  # a material record
            text = Text(
                t("show_required" if value.get("required", True) else "show_optional", lang)
            )
            extra = {k: v for k, v in value.items() if k != "required"}
            if extra:
                text.append(" ")
                text.append(one_line(_plain(extra)), style="dim")
            return text
        return Text(one_line(_plain(value)))
    if isinstance(value, list):
        return Text(one_line(t("list_sep", lang).join(_plain(v) for v in value)))
    return Text(one_line(str(value)))


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_bundle(data: BundleData, console: Console, lang: Lang) -> None:
    """A bundle's own facts, then per offering region each member's effective values."""
    title = Text()
    title.append(one_line(data["code"]), style="bold")
    title.append("  ")
    title.append(one_line(data["name"]), style="bold")
    console.print(title, soft_wrap=True)
    limit = data["promised_limit"]
    facts = [
        (t("show_b_lifecycle", lang), f"{data['lifecycle']} · {data['stage']}"),
        (t("show_b_lead", lang), data["lead_department"]),
        (t("show_b_departments", lang), "、".join(data["departments"]) or "—"),
        (t("show_b_joint", lang), t("yes" if data["joint"] else "no", lang)),
        ("visits", "—" if data["visits"] is None else str(data["visits"])),
        ("promised_limit", _plain(limit) if limit else "—"),
    ]
    _rows(console, [(key, Text(one_line(value)), data["source"]) for key, value in facts])
    console.print()
    console.print(
        Text(t("show_b_regions", lang, count=len(data["regions"])), style="bold underline"),
        soft_wrap=True,
    )
    for region in data["regions"]:
        head = Text()
        head.append(one_line(f"{region['region']} {region['name']}"), style="bold")
        console.print(head, soft_wrap=True)
        for m in region["members"]:
            line = Text("  ")
            line.append(one_line(f"{m['code']} {m['name']}"))
            line.append(
                f"  {t('show_b_required' if m['required'] else 'show_b_optional', lang)}",
                style="dim",
            )
            if m["implemented"]:
                visits = "—" if m["visits"] is None else str(m["visits"])
                line.append(f"  visits {visits}")
                if m["promised_limit"]:
                    line.append(f"  {_plain(m['promised_limit'])}")
                if m["source"]:
                    line.append(one_line(f"  {_where(m['source'])}"), style="dim")
            else:
                line.append(f"  {t('show_b_missing', lang)}", style="yellow")
            console.print(line, soft_wrap=True)
