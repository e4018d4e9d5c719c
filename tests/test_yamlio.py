"""The safe located reader: scalars resolve exactly as PyYAML's SafeLoader does, with
locations, and hostile input is refused instead of expanded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from zjpaoyici.files.reader import Limits, parse_text, read_document

TRICKY = [
    "0701",
    "330106",
    "yes",
    "no",
    "on",
    "off",
    "Y",
    "n",
    "true",
    "NULL",
    "~",
    "",
    "1e3",
    "1.0e+3",
    "1.5",
    ".inf",
    "-.Inf",
    ".NaN",
    "12:30",
    "1:30:00",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "+12",
    "-0",
    "2024-01-01",
    "2024-01-01T08:00:00Z",
    "００１",
    "许可-00802-001",
    "３３０１０６",
    "1,000",
    "3.",
    "007",
    "09",
]


@pytest.mark.parametrize("scalar", TRICKY)
def test_plain_scalars_resolve_like_safe_loader(scalar: str) -> None:
    text = f"value: {scalar}\n"
    expected = yaml.safe_load(text)["value"]
    doc, findings = parse_text(text, Path("t.yaml"), "t.yaml")
    assert doc is not None and findings == []
    got = doc.data["value"]
    if isinstance(expected, float) and expected != expected:  # NaN
        assert got != got
    else:
        assert got == expected and type(got) is type(expected)
    # the author's text is kept for every plain scalar that is not a string
    if not isinstance(expected, str):
        assert doc.plain[("value",)] == scalar


def test_quoted_scalars_stay_text() -> None:
    doc, _ = parse_text("a: \"0701\"\nb: 'yes'\n", Path("t.yaml"), "t.yaml")
    assert doc is not None and doc.data == {"a": "0701", "b": "yes"} and doc.plain == {}


def test_locations_of_keys_and_values() -> None:
    text = 'schema: x\nmatters:\n  - code: "许可-00802-001"\n    名称: 食品经营许可\n'
    doc, _ = parse_text(text, Path("t.yaml"), "t.yaml")
    assert doc is not None
    assert (doc.loc(("matters", 0, "code")).line, doc.loc(("matters", 0, "code")).col) == (3, 11)
    loc = doc.loc(("matters", 0, "名称"), key=True)
    assert (loc.line, loc.col) == (4, 5)
    value = doc.loc(("matters", 0, "名称"))
    assert (value.line, value.col) == (4, 9)  # columns count characters, not bytes
    # a pointer that does not exist falls back to its nearest ancestor
    assert doc.loc(("matters", 0, "visits")).line == 3


def test_duplicate_keys_reported_at_every_level() -> None:
    text = "a: 1\na: 2\nb:\n  c: 1\n  c: 2\nd:\n  - {e: 1, e: 2}\n"
    doc, findings = parse_text(text, Path("t.yaml"), "t.yaml")
    assert doc is not None
    assert [(f.rule, f.loc.line, f.loc.col) for f in findings] == [
        ("Y002", 2, 1),
        ("Y002", 5, 3),
        ("Y002", 7, 12),
    ]
    assert findings[0].related[0].line == 1
    assert doc.data == {"a": 1, "b": {"c": 1}, "d": [{"e": 1}]}  # the first value is kept


def test_small_aliases_are_fine() -> None:
    doc, findings = parse_text("a: &m [x, y]\nb: *m\n", Path("t.yaml"), "t.yaml")
    assert doc is not None and findings == [] and doc.data == {"a": ["x", "y"], "b": ["x", "y"]}


def test_recursive_alias_is_refused() -> None:
    doc, findings = parse_text("a: &a [*a]\n", Path("t.yaml"), "t.yaml")
    assert doc is None and findings[0].rule in ("Y003", "Y009")


def test_encodings(tmp_path: Path) -> None:
    text = "name: 食品经营许可\n"
    cases = {
        "utf8-bom.yaml": (b"\xef\xbb\xbf" + text.encode(), None),
        "crlf.yaml": (text.replace("\n", "\r\n").encode(), None),
        "gbk.yaml": (text.encode("gbk"), "GBK"),
        "gb18030.yaml": ("name: 𠀀\n".encode("gb18030"), "GB18030"),
        "utf16.yaml": (text.encode("utf-16"), "UTF-16"),
    }
    for name, (data, encoding) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        doc, findings = read_document(path, name)
        if encoding is None:
            assert doc is not None and doc.data["name"] in ("食品经营许可",), name
        else:
            assert doc is None and findings[0].rule == "Y004", name
            assert findings[0].params["encoding"] == encoding, name


def test_invalid_utf8_reports_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: ok\nb: \xff\xfe\n")
    doc, findings = read_document(path, "bad.yaml")
    assert doc is None and findings[0].rule == "Y004"
    assert findings[0].params["offset"] == 9 and (findings[0].loc.line, findings[0].loc.col) == (
        2,
        4,
    )


@pytest.mark.parametrize("depth", [10_000, 1_000_000])
def test_deep_nesting_is_refused_without_crashing(depth: int, tmp_path: Path) -> None:
    """libyaml's composer recurses in C; the reader must measure depth first."""
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * depth + "]" * depth + "\n")
    code = (
        "import sys; from pathlib import Path; from zjpaoyici.files.reader import read_document\n"
        f"doc, f = read_document(Path({str(path)!r}), 'deep.yaml')\n"
        "print(doc is None, f[0].rule)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "Y009"]


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + "- \n" for i in range(3000))
    doc, findings = parse_text(text, Path("t.yaml"), "t.yaml", Limits())
    assert doc is None and findings[0].rule == "Y009"


def test_syntax_errors_read_in_chinese_and_point_at_indentation(tmp_path: Path) -> None:
    """libyaml's English is kept for --lang en; --lang zh gets its phrases in Chinese, and
    a list item indented one space short is blamed on the indentation."""
    from zjpaoyici.rules.ruleset import hint_of, message_of

    text = 'matters:\n  - code: "许可-00001-000"\n    visits: 0\n   visits: 1\n'
    _, findings = parse_text(text, tmp_path / "a.yaml", "a.yaml")
    [finding] = findings
    assert finding.rule == "Y001"
    en, zh = message_of(finding, "en"), message_of(finding, "zh")
    assert "did not find expected '-' indicator" in en
    assert "没有找到预期的“-”" in zh and "did not find" not in zh
    assert "indent" in hint_of(finding, "en").lower() and "缩进" in hint_of(finding, "zh")
