"""``zjpaoyici fmt``: rewrite catalogue files in canonical form, or check that they are."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.common import (
    CacheOption,
    DirectoryOption,
    JobsOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    cache_of,
    catalogue_root,
    enter_directory,
    lang_of,
    note,
    require_existing,
    stderr_console,
    stdout_console,
    tr,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from zjpaoyici.files.atomic import FileBatch
from zjpaoyici.i18n import t
from zjpaoyici.ops.fmt import format_files, targets
from zjpaoyici.render.safe import one_line, visible
from zjpaoyici.rules.ruleset import message_of

EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici fmt                      [dim]# the whole catalogue[/dim]
  zjpaoyici fmt implementations/330106/scjg.yaml
  zjpaoyici fmt --check              [dim]# CI: exit 1 if a file would change[/dim]
  zjpaoyici fmt --check --diff

Canonical form: keys in schema order; matters, subs, items, regions and bundles sorted
by code; codes double-quoted; comments kept.

Exit codes: 0 done / already formatted · 1 --check found files to change · 2 unreadable files
""",
    """
[bold]示例[/bold]

  zjpaoyici fmt                      [dim]# 整个目录[/dim]
  zjpaoyici fmt implementations/330106/scjg.yaml
  zjpaoyici fmt --check              [dim]# 检查格式[/dim]
  zjpaoyici fmt --check --diff

规范格式：键按 schema 顺序；事项、子项、办理项、区划与一件事按编码排序；编码加双引号；保留注释。

退出码：0 完成或已是规范格式 · 1 --check 发现需要改写的文件 · 2 有文件无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Format catalogue files canonically, keeping comments.", "规范化目录文件格式（保留注释）。"
    ),
)
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=tr(
                "Catalogue directories or files (default: the current catalogue).", "目录或文件。"
            )
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help=tr("Change nothing; exit 1 if a file would change.", "只检查不修改。")
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help=tr("Show what would change.", "显示改动。"))
    ] = False,
    use_cache: CacheOption = True,
    jobs: JobsOption = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Format catalogue files canonically, keeping comments."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    chosen = paths or [catalogue_root(None, language)]
    require_existing(chosen, language)
    out, err = stdout_console(), stderr_console()
    changed = unchanged = failed = 0
    written: list[str] = []
    # Nothing is replaced until every changed file is prepared beside its target.
    with FileBatch(make_parents=False) as batch:
        for result in format_files(targets(chosen), cache=cache_of(use_cache), jobs=jobs):
            shown = display_path(result.path.absolute())
            if result.failed:
                failed += 1
                for finding in result.problems:
                    err.print(
                        Text(
                            one_line(
                                f"{finding.loc}: {finding.rule} {message_of(finding, language)}"
                            ),
                            style="red",
                        )
                    )
                err.print(Text(one_line(t("fmt_skipped", language, path=shown)), style="bold red"))
                continue
            if not result.changed:
                unchanged += 1
                continue
            changed += 1
            formatted = result.formatted or ""
            if diff:
                lines = difflib.unified_diff(
                    result.original.splitlines(keepends=True),
                    formatted.splitlines(keepends=True),
                    shown,
                    shown,
                )
                out.print(Text(visible("".join(lines))), end="")
            if check:
                out.print(Text(one_line(t("fmt_would_change", language, path=shown))))
            else:
                batch.add(result.path, formatted.encode("utf-8"))
                written.append(shown)
        batch.commit()
    for shown in written:
        out.print(Text(one_line(t("fmt_changed", language, path=shown))))
    key = "fmt_summary_check" if check else "fmt_summary"
    note(t(key, language, changed=changed, unchanged=unchanged, failed=failed), style="bold")
    if failed:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if check and changed else EXIT_OK)
