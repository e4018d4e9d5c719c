"""Cell parsers of ``zjpaoyici import`` and their inverse :func:`unparse`: a value that
cannot be read raises :class:`ParseError`, a blank cell is unknown, never zero."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from zjpaoyici.i18n import Msg
from zjpaoyici.ops.tabular.mapping import (
    DAYS_IMMEDIATE,
    DAYS_UNKNOWN,
    UNIT_WORDS,
    FieldSpec,
    key_text,
)


class ParseError(ValueError):
    """A value that cannot be read; the reason is bilingual."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(reason.get("en"))
        self.reason = reason


_DATE_TEXT = re.compile(
    r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DAYS = re.compile(
    r"^(?P<n>\d+)\s*(?:个)?\s*\(?\s*(?P<unit>工作日|自然日|天|日)?\s*\)?\s*(?:内|以内)?$"
)
_INT = re.compile(r"^\d+\s*次?$")


def _norm(text: str) -> str:
    """Full-width digits, letters and brackets to their plain forms, ends stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def is_blank(value: Any, spec: FieldSpec) -> bool:
    """A cell that holds no value: empty, or one of the mapping's ``unknown`` texts."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if not text or text in spec.unknown:
            return True
        if spec.parser == "days" and _norm(text) in DAYS_UNKNOWN:
            return True
    return isinstance(value, list | dict) and not value


def parse_value(spec: FieldSpec, value: Any) -> Any:
    """The catalogue value of one cell (``None`` for unknown), or :class:`ParseError`."""
    if is_blank(value, spec):
        return None
    parser = spec.parser
    if parser == "text":
        return _parse_text(value)
    if parser == "int":
        return _parse_int(value)
    if parser == "days":
        return _parse_days(value, spec.unit)
    if parser == "bool":
        return _parse_bool(value, spec)
    if parser == "contains":
        return _parse_contains(value, spec)
    if parser == "enum":
        return _lookup(spec, key_text(as_text(value)))
    if parser == "split":
        return _parse_split(value, spec)
    if parser == "regex":
        assert spec.pattern is not None
        match = spec.pattern.search(as_text(value))
        if match is None:
            return None
        if "value" in spec.pattern.groupindex:
            found = match.group("value")
        else:
            found = match.group(1) if spec.pattern.groups else match.group(0)
        return found.strip() if found and found.strip() else None
    if parser == "pairs":
        return _parse_pairs(value, spec)
    raise AssertionError(parser)  # pragma: no cover - the mapping check allows no other


def _parse_text(value: Any) -> str:
    if isinstance(value, list | dict):
        raise ParseError(Msg("cell_text_not_list"))
    return as_text(value).strip()


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ParseError(Msg("cell_int_not_yes_no"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT.match(_norm(value)):
        number = int(_norm(value).rstrip("次").strip())
    elif isinstance(value, str) and re.match(r"^-\d+\s*次?$", _norm(value)):
        raise ParseError(Msg("cell_negative"))
    else:
        raise ParseError(Msg("cell_int_expected"))
    if number < 0:
        raise ParseError(Msg("cell_negative"))
    return number


def _parse_days(value: Any, unit: str | None) -> dict[str, Any]:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise ParseError(Msg("cell_days_is_date"))
    if isinstance(value, bool):
        raise ParseError(Msg("cell_days_expected"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ParseError(Msg("cell_days_negative"))
        return _limit(value, None, unit)
    if not isinstance(value, str):
        raise ParseError(Msg("cell_days_expected"))
    text = _norm(value)
    if text in DAYS_IMMEDIATE:
        return {"days": 0, "unit": unit or "working"}
    if _DATE_TEXT.match(text):
        raise ParseError(Msg("cell_days_looks_like_date"))
    match = _DAYS.match(text)
    if match is None:
        raise ParseError(Msg("cell_days_unrecognised"))
    return _limit(int(match.group("n")), match.group("unit"), unit)


def _limit(days: int, word: str | None, unit: str | None) -> dict[str, Any]:
    if word in UNIT_WORDS:
        return {"days": days, "unit": UNIT_WORDS[word]}
    if unit is None:
        raise ParseError(Msg("cell_days_unit_unsaid"))
    return {"days": days, "unit": unit}


def _parse_bool(value: Any, spec: FieldSpec) -> bool:
    if isinstance(value, bool):
        return value
    text = _norm(as_text(value)).upper()
    if text in {t.upper() for t in spec.true_values}:
        return True
    if text in {f.upper() for f in spec.false_values}:
        return False
    shown = "/".join(
        f"{a}/{b}" for a, b in zip(spec.true_values[:2], spec.false_values[:2], strict=False)
    )
    raise ParseError(Msg("cell_expected_yes_no", shown=shown))


def _parse_contains(value: Any, spec: FieldSpec) -> bool:
    """True when the text (or list) holds one of ``spec.contains``: a substring of the
    text, or, with a ``separator`` (and always for a list), one of its parts exactly.
    False when it holds none: the source named its channels and this one is not among
    them (a blank cell never gets here: it stays unknown)."""
    if isinstance(value, dict):
        raise ParseError(Msg("cell_contains_not_object"))
    if isinstance(value, list):
        parts = [_norm(as_text(v)) for v in value if v is not None]
    elif spec.separator:
        parts = [_norm(p) for p in as_text(value).split(spec.separator)]
    else:
        text = _norm(as_text(value))
        return any(_norm(c) in text for c in spec.contains)
    return any(_norm(c) in parts for c in spec.contains)


def _lookup(spec: FieldSpec, key: str) -> Any:
    assert spec.values is not None
    if key in spec.values:
        return spec.values[key]
    shown = "、".join(list(spec.values)[:12])
    raise ParseError(Msg("cell_not_in_value_map", shown=shown))


def _parse_split(value: Any, spec: FieldSpec) -> list[Any] | None:
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return _parse_objects(value, spec)  # (name, required?) pairs: see source_value
    if isinstance(value, list):
        parts = [as_text(v).strip() for v in value]
    elif isinstance(value, dict):
        raise ParseError(Msg("cell_list_not_object"))
    else:
        parts = [p.strip() for p in as_text(value).split(spec.separator or "\n")]
    parts = [p for p in parts if p]
    if spec.values is not None:
        parts = [_lookup(spec, p) for p in parts]
    return parts or None


def _parse_objects(value: list[Any], spec: FieldSpec) -> list[Any] | None:
    """Materials read from a list of objects: ``(name, required?)`` pairs (see
    ``source_value``) as ``{"name", "required"}``; a "required?" that is blank or not
    yes/no is an error (never guessed)."""
    out: list[dict[str, Any]] = []
    for name, flag in value:
        if name is None or not as_text(name).strip():
            continue
        if flag is None or not as_text(flag).strip():
            raise ParseError(Msg("cell_material_required_unsaid", name=as_text(name).strip()))
        required = _parse_bool(flag, spec)
        out.append({"name": _parse_text(name), "required": required})
    return out or None


def _parse_pairs(value: Any, spec: FieldSpec) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): as_text(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for part in as_text(value).split(spec.separator or ";"):
        if not part.strip():
            continue
        key, sign, val = part.partition(spec.assign)
        if not sign or not key.strip() or not val.strip():
            raise ParseError(
                Msg(
                    "cell_pairs_shape",
                    assign=spec.assign,
                    separator=spec.separator,
                )
            )
        out[key.strip()] = val.strip()
    return out


def unparse(spec: FieldSpec, value: Any) -> str | int | None:
    """The cell that :func:`parse_value` reads back as ``value`` (for ``export``)."""
    if value is None or value == [] or value == {}:
        return None
    parser = spec.parser
    if parser == "int":
        return int(value)
    if parser == "days":
        word = "工作日" if value.get("unit", "working") == "working" else "自然日"
        return f"{value['days']}个{word}"
    if parser == "bool":
        return spec.true_values[0] if value else spec.false_values[0]
    if parser == "enum":
        return _reverse(spec, value)
    if parser == "split":
        items = [_reverse(spec, v) if spec.values else str(v) for v in value]
        return (spec.separator or "\n").join(items)
    if parser == "pairs":
        sep = spec.separator or ";"
        joiner = sep + " " if sep in ";,；，" and sep.strip() else sep
        return joiner.join(f"{k}{spec.assign}{v}" for k, v in value.items())
    if parser == "regex":
        raise ValueError(f"field {spec.field}: a regex cannot be written back")
    return str(value)


def _reverse(spec: FieldSpec, value: Any) -> str:
    for key, mapped in (spec.values or {}).items():
        if mapped == value and type(mapped) is type(value):
            return key
    return as_text(value)
