"""``zjpaoyici cache``: where the result cache is, how big it is, and clearing it."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    emit,
    enter_directory,
    lang_of,
    note,
    tr,
)
from zjpaoyici.exitcodes import EXIT_OK
from zjpaoyici.i18n import t
from zjpaoyici.runner.cache import KEEP_DAYS, Cache, default_dir


class Format(StrEnum):
    text = "text"
    json = "json"


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici cache                          [dim]# where it is and how big[/dim]
  zjpaoyici cache --clear                  [dim]# remove every entry[/dim]
  ZJPAOYICI_CACHE_DIR=.cache/zjpaoyici zjpaoyici validate   [dim]# e.g. a CI-cached folder[/dim]

Exit codes: 0 · 2 usage error
""",
    """
[bold]示例[/bold]

  zjpaoyici cache                          [dim]# 位置与大小[/dim]
  zjpaoyici cache --clear                  [dim]# 清空[/dim]
  ZJPAOYICI_CACHE_DIR=.cache/zjpaoyici zjpaoyici validate   [dim]# e.g. a CI-cached folder[/dim]

退出码：0 · 2 用法错误
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Show or clear the result cache (validate, report, diff).\n\nThe cache holds per-region results as JSON, keyed by content hash; it lives in $ZJPAOYICI_CACHE_DIR, else $XDG_CACHE_HOME/zjpaoyici, else ~/.cache/zjpaoyici.",
        "查看或清空结果缓存（validate、report、diff 共用）。\n\n缓存按内容哈希保存各区划的结果（JSON），不在目录仓库内；位置为 $ZJPAOYICI_CACHE_DIR，否则 $XDG_CACHE_HOME/zjpaoyici，否则 ~/.cache/zjpaoyici。",
    ),
)
def cache(
    clear: Annotated[
        bool, typer.Option("--clear", help=tr("Remove every cached result.", "删除全部缓存。"))
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = Format.text,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Show or clear the result cache (validate, report, diff)."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    store = Cache(default_dir())
    removed = store.clear() if clear else 0
    entries, size, foreign = store.usage()
    if fmt == Format.json:
        emit(
            json.dumps(
                {
                    "directory": str(store.directory),
                    "entries": entries,
                    "bytes": size,
                    "foreign": foreign,
                    "removed": removed,
                    "keep_days": KEEP_DAYS,
                },
                ensure_ascii=False,
            )
            + "\n",
            None,
        )
        raise typer.Exit(EXIT_OK)
    if clear:
        note(t("cache_cleared", language, entries=removed))
    shown = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"
    typer.echo(
        t(
            "cache_info",
            language,
            path=store.directory,
            entries=entries,
            size=shown,
            days=KEEP_DAYS,
            foreign=foreign,
        )
    )
    raise typer.Exit(EXIT_OK)
