"""The fast path's byte checks give the exact regexes' answer with hyperscan and without.

Hyperscan scans with a *superset* of each exact regex (no look-around) and every shape
it reports is confirmed by ``re``; without it each regex runs alone. Both must name
exactly the shapes whose exact regex matches, on every input: the YAML test suite, the
real exports in tests/data (as written and in the compact JSON form the data checks
read) and generated strings over the bytes the shapes look at.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from zjpaoyici.catalogue import fastread
from zjpaoyici.files import reader
from zjpaoyici.files.scanset import ScanSet

REPO = Path(__file__).resolve().parents[1]
SETS = {
    "decline (YAML source)": fastread._DECLINE,
    "decline (JSON data)": fastread._DATA_DECLINE,
    "odd space (JSON data)": reader._ODD_SPACE,
}
PLAIN = {name: ScanSet(s.shapes, use_hyperscan=False) for name, s in SETS.items()}


def _brute(scan: ScanSet, data: bytes) -> list[int]:
    return [i for i, s in enumerate(scan.shapes) if s.exact.search(data) is not None]


def _agree(data: bytes) -> None:
    for name, scan in SETS.items():
        expected = _brute(scan, data)
        assert scan.matching(data) == expected, (name, data[:200])
        assert PLAIN[name].matching(data) == expected, (name, data[:200])
        assert scan.any(data) is bool(expected)


def test_hyperscan_is_in_use_where_it_has_a_wheel() -> None:
    """CI's Linux x86-64 machine installs hyperscan (pinned): the accelerated path is the
    one measured and tested there."""
    import platform
    import sys

    if sys.platform == "linux" and platform.machine() == "x86_64":
        assert all(s.accelerated for s in SETS.values())
    assert not any(s.accelerated for s in PLAIN.values())


def test_yaml_test_suite_inputs() -> None:
    cases = json.loads((REPO / "tests/data/yaml-test-suite/cases.json").read_text("utf-8"))
    for case in cases.values():
        _agree(case["yaml"].encode("utf-8"))
    assert len(cases) == 402


def _real_files() -> list[Path]:
    data = REPO / "tests" / "data"
    return sorted(p for p in data.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def test_real_exports_as_written_and_as_json() -> None:
    files = _real_files()
    assert len(files) >= 20
    for path in files:
        raw = path.read_bytes()
        _agree(raw)
        try:
            data = yaml.safe_load(raw) if path.suffix != ".json" else json.loads(raw)
            encoded = orjson.dumps(data)
        except (yaml.YAMLError, ValueError, TypeError):
            continue
        _agree(encoded)


# The bytes the shapes look at, plus text around them
_PIECES = [
    *"\n\r ,:[]{}\"'&*!%@`?|>#-+._0123456789oOeEnfbu<=\\",
    *("\\n", "\\u00", "---", "...", ".inf", ".NaN", '"<<":', '"=":', '"name":"', "\u3000"),
    *("\u00a0", "\u0085", "\u2028", "\u200b", "\u2060", "\u061c", "\ufeff", "\u1680", "中"),
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=24))
def test_generated_strings(pieces: list[str]) -> None:
    _agree("".join(pieces).encode("utf-8"))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \n,:[{]\"'|>#-+._0o9e\\n", max_size=10))
def test_generated_dense_strings(text: str) -> None:
    """A few structural bytes, densely: each shape's look-around cases meet often."""
    _agree(text.encode("utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        b"k: a, , b\n",  # an empty flow entry
        b"k: &a x\n",
        b"k: 'a':1\n",
        b"k: x |\n",
        b"k: |2\n  x\n",
        b"k: 0701\n",
        b"k: 0o17\n",
        b"k: [-01]\n",
        b"k: .inf\n",
        b"k: 1_0\n",
        b'{"a":"  x"}',
        b'{"name":"a\\nb"}',
        b'{"a":"\\n\\n"}',
        b'{"a":[1]}',
    ],
)
def test_known_shapes_are_found(text: bytes) -> None:
    """Inputs each shape exists for are found, both ways."""
    _agree(text)
    assert any(_brute(scan, text) for scan in SETS.values())
