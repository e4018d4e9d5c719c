"""Catalogue text is untrusted: every output format renders hostile names inert.

One catalogue carries GitHub workflow commands (``::error::``, ``%0A``, ``::set-output``,
a newline followed by ``::warning::``), HTML and ``<script>``, Markdown table pipes,
``@mentions`` and ``#123`` references, ANSI escapes (colour and an OSC-8 link), a bidi
override, rich markup and a spreadsheet formula in matter names, on-site reasons,
department, region and catalogue names, matter codes and a file name. Each output format
of ``validate``, ``diff`` and ``report`` runs through the real CLI and must show that text
as text: a terminal, a CI log, GitHub, a Markdown renderer, a browser or a spreadsheet
must not act on it. The JSON formats carry it unchanged instead.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rich.console import Console

from tests.conftest import BASE, DATA, Run, run_subprocess
from zjpaoyici.cli.common import emit
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.ops.validate import Result
from zjpaoyici.render import findings_json, findings_junit, findings_sarif, findings_text
from zjpaoyici.render.report_html import SCRIPT

PAYLOADS = [
    "::error file=evil.yaml,line=1::pwned",
    "%0A::set-output name=x::pwned",
    "line1\n::warning::pwned",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "| col | @octocat #123 |",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
    "\u202eevil\u202c",
    "[bold red]rich[/bold red]",
    '=HYPERLINK("http://evil.example")',
]
HOSTILE = " ".join(PAYLOADS)
NAME = "食品生产许可 " + HOSTILE
REASON = "需现场核查 " + HOSTILE
DEPARTMENT = "杭州市市场监督管理局 " + HOSTILE
REGION = "杭州市 " + HOSTILE
CATALOGUE = "测试目录 " + HOSTILE
FILE_NAME = "evil\n::error::pwned <b>|@x \x1b[31m%0A.yaml"
FILE = f"implementations/330106/{FILE_NAME}"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON escapes are YAML escapes)."""
    return json.dumps(text)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def cats(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The base catalogue (old) and a copy full of hostile text (new)."""
    top = tmp_path_factory.mktemp("injection")
    old, new = top / "old", top / "new"
    shutil.copytree(BASE, old)
    shutil.copytree(BASE, new)
    _replace(new / "basic/scjg.yaml", "name: 食品生产许可", f"name: {q(NAME)}")
    impl = new / "implementations/330100/scjg.yaml"
    _replace(impl, "visits: 1", "visits: 2")
    _replace(impl, "onsite_reason: 需现场核查生产场所", f"onsite_reason: {q(REASON)}")
    _replace(impl, "department: 杭州市市场监督管理局", f"department: {q(DEPARTMENT)}")
    _replace(new / "regions.yaml", "name: 杭州市", f"name: {q(REGION)}")
    _replace(new / "catalogue.yaml", "name: 测试目录", f"name: {q(CATALOGUE)}")
    # a list whose file name and matter codes are hostile: validate reports every code
    entries = "".join(f"  - code: {q(p)}\n    visits: 0\n" for p in PAYLOADS)
    (new / FILE).write_text(
        'schema: zjpaoyici/implementation/v1\nregion: "330106"\n'
        f"department: {q(DEPARTMENT)}\nmatters:\n{entries}",
        encoding="utf-8",
    )
    return old, new


def run(cwd: Path, *args: str, color: bool = False) -> Run:
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color"} if color else {"NO_COLOR": "1"}
    result = run_subprocess(*args, cwd=cwd, env=env)
    assert "Traceback" not in result.output and result.code in (0, 1), result.output[-3000:]
    return result


# --- what "inert" means for each kind of output -------------------------------------


def assert_no_command_lines(text: str) -> None:
    """A CI log runs any line that starts with ``::`` as a GitHub workflow command."""
    bad = [line for line in text.splitlines() if line.startswith("::")]
    assert not bad, bad


def assert_plain(text: str) -> None:
    """No control character, ANSI escape, bidi override or line separator at all."""
    found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text.replace("\n", ""))})
    assert not found, found


def assert_terminal_inert(text: str) -> None:
    """Only our own colours (SGR sequences); the data's escapes are shown, not sent;
    rich markup in the data is printed, not applied; no data starts a log line."""
    stripped = _SGR.sub("", text)
    assert_plain(stripped)
    assert_no_command_lines(stripped)
    assert "\\x1b[31mred\\x1b[0m" in stripped  # the ANSI payload, visible as text
    assert "\\u202eevil\\u202c" in stripped  # the bidi override, visible as text
    assert "[bold red]rich[/bold red]" in stripped  # markup shown literally
    assert "line1 ⏎ ::warning::pwned" in stripped  # the newline folded into the line


_OUR_TAGS = re.compile(r"</?(?:details|summary)>")


def assert_markdown_inert(text: str) -> None:
    assert_plain(text)
    assert_no_command_lines(text)
    raw_lt = [m.start() for m in re.finditer(r"(?<!\\)<", text)]
    assert all(_OUR_TAGS.match(text, i) for i in raw_lt), [text[i : i + 20] for i in raw_lt]
    assert not re.search(r"@[A-Za-z0-9_-]", text), "an @mention would notify someone"
    assert not re.search(r"#[0-9]", text), "#123 would link an issue"
    assert not re.search(r"(?<!\\)\]\(", text), "a Markdown link from data"
    assert "\\<script\\>" in text and "\\| col \\|" in text
    table: list[int] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append(len(re.findall(r"(?<!\\)\|", line)))
        elif table:
            assert len(set(table)) == 1, f"a row with extra cells: {table}"
            table = []


def strings_in(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in strings_in(v)]
    if isinstance(data, list):
        return [s for v in data for s in strings_in(v)]
    return []


# --- validate ---------------------------------------------------------------------------


def test_validate_text(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "validate", "--format", "text", color=True).stdout
    assert_terminal_inert(out)
    assert "evil ⏎ ::error::pwned" in out  # the file name, folded


def test_validate_json_carries_the_text_unchanged(cats: tuple[Path, Path]) -> None:
    result = run(cats[1], "validate", "--format", "json")
    report = json.loads(result.stdout)
    messages = " ".join(f["message"] for f in report["findings"])
    for payload in PAYLOADS:
        assert payload in messages, payload
    assert FILE in {f["file"] for f in report["findings"]}
    assert report["catalogue"] == CATALOGUE


def test_validate_github(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "validate", "--format", "github").stdout
    count = len(json.loads(run(cats[1], "validate", "--format", "json").stdout)["findings"])
    lines = out.splitlines()
    assert len(lines) == count  # one line per finding: nothing in the data broke a line
    command = re.compile(
        r"::(?:error|warning|notice) file=[^:,\n]*,line=\d+,col=\d+,title=[^:,\n]*::(.*)"
    )
    for line in lines:
        match = command.fullmatch(line)
        assert match, line  # properties escaped: no raw ':' or ',' from the file name
        data = match.group(1)
        assert not re.search(r"%(?!25|0A|0D)", data), data  # every % of the data escaped
    assert "%250A::set-output" in out  # the data's own %0A stays text
    assert "line1%0A::warning::pwned" in out  # a real newline is escaped
    assert_plain(out)


def test_validate_sarif(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "validate", "--format", "sarif").stdout
    doc = json.loads(out)
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    results = doc["runs"][0]["results"]
    texts = " ".join(r["message"]["text"] for r in results)
    for payload in PAYLOADS:
        assert payload in texts, payload
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        for loc in r["locations"]
    }
    assert all(re.fullmatch(r"[A-Za-z0-9/._~%-]+", u) for u in uris), uris
    assert "implementations/330106/evil%0A%3A%3Aerror%3A%3Apwned" in " ".join(uris)
    assert "\x1b" not in out  # JSON escapes control characters (\u001b)


def test_validate_junit(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "validate", "--format", "junit").stdout
    assert_plain(out)
    assert_no_command_lines(out)
    assert "<script" not in out and "<img" not in out
    root = ET.fromstring(out.encode("utf-8"))
    assert {el.tag for el in root.iter()} <= {"testsuites", "testsuite", "testcase", "failure"}
    messages = " ".join(el.get("message", "") for el in root.iter("failure"))
    assert "<script>alert(1)</script>" in messages  # kept as text, escaped in the file
    assert "line1 ⏎ ::warning::pwned" in messages


def test_validate_formats_take_a_file_name_that_is_not_utf8(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file name with the byte 0xFF reaches Python as a lone surrogate: every format
    still writes valid UTF-8 (through a strict stream) and shows or carries the byte."""
    name = "basic/\udcff.yaml"
    finding = Finding("Y008", Loc(name, 1, 1), {}, related=(Loc(name, 2, 1),))
    result = Result(name="测试目录", findings=[(finding, Severity.ERROR)], files=1)
    outputs = {}
    for fmt, render in {
        "json": findings_json.render_json,
        "github": findings_json.render_github,
        "sarif": findings_sarif.render_sarif,
        "junit": findings_junit.render_junit,
    }.items():
        buffer = io.BytesIO()
        stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict")
        monkeypatch.setattr("sys.stdout", stream)
        emit(render(result, "en"), None)
        outputs[fmt] = buffer.getvalue().decode("utf-8")  # strict: valid UTF-8
    monkeypatch.undo()
    assert json.loads(outputs["json"])["findings"][0]["file"] == name  # carried unchanged
    assert "file=basic/\\xff.yaml" in outputs["github"]
    assert '"uri": "basic/%FF.yaml"' in outputs["sarif"]
    assert 'file="basic/\\xff.yaml"' in outputs["junit"]
    sink = io.StringIO()
    findings_text.render(result, Console(file=sink, width=120), "en")
    text = sink.getvalue()
    assert "basic/\\xff.yaml" in text and "\udcff" not in text
    text.encode("utf-8")


# --- diff -------------------------------------------------------------------------------


def test_diff_text(cats: tuple[Path, Path]) -> None:
    old, new = cats
    out = run(new, "diff", str(old), str(new), "--format", "text", color=True).stdout
    assert_terminal_inert(out)


def test_diff_markdown(cats: tuple[Path, Path]) -> None:
    old, new = cats
    out = run(new, "diff", str(old), str(new), "--format", "markdown").stdout
    assert_markdown_inert(out)


def test_diff_json_carries_the_text_unchanged(cats: tuple[Path, Path]) -> None:
    old, new = cats
    data = json.loads(run(new, "diff", str(old), str(new), "--format", "json").stdout)
    changes = data["changes"]
    assert NAME in {c["name"] for c in changes}
    reason = [c for c in changes if c["field"] == "onsite_reason"]
    assert reason and reason[0]["new"] == REASON


# --- report -----------------------------------------------------------------------------


def test_report_table(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "report", "--by", "department", "--format", "table", color=True).stdout
    assert_terminal_inert(out)


def test_report_markdown(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "report", "--by", "department", "--format", "markdown").stdout
    assert_markdown_inert(out)


def test_report_json_carries_the_text_unchanged(cats: tuple[Path, Path]) -> None:
    data = json.loads(run(cats[1], "report", "--format", "json").stdout)
    assert data["catalogue"] == CATALOGUE
    (multi,) = data["multi_visit"]
    assert (multi["name"], multi["department"], multi["onsite_reason"]) == (
        NAME,
        DEPARTMENT,
        REASON,
    )
    assert DEPARTMENT in {d["name"] for d in data["departments"]}
    assert REGION in {r["name"] for r in data["regions"]}
    assert set(PAYLOADS) <= {c for s in strings_in(data) for c in PAYLOADS if c in s}


def test_report_csv(cats: tuple[Path, Path]) -> None:
    out = run(cats[1], "report", "--by", "department", "--format", "csv").stdout
    assert_plain(out)
    assert_no_command_lines(out)
    rows = list(csv.reader(io.StringIO(out)))
    cells = [cell for row in rows for cell in row]
    assert any("::set-output" in c for c in cells)
    for cell in cells:
        assert "\n" not in cell and "\r" not in cell, cell
        if not re.fullmatch(r"-?[0-9.]+", cell):  # numbers may be negative, text may not
            assert not cell.startswith(("=", "+", "-", "@")), cell  # no spreadsheet formula


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


ALLOWED_TAGS = {
    *(
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "script",
        "h1",
        "h2",
        "h3",
        "p",
        "div",
        "small",
        "br",
    ),
    *("span", "table", "thead", "tbody", "tr", "th", "td", "button"),
    *("details", "summary"),  # the department drill-down
    *("svg", "text", "rect", "line", "polyline", "circle", "polygon"),
}


@pytest.mark.parametrize("region", [None, "330100"])
def test_report_html(cats: tuple[Path, Path], region: str | None) -> None:
    """The report page, and a region's page (``--region``), escape catalogue text."""
    extra = ["--region", region] if region else []
    out = run(cats[1], "report", "--format", "html", *extra).stdout
    assert_plain(out)
    parser = _Tags()
    parser.feed(out)
    tags = {tag for tag, _ in parser.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert parser.scripts == [SCRIPT]  # our sorting script and nothing else
    assert out.lower().count("<script") == 1
    handlers = [name for _, attrs in parser.tags for name, _ in attrs if name.startswith("on")]
    assert not handlers, handlers
    assert "javascript:" not in out.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "Content-Security-Policy" in out


# --- explode and show: every text format of the commands that print catalogue text -------


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml"])
def test_explode_outputs_are_inert(cats: tuple[Path, Path], fmt: str) -> None:
    """Issue 16: explode csv passed ESC, OSC-8, BEL, U+202E and CR through, and a newline
    in a department started an output line with ``::error``."""
    out = run(cats[1], "explode", "--format", fmt).stdout
    assert_plain(out)
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
    if fmt == "json":
        data = json.loads(out)
        assert DEPARTMENT in {row.get("department") for row in data}  # the text, unchanged
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
        assert any("::set-output" in c for c in cells)
        assert any("line1\n'::warning::pwned" in c for c in cells)  # quoted, defused


def test_json_formats_escape_what_json_leaves_raw(cats: tuple[Path, Path]) -> None:
    for args in (
        ("validate", "--format", "json"),
        ("validate", "--format", "sarif"),
        ("report", "--format", "json"),
        ("diff", str(cats[0]), str(cats[1]), "--format", "json"),
    ):
        out = run(cats[1], *args).stdout
        assert_plain(out)
        json.loads(out)


def test_validate_flags_a_line_break_in_a_single_line_field(cats: tuple[Path, Path]) -> None:
    data = json.loads(run(cats[1], "validate", "--format", "json").stdout)
    q008 = [f for f in data["findings"] if f["rule"] == "Q008"]
    where = {(f["file"], f["message"].split(" ")[0]) for f in q008}
    assert ("implementations/330100/scjg.yaml", "department") in where, where
    assert any("line break" in f["message"] for f in q008)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_show_outputs_are_inert(cats: tuple[Path, Path], fmt: str) -> None:
    code = next(
        line.split('"')[1]
        for line in (cats[1] / "implementations/330100/scjg.yaml").read_text("utf-8").splitlines()
        if line.strip().startswith('- code: "')
    )
    out = run(cats[1], "show", code, "--format", fmt).stdout
    assert_plain(out)
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
    if fmt == "json":
        assert DEPARTMENT in strings_in(json.loads(out))  # the text itself, unchanged
