"""Findings and statistics units as plain JSON data, for the cache and for worker processes.

Nothing read back is trusted: every decoder checks the shape and types it expects and
raises :class:`CodecError` on anything else, so a damaged or planted cache entry is
ignored, never executed or half-used. Locations keep the file names they were made with
(root-relative in the engine) and are relabelled by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zjpaoyici.findings import Finding, Loc
from zjpaoyici.i18n import Bi
from zjpaoyici.metrics import Unit


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


def _loc(loc: Loc) -> list[Any]:
    return [loc.file, loc.line, loc.col]


def _unloc(data: Any) -> Loc:
    if (
        isinstance(data, list)
        and len(data) == 3
        and isinstance(data[0], str)
        and all(type(x) is int for x in data[1:])
    ):
        return Loc(data[0], data[1], data[2])
    raise CodecError("bad location")


def encode_finding(finding: Finding) -> dict[str, Any]:
    """A finding as JSON data (parameters of other types are a programming error)."""
    return {
        "rule": finding.rule,
        "loc": _loc(finding.loc),
        "params": {k: _value(v) for k, v in finding.params.items()},
        "related": [_loc(r) for r in finding.related],
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
        _unloc(data["loc"]),
        {str(k): _unvalue(v) for k, v in params.items()},
        related=tuple(_unloc(r) for r in related),
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


_UNIT_TYPES: tuple[tuple[type | tuple[type, ...], bool], ...] = (
    (str, False),  # region
    (str, False),  # level
    (str, False),  # department
    (str, False),  # code
    (str, False),  # main
    (str, False),  # name
    (str, False),  # type
    (int, True),  # visits
    (str, True),  # onsite_reason
    (int, True),  # online_depth
    (bool, True),  # mobile
    (int, True),  # annual_cases
    (bool, False),  # exempt
)


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
    ]


def decode_unit(data: Any) -> Unit:
    if not isinstance(data, list) or len(data) != len(_UNIT_TYPES):
        raise CodecError("bad unit")
    for value, (kind, optional) in zip(data, _UNIT_TYPES, strict=True):
        if value is None and optional:
            continue
        if kind is int and type(value) is not int:  # bool is an int subclass
            raise CodecError("bad unit")
        if not isinstance(value, kind):
            raise CodecError("bad unit")
    return Unit(*data)
