"""``zjpaoyici apply``: a workbook export wrote and a person edited, back onto the YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    catalogue_root,
    deliver,
    enter_directory,
    lang_of,
    load_shown,
    mapping_or_exit,
    note,
    note_load_problems,
    require_existing,
    stderr_console,
    stdout_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK
from zjpaoyici.i18n import t
from zjpaoyici.ops.diff import UnreadableFiles
from zjpaoyici.ops.tabular.apply import plan_apply, preview, write_plan
from zjpaoyici.ops.tabular.exporter import DEFAULT_MAPPING
from zjpaoyici.ops.tabular.importer import MissingColumns
from zjpaoyici.ops.tabular.sources import SourceError
from zjpaoyici.render.formats import APPLY, DIFF
from zjpaoyici.render.import_out import problem_line

EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici export -o 目录.xlsx                 [dim]# hand the workbook out[/dim]
  zjpaoyici apply 目录.xlsx                     [dim]# preview the edits: writes nothing[/dim]
  zjpaoyici apply 目录.xlsx --write             [dim]# change the YAML[/dim]
  zjpaoyici apply 目录.xlsx --write --delete    [dim]# rows deleted in the workbook too[/dim]
  zjpaoyici apply 目录.xlsx --to-source         [dim]# inherited values edited at their source[/dim]

Without --write, apply only shows what it would do (also in a script). Each row carries
the stamp export gave it: an unedited row changes nothing, an edited row changes only the
edited fields in the entry's own record (an inherited value becomes the entry's own; a
shared default is never changed unless --to-source asks: then the value is changed in the
layer it came from and the preview lists every region's entry that inherits it), a row
whose YAML changed since the export is a conflict and is left alone. Rows without a
stamp are new entries or items. Edits on the basic catalogue, bundle, defaults and
settings sheets are written into the record they show; their rows are stamped too (a
stale row there is a conflict).

Exit codes: 0 applied or nothing to do · 1 conflicts or unreadable rows · 2 usage error,
not a workbook export wrote
""",
    """
[bold]示例[/bold]

  zjpaoyici export -o 目录.xlsx                 [dim]# 分发表格[/dim]
  zjpaoyici apply 目录.xlsx                     [dim]# 预览修改，不写文件[/dim]
  zjpaoyici apply 目录.xlsx --write             [dim]# 写回 YAML[/dim]
  zjpaoyici apply 目录.xlsx --write --delete    [dim]# 同时删除表格中删掉的行[/dim]
  zjpaoyici apply 目录.xlsx --to-source         [dim]# 继承来的值改在其来源层[/dim]

不加 --write 时只预览（脚本中也一样）。每行带有导出时的校验码：未改的行不产生改动；改过的行只改
所改字段，写在条目自己的记录里（继承来的值改为条目自己的值，不改动共用设置；加 --to-source 时改在
值所来自的那一层，预览列出继承它的各区划条目）；导出后 YAML 已改动的行作为冲突列出，不应用。
没有校验码的行是新增的条目或办理项。基本目录、一件事、区划缺省、目录与文件设置表上的修改写入该记录所在的
文件；这些表的行也带校验码（导出后已改动的行作为冲突列出）。

退出码：0 已应用或无需改动 · 1 有冲突或无法读取的行 · 2 用法错误、不是 export 写出的表格
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Apply an edited export workbook back onto the catalogue.", "将修改后的导出表格写回目录。"
    ),
)
def apply(
    book: Annotated[
        Path, typer.Argument(help=tr("Workbook written by export (.xlsx).", "export 写出的表格。"))
    ],
    path: Annotated[
        Path | None,
        typer.Argument(help=tr("Catalogue directory (default: the current catalogue).", "目录。")),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write/--dry-run",
            help=tr("Write the changes (default: --dry-run, a preview).", "写入（缺省只预览）。"),
        ),
    ] = False,
    delete: Annotated[
        bool,
        typer.Option(
            "--delete",
            help=tr("Remove entries whose rows were deleted.", "删除表格中已删掉的行对应的条目。"),
        ),
    ] = False,
    to_source: Annotated[
        bool,
        typer.Option(
            "--to-source",
            help=tr(
                "Write an edited inherited value to the layer it came from (every region "
                "inheriting it changes), not to the entry.",
                "继承来的值改在其来源层（继承它的各区划一并改变）。",
            ),
        ),
    ] = False,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Apply an edited export workbook back onto the catalogue."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    require_existing([book], language)
    root = catalogue_root(path, language)
    spec = mapping_or_exit(DEFAULT_MAPPING, language)
    cat = load_shown(root, language)
    note_load_problems(cat, language)
    shown_book = display_path(book.absolute())
    try:
        plan = plan_apply(cat, spec, book, delete=delete, to_source=to_source)
    except SourceError as exc:
        raise usage_error(exc.message.get(language)) from None
    except MissingColumns as exc:
        raise usage_error(
            t(
                "import_missing_columns",
                language,
                missing="、".join(exc.missing),
                known="、".join(exc.known[:40]),
                hints="—",
            )
        ) from None
    err = stderr_console()
    for problem in plan.problems:
        err.print(problem_line(problem, shown_book, language), style="red", soft_wrap=True)
    if delete and plan.problems:
        err.print(t("apply_no_delete_unreadable", language), style="bold red")
    deliver(APPLY["text"](plan, language, shown_book, display_path(root.absolute())), None)
    if plan.texts:
        try:
            result = preview(root, plan)
        except UnreadableFiles:
            raise usage_error(t("diff_unreadable", language)) from None
        stdout_console().print()
        deliver(DIFF["text"](result, language, display_path(root.absolute()), shown_book, 0), None)
    if not plan.texts:
        note(t("apply_nothing", language))
    elif write:
        written = write_plan(plan)  # an OSError: the entry point says which path and why
        note(t("apply_written", language, count=len(written)))
    else:
        note(t("apply_dry_run", language))
    raise typer.Exit(EXIT_FINDINGS if plan.conflicts or plan.problems else EXIT_OK)
