"""``zjpaoyici report``: the 最多跑一次 share per level, region, department and type."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.case_options import (
    DEFAULT_ENGINE,
    EngineChoice,
    SparkMasterOption,
    run_cases,
)
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
    case_mapping_or_exit,
    chosen,
    deliver,
    lang_of,
    listed,
    locate,
    note,
    progress,
    require_existing,
    stderr_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from zjpaoyici.files.atomic import atomic_write_text
from zjpaoyici.files.gitrev import GitError, revisions_since
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.cases.engines import ENGINES, EngineName, source_of
from zjpaoyici.ops.cases.tally import VolumeShare
from zjpaoyici.ops.standard.compute import standard_of
from zjpaoyici.ops.stats.collect import coverage_of
from zjpaoyici.ops.stats.figures import BASES, UNIT_KINDS
from zjpaoyici.ops.stats.report import GROUP_BYS, RegionCard, Report, build, history, region_cards
from zjpaoyici.render import report_out
from zjpaoyici.render.formats import FILE_ONLY, REGION, REPORT
from zjpaoyici.render.report_html import region_page_name, render_html, render_region_html
from zjpaoyici.render.safe import one_line
from zjpaoyici.rules.cases import Settings
from zjpaoyici.runner.cache import Cache


def case_volume(
    root: Path,
    paths: list[str],
    mapping: Path | None,
    engine: EngineName,
    master: str | None,
    language: Lang,
) -> dict[str, VolumeShare]:
    """The volume share per level from case records, or exit 2 naming the problem."""
    if mapping is None:
        raise usage_error(t("report_cases_needs_mapping", language))
    sources = [source_of(p) for p in paths]
    require_existing([s for s in sources if isinstance(s, Path)], language)
    spec = case_mapping_or_exit(mapping, language)
    return run_cases(root, spec, sources, engine, master, Settings(), language).volume


Format = StrEnum("Format", [(name, name) for name in REPORT])  # type: ignore[misc]
DEFAULT_FORMAT = Format("table")
Unit = StrEnum("Unit", [(name, name) for name in UNIT_KINDS])  # type: ignore[misc]
By = StrEnum("By", [(name, name) for name in GROUP_BYS])  # type: ignore[misc]
BasisChoice = StrEnum("BasisChoice", [(name, name) for name in BASES])  # type: ignore[misc]
DEFAULT_UNIT, DEFAULT_BY, DEFAULT_BASIS = Unit("entry"), By("level"), BasisChoice("mean")


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici report                                  [dim]# per level[/dim]
  zjpaoyici report --by region
  zjpaoyici report --unit main --format markdown
  zjpaoyici report --check                          [dim]# CI: exit 1 below the targets in catalogue.yaml[/dim]
  zjpaoyici report --fail-under 0.8
  zjpaoyici report --format xlsx -o 统计.xlsx         [dim]# the tables as sheets[/dim]
  zjpaoyici report --format html -o report.html      [dim]# one self-contained page[/dim]
  zjpaoyici report --format html -o report/          [dim]# index.html and a page per region[/dim]
  zjpaoyici report --region 330106                  [dim]# one region's card[/dim]
  zjpaoyici report --since v1.0 --format html -o trend.html

Exit codes: 0 · 1 a level below its target · 2 usage error or unreadable input
""",
    """
[bold]示例[/bold]

  zjpaoyici report                                  [dim]# 各层级[/dim]
  zjpaoyici report --by region
  zjpaoyici report --unit main --format markdown
  zjpaoyici report --check                          [dim]# 低于目标时退出码 1[/dim]
  zjpaoyici report --fail-under 0.8
  zjpaoyici report --format xlsx -o 统计.xlsx         [dim]# 各表各占一个工作表[/dim]
  zjpaoyici report --format html -o report.html      [dim]# 单个离线网页[/dim]
  zjpaoyici report --format html -o report/          [dim]# index.html 及每个区划一页[/dim]
  zjpaoyici report --region 330106                  [dim]# 单个区划的情况[/dim]
  zjpaoyici report --since v1.0 --format html -o trend.html

退出码：0 · 1 有层级未达标 · 2 用法错误或无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Report the share of matters that need at most one on-site visit.",
        "统计“最多跑一次”事项比例。",
    ),
)
def report(
    path: Annotated[
        Path | None,
        typer.Argument(help=tr("Catalogue folder (default: the current catalogue).", "目录。")),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = DEFAULT_FORMAT,
    unit: Annotated[
        Unit,
        typer.Option(
            "--unit", help=tr("Count entries, main matters or handling items.", "统计单位。")
        ),
    ] = DEFAULT_UNIT,
    by: Annotated[
        By, typer.Option("--by", help=tr("Breakdown for table, markdown and csv.", "分组方式。"))
    ] = DEFAULT_BY,
    basis: Annotated[
        BasisChoice,
        typer.Option(
            "--basis",
            help=tr("Judge levels by the mean over regions (official) or pooled.", "达标口径。"),
        ),
    ] = DEFAULT_BASIS,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=tr("Exit 1 if a level is below its target in catalogue.yaml.", "按目标检查。"),
        ),
    ] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            min=0.0,
            max=1.0,
            help=tr(
                "Exit 1 if any level is below this share, e.g. 0.8.", "任一层级低于该比例即失败。"
            ),
        ),
    ] = None,
    history_revs: Annotated[
        list[str] | None,
        typer.Option(
            "--history",
            metavar="REVS",
            help=tr(
                "Also show the share at these git revisions: one per flag or comma-separated (--history v1.0,v1.1).",
                "同时统计这些版本（逗号分隔或重复给出）。",
            ),
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=tr(
                "History from this revision to HEAD (commits touching the catalogue).",
                "自该版本起的历史。",
            ),
        ),
    ] = None,
    cases: Annotated[
        list[str] | None,
        typer.Option(
            "--cases",
            metavar="PATH",
            help=tr(
                "Case records (files, folders or URLs; repeatable): add the share of case volume at most one visit, as promised and as handled.",
                "办件数据（文件、文件夹或 URL，可重复）：同时给出按办件量的最多跑一次比例。",
            ),
        ),
    ] = None,
    cases_mapping: Annotated[
        Path | None,
        typer.Option(
            "--cases-mapping",
            help=tr("The case mapping for --cases.", "--cases 的办件映射文件。"),
        ),
    ] = None,
    cases_engine: Annotated[
        EngineChoice,
        typer.Option(
            "--cases-engine",
            help=tr(
                "DuckDB (embedded, default) or Spark (local session or cluster).",
                "计算引擎：duckdb（内嵌，默认）或 spark（本机或集群）。",
            ),
        ),
    ] = DEFAULT_ENGINE,
    spark_master: SparkMasterOption = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="CODE",
            help=tr(
                "One region's card: its figures, matters by agency with visits and reasons, multi-visit matters and standardisation deviations.",
                "单个区划：指标、按部门列出的事项（跑动次数及原因）、多次跑事项和标准化偏离。",
            ),
        ),
    ] = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
    use_cache: CacheOption = True,
    jobs: JobsOption = None,
) -> None:
    """Report the share of matters that need at most one on-site visit."""
    language = lang_of(lang)
    be_quiet(quiet)
    if fmt in FILE_ONLY and output is None:
        raise usage_error(t("explode_xlsx_needs_output", language))
    kind, judged = chosen(unit, UNIT_KINDS), chosen(basis, BASES)
    root = locate(path, directory, sample, language)
    cache = cache_of(use_cache)
    with progress(t("progress_load", language)) as update:
        coverage, cat = coverage_of(root, kind, cache=cache, jobs=jobs, progress=update)
    result = build(
        cat,
        unit=kind,
        basis=judged,
        fail_under=fail_under,
        check=check,
        coverage=coverage,
    )
    if check and fail_under is None and not result.targets:
        note(t("report_no_targets", language))
    if coverage.unread:
        shown = ", ".join(coverage.unread[:5]) + (" …" if len(coverage.unread) > 5 else "")
        note(t("report_incomplete", language, count=len(coverage.unread), files=shown))
    if cases:
        engine = chosen(cases_engine, ENGINES)
        result.cases = case_volume(root, cases, cases_mapping, engine, spark_master, language)
    revs = listed(history_revs)
    try:
        if since is not None:
            revs = revisions_since(since, root) + revs
        if revs:
            with progress(t("progress_history", language)) as update:
                result.history = history(revs, root, kind, judged, cache, update)
    except GitError as exc:
        raise usage_error(t("err_git", language, reason=exc)) from None
    pages = fmt == "html" and output is not None and (output.is_dir() or not output.suffix)
    if region is not None and region not in result.coverage.region_names:
        known = sorted(result.coverage.region_names)
        shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
        raise usage_error(t("report_no_region", language, code=region, known=shown))
    if region is not None or pages:
        folders = [region] if region is not None else [r.key for r in result.rows("region")]
        cards = cards_of(root, result, folders, cache_of(use_cache), jobs, language)
    if pages:
        assert output is not None
        write_pages(output, result, cards, language)
        raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)
    if region is not None:
        rendered = REGION[fmt](cards[0], result, language)
    else:
        rendered = REPORT[fmt](result, chosen(by, GROUP_BYS), language)
    if isinstance(rendered, str):  # a file or a pipe: a failing gate still says which level
        for line in report_out.below_lines(result, language):
            stderr_console().print(Text(one_line(line), style="bold red"), soft_wrap=True)
    deliver(rendered, output)
    if coverage.unread and (check or fail_under is not None):
        # a gate cannot pass or fail on figures that leave files out
        note(t("report_gate_incomplete", language))
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def cards_of(
    root: Path,
    report: Report,
    folders: list[str],
    cache: Cache | None,
    jobs: int | None,
    language: Lang,
) -> list[RegionCard]:
    """The regions' cards, with the deviations ``standard`` finds (its cache serves both)."""
    with progress(t("progress_load", language)) as update:
        standard, _ = standard_of(root, cache=cache, jobs=jobs, progress=update)
    return list(region_cards(root, report, folders, list(standard.deviations)))


def write_pages(folder: Path, report: Report, cards: list[RegionCard], language: Lang) -> None:
    """index.html and one page per region in ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "index.html", render_html(report, language, links=True))
    for card in cards:
        page = render_region_html(card, report, language, "index.html")
        atomic_write_text(folder / region_page_name(card.key), page)
    note(t("wrote_file", language, path=display_path((folder / "index.html").absolute())))
