"""Reviewed exceptions: suppression comments in the YAML, and a baseline of known findings.

A comment ``# zjpaoyici: ignore[Q003] 理由`` at the end of a line suppresses those rules'
findings on that line; on a line of its own it applies to the next line, and when that
line starts a record (``- code: …``) to the whole record. The reason is required: a
comment without one suppresses nothing and is itself reported (Q013).

A baseline (``validate --write-baseline FILE``) records today's findings by a
fingerprint that does not depend on line numbers — rule, file, matter code and field —
so that adopting the tool on an untidy catalogue fails only on new findings
(``validate --baseline FILE``), and moving a record within its file changes nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.rules import ruleset  # noqa: F401  (declares the rules named below)
from zjpaoyici.rules.registry import rule_id

# The rules this module reports, by id (their texts live in rules/); `rule_id` fails
# at import on an id no rule has.
SUPPRESSION_WITHOUT_REASON = rule_id("Q013")

_COMMENT = re.compile(r"#\s*zjpaoyici:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")
_RECORD = re.compile(r"^(\s*)- ")
BASELINE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Suppression:
    """One comment: the rules it names, its reason and the lines it covers."""

    rules: tuple[str, ...]
    reason: str
    line: int  # where the comment is (1-based)
    first: int
    last: int

    def covers(self, finding: Finding) -> bool:
        return self.first <= finding.loc.line <= self.last and any(
            finding.rule.startswith(r) for r in self.rules
        )


def parse_suppressions(text: str) -> list[Suppression]:
    """Every suppression comment of a file, with the lines each covers."""
    lines = text.splitlines()
    out: list[Suppression] = []
    for i, line in enumerate(lines):
        match = _COMMENT.search(line)
        if match is None:
            continue
        rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
        reason = match.group(2).strip()
        number = i + 1
        if line[: match.start()].strip():  # after content: this line only
            out.append(Suppression(rules, reason, number, number, number))
            continue
        target = next(
            (j for j in range(i + 1, len(lines)) if lines[j].strip() and not _comment(lines[j])),
            None,
        )
        if target is None:
            continue
        last = target
        record = _RECORD.match(lines[target])
        if record is not None:  # the whole record: until a line indented no deeper
            indent = len(record.group(1))
            for j in range(target + 1, len(lines)):
                stripped = lines[j].strip()
                if not stripped or _comment(lines[j]):
                    continue
                if len(lines[j]) - len(lines[j].lstrip()) <= indent:
                    break
                last = j
        out.append(Suppression(rules, reason, number, target + 1, last + 1))
    return out


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


@dataclass(slots=True)
class Suppressed:
    """A finding left out of the verdict: by a comment in the file or by the baseline."""

    finding: Finding
    severity: Severity
    kind: str  # "inSource" (a comment) or "external" (the baseline), as SARIF names them
    justification: str


def apply_comments(
    findings: list[tuple[Finding, Severity]], read: Callable[[str], str | None]
) -> tuple[list[tuple[Finding, Severity]], list[Suppressed], list[Finding]]:
    """Split ``findings`` into those that stand and those a comment suppresses; also the
    comments without a reason (Q013 findings). ``read(file)`` gives a file's text."""
    by_file: dict[str, list[Suppression]] = {}
    missing_reason: list[Finding] = []
    for file in dict.fromkeys(f.loc.file for f, _ in findings):
        text = read(file)
        comments = parse_suppressions(text) if text else []
        by_file[file] = [c for c in comments if c.reason]
        for c in comments:
            if not c.reason:
                missing_reason.append(
                    Finding(
                        SUPPRESSION_WITHOUT_REASON,
                        Loc(file, c.line, 1),
                        {"rules": ", ".join(c.rules)},
                    )
                )
    kept: list[tuple[Finding, Severity]] = []
    suppressed: list[Suppressed] = []
    for finding, severity in findings:
        match = next((c for c in by_file.get(finding.loc.file, ()) if c.covers(finding)), None)
        if match is None:
            kept.append((finding, severity))
        else:
            suppressed.append(Suppressed(finding, severity, "inSource", match.reason))
    return kept, suppressed, missing_reason


def fingerprint(finding: Finding) -> str:
    """What identifies a finding across edits that only move it: rule, file, matter code,
    field (never a line or column)."""
    params = finding.params
    parts = [finding.rule, finding.loc.file]
    for key in ("code", "field", "path", "key"):
        value = params.get(key)
        parts.append(str(value) if isinstance(value, str | int) else "")
    return "|".join(parts)


def baseline_document(findings: Iterable[tuple[Finding, Severity]]) -> str:
    """The baseline file for ``findings``: fingerprints with how often each occurs."""
    counts = Counter(fingerprint(f) for f, _ in findings)
    data = {
        "tool": "zjpaoyici",
        "baseline": BASELINE_FORMAT,
        "findings": [{"fingerprint": k, "count": n} for k, n in sorted(counts.items())],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class BaselineError(ValueError):
    """A baseline file that cannot be used (not ours, damaged)."""


def read_baseline(path: Path) -> Counter[str]:
    """The fingerprints a baseline file records (``BaselineError`` when it is not one)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(str(exc)) from None
    if not isinstance(data, dict) or data.get("baseline") != BASELINE_FORMAT:
        raise BaselineError("not a zjpaoyici baseline")
    counts: Counter[str] = Counter()
    for item in data.get("findings") or []:
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError("bad entry")
        count = item.get("count", 1)
        counts[item["fingerprint"]] += count if isinstance(count, int) and count > 0 else 1
    return counts


def apply_baseline(
    findings: list[tuple[Finding, Severity]], known: Counter[str]
) -> tuple[list[tuple[Finding, Severity]], list[Suppressed]]:
    """Split ``findings`` into new ones and those the baseline already knows (as many of
    each fingerprint as it recorded)."""
    left = Counter(known)
    new: list[tuple[Finding, Severity]] = []
    old: list[Suppressed] = []
    for finding, severity in findings:
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
            old.append(Suppressed(finding, severity, "external", "baseline"))
        else:
            new.append((finding, severity))
    return new, old
