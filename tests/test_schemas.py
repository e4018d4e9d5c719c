"""The JSON Schemas: valid draft 2020-12, Chinese title and description on every property,
and the sample catalogue conforms when checked by plain jsonschema (not our loader)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.conftest import REPO

SCHEMAS = sorted((REPO / "schemas").glob("*.schema.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def deref(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def properties(
    root: dict[str, Any], node: dict[str, Any], at: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    node = deref(root, node)
    for name, sub in node.get("properties", {}).items():
        resolved = deref(root, sub)
        yield f"{at}.{name}", resolved
        yield from properties(root, resolved, f"{at}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from properties(root, node[key], f"{at}[]")
    for branch in node.get("anyOf", []):
        yield from properties(root, branch, at)


def test_five_kinds_exist() -> None:
    assert {p.name.split(".")[0] for p in SCHEMAS} == {
        "catalogue",
        "regions",
        "basic",
        "implementation",
        "bundle",
        "mapping",  # not a catalogue file: the import mapping (docs/mapping.md)
        "cases-mapping",  # nor this: the case-record mapping (docs/cases.md)
    }


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_schema_is_valid_2020_12(path: Path) -> None:
    schema = load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_every_property_has_chinese_title_and_description(path: Path) -> None:
    schema = load(path)
    seen = list(properties(schema, schema, "$"))
    assert len(seen) >= 8
    for where, prop in seen:
        assert CJK.search(prop.get("title", "")), f"{where} lacks a Chinese title"
        assert CJK.search(prop.get("description", "")), f"{where} lacks a Chinese description"
        assert prop.get("x-title-en"), f"{where} lacks an English title for messages"


KIND_OF = {
    "catalogue.yaml": "catalogue",
    "regions.yaml": "regions",
}


def sample_files() -> Iterator[tuple[Path, str]]:
    root = REPO / "catalog"
    for name, kind in KIND_OF.items():
        yield root / name, kind
    for p in sorted((root / "basic").glob("*.yaml")):
        yield p, "basic"
    for p in sorted((root / "implementations").glob("*/*.yaml")):
        yield p, "implementation"
    for p in sorted((root / "bundles").glob("*.yaml")):
        yield p, "bundle"


def test_sample_files_conform_to_their_schema() -> None:
    validators = {p.name.split(".")[0]: Draft202012Validator(load(p)) for p in SCHEMAS}
    checked = 0
    for path, kind in sample_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = list(validators[kind].iter_errors(data))
        assert not errors, f"{path}: {errors[0].message}"
        checked += 1
    assert checked >= 17
