"""Help follows --lang (issue 18): every command's --help, in Chinese and in English, is
compared with a golden copy a person has read (tests/data/help/, regenerated with
``python tests/test_help.py``); no line mixes prose of the two languages, and no flag is
shown as if it took a value (``<bool>``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

COMMANDS = [
    *(
        "",
        "apply",
        "cache",
        "cases",
        "diff",
        "explode",
        "export",
        "fmt",
        "import",
        "init",
        "merge",
        "merge3",
    ),
    *("report", "rules", "schema", "show", "standard", "validate"),
]
GOLDEN = DATA / "help"
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words that are code, not prose: option values, file and field names, tool names.
_CODE_WORDS = (
    set(
        [
            "Usage",
            "OPTIONS",
            "COMMAND",
            "ARGS",
            "YAML",
            "JSON",
            "Schema",
            "schema",
            "shell",
            "git",
            "Excel",
            "BOM",
            "UTF",
            "CI",
            "pip",
            "zjpaoyici",
            "old",
            "new",
            "str",
            "int",
            "float",
            "range",
            "path",
            "kind",
            "https",
            "python",
        ]
    )
    | {*COMMANDS, "days", "bool", "split", "enum", "regex", "pairs", "contains", "text"}
    | {"fail", "drop_row", "on_error", "pre-commit", "pre", "accept", "csv"}
    | {"duckdb", "spark", "local"}  # cases --engine values and the Spark master
    | {
        # argument names shown in the Arguments panel
        *(
            "directory",
            "base",
            "ours",
            "theirs",
            "source",
            "code",
            "paths",
            "rule",
            "inputs",
            "book",
        ),
    }
)


def help_text(command: str, lang: str) -> str:
    args = [command] if command else []
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "zjpaoyici", *args, "--help", "--lang", lang],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _prose(line: str) -> str:
    """A help line without what is code: command lines, options, metavars, choices,
    defaults and paths."""
    line = re.sub(r"\b(?:zjpaoyici|git|echo)\s+\S.*", "", line)
    line = re.sub(r"\{[^}]*\}?", "", line)  # YAML examples: {code: …, reason: …}
    line = re.sub(
        r"--?[\w-]+|<[^>\s]*>?|^[│ ]*[\w|-]*>|\[[^\]]*\]|[\w./$~-]*[._/$~=%*][\w./$~-]*", "", line
    )
    return line


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS)
def test_help_matches_the_golden_copy(command: str, lang: str) -> None:
    text = help_text(command, lang)
    golden = GOLDEN / f"{command or 'zjpaoyici'}.{lang}.txt"
    assert text == golden.read_text(encoding="utf-8")
    assert "<bool>" not in text
    for line in text.splitlines():
        prose = _prose(line)
        if lang == "zh":
            words = [
                w
                for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]{2,}", prose)
                if w not in _CODE_WORDS and not w.isupper()
            ]
            assert not words, line
        else:
            assert not _CJK.search(prose), line


_SUMMARIES = """
import json
from zjpaoyici.cli import COMMANDS, app, load_all
load_all()
print(json.dumps([
    {info.name or info.callback.__name__: (info.help or "").split("\\n\\n")[0]
     for info in app.registered_commands},
    {name: summary for name, (_, summary) in COMMANDS.items()},
]))
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_index_agrees_with_every_command(lang: str) -> None:
    """`zjpaoyici --help` lists the commands from the index in cli/__init__.py without
    importing them; each summary there must be its command's own first help paragraph, and
    the index must name every command and no other."""
    done = subprocess.run(
        [sys.executable, "-c", _SUMMARIES, "--lang", lang],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    real, index = json.loads(done.stdout)
    assert real == index
    assert len(real) == len(COMMANDS) - 1  # the golden list also holds "" (the top level)


def test_running_a_command_imports_only_that_command() -> None:
    code = (
        "import sys; from zjpaoyici.cli import load_commands; load_commands(['-C', '.', 'fmt']);"
        " print(sorted(m for m in sys.modules if m.endswith('_cmd')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "['zjpaoyici.cli.fmt_cmd']"


def test_top_level_help_imports_no_operation_model_or_renderer() -> None:
    """``zjpaoyici --help`` (and shell completion) must start fast: nothing below the CLI
    layer but reading the language is imported."""
    code = (
        "import sys; from zjpaoyici.cli import main\n"
        "sys.argv = ['zjpaoyici', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('zjpaoyici.ops', 'zjpaoyici.render.formats', 'zjpaoyici.catalogue.model',"
        " 'zjpaoyici.rules.ruleset', 'openpyxl', 'jsonschema', 'duckdb')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Usage" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"


if __name__ == "__main__":  # regenerate the golden copies (read them before committing)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in COMMANDS:
        for language in ("zh", "en"):
            out = GOLDEN / f"{name or 'zjpaoyici'}.{language}.txt"
            out.write_text(help_text(name, language), encoding="utf-8")
    print(f"wrote {len(COMMANDS) * 2} files to {Path(GOLDEN)}")
