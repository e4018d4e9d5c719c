"""Validation rules, one module per family; importing this package registers them all."""

from zjpaoyici.rules import bundles, codes, layers, quality, references, structure, yaml_file
from zjpaoyici.rules.registry import (
    REGISTRY,
    Rule,
    hint_of,
    message_of,
    related_of,
    selected_rules,
)

__all__ = [
    "REGISTRY",
    "Rule",
    "bundles",
    "codes",
    "hint_of",
    "layers",
    "message_of",
    "quality",
    "references",
    "related_of",
    "selected_rules",
    "structure",
    "yaml_file",
]
