"""The command-line interface: thin typer commands that parse options, call the core, render.

Exit codes (the same for every command): 0 success / clean, 1 findings or a failed
gate, 2 usage error, unreadable input or a failure of the environment (a folder that does
not exist, permission denied, disk full — named with the path and the OS reason), 3 internal error (a bug: please report it),
130 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys

import typer

from zjpaoyici import __version__
from zjpaoyici.cli import (
    cache_cmd,
    diff_cmd,
    explode_cmd,
    export_cmd,
    fmt_cmd,
    import_cmd,
    init_cmd,
    merge_cmd,
    report_cmd,
    rules_cmd,
    schema_cmd,
    show_cmd,
    validate_cmd,
)
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

# Importing a command module registers its command on ``app``; the help screen lists
# the commands in this order (import beside export), whatever order they are imported in.
COMMAND_MODULES = (
    cache_cmd,
    diff_cmd,
    explode_cmd,
    import_cmd,
    export_cmd,
    fmt_cmd,
    init_cmd,
    merge_cmd,
    report_cmd,
    rules_cmd,
    schema_cmd,
    show_cmd,
    validate_cmd,
)
_HELP_ORDER = {m.__name__: i for i, m in enumerate(COMMAND_MODULES)}
app.registered_commands.sort(key=lambda c: _HELP_ORDER[getattr(c.callback, "__module__", "")])


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
