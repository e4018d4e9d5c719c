"""The complete rule set: importing this module registers every family, so lookups of any
rule id (messages, hints, selection) succeed. Operations, renderers and commands import
the registry's functions from here; lower layers use ``rules.registry`` directly."""

from zjpaoyici.rules import (  # noqa: F401  (imported to register their rules)
    bundles,
    cases,
    codes,
    layers,
    loading,
    quality,
    references,
    structure,
    yaml_file,
)
from zjpaoyici.rules.registry import (
    FAMILIES,
    REGISTRY,
    Rule,
    hint_of,
    message_of,
    related_of,
    selected_rules,
)

__all__ = [
    "FAMILIES",
    "REGISTRY",
    "Rule",
    "hint_of",
    "message_of",
    "related_of",
    "selected_rules",
]
