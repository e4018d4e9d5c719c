"""``zjpaoyici init``: scaffold a new catalogue repository."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.catalogue.regions import UnknownProvince
from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    enter_directory,
    lang_of,
    note,
    tr,
    usage_error,
)
from zjpaoyici.exitcodes import EXIT_OK
from zjpaoyici.i18n import t
from zjpaoyici.ops.scaffold import (
    DEFAULT_HOOKS_REV,
    DEFAULT_PIP_SPEC,
    DEFAULT_PROVINCE,
    HOOKS_REPO_PLACEHOLDER,
    ScaffoldOptions,
    default_name,
    existing,
    scaffold_files,
)
from zjpaoyici.ops.scaffold import write_files as write_scaffold

EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici init 浙江目录                  [dim]# a new folder[/dim]
  zjpaoyici init . --name 杭州市政务服务事项目录
  zjpaoyici init 四川目录 --province 510000  [dim]# any province[/dim]
  zjpaoyici init catalogue --hooks-repo https://git.example.org/tools/zjpaoyici.git
  zjpaoyici init 目录 --ci gitlab            [dim]# .gitlab-ci.yml instead of GitHub Actions[/dim]
  zjpaoyici init 目录 --ci gitee             [dim]# a Gitee Go pipeline in .workflow/[/dim]

Writes: catalogue.yaml, regions.yaml (the province's regions from GB/T 2260),
basic/ implementations/ bundles/, schemas/, .pre-commit-config.yaml, .gitattributes
(merge driver), .editorconfig, .vscode/ (schemas for the editor),
.github/workflows/catalogue.yml, .gitlab-ci.yml or .workflow/catalogue.yml (CI), README.md.
Existing files are never overwritten.

Exit codes: 0 created · 2 a file exists already / usage error

""",
    """
[bold]示例[/bold]

  zjpaoyici init 浙江目录                  [dim]# 新文件夹[/dim]
  zjpaoyici init . --name 杭州市政务服务事项目录
  zjpaoyici init 四川目录 --province 510000  [dim]# 任一省份[/dim]
  zjpaoyici init catalogue --hooks-repo https://git.example.org/tools/zjpaoyici.git
  zjpaoyici init 目录 --ci gitlab            [dim]# 写 .gitlab-ci.yml，不写 GitHub Actions[/dim]
  zjpaoyici init 目录 --ci gitee             [dim]# 写 Gitee Go 流水线 .workflow/catalogue.yml[/dim]

写入：catalogue.yaml、regions.yaml（GB/T 2260 本省区划）、basic/ implementations/ bundles/、
schemas/、.pre-commit-config.yaml、.gitattributes（合并驱动）、.editorconfig、
.vscode/（编辑器的 schema 提示）、.github/workflows/catalogue.yml、.gitlab-ci.yml 或
.workflow/catalogue.yml（CI）、README.md。
不覆盖已有文件。

退出码：0 已建立 · 2 文件已存在或用法错误

""",
)


class CiChoice(StrEnum):
    github = "github"
    gitlab = "gitlab"
    gitee = "gitee"


@app.command(
    epilog=EXAMPLES,
    help=tr("Create a catalogue repository: files, hooks, CI, editor settings.", "建立目录仓库。"),
)
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            help=tr("Folder for the new repository (created if missing).", "新仓库的文件夹。")
        ),
    ] = Path("."),
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=tr(
                "The catalogue's name in catalogue.yaml (default: the province's name followed by the word for service catalogue).",
                "目录名称。",
            ),
        ),
    ] = None,
    province: Annotated[
        str,
        typer.Option(
            "--province",
            help=tr(
                "GB/T 2260 code of the province, e.g. 510000; regions.yaml is written from the shipped table of all of China.",
                "省级区划代码。",
            ),
        ),
    ] = DEFAULT_PROVINCE,
    hooks_repo: Annotated[
        str,
        typer.Option(
            "--hooks-repo",
            help=tr(
                "Git URL of the zjpaoyici repository for pre-commit (default: a placeholder).",
                "pre-commit 钩子所在的 zjpaoyici 仓库地址。",
            ),
        ),
    ] = HOOKS_REPO_PLACEHOLDER,
    hooks_rev: Annotated[
        str,
        typer.Option(
            "--hooks-rev", help=tr("Tag or commit of that repository.", "该仓库的版本标签或提交。")
        ),
    ] = DEFAULT_HOOKS_REV,
    pip_spec: Annotated[
        str,
        typer.Option(
            "--pip-spec",
            help=tr(
                "What CI installs with pip, e.g. zjpaoyici==0.1.0.", "CI 用 pip 安装的 zjpaoyici。"
            ),
        ),
    ] = DEFAULT_PIP_SPEC,
    ci: Annotated[
        CiChoice,
        typer.Option(
            "--ci",
            help=tr(
                "Pipeline file to write: GitHub Actions, GitLab CI or Gitee Go.",
                "生成哪种 CI 的流水线文件。",
            ),
        ),
    ] = CiChoice.github,
    workdir: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Create a catalogue repository: files, hooks, CI, editor settings."""
    language = lang_of(lang)
    be_quiet(quiet)
    enter_directory(workdir, language)
    shown = display_path(directory.absolute())
    if directory.exists() and not directory.is_dir():
        raise usage_error(t("import_output_not_dir", language, path=shown))
    try:
        name = name if name is not None else default_name(province)
    except UnknownProvince:
        raise usage_error(t("init_unknown_province", language, code=province)) from None
    options = ScaffoldOptions(
        name=name,
        hooks_repo=hooks_repo,
        hooks_rev=hooks_rev,
        pip_spec=pip_spec,
        province=province,
        ci=ci.value,
    )
    files = scaffold_files(options)
    clashes = existing(directory, files)
    if clashes:
        lines = [t("init_exists", language, path=shown)]
        lines += [f"  {display_path(p.absolute())}" for p in clashes]
        raise usage_error("\n".join(lines))
    written = write_scaffold(directory, files)
    note(t("init_done", language, path=shown, count=len(written)), style="bold")
    if hooks_repo == HOOKS_REPO_PLACEHOLDER:
        note(t("init_placeholder", language), style="yellow")
    note(t("init_next", language, path=shown), style="")
    raise typer.Exit(EXIT_OK)
