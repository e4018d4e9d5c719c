"""Seven classic mistakes in one catalogue: each is found at its place in every format."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from tests.conftest import DATA, run_subprocess

H = 'schema: zjpaoyici/implementation/v1\nregion: "{region}"\ndepartment: 测试局\nmatters:\n'
BROKEN = {
    # 1. broken YAML (an unclosed quote)
    "basic/broken.yaml": 'schema: zjpaoyici/basic/v1\ndepartment: 测试厅\nmatters:\n  - code: "许可-09901-000\n',
    # 2. a duplicate key, 4. a sub matter not under its main matter
    "basic/extra.yaml": (
        "schema: zjpaoyici/basic/v1\ndepartment: 浙江省民政厅\nmatters:\n"
        '  - code: "确认-09901-000"\n    name: 测试登记\n    type: 行政确认\n'
        "    basis: [《测试条例》]\n    levels: [county]\n    levels: [city]\n"
        '    subs:\n      - code: "确认-09902-001"\n        name: 测试登记（设立）\n'
    ),
    # 3. an unquoted region code, 6. a county-only matter in a city list
    "implementations/330100/scjg.yaml": H.replace('"{region}"', "330100").format()
    + '  - code: "许可-00802-001"\n    visits: 0\n    promised_limit: {days: 3}\n'
    "    case_type: 承诺件\n    online: {depth: 4}\n",
    # 5. an unknown matter, 7. a visit without an on-site reason
    "implementations/330106/scjg.yaml": H.format(region="330106")
    + '  - code: "许可-00802-009"\n    visits: 0\n    online: {depth: 4}\n'
    + '  - code: "许可-00802-001"\n    visits: 1\n    promised_limit: {days: 3}\n'
    "    case_type: 承诺件\n    online: {depth: 3}\n",
}
EXPECTED = {
    ("Y001", "basic/broken.yaml", 5, 1),
    ("Y002", "basic/extra.yaml", 9, 5),
    ("C004", "basic/extra.yaml", 11, 15),
    ("Y006", "implementations/330100/scjg.yaml", 2, 9),
    ("R004", "implementations/330100/scjg.yaml", 5, 11),
    ("R001", "implementations/330106/scjg.yaml", 5, 11),
    ("Q001", "implementations/330106/scjg.yaml", 9, 13),
}


@pytest.fixture
def broken(base_catalogue: Path) -> Path:
    for rel, text in BROKEN.items():
        (base_catalogue / rel).write_text(text, encoding="utf-8")
    return base_catalogue


def from_text(out: str) -> set[tuple[str, str, int, int]]:
    """Each finding line starts with file:line:col (clickable), under its file's header."""
    found, file = set(), ""
    for line in out.splitlines():
        if line and not line.startswith(" ") and line.endswith(".yaml"):
            file = line
        m = re.match(r"^  (.+):(\d+):(\d+)\s+\S+\s+([A-Z]\d{3}) ", line)
        if m:
            assert m.group(1) == file, line  # the header and the line name the same file
            found.add((m.group(4), m.group(1), int(m.group(2)), int(m.group(3))))
    return found


def from_parsable(out: str) -> set[tuple[str, str, int, int]]:
    found = set()
    for line in out.splitlines():
        m = re.match(r"^(.+):(\d+):(\d+): ([A-Z]\d{3}) \[(error|warning|info)\] \S", line)
        assert m, line
        found.add((m.group(4), m.group(1), int(m.group(2)), int(m.group(3))))
    return found


def from_json(out: str) -> set[tuple[str, str, int, int]]:
    return {(f["rule"], f["file"], f["line"], f["column"]) for f in json.loads(out)["findings"]}


def from_github(out: str) -> set[tuple[str, str, int, int]]:
    found = set()
    for line in out.splitlines():
        m = re.match(
            r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([A-Z]\d{3})\b",
            line,
        )
        assert m, line
        found.add((m.group(5), m.group(2), int(m.group(3)), int(m.group(4))))
    return found


def from_sarif(out: str) -> set[tuple[str, str, int, int]]:
    doc = json.loads(out)
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(doc), key=str)
    assert not errors, errors[0].message
    found = set()
    for r in doc["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]
        found.add(
            (
                r["ruleId"],
                loc["artifactLocation"]["uri"],
                loc["region"]["startLine"],
                loc["region"]["startColumn"],
            )
        )
    return found


def from_junit(out: str) -> set[tuple[str, str, int, int]]:
    root = ET.fromstring(out)
    found = set()
    for case in root.iter("testcase"):
        rule, _, where = case.attrib["name"].split(" ")
        line, col = where.split(":")
        assert case.find("failure") is not None
        found.add((rule, case.attrib["classname"], int(line), int(col)))
    return found


PARSERS = {
    "text": from_text,
    "parsable": from_parsable,
    "json": from_json,
    "github": from_github,
    "sarif": from_sarif,
    "junit": from_junit,
}


@pytest.mark.parametrize("fmt", sorted(PARSERS))
def test_each_mistake_found_in_every_format(fmt: str, broken: Path, cli: Any) -> None:
    run = cli("validate", "--format", fmt, cwd=broken)
    assert run.code == 1
    assert "Traceback" not in run.output
    assert PARSERS[fmt](run.stdout) == EXPECTED


def test_github_lines_have_the_workflow_command_shape(broken: Path, cli: Any) -> None:
    run = cli("validate", "--format", "github", cwd=broken)
    lines = run.stdout.splitlines()
    assert len(lines) == len(EXPECTED)
    for line in lines:
        assert re.match(r"^::error file=[^,]+,line=\d+,col=\d+,title=[^:]+::\S", line), line


def test_real_process_never_prints_a_traceback(broken: Path) -> None:
    for fmt in PARSERS:
        run = run_subprocess("validate", "--format", fmt, cwd=broken)
        assert run.code == 1, run.stderr
        assert "Traceback" not in run.output


def test_both_languages_name_the_same_findings(broken: Path, cli: Any) -> None:
    zh = cli("validate", "--format", "json", "--lang", "zh", cwd=broken)
    en = cli("validate", "--format", "json", "--lang", "en", cwd=broken)
    assert from_json(zh.stdout) == from_json(en.stdout) == EXPECTED
    zh_msgs = {f["rule"]: f["message"] for f in json.loads(zh.stdout)["findings"]}
    en_msgs = {f["rule"]: f["message"] for f in json.loads(en.stdout)["findings"]}
    assert "到现场" in zh_msgs["Q001"] and "on-site" in en_msgs["Q001"]
    assert zh_msgs["R004"] != en_msgs["R004"]


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_text_formats_name_the_related_place(fmt: str, broken: Path, cli: Any) -> None:
    """Y002's hint points at the first occurrence ("see also"); formats that carry only
    text must then say where that is, as json and sarif do with their related fields."""
    json_run = cli("validate", "--format", "json", cwd=broken)
    [dup] = [f for f in json.loads(json_run.stdout)["findings"] if f["rule"] == "Y002"]
    [first] = dup["related"]
    place = f"{first['file']}:{first['line']}:{first['column']}"
    assert place == "basic/extra.yaml:8:5"
    run = cli("validate", "--format", fmt, cwd=broken)
    [line] = (
        [x for x in run.stdout.split("\n::") if "Y002" in x] if fmt == "github" else [run.stdout]
    )
    assert f"see also: {place}" in line
