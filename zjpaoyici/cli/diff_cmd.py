"""``zjpaoyici diff``: what a change does to citizens, as a report and as a CI gate."""

from __future__ import annotations

from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zjpaoyici.catalogue.fields import COMPARED
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.cli.common import (
    CacheOption,
    DirectoryOption,
    JobsOption,
    LangOption,
    OutputOption,
    QuietOption,
    app,
    be_quiet,
    cache_of,
    catalogue_root,
    chosen,
    deliver,
    enter_directory,
    lang_of,
    listed,
    progress,
    require_existing,
    stderr_console,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_FINDINGS, EXIT_OK
from zjpaoyici.files.gitrev import GitError, catalogue_at
from zjpaoyici.files.reader import read_document
from zjpaoyici.i18n import Lang, t
from zjpaoyici.ops.diff import (
    CLASSES,
    Accept,
    ChangeClass,
    FailOn,
    UnreadableFiles,
    accepts_of,
    diff_roots,
)
from zjpaoyici.render.formats import DIFF
from zjpaoyici.render.safe import one_line
from zjpaoyici.rules.ruleset import message_of

Format = StrEnum("Format", [(name, name) for name in DIFF])  # type: ignore[misc]
DEFAULT_FORMAT = Format("text")


class FailChoice(StrEnum):
    regression = "regression"
    removal = "removal"
    any = "any"


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici diff old-catalog/ catalog/
  zjpaoyici diff --base origin/main                      [dim]# the working tree against a revision[/dim]
  zjpaoyici diff --base HEAD~1 --head HEAD --format markdown -o comment.md
  zjpaoyici diff --base origin/main --fail-on regression --accept accepted.yaml

Accept file (intended regressions):

  accept:
    - {code: "许可-00802-001", region: "330106", field: visits, reason: 需现场核查食品安全}

Exit codes: 0 no failing change · 1 --fail-on matched · 2 usage error or unreadable input
""",
    """
[bold]示例[/bold]

  zjpaoyici diff old-catalog/ catalog/
  zjpaoyici diff --base origin/main                      [dim]# 工作区对比修订版本[/dim]
  zjpaoyici diff --base HEAD~1 --head HEAD --format markdown -o comment.md
  zjpaoyici diff --base origin/main --fail-on regression --accept accepted.yaml

接受清单（有意的退步）：

  accept:
    - {code: "许可-00802-001", region: "330106", field: visits, reason: 需现场核查食品安全}

退出码：0 无不可接受的变更 · 1 有 --fail-on 所指的变更 · 2 用法错误或无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Compare two catalogues or git revisions in the reform's terms.",
        "比较两个目录或两个 git 版本。",
    ),
)
def diff(
    old: Annotated[
        Path | None, typer.Argument(help=tr("The catalogue before.", "变更前的目录。"))
    ] = None,
    new: Annotated[
        Path | None, typer.Argument(help=tr("The catalogue after.", "变更后的目录。"))
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base", help=tr("Compare against this git revision.", "对比的 git 修订版本。")
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help=tr(
                "Git revision to compare (default: working tree).",
                "比较的修订版本（缺省为工作区）。",
            ),
        ),
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            "-c",
            help=tr("Catalogue folder in the repository (with --base).", "仓库中的目录位置。"),
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = DEFAULT_FORMAT,
    fail_on: Annotated[
        FailChoice | None,
        typer.Option(
            "--fail-on",
            help=tr("Exit 1 on: regression, removal or any change.", "遇到何种变更时退出码为 1。"),
        ),
    ] = None,
    accept: Annotated[
        Path | None,
        typer.Option(
            "--accept", help=tr("YAML list of intended regressions with reasons.", "接受清单。")
        ),
    ] = None,
    classes: Annotated[
        list[str] | None,
        typer.Option(
            "--class",
            help=tr("Override a field's class, e.g. annual_cases=neutral.", "调整字段的变更类别。"),
        ),
    ] = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
    use_cache: CacheOption = True,
    jobs: JobsOption = None,
) -> None:
    """Compare two catalogues or git revisions in the reform's terms."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(directory, language)
    overrides = _overrides(listed(classes), language)
    accepts = _accepts(accept, language)
    with ExitStack() as stack:
        if base is not None:
            if old is not None or new is not None:
                raise usage_error(t("diff_paths_or_revs", language))
            root = catalogue_root(catalogue, language)
            try:
                old_root, old_label = stack.enter_context(catalogue_at(base, root))
                if head is not None:
                    new_root, new_label = stack.enter_context(catalogue_at(head, root))
                else:
                    new_root, new_label = root, display_path
            except GitError as exc:
                raise usage_error(t("err_git", language, reason=exc)) from None
            old_name, new_name = base, head or t("diff_working_tree", language)
        else:
            if old is None or new is None:
                raise usage_error(t("diff_need_two", language))
            require_existing([old, new], language)
            old_root, new_root = (catalogue_root(p, language) for p in (old, new))
            old_label = new_label = display_path
            old_name, new_name = display_path(old.absolute()), display_path(new.absolute())
        with progress(t("progress_load", language)) as update:
            try:
                result = diff_roots(
                    old_root,
                    new_root,
                    overrides=overrides,
                    accepts=accepts,
                    old_label=old_label,
                    new_label=new_label,
                    cache=cache_of(use_cache),
                    jobs=jobs,
                    progress=update,
                )
            except UnreadableFiles as exc:
                err = stderr_console()
                for finding in exc.findings:
                    line = f"{finding.loc}: {finding.rule} {message_of(finding, language)}"
                    err.print(Text(one_line(line), style="red"))
                raise usage_error(t("diff_unreadable", language)) from None
    code = EXIT_FINDINGS if result.fails(_FAIL_ON[fail_on] if fail_on else None) else EXIT_OK
    rendered = DIFF[fmt](result, language, old_name, new_name, code)
    deliver(rendered, None if callable(rendered) else output)  # text: always the terminal
    raise typer.Exit(code)


_FAIL_ON: dict[FailChoice, FailOn] = {
    FailChoice.regression: "regression",
    FailChoice.removal: "removal",
    FailChoice.any: "any",
}


def _overrides(values: list[str], lang: Lang) -> dict[str, ChangeClass]:
    out: dict[str, ChangeClass] = {}
    for value in values:
        field, _, cls = value.partition("=")
        if field not in COMPARED:
            choices = "|".join(COMPARED)
            raise usage_error(
                t("err_bad_option", lang, option="--class", value=field, choices=choices)
            )
        if cls not in CLASSES:
            choices = "FIELD=" + "|".join(CLASSES)
            raise usage_error(
                t("err_bad_option", lang, option="--class", value=value, choices=choices)
            )
        out[field] = chosen(cls, CLASSES)
    return out


def _accepts(path: Path | None, lang: Lang) -> list[Accept]:
    if path is None:
        return []
    require_existing([path], lang)
    doc, findings = read_document(path, display_path(path.absolute()))
    if doc is None or findings:
        lines = [one_line(f"{f.loc}: {f.rule} {message_of(f, lang)}") for f in findings]
        raise usage_error("\n".join(lines) or str(path))
    accepts, problems = accepts_of(doc)
    if problems:
        lines = [one_line(f"{loc}: {t(key, lang, **params)}") for loc, key, params in problems]
        raise usage_error("\n".join(lines))
    return accepts
