"""The mapping file of ``zjpaoyici import``/``export``: which catalogue field comes from
which source column, through which parser (``schemas/mapping.schema.json``)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from zjpaoyici.catalogue.codes import CodeProfile, ProfileError, profile_from_manifest
from zjpaoyici.catalogue.fields import (
    PLACING_FIELDS,
    ROW_FIELDS,
    ROW_TITLES_EN,
    RowKind,
    Term,
    kept_by_mapping,
)
from zjpaoyici.catalogue.load import read_checked
from zjpaoyici.catalogue.paths import display_path
from zjpaoyici.files.reader import DEFAULT_LIMITS, Document
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.i18n import LANGS, Bi, Lang, Msg
from zjpaoyici.rules.registry import blocks_rewrite, family_of
from zjpaoyici.rules.ruleset import hint_of, message_of

SourceFormat = Literal["csv", "xlsx", "json", "jsonl"]
FORMATS: tuple[SourceFormat, ...] = ("csv", "xlsx", "json", "jsonl")
PARSERS = ("text", "int", "days", "bool", "contains", "split", "enum", "regex", "pairs")

_DEFAULT_PARSER = {
    "text": "text",
    "int": "int",
    "days": "days",
    "bool": "bool",
    "list": "split",
    "pairs": "pairs",
}
_PARSERS_FOR: dict[RowKind, tuple[str, ...]] = {
    "text": ("text", "enum", "regex"),
    "int": ("int", "enum"),
    "days": ("days",),
    "bool": ("bool", "contains", "enum"),
    "list": ("split",),
    "pairs": ("pairs",),
}
TRUE_VALUES = ("是", "Y", "YES", "TRUE", "1", "√", "✓")
FALSE_VALUES = ("否", "N", "NO", "FALSE", "0", "×", "✗")
DAYS_UNKNOWN = ("无", "/", "-", "－", "—", "——", "不适用")
DAYS_IMMEDIATE = ("即办", "即办件", "即时办结", "即来即办", "当场办结", "当场办理", "立即办结")
UNIT_WORDS = {"工作日": "working", "自然日": "natural"}
CASE_TYPES = ("即办件", "承诺件")
OnError = Literal["unknown", "drop_row", "fail"]
ON_ERROR: tuple[OnError, ...] = ("unknown", "drop_row", "fail")
_TEMPLATE_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


# --- the mapping -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """When a field's value is taken: the tested value (the field's own source, or
    ``column``) must differ from column ``differs_from`` and/or match ``matches``."""

    column: str | None = None
    differs_from: str | None = None
    matches: re.Pattern[str] | None = None

    def columns(self) -> list[str]:
        return [c for c in (self.column, self.differs_from) if c is not None]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one catalogue field is read: from a column (or the first non-empty of several
    columns), a template over columns, or a constant; then a condition and a parser."""

    field: str
    column: str | None
    constant: Any
    parser: str
    values: dict[str, Any] | None = None
    separator: str | None = None
    assign: str = "="
    unit: str | None = None
    pattern: re.Pattern[str] | None = None
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES
    unknown: frozenset[str] = frozenset()
    columns: tuple[str, ...] = ()  # several: the first non-empty (column is the first)
    template: str | None = None
    when: Condition | None = None
    on_error: OnError = "unknown"
    contains: tuple[str, ...] = ()  # the contains parser: any of these → true
    required_key: str | None = None  # materials from a list of objects: the "required?" key

    @property
    def kind(self) -> RowKind:
        return ROW_FIELDS[self.field]

    @property
    def label(self) -> str:
        """How the field is named in messages: its column (or template), else the field."""
        if self.template is not None:
            return self.template
        return self.column if self.column is not None else self.field

    def sources(self) -> list[str]:
        """Every column the field reads (its own, a template's, a condition's)."""
        own = list(self.columns) or ([self.column] if self.column is not None else [])
        if self.template is not None:
            own += template_columns(self.template)
        if self.when is not None:
            own += self.when.columns()
        return own

    def required(self) -> list[tuple[str, ...]]:
        """Column groups the source must have: one of each group (several columns of a
        first-non-empty field are alternatives: old and new names of one export)."""
        groups: list[tuple[str, ...]] = []
        if self.columns:
            groups.append(self.columns)
        elif self.column is not None:
            groups.append((self.column,))
        if self.template is not None:
            groups += [(c,) for c in template_columns(self.template)]
        if self.when is not None:
            groups += [(c,) for c in self.when.columns()]
        return groups


def template_columns(template: str) -> list[str]:
    """The column names a template such as ``"{a}-{b}"`` refers to, in order."""
    return [m.group(1) for m in _TEMPLATE_PART.finditer(template) if m.group(1) is not None]


def template_problem(template: str) -> str | None:
    """Why a template cannot be used (an empty ``{}`` or an unpaired brace), or None."""
    for match in _TEMPLATE_PART.finditer(template):
        text = match.group(0)
        if text in ("{", "}"):
            return f"unpaired {text!r} (write {text * 2} for a literal brace)"
        if match.group(1) is not None and not match.group(1).strip():
            return "empty {} (name a column inside the braces)"
    if not template_columns(template):
        return "names no column (write {column})"
    return None


@dataclass(frozen=True, slots=True)
class SourceSpec:
    format: SourceFormat | None = None
    sheet: str | None = None
    header_row: int = 1
    records: str | None = None
    encoding: str = "utf-8-sig"
    delimiter: str = ","


@dataclass(slots=True)
class MappingSpec:
    """A loaded, checked mapping file."""

    path: Path
    name: str | None
    source: SourceSpec
    catalogue: dict[str, Any]
    regions: list[dict[str, Any]]
    fields: dict[str, FieldSpec]
    profile: CodeProfile

    def columns(self) -> list[str]:
        """The source columns the mapping reads, in mapping order, without repeats."""
        return list(dict.fromkeys(c for s in self.fields.values() for c in s.sources()))

    def required(self) -> list[tuple[str, ...]]:
        """Column groups the source must have (one column of each), without repeats."""
        return list(dict.fromkeys(g for s in self.fields.values() for g in s.required()))

    def headed(self, lang: Lang) -> MappingSpec:
        """The mapping with each one-column field under its title in ``lang``: the
        mapping's own column is the Chinese title, the English one the vocabulary's
        (``export --lang en`` writes it; import and apply read either)."""
        fields = {
            name: replace(spec, column=Term(name, spec.column, ROW_TITLES_EN[name]).label(lang))
            if spec.column
            and not spec.columns
            and spec.required_key is None
            and "[]" not in spec.column
            and name in ROW_TITLES_EN
            else spec
            for name, spec in self.fields.items()
        }
        return replace(self, fields=fields)

    def headed_as(self, columns: Collection[str]) -> tuple[MappingSpec, Lang]:
        """The mapping headed in the language of a table's ``columns``: the first whose
        titles the table has (else the mapping's own)."""
        for lang in LANGS:
            spec = self.headed(lang)
            if all(any(c in columns for c in group) for group in spec.required()):
                return spec, lang
        return self, LANGS[0]

    def elements(self) -> list[str] | None:
        """The implementation elements this mapping fills (``catalogue.yaml`` ``elements:``):
        the mapping's own ``catalogue.elements`` when given, else every element any of
        whose fields is mapped, in vocabulary order; ``None`` when it fills them all."""
        given = self.catalogue.get("elements")
        if isinstance(given, list):
            return [str(e) for e in given]
        return kept_by_mapping(self.fields)


@dataclass(frozen=True, slots=True)
class MappingProblem:
    loc: Loc
    message: Msg | Bi


class MappingError(Exception):
    """The mapping file cannot be used; every problem is listed."""

    def __init__(self, problems: list[MappingProblem]) -> None:
        super().__init__("; ".join(p.message.get("en") for p in problems))
        self.problems = problems


def schema_checked(path: Path, kind: str) -> tuple[Document | None, list[MappingProblem]]:
    """A mapping file of ``kind`` read, with its YAML and JSON Schema problems."""
    doc, _, findings = read_checked(path, kind, DEFAULT_LIMITS)
    problems = [
        MappingProblem(f.loc, Bi(_finding_text(f, "zh"), _finding_text(f, "en")))
        for f in findings
        if blocks_rewrite(f) or family_of(f) == "S"
    ]
    return doc, problems


def load_mapping(path: Path) -> MappingSpec:
    """Read and check a mapping file (YAML and JSON Schema first, then the meaning)."""
    doc, problems = schema_checked(path, "mapping")
    if doc is None or problems or not isinstance(doc.data, dict):
        raise MappingError(problems or [MappingProblem(Loc(display_path(path), 1, 1), _EMPTY)])
    data = doc.data
    source_raw = data.get("source") or {}
    source = SourceSpec(
        format=source_raw.get("format"),
        sheet=source_raw.get("sheet"),
        header_row=int(source_raw.get("header_row", 1)),
        records=source_raw.get("records"),
        encoding=_encoding(source_raw.get("encoding")),
        delimiter=source_raw.get("delimiter", ","),
    )
    catalogue = dict(data.get("catalogue") or {})
    try:
        profile = profile_from_manifest(catalogue.get("code_profile"))
    except ProfileError as exc:
        problems.append(
            MappingProblem(
                doc.loc(("catalogue", "code_profile")),
                Msg("map_invalid_code_profile", exc=exc),
            )
        )
        profile = profile_from_manifest(None)
    fields: dict[str, FieldSpec] = {}
    for name, raw in (data.get("fields") or {}).items():
        spec, trouble = _field_spec(name, raw)
        problems.extend(MappingProblem(doc.loc(("fields", name, *at)), msg) for at, msg in trouble)
        if spec is not None:
            fields[name] = spec
    if problems:
        raise MappingError(problems)
    return MappingSpec(
        path=path,
        name=data.get("name"),
        source=source,
        catalogue=catalogue,
        regions=[dict(r) for r in data.get("regions") or []],
        fields=fields,
        profile=profile,
    )


def _finding_text(finding: Finding, lang: Lang) -> str:
    hint = hint_of(finding, lang)
    return f"{finding.rule} {message_of(finding, lang)}" + (f" {hint}" if hint else "")


_EMPTY = Msg("map_empty")


def _encoding(value: Any) -> str:
    return "utf-8-sig" if value in (None, "utf-8", "utf-8-sig") else str(value)


def _field_spec(
    name: str, raw: Mapping[str, Any]
) -> tuple[FieldSpec | None, list[tuple[tuple[str, ...], Msg]]]:
    trouble: list[tuple[tuple[str, ...], Msg]] = []
    kind = ROW_FIELDS[name]
    has_value = "value" in raw
    if sum(k in raw for k in ("column", "template", "value")) != 1:
        trouble.append(
            (
                (),
                Msg("map_no_source"),
            )
        )
        return None, trouble
    column_raw = raw.get("column")
    columns = (
        tuple(str(c) for c in column_raw)
        if isinstance(column_raw, list)
        else ((str(column_raw),) if column_raw is not None else ())
    )
    if isinstance(column_raw, list) and not columns:
        trouble.append((("column",), Msg("map_no_columns")))
    template = raw.get("template")
    if template is not None:
        why = template_problem(str(template))
        if why is not None:
            trouble.append((("template",), Msg("map_unusable_template", why=why)))
    when, when_trouble = _condition(raw.get("when"))
    trouble.extend((("when", *at), msg) for at, msg in when_trouble)
    on_error: OnError = raw.get("on_error") or ("drop_row" if name in PLACING_FIELDS else "unknown")
    if on_error == "unknown" and name in PLACING_FIELDS:
        trouble.append(
            (
                ("on_error",),
                Msg("map_placing_unknown", name=name),
            )
        )
    parser = raw.get("parser") or _DEFAULT_PARSER[kind]
    if parser not in _PARSERS_FOR[kind]:
        allowed = _PARSERS_FOR[kind]
        trouble.append(
            (("parser",), Msg("map_parser_not_for", name=name, parser=parser, allowed=allowed))
        )
    values = raw.get("values")
    if parser == "enum" and not values:
        trouble.append(((), Msg("map_enum_needs_values")))
    value_map = {key_text(k): v for k, v in values.items()} if isinstance(values, dict) else None
    if value_map is not None:
        want: dict[RowKind, tuple[type, ...]] = {
            "text": (str,),
            "list": (str,),
            "int": (int,),
            "bool": (bool,),
        }
        types = want.get(kind)
        for key, value in value_map.items():
            ok = types is not None and isinstance(value, types)
            if kind == "int" and isinstance(value, bool):
                ok = False
            if not ok:
                trouble.append(
                    (
                        ("values",),
                        Msg("map_value_unsuited", key=key, value=repr(value), name=name),
                    )
                )
    contains = raw.get("contains")
    contains_texts = (
        tuple(str(c) for c in contains)
        if isinstance(contains, list)
        else ((str(contains),) if contains is not None else ())
    )
    if parser == "contains" and not [c for c in contains_texts if c.strip()]:
        trouble.append(
            (
                (),
                Msg("map_contains_needs_contains"),
            )
        )
    required = raw.get("required")
    if required is not None and (
        name not in ("materials", "materials_optional") or not any("[]" in c for c in columns)
    ):
        trouble.append(
            (
                ("required",),
                Msg("map_required_only_materials"),
            )
        )
    pattern = None
    if parser == "regex":
        try:
            pattern = re.compile(str(raw.get("pattern", "")))
        except re.error as exc:
            trouble.append((("pattern",), Msg("map_invalid_pattern", exc=exc)))
        if not raw.get("pattern"):
            trouble.append(((), Msg("map_regex_needs_pattern")))
    constant = raw.get("value")
    if has_value and kind in ("text",) and not isinstance(constant, str):
        trouble.append(
            (
                ("value",),
                Msg("map_constant_not_text", constant=repr(constant)),
            )
        )
    separator = raw.get("separator")
    if separator is None and parser != "contains":  # contains: no separator, a substring
        separator = "\n" if parser == "split" else ";"
    spec = FieldSpec(
        field=name,
        column=columns[0] if columns else None,
        constant=constant,
        parser=parser,
        values=value_map,
        separator=separator,
        assign=raw.get("assign", "="),
        unit=raw.get("unit"),
        pattern=pattern,
        true_values=tuple(raw["true_values"]) if "true_values" in raw else TRUE_VALUES,
        false_values=tuple(raw["false_values"]) if "false_values" in raw else FALSE_VALUES,
        unknown=frozenset(str(u).strip() for u in raw.get("unknown") or ()),
        columns=columns if len(columns) > 1 else (),
        template=str(template) if template is not None else None,
        when=when,
        on_error=on_error,
        contains=tuple(c for c in contains_texts if c.strip()),
        required_key=str(required) if required is not None else None,
    )
    return (spec if not trouble else None), trouble


def _condition(raw: Any) -> tuple[Condition | None, list[tuple[tuple[str, ...], Msg]]]:
    """The ``when:`` of a field: ``differs_from`` a column and/or ``matches`` a pattern."""
    if raw is None:
        return None, []
    trouble: list[tuple[tuple[str, ...], Msg]] = []
    if "differs_from" not in raw and "matches" not in raw:
        trouble.append(((), Msg("map_when_needs_test")))
    pattern = None
    if "matches" in raw:
        try:
            pattern = re.compile(str(raw["matches"]))
        except re.error as exc:
            trouble.append((("matches",), Msg("map_invalid_pattern", exc=exc)))
    condition = Condition(raw.get("column"), raw.get("differs_from"), pattern)
    return condition, trouble


def key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key).strip()
