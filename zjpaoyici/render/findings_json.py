"""Validation findings as JSON (the documented machine format) and as GitHub annotations."""

from __future__ import annotations

from typing import Any

from zjpaoyici import __version__
from zjpaoyici.findings import Severity
from zjpaoyici.i18n import Lang
from zjpaoyici.ops.validate import Result
from zjpaoyici.render.safe import github_data, github_property, json_text
from zjpaoyici.rules.registry import omitted_count
from zjpaoyici.rules.ruleset import REGISTRY, hint_of, message_of, related_of


def as_dict(result: Result, lang: Lang) -> dict[str, Any]:
    """The JSON document described in the README (schema version 1)."""
    return {
        "tool": "zjpaoyici",
        "version": __version__,
        "format": 1,
        "catalogue": result.name,
        "summary": {
            "files": result.files,
            "matters": result.matters,
            "entries": result.entries,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "exit_code": result.exit_code,
        },
        "findings": [
            {
                "rule": f.rule,
                "name": REGISTRY[f.rule].name,
                "severity": sev.value,
                "file": f.loc.file,
                "line": f.loc.line,
                "column": f.loc.col,
                "message": message_of(f, lang),
                "hint": hint_of(f, lang),
                "related": [{"file": r.file, "line": r.line, "column": r.col} for r in f.related],
                # a summary of further findings of this rule in this file (--max-per-rule)
                **({"omitted": omitted_count(f)} if omitted_count(f) else {}),
            }
            for f, sev in result.findings
        ],
        # left out of the verdict by a comment in the file ("inSource") or the baseline
        "suppressed": [
            {
                "rule": s.finding.rule,
                "file": s.finding.loc.file,
                "line": s.finding.loc.line,
                "column": s.finding.loc.col,
                "message": message_of(s.finding, lang),
                "kind": s.kind,
                "justification": s.justification,
            }
            for s in result.suppressed
        ],
    }


def render_json(result: Result, lang: Lang) -> str:
    return json_text(as_dict(result, lang)) + "\n"


_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_github(result: Result, lang: Lang) -> str:
    """GitHub Actions workflow commands: one ``::error file=…,line=…,col=…::`` per finding."""
    lines = []
    for f, sev in result.findings:
        rule = REGISTRY[f.rule]
        message = message_of(f, lang)
        hint = hint_of(f, lang)
        if hint:
            message += f"\n{hint}"
        message += "".join(f"\n{line}" for line in related_of(f, lang))
        props = ",".join(
            [
                f"file={github_property(f.loc.file)}",
                f"line={f.loc.line}",
                f"col={f.loc.col}",
                f"title={github_property(f'{f.rule} {rule.name}')}",
            ]
        )
        lines.append(f"::{_GH_LEVEL[sev]} {props}::{github_data(message)}")
    return "".join(line + "\n" for line in lines)
