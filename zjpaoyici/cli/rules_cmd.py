"""``zjpaoyici rules``: list every validation rule with its id, severity and purpose."""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    OutputOption,
    QuietOption,
    app,
    be_quiet,
    emit,
    enter_directory,
    lang_of,
    stdout_console,
    tr,
    usage_error,
)
from zjpaoyici.i18n import t
from zjpaoyici.render.rules_doc import rule_explained, rules_json, rules_markdown
from zjpaoyici.rules.ruleset import REGISTRY


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici rules
  zjpaoyici rules Q001                     [dim]# one rule: why, failing and fixed example[/dim]
  zjpaoyici rules --format json
  zjpaoyici rules --format markdown -o docs/rules.md
""",
    """
[bold]示例[/bold]

  zjpaoyici rules
  zjpaoyici rules Q001                     [dim]# 解释一条规则[/dim]
  zjpaoyici rules --format json
  zjpaoyici rules --format markdown -o docs/rules.md
""",
)


@app.command(epilog=EXAMPLES, help=tr("List the validation rules.", "列出全部校验规则。"))
def rules(
    rule_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[RULE]",
            help=tr(
                "Explain one rule: why, a failing and a fixed example (e.g. Q001).",
                "解释一条规则。",
            ),
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = Format.table,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """List the validation rules."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    if rule_id is not None:
        wanted = rule_id.strip().upper()
        if wanted not in REGISTRY:
            close = difflib.get_close_matches(wanted, sorted(REGISTRY), n=3)
            raise usage_error(
                t("rules_unknown", language, id=rule_id, close=", ".join(close) or "—")
            )
        emit(rule_explained(wanted, language), output)
        return
    if fmt == Format.json:
        emit(rules_json(language), output)
    elif fmt == Format.markdown:
        emit(rules_markdown(), output)
    else:
        table = Table(
            t("rules_col_id", language),
            t("rules_col_name", language),
            t("rules_col_severity", language),
            t("rules_col_checks", language),
        )
        for r in sorted(REGISTRY.values(), key=lambda r: r.id):
            severity = t(f"severity_{r.severity.value}", language).strip()
            table.add_row(r.id, r.name, severity, r.title.get(language))
        stdout_console().print(table)
