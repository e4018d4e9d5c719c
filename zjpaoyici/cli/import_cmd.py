"""``zjpaoyici import``: catalogue files from a csv, xlsx, json or jsonl export."""

from __future__ import annotations

import difflib
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    enter_directory,
    lang_of,
    mapping_or_exit,
    mapping_path,
    note,
    progress,
    require_existing,
    stderr_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK
from zjpaoyici.i18n import t
from zjpaoyici.ops.tabular.importer import (
    ImportFailed,
    MissingColumns,
    OutputNotEmpty,
    import_rows,
    write_tree,
)
from zjpaoyici.ops.tabular.sources import SourceError, expand_sources
from zjpaoyici.render.import_out import problem_line
from zjpaoyici.render.safe import visible


class SourceFormatChoice(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"
    jsonl = "jsonl"


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici import 清单.xlsx --mapping 映射.yaml -o 新目录/
  zjpaoyici import 导出.jsonl --mapping 映射.yaml -o 新目录/ --lang en
  zjpaoyici import 导出/ --mapping 映射.yaml -o 新目录/     [dim]# every csv/xlsx/json/jsonl file in a folder[/dim]
  zjpaoyici import 目录.xlsx --mapping export -o 新目录/   [dim]# read back what export wrote[/dim]

The mapping names each catalogue field's column and parser (int, days, bool, split, enum,
regex, pairs, contains) or a constant; see docs/mapping.md.
--mapping export is the layout `zjpaoyici export` writes (shipped with zjpaoyici).
A value that cannot be parsed is reported with row and column and its field left unknown
(the row kept; per field on_error: drop_row skips the row, fail stops); never guessed.
Blank values stay unknown.
Several files (or a folder of them) are read as one export, rows numbered per file.
Several rows of one matter (same region, agency, code) are merged: levels unioned,
conflicts reported with both rows.
The output folder must be new or empty (--force: overwrite files of the same name).

Exit codes: 0 every row imported · 1 some rows skipped or flagged (the rest written)
· 2 usage error, bad mapping, unreadable source or a format its content contradicts,
on_error: fail, output folder not empty
""",
    """
[bold]示例[/bold]

  zjpaoyici import 清单.xlsx --mapping 映射.yaml -o 新目录/
  zjpaoyici import 导出.jsonl --mapping 映射.yaml -o 新目录/ --lang en
  zjpaoyici import 导出/ --mapping 映射.yaml -o 新目录/     [dim]# 文件夹中的各文件[/dim]
  zjpaoyici import 目录.xlsx --mapping export -o 新目录/   [dim]# 读回 export 的表格[/dim]

映射文件为每个目录字段指定列和解析器（int、days、bool、split、enum、regex、pairs、contains）
或常量，说明见 docs/mapping.md。
--mapping export 即 `zjpaoyici export` 写出的列布局（随软件安装）。
无法解析的值逐条报告（行号、列），该字段留作未知、保留该行（可按字段设 on_error: drop_row
跳过整行，fail 停止导入），不做猜测；空白为未知。
几个文件（或一个文件夹）作为同一份导出读取，行号按各文件计。
同一事项（区划、实施主体、编码相同）的多行合并：行使层级取并集，取值冲突时报告两行的行号。
输出目录须不存在或为空（--force 覆盖同名文件）。

退出码：0 全部导入 · 1 有行被跳过或有提示（其余已写出） · 2 用法错误、映射有误、
源文件无法读取或内容与格式不符、on_error: fail、输出目录非空
""",
)


@app.command(
    "import",
    epilog=EXAMPLES,
    help=tr("Build catalogue files from a spreadsheet or JSON export.", "从表格或 JSON 导入目录。"),
)
def import_(
    source: Annotated[
        list[Path],
        typer.Argument(
            help=tr(
                "csv, xlsx, json or jsonl file(s), or a folder of them, read as one export.",
                "源文件（可写多个，或一个文件夹）。",
            )
        ),
    ],
    mapping: Annotated[
        Path,
        typer.Option(
            "--mapping",
            "-m",
            help=tr("Mapping file (YAML), or 'export' for the layout export writes.", "映射文件。"),
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help=tr("Catalogue folder to create.", "输出的目录文件夹。")
        ),
    ],
    fmt: Annotated[
        SourceFormatChoice | None,
        typer.Option(
            "--format",
            "-f",
            help=tr("Source format (default: mapping, else extension).", "源格式。"),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help=tr("Write into a non-empty folder.", "写入非空文件夹。")),
    ] = False,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Build catalogue files from a spreadsheet or JSON export."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    require_existing(source, language)
    mapping_file = mapping_path(mapping)
    spec = mapping_or_exit(mapping_file, language)
    shown_out = display_path(output.absolute())
    if output.exists() and not output.is_dir():
        raise usage_error(t("import_output_not_dir", language, path=shown_out))
    if output.is_dir() and any(output.iterdir()) and not force:
        raise usage_error(t("import_output_not_empty", language, path=shown_out))
    try:
        files = expand_sources(source, mapping_file)
        with progress(t("progress_import", language, name=files[0].name)) as update:
            result = import_rows(spec, files, fmt=fmt.value if fmt else None, progress=update)
    except SourceError as exc:
        raise usage_error(exc.message.get(language)) from None
    except ImportFailed as exc:
        shown = display_path((exc.problem.source or files[0]).absolute())
        line = problem_line(exc.problem, shown, language)
        raise usage_error(f"{line}\n{t('import_failed', language)}") from None
    except MissingColumns as exc:
        hints = [
            f"{m} → {close[0]}"
            for m in exc.missing
            if (close := difflib.get_close_matches(m, exc.known, n=1, cutoff=0.5))
        ]
        text = t(
            "import_missing_columns",
            language,
            missing="、".join(exc.missing),
            known="、".join(exc.known[:40]),
            hints="；".join(hints) or "—",
        )
        if exc.path is not None and len(files) > 1:
            text = f"{display_path(exc.path.absolute())}: {text}"
        raise usage_error(text) from None
    try:
        write_tree(result.files, output, force=force)
    except OutputNotEmpty:  # appeared while reading
        raise usage_error(t("import_output_not_empty", language, path=shown_out)) from None
    err = stderr_console()
    shown_source = display_path(files[0].absolute())
    for problem in result.problems:
        shown = display_path(problem.source.absolute()) if problem.source else shown_source
        err.print(Text(visible(problem_line(problem, shown, language)), style="red"))
    note(
        t(
            "import_summary",
            language,
            rows=result.rows,
            entries=result.entries,
            items=result.items,
            matters=result.matters,
            departments=result.departments,
            regions=result.regions,
            files=len(result.files),
            path=shown_out,
        ),
        style="bold",
    )
    if result.skipped:
        err.print(Text(t("import_skipped", language, count=result.skipped), style="bold red"))
    unknown = sum(p.left_unknown for p in result.problems)
    if unknown:
        err.print(Text(t("import_unknown_cells", language, count=unknown), style="bold red"))
    raise typer.Exit(EXIT_FINDINGS if result.problems else EXIT_OK)
