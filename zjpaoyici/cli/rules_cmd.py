"""``zjpaoyici rules``: list every validation rule with its id, severity and purpose."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    OutputOption,
    app,
    emit,
    enter_directory,
    lang_of,
    stdout_console,
)
from zjpaoyici.i18n import t
from zjpaoyici.render.rules_doc import rules_json, rules_markdown
from zjpaoyici.rules import REGISTRY


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


EXAMPLES = """
[bold]Examples 示例[/bold]

  zjpaoyici rules
  zjpaoyici rules --format json
  zjpaoyici rules --format markdown -o docs/rules.md
"""


@app.command(epilog=EXAMPLES)
def rules(
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format. 输出格式。")
    ] = Format.table,
    directory: DirectoryOption = None,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """List the validation rules. 列出全部校验规则。"""
    language = lang_of(lang)
    enter_directory(directory, language)
    if fmt == Format.json:
        emit(rules_json(language), output)
    elif fmt == Format.markdown:
        emit(rules_markdown(), output)
    else:
        table = Table("ID", "Name", "Severity", t("rules_col_checks", language))
        for r in sorted(REGISTRY.values(), key=lambda r: r.id):
            table.add_row(r.id, r.name, r.severity.value, r.title.get(language))
        stdout_console().print(table)
