"""One i18n policy: the language is chosen in zjpaoyici/i18n.py only. Elsewhere a text
is a ``t()`` key of the MESSAGES table (``Bi`` pairs belong to rule definitions)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "zjpaoyici"

# a comparison with a language code: lang == "zh", HELP_LANG != "zh", "en" == language
LANG_COMPARISON = re.compile(r"""(==|!=)\s*["'](zh|en)["']|["'](zh|en)["']\s*(==|!=)""")
BI_CALL = re.compile(r"\bBi\(")

# Being converted to t() keys by other people (issue 15); each leaves this list then.
NOT_YET_CONVERTED = {
    "files/reader.py",
    "catalogue/schemas.py",
    "catalogue/load.py",
    "catalogue/fields.py",
    "ops/explode.py",
    "ops/tabular/cells.py",
    "ops/tabular/importer.py",
    "ops/tabular/mapping.py",
    "ops/tabular/sources.py",
}
# transports Bi values (finding parameters) through the cache, so it builds them
BI_TRANSPORT = {"ops/codec.py"}


def _offending(pattern: re.Pattern[str], allowed: set[str]) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "i18n.py" or rel in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_no_language_comparison_outside_i18n() -> None:
    assert _offending(LANG_COMPARISON, NOT_YET_CONVERTED) == []


def test_no_bilingual_pair_outside_rules_and_i18n() -> None:
    rules = {p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "rules").rglob("*.py")}
    assert _offending(BI_CALL, NOT_YET_CONVERTED | BI_TRANSPORT | rules) == []


def test_the_policy_checks_see_what_they_look_for() -> None:
    """The patterns find the shapes they forbid, so a passing check means something."""
    for line in ('x if lang == "zh" else y', "HELP_LANG != 'zh'", '"en" == language'):
        assert LANG_COMPARISON.search(line), line
    assert not LANG_COMPARISON.search('t("list_sep", lang)')
    assert BI_CALL.search('LEVELS = {"city": Bi("设区市", "city")}')
    assert not BI_CALL.search("def both(key: str) -> Bi:")
    assert (PACKAGE / "i18n.py").is_file() and (PACKAGE / "rules").is_dir()
    for rel in NOT_YET_CONVERTED | BI_TRANSPORT:
        assert (PACKAGE / rel).is_file(), rel  # a renamed file must leave the list
