"""The elements ``standard`` compares and how each entry's effective value becomes a
comparable value: a JSON value, its equality key and its direction for the citizen.

Element names, labels and the fields they cover come from the vocabulary
(``catalogue/fields``); what is compared and which way is better is decided here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import orjson

from zjpaoyici.catalogue.fields import BY_NAME
from zjpaoyici.catalogue.model import Limit, as_bool, as_int, as_str
from zjpaoyici.catalogue.resolve import FieldValues
from zjpaoyici.files.wordcache import short_words

# The compared elements, in report order (keys of the vocabulary's ELEMENTS).
COMPARED_ELEMENTS: tuple[str, ...] = (
    "materials",
    "limits",
    "visits",
    "case_type",
    "online",
    "express",
    "fees",
    "reach",
)
_IMMEDIATE = "即办件"
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
# a trailing statement of the copy asked for: 原件, 复印件, 原件及复印件, (扫描件) …
_COPY = re.compile(r"\(?(?:原件(?:及|和|或|与|、)?复印件|复印件|原件|副本|扫描件|电子件)\)?$")


@short_words
def material_key(name: str) -> str:
    """A material's name for comparison: full-width folded to half-width, brackets made
    one kind, whitespace dropped, a trailing 原件/复印件 variant left out."""
    text = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    text = "".join(text.split())
    while True:
        folded = _COPY.sub("", text)
        if folded == text or not folded:
            return text
        text = folded


def _materials(entry: FieldValues) -> Any:
    """The materials as sorted [normalised name, required] pairs, and the names written
    for a normalised name where they differ from it (to show them matched). Read from
    the merged list as ``Facts.materials`` reads it, without typing each material (a
    province has half a million)."""
    raw = entry.values.get("materials")
    given = False
    required: dict[str, bool] = {}
    written: dict[str, list[str]] = {}
    for m in raw if isinstance(raw, list) else ():
        if not isinstance(m, dict):
            continue
        name = m.get("name")
        if not isinstance(name, str) or m.get("remove"):
            continue
        given = True
        key = material_key(name)
        required[key] = required.get(key, False) or m.get("required", True) is not False
        if name != key:
            written.setdefault(key, []).append(name)
    if not given and not isinstance(raw, list):
        return None
    return [[k, required[k]] for k in sorted(required)], written


def _limit(entry: FieldValues) -> Any:
    limit = Limit.parse(entry.values.get("promised_limit"))
    if limit is None:
        return None
    return [round(limit.working_days(), 2), limit.days, limit.unit]


def _online(entry: FieldValues) -> Any:
    online = entry.values.get("online")
    if not isinstance(online, dict):
        return None
    depth, mobile = as_int(online.get("depth")), as_bool(online.get("mobile"))
    return None if depth is None and mobile is None else [depth, mobile]


def _fees(entry: FieldValues) -> Any:
    """Charged or not, and the standard when charged (``Facts.fee`` reads ``charged``)."""
    raw = entry.values.get("fee")
    if not isinstance(raw, dict) or not isinstance(raw.get("charged"), bool):
        return None
    charged = raw["charged"]
    standard = raw.get("standard")
    return [charged, standard if isinstance(standard, str) and charged else None]


# element → the effective value of an entry (JSON data; ``None``: not given), read from
# its merged values as ``Facts`` reads them; materials also give the names as written
# (see ``_materials``)
VALUE: dict[str, Callable[[FieldValues], Any]] = {
    "materials": _materials,
    "limits": _limit,
    "visits": lambda e: e.visits,
    "case_type": lambda e: as_str(e.values.get("case_type")),
    "online": _online,
    "express": lambda e: as_bool(e.values.get("express")),
    "fees": _fees,
    "reach": lambda e: as_str(e.values.get("reach")),
}


def key_of(element: str, value: Any) -> bytes:
    """What two values must share to be equal: materials by normalised name and
    required flag (not as written), a limit by its length in working days (one number
    form: 7 natural days, 5.0 working days, equal 5 working days)."""
    if element == "limits":
        value = value[0]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _required(value: Any) -> int:
    return sum(1 for _, required in value if required)


def rank(element: str, value: Any) -> tuple[float, ...] | None:
    """How bad a value is for the citizen (lower is better; ``None``: no order): more
    required materials, days or visits, less online, no express delivery, a fee."""
    if element == "materials":
        return (_required(value),)
    if element == "limits":
        return (value[0],)
    if element == "visits":
        return (value,)
    if element == "online":
        depth, mobile = value
        return (-(depth or 0), 0 if mobile else 1)
    if element == "express":
        return (0 if value else 1,)
    if element == "fees":
        return (1 if value[0] else 0,)
    if element == "case_type":
        return (0 if value == _IMMEDIATE else 1,)
    return None


def direction(element: str, value: Any, norm_rank: tuple[float, ...]) -> int:
    """For the citizen, compared with the norm (given by its rank, ``()``: no order): 1
    worse, -1 better, 0 different with no order (the same rank, or an element without
    one)."""
    a = rank(element, value)
    if a is None or not norm_rank:
        return 0
    return (a > norm_rank) - (a < norm_rank)


def field_of(element: str) -> str:
    """The implementation field where the element is written (for its location)."""
    return BY_NAME[element].fields[0]
