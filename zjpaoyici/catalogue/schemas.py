"""JSON Schema checks of loaded documents, turned into located, bilingual findings.

Each file kind has a draft 2020-12 schema in ``schemas/``. Errors become S findings
that name the field by its path and Chinese title. A plain YAML scalar that resolved
to a number, boolean, date or null where the schema wants text (``region: 330106``)
is instead put back to the text its author wrote and reported once as Y006.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from zjpaoyici.files.reader import Document, Pointer
from zjpaoyici.files.resources import schemas_dir
from zjpaoyici.findings import Finding
from zjpaoyici.i18n import Bi
from zjpaoyici.rules import structure as s  # the S rules' texts; declares them too
from zjpaoyici.rules import yaml_file  # noqa: F401  (declares the rules named below)
from zjpaoyici.rules.registry import NO_HINT, rule_id

if TYPE_CHECKING:  # the Python checker is imported when a document is not simply valid
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# The rules this module reports, by id (their texts live in rules/); `rule_id` fails
# at import on an id no rule has.
MISSING_FIELD = rule_id("S002")
UNKNOWN_FIELD = rule_id("S003")
WRONG_TYPE = rule_id("S004")
INVALID_VALUE = rule_id("S005")
IMPLICIT_TYPE = rule_id("Y006")

# File kind → schema file. Defaults files share the implementation schema.
KIND_SCHEMA = {
    "catalogue": "catalogue",
    "regions": "regions",
    "basic": "basic",
    "implementation": "implementation",
    "defaults": "implementation",
    "bundle": "bundle",
    "mapping": "mapping",
    "cases-mapping": "cases-mapping",
}
SCHEMA_PREFIX = "zjpaoyici/"


def header_for(kind: str) -> str:
    """The ``schema:`` value that marks a file of ``kind``."""
    return f"{SCHEMA_PREFIX}{kind}/v1"


def kind_of_header(value: object) -> str | None:
    """The kind named by a ``schema:`` value, if it is one we know."""
    if not isinstance(value, str) or not value.startswith(SCHEMA_PREFIX):
        return None
    parts = value[len(SCHEMA_PREFIX) :].split("/")
    if len(parts) == 2 and parts[0] in KIND_SCHEMA and parts[1] == "v1":
        return parts[0]
    return None


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema document ``schemas/<name>.schema.json``."""
    with (schemas_dir() / f"{name}.schema.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@cache
def _compiled(name: str) -> Any:
    return jsonschema_rs.validator_for(load_schema(name))


def simply_valid(kind: str, data: Any) -> bool:
    """Whether ``data`` is valid as ``kind`` by the compiled checker: most documents are,
    and then the Python checker (which explains errors, 10× slower) has nothing to say.
    A value it cannot take (a YAML date) or a regex it reads otherwise means "ask that one"."""
    try:
        return bool(_compiled(KIND_SCHEMA[kind]).is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def deref(root: Mapping[str, Any], schema: Any) -> Any:
    """Follow local ``#/$defs/...`` references (all our schemas use only those)."""
    seen = 0
    while isinstance(schema, Mapping) and "$ref" in schema and seen < 20:
        ref = str(schema["$ref"])
        if not ref.startswith("#/"):
            break
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def field_path(pointer: Pointer) -> str:
    """``("matters", 3, "visits")`` → ``matters[3].visits``; odd keys are quoted."""
    out = ""
    for part in pointer:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += ("." if out else "") + part
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out or "(root)"


def _type_of(value: Any) -> Bi:
    if value is None:
        return s.TYPE_NAMES["null"]
    if isinstance(value, bool):
        return s.TYPE_NAMES["boolean"]
    if isinstance(value, int):
        return s.TYPE_NAMES["integer"]
    if isinstance(value, float):
        return s.TYPE_NAMES["number"]
    if isinstance(value, str):
        return s.TYPE_NAMES["string"]
    if isinstance(value, list):
        return s.TYPE_NAMES["array"]
    if isinstance(value, dict):
        return s.TYPE_NAMES["object"]
    if isinstance(value, dt.date | dt.datetime):
        return s.TYPE_NAMES["date"]
    return Bi.same(type(value).__name__)


def _join(items: list[Bi], sep: Bi = s.OR) -> Bi:
    return Bi(sep.zh.join(i.zh for i in items), sep.en.join(i.en for i in items))


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 60 else text[:57] + "…"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _title(schema: Mapping[str, Any], name: str = "") -> Bi:
    zh = str(schema.get("title", name))
    return Bi(zh, str(schema.get("x-title-en", zh)))  # the schema's own two titles


def _expects_text(error: ValidationError) -> bool:
    expected: Any = error.validator_value
    if error.validator == "type":
        return expected == "string" or (isinstance(expected, list) and "string" in expected)
    if error.validator in ("enum", "const"):
        values = expected if error.validator == "enum" else [expected]
        return any(isinstance(v, str) for v in values)
    return False


def _implicit_kind(value: Any) -> Bi:
    if isinstance(value, bool):
        return s.IMPLICIT_KINDS["boolean"]
    if isinstance(value, int | float):
        return s.IMPLICIT_KINDS["number"]
    if value is None:
        return s.IMPLICIT_KINDS["null"]
    return s.IMPLICIT_KINDS["date"]


def _flatten(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf, the sub-error that best explains the failure: a branch that fits
    the value's type and fails inside it (``unit: workday`` in a limit) says more than
    "should be null" from the branch for another type."""
    from jsonschema.exceptions import best_match

    while error.context:
        inside = [e for e in error.context if e.validator != "type"]
        best = best_match(inside or error.context)
        if best is None or best is error:
            break
        error = best
    return error


def check_document(doc: Document, kind: str) -> list[Finding]:
    """Validate ``doc`` as ``kind``; restores implicitly typed text and reports it."""
    name = KIND_SCHEMA[kind]
    root = load_schema(name)
    findings: list[Finding] = list(_octal_numbers(doc, root))
    if simply_valid(kind, doc.data):
        return findings
    validator = _validator(name)
    for _ in range(4):  # each pass can restore text that the next pass then checks
        errors = sorted(
            validator.iter_errors(doc.data), key=lambda e: list(e.absolute_path).__len__()
        )
        restored = False
        pass_findings: list[Finding] = []
        for top in errors:
            error = _flatten(top)
            pointer: Pointer = tuple(error.absolute_path)
            if pointer in doc.plain and _expects_text(error):
                raw = doc.plain.pop(pointer)
                value = doc.get(pointer)
                doc.set(pointer, raw)
                restored = True
                sub = deref(root, error.schema) if isinstance(error.schema, Mapping) else {}
                title = _title(sub, "")
                findings.append(
                    Finding(
                        IMPLICIT_TYPE,
                        doc.loc(pointer),
                        {
                            "field": field_path(pointer),
                            "title": title,
                            "raw": raw,
                            "kind": _implicit_kind(value),
                            "value": _shown(value),
                            "treated": s.TREATED_AS_TEXT.fill(raw=raw),
                            "fix": s.QUOTE_IT.fill(raw=raw),
                        },
                    )
                )
                continue
            pass_findings.extend(_describe(doc, kind, root, error, pointer))
        if not restored:
            findings.extend(pass_findings)
            break
    return findings


def _octal_numbers(doc: Document, root: Mapping[str, Any]) -> Iterator[Finding]:
    """Numbers written with a leading zero (``visits: 010``): YAML 1.1 reads them as octal
    (8), editors and YAML 1.2 as decimal (10). Read as decimal, and reported."""
    for pointer, raw in doc.octal.items():
        schema = schema_at(root, pointer)
        types = schema.get("type")
        if "integer" not in (types if isinstance(types, list) else [types]):
            continue  # where text belongs, the text is restored (Y006 below)
        octal = doc.get(pointer)
        decimal = int(raw.replace("_", ""), 10)
        doc.set(pointer, decimal)
        doc.plain.pop(pointer, None)
        yield Finding(
            IMPLICIT_TYPE,
            doc.loc(pointer),
            {
                "field": field_path(pointer),
                "title": _title(schema, ""),
                "raw": raw,
                "kind": s.IMPLICIT_KINDS["octal"],
                "value": _shown(octal),
                "treated": s.READ_AS_DECIMAL.fill(decimal=decimal),
                "fix": s.DROP_LEADING_ZERO.fill(decimal=decimal),
            },
        )


def schema_at(root: Mapping[str, Any], pointer: Pointer) -> Mapping[str, Any]:
    """The subschema describing the value at ``pointer`` (``{}`` when none does)."""
    schema: Any = deref(root, root)
    for part in pointer:
        if not isinstance(schema, Mapping):
            return {}
        if isinstance(part, int):
            schema = deref(root, schema.get("items", {}))
        else:
            schema = deref(root, schema.get("properties", {}).get(part, {}))
    return schema if isinstance(schema, Mapping) else {}


_RECORD_LISTS = ("matters", "bundles", "subs", "items", "regions")


def field_label(doc: Document, pointer: Pointer) -> str | Bi:
    """The field at ``pointer`` named as a person finds it: by its record's code
    (``许可-00802-001 的 promised_limit.unit``), not by position (``matters[3]``)."""
    for depth in range(len(pointer) - 1, 0, -1):
        if isinstance(pointer[depth], int) and pointer[depth - 1] in _RECORD_LISTS:
            record = doc.get(pointer[: depth + 1])
            code = record.get("code") if isinstance(record, dict) else None
            if isinstance(code, str) and code:
                outer = field_label(doc, pointer[: depth - 1]) if depth > 1 else ""
                rest = field_path(pointer[depth + 1 :]) if pointer[depth + 1 :] else ""
                prefix = f"{outer} " if isinstance(outer, str) and outer else ""
                if not rest:
                    return f"{prefix}{code}"
                return s.FIELD_OF_RECORD.fill(record=f"{prefix}{code}", rest=rest)
            break
    return field_path(pointer)


def _title_part(schema: Mapping[str, Any]) -> Bi:
    """``（办件类型）`` / `` (case type)`` after a field, or nothing when the schema has
    no title (the path is not printed twice)."""
    if "title" not in schema:
        return NO_HINT
    zh = str(schema["title"])
    return s.TITLE_AFTER_FIELD.fill(zh=zh, en=schema.get("x-title-en", zh))


def _describe(
    doc: Document, kind: str, root: Mapping[str, Any], error: ValidationError, pointer: Pointer
) -> Iterator[Finding]:
    schema = deref(root, error.schema) if isinstance(error.schema, Mapping) else {}
    validator = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    field = field_label(doc, pointer)
    if validator == "required":
        missing = next((m for m in expected if m not in (instance or {})), str(expected[0]))
        prop = deref(root, schema.get("properties", {}).get(missing, {}))
        where = s.WHERE_FIELD.fill(field=field) if pointer else s.WHERE_FILE
        yield Finding(
            MISSING_FIELD,
            doc.loc(pointer, key=bool(pointer)),
            {"field": missing, "title": _title(prop, missing), "where": where},
        )
        return
    if validator in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(schema.get("properties", {}))
        extras = [k for k in (instance or {}) if k not in allowed]
        for extra in extras:
            close = difflib.get_close_matches(extra, allowed, n=1, cutoff=0.6)
            suggestion = (
                s.DID_YOU_MEAN.fill(close=close[0])
                if close
                else s.ALLOWED_FIELDS.fill(zh="、".join(allowed), en=", ".join(allowed))
            )
            yield Finding(
                UNKNOWN_FIELD,
                doc.loc((*pointer, extra), key=True),
                {"field": field_path((*pointer, extra)), "suggestion": suggestion},
            )
        return
    title = _title_part(schema)
    value = instance
    if validator == "type":
        names = [s.TYPE_NAMES[t] for t in ([expected] if isinstance(expected, str) else expected)]
        hint = NO_HINT
        if "integer" in names[0].en or "number" in names[0].en:
            hint = s.HINT_NUMBER
        elif names[0] == s.TYPE_NAMES["boolean"]:
            hint = s.HINT_BOOLEAN
        elif names[0] == s.TYPE_NAMES["array"]:
            hint = s.HINT_LIST
        yield Finding(
            WRONG_TYPE,
            doc.loc(pointer),
            {
                "field": field,
                "title": title,
                "expected": _join(names),
                "actual": _type_of(value),
                "value": _shown(value),
                "hint": hint,
            },
        )
        return
    rule, hint = _value_rule(error)
    yield Finding(
        INVALID_VALUE,
        doc.loc(pointer),
        {"field": field, "title": title, "value": _shown(value), "rule": rule, "hint": hint},
    )


def _value_rule(error: ValidationError) -> tuple[Bi, Bi]:
    v: Any = error.validator_value
    none = NO_HINT
    if error.validator == "enum":
        options = [_shown(x) for x in v]
        hint = none
        if isinstance(error.instance, str):
            close = difflib.get_close_matches(error.instance, [str(x) for x in v if x], n=1)
            if close:
                hint = s.DID_YOU_MEAN.fill(close=close[0])
        return s.ONE_OF.fill(zh="、".join(options), en=", ".join(options)), hint
    if error.validator == "const":
        return s.MUST_BE.fill(value=_shown(v)), none
    if error.validator == "pattern":
        if v == "^[0-9]{6}$":
            return s.REGION_CODE, s.REGION_CODE_HINT
        return s.MUST_MATCH.fill(pattern=v), none
    simple = {
        "minimum": s.AT_LEAST,
        "maximum": s.AT_MOST,
        "minLength": s.NOT_EMPTY,
        "minItems": s.MIN_ITEMS,
        "uniqueItems": s.UNIQUE_ITEMS,
        "propertyNames": s.KEY_NAMES,
    }
    if error.validator in simple:
        return simple[str(error.validator)].fill(limit=v), none
    return Bi.same(error.message), none
