"""``zjpaoyici schema``: print the JSON Schemas, or copy them into a repository."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from zjpaoyici import __version__
from zjpaoyici.catalogue.paths import display_path
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
    note,
    stderr_console,
    stdout_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK
from zjpaoyici.files.atomic import atomic_write_text
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.scaffold import (
    SCHEMA_GLOBS,
    SCHEMA_KINDS,
    schema_file_name,
    schema_text,
    stale_schemas,
)
from zjpaoyici.render.safe import visible


class Kind(StrEnum):
    catalogue = "catalogue"
    regions = "regions"
    basic = "basic"
    implementation = "implementation"
    bundle = "bundle"
    mapping = "mapping"
    cases_mapping = "cases-mapping"


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici schema                                [dim]# list the kinds[/dim]
  zjpaoyici schema implementation                 [dim]# print one schema[/dim]
  zjpaoyici schema implementation -o impl.schema.json
  zjpaoyici schema --output-dir schemas            [dim]# write all[/dim]
  zjpaoyici schema --output-dir schemas --check    [dim]# CI: exit 1 if a copy is stale[/dim]

Exit codes: 0 · 1 --check found stale copies · 2 usage error
""",
    """
[bold]示例[/bold]

  zjpaoyici schema                                [dim]# 列出类型[/dim]
  zjpaoyici schema implementation                 [dim]# 输出一个 schema[/dim]
  zjpaoyici schema implementation -o impl.schema.json
  zjpaoyici schema --output-dir schemas            [dim]# 写出全部（更新仓库中的副本）[/dim]
  zjpaoyici schema --output-dir schemas --check    [dim]# 检查副本是否最新[/dim]

退出码：0 · 1 --check 发现副本已过期 · 2 用法错误
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr("Print or write the JSON Schemas of the catalogue files.", "输出或写出 JSON Schema。"),
)
def schema(
    kind: Annotated[
        Kind | None,
        typer.Argument(help=tr("The file kind whose schema to print.", "文件类型。")),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            help=tr(
                "Write the schemas (all, or KIND) into this folder.", "把 schema 写入该文件夹。"
            ),
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=tr(
                "With --output-dir: change nothing, exit 1 if a copy is missing or stale.",
                "只检查文件夹中的副本是否最新。",
            ),
        ),
    ] = False,
    output: OutputOption = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Print or write the JSON Schemas of the catalogue files."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    kinds = (kind.value,) if kind is not None else SCHEMA_KINDS
    if check and output_dir is None:
        raise usage_error(t("schema_check_needs_dir", language))
    if output_dir is not None:
        if output is not None:
            raise usage_error(
                t("err_bad_option", language, option="-o", value=output, choices="KIND")
            )
        _to_folder(output_dir, kinds, check, language)
    if kind is None:
        _list_kinds(language)
        raise typer.Exit(EXIT_OK)
    emit(schema_text(kind.value), output)
    raise typer.Exit(EXIT_OK)


def _to_folder(folder: Path, kinds: tuple[str, ...], check: bool, language: Lang) -> None:
    shown = display_path(folder.absolute())
    err = stderr_console()
    if folder.exists() and not folder.is_dir():
        raise usage_error(t("import_output_not_dir", language, path=shown))
    stale = stale_schemas(folder, kinds)
    if check:
        for path in stale:
            shown_path = display_path(path.absolute())
            err.print(Text(visible(t("schema_stale", language, path=shown_path)), style="red"))
        if stale:
            err.print(Text(visible(t("schema_stale_hint", language, path=shown)), style="bold"))
            raise typer.Exit(EXIT_FINDINGS)
        note(t("schema_current", language, path=shown, version=__version__), style="")
        raise typer.Exit(EXIT_OK)
    folder.mkdir(parents=True, exist_ok=True)
    for path in stale:
        atomic_write_text(path, schema_text(path.name.removesuffix(".schema.json")))
        note(t("schema_written", language, path=display_path(path.absolute())), style="")
    note(t("schema_current", language, path=shown, version=__version__), style="")
    raise typer.Exit(EXIT_OK)


def _list_kinds(language: Lang) -> None:
    table = Table(
        t("schema_col_kind", language),
        t("schema_col_files", language),
        t("schema_col_title", language),
        title=t("schema_kinds", language),
    )
    for kind in SCHEMA_KINDS:
        doc = json.loads(schema_text(kind))
        title = doc.get({"zh": "title", "en": "x-title-en"}[language], "")
        table.add_row(kind, ", ".join(SCHEMA_GLOBS[kind]), title or schema_file_name(kind))
    stdout_console().print(table)
