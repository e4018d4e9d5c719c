"""Code profiles (the grammar of matter codes) and the unified social credit code check.

A profile says how a basic code splits into named parts — type, main, sub — and how
handling items extend it. Shipped profiles: ``zhejiang`` (``许可-00802-002``),
``national`` (12-digit ``000107001000``) and ``custom`` (a regex from catalogue.yaml).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Matter types, their Zhejiang code prefixes and national two-digit type codes.
TYPES: dict[str, tuple[str, str]] = {
    "行政许可": ("许可", "01"),
    "行政处罚": ("处罚", "02"),
    "行政强制": ("强制", "03"),
    "行政征收": ("征收", "04"),
    "行政给付": ("给付", "05"),
    "行政检查": ("检查", "06"),
    "行政确认": ("确认", "07"),
    "行政奖励": ("奖励", "08"),
    "行政裁决": ("裁决", "09"),
    "其他行政权力": ("其他", "10"),
    "公共服务": ("公共服务", "20"),
    "审核转报": ("审核转报", "30"),
    "联办事项": ("联办事项", "40"),
}
TYPE_NAMES: tuple[str, ...] = tuple(TYPES)

_DASHES = "‐‑‒–—―−－﹣"
_INVISIBLE = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u2060\u3000\ufeff \t"


@dataclass(frozen=True, slots=True)
class CodeParts:
    """The named parts of a basic code."""

    type: str
    main: str
    sub: str


@dataclass(frozen=True, slots=True)
class CodeProfile:
    """A code grammar: the basic-code pattern, type parts, item codes, main-matter suffixes."""

    name: str
    pattern: re.Pattern[str]
    type_parts: Mapping[str, str]
    item_pattern: re.Pattern[str] = re.compile(r"^\d{2}$")
    main_sub: str = "000"
    main_with_subs_sub: str = "000"
    item_separator: str = "-"
    example: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    def parse(self, code: str) -> CodeParts | None:
        """Split ``code`` into its parts, or ``None`` when it does not fit the grammar."""
        m = self.pattern.match(code)
        if not m:
            return None
        groups = m.groupdict()
        return CodeParts(
            groups.get("type") or "", groups.get("main") or "", groups.get("sub") or ""
        )

    def type_part_for(self, type_name: str) -> str | None:
        """The code part a matter of ``type_name`` must carry (``None``: not checked)."""
        return self.type_parts.get(type_name)

    def main_sub_parts(self) -> set[str]:
        return {self.main_sub, self.main_with_subs_sub}

    def item_full_code(self, code: str, item: str) -> str:
        return f"{code}{self.item_separator}{item}"


_ZJ_PREFIXES = "|".join(sorted((p for p, _ in TYPES.values()), key=len, reverse=True))

ZHEJIANG = CodeProfile(
    name="zhejiang",
    pattern=re.compile(rf"^(?P<type>{_ZJ_PREFIXES})-(?P<main>\d{{5}})-(?P<sub>\d{{3}})$"),
    type_parts={name: prefix for name, (prefix, _) in TYPES.items()},
    example="许可-00802-001",
)

NATIONAL = CodeProfile(
    name="national",
    pattern=re.compile(r"^(?P<origin>\d{2})(?P<type>\d{2})(?P<main>\d{5})(?P<sub>\d{2}[0-9Y])$"),
    type_parts={name: num for name, (_, num) in TYPES.items()},
    main_with_subs_sub="00Y",
    example="000107001000",
)

# The national implementation code: credit code (18) + level (1) + basic code (12).
NATIONAL_IMPLEMENTATION = re.compile(
    r"^(?P<uscc>[0-9A-HJ-NPQRTUWXY]{18})(?P<level>\d)(?P<basic>\d{11}[0-9Y])$"
)

BUILTIN_PROFILES = {p.name: p for p in (ZHEJIANG, NATIONAL)}


class ProfileError(ValueError):
    """A custom profile in catalogue.yaml cannot be compiled."""


def custom_profile(spec: Mapping[str, Any]) -> CodeProfile:
    """Build a profile from catalogue.yaml's ``code_profile`` mapping.

    ``pattern`` must be a regex with named groups ``main`` and optionally ``type`` and
    ``sub``; ``types`` maps type names to the ``type`` group's value.
    """
    try:
        pattern = re.compile(str(spec["pattern"]))
        item = re.compile(str(spec.get("item_pattern", r"^\d{2}$")))
    except (KeyError, re.error) as exc:
        raise ProfileError(str(exc)) from None
    if "main" not in pattern.groupindex:
        raise ProfileError("pattern needs a named group (?P<main>...)")
    types = spec.get("types") or {}
    return CodeProfile(
        name=str(spec.get("name", "custom")),
        pattern=pattern,
        type_parts={str(k): str(v) for k, v in types.items()},
        item_pattern=item,
        main_sub=str(spec.get("main_sub", "000")),
        main_with_subs_sub=str(spec.get("main_with_subs_sub", spec.get("main_sub", "000"))),
        item_separator=str(spec.get("item_separator", "-")),
        example=str(spec.get("example", "")),
    )


def profile_from_manifest(value: Any) -> CodeProfile:
    """The profile a manifest's ``code_profile`` value names (default ``zhejiang``)."""
    if value is None:
        return ZHEJIANG
    if isinstance(value, str):
        if value in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[value]
        raise ProfileError(f"unknown profile {value!r}")
    if isinstance(value, Mapping):
        return custom_profile(value)
    raise ProfileError(f"unknown profile {value!r}")


def normalise_code(code: str) -> str:
    """What ``code`` was meant to be: full-width forms folded, stray spaces removed."""
    out = []
    for ch in code:
        if ch in _INVISIBLE:
            continue
        if ch in _DASHES:
            out.append("-")
            continue
        out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


def has_odd_characters(code: str) -> bool:
    """True when ``code`` holds full-width forms, odd dashes or spaces of any kind."""
    return normalise_code(code) != code


# --- GB 32100-2015 unified social credit code (统一社会信用代码) -----------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def uscc_check_char(first17: str) -> str:
    """The 18th character GB 32100 prescribes for the first 17."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """``None`` for a valid credit code, ``"format"`` or ``"check"`` otherwise."""
    if not _USCC_SHAPE.match(code):
        return "format"
    if uscc_check_char(code[:17]) != code[17]:
        return "check"
    return None
