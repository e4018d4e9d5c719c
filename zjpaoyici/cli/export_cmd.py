"""``zjpaoyici export``: the resolved catalogue as a spreadsheet that ``import`` reads back."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.catalogue.fields import ENTRIES
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
    locate,
    mapping_or_exit,
    mapping_path,
    note,
    note_reading_problems,
    progress,
    table_format,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_OK
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.tabular.exporter import (
    DEFAULT_MAPPING,
    ExportMappingError,
    catalogue_rows,
    export_columns,
    export_specs,
)
from zjpaoyici.ops.tabular.parts import STAMP_COLUMNS, FileDefaults, PartColumn, part_sheets
from zjpaoyici.render import table_out
from zjpaoyici.render.formats import TABLES

# the tables export writes: those import reads back
ExportFormat = StrEnum("ExportFormat", [(name, name) for name in ("xlsx", "csv")])  # type: ignore[misc]


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici export -o 目录.xlsx                    [dim]# the whole catalogue[/dim]
  zjpaoyici export --region 330106 -o 西湖区.csv
  zjpaoyici export -o catalogue.xlsx --lang en     [dim]# English headers[/dim]
  zjpaoyici import 目录.xlsx --mapping export -o 新目录/   [dim]# and back[/dim]

Columns are those of the mapping (default: the export.yaml shipped with zjpaoyici), so the
file can be edited and imported again. Rows: each entry and its handling items; the basic
catalogue's matters come first in csv, on a sheet of their own in xlsx.

Exit codes: 0 written · 2 usage error, unknown region, unusable mapping
""",
    """
[bold]示例[/bold]

  zjpaoyici export -o 目录.xlsx                    [dim]# 整个目录[/dim]
  zjpaoyici export --region 330106 -o 西湖区.csv
  zjpaoyici export -o catalogue.xlsx --lang en     [dim]# 英文表头[/dim]
  zjpaoyici import 目录.xlsx --mapping export -o 新目录/   [dim]# 再导入[/dim]

列布局取自映射文件（缺省为随软件安装的 export.yaml），修改后可直接再导入。
行：各实施条目及其办理项；基本目录事项在 .csv 中排在最前，在 .xlsx 中单独成表。

退出码：0 已写出 · 2 用法错误、区划不存在或映射不可用
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr("Export the resolved catalogue for editing in a spreadsheet.", "导出目录供表格编辑。"),
)
def export(
    path: Annotated[
        Path | None,
        typer.Argument(help=tr("Catalogue directory (default: the current catalogue).", "目录。")),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f", help=tr("xlsx or csv (default: from -o, else csv).", "格式。")
        ),
    ] = None,
    output: OutputOption = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            help=tr("Column layout (default: the shipped export.yaml).", "列布局映射文件。"),
        ),
    ] = None,
    region: RegionOption = None,
    level: LevelOption = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
) -> None:
    """Export the resolved catalogue for editing in a spreadsheet."""
    language = lang_of(lang)
    be_quiet(quiet)
    chosen = table_format(fmt, output, ("xlsx", "csv"))
    if chosen == "xlsx" and output is None:
        raise usage_error(t("explode_xlsx_needs_output", language))
    spec = mapping_or_exit(mapping_path(mapping) if mapping else DEFAULT_MAPPING, language)
    try:
        specs = export_specs(spec.headed(language))
    except ExportMappingError as exc:
        raise usage_error(t("export_bad_mapping", language, problems=str(exc))) from None
    root = locate(path, directory, sample, language)
    cat, plan = load_context(root)
    folders = folders_or_exit(cat, region, level, language)
    reading = list(cat.findings)
    with progress(t("progress_load", language)) as update:
        # memory: a few regions at a time, read by workers while earlier rows are written
        defaults = FileDefaults(cat)
        # in xlsx the basic catalogue has its own sheet, so it is written once
        entry_rows = catalogue_rows(
            cat, plan, folders, specs, reading, defaults, progress=update, basic=chosen != "xlsx"
        )
        more = []
        if chosen == "xlsx":  # the other parts of the catalogue, a sheet each
            more = [
                table_out.Sheet(name, _headers(columns, language), rows)
                for name, columns, rows in part_sheets(cat, language, defaults)
            ]
        table = table_out.TableData(
            _headers(export_columns(specs), language),
            entry_rows,
            sheet=spec.source.sheet or ENTRIES.label(language),
            delimiter=spec.source.delimiter,
            more=more,
        )
        count = TABLES[chosen](table, output)
    note_reading_problems(reading, language)
    if output is not None:
        note(t("explode_written", language, path=display_path(output.absolute()), rows=count))
    raise typer.Exit(EXIT_OK)


def _headers(columns: list[PartColumn], lang: Lang) -> list[table_out.Header]:
    """Sheet headers: titles in ``lang``, widths that fit them, validations, the stamp
    columns hidden."""
    return [
        table_out.Header(
            c.label(lang),
            max(c.width, table_out.display_width(c.label(lang)) + 2),
            hidden=c.key in {s.key for s in STAMP_COLUMNS},
            choices=c.choices,
            whole=c.whole,
        )
        for c in columns
    ]
