"""The command-line interface: thin typer commands that parse options, call the core, render.

Layer 6 of 6, the top: may import every layer below; one command module never imports
another (what two commands share lives in ``common``).

Exit codes (the same for every command): 0 success / clean, 1 findings or a failed
gate, 2 usage error, unreadable input or a failure of the environment (a folder that does
not exist, permission denied, disk full — named with the path and the OS reason), 3 internal error (a bug: please report it),
130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys

import typer

from zjpaoyici import __version__
from zjpaoyici.cli.common import (
    DirectoryOption,
    LangOption,
    QuietOption,
    app,
    be_quiet,
    enter_directory,
    fail_environment,
    fail_internal,
    lang_from_argv,
    tr,
)
from zjpaoyici.exitcodes import EXIT_INTERNAL, EXIT_USAGE

# The command index: each command's name, the module that defines it (importing the module
# registers the command on ``app``) and its one-line summary for the top-level help. `main` imports only the module of the command being run, so the
# pre-commit call and `--help` start fast; tests/test_help.py checks every summary against
# its command's own help. The order is the order of the help listing.
COMMANDS: dict[str, tuple[str, str]] = {
    "apply": (
        "apply_cmd",
        tr(
            "Apply an edited export workbook back onto the catalogue.",
            "将修改后的导出表格写回目录。",
        ),
    ),
    "cache": (
        "cache_cmd",
        tr(
            "Show or clear the result cache (validate, report, diff).",
            "查看或清空结果缓存（validate、report、diff 共用）。",
        ),
    ),
    "cases": (
        "cases_cmd",
        tr(
            "Set case records against the catalogue's promises.",
            "对照办件数据检查目录承诺。",
        ),
    ),
    "diff": (
        "diff_cmd",
        tr(
            "Compare two catalogues or git revisions in the reform's terms.",
            "比较两个目录或两个 git 版本。",
        ),
    ),
    "explode": (
        "explode_cmd",
        tr("Break the catalogue down into handling items.", "按办理项展开目录。"),
    ),
    "import": (
        "import_cmd",
        tr("Build catalogue files from a spreadsheet or JSON export.", "从表格或 JSON 导入目录。"),
    ),
    "export": (
        "export_cmd",
        tr("Export the resolved catalogue for editing in a spreadsheet.", "导出目录供表格编辑。"),
    ),
    "fmt": (
        "fmt_cmd",
        tr(
            "Format catalogue files canonically, keeping comments.",
            "规范化目录文件格式（保留注释）。",
        ),
    ),
    "init": (
        "init_cmd",
        tr("Create a catalogue repository: files, hooks, CI, editor settings.", "建立目录仓库。"),
    ),
    "merge": (
        "merge_cmd",
        tr("Combine catalogue files or folders keyed by code.", "按编码合并多个目录文件或目录。"),
    ),
    "merge3": (
        "merge_cmd",
        tr(
            "Three-way merge keyed by matter code and field; a git merge driver.",
            "三方结构化合并。",
        ),
    ),
    "report": (
        "report_cmd",
        tr(
            "Report the share of matters that need at most one on-site visit.",
            "统计“最多跑一次”事项比例。",
        ),
    ),
    "rules": ("rules_cmd", tr("List the validation rules.", "列出全部校验规则。")),
    "schema": (
        "schema_cmd",
        tr("Print or write the JSON Schemas of the catalogue files.", "输出或写出 JSON Schema。"),
    ),
    "show": (
        "show_cmd",
        tr(
            "Show a matter with provenance: where each effective value is written.",
            "显示一个事项：基本目录要素，以及各实施区划的生效取值和每个取值的来源（文件:行）。",
        ),
    ),
    "standard": (
        "standard_cmd",
        tr(
            "Compare each matter across the regions implementing it: norm, deviations, index.",
            "同一事项、同一标准：比较各区划实施同一事项的要素，给出常模、偏离和标准化程度。",
        ),
    ),
    "validate": (
        "validate_cmd",
        tr(
            "Validate catalogues: YAML, structure, codes, references, layers, quality.",
            "校验目录：YAML 语法、文件结构、编码、引用关系与实施要素质量，一次报告全部问题。",
        ),
    ),
}
# Root options that take a value (the word after them is not the command).
_VALUE_OPTIONS = ("-C", "--directory", "--lang")


def command_word(argv: list[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not a root option or its
    value), or ``None`` when there is none."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def load_commands(argv: list[str]) -> None:
    """Register what ``argv`` needs: the one command it names; every command when completing
    a shell word; otherwise a summary entry per command (the top-level help and an unknown
    command's error need only the names)."""
    name = command_word(argv)
    if name in COMMANDS:
        importlib.import_module(f"zjpaoyici.cli.{COMMANDS[name][0]}")
    elif any(key.endswith("_COMPLETE") for key in os.environ):
        load_all()
    else:
        registered = {
            info.name or getattr(info.callback, "__name__", "").replace("_", "-")
            for info in app.registered_commands
        }
        for command, (_, summary) in COMMANDS.items():
            if command not in registered:
                app.command(command, short_help=summary)(_listed_only)


def load_all() -> None:
    """Import every command module (shell completion, tests, documentation)."""
    for module, _ in COMMANDS.values():
        importlib.import_module(f"zjpaoyici.cli.{module}")


def _listed_only() -> None:
    """Stands for a command in the top-level listing; never runs (naming a command imports
    the real one)."""
    raise AssertionError("a listed-only command ran")


@app.callback(
    invoke_without_command=True,
    help=tr(
        "zjpaoyici: the toolkit government service catalogues are maintained with — validate,"
        " compare, merge, break down into handling items and report the share of matters that"
        " need at most one visit.",
        "zjpaoyici — 政务服务事项目录工具：校验、比对、合并、颗粒化与“最多跑一次”统计。",
    ),
)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", "-V", help=tr("Show the version and exit.", "显示版本号。")
    ),
    directory: DirectoryOption = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """The command group: global options before the command name."""
    if lang is not None:  # `zjpaoyici --lang zh validate`: the command's default too
        os.environ["ZJPAOYICI_LANG"] = lang.value
    if version:
        typer.echo(f"zjpaoyici {__version__}")
        raise typer.Exit(0)
    enter_directory(directory, lang_from_argv(sys.argv[1:]))
    be_quiet(quiet)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _quiet_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Drop 'Exception ignored' reports after an environmental failure was reported."""


def main() -> None:
    """Console-script entry point: run the app; never show a traceback to the user."""
    if hasattr(signal, "SIGPIPE"):
        # A reader that stops early (``| head``) ends us quietly, as it does other Unix
        # tools (status 141), instead of click's exit 1, which here means "findings".
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        load_commands(sys.argv[1:])
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # no such folder, permission denied, disk full …: not our bug
        if os.environ.get("ZJPAOYICI_DEBUG"):
            raise
        fail_environment(exc, lang_from_argv(sys.argv[1:]))
        # Library objects abandoned by the failure (an xlsx zip stream on a full disk)
        # may fail again when collected; the failure has been reported once.
        sys.unraisablehook = _quiet_unraisable
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a bug: say so briefly, keep the details for debugging
        if os.environ.get("ZJPAOYICI_DEBUG"):
            raise
        fail_internal(exc)
        sys.exit(EXIT_INTERNAL)
