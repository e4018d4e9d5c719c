"""``zjpaoyici cases``: case records (办件) against the catalogue's promises."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.catalogue.paths import find_root
from zjpaoyici.cli.case_options import (
    DEFAULT_ENGINE,
    EngineChoice,
    SparkMasterOption,
    run_cases,
)
from zjpaoyici.cli.common import (
    DirectoryOption,
    IgnoreOption,
    LangOption,
    OutputOption,
    QuietOption,
    SampleOption,
    SelectOption,
    app,
    be_quiet,
    case_mapping_or_exit,
    chosen,
    deliver,
    lang_of,
    listed,
    locate,
    note,
    require_existing,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK
from zjpaoyici.files.atomic import atomic_write_text
from zjpaoyici.i18n import t
from zjpaoyici.ops.cases.annual import annual_changes
from zjpaoyici.ops.cases.engines import ENGINES, source_of
from zjpaoyici.ops.cases.figures import GROUPS
from zjpaoyici.ops.validate import Result
from zjpaoyici.render.cases_text import annual_diff
from zjpaoyici.render.formats import CASES, FILE_ONLY, TABLES
from zjpaoyici.render.table_out import TableData
from zjpaoyici.rules.registry import FAMILIES, SelectionError
from zjpaoyici.rules.ruleset import REGISTRY, selected_rules

Format = StrEnum("Format", [(name, name) for name in CASES])  # type: ignore[misc]
By = StrEnum("By", [(name, name) for name in GROUPS])  # type: ignore[misc]
DEFAULT_FORMAT, DEFAULT_BY = Format("text"), By("level")

EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici cases records/ --mapping cases-mapping.yaml        [dim]# folder of files, one per month[/dim]
  zjpaoyici cases 2025.parquet catalog/ -m map.yaml --by region
  zjpaoyici cases records/ -m map.yaml --format json -o cases.json
  zjpaoyici cases records/ -m map.yaml --format xlsx -o cases.xlsx      [dim]# one row per matter[/dim]
  zjpaoyici cases records/ -m map.yaml --engine spark --spark-master spark://host:7077

Exit codes: 0 · 1 a promise the records break (K findings) · 2 usage error or unreadable input
""",
    """
[bold]示例[/bold]

  zjpaoyici cases records/ --mapping cases-mapping.yaml        [dim]# 一个文件夹，每月一个文件[/dim]
  zjpaoyici cases 2025.parquet catalog/ -m map.yaml --by region
  zjpaoyici cases records/ -m map.yaml --format json -o cases.json
  zjpaoyici cases records/ -m map.yaml --format xlsx -o cases.xlsx      [dim]# 每个事项一行[/dim]
  zjpaoyici cases records/ -m map.yaml --engine spark --spark-master spark://host:7077

退出码：0 · 1 办件与承诺不符（K 族问题） · 2 用法错误或无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Set case records against the catalogue's promises.",
        "对照办件数据检查目录承诺。",
    ),
)
def cases(
    paths: Annotated[
        list[str],
        typer.Argument(
            help=tr(
                "Case record files or folders (CSV, JSON Lines, Parquet), or URLs the engine reads (s3a://…, hdfs://…); a last folder holding catalogue.yaml is the catalogue.",
                "办件数据文件或文件夹，或由引擎直接读取的 URL（如集群存储上的地址）；最后一个含 catalogue.yaml 的文件夹是目录。",
            ),
        ),
    ],
    mapping: Annotated[
        Path,
        typer.Option(
            "--mapping",
            "-m",
            help=tr(
                "The case mapping file (column → case field).", "办件映射文件（列 → 办件字段）。"
            ),
        ),
    ],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = DEFAULT_FORMAT,
    by: Annotated[
        By,
        typer.Option(
            "--by", help=tr("Group the figures by level, region, department or type.", "分组方式。")
        ),
    ] = DEFAULT_BY,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine",
            help=tr(
                "DuckDB (embedded, default) or Spark (local session or cluster).",
                "计算引擎：duckdb（内嵌，默认）或 spark（本机或集群）。",
            ),
        ),
    ] = DEFAULT_ENGINE,
    spark_master: SparkMasterOption = None,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance",
            min=0.0,
            max=1.0,
            help=tr(
                "K001: share of cases with two or more visits allowed where at most one is promised.",
                "K001：承诺最多跑一次的事项允许的多次到现场办件比例。",
            ),
        ),
    ] = 0.05,
    min_cases: Annotated[
        int,
        typer.Option(
            "--min-cases",
            min=1,
            help=tr(
                "K001–K003 judge only matters with at least this many cases.",
                "K001–K003 只判断办件数不少于此数的事项。",
            ),
        ),
    ] = 20,
    write_annual: Annotated[
        bool,
        typer.Option(
            "--write-annual",
            help=tr(
                "Set each entry's annual_cases to its cases in the records (one year): show the diff; write with --yes.",
                "把各条目的 annual_cases 改为办件数据中的办件量（按一年计）：先显示差异，加 --yes 才写入。",
            ),
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help=tr(
                "With --write-annual: write the files.", "与 --write-annual 一起使用：写入文件。"
            ),
        ),
    ] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """Set case records against the catalogue's promises."""
    from zjpaoyici.rules.cases import Settings

    language = lang_of(lang)
    be_quiet(quiet)
    catalogue: Path | None = None
    sources = [source_of(p) for p in paths]
    final = sources[-1]
    if len(sources) > 1 and isinstance(final, Path) and find_root(final) == final.resolve():
        catalogue, sources = final, sources[:-1]
    root = locate(catalogue, directory, sample, language)
    require_existing([*(s for s in sources if isinstance(s, Path)), mapping], language)
    if fmt in FILE_ONLY and output is None:
        raise usage_error(t("explode_xlsx_needs_output", language))
    try:
        enabled = selected_rules(listed(select), listed(ignore))
    except SelectionError as exc:
        known = " ".join(FAMILIES) + ", " + ", ".join(sorted(REGISTRY)[:3]) + " …"
        raise usage_error(
            t("err_bad_rule_selector", language, value=exc.value, known=known)
        ) from None
    spec = case_mapping_or_exit(mapping, language)
    name = chosen(engine, ENGINES)
    analysis = run_cases(
        root, spec, sources, name, spark_master, Settings(tolerance, min_cases), language
    )
    if write_annual:
        if analysis.period is None:
            raise usage_error(t("cases_annual_no_period", language))
        first, last = analysis.period
        days = (last - first).days + 1
        span = {"first": first.isoformat(), "last": last.isoformat(), "days": days}
        if days > 366:  # annual_cases would count more than a year: refuse, never pretend
            raise usage_error(t("cases_annual_not_a_year", language, **span))
        note(t("cases_annual_period", language, **span))
        changes = annual_changes(analysis)
        deliver(annual_diff(changes), output)
        if yes:
            for change in changes:
                atomic_write_text(change.path, change.after)
        entries = sum(c.entries for c in changes)
        key = "cases_annual_written" if yes else "cases_annual_preview"
        note(t(key, language, entries=entries, files=len(changes)))
        raise typer.Exit(EXIT_OK)
    findings = sorted(
        (f for f in analysis.findings if f.rule in enabled),
        key=lambda f: (f.loc.file, f.loc.line, f.loc.col, f.rule),
    )
    result = Result(
        analysis.name,
        [(f, REGISTRY[f.rule].severity) for f in findings],
        files=analysis.files,
        matters=len(analysis.matched),
        entries=len(analysis.matched),
    )
    rendered = CASES[fmt](analysis, result, chosen(by, GROUPS), language)
    if isinstance(rendered, TableData):
        TABLES[fmt](rendered, output)
    else:
        deliver(rendered, output)
    raise typer.Exit(EXIT_FINDINGS if result.exit_code else EXIT_OK)
