"""Shared pieces of the CLI: the app, common options, catalogue lookup, output."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from zjpaoyici.catalogue.paths import display_path, find_root
from zjpaoyici.exitcodes import EXIT_USAGE
from zjpaoyici.files.atomic import WriteFailure, atomic_write_text
from zjpaoyici.files.resources import sample_catalogue_dir
from zjpaoyici.i18n import LANGS, Lang, default_lang, os_reason, t
from zjpaoyici.render.safe import visible

# Loaded on use: `zjpaoyici --help` imports neither the model, the operations nor the
# renderers (tests/test_help.py checks it).
if TYPE_CHECKING:
    from zjpaoyici.catalogue.model import Catalogue
    from zjpaoyici.catalogue.paths import Plan
    from zjpaoyici.findings import Finding
    from zjpaoyici.ops.cases.mapping import CaseMapping
    from zjpaoyici.ops.tabular.mapping import MappingSpec
    from zjpaoyici.render.formats import Rendered
    from zjpaoyici.runner.cache import Cache

T = TypeVar("T", bound=str)
M = TypeVar("M")


def chosen(value: str, values: tuple[T, ...]) -> T:
    """The typed value an option's choice (an enum member, equal to its value) stands for."""
    return values[values.index(value)]


def lang_from_argv(argv: list[str]) -> Lang:
    """The ``--lang`` a command line asks for, else the locale's (for help text, chosen
    before typer parses the options, and for an error that ends the run)."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGS:
            return chosen(value, LANGS)
    return default_lang()


# Help text is chosen once, when the commands are defined: in the language the command
# line or the locale asks for, never both on one line.
HELP_LANG: Lang = lang_from_argv(sys.argv[1:])


def tr(en: str, zh: str) -> str:
    """The help text in :data:`HELP_LANG`."""
    return {"zh": zh, "en": en}[HELP_LANG]


# typer's own words in the help screens (panel titles, defaults, its built-in options'
# help) in each help language; English keeps typer's. Each line: not a message of ours.
_TYPER_WORDS: dict[Lang, tuple[dict[str, str], dict[str, str]]] = {
    "zh": (
        {
            "ARGUMENTS_PANEL_TITLE": "参数",  # Arguments; not a message
            "OPTIONS_PANEL_TITLE": "选项",  # Options; not a message
            "COMMANDS_PANEL_TITLE": "命令",  # Commands; not a message
            "DEFAULT_STRING": "[默认：{}]",  # [default: {}]; not a message
            "REQUIRED_LONG_STRING": "[必填]",  # [required]; not a message
            "ERRORS_PANEL_TITLE": "错误",  # Error; not a message
        },
        {
            "Show this message and exit.": "显示本帮助并退出。",  # not a message
            "Install completion for the current shell.": "为当前 shell 安装命令补全。",
            "Show completion for the current shell, to copy it or customize the installation.": (
                "显示当前 shell 的补全脚本，可复制或自行安装。"  # not a message
            ),
        },
    ),
}


def _help_labels() -> None:
    """typer's own words in the help screens in :data:`HELP_LANG`."""
    if HELP_LANG not in _TYPER_WORDS:
        return
    titles, words = _TYPER_WORDS[HELP_LANG]
    from typer import rich_utils

    for name, text in titles.items():
        setattr(rich_utils, name, text)
    original = getattr(rich_utils, "_get_parameter_help", None)
    if original is None:  # another typer: its built-in options keep their English help
        return

    def parameter_help(*, param: Any, **kwargs: Any) -> Any:
        if getattr(param, "help", None) in words:
            param.help = words[param.help]
        return original(param=param, **kwargs)

    rich_utils._get_parameter_help = parameter_help


_help_labels()


def _flags_show_no_type() -> None:
    """typer's rich help prints ``<bool>`` after every flag (``--check <bool>``), as if it
    took a value; a flag shows no type, as in click's and argparse's help."""
    from typer.core import TyperOption

    original = TyperOption.display_type_rich
    if getattr(original, "_zjpaoyici", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and self.metavar is None:
            return None
        return original(self, ctx)

    display_type_rich._zjpaoyici = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_show_no_type()

app = typer.Typer(
    name="zjpaoyici",
    no_args_is_help=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


LangChoice = StrEnum("LangChoice", [(lang, lang) for lang in LANGS])  # type: ignore[misc]


LangOption = Annotated[
    LangChoice | None,
    typer.Option(
        "--lang",
        help=tr("Message language (default: from the locale).", "提示语言：zh 中文 / en 英文。"),
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="IDS",
        help=tr(
            "Only these rule ids or prefixes, comma-separated or repeated (e.g. Q,C008 --select L).",
            "只启用这些规则（逗号分隔或重复给出）。",
        ),
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="IDS",
        help=tr(
            "Skip these rule ids or prefixes, comma-separated or repeated (e.g. Q006,C009).",
            "忽略这些规则（逗号分隔或重复给出）。",
        ),
    ),
]


def listed(values: list[str] | None) -> list[str]:
    """A list option's values: each flag may carry several, comma-separated
    (``--select Q,C008 --select L`` is ``["Q", "C008", "L"]``)."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help=tr(
            "Reuse results of unchanged regions (cache in $ZJPAOYICI_CACHE_DIR or ~/.cache/zjpaoyici).",
            "复用未改动区划的结果。",
        ),
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help=tr("Worker processes (default: $ZJPAOYICI_JOBS or the CPU count).", "并行进程数。"),
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=tr("Write to this file (atomically) instead of standard output.", "输出到文件。"),
    ),
]


def lang_of(option: LangChoice | None) -> Lang:
    return default_lang() if option is None else chosen(option, LANGS)


def stdout_console() -> Console:
    """Standard output; when it is not a terminal (CI logs, files), tables get room."""
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, soft_wrap=True, width=width)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def note(message: str, style: str = "dim") -> None:
    """A remark on standard error (keeps standard output machine-readable): what was done,
    a summary, a hint; nothing under ``-q``, which leaves only errors."""
    if _QUIET:
        return
    stderr_console().print(Text(visible(message), style=style), soft_wrap=True)


def usage_error(message: str) -> typer.Exit:
    """Print ``message`` on standard error and return the exit for a usage problem."""
    stderr_console().print(Text(visible(message), style="bold red"), soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def require_existing(paths: list[Path], lang: Lang) -> None:
    """Stop with exit 2 naming every path that does not exist."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise usage_error("\n".join(t("err_not_found", lang, path=p) for p in missing))


DirectoryOption = Annotated[
    Path | None,
    typer.Option(
        "-C",
        "--directory",
        metavar="DIR",
        help=tr("Run as if started in DIR (like git -C and make -C).", "在该文件夹中运行。"),
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help=tr(
            "Print nothing but errors; the exit code tells the result.",
            "只输出错误，以退出码表示结果。",
        ),
    ),
]
SampleOption = Annotated[
    bool,
    typer.Option(
        "--sample",
        help=tr("Use the sample catalogue shipped with zjpaoyici.", "使用内置示例目录。"),
    ),
]


def enter_directory(directory: Path | None, lang: Lang) -> None:
    """``-C DIR``: work from ``directory`` for the rest of the process, as git and make do."""
    if directory is None:
        return
    try:
        os.chdir(directory)
    except OSError as exc:
        reason = os_reason(exc, lang)
        raise usage_error(t("err_directory", lang, path=directory, reason=reason)) from None


_QUIET = False


def be_quiet(quiet: bool) -> None:
    """``-q``: from here on, standard output and remarks are dropped (errors still go to
    standard error, files named with ``-o`` are still written)."""
    global _QUIET
    if quiet and not _QUIET:
        _QUIET = True
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - until exit


def locate(path: Path | None, directory: Path | None, sample: bool, lang: Lang) -> Path:
    """The catalogue a command works on, found the same way by every command: ``-C DIR``
    first moves there; then ``--sample``, the positional ``path``, or the nearest
    ``catalogue.yaml`` at or above the working directory. Nothing found: exit 2 naming
    where it looked (the bundled sample is used only when asked for)."""
    enter_directory(directory, lang)
    if sample:
        if path is not None:
            raise usage_error(t("err_sample_and_path", lang, path=path))
        return sample_catalogue_dir()
    return catalogue_root(path, lang, offer_sample=True)


def catalogue_root(path: Path | None, lang: Lang, *, offer_sample: bool = False) -> Path:
    """The catalogue to work on: ``path``, or the nearest one at or above the working
    directory. None found: exit 2 naming the folder searched and any catalogue one level
    down (and ``--sample`` where the command has it)."""
    if path is not None:
        if not path.exists():
            raise usage_error(t("err_not_found", lang, path=path))
        root = find_root(path)
        if root is None:
            raise usage_error(t("err_no_catalogue", lang, path=path))
        return root
    root = find_root(Path.cwd())
    if root is not None:
        return root
    below = sorted(p.parent.name for p in Path.cwd().glob("*/catalogue.yaml"))
    key = "err_no_catalogue_here" if offer_sample else "err_no_catalogue_here_nosample"
    raise usage_error(t(key, lang, cwd=Path.cwd(), found=", ".join(below) or "—"))


ProgressCallback = Callable[[int, int | None], None]


def stderr_is_terminal() -> bool:
    """Whether standard error is an interactive terminal (not a pipe, file or CI log)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def _quiet(done: int, total: int | None = None) -> None:
    """The progress callback when nobody is watching: does nothing."""


@contextmanager
def progress(label: str, console: Console | None = None) -> Iterator[ProgressCallback]:
    """A progress bar for long work, on standard error, only when it is a terminal.

    Yields ``update(done, total)`` (``total`` may be ``None`` while unknown); when standard
    error is piped or captured (CI logs, files, tests) it is a no-op, so output stays clean.
    ``console`` (for tests) is shown whenever it is a terminal.
    """
    if console is None:
        if not stderr_is_terminal():
            yield _quiet
            return
        console = stderr_console()
    if not console.is_terminal:
        yield _quiet
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(visible(label), total=None)

        def update(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def cache_of(enabled: bool) -> Cache | None:
    """The result cache a command uses, or ``None`` with ``--no-cache``."""
    from zjpaoyici.runner.cache import Cache, default_dir

    if not enabled:
        return None
    cache = Cache(default_dir())
    cache.sweep()
    return cache


def load_context(root: Path) -> tuple[Catalogue, Plan]:
    """The catalogue-wide context at ``root`` and its file plan, for a bulk output that
    then reads the regions one at a time (``regions_in_turn``)."""
    from zjpaoyici.catalogue.load import load_global
    from zjpaoyici.catalogue.paths import plan_files

    plan = plan_files(root)
    return load_global(root, plan), plan


def note_reading_problems(findings: list[Finding], lang: Lang) -> None:
    """One note for the files a bulk output could not read (their rows are missing)."""
    files = {f.loc.file for f in findings}
    if files:
        note(t("explode_load_problems", lang, count=len(files)))


def load_shown(root: Path, lang: Lang, label: Callable[[Path], str] = display_path) -> Catalogue:
    """Load the catalogue at ``root`` with a progress bar on a terminal."""
    from zjpaoyici.catalogue.load import load_catalogue

    with progress(t("progress_load", lang)) as update:
        return load_catalogue(root, progress=update, label=label)


def emit(text: str, output: Path | None) -> None:
    """Write a rendered document to ``output`` atomically, or to standard output.

    A file name that is not valid UTF-8 reaches Python as lone surrogates; they are
    written as ``\\udcff`` escapes (a JSON string reads them back unchanged), so the
    output is always valid UTF-8 and never a crash, whatever the stream's error mode.
    """
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(output, text)
        note(t("wrote_file", lang_from_argv(sys.argv[1:]), path=display_path(output.absolute())))


def print_to(output: Path | None, render: Callable[[Console], None]) -> None:
    """A rich rendering to the terminal, or as plain text into ``output`` (``-o``)."""
    if output is None:
        render(stdout_console())
        return
    buffer = io.StringIO()
    render(Console(file=buffer, width=160, no_color=True))
    emit(buffer.getvalue(), output)


def table_format(fmt: str | None, output: Path | None, choices: Iterable[str]) -> str:
    """``--format``, else the output file's extension when it names one of ``choices``,
    else csv."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    suffix = "yaml" if suffix == "yml" else suffix
    return fmt or (suffix if suffix in choices else "csv")


def deliver(rendered: Rendered, output: Path | None) -> None:
    """A renderer's document to ``output`` or standard output; a printer's rendering to
    the terminal, or as plain text into ``output``."""
    from zjpaoyici.render.formats import FileDocument

    if isinstance(rendered, str):
        emit(rendered, output)
    elif isinstance(rendered, FileDocument):
        assert output is not None  # commands ask for -o first (FILE_ONLY formats)
        rendered.write(output)
        note(t("wrote_file", lang_from_argv(sys.argv[1:]), path=display_path(output.absolute())))
    else:
        print_to(output, rendered)


def fail_environment(exc: OSError, lang: Lang) -> None:
    """Say which path could not be used and the operating system's reason, in ``lang``,
    and which targets of a batch were already replaced (see :class:`WriteFailure`)."""
    reason = os_reason(exc, lang)
    path = exc.filename if exc.filename is not None else "?"
    lines = [t("os_failure", lang, path=path, reason=reason)]
    if isinstance(exc, WriteFailure):
        if exc.replaced:
            paths = ", ".join(str(p) for p in exc.replaced)
            lines.append(t("os_failure_replaced", lang, paths=paths))
        else:
            lines.append(t("os_failure_nothing", lang))
    stderr_console().print(Text(visible("\n".join(lines)), style="bold red"), soft_wrap=True)


def fail_internal(exc: BaseException) -> None:
    stderr_console().print(
        Text(
            visible(
                f"zjpaoyici 内部错误 / internal error: {type(exc).__name__}: {exc}\n"
                "这是程序缺陷，请附上命令报告给维护者（设置 ZJPAOYICI_DEBUG=1 可看详细信息）。\n"
                "This is a bug; please report it with the command (ZJPAOYICI_DEBUG=1 shows details)."
            ),
            style="bold red",
        ),
        soft_wrap=True,
    )


class LevelChoice(StrEnum):
    province = "province"
    city = "city"
    county = "county"
    township = "township"


RegionOption = Annotated[
    str | None,
    typer.Option("--region", "-r", help=tr("Only this region (6-digit code).", "只处理该区划。")),
]
LevelOption = Annotated[
    LevelChoice | None,
    typer.Option("--level", help=tr("Only regions of this level.", "只处理该层级的区划。")),
]


def folders_or_exit(
    cat: Catalogue, region: str | None, level: LevelChoice | None, lang: Lang
) -> list[str]:
    if region is not None and level is not None:
        raise usage_error(t("explode_region_and_level", lang))
    from zjpaoyici.ops.explode import SelectionError, select_folders

    try:
        return select_folders(cat, region, level.value if level else None)
    except SelectionError as exc:
        raise usage_error(t("explode_unknown_region", lang, region=exc.value)) from None


def note_load_problems(cat: Catalogue, lang: Lang) -> None:
    note_reading_problems(cat.findings, lang)


def mapping_path(value: Path) -> Path:
    """A mapping file, or the name of one shipped with zjpaoyici (``export``)."""
    from zjpaoyici.ops.tabular.exporter import DEFAULT_MAPPING

    if not value.exists() and str(value) == "export":
        return DEFAULT_MAPPING
    return value


def mapping_or_exit(path: Path, lang: Lang) -> MappingSpec:
    """The checked mapping, or exit 2 listing every problem with its place."""
    from zjpaoyici.ops.tabular.mapping import load_mapping

    return _checked(load_mapping, path, "import_bad_mapping", lang)


def case_mapping_or_exit(path: Path, lang: Lang) -> CaseMapping:
    """The checked case mapping (``cases``, ``report --cases``), or exit 2 listing every
    problem with its place."""
    from zjpaoyici.ops.cases.mapping import load_case_mapping

    return _checked(load_case_mapping, path, "cases_bad_mapping", lang)


def _checked(load: Callable[[Path], M], path: Path, key: str, lang: Lang) -> M:
    from zjpaoyici.ops.tabular.mapping import MappingError

    require_existing([path], lang)
    try:
        return load(path)
    except MappingError as exc:
        lines = [t(key, lang, path=display_path(path.absolute()))]
        lines += [f"  {p.loc}: {p.message.get(lang)}" for p in exc.problems]
        raise usage_error("\n".join(lines)) from None
