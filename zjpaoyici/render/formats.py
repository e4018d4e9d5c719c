"""Every output subject's renderers by format name (like check-jsonschema's reporter
table): a command looks its renderer up here and offers the keys as ``--format``
choices. A renderer returns a document as text, or a printer for a rich console."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from zjpaoyici.i18n import Lang
from zjpaoyici.render.safe import json_text


class _Module:
    """A renderer module imported on first use, so a command loads only its renderers."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(f"zjpaoyici.render.{self._name}"), attr)


if TYPE_CHECKING:
    from zjpaoyici.ops.cases.figures import CaseAnalysis
    from zjpaoyici.ops.diff import DiffResult
    from zjpaoyici.ops.standard.compute import GroupBy as StandardBy
    from zjpaoyici.ops.standard.compute import StandardResult
    from zjpaoyici.ops.stats.report import GroupBy, RegionCard, Report
    from zjpaoyici.ops.tabular.apply import ApplyPlan
    from zjpaoyici.ops.validate import Result
    from zjpaoyici.render import (
        apply_out,
        cases_json,
        cases_table,
        cases_text,
        diff_out,
        findings_json,
        findings_junit,
        findings_sarif,
        findings_text,
        region_out,
        report_html,
        report_out,
        show_text,
        standard_html,
        standard_out,
        table_out,
    )
else:  # each imported when a command first renders with it (validate skips the font tools)
    _NAMES = """apply_out cases_json cases_table cases_text diff_out findings_json findings_junit
        findings_sarif findings_text region_out report_html report_out show_text standard_html
        standard_out table_out"""
    globals().update((name, _Module(name)) for name in _NAMES.split())

Printer = Callable[[Console], None]


@dataclass(frozen=True, slots=True)
class FileDocument:
    """A document only a file can hold (a workbook): ``write(path)`` writes it atomically."""

    write: Callable[[Path], int]


Rendered = str | Printer | FileDocument

# (result, language, list the suppressed findings too)
FINDINGS: dict[str, Callable[[Result, Lang, bool], Rendered]] = {
    "text": lambda r, lang, suppressed: lambda c: findings_text.render(r, c, lang, suppressed),
    "parsable": lambda r, lang, _: findings_text.render_parsable(r, lang),
    "json": lambda r, lang, _: findings_json.render_json(r, lang),
    "github": lambda r, lang, _: findings_json.render_github(r, lang),
    "sarif": lambda r, lang, _: findings_sarif.render_sarif(r, lang),
    "junit": lambda r, lang, _: findings_junit.render_junit(r, lang),
}

# (analysis, its K findings, breakdown, language)
CASES: dict[str, Callable[[CaseAnalysis, Result, str, Lang], Rendered | table_out.TableData]] = {
    "text": lambda a, r, by, lang: lambda c: cases_text.render(a, r, by, c, lang),
    "json": lambda a, r, by, lang: cases_json.render_json(a, r, lang),
    "csv": lambda a, r, by, lang: cases_table.matter_table(a, lang),
    "xlsx": lambda a, r, by, lang: cases_table.matter_table(a, lang),
}

# (report, breakdown, language)
REPORT: dict[str, Callable[[Report, GroupBy, Lang], Rendered]] = {
    "table": lambda r, by, lang: lambda c: report_out.render_table(r, c, by, lang),
    "markdown": report_out.render_markdown,
    "json": lambda r, by, lang: report_out.render_json(r),
    "csv": report_out.render_csv,
    "html": lambda r, by, lang: report_html.render_html(r, lang),
    "xlsx": lambda r, by, lang: FileDocument(
        lambda path: table_out.write_workbook(report_out.report_sheets(r, lang), path)
    ),
}
# (one region's card, the report it belongs to, language): report --region
REGION: dict[str, Callable[[RegionCard, Report, Lang], Rendered]] = {
    "table": lambda card, r, lang: lambda c: region_out.render_table(card, r, c, lang),
    "markdown": region_out.render_markdown,
    "json": lambda card, r, lang: region_out.render_json(card, r),
    "csv": lambda card, r, lang: region_out.render_csv(card, lang),
    "html": lambda card, r, lang: report_html.render_region_html(card, r, lang, None),
    "xlsx": lambda card, r, lang: FileDocument(
        lambda path: table_out.write_workbook(region_out.sheets(card, lang), path)
    ),
}
# the formats that need -o (a file, not a terminal or a pipe)
FILE_ONLY = frozenset({"xlsx"})

# (result, language, old and new names, exit code)
DIFF: dict[str, Callable[[DiffResult, Lang, str, str, int], Rendered]] = {
    "text": lambda r, lang, old, new, _: lambda c: diff_out.render_text(r, c, lang, old, new),
    "markdown": lambda r, lang, old, new, _: diff_out.render_markdown(r, lang, old, new),
    "json": lambda r, lang, old, new, code: diff_out.render_json(r, old, new, code),
}


# (plan, language, workbook and catalogue names)
APPLY: dict[str, Callable[[ApplyPlan, Lang, str, str], Rendered]] = {
    "text": lambda p, lang, book, root: lambda c: apply_out.render_text(p, c, lang, book, root),
}

# (result, breakdown, language, catalogue name, one matter asked for) → a document, a
# printer, or a table of deviations for the table writers (csv, xlsx)
STANDARD: dict[
    str, Callable[[StandardResult, StandardBy, Lang, str, bool], Rendered | table_out.TableData]
] = {
    "text": lambda r, by, lang, name, one: (
        lambda c: standard_out.render_text(r, c, by, lang, name, one)
    ),
    "json": lambda r, by, lang, name, one: standard_out.render_json(r),
    "markdown": lambda r, by, lang, name, one: standard_out.render_markdown(r, by, lang, name),
    "csv": lambda r, by, lang, name, one: standard_out.deviation_table(r, lang),
    "xlsx": lambda r, by, lang, name, one: standard_out.deviation_table(r, lang),
    "html": lambda r, by, lang, name, one: standard_html.render_html(r, by, lang, name),
}


# (a matter's or a bundle's data, language, the region asked for)
def _show_text(data: Any, lang: Lang, region: str | None) -> Printer:
    if data.get("kind") == "bundle":
        return lambda c: show_text.render_bundle(data, c, lang)
    return lambda c: show_text.render(data, c, lang, region)


SHOW: dict[str, Callable[[Any, Lang, str | None], Rendered]] = {
    "text": _show_text,
    "json": lambda data, lang, region: json_text(data, default=str) + "\n",
}

# (table, output file or None for standard output) → rows written
TABLES: dict[str, Callable[[table_out.TableData, Path | None], int]] = {
    "csv": table_out.table_csv,
    "xlsx": table_out.table_xlsx,
    "json": table_out.table_json,
    "yaml": table_out.table_yaml,
}
