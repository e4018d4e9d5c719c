"""``zjpaoyici cases --format json``: every figure, the unmatched cases and the K findings.
Shares are unrounded fractions (null: no case where the fact is known)."""

from __future__ import annotations

from typing import Any

from zjpaoyici import __version__
from zjpaoyici.i18n import Lang
from zjpaoyici.ops.cases.figures import CaseAnalysis
from zjpaoyici.ops.cases.tally import CaseTally
from zjpaoyici.ops.validate import Result
from zjpaoyici.render.findings_json import as_dict
from zjpaoyici.render.safe import json_text


def tally_dict(t: CaseTally) -> dict[str, Any]:
    return {
        "cases": t.cases,
        "visits_known": t.visits_known,
        "at_most_one": t.at_most_one,
        "at_most_one_share": t.at_most_one_share,
        "zero_visits": t.zero,
        "zero_visits_share": t.zero_share,
        "channel_known": t.channel_known,
        "online": t.online,
        "online_share": t.online_share,
        "mobile": t.mobile,
        "mobile_share": t.mobile_share,
        "rated": t.rated,
        "satisfied": t.satisfied,
        "satisfied_share": t.satisfied_share,
        "done": t.done,
        "timed": t.timed,
        "median_working_days": t.median,
        "p90_working_days": t.p90,
        "overdue": t.overdue,
        "overdue_share": t.overdue_share,
        "calendar_uncovered": t.uncovered,
        "time_unreadable": t.time_unread,
    }


def as_data(analysis: CaseAnalysis, result: Result, lang: Lang) -> dict[str, Any]:
    findings = as_dict(result, lang)
    return {
        "tool": "zjpaoyici",
        "version": __version__,
        "format": 1,
        "catalogue": analysis.name,
        "engine": analysis.engine,
        "files": analysis.files,
        "overall": tally_dict(analysis.overall),
        **{
            f"by_{group}": {k: tally_dict(v) for k, v in sorted(groups.items())}
            for group, groups in analysis.groups.items()
        },
        # every catalogue entry with cases (those without are K005 findings)
        "by_matter": [
            {
                "region": j.entry.region,
                "code": j.entry.code,
                "agency": j.entry.agency,
                "name": j.name,
                "level": j.level,
                "type": j.type,
                **tally_dict(j.tally),
            }
            for j in analysis.matched
            if j.tally.cases
        ],
        "volume_share": {
            level: {
                "cases": v.cases,
                "as_promised": v.as_promised,
                "as_handled": v.as_handled,
            }
            for level, v in analysis.volume.items()
        },
        "unmatched": [
            {"matter": u.label(), "cases": u.cases, "examples": u.examples}
            for u in analysis.unmatched
        ],
        "calendar_years_not_covered": analysis.gap_years,
        "period": [d.isoformat() for d in analysis.period] if analysis.period else None,
        "ignored_columns": analysis.ignored_columns,
        "summary": findings["summary"] | {"matters": len(analysis.matched)},
        "findings": findings["findings"],
    }


def render_json(analysis: CaseAnalysis, result: Result, lang: Lang) -> str:
    return json_text(as_data(analysis, result, lang)) + "\n"
