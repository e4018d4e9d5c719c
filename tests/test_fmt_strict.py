"""The quick "already canonical" verdict of ``fmt`` (files/strict.py + fmt.already_canonical).

It may only ever say yes where the round trip would leave the text unchanged; saying "not
known" is always safe. Checked on the sample, on a real-shaped generated province, on
seeded mutations of both (spacing, indentation, quotes, comments, blank lines, block
headers, order), and construct by construct against PyYAML."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from zjpaoyici.catalogue.codes import ZHEJIANG
from zjpaoyici.catalogue.load import read_checked
from zjpaoyici.files.reader import DEFAULT_LIMITS, Document
from zjpaoyici.files.strict import read_strict, same
from zjpaoyici.ops.fmt import already_canonical, round_trip_format
from zjpaoyici.rules.registry import blocks_rewrite

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "catalog"


def _read(path: Path) -> tuple[Document, str] | None:
    doc, kind, findings = read_checked(path, None, DEFAULT_LIMITS, fast=True)
    if doc is None or kind is None or any(blocks_rewrite(f) for f in findings):
        return None
    return doc, kind


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_province import generate

    root = tmp_path_factory.mktemp("province") / "catalogue"
    generate(root, cities=1, counties_per_city=1)
    return root


def test_the_strict_reader_reads_every_sample_and_generated_file_as_the_safe_reader(
    province: Path,
) -> None:
    files = sorted(SAMPLE.rglob("*.yaml")) + sorted(province.rglob("*.yaml"))
    assert len(files) > 400
    for path in files:
        read = _read(path)
        assert read is not None, path
        doc, kind = read
        strict = read_strict(path.read_text(encoding="utf-8-sig"))
        assert strict is not None, path
        assert same(strict[0], doc.data), path
        # both are already canonical (the sample is kept canonical, the generator writes so)
        assert already_canonical(path.read_text(encoding="utf-8-sig"), kind, ZHEJIANG, doc)


MUTATIONS = (
    "indent+",
    "indent-",
    "eol-space",
    "colon-space",
    "swap",
    "single-quote",
    "unquote",
    "comment",
    "blank-spaces",
    "flow-space",
    "block-header",
    "trailing-space",
    "blank",
    "seq-indent",
    "eol-comment",
    "split-value",
    "colon-comment",
    "end-comment",
)


def _mutate(text: str, rng: random.Random) -> str | None:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    line = lines[i]
    kind = rng.choice(MUTATIONS)
    body = line.strip()
    if kind == "indent+":
        lines[i] = " " + line
    elif kind == "indent-" and line.startswith(" "):
        lines[i] = line[1:]
    elif kind == "eol-space" and " #" in line:
        lines[i] = line.replace(" #", "  #", 1)
    elif kind == "colon-space" and ": " in line:
        lines[i] = line.replace(": ", ":  ", 1)
    elif kind == "swap" and i + 1 < len(lines):
        lines[i], lines[i + 1] = lines[i + 1], line
    elif kind == "single-quote" and '"' in line:
        lines[i] = line.replace('"', "'", 2)
    elif kind == "unquote" and '"' in line:
        lines[i] = line.replace('"', "", 2)
    elif kind == "comment":
        lines.insert(i, " " * rng.randrange(9) + "# 注释")
    elif kind == "blank-spaces":
        lines.insert(i, " " * rng.randrange(3))
    elif kind == "flow-space" and "{" in line:
        lines[i] = line.replace("{", "{ ", 1)
    elif kind == "block-header" and line.endswith(("|-", ">-")):
        lines[i] = line[:-2] + rng.choice(["|", ">", "|+", ">-", "|-"])
    elif kind == "trailing-space":
        lines[i] = line + " "
    elif kind == "blank":
        lines.insert(i, "")
    elif kind == "seq-indent" and body.startswith("- "):
        lines[i] = "  " + line
    elif kind == "eol-comment" and body and not body.startswith("#"):
        lines[i] = line + " " * rng.randrange(1, 4) + "# 尾注"
    elif kind == "split-value" and ": " in line and not body.startswith("#"):
        key, value = line.split(": ", 1)
        lines[i : i + 1] = [key + ":", " " * (len(key) - len(key.lstrip()) + 2) + value]
    elif kind == "colon-comment" and line.endswith(":"):
        lines[i] = line + "  # 说明"
    elif kind == "end-comment":
        lines.insert(len(lines) - 1, " " * rng.randrange(5) + "# 结尾")
    else:
        return None
    return "\n".join(lines)


def test_a_quick_yes_is_always_a_fixed_point_of_the_round_trip(
    province: Path, tmp_path: Path
) -> None:
    """Seeded mutations of small sample and generated files: wherever the quick check says
    "canonical", the round trip must give the very same text. Both answers must occur."""
    rng = random.Random(20261207)
    bases = [p for p in sorted(SAMPLE.rglob("*.yaml")) if p.stat().st_size < 40_000][::3]
    generated = sorted((province / "implementations").rglob("*.yaml"))
    bases += [p for p in generated if p.stat().st_size < 60_000][:3]
    quick = slow = 0
    probe = tmp_path / "probe.yaml"
    for base in bases:
        original = _read(base)
        assert original is not None
        kind = original[1]
        text = base.read_text(encoding="utf-8-sig")
        for _ in range(8):
            mutated = _mutate(text, rng)
            if mutated is not None and rng.random() < 0.5:
                mutated = _mutate(mutated, rng)
            if mutated is None:
                continue
            probe.write_text(mutated, encoding="utf-8")
            read = _read(probe)
            if read is None:
                continue
            if not already_canonical(mutated, kind, ZHEJIANG, read[0]):
                slow += 1
                continue
            quick += 1
            assert round_trip_format(mutated, kind, ZHEJIANG, read[0]) == mutated, base
    assert quick > 50 and slow > 50, (quick, slow)


@pytest.mark.parametrize(
    "text",
    [
        "a: 'single'\n",
        'a: "esc\\n"\n',
        "a: yes\n",
        "a: 0777\n",
        "a: 2024-01-01\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: plain\n  continued\n",
        "a:\tb\n",
        "a: b\r\n",
        "a:  b\n",
        "a: b \n",
        "a: {b: 1}  # comment\n",
        "a: |+\n  keep\n",
        "a: |2\n  x\n",
        "a: >-\n  x\n    more\n",
        "---\na: 1\n",
        "a:\n",
        "\na: 1\n",
        "a: 1\n\n",
        "a: 1",
        "a: { b: 1}\n",
        "a: [1,2]\n",
        "- - 1\n",
        "a: 1\na: 2\n",
    ],
)
def test_anything_outside_the_house_layout_is_not_read(text: str) -> None:
    assert read_strict(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: -2\nc: 1.5\nd: true\ne: null\nf: 文字\n",
        'a: "330106"\nb: {c: "x", d: [1, 2], e: {}}\nf: []\n',
        "a:\n  - b: 1\n    c: 网办地址：https://x.gov.cn/a?b=1&c=2\n  - 是否需要原件? 是\n",
        "a: |-\n  第一行\n\n  第三行\nb: >-\n  折叠 一\n  折叠 二\n\n  新段\nc: |\n  末行\n",
        "# head\na:  # why\n  b: 0  # 跑零次\n  # between\n  c: 电话 0571-1234\n",
    ],
)
def test_the_house_layout_reads_as_pyyaml_reads_it(text: str) -> None:
    strict = read_strict(text)
    assert strict is not None
    assert same(strict[0], yaml.safe_load(text))


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ({"a": 1, "b": [1, "x"]}, {"a": 1, "b": [1, "x"]}, True),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),  # key order
        ([1], [True], False),
        ([1], [1.0], False),
        ({"v": None}, {"v": float("nan")}, False),  # orjson writes both as null
        ([None], [float("inf")], False),
        ({1: "a"}, {1: "a"}, True),  # a key that is not text: value by value
        ({"v": 2**70}, {"v": 2**70}, True),
    ],
)
def test_same_keeps_types_order_and_nan_apart(a: Any, b: Any, equal: bool) -> None:
    """``same`` compares compact JSON in C, yet never calls data equal that differ in
    type, key order, or a NaN or infinity behind ``null``."""
    assert same(a, b) is equal


def test_a_flat_flow_map_reads_as_the_general_flow_path_reads_it(
    province: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-match path for flow maps of scalars (materials, limits, online depth) gives
    the data and quoted places the general path gives, or both leave the house layout:
    seeded mutations of the generated flow-map lines, in a block map and in a list."""
    from zjpaoyici.files import strict

    rng = random.Random(20261207)
    lines = [
        line.strip(" -")
        for path in sorted((province / "implementations").rglob("*.yaml"))
        for line in path.read_text(encoding="utf-8").split("\n")
        if ": {" in line or line.lstrip(" ").startswith("- {")
    ]
    assert len(lines) > 100
    lines += ['{name: "申请书", required: true, note: "甲, 乙 #丙"}', '{days: 5, unit: "working"}']
    lines += [re.sub(r": ([^,{}]+)", r': "\1"', line, count=1) for line in lines[::50]]
    pieces = [*' #,"{}[]:\\-0123456789.|>&*!?%@`~', "yes", "null", "1.5", ": ", ", ", " #"]
    pieces += ['""', '"', "中"]
    texts = []
    for _ in range(4000):
        chars = list(rng.choice(lines))
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5:
                chars.insert(at, rng.choice(pieces))
            elif chars:
                chars.pop(min(at, len(chars) - 1))
        line = "".join(chars)
        texts += [f"k:\n  - {line}\n", f"k: {line.partition(': ')[2]}\n"]
    flat = [read_strict(text) for text in texts]
    monkeypatch.setattr(strict, "_FLAT_FLOW_MAP", re.compile(r"(?!)"))  # never matches
    general = [read_strict(text) for text in texts]
    assert sum(r is not None for r in flat) > 1000 and sum(r is None for r in flat) > 1000
    for text, a, b in zip(texts, flat, general, strict=True):
        assert (a is None) == (b is None), text
        if a is not None and b is not None:
            assert same(a[0], b[0]) and a[1] == b[1], text
