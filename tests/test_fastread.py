"""The fast path reads exactly what the exact path reads, or declines."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import zjpaoyici.catalogue.fastread as fastread
from tests.conftest import REPO
from tests.test_yamlio import TRICKY
from zjpaoyici.catalogue.fastread import fast_load
from zjpaoyici.catalogue.load import read_checked
from zjpaoyici.catalogue.paths import plan_files
from zjpaoyici.files.reader import DEFAULT_LIMITS, parse_text


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
    from zjpaoyici.ops.validate import validate_catalogue

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
    from zjpaoyici.files.reader import odd_space_in
    from zjpaoyici.rules.quality import _ODD_SPACE

    if any(_ODD_SPACE.search(v) for v in values):
        assert odd_space_in({"matters": [{"name": v} for v in values]}), values


def test_a_clean_document_is_not_walked_for_spaces() -> None:
    from zjpaoyici.files.reader import odd_space_in

    assert not odd_space_in({"name": "食品经营许可“新办”", "visits": 0, "codes": ["01", "a b"]})


def test_fast_path_leaves_the_shared_schema_as_written() -> None:
    """Compiling must not rewrite the shared schema, whose property order ``fmt`` follows."""
    import json

    from zjpaoyici.catalogue import schemas
    from zjpaoyici.catalogue.schemas import KIND_SCHEMA, load_schema

    before = json.dumps(load_schema(KIND_SCHEMA["implementation"]))
    schemas._compiled.cache_clear()
    schemas._compiled(KIND_SCHEMA["implementation"])
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


# --- real-shaped files (issue 17): what catalogues people write hold --------------------

GUIDE = (
    "受理条件：申请人应当为依法设立的法人（或者其他组织）；\n"
    "办理流程：（1）网上申报；（2）窗口核验。\n"
    "咨询电话：0571-87001234；咨询邮箱：scjg@hangzhou.gov.cn\n"
    "网办地址：https://www.zjzwfw.gov.cn/zjservice/item/detail/index.do?localInnerCode=3a1&webId=1\n"
    "常见问题：营业执照遗失的能否办理? 可以，凭登报声明先行受理。满意率 98.5%！"
)


def _block(indicator: str, body: str, indent: str = "    ") -> str:
    return f"note: {indicator}\n" + "".join(f"{indent}{line}\n" for line in body.split("\n"))


REAL_SHAPED = [
    # a URL, an e-mail, %, ?, & and full-width punctuation in plain scalars
    "note: 网办地址：https://www.zjzwfw.gov.cn/a/b.do?c=1&d=2#top\n",
    "contact: 咨询邮箱 scjg@hangzhou.gov.cn，电话 0571-87001234\n",
    "fee: {charged: true, standard: 按评估价的0.5%收取，最高不超过5000元}\n",
    "faq: 能否先行办理? 可以！\n",
    "links: [https://a.gov.cn/x?y=1, http://b.gov.cn:8080/z]\n",
    "map: {url: https://a.gov.cn/x?y=1&z=2, mail: a@b.cn}\n",
    "ratio: 5%\nquestion: 是否?\n",
    # block scalars with every chomping indicator, in mappings and lists
    *(
        'matters:\n  - code: "许可-00802-001"\n    '
        + _block(ind, GUIDE, "      ")
        + "    visits: 0\n"
        for ind in ("|", "|-", "|+", ">", ">-", ">+")
    ),
    "list:\n  - |\n    第一行\n\n    第三行\n  - >-\n    折叠\n    成一行\n",
    "note: >\n  第一段\n  继续\n\n  第二段\n    缩进的行保留\n  结尾\n",
    "note: |  # 办事指南\n  # 这一行是文字，不是注释\n  正文\n",
    # comments between, inside and after records
    '# 实施清单\nmatters:\n  # —— 第一条 ——\n  - code: "01"  # 编码\n    # 材料\n'
    "    materials:\n      # 以办事指南为准\n      - {name: 申请书, copies: 1}  # 原件\n"
    '  # —— 第二条 ——\n  - code: "02"\n',
    # quoted strings with escapes, both styles
    'name: "食品\\"经营\\"许可\\u4e2d\\x41\\/"\n',
    "name: '它''s 许可'\n",
    'path: "C:\\\\目录\\\\文件"\n',
    'folded: "第一行\n  第二行\\\n  接上"\n',
    # flow collections, nested and across lines
    "levels: [province, city, county]\nlimit: {days: 20, unit: working}\n",
    "m: {a: [x, y], b: {c: d}}\n",
    "list:\n  - |\n  - x\n",  # an empty block scalar among other items: "" to both
]


@pytest.mark.parametrize("text", REAL_SHAPED)
def test_real_shaped_files_take_the_fast_path(text: str) -> None:
    """URLs, e-mails, block scalars, comments, %, ?, escapes and flow collections are
    read by the fast path (each case is valid YAML 1.1), to exactly the exact reader's data."""
    assert fast_load(text.encode("utf-8"), text) is not None, text
    agrees(text)


YAML11_TRAPS = [
    "answer: yes\n",
    "switch: on\n",
    "flag: Off\n",
    "visits: 010\n",
    "visits: 0789\n",
    "mode: 0o17\n",
    "phone: [0571, x]\n",
    "time: 12:30\n",
    "time: 190:20:30\n",
    "count: 1_000\n",
    "when: 2017-07-01\n",
    "size: 1e3\n",
    "ratio: .5\n",
    "<<: {a: 1}\n",
    "=: 1\n",
    "value: =\n",
    'bell: "\\a"\n',
    'nel: "\\N"\n',
    'sep: "\\L"\n',
    "empty: |\n",
    "empty: >+\n\nnext: 1\n",
    "last: |\n  no final line break",
    "anchor: &a 1\nalias: *a\n",
    "tagged: !!str 1\n",
    "? complex\n: key\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: @reserved\n",
    "indent: |2\n   x\n",
    # a flow collection over several lines (yaml_rs takes a key spread over lines)
    "materials:\n  - {name: 申请书,\n     note: 须签字}\n",
    "k0: {a\n  k1: }\n",
    "map: {a0: 0:?}\n",
]


@pytest.mark.parametrize("trap", YAML11_TRAPS)
@pytest.mark.parametrize("where", ["alone", "in a real-shaped file"])
def test_yaml_1_1_specifics_are_still_caught(trap: str, where: str) -> None:
    """What YAML 1.1 reads differently from yaml_rs (or turns into a finding) is declined,
    also among URLs and block scalars that the fast path now takes."""
    text = trap if where == "alone" else REAL_SHAPED[0] + _block("|-", GUIDE, "  ") + trap
    assert fast_load(text.encode("utf-8"), text) is None, text
    agrees(text)


BLOCK_LINE = st.one_of(
    st.just(""),
    st.sampled_from(["  ", "   ", "#x", "- y", "k: v", "a b", "…", "x@y.cn", "5%", "是否?"]),
    st.text(alphabet="ab 中:#-?%&@'\"\\|>", min_size=1, max_size=6),
)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["|", "|-", "|+", ">", ">-", ">+", "| # c", ">- #c"]),
            st.lists(st.tuples(st.integers(-1, 3), BLOCK_LINE), max_size=5),
            st.booleans(),
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["\n", "", "\n\n", "\n  \n"]),
)
def test_block_scalars_agree_or_decline(
    blocks: list[tuple[str, list[tuple[int, str]], bool]], end: str
) -> None:
    """Block scalars with every chomping indicator, odd indentation, blank and space-only
    lines, in mappings and lists, at the end of the file with or without a line break."""
    lines: list[str] = []
    for i, (header, body, listed) in enumerate(blocks):
        base = 4 if listed else 2
        lines += [f"s{i}:", f"  - {header}"] if listed else [f"k{i}: {header}"]
        for shift, line in body:
            lines.append(" " * (base + shift) + line if line else "")
    agrees("\n".join(lines) + end)


def _suite_cases() -> list[tuple[str, bool, str]]:
    import json

    path = REPO / "tests" / "data" / "yaml-test-suite" / "cases.json"
    cases = json.loads(path.read_text(encoding="utf-8"))
    return [(key, case["valid"], case["yaml"]) for key, case in sorted(cases.items())]


SUITE = _suite_cases()


def test_yaml_test_suite_cases_decline_or_agree() -> None:
    """Every input of the YAML test suite (tests/data/yaml-test-suite): the fast path
    declines or reads exactly what the exact reader reads, and it never takes an input
    the suite marks as an error."""
    from zjpaoyici.files.reader import _Abort, _decode

    taken = 0
    for key, valid, text in SUITE:
        raw = text.encode("utf-8")
        try:
            decoded = _decode(raw, "t.yaml")
        except _Abort:
            continue  # refused before any parser runs (a control character, …)
        fast = fast_load(raw, decoded)
        if fast is None:
            continue
        taken += 1
        assert valid, key
        exact, findings = parse_text(decoded, Path("t.yaml"), "t.yaml")
        assert exact is not None and not findings, (key, findings)
        assert same(fast, exact.data), (key, fast, exact.data)
    assert len(SUITE) == 402 and taken >= 25  # most inputs are not a mapping or use tags


def test_a_real_shaped_generated_catalogue_reads_the_same_both_ways(tmp_path: Path) -> None:
    """The benchmark generator's real-shaped files (block-scalar guides with URLs and
    e-mails, comments, %, ?) all take the fast path and read as the exact path reads them."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from gen_province import generate

    root = tmp_path / "gen"
    generate(root, cities=1, counties_per_city=1)
    implementations = sorted((root / "implementations").rglob("*.yaml"))
    assert any("https://" in p.read_text(encoding="utf-8") for p in implementations)
    for path in implementations:
        fast_doc, _, fast_findings = read_checked(path, None, DEFAULT_LIMITS, root, fast=True)
        exact_doc, _, exact_findings = read_checked(path, None, DEFAULT_LIMITS, root)
        assert fast_doc is not None and exact_doc is not None
        assert fast_doc.pending is not None, path  # read by the fast path
        assert same(fast_doc.data, exact_doc.data), path
        assert fast_findings == exact_findings == []


@pytest.mark.parametrize(
    ("data", "walked"),
    [
        ({"matters": [{"note": "受理条件：…\n办理流程：…"}]}, False),  # a block scalar's guide
        ({"matters": [{"name": "食品经营许可\n（新办）"}]}, True),  # a break in a one-line field
        ({"note": "\n开头换行"}, True),
        ({"note": "末尾换行\n"}, False),  # a | block scalar's one final break (clip)
        ({"note": "末尾两个换行\n\n"}, True),
        ({"note": "末尾空格 \n"}, True),
        ({"note": "制表\t符"}, True),
        ({"note": 'a\\"b', "unit": "x\ny"}, True),
        ({"items": ["第一行\n第二行"], "type": "行政许可"}, False),
    ],
)
def test_multi_line_texts_do_not_make_every_file_walked(data: Any, walked: bool) -> None:
    """Line breaks inside free text (notes written as block scalars) are not stray
    whitespace; at a text's edge or in a one-line field they are."""
    from zjpaoyici.files.reader import odd_space_in

    assert odd_space_in(data) is walked


def test_generator_shapes_differ_in_writing_only(tmp_path: Path) -> None:
    """``--plain`` and the real shape hold the same entries with the same facts; the real
    shape adds URLs, e-mails, block scalars and comments and varies the file layout."""
    import sys

    import yaml as pyyaml

    sys.path.insert(0, str(REPO / "benchmarks"))
    from gen_province import generate

    facts: dict[str, dict[tuple[str, str], tuple[Any, ...]]] = {}
    texts: dict[str, str] = {}
    for shape in ("plain", "real"):
        root = tmp_path / shape
        generate(root, cities=1, counties_per_city=2, plain=shape == "plain")
        seen: dict[tuple[str, str], tuple[Any, ...]] = {}
        for path in sorted((root / "implementations").glob("*/[!_]*.yaml")):
            data = pyyaml.load(path.read_text(encoding="utf-8"), Loader=pyyaml.CSafeLoader)
            for e in data["matters"]:
                fee = e["fee"]["charged"]
                keys = ("visits", "promised_limit", "case_type", "online", "annual_cases")
                materials = [(m["name"], m["required"], m["copies"]) for m in e["materials"]]
                seen[(data["region"], e["code"])] = (*(e.get(k) for k in keys), fee, materials)
        facts[shape] = seen
        texts[shape] = "".join(
            p.read_text(encoding="utf-8") for p in sorted(root.rglob("implementations/*/*.yaml"))
        )
    assert facts["plain"] == facts["real"] and len(facts["real"]) > 3000
    for marker in ("https://www.zjzwfw.gov.cn/", ".gov.cn\n", "note: |-", "  # ", "%", "?"):
        assert marker in texts["real"], marker
    for marker in ("https://", "note: |", "  # "):
        assert marker not in texts["plain"], marker
    layouts = {
        len(list(p.glob("[!_]*.yaml"))) for p in (tmp_path / "real" / "implementations").iterdir()
    }
    assert 1 in layouts and 30 in layouts  # one big file, thirty small ones


@pytest.mark.parametrize(
    "raw",
    [
        b"a: " + b"[" * 200_000 + b"]" * 200_000 + b"\n",  # deep flow nesting on one line
        b"a: " + b": | # " * 500_000 + b"\n",  # block headers inside one long comment
        b"a: " + b" 0" + b"1" * 1_000_000 + b"x\n",
        b"a: |" + b" " * 2_000_000 + b"x\n",
    ],
    ids=["nesting", "headers", "digits", "spaces"],
)
def test_the_pre_checks_stay_fast_on_hostile_lines(raw: bytes) -> None:
    """No check backtracks or loops per nesting level: hostile lines cost one pass."""
    import time

    start = time.perf_counter()
    fastread._source_safe(raw)
    assert time.perf_counter() - start < 2.0


def test_a_bar_glued_to_a_hash_is_no_block_header() -> None:
    """Found by hypothesis: ``{a0: |#}`` is a syntax error for libyaml; the fast path
    must decline it rather than read it."""
    for text in ("map: {a0: |#}\n", "a: |#\n  x\n", "a: >#c\n  x\n"):
        agrees(text)
