"""The field vocabulary (zjpaoyici/catalogue/fields.py) against the JSON Schemas, and the
old per-module copies of field knowledge staying gone."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from zjpaoyici.catalogue import fields
from zjpaoyici.catalogue.fields import FIELD, LEVELS, fields_of

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "zjpaoyici"


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "schemas" / f"{name}.schema.json").read_text())
    return data


BASIC, IMPL = _schema("basic"), _schema("implementation")


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


# Each layer's records in the schemas; a field's labels are its title where it is first
# met in this order (as a matter's or entry's field: an item's code is 办理项编码 there).
RECORDS: list[tuple[fields.Layer, dict[str, Any], dict[str, Any]]] = [
    ("basic", BASIC, BASIC["$defs"]["main"]),
    ("entry", IMPL, IMPL["$defs"]["entry"]),
    ("defaults", IMPL, IMPL["$defs"]["defaults"]),
    ("item", IMPL, IMPL["$defs"]["item"]),
]


@pytest.mark.parametrize(("layer", "record"), [(r[0], r[2]) for r in RECORDS])
def test_each_layer_sets_exactly_its_schema_properties_in_order(
    layer: fields.Layer, record: dict[str, Any]
) -> None:
    assert list(record["properties"]) == list(fields_of(layer))


def test_a_sub_matter_is_a_basic_matter_without_subs() -> None:
    sub = list(BASIC["$defs"]["sub"]["properties"])
    assert sub == [k for k in fields_of("basic") if k != "subs"]


def test_every_field_belongs_to_some_schema_record() -> None:
    assert all(f.layers for f in fields.FIELDS)
    assert len(FIELD) == len(fields.FIELDS)


def test_labels_are_the_schema_titles() -> None:
    seen: set[str] = set()
    for _layer, schema, record in RECORDS:
        for key, node in record["properties"].items():
            if key in seen:
                continue
            seen.add(key)
            prop = _resolve(schema, node)
            zh = prop["title"].removesuffix("（重述）")
            en = prop["x-title-en"].removesuffix(" (restated)")
            assert (FIELD[key].zh, FIELD[key].en) == (zh, en), key
            assert FIELD[key].label("zh") == zh and FIELD[key].label("en") == en
    assert seen == set(FIELD)


_TYPES = {
    "string": {"text"},
    "integer": {"int"},
    "boolean": {"bool"},
    "array": {"list", "records"},
    "object": {"map", "limit"},
}


def test_types_agree_with_the_schemas() -> None:
    checked = 0
    for _layer, schema, record in RECORDS:
        for key, node in record["properties"].items():
            declared = _resolve(schema, node).get("type")
            if declared is None:  # an enum or anyOf: no single type to compare
                continue
            first = declared if isinstance(declared, str) else declared[0]
            assert FIELD[key].type in _TYPES[first], key
            checked += 1
    assert checked > 30


def test_same_standard_fields_are_the_ones_entries_restate() -> None:
    restated = {k for k, v in IMPL["$defs"].items() if v.get("title", "").endswith("（重述）")}
    assert set(fields.SAME_STANDARD) == restated


def test_levels_are_the_schemas_levels() -> None:
    enum = BASIC["$defs"]["levels"]["items"]["enum"]
    regions = _schema("regions")["properties"]["regions"]["items"]["properties"]["level"]
    assert list(LEVELS) == enum == regions["enum"]
    assert [t.key for t in fields.LEVEL_TERMS] == list(LEVELS)
    assert fields.level_label("county", "zh") == "县（市、区）"
    assert fields.level_label("county", "en") == "county"
    assert fields.level_label("hamlet", "zh") == "hamlet"


def test_facts_are_what_defaults_entries_and_items_all_set() -> None:
    shared = set(fields_of("defaults")) & set(fields_of("entry")) & set(fields_of("item"))
    assert set(fields.FACT_FIELDS) == shared
    assert fields.FACT_FIELDS[0] == "visits" and fields.FACT_FIELDS[-1] == "note"


def test_elements_cover_vocabulary_fields() -> None:
    for element in fields.ELEMENTS:
        assert set(element.fields) <= set(fields_of("entry")), element.key
        assert set(element.basic_fields) <= set(fields_of("basic")), element.key


def test_diff_compares_facts_only() -> None:
    assert {c.split(".")[0] for c in fields.COMPARED} <= set(fields.FACT_FIELDS)


def test_mapping_schema_knows_every_row_field() -> None:
    mapping = _schema("mapping")
    assert list(mapping["properties"]["fields"]["properties"]) == list(fields.ROW_FIELDS)


# Names of copies of field knowledge that used to live in other modules.
OLD_NAMES = re.compile(
    r"\b(FACT_KEYS|BASIC_FIELDS|BASIC_KEYS|CODE_KEYS|_CODE_KEYS|LEVEL_ORDER|LEVEL_NAMES"
    r"|LEAF_KEYS|KEY_FIELDS|_LEVEL_KEYS|_FLOW_KEYS|MAPPING_FIELDS|_fact_columns"
    r"|_fact_fields)\b"
)
# A module-level table named like the vocabulary's own.
OWN_TABLE = re.compile(r"^(FIELDS|FIELD|LEVELS|COLUMNS|ROW_FIELDS)\b\s*[:=]", re.M)


def test_old_copies_are_gone() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "catalogue" / "fields.py":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(REPO)}: {m}" for m in OLD_NAMES.findall(text)]
        found += [f"{path.relative_to(REPO)}: {m}" for m in OWN_TABLE.findall(text)]
    assert found == []


def test_level_names_are_spelled_only_in_the_vocabulary() -> None:
    spelled = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "catalogue" / "fields.py":
            continue
        text = path.read_text(encoding="utf-8")
        if '"乡镇（街道）"' in text or '("province", "city", "county", "township")' in text:
            spelled.append(str(path.relative_to(REPO)))
    assert spelled == []
