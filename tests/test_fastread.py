"""The fast path reads exactly what the exact path reads, or declines."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import zjpaoyici.fastread as fastread
from tests.conftest import REPO
from tests.test_yamlio import TRICKY
from zjpaoyici.fastread import fast_load
from zjpaoyici.load import plan_files, read_checked
from zjpaoyici.yamlio import DEFAULT_LIMITS, parse_text


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def agrees(text: str) -> None:
    """If the fast path accepts ``text`` (also with CRLF line ends), it must read what
    the exact path reads, and what PyYAML's SafeLoader reads wherever the exact path
    does (the exact path keeps every key as written: ``yes:`` is the key "yes")."""
    for variant in (text, text.replace("\n", "\r\n")):
        fast = fast_load(variant.encode("utf-8"), variant)
        if fast is None:
            continue  # the exact path reads it (and reports what is wrong)
        exact, findings = parse_text(variant, Path("t.yaml"), "t.yaml")
        assert exact is not None and not findings, (variant, findings)
        assert same(fast, exact.data), (variant, fast, exact.data)
        reference = yaml.load(variant, Loader=yaml.CSafeLoader)
        if same(exact.data, reference):
            assert same(fast, reference), variant


QUOTED = ['"0701"', "'yes'", '"330106"', '"a: b"', "'it''s'"]


@pytest.mark.parametrize("scalar", TRICKY + QUOTED)
def test_tricky_scalars_as_values_keys_and_items(scalar: str) -> None:
    for text in (
        f"value: {scalar}\n",
        f"{scalar}: 1\n" if scalar else "x: 1\n",
        f"list:\n  - {scalar}\n  - x\n",
        f"flow: [{scalar}, x]\n",
        f"map: {{a: {scalar}, b: x}}\n",
        f"value:  {scalar}  # comment\n",
    ):
        agrees(text)


TOKEN = st.text(
    alphabet="0123456789+-._eExXoObB:yesnoYESNOtrufalsTRUFALS~nul", min_size=1, max_size=8
)
WORD = st.one_of(
    TOKEN, st.sampled_from(["食品经营许可", "许可-00802-001", "working", "承诺件", "a b", "x:y"])
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["k", "visits", "名称"]), WORD), min_size=1, max_size=5))
def test_random_tokens_agree_or_decline(pairs: list[tuple[str, str]]) -> None:
    body = "".join(f"{k}{i}: {v}\n" for i, (k, v) in enumerate(pairs))
    agrees(body)
    agrees("seq:\n" + "".join(f"  - {v}\n" for _, v in pairs))
    agrees("flow: [" + ", ".join(v for _, v in pairs) + "]\n")


PUNCT = st.text(
    alphabet="0123456789+-._eEoxb:yesnoYNtrufalsnul~#&*!|>'\"{}[],?- \u3000\\中文%@`=<", max_size=10
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PUNCT, min_size=1, max_size=4))
def test_punctuation_agrees_or_declines(words: list[str]) -> None:
    """Flow syntax and indicators are where the two parsers differ most."""
    agrees("".join(f"k{i}: {v}\n" for i, v in enumerate(words)))
    agrees("seq:\n" + "".join(f"  - {v}\n" for v in words))
    agrees("flow: [" + ", ".join(words) + "]\n")
    agrees("map: {" + ", ".join(f"a{i}: {v}" for i, v in enumerate(words)) + "}\n")


def test_sample_catalogue_reads_the_same_both_ways() -> None:
    root = REPO / "catalog"
    fast_files = 0
    for path, kind, _ in plan_files(root).files:
        fast_doc, fast_kind, fast_findings = read_checked(
            path, kind, DEFAULT_LIMITS, root, fast=True
        )
        exact_doc, exact_kind, exact_findings = read_checked(path, kind, DEFAULT_LIMITS, root)
        assert fast_doc is not None and exact_doc is not None
        assert same(fast_doc.data, exact_doc.data), path
        assert (fast_kind, fast_findings) == (exact_kind, exact_findings)
        fast_files += fast_doc.pending is not None
    assert fast_files > 300  # nearly every file takes the fast path


def test_a_clean_catalogue_is_never_re_read_for_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Positions are only computed for files with findings: a clean run re-reads nothing."""
    from zjpaoyici.validate import validate_catalogue

    calls: list[Path] = []
    real = fastread.relocate

    def spy(path: Path, display: str, limits: Any = DEFAULT_LIMITS) -> Any:
        calls.append(path)
        return real(path, display, limits)

    monkeypatch.setattr(fastread, "relocate", spy)
    result, _ = validate_catalogue(REPO / "catalog")
    assert result.findings == [] and calls == []


def test_fast_documents_still_locate_findings(base_catalogue: Path, cli: Any) -> None:
    """A rule finding in a fast-read file still carries the exact line and column."""
    path = base_catalogue / "implementations" / "330100" / "scjg.yaml"
    text = path.read_text(encoding="utf-8").replace("    onsite_reason: 需现场核查生产场所\n", "")
    path.write_text(text, encoding="utf-8")
    doc, _, _ = read_checked(path, "implementation", DEFAULT_LIMITS, fast=True)
    assert doc is not None and doc.pending is not None  # read by the fast path
    run = cli("validate", "--format", "json", cwd=base_catalogue)
    import json

    [finding] = json.loads(run.stdout)["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("Q001", 6, 13)


ODD_VALUES = [
    " 前导空格",
    "末尾空格 ",
    "两个  空格",
    "全角\u3000空格",
    "不换行\u00a0空格",
    "零宽\u200b字符",
    "制表\t符",
]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("style", ["plain", "double", "single", "folded-double"])
def test_odd_space_hint_never_misses_what_q008_finds(value: str, style: str) -> None:
    """Q008 only walks documents flagged by ``odd_space_in``; it must flag every one Q008
    would report, however the value was written."""
    import json as _json

    from zjpaoyici.rules.quality import _ODD_SPACE

    if style == "plain":
        text = f"name: {value}\n"
    elif style == "double":
        text = f"name: {_json.dumps(value, ensure_ascii=False)}\n"
    elif style == "single":
        text = "name: '" + value.replace("'", "''") + "'\n"
    else:
        text = 'name: "\n  ' + value + '\n  "\n'
    doc, _ = parse_text(text, Path("t.yaml"), "t.yaml")
    assert doc is not None
    if isinstance(doc.data.get("name"), str) and _ODD_SPACE.search(doc.data["name"]):
        assert doc.odd_space, (style, value)


SPACES = (
    "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    + "\u200b\u200c\u200d\u2060\ufeff"
    + "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=SPACES + "ab中文“”。、\"'\\", max_size=6), max_size=4))
def test_odd_space_in_flags_every_value_q008_reports(values: list[str]) -> None:
    from zjpaoyici.rules.quality import _ODD_SPACE
    from zjpaoyici.yamlio import odd_space_in

    if any(_ODD_SPACE.search(v) for v in values):
        assert odd_space_in({"matters": [{"name": v} for v in values]}), values


def test_a_clean_document_is_not_walked_for_spaces() -> None:
    from zjpaoyici.yamlio import odd_space_in

    assert not odd_space_in({"name": "食品经营许可“新办”", "visits": 0, "codes": ["01", "a b"]})


def test_fast_path_leaves_the_shared_schema_as_written() -> None:
    """Compiling must not rewrite the shared schema, whose property order ``fmt`` follows."""
    import json

    from zjpaoyici import fastread
    from zjpaoyici.schemas import KIND_SCHEMA, load_schema

    before = json.dumps(load_schema(KIND_SCHEMA["implementation"]))
    fastread._compiled.cache_clear()
    fastread._compiled("implementation")
    assert json.dumps(load_schema(KIND_SCHEMA["implementation"])) == before


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ('code: "0701"\nregion: "330106"\nvisits: 0\nname: 食品经营许可\n', True),
        ("levels: [province, city]\nlimit: {days: 20, unit: working}\n", True),
        ("ok: 'yes'\n", False),  # quoted or not cannot be told from the data: declined
        ("visits: 010\n", False),  # 8 in YAML 1.1, 10 in 1.2
        ("answer: yes\n", False),
        ("time: 12:30\n", False),
        ("size: 1e3\n", False),
        ("size: 1.5\n", False),  # floats are declined (1e3 is text in YAML 1.1)
        ("when: 2017-07-01\n", False),
        ("flow: {a:1}\n", True),  # the key "a:1" to both (colons inside a word are text)
        ("1: one\n", False),  # a key that is not text
        ("a: &x 1\nb: *x\n", False),
    ],
)
def test_what_the_fast_path_takes(text: str, taken: bool) -> None:
    assert (fast_load(text.encode("utf-8"), text) is not None) is taken
    agrees(text)
