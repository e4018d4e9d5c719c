"""A reader for YAML written exactly in the house layout that ``fmt`` writes, and nothing else.

``fmt --check`` must know whether a file is already canonical. The round-trip parser that
proves it is pure Python and some sixty times slower than reading; but a file already in the
house layout (2-space maps, ``  - `` lists, ``key: value``, ``{k: v, k: v}`` flows, ``|-``/``>-``
blocks, comments on their own lines or after values) is read here line by line. Anything
else — other spacing, single quotes, escapes, anchors, tags, multi-line plain scalars,
scalars whose reading differs between YAML 1.1 and 1.2 — returns ``None`` and the caller
takes the round trip. The caller must also check that the data read here equals what the
exact reader read, so that a misreading here can only ever send a file to the slow path.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from zjpaoyici.files.wordcache import short_words

Pointer = tuple[str | int, ...]

_KEY = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_.\-]*|\"[^\"\\]*\")")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
# ASCII plain text whose meaning could depend on the YAML version or the resolver: leave it
# to the exact path (numbers of every spelling, booleans and nulls of 1.1, dates, merge
# keys). Text with any non-ASCII character is a string in every reading.
_AMBIGUOUS = re.compile(
    r"[-+.0-9]|(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON"
    r"|off|Off|OFF|null|Null|NULL|~|<<|=)$"
)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_KEY = re.compile(f"({_KEY.pattern}): ")
_FLOW_END = re.compile(r"[,\[\]{}]| #")
_BLOCK_END = re.compile(r" #")
# a flow map of scalars only, as ``fmt`` writes materials: read by one match (then each value
# as ``flow_map`` would read it); any other flow map takes ``flow_map``'s general path
_FLOW_SCALAR = r'(?:"[^"\\]*"|[^,\[\]{}"][^,\[\]{}]*)'
_FLAT_FLOW_MAP = re.compile(
    rf"\{{{_KEY.pattern}: {_FLOW_SCALAR}(?:, {_KEY.pattern}: {_FLOW_SCALAR})*\}}"
)
_FLAT_PAIR = re.compile(rf"({_KEY.pattern}): ({_FLOW_SCALAR})(?:, |\}})")
_BLOCK_HEADERS = {"|": ("literal", "clip"), "|-": ("literal", "strip")}
_BLOCK_HEADERS |= {">": ("folded", "clip"), ">-": ("folded", "strip")}


class _Outside(Exception):
    """The text leaves the house layout."""


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.quoted: set[Pointer] = set()
        self.pos = 0

    # --- lines ---------------------------------------------------------------------

    def _skip(self) -> None:
        """Move past blank lines and whole-line comments."""
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line and not line.lstrip(" ").startswith("#"):
                return
            self.pos += 1

    def _indent_here(self) -> int:
        """Indentation of the next content line, -1 at the end."""
        self._skip()
        if self.pos >= len(self.lines):
            return -1
        line = self.lines[self.pos]
        return len(line) - len(line.lstrip(" "))

    # --- block structure -----------------------------------------------------------

    def block(self, indent: int, at: Pointer) -> Any:
        line = self.lines[self.pos]
        if line.startswith("- ", indent):
            return self.sequence(indent, at)
        return self.mapping(indent, at, line[indent:])

    def mapping(self, indent: int, at: Pointer, first: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        rest = first
        while True:
            self.pos += 1
            key, value = self.entry(rest, indent, (*at,))
            if key in out:
                raise _Outside
            out[key] = value
            here = self._indent_here()
            if here != indent or self.lines[self.pos].startswith("- ", indent):
                if here > indent:
                    raise _Outside
                return out
            rest = self.lines[self.pos][indent:]

    def entry(self, rest: str, indent: int, at: Pointer) -> tuple[str, Any]:
        """One ``key: value`` whose line was just consumed; nested blocks follow it."""
        match = _KEY.match(rest)
        if match is None or rest[match.end() : match.end() + 1] != ":":
            raise _Outside
        key = match.group()
        key = key[1:-1] if key.startswith('"') else key
        tail = rest[match.end() + 1 :]
        here: Pointer = (*at, key)
        if tail == "" or tail.startswith("  #") or tail.startswith(" #"):
            if self._indent_here() < 0:
                raise _Outside
            line = self.lines[self.pos]
            nested = len(line) - len(line.lstrip(" "))
            if nested != indent + 2:
                raise _Outside
            return key, self.block(nested, here)
        if not tail.startswith(" ") or tail.startswith("  "):
            raise _Outside
        return key, self.value(tail[1:], indent, here)

    def sequence(self, indent: int, at: Pointer) -> list[Any]:
        out: list[Any] = []
        while True:
            line = self.lines[self.pos]
            rest = line[indent + 2 :]
            here: Pointer = (*at, len(out))
            if rest.startswith((" ", "- ")) or rest in ("", "-"):
                raise _Outside
            if _KEY.match(rest) and re.match(r"(?:[^:\"]+|\"[^\"\\]*\"):(?: |$)", rest):
                out.append(self.mapping(indent + 2, here, rest))
            else:
                self.pos += 1
                out.append(self.value(rest, indent, here))
            here_indent = self._indent_here()
            if here_indent != indent or not self.lines[self.pos].startswith("- ", indent):
                if here_indent > indent:
                    raise _Outside
                return out

    # --- values --------------------------------------------------------------------

    def value(self, text: str, indent: int, at: Pointer) -> Any:
        """A value on one line after ``key: `` or ``- ``; the line is already consumed."""
        if text in _BLOCK_HEADERS:
            return self.block_scalar(text, indent)
        parsed, end = self.flow_value(text, 0, at, flow=False)
        if text[end:] and text[0] in "{[":
            raise _Outside  # the round trip may move blank lines around such a comment
        _comment_only(text[end:])
        return parsed

    def block_scalar(self, header: str, indent: int) -> str:
        style, chomp = _BLOCK_HEADERS[header]
        body: list[str] = []
        content = indent + 2
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line and not line.startswith(" " * content):
                break
            if line.startswith(" ", content) or line.endswith(" "):
                raise _Outside  # more-indented or trailing spaces: leave to the exact path
            body.append(line[content:])
            self.pos += 1
        while body and body[-1] == "":
            body.pop()
            self.pos -= 1
        if not body:
            raise _Outside
        text = "\n".join(body) if style == "literal" else _fold(body)
        return text + ("\n" if chomp == "clip" else "")

    def flow_value(self, text: str, i: int, at: Pointer, *, flow: bool) -> tuple[Any, int]:
        first = text[i : i + 1]
        if first == "{":
            return self.flow_map(text, i, at)
        if first == "[":
            return self.flow_seq(text, i, at)
        if first == '"':
            end = text.find('"', i + 1)
            if end < 0 or "\\" in text[i:end]:
                raise _Outside
            self.quoted.add(at)
            return text[i + 1 : end], end + 1
        return _plain(text, i, flow=flow)

    def flow_map(self, text: str, i: int, at: Pointer) -> tuple[dict[str, Any], int]:
        flat = _FLAT_FLOW_MAP.match(text, i)
        if flat is not None:
            return self.flat_flow_map(text, i, flat.end(), at), flat.end()
        out: dict[str, Any] = {}
        i += 1
        if text.startswith("}", i):
            return out, i + 1
        while True:
            match = _FLOW_KEY.match(text, i)
            if match is None:
                raise _Outside
            key = match.group(1)
            key = key[1:-1] if key[0] == '"' else key
            if key in out:
                raise _Outside
            out[key], i = self.flow_value(text, match.end(), (*at, key), flow=True)
            follow = text[i : i + 2]
            if follow[:1] == "}":
                return out, i + 1
            if follow != ", ":
                raise _Outside
            i += 2

    def flat_flow_map(self, text: str, i: int, end: int, at: Pointer) -> dict[str, Any]:
        """A flow map of scalars only (``_FLAT_FLOW_MAP`` matched ``text[i:end]``), read
        as ``flow_map`` reads it, value by value."""
        out: dict[str, Any] = {}
        for key, word in _FLAT_PAIR.findall(text, i + 1, end):
            key = key[1:-1] if key[0] == '"' else key
            if key in out:
                raise _Outside
            if word[0] == '"':
                self.quoted.add((*at, key))
                out[key] = word[1:-1]
                continue
            scalar = _scalar(word) if " #" not in word else None  # a comment ends a flow
            if scalar is None:
                raise _Outside
            out[key] = scalar[0]
        return out

    def flow_seq(self, text: str, i: int, at: Pointer) -> tuple[list[Any], int]:
        out: list[Any] = []
        i += 1
        if text.startswith("]", i):
            return out, i + 1
        while True:
            item, i = self.flow_value(text, i, (*at, len(out)), flow=True)
            out.append(item)
            if text.startswith("]", i):
                return out, i + 1
            if not text.startswith(", ", i):
                raise _Outside
            i += 2


def _plain(text: str, i: int, *, flow: bool) -> tuple[Any, int]:
    """A plain scalar from ``i``: ends at a comment, or in a flow at ``,`` ``]`` ``}``."""
    found = (_FLOW_END if flow else _BLOCK_END).search(text, i)
    end = len(text) if found is None else found.start()
    if found is not None and found.group() == " #":
        end = len(text[:end].rstrip(" "))
    scalar = _scalar(text[i:end])
    if scalar is None:
        raise _Outside
    return scalar[0], end


@short_words
def _scalar(word: str) -> tuple[Any] | None:
    """The value of the plain scalar ``word``, in a 1-tuple; ``None``: outside the house
    layout."""
    if not word:
        return None
    if word[0] in "-0123456789":
        if _INT.fullmatch(word):
            return (int(word),)
        if _FLOAT.fullmatch(word):
            return (float(word),)
    if word[0] in _INDICATORS or word[0] == " " or word[-1] == " ":
        return None
    if ": " in word or word.endswith(":"):
        return None
    if word in ("true", "false"):
        return (word == "true",)
    if word == "null":
        return (None,)
    if word.isascii() and _AMBIGUOUS.match(word):
        return None
    return (word,)


def _comment_only(rest: str) -> None:
    """What follows a value on its line: nothing, or a comment after at least one space."""
    if rest and not (rest.lstrip(" ").startswith("#") and rest.startswith(" ")):
        raise _Outside


def _fold(lines: list[str]) -> str:
    """Folded block content (no more-indented lines): line breaks become spaces, and each
    blank line stands for one line break."""
    out = lines[0]
    blanks = 0
    for line in lines[1:]:
        if line == "":
            blanks += 1
            continue
        out += "\n" * blanks if blanks else " "
        out += line
        blanks = 0
    return out


def read_strict(text: str) -> tuple[Any, set[Pointer]] | None:
    """The data of ``text`` and the places of its double-quoted scalars, when the whole text
    is in the house layout; ``None`` otherwise (the caller then takes the exact path)."""
    if not text.endswith("\n") or text.startswith("\n") or text.endswith("\n\n"):
        return None
    if "\r" in text or "\t" in text or "\\" in text:
        return None
    if " \n" in text:  # a line ending in a space (the text ends with a line break)
        return None
    reader = _Reader(text)
    try:
        if reader._indent_here() != 0:
            return None
        data = reader.block(0, ())
        if reader._indent_here() != -1:
            return None
    except (_Outside, IndexError):
        return None
    return data, reader.quoted


def same(a: Any, b: Any) -> bool:
    """Equal data with equal types and key order (``1 == True`` and ``{a, b} == {b, a}``
    would hide a misreading). Plain JSON data compares as its compact JSON (which keeps
    key order and tells ``1``, ``1.0`` and ``true`` apart) in C; anything else — a key
    that is not text, a date, a number beyond 64 bits — value by value, as is data
    holding ``null`` (orjson writes a NaN or an infinity as ``null`` too)."""
    try:
        left = orjson.dumps(a, option=orjson.OPT_PASSTHROUGH_DATETIME)
        right = orjson.dumps(b, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        return _same(a, b)
    if left != right:
        return False
    return b"null" not in left or _same(a, b)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
