"""``zjpaoyici standard``: the same matter to the same standard in every region — norms,
deviations with their locations, and the standardisation index."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zjpaoyici.cli.common import (
    CacheOption,
    DirectoryOption,
    JobsOption,
    LangOption,
    OutputOption,
    QuietOption,
    SampleOption,
    app,
    be_quiet,
    cache_of,
    chosen,
    deliver,
    lang_of,
    locate,
    note,
    progress,
    stderr_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from zjpaoyici.files.atomic import write_files
from zjpaoyici.i18n import t
from zjpaoyici.ops.standard.compute import GROUP_BYS, standard_of
from zjpaoyici.ops.standard.propose import DEFAULT_AGREE, propose_standard
from zjpaoyici.render.formats import FILE_ONLY, STANDARD, TABLES
from zjpaoyici.render.safe import one_line
from zjpaoyici.render.standard_out import pct, proposal_diff
from zjpaoyici.render.table_out import TableData

Format = StrEnum("Format", [(name, name) for name in STANDARD])  # type: ignore[misc]
DEFAULT_FORMAT = Format("text")
By = StrEnum("By", [(name, name) for name in GROUP_BYS])  # type: ignore[misc]
DEFAULT_BY = By("level")

EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici standard                                [dim]# worst matters first, per level[/dim]
  zjpaoyici standard --by department
  zjpaoyici standard --matter 许可-01408-000         [dim]# one matter across every region[/dim]
  zjpaoyici standard --format csv -o deviations.csv  [dim]# one row per deviation[/dim]
  zjpaoyici standard --format html -o standard.html  [dim]# heat map, offline[/dim]
  zjpaoyici standard --fail-under 0.9               [dim]# CI gate[/dim]
  zjpaoyici standard --propose --agree 0.9          [dim]# diff: state the norms in _defaults[/dim]
  zjpaoyici standard --propose --write              [dim]# apply that diff[/dim]

Exit codes: 0 · 1 the index is below --fail-under · 2 usage error or unreadable input
""",
    """
[bold]示例[/bold]

  zjpaoyici standard                                [dim]# 标准化程度最低的事项在前[/dim]
  zjpaoyici standard --by department
  zjpaoyici standard --matter 许可-01408-000         [dim]# 一个事项在各区划的实施要素[/dim]
  zjpaoyici standard --format csv -o deviations.csv  [dim]# 每个偏离一行[/dim]
  zjpaoyici standard --format html -o standard.html  [dim]# 热力图，离线可读[/dim]
  zjpaoyici standard --fail-under 0.9               [dim]# 持续集成门槛[/dim]
  zjpaoyici standard --propose --agree 0.9          [dim]# 差异预览：把常模写进统一实施要素[/dim]
  zjpaoyici standard --propose --write              [dim]# 写入上述改动[/dim]

退出码：0 · 1 标准化程度低于 --fail-under · 2 用法错误或无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Compare each matter across the regions implementing it: norm, deviations, index.",
        "同一事项、同一标准：比较各区划实施同一事项的要素，给出常模、偏离和标准化程度。",
    ),
)
def standard(
    path: Annotated[
        Path | None,
        typer.Argument(help=tr("Catalogue folder (default: the current catalogue).", "目录。")),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = DEFAULT_FORMAT,
    by: Annotated[
        By,
        typer.Option("--by", help=tr("Breakdown for text, markdown and html.", "分组方式。")),
    ] = DEFAULT_BY,
    matter: Annotated[
        str | None,
        typer.Option(
            "--matter",
            metavar="CODE",
            help=tr("One matter only, with every deviation.", "只看一个事项及其全部偏离。"),
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            min=0.0,
            max=1.0,
            help=tr(
                "Exit 1 if the index is below this share, e.g. 0.9.",
                "标准化程度低于该比例即失败。",
            ),
        ),
    ] = None,
    propose: Annotated[
        bool,
        typer.Option(
            "--propose",
            help=tr(
                "Show, as a diff, the province _defaults stating the norms most regions"
                " share (else a city's, where most of its counties do) and the restatements"
                " removed; writes nothing.",
                "以差异预览：在省级统一实施要素中写明多数区划已一致的常模（省级不一致而某市所辖区县多数一致的，写入该市统一实施要素），删除与继承值相同的重述；不写入。",
            ),
        ),
    ] = False,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help=tr("With --propose: apply the diff.", "与 --propose 一起使用：写入文件。"),
        ),
    ] = False,
    agree: Annotated[
        float,
        typer.Option(
            "--agree",
            metavar="SHARE",
            min=0.0,
            max=1.0,
            help=tr(
                "With --propose: the share of regions that must already agree, e.g. 0.9.",
                "与 --propose 一起使用：至少多大比例的区划已一致才写明标准。",
            ),
        ),
    ] = DEFAULT_AGREE,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
    use_cache: CacheOption = True,
    jobs: JobsOption = None,
) -> None:
    """Compare each matter's elements across the regions implementing it."""
    language = lang_of(lang)
    be_quiet(quiet)
    if fmt in FILE_ONLY and output is None:
        raise usage_error(t("explode_xlsx_needs_output", language))
    root = locate(path, directory, sample, language)
    if propose or write:
        proposal = propose_standard(root, agree=agree)
        if proposal.blocked:
            shown = ", ".join(proposal.blocked[:5]) + (" …" if len(proposal.blocked) > 5 else "")
            note(t("std_propose_blocked", language, count=len(proposal.blocked), files=shown))
            raise typer.Exit(EXIT_USAGE)
        deliver(proposal_diff(proposal.files), output)
        if write:
            write_files([(f.path, f.after.encode("utf-8")) for f in proposal.files])
        key = "std_propose_written" if write else "std_propose_preview"
        counts = {
            "stated": proposal.stated,
            "city": proposal.stated_city,
            "created": proposal.created,
            "removed": proposal.removed,
        }
        note(t(key, language, files=len(proposal.files), deviating=proposal.deviating, **counts))
        raise typer.Exit(EXIT_OK)
    with progress(t("progress_load", language)) as update:
        result, cat = standard_of(
            root,
            matter=matter,
            fail_under=fail_under,
            # text lists deviations for one matter only; every other format lists them all
            details=fmt != "text" or matter is not None,
            cache=cache_of(use_cache),
            jobs=jobs,
            progress=update,
        )
    if matter is not None and matter not in cat.basic:
        raise usage_error(t("std_no_matter", language, code=matter))
    if matter is not None and not result.matters:
        note(t("std_no_matter", language, code=matter))
    if result.unread:
        shown = ", ".join(result.unread[:5]) + (" …" if len(result.unread) > 5 else "")
        note(t("report_incomplete", language, count=len(result.unread), files=shown))
    rendered = STANDARD[fmt](result, chosen(by, GROUP_BYS), language, cat.name, matter is not None)
    if isinstance(rendered, TableData):
        TABLES[fmt](rendered, output)
    else:
        deliver(rendered, output)
    if result.failed:
        below = t("std_below", language, index=pct(result.total), target=f"{fail_under:.0%}")
        stderr_console().print(Text(one_line(below), style="bold red"), soft_wrap=True)
    if result.unread and fail_under is not None:
        note(t("report_gate_incomplete", language))
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)
