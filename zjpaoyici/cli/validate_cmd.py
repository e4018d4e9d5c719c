"""``zjpaoyici validate``: check catalogues or files and report every problem at once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.cli.common import (
    CacheOption,
    DirectoryOption,
    IgnoreOption,
    JobsOption,
    LangOption,
    OutputOption,
    QuietOption,
    SampleOption,
    SelectOption,
    app,
    be_quiet,
    cache_of,
    catalogue_root,
    deliver,
    enter_directory,
    lang_of,
    listed,
    note,
    progress,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_OK
from zjpaoyici.files.atomic import atomic_write_text
from zjpaoyici.files.resources import sample_catalogue_dir
from zjpaoyici.i18n import t
from zjpaoyici.ops.suppress import BaselineError, apply_baseline, baseline_document, read_baseline
from zjpaoyici.ops.validate import (
    MAX_PER_RULE,
    combine,
    group_targets,
    validate_catalogue,
    validate_loose_files,
)
from zjpaoyici.render.formats import FINDINGS
from zjpaoyici.rules.registry import FAMILIES, SelectionError
from zjpaoyici.rules.ruleset import REGISTRY

Format = StrEnum("Format", [(name, name) for name in FINDINGS])  # type: ignore[misc]
DEFAULT_FORMAT = Format("text")


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici validate                         [dim]# the catalogue around the working directory[/dim]
  zjpaoyici validate catalog/ --lang en
  zjpaoyici validate implementations/330106/scjg.yaml   [dim]# report one file[/dim]
  zjpaoyici validate --select Q --ignore Q006
  zjpaoyici validate --format github         [dim]# annotations in GitHub Actions[/dim]
  zjpaoyici validate --format sarif -o zjpaoyici.sarif
  zjpaoyici validate --no-cache -j 2          [dim]# recompute every region on 2 processes[/dim]

Exit codes: 0 clean · 1 findings · 2 usage error or unreadable input
""",
    """
[bold]示例[/bold]

  zjpaoyici validate                         [dim]# 当前目录所在的目录[/dim]
  zjpaoyici validate catalog/ --lang en
  zjpaoyici validate implementations/330106/scjg.yaml   [dim]# 只报告一个文件[/dim]
  zjpaoyici validate --select Q --ignore Q006
  zjpaoyici validate --format github         [dim]# annotations in GitHub Actions[/dim]
  zjpaoyici validate --format sarif -o zjpaoyici.sarif
  zjpaoyici validate --no-cache -j 2          [dim]# 不用缓存，两个进程[/dim]

退出码：0 无问题 · 1 有问题 · 2 用法错误或无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Validate catalogues: YAML, structure, codes, references, layers, quality.",
        "校验目录：YAML 语法、文件结构、编码、引用关系与实施要素质量，一次报告全部问题。",
    ),
)
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=tr(
                "Catalogue directories or files (default: the current catalogue).", "目录或文件。"
            )
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = DEFAULT_FORMAT,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
    use_cache: CacheOption = True,
    jobs: JobsOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help=tr(
                "Report only findings not in this baseline (see --write-baseline).",
                "只报告基线中没有的新问题。",
            ),
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            "--write-baseline",
            metavar="FILE",
            help=tr("Record today's findings as the baseline and exit 0.", "把当前问题记为基线。"),
        ),
    ] = None,
    show_suppressed: Annotated[
        bool,
        typer.Option(
            "--show-suppressed",
            help=tr(
                "Also list findings suppressed by a comment or the baseline.",
                "同时列出被忽略的问题。",
            ),
        ),
    ] = False,
    max_per_rule: Annotated[
        int,
        typer.Option(
            "--max-per-rule",
            min=0,
            help=tr(
                "List at most N findings of one rule in one file; the rest are counted in one line (0: list all).",
                "同一文件同一规则最多逐条列出 N 条（0 为全部）。",
            ),
        ),
    ] = MAX_PER_RULE,
) -> None:
    """Validate catalogues: YAML, structure, codes, references, layers, quality."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    targets = [sample_catalogue_dir()] if sample else paths or []
    if sample and paths:
        raise usage_error(t("err_sample_and_path", language, path=paths[0]))
    cache = cache_of(use_cache)
    try:
        if targets:
            catalogues, loose, missing = group_targets(targets)
        else:
            catalogues = {catalogue_root(None, language, offer_sample=True): None}
            loose, missing = [], []
        if missing:
            raise usage_error(
                "\n".join(
                    t("err_not_found" if not p.exists() else "err_no_catalogue", language, path=p)
                    for p in missing
                )
            )
        results = []
        for root, files in catalogues.items():
            with progress(t("progress_load", language)) as update:
                results.append(
                    validate_catalogue(
                        root,
                        select=listed(select),
                        ignore=listed(ignore),
                        only_files=files,
                        progress=update,
                        cache=cache,
                        jobs=jobs,
                        max_per_rule=max_per_rule,
                    )[0]
                )
        if loose:
            results.append(
                validate_loose_files(
                    loose,
                    select=listed(select),
                    ignore=listed(ignore),
                    max_per_rule=max_per_rule,
                )
            )
    except SelectionError as exc:
        raise usage_error(
            t(
                "err_bad_rule_selector",
                language,
                value=exc.value,
                known=" ".join(FAMILIES) + ", " + ", ".join(sorted(REGISTRY)[:3]) + " …",
            )
        ) from None
    result = combine(results)
    if write_baseline is not None:
        atomic_write_text(write_baseline, baseline_document(result.findings))
        note(t("baseline_written", language, path=write_baseline, count=len(result.findings)))
        raise typer.Exit(EXIT_OK)
    if baseline is not None:
        try:
            known = read_baseline(baseline)
        except (OSError, BaselineError) as exc:
            raise usage_error(t("baseline_bad", language, path=baseline, reason=exc)) from None
        result.findings, old = apply_baseline(result.findings, known)
        result.suppressed.extend(old)
        result.baseline = True
    deliver(FINDINGS[fmt](result, language, show_suppressed), output)
    raise typer.Exit(result.exit_code)
