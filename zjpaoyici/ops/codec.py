"""Findings and statistics units as plain JSON data, for the cache and for worker processes.

Nothing read back is trusted: every decoder checks the shape and types it expects and
raises :class:`CodecError` on anything else, so a damaged or planted cache entry is
ignored, never executed or half-used. Locations keep the file names they were made with
(root-relative in the engine) and are relabelled by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs

from zjpaoyici.findings import Finding, Loc
from zjpaoyici.i18n import Bi
from zjpaoyici.ops.stats.figures import RegionUnits, Tally, Unit


class CodecError(ValueError):
    """Data that is not what an encoder of this version writes."""


def _value(value: object) -> Any:
    if isinstance(value, Bi):
        return {"bi": [value.zh, value.en]}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return {"seq": [_value(v) for v in value]}
    raise TypeError(f"cannot encode a finding parameter of type {type(value).__name__}")


def _unvalue(data: Any) -> object:
    if data is None or isinstance(data, str | bool | int | float):
        return data
    if isinstance(data, dict) and len(data) == 1:
        if "bi" in data:
            pair = data["bi"]
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
                return Bi(pair[0], pair[1])
        elif "seq" in data and isinstance(data["seq"], list):
            return [_unvalue(v) for v in data["seq"]]
    raise CodecError("bad parameter")


def encode_loc(loc: Loc) -> list[Any]:
    return [loc.file, loc.line, loc.col]


def decode_loc(data: Any) -> Loc:
    if (
        isinstance(data, list)
        and len(data) == 3
        and isinstance(data[0], str)
        and all(type(x) is int for x in data[1:])
    ):
        return Loc(data[0], data[1], data[2])
    raise CodecError("bad location")


def plain(data: Any, depth: int = 4) -> Any:
    """``data`` itself if it is JSON made only of null, booleans, numbers, text, lists and
    text-keyed maps, at most ``depth`` levels deep; :class:`CodecError` otherwise."""
    if data is None or isinstance(data, str | bool | int | float):
        return data
    if depth > 0 and isinstance(data, list):
        return [plain(v, depth - 1) for v in data]
    if depth > 0 and isinstance(data, dict) and all(isinstance(k, str) for k in data):
        return {k: plain(v, depth - 1) for k, v in data.items()}
    raise CodecError("bad value")


def encode_finding(finding: Finding) -> dict[str, Any]:
    """A finding as JSON data (parameters of other types are a programming error)."""
    return {
        "rule": finding.rule,
        "loc": encode_loc(finding.loc),
        "params": {k: _value(v) for k, v in finding.params.items()},
        "related": [encode_loc(r) for r in finding.related],
    }


def decode_finding(data: Any) -> Finding:
    """The finding :func:`encode_finding` wrote; :class:`CodecError` for anything else."""
    if not isinstance(data, dict) or set(data) != {"rule", "loc", "params", "related"}:
        raise CodecError("bad finding")
    rule, params, related = data["rule"], data["params"], data["related"]
    if not isinstance(rule, str) or not isinstance(params, dict) or not isinstance(related, list):
        raise CodecError("bad finding")
    return Finding(
        rule,
        decode_loc(data["loc"]),
        {str(k): _unvalue(v) for k, v in params.items()},
        related=tuple(decode_loc(r) for r in related),
    )


def decode_findings(data: Any) -> list[Finding]:
    if not isinstance(data, list):
        raise CodecError("bad findings")
    return [decode_finding(f) for f in data]


def relabel(finding: Finding, label: Callable[[str], str]) -> Finding:
    """``finding`` with every file name passed through ``label``."""
    return Finding(
        finding.rule,
        Loc(label(finding.loc.file), finding.loc.line, finding.loc.col),
        finding.params,
        related=tuple(Loc(label(r.file), r.line, r.col) for r in finding.related),
    )


def _slot(kind: str, optional: bool) -> dict[str, Any]:
    return {"type": [kind, "null"] if optional else kind}


# The shape of one region's units, checked in one compiled pass (the cache holds
# hundreds of thousands of them); integers are whole numbers, never booleans.
_UNIT_ROW: list[dict[str, Any]] = [
    *(_slot("string", False) for _ in range(7)),  # region … type
    _slot("integer", True),  # visits
    _slot("string", True),  # onsite_reason
    _slot("integer", True),  # online_depth
    _slot("boolean", True),  # mobile
    _slot("integer", True),  # annual_cases
    _slot("boolean", False),  # exempt
    _slot("boolean", True),  # online_available
]
_TALLY = {
    "type": "array",
    "items": {"type": "integer", "minimum": 0},
    "minItems": len(Tally.__slots__),
    "maxItems": len(Tally.__slots__),
}
_REGION_UNITS = jsonschema_rs.validator_for(
    {
        "type": "object",
        "required": [
            "tally",
            "departments",
            "catalogue_departments",
            "types",
            "listed",
            "bundles",
            "unread",
        ],
        "additionalProperties": False,
        "properties": {
            "tally": _TALLY,
            "departments": {"type": "object", "additionalProperties": _TALLY},
            "catalogue_departments": {"type": "object", "additionalProperties": _TALLY},
            "types": {"type": "object", "additionalProperties": _TALLY},
            "listed": {
                "type": "array",
                "items": {
                    "type": "array",
                    "prefixItems": _UNIT_ROW,
                    "minItems": len(_UNIT_ROW),
                    "maxItems": len(_UNIT_ROW),
                },
            },
            "bundles": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "unread": {"type": "array", "items": {"type": "string"}},
        },
    }
)


def encode_region_units(data: RegionUnits) -> dict[str, Any]:
    return {
        "tally": data.tally.counts(),
        "departments": {k: t.counts() for k, t in data.departments.items()},
        "catalogue_departments": {k: t.counts() for k, t in data.catalogue_departments.items()},
        "types": {k: t.counts() for k, t in data.types.items()},
        "listed": [encode_unit(u) for u in data.listed],
        "bundles": data.bundles,
        "unread": data.unread,
    }


def _tally(counts: list[Any]) -> Tally:
    if any(type(c) is not int for c in counts):
        raise CodecError("bad count")  # the schema lets 1.0 pass as an integer
    return Tally(*counts)


def encode_unit(unit: Unit) -> list[Any]:
    return [
        unit.region,
        unit.level,
        unit.department,
        unit.code,
        unit.main,
        unit.name,
        unit.type,
        unit.visits,
        unit.onsite_reason,
        unit.online_depth,
        unit.mobile,
        unit.annual_cases,
        unit.exempt,
        unit.online_available,
    ]


def decode_region_units(data: Any) -> RegionUnits:
    """One region's statistics; :class:`CodecError` unless the data has exactly the
    shape :func:`encode_region_units` writes."""
    if not _REGION_UNITS.is_valid(data):
        raise CodecError("bad region units")
    listed = [Unit(*row) for row in data["listed"]]
    if any(type(v) is float for u in listed for v in (u.visits, u.online_depth, u.annual_cases)):
        raise CodecError("bad region units")
    if any(type(i) is not int for i in data["bundles"]):
        raise CodecError("bad region units")
    return RegionUnits(
        _tally(data["tally"]),
        {k: _tally(v) for k, v in data["departments"].items()},
        {k: _tally(v) for k, v in data["types"].items()},
        listed,
        list(data["bundles"]),
        list(data["unread"]),
        {k: _tally(v) for k, v in data["catalogue_departments"].items()},
    )
