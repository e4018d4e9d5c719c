"""One i18n policy: the language is chosen in zjpaoyici/i18n.py only. Elsewhere a text
is a ``t()`` key of the MESSAGES table; ``Bi`` pairs of written text belong to rule
definitions (code may still build a ``Bi`` from values, e.g. a schema's two titles)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "zjpaoyici"

# a comparison with a language code: lang == "zh", HELP_LANG != "zh", "en" == language
LANG_COMPARISON = re.compile(r"""(==|!=)\s*["'](zh|en)["']|["'](zh|en)["']\s*(==|!=)""")
# a pair of written texts: Bi("…", …) or Bi(f"…", …)
BI_CALL = re.compile(r"""\bBi\(\s*[rfbuRFBU]*["']""")


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
    assert _offending(LANG_COMPARISON, set()) == []


def test_no_bilingual_pair_outside_rules_and_i18n() -> None:
    rules = {p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "rules").rglob("*.py")}
    assert _offending(BI_CALL, rules) == []


def test_the_policy_checks_see_what_they_look_for() -> None:
    """The patterns find the shapes they forbid, so a passing check means something."""
    for line in ('x if lang == "zh" else y', "HELP_LANG != 'zh'", '"en" == language'):
        assert LANG_COMPARISON.search(line), line
    assert not LANG_COMPARISON.search('t("list_sep", lang)')
    assert BI_CALL.search('LEVELS = {"city": Bi("设区市", "city")}')
    assert BI_CALL.search('x = Bi(f"已按文字“{raw}”处理", f"treated as {raw}")')
    assert not BI_CALL.search("def both(key: str) -> Bi:")
    assert not BI_CALL.search("return Bi(zh, str(schema.get('x-title-en', zh)))")
    assert (PACKAGE / "i18n.py").is_file() and (PACKAGE / "rules").is_dir()
