"""Code profiles (the grammar of matter codes) and the unified social credit code check.

A profile says how a basic code splits into named parts — type, main, sub — and how
handling items extend it. Shipped profiles: ``zhejiang`` (``许可-00802-002``),
``national`` (12-digit ``000107001000``) and ``custom`` (a regex from catalogue.yaml).
A built-in profile may be taken with its own type-digit table
(``{profile: national, types: {公共服务: "21"}}``). Implementation codes (实施编码, 31
characters) and handling-item codes (办理项编码, 33) are split by
:func:`parse_implementation_code`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from zjpaoyici.catalogue.fields import LEVELS

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
    # region level -> the level digit of a 31-character implementation code; ``None``:
    # the catalogue does not say, and the digit is not checked (no guessed table)
    level_digits: Mapping[str, str] | None = None

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

BUILTIN_PROFILES = {p.name: p for p in (ZHEJIANG, NATIONAL)}

# The national implementation code (实施编码, 31 characters): the implementing agency's
# credit code (18) + level digit (1) + basic code (12, a parent matter's ending in Y);
# a handling-item code (办理项编码, 33) adds a two-digit item number. The basic part
# admits capital letters too: some provinces' basic codes carry them (511Z07001006).
_USCC_PART = r"(?P<uscc>[0-9A-HJ-NPQRTUWXY]{18})"
_BASIC_PART = r"(?P<basic>[0-9A-Z]{11}[0-9A-Z])"
NATIONAL_IMPLEMENTATION = re.compile(rf"^{_USCC_PART}(?P<level>\d){_BASIC_PART}$")
NATIONAL_ITEM = re.compile(rf"^{_USCC_PART}(?P<level>\d){_BASIC_PART}(?P<item>\d{{2}})$")
# Sichuan's published form (seen in the Guang'an list): basic code (12 or 14 characters,
# or a dashed local code such as G-000007-001), 12-digit area code,
# 000, credit code, one digit of unstated meaning (not the region's level: a county
# shows 1 and 2), item number, joined by '-':
# 511Z07001006-511602000000-000-11511301008778183N-1-00
DASHED_IMPLEMENTATION = re.compile(
    rf"^(?P<basic>[0-9A-Z][0-9A-Z-]*)-(?P<area>\d{{12}})-(?P<seq>\d{{3}})-{_USCC_PART}"
    r"-(?P<digit>\d)-(?P<item>\d{2})$"
)


@dataclass(frozen=True, slots=True)
class ImplementationCode:
    """The parts of an implementation or handling-item code."""

    form: str  # "national" (31/33 characters) or "dashed" (Sichuan's '-'-separated form)
    uscc: str
    basic: str
    level: str | None  # the national form's level digit
    item: str | None  # the handling-item number (33-character and dashed forms)
    area: str | None  # the dashed form's 12-digit area code


def parse_implementation_code(code: str, *, item: bool = False) -> ImplementationCode | None:
    """Split an entry's (``item=False``: 31 characters) or a handling item's (``item=True``:
    33) implementation code, or Sichuan's dashed form; ``None`` when it fits neither."""
    m = (NATIONAL_ITEM if item else NATIONAL_IMPLEMENTATION).match(code)
    if m:
        g = m.groupdict()
        return ImplementationCode(
            "national", g["uscc"], g["basic"], g["level"], g.get("item"), None
        )
    m = DASHED_IMPLEMENTATION.match(code)
    if m:
        g = m.groupdict()
        return ImplementationCode("dashed", g["uscc"], g["basic"], None, g["item"], g["area"])
    return None


class ProfileError(ValueError):
    """A ``code_profile`` in catalogue.yaml cannot be used.

    ``path`` points at the offending value (``key``: at its key) under ``code_profile``;
    ``fallback`` is the profile to check with meanwhile (the built-in one named, if any).
    """

    def __init__(
        self,
        message: str,
        path: tuple[str, ...] = (),
        fallback: CodeProfile | None = None,
        *,
        key: bool = False,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.fallback = fallback
        self.key = key


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


_BUILTIN_KEYS = frozenset({"profile", "types", "levels"})


def builtin_with_tables(spec: Mapping[str, Any]) -> CodeProfile:
    """A built-in profile with the catalogue's own tables: ``{profile: national, types:
    {公共服务: "21"}, levels: {county: "4"}}``. ``types`` overrides only the type parts
    named (the others keep their defaults); ``levels`` gives the level digit of
    implementation codes per region level (without it the digit is not checked)."""
    name = spec.get("profile")
    if not isinstance(name, str) or name not in BUILTIN_PROFILES:
        known = ", ".join(BUILTIN_PROFILES)
        raise ProfileError(f"unknown profile {name!r} (built-in: {known})", ("profile",))
    base = BUILTIN_PROFILES[name]
    for key in spec:
        if key not in _BUILTIN_KEYS:
            raise ProfileError(
                f"{key!r} cannot be given with profile: {name} (only types, levels)",
                (str(key),),
                base,
                key=True,
            )
    type_parts = dict(base.type_parts)
    types = spec.get("types")
    if types is not None:
        if not isinstance(types, Mapping):
            raise ProfileError("types must map matter types to codes", ("types",), base)
        shape = base.pattern.pattern
        group = re.search(r"\(\?P<type>([^()]*)\)", shape)
        type_re = re.compile(f"^(?:{group.group(1)})$") if group else None
        for type_name, part in types.items():
            at = ("types", str(type_name))
            if type_name not in TYPES:
                raise ProfileError(f"{type_name!r} is not a matter type", at, base, key=True)
            if not isinstance(part, str):
                raise ProfileError(
                    f'the code for {type_name} must be a quoted string, e.g. "21"', at, base
                )
            if type_re is not None and not type_re.match(part):
                raise ProfileError(
                    f"{part!r} for {type_name} does not fit the {name} type part"
                    f" (like {base.type_parts[type_name]!r})",
                    at,
                    base,
                )
            type_parts[str(type_name)] = part
    level_digits: dict[str, str] | None = None
    levels = spec.get("levels")
    if levels is not None:
        if not isinstance(levels, Mapping):
            raise ProfileError("levels must map region levels to digits", ("levels",), base)
        level_digits = {}
        for level, digit in levels.items():
            at = ("levels", str(level))
            if level not in LEVELS:
                raise ProfileError(f"{level!r} is not a region level", at, base, key=True)
            if not isinstance(digit, str) or not re.fullmatch(r"\d", digit):
                raise ProfileError(f"the digit for {level} must be one quoted digit", at, base)
            level_digits[str(level)] = digit
    return replace(base, type_parts=type_parts, level_digits=level_digits)


def profile_from_manifest(value: Any) -> CodeProfile:
    """The profile a manifest's ``code_profile`` value names (default ``zhejiang``)."""
    if value is None:
        return ZHEJIANG
    if isinstance(value, str):
        if value in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[value]
        raise ProfileError(f"unknown profile {value!r}")
    if isinstance(value, Mapping):
        if "pattern" not in value and "profile" in value:
            return builtin_with_tables(value)
        return custom_profile(value)
    raise ProfileError(f"unknown profile {value!r}")


def national_style(profile: CodeProfile, basic: str) -> bool:
    """Whether ``basic`` (the basic part of an implementation code) is written in the
    catalogue's own code grammar, so that it can be compared with an entry's code."""
    return profile.parse(basic) is not None


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
