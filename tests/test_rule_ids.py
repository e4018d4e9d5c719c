"""Rule ids are named in one place: code outside ``rules/`` refers to a rule only through a
module-level ``NAME = rule_id("X000")`` declaration, which fails at import on an unknown id;
what a rule means elsewhere (unreadable, blocks a rewrite, the machine's fault) is asked of
the registry."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

import zjpaoyici
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.rules.registry import blocks_rewrite, environment_failures, rule_id, unread_files
from zjpaoyici.rules.ruleset import REGISTRY

PACKAGE = Path(zjpaoyici.__file__).resolve().parent
RULE_ID = re.compile(r"""^[rbuRBU]*(['"])[YSCRLQB]\d{3}\1$""")
DECLARATION = re.compile(r"""^[A-Z][A-Z0-9_]* = rule_id\("[YSCRLQB]\d{3}"\)$""")


def stray_rule_ids(package: Path) -> list[str]:
    """``file:line`` of every string literal that is exactly a rule id, outside ``rules/``
    and outside a ``rule_id`` declaration."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if rel.parts[0] in ("rules", "_data"):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING and RULE_ID.match(tok.string):
                line = lines[tok.start[0] - 1]
                if not DECLARATION.match(line):
                    found.append(f"{rel}:{tok.start[0]}")
    return found


def test_no_rule_id_literal_outside_rules_and_declarations() -> None:
    assert stray_rule_ids(PACKAGE) == []


def test_a_stray_rule_id_is_caught(tmp_path: Path) -> None:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "x.py").write_text(
        'OK = rule_id("Y015")\nbad = [f for f in found if f.rule == "Y015"]\n', "utf-8"
    )
    assert stray_rule_ids(tmp_path) == ["ops/x.py:2"]


def test_an_unknown_id_fails_at_once() -> None:
    assert rule_id("Y015") == "Y015"
    with pytest.raises(LookupError, match="Y999"):
        rule_id("Y999")


def test_rule_facts_drive_what_the_program_does_with_a_finding() -> None:
    at = Loc("a.yaml", 1, 1)
    unreadable = {rid for rid, r in REGISTRY.items() if r.unreadable}
    # every unreadable problem is a reading (Y) problem and blocks a rewrite
    assert unreadable and all(rid[0] == "Y" and REGISTRY[rid].blocks_rewrite for rid in unreadable)
    assert unread_files([Finding("Y001", at), Finding("Y002", Loc("b.yaml", 2, 1))]) == ["a.yaml"]
    # a duplicate key leaves the file readable but unsafe to rewrite; an implicit type
    # (Y006) is restored to the author's text, so the file may be rewritten
    assert blocks_rewrite(Finding("Y002", at)) and not blocks_rewrite(Finding("Y006", at))
    assert not blocks_rewrite(Finding("Q001", at))
    # only the OS refusing a file is the machine's fault
    assert [rid for rid, r in REGISTRY.items() if r.environment] == ["Y015"]
    assert environment_failures([Finding("Y015", at), Finding("Y001", at)]) == 1
