"""``zjpaoyici explode``: one row per handling item, as csv, xlsx, json or yaml; ``--write``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zjpaoyici.catalogue.fields import ROW_COLUMNS
from zjpaoyici.catalogue.load import regions_in_turn
from zjpaoyici.catalogue.model import Catalogue
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    LevelOption,
    OutputOption,
    QuietOption,
    RegionOption,
    SampleOption,
    app,
    be_quiet,
    folders_or_exit,
    lang_of,
    load_context,
    load_shown,
    locate,
    note,
    note_load_problems,
    note_reading_problems,
    progress,
    stderr_console,
    table_format,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_OK, EXIT_USAGE
from zjpaoyici.files.atomic import FileBatch
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.explode import (
    BUNDLE_COLUMNS,
    bundle_rows,
    explode_rows,
    materialise_text,
    plan_materialise,
)
from zjpaoyici.render import table_out
from zjpaoyici.render.formats import TABLES
from zjpaoyici.render.safe import visible

TableFormat = StrEnum("TableFormat", [(name, name) for name in TABLES])  # type: ignore[misc]


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici explode -o 办理项.xlsx                [dim]# every region[/dim]
  zjpaoyici explode --region 330106 --format csv  [dim]# one region to standard output[/dim]
  zjpaoyici explode --level county -o county.json [dim]# keys: region, visits, …[/dim]
  zjpaoyici explode --lang en -o items.csv        [dim]# English headers[/dim]
  zjpaoyici explode --write                       [dim]# write generated items into the YAML[/dim]
  zjpaoyici explode --bundles -o 一件事.xlsx       [dim]# one row per (bundle, region, member)[/dim]

One row per handling item (one per entry without items), every inherited value filled in.
csv is UTF-8 with BOM when written to a file (Excel opens it directly); text that a
spreadsheet would run as a formula (= + - @) is written as text.

Exit codes: 0 done · 2 usage error, unknown region, unreadable file
""",
    """
[bold]示例[/bold]

  zjpaoyici explode -o 办理项.xlsx                [dim]# 全部区划（格式取自扩展名）[/dim]
  zjpaoyici explode --region 330106 --format csv  [dim]# 一个区划[/dim]
  zjpaoyici explode --level county -o county.json [dim]# 键为英文字段名[/dim]
  zjpaoyici explode --lang en -o items.csv        [dim]# 英文表头[/dim]
  zjpaoyici explode --write                       [dim]# 写出自动生成的办理项[/dim]
  zjpaoyici explode --bundles -o 一件事.xlsx       [dim]# 一件事成员明细[/dim]

每个办理项一行（无办理项的条目一行），继承的要素全部填出。
写入文件的 csv 为带 BOM 的 UTF-8（Excel 可直接打开）；表格软件会当作公式执行的文字
（以 = + - @ 开头）按文字写入。

退出码：0 完成 · 2 用法错误、区划不存在或文件无法改写
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr("Break the catalogue down into handling items.", "按办理项展开目录。"),
)
def explode(
    path: Annotated[
        Path | None,
        typer.Argument(help=tr("Catalogue directory (default: the current catalogue).", "目录。")),
    ] = None,
    region: RegionOption = None,
    level: LevelOption = None,
    fmt: Annotated[
        TableFormat | None,
        typer.Option(
            "--format", "-f", help=tr("Output format (default: from -o, else csv).", "输出格式。")
        ),
    ] = None,
    output: OutputOption = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help=tr(
                "Write items generated from situations into the YAML files as explicit items (comments kept).",
                "把自动生成的办理项写入 YAML 文件。",
            ),
        ),
    ] = False,
    bundles: Annotated[
        bool,
        typer.Option(
            "--bundles",
            help=tr(
                "One row per (bundle, region, member) instead.",
                "按（一件事，区划，成员事项）展开。",
            ),
        ),
    ] = False,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
) -> None:
    """Break the catalogue down into handling items."""
    language = lang_of(lang)
    be_quiet(quiet)
    if write and (output is not None or fmt is not None):
        raise usage_error(t("explode_write_with_output", language))
    chosen = table_format(fmt, output, TABLES)
    if chosen == "xlsx" and output is None:
        raise usage_error(t("explode_xlsx_needs_output", language))
    root = locate(path, directory, sample, language)
    if write:
        cat = load_shown(root, language)
        folders = folders_or_exit(cat, region, level, language)
        note_load_problems(cat, language)
        raise typer.Exit(_write(cat, folders, language))
    cat, plan = load_context(root)
    folders = folders_or_exit(cat, region, level, language)
    reading = list(cat.findings)
    columns = BUNDLE_COLUMNS if bundles else ROW_COLUMNS
    with progress(t("progress_load", language)) as update:
        # memory: one region at a time, read while its rows are written
        in_turn = regions_in_turn(cat, plan, folders, reading, progress=update)
        rows = bundle_rows(cat, in_turn) if bundles else explode_rows(cat, in_turn)
        table = table_out.TableData(
            table_out.explode_headers(columns, language),
            table_out.explode_cells(rows, columns, language),
            rows,
            sheet=t("explode_sheet_bundles" if bundles else "explode_sheet_items", language),
        )
        count = TABLES[chosen](table, output)
    note_reading_problems(reading, language)
    if output is not None:
        shown = display_path(output.absolute())
        note(t("explode_written", language, path=shown, rows=count))
    raise typer.Exit(EXIT_OK)


def _write(cat: Catalogue, folders: list[str], lang: Lang) -> int:
    plan = plan_materialise(cat, folders)
    err = stderr_console()
    for shown in plan.blocked:
        err.print(Text(visible(t("explode_write_blocked", lang, path=shown)), style="bold red"))
    items = 0
    with FileBatch(make_parents=False) as batch:  # all prepared before any is replaced
        for fp in plan.files:
            text = fp.path.read_text(encoding="utf-8-sig")
            batch.add(fp.path, materialise_text(text, fp).encode("utf-8"))
        batch.commit()
    for fp in plan.files:
        items += fp.count
        note(t("explode_write_file", lang, path=fp.display, count=fp.count), style="")
    note(t("explode_write_done", lang, items=items, files=len(plan.files)), style="bold")
    return EXIT_USAGE if plan.blocked else EXIT_OK
