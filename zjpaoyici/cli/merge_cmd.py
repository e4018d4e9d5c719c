"""``zjpaoyici merge`` and ``zjpaoyici merge3``: structured merges keyed by code and field."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    enter_directory,
    lang_of,
    note,
    require_existing,
    stderr_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK
from zjpaoyici.files.atomic import atomic_write_text
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.merge.combine import MISSING
from zjpaoyici.ops.merge.files import (
    InputError,
    LocatedConflict,
    combine_dirs,
    combine_files,
    merge3_files,
    write_outcome,
)
from zjpaoyici.render.safe import json_text, one_line, visible
from zjpaoyici.rules.ruleset import message_of


class Format(StrEnum):
    text = "text"
    json = "json"


MERGE_EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici merge scjg-a.yaml scjg-b.yaml -o implementations/330106/scjg.yaml
  zjpaoyici merge submissions/dept1 submissions/dept2 -o merged/
  zjpaoyici merge a.yaml b.yaml -o out.yaml --force-theirs   [dim]# later input wins[/dim]

Records are matched by code, fields by name; identical values fold; different values are
conflicts (exit 1, nothing written unless --force-ours/--force-theirs).
""",
    """
[bold]示例[/bold]

  zjpaoyici merge scjg-a.yaml scjg-b.yaml -o implementations/330106/scjg.yaml
  zjpaoyici merge submissions/dept1 submissions/dept2 -o merged/
  zjpaoyici merge a.yaml b.yaml -o out.yaml --force-theirs   [dim]# 后者优先[/dim]

按编码匹配记录、按字段合并；相同的值合一；不同即冲突（退出码 1，不写入，除非给出
--force-ours/--force-theirs）。
""",
)

MERGE3_EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici merge3 base.yaml ours.yaml theirs.yaml        [dim]# result written to ours.yaml[/dim]
  zjpaoyici merge3 base.yaml ours.yaml theirs.yaml -o merged.yaml

[bold]As a git merge driver[/bold]

  git config merge.zjpaoyici.name "zjpaoyici structured merge"
  git config merge.zjpaoyici.driver "zjpaoyici merge3 %O %A %B --name %P"
  echo '*.yaml merge=zjpaoyici' >> .gitattributes

Exit codes: 0 merged cleanly · 1 conflicts written as <<<<<<< markers · 2 unreadable input
""",
    """
[bold]示例[/bold]

  zjpaoyici merge3 base.yaml ours.yaml theirs.yaml        [dim]# 结果写回 ours.yaml[/dim]
  zjpaoyici merge3 base.yaml ours.yaml theirs.yaml -o merged.yaml

[bold]作为 git 合并驱动[/bold]

  git config merge.zjpaoyici.name "zjpaoyici structured merge"
  git config merge.zjpaoyici.driver "zjpaoyici merge3 %O %A %B --name %P"
  echo '*.yaml merge=zjpaoyici' >> .gitattributes

退出码：0 无冲突 · 1 有冲突（以 <<<<<<< 标记写入） · 2 无法读取
""",
)


def _value_text(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    return json_text(value, indent=None, default=str)


def _report(conflicts: list[LocatedConflict], lang: Lang, fmt: Format) -> None:
    if fmt == Format.json:
        data = [
            {
                "file": c.file,
                "field": c.where,
                "sides": [
                    {
                        "side": s.label,
                        "value": None if _value_text(s.value) == "(absent)" else s.value,
                        "present": _value_text(s.value) != "(absent)",
                        "file": s.loc.file if s.loc else None,
                        "line": s.loc.line if s.loc else None,
                        "column": s.loc.col if s.loc else None,
                    }
                    for s in c.sides
                ],
            }
            for c in conflicts
        ]
        typer.echo(json_text({"conflicts": data}, default=str))
        return
    err = stderr_console()
    for c in conflicts:
        err.print(
            Text(one_line(t("merge_conflict", lang, file=c.file, field=c.where)), style="bold red"),
            soft_wrap=True,
        )
        for s in c.sides:
            where = str(s.loc) if s.loc else s.label
            err.print(
                Text(one_line(f"    {s.label}: {_value_text(s.value)}  ({where})")), soft_wrap=True
            )


def _input_problem(exc: InputError, lang: Lang) -> typer.Exit:
    lines = [one_line(f"{f.loc}: {f.rule} {message_of(f, lang)}") for f in exc.findings]
    return usage_error("\n".join([*lines, t("merge_unreadable", lang)]))


@app.command(
    epilog=MERGE_EXAMPLES,
    help=tr("Combine catalogue files or folders keyed by code.", "按编码合并多个目录文件或目录。"),
)
def merge(
    inputs: Annotated[
        list[Path],
        typer.Argument(help=tr("Files, or catalogue folders, to combine.", "要合并的文件或目录。")),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=tr("Output file or folder.", "输出文件或目录。"))
    ],
    force_ours: Annotated[
        bool,
        typer.Option(
            "--force-ours",
            help=tr("On conflict keep the earlier input's value.", "冲突时保留前者。"),
        ),
    ] = False,
    force_theirs: Annotated[
        bool,
        typer.Option(
            "--force-theirs",
            help=tr("On conflict take the later input's value.", "冲突时采用后者。"),
        ),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Conflict report format.", "冲突报告格式。"))
    ] = Format.text,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Combine catalogue files or folders keyed by code."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    if force_ours and force_theirs:
        raise usage_error(t("merge_both_forces", language))
    if len(inputs) < 2:
        raise usage_error(t("merge_need_two", language))
    require_existing(inputs, language)
    dirs = [p.is_dir() for p in inputs]
    if any(dirs) and not all(dirs):
        raise usage_error(t("merge_mixed", language))
    prefer = "first" if force_ours else "last" if force_theirs else None
    try:
        outcome = (
            combine_dirs(inputs, output, prefer)
            if all(dirs)
            else combine_files(inputs, output, prefer)
        )
    except InputError as exc:
        raise _input_problem(exc, language) from None
    _report(outcome.conflicts, language, fmt)
    if outcome.conflicts and prefer is None:
        stderr_console().print(
            Text(t("merge_not_written", language, count=len(outcome.conflicts)), style="bold red")
        )
        raise typer.Exit(EXIT_FINDINGS)
    write_outcome(outcome)
    count = len(outcome.outputs) + len(outcome.copies)
    conflicts = len(outcome.conflicts)
    note(t("merge_written", language, path=output, count=count, conflicts=conflicts), style="")
    raise typer.Exit(EXIT_OK)


@app.command(
    epilog=MERGE3_EXAMPLES,
    help=tr(
        "Three-way merge keyed by matter code and field; a git merge driver.", "三方结构化合并。"
    ),
)
def merge3(
    base: Annotated[Path, typer.Argument(help=tr("Common ancestor (git %O).", "共同祖先。"))],
    ours: Annotated[
        Path,
        typer.Argument(
            help=tr("Our version; receives the result (git %A).", "本方版本，结果写回此文件。")
        ),
    ],
    theirs: Annotated[Path, typer.Argument(help=tr("Their version (git %B).", "对方版本。"))],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=tr("Write here instead of OURS.", "输出到其他文件。")),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help=tr("Path shown in messages (git %P).", "消息中显示的路径。")),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Conflict report format.", "冲突报告格式。"))
    ] = Format.text,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Three-way merge keyed by matter code and field; a git merge driver."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    require_existing([base, ours, theirs], language)
    outcome = merge3_files(base, ours, theirs, name=name)
    atomic_write_text(output or ours, outcome.text)
    if outcome.fallback:
        stderr_console().print(
            Text(visible(t("merge3_fallback", language, path=name or ours)), style="yellow")
        )
    _report(outcome.conflicts, language, fmt)
    raise typer.Exit(EXIT_FINDINGS if outcome.conflicts else EXIT_OK)
