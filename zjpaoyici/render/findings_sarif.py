"""Validation findings as SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from zjpaoyici import __version__
from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Lang
from zjpaoyici.ops.suppress import Suppressed
from zjpaoyici.ops.validate import Result
from zjpaoyici.render.safe import json_text
from zjpaoyici.rules.ruleset import REGISTRY, hint_of, message_of

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _location(loc: Loc) -> dict[str, Any]:
    return {
        "physicalLocation": {
            # errors="surrogateescape": a file name that is not UTF-8 keeps its bytes (%FF)
            "artifactLocation": {
                "uri": quote(loc.file.replace("\\", "/"), errors="surrogateescape")
            },
            "region": {"startLine": max(loc.line, 1), "startColumn": max(loc.col, 1)},
        }
    }


def render_sarif(result: Result, lang: Lang) -> str:
    ids = sorted(REGISTRY)
    index = {rid: i for i, rid in enumerate(ids)}
    rules = [
        {
            "id": rid,
            "name": REGISTRY[rid].name,
            "shortDescription": {"text": REGISTRY[rid].title.get(lang)},
            "fullDescription": {"text": REGISTRY[rid].why.get(lang)},
            "defaultConfiguration": {"level": _LEVEL[REGISTRY[rid].severity]},
        }
        for rid in ids
    ]
    results = []
    shown: list[tuple[Finding, Severity, Suppressed | None]] = [
        (f, sev, None) for f, sev in result.findings
    ]
    shown += [(s.finding, s.severity, s) for s in result.suppressed]
    for f, sev, suppressed in shown:
        text = message_of(f, lang)
        hint = hint_of(f, lang)
        entry: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[sev],
            "message": {"text": f"{text} {hint}".strip()},
            "locations": [_location(f.loc)],
        }
        if f.related:
            entry["relatedLocations"] = [{"id": i, **_location(r)} for i, r in enumerate(f.related)]
        if suppressed is not None:  # SARIF's own way to say "reviewed, not counted"
            entry["suppressions"] = [
                {"kind": suppressed.kind, "justification": suppressed.justification}
            ]
        if result.baseline:
            known = suppressed is not None and suppressed.kind == "external"
            entry["baselineState"] = "unchanged" if known else "new"
        results.append(entry)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "zjpaoyici",
                        "version": __version__,
                        "informationUri": "https://github.com/zjpaoyici/zjpaoyici",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json_text(doc) + "\n"
