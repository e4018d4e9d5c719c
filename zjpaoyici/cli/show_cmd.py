"""``zjpaoyici show``: one matter's basic fields and, per region, every value with its origin."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    OutputOption,
    QuietOption,
    SampleOption,
    app,
    be_quiet,
    deliver,
    lang_of,
    load_shown,
    locate,
    tr,
    usage_error,
)
from zjpaoyici.i18n import t
from zjpaoyici.ops.show import UnknownCode, build, build_bundle, find_bundle, known_region
from zjpaoyici.render.formats import SHOW

Format = StrEnum("Format", [(name, name) for name in SHOW])  # type: ignore[misc]
DEFAULT_FORMAT = Format("text")


EXAMPLES = tr(
    """
[bold]Examples[/bold]

  zjpaoyici show 许可-00802-003                  [dim]# every region that implements it[/dim]
  zjpaoyici show 许可-00802-003 --region 330106  [dim]# one region[/dim]
  zjpaoyici show 许可-00802-003 --format json    [dim]# with file, line, column[/dim]
  zjpaoyici show 许可-00802-003 --catalogue path/to/catalog
  zjpaoyici show YJS-GR-001                      [dim]# a bundle: members per region[/dim]
  zjpaoyici show 食品生产许可                    [dim]# by name[/dim]

Exit codes: 0 shown · 2 unknown code or region, unreadable catalogue
""",
    """
[bold]示例[/bold]

  zjpaoyici show 许可-00802-003                  [dim]# 所有实施区划[/dim]
  zjpaoyici show 许可-00802-003 --region 330106  [dim]# 只看一个区划[/dim]
  zjpaoyici show 许可-00802-003 --format json    [dim]# 含文件、行、列[/dim]
  zjpaoyici show 许可-00802-003 --catalogue path/to/catalog
  zjpaoyici show YJS-GR-001                      [dim]# 一件事及各区划成员[/dim]
  zjpaoyici show 食品生产许可                    [dim]# 按事项名称[/dim]

退出码：0 已显示 · 2 编码或区划不存在、目录无法读取
""",
)


@app.command(
    epilog=EXAMPLES,
    help=tr(
        "Show a matter with provenance: where each effective value is written.",
        "显示一个事项：基本目录要素，以及各实施区划的生效取值和每个取值的来源（文件:行）。",
    ),
)
def show(
    code: Annotated[
        str,
        typer.Argument(
            help=tr(
                "Matter code, implementation code, matter name, or a one-thing bundle code.",
                "事项编码、实施编码、事项名称或一件事编码。",
            )
        ),
    ],
    path: Annotated[
        Path | None,
        typer.Argument(help=tr("Catalogue folder (default: the current catalogue).", "目录。")),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region", "-r", help=tr("Only this region (6-digit code).", "只显示该区划。")
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=tr("Output format.", "输出格式。"))
    ] = DEFAULT_FORMAT,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            "-c",
            help=tr(
                "Catalogue directory (default: the one around the working directory).", "目录。"
            ),
        ),
    ] = None,
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    sample: SampleOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """Show a matter with provenance: where each effective value is written."""
    language = lang_of(lang)
    be_quiet(quiet)
    if path is not None and catalogue is not None:
        raise usage_error(t("err_two_catalogues", language, a=path, b=catalogue))
    root = locate(path or catalogue, directory, sample, language)
    cat = load_shown(root, language)
    if region is not None and not known_region(cat, region):
        raise usage_error(t("show_unknown_region", language, region=region))
    bundle = find_bundle(cat, code)
    try:
        data = build(cat, code, region) if bundle is None else build_bundle(cat, bundle, region)
    except UnknownCode as exc:
        message = t("show_unknown_code", language, code=exc.code)
        if exc.suggestions:
            codes = t("list_sep", language).join(exc.suggestions)
            message += " " + t("show_did_you_mean", language, codes=codes)
        raise usage_error(message) from None
    rendered = SHOW[fmt](data, language, region)
    deliver(rendered, None if callable(rendered) else output)  # text: always the terminal
    raise typer.Exit(0)
