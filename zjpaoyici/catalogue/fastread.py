"""The fast path for reading catalogue files in bulk: a Rust YAML parser plus a compiled
schema check, used only where it provably gives the same result as the exact path.

``yaml_rs`` parses several times faster than PyYAML's libyaml binding, but it follows
YAML 1.2 and gives no positions. Files as people write them — URLs and e-mails in the
text, ``|``/``>`` block scalars with any chomping indicator, comments anywhere, ``%``,
``?``, ``@``, ``&`` inside words, quoted strings with escapes, flow collections on one
line — take the fast path. A file leaves it only when

* its bytes hold a tab, a lone carriage return, a second document, an indicator that
  starts a token (anchor, alias, tag, directive, reserved character, complex key, a
  colon), a colon glued to a quoted node or before a flow indicator, a block scalar
  indicator that is not a whole value's header (or an indentation indicator), a flow
  collection spread over several lines, a number with a leading zero, an infinity, an
  underscore in a number, or a block scalar ending the file without a line break
  (literal-first regexes and memchr scans, no parse);
* it parses with an error (duplicate keys are errors) or to something but a mapping
  whose keys are all text; or its data holds a float, a number in a list, a string that
  YAML 1.1 would read as something else when written plain (``yes``, ``12:30``,
  ``2017-07-01`` …; each distinct candidate settled once by PyYAML's own resolver), a
  control character from an escape, a merge (``<<``) or value (``=``) key, a text of
  line breaks only (an empty block scalar: "" to libyaml, "\n" to yaml_rs), or a text
  longer than a scalar may be; or
* its data fails the file kind's JSON Schema, compiled by ``jsonschema_rs``.

The shapes come from measured disagreements (tests/test_fastread.py: the YAML test
suite's inputs, real-shaped cases, hypothesis-generated block scalars and punctuation).
Anything declined is read again by the exact path (:func:`zjpaoyici.files.reader.parse_text` +
``jsonschema``), which explains every problem with its location. Documents from the
fast path learn their positions lazily, the first time something in them is reported.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import orjson
import yaml
import yaml_rs

from zjpaoyici.catalogue.schemas import header_for, kind_of_header, simply_valid
from zjpaoyici.files.reader import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    odd_space_json,
    relocate,
    values_bound,
)
from zjpaoyici.files.scanset import ScanSet, Shape, shape

# Tabs send a file to the exact path (a memchr): the two parsers treat tabs in indentation
# and between tokens differently.
_DECLINE_BYTES = (b"\t",)
# Token shapes the parsers read differently, each a regex starting with a literal (so the
# engine skips ahead to it) followed by a look-behind: a second document; an empty flow
# entry (``[a, , b]``); an indicator starting a token — anchor, alias, tag, directive,
# reserved character, complex key, a colon (``: x``, ``:x``) — while the same characters
# inside a word (``a&b``, ``x@y.cn``, ``5%``, ``是否?``, URLs) are text to both; a colon
# glued to a quoted or bracketed node (``"a":1``) or before a flow indicator or ``?``
# (``a:,``, ``a:?``: libyaml stops there in a flow); a block scalar indicator anywhere
# but as the whole value after ``key:`` or ``-`` (a chomping indicator and a comment at
# most; an indentation indicator is declined); a number with a leading zero (``0701`` is
# 449 in YAML 1.1, 701 in 1.2; ``0571-8700`` is text to both); an infinity or
# not-a-number; an underscore in or starting a number (yaml_rs reads ``_0`` as 0).
_INDICATORS = "&*!%@`?:"


def _block_indicator(c: bytes) -> Shape:
    """``|`` or ``>`` as anything but a block scalar header ending a ``key:`` or ``-`` line."""
    e = re.escape(c)
    # bounded repeats: each header is checked in constant time, whatever the line holds
    # (a comment after the header needs a space before its #: ``|#`` is no header)
    header = rb"(?<=[:\-] " + e + rb")(?![-+]?(?: {0,80}| {1,80}#[^\n]{0,400})\r?\n)"
    exact = e + rb"(?:(?<=[\[{,\n]" + e + rb")|(?<=[^:\-] " + e + rb")|" + header + rb")"
    return shape(exact, rb"[\[{,\n ]" + e)


def _after(c: bytes, before: bytes) -> Shape:
    """``c`` right after a byte of the class ``before`` (a look-behind, so the regex
    starts with the literal; hyperscan takes the plain sequence)."""
    e = re.escape(c)
    return shape(e + rb"(?<=" + before + e + rb")", before + e)


# (the exact regexes each start with a literal: without hyperscan a memchr for that byte
# skips the regex for the many files that do not hold it)
_DECLINE = ScanSet(
    (
        shape(rb"\n(?:---|\.\.\.)"),
        _after(b",", rb"[ \[{,]"),
        *(_after(c.encode(), rb"[ \[{,\n]") for c in _INDICATORS),
        shape(
            rb":(?:(?<=[\"'\]}]:)[^ \r\n]|[,?\[\]{}])",
            rb"[\"'\]}]:[^ \r\n]|:[,?\[\]{}]",
        ),
        *(_block_indicator(c) for c in (b"|", b">")),
        shape(
            rb"0(?:(?<=[\[{,]0)|(?<=[ \[{,][-+]0)|(?<= 0)(?:[0-9_]+|[oO]\w*)(?![^\s,\]}#]))",
            rb"[\[{,]0|[ \[{,][-+]0| 0[0-9_oO]",
        ),
        shape(rb"\.(?:inf|Inf|INF|nan|NaN|NAN)"),
        _after(b"_", rb"[0-9 \[{,:\-+.]"),
    )
)
_BLOCK_HEADER = re.compile(rb"[|>](?<=[:\-] [|>])")
_DECLINE_STARTS = tuple(c.encode() for c in ("---", "...", "0", "-0", "+0", *":,&*!%@`?|>"))
# What yaml_rs reads differently from libyaml, or YAML 1.1 turns into findings rather than
# data, in the compact JSON form: a control character put in by an escape (``"\x07"``,
# ``"\N"``; orjson writes C0 controls as escapes, the others as UTF-8); a merge (``<<``)
# or value (``=``) key; a text of line breaks only (an empty block scalar: libyaml reads
# "", yaml_rs "\n").
# Also a float value (``1e3`` is text in YAML 1.1) and any number inside a list, which
# YAML 1.1 might read differently.
_DATA_DECLINE = ScanSet(
    (
        shape(rb"\\(?:u00|[bf])"),
        shape(rb"\x7f"),
        shape(rb"\xc2[\x80-\x9f]"),
        shape(rb"\xe2\x80[\xa8\xa9]"),
        shape(rb'<<":(?<="<<":)', rb'"<<":'),
        shape(rb'=":(?<="=":)', rb'"=":'),
        shape(rb'[:,\[]"(?:\\n)+"'),
        shape(rb'":-?[0-9]+[.eE]'),
        shape(rb",(?=-?[0-9])", rb",-?[0-9]"),
        shape(rb"\[(?=-?[0-9])", rb"\[-?[0-9]"),
    )
)
# JSON strings that YAML 1.1 might resolve to something other than text when written
# plain: ASCII, starting with a first character of PyYAML's implicit resolvers.
# Keys are left out: the exact path keeps a key's text as written, which is what yaml_rs
# gives for a key that is text.
_CANDIDATE = re.compile(rb'"([-+.0-9yYnNoO<~=][\x20\x21\x23-\x5b\x5d-\x7e]*)"(?!:)')
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def _source_safe(raw: bytes) -> bool:
    """True when the file holds nothing the two parsers could read differently."""
    if not raw.strip() or raw.startswith(_DECLINE_STARTS):
        return False
    if any(token in raw for token in _DECLINE_BYTES):
        return False
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return False  # a lone carriage return
    if _DECLINE.any(raw):
        return False
    if (b"[" in raw or b"{" in raw) and not _flows_on_one_line(raw):
        return False
    # a block scalar that ends the file without a line break: libyaml drops the final one
    return raw.endswith(b"\n") or _BLOCK_HEADER.search(raw) is None


_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}\n")
_FLOW_PASSES = 16


def _flows_on_one_line(raw: bytes) -> bool:
    """Whether every bracket pair opens and closes on one line. A flow collection over
    several lines is left to the exact path: yaml_rs takes an implicit key spread over
    lines (``{a\n  b: c}``) where libyaml stops. Brackets in text count too (a line
    with ``[`` alone in a note is declined: that is the safe side)."""
    brackets = raw.translate(None, _NOT_BRACKET)
    for _ in range(_FLOW_PASSES):  # each pass removes the innermost pairs
        pairs = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(pairs) == len(brackets):
            break
        brackets = pairs
    else:
        return False  # nested deeper than a catalogue ever is: the exact path bounds it
    return (
        b"[" not in brackets
        and b"{" not in brackets
        and b"]" not in brackets
        and b"}" not in brackets
    )


def _longest_text_bound(encoded: bytes, limit: int) -> bool:
    """Whether no text in the compact JSON ``encoded`` can be longer than ``limit``
    characters: each character takes at least a byte, so a text no longer than ``limit``
    bytes between its quotes is short enough (an escaped quote inside a text splits it:
    then ask the data itself)."""
    if len(encoded) <= limit:
        return True
    if b'\\"' in encoded:
        return False
    return _long_run(limit).search(encoded) is None


@lru_cache(maxsize=4)
def _long_run(limit: int) -> re.Pattern[bytes]:
    return re.compile(b'"[^"]{%d}' % (limit + 1))


@lru_cache(maxsize=65536)
def _reads_differently(token: bytes) -> bool:
    """Whether ``token``, found as text in the data, might have been written plain and
    read by YAML 1.1 as a non-string. If YAML 1.2 reads it plain as a non-string, the
    text must have been quoted, which both read alike."""
    text = token.decode("ascii")
    if _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR:  # type: ignore[no-untyped-call]
        return False
    try:
        plain = yaml_rs.loads(f"v: {text}\n", parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, ValueError):
        return True
    return not isinstance(plain, dict) or isinstance(plain.get("v"), str)


def _data_safe(data: Any, limits: Limits) -> bytes | None:
    """The compact JSON form of ``data`` when it means the same under YAML 1.1 (see the
    module doc) and the exact path would find nothing to report in it, else ``None``."""
    try:  # refuses keys that are not text (and anything but plain JSON types)
        encoded = orjson.dumps(data, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        return None
    if _DATA_DECLINE.any(encoded):
        return None
    if not _longest_text_bound(encoded, limits.max_scalar_chars):
        return None
    if any(_reads_differently(token) for token in set(_CANDIDATE.findall(encoded))):
        return None
    return encoded


def fast_load(raw: bytes, text: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any] | None:
    """The data of a file exactly as the exact path would read it, or ``None`` when the
    fast path cannot promise that (``raw`` is ``text`` as UTF-8)."""
    loaded = _fast_load(raw, text, limits)
    return loaded[0] if loaded is not None else None


def _fast_load(raw: bytes, text: str, limits: Limits) -> tuple[dict[str, Any], bytes] | None:
    if not _source_safe(raw) or values_bound(raw) > limits.max_values:
        return None  # (the exact path counts the values before it builds any)
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    encoded = _data_safe(data, limits)
    return (data, encoded) if encoded is not None else None


def fast_read(
    path: Path,
    raw: bytes,
    text: str,
    display: str,
    kind: str | None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Document, str] | None:
    """The document and its kind, or ``None`` when the exact path must read the file."""
    loaded = _fast_load(raw, text, limits)
    if loaded is None:
        return None
    data, encoded = loaded
    declared = kind_of_header(data.get("schema"))
    effective = kind or declared
    if effective is None or declared != effective or data.get("schema") != header_for(effective):
        return None
    if not simply_valid(effective, data):
        return None
    doc = Document(
        path,
        display,
        data,
        odd_space=odd_space_json(encoded),
        pending=partial(relocate, path, display, limits),
    )
    return doc, effective
