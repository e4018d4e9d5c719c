"""Safe, located YAML reading: bytes → checked text → node graph → plain data + locations.

The reader never executes anything and never trusts its input: it checks size and
encoding before parsing, refuses tags other than the YAML core ones, bounds nesting
depth and alias expansion (a billion-laughs file is an error, not a hang), detects
duplicate keys, and records for every key and value where it stood in the file.

Scalars resolve exactly as YAML 1.1 / PyYAML's SafeLoader resolves them (so
``0701`` is the integer 449 and ``yes`` is ``True``), but the raw text of every plain
scalar that did not resolve to a string is kept, so later stages can turn an unquoted
code back into the text its author wrote and say so.
"""

from __future__ import annotations

import codecs
import gc
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from zjpaoyici.files.scanset import ScanSet, shape
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.i18n import Bi
from zjpaoyici.rules import yaml_file as y  # the Y rules' texts; declares them too
from zjpaoyici.rules.registry import rule_id

# The rules this module reports, by id (their texts live in rules/); `rule_id` fails
# at import on an id no rule has.
YAML_SYNTAX = rule_id("Y001")
DUPLICATE_KEY = rule_id("Y002")
ALIAS_EXPANSION = rule_id("Y003")
ENCODING = rule_id("Y004")
UNKNOWN_TAG = rule_id("Y005")
MULTIPLE_DOCUMENTS = rule_id("Y007")
EMPTY_FILE = rule_id("Y008")
TOO_DEEP = rule_id("Y009")
FILE_TOO_LARGE = rule_id("Y010")
CONTROL_CHARACTER = rule_id("Y011")
MERGE_KEY = rule_id("Y012")
COMPLEX_KEY = rule_id("Y013")
SCALAR_TOO_LONG = rule_id("Y014")
FILE_UNREADABLE = rule_id("Y015")
MERGE_CONFLICT = rule_id("Y017")

try:  # libyaml is bundled with PyYAML wheels; fall back to the pure-Python loader
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Pointer = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
# Control characters, including the C1 range (U+0085 NEXT LINE among them) and the
# Unicode line and paragraph separators: YAML 1.1 breaks lines at U+0085, U+2028 and
# U+2029 where no editor does, so every later position would be wrong.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Characters that reorder displayed text (Trojan Source): marks, embeddings, overrides
# and isolates, as a regex character-class body.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Fields written on one line, where a line break is itself stray whitespace (Q008): the
# same names as ``zjpaoyici.rules.quality._SINGLE_LINE`` (a test keeps the two equal).
SINGLE_LINE_FIELDS = (
    *("name", "department", "agency", "lead_department", "case_type", "reach", "stage"),
    *("lifecycle", "type", "unit", "item_name", "situation_name", "region_table"),
)
# Bytes in a document's JSON form that could belong to a value with leading, trailing,
# doubled, invisible or full-width spaces: a space next to a string's quote, two spaces,
# an escape other than a line break (tab, carriage return, control), a line break at a
# text's start or end or in a one-line field, or a Unicode space in UTF-8. In compact
# JSON spaces occur only inside strings. Documents without any skip the Q008 walk; a line
# break inside a multi-line text (a block scalar's guide) does not make it walk. The
# escapes: any but a line break (tab, carriage return, control), a line break leading a
# text, or ending it after a space or a second break.
_ODD_SPACE = ScanSet(
    (
        *(shape(t) for t in (b"  ", b'" ', b' "')),  # doubled, leading, trailing
        shape(rb"\xe1\x9a\x80"),
        shape(rb"\xe3\x80\x80"),
        shape(rb"\xef\xbb\xbf"),
        shape(rb"\xc2[\x85\xa0]"),
        shape(rb"\xe2\x80[\x80-\x8f\xa8-\xaf]"),  # U+2000-200F, U+2028-202F
        shape(rb"\xe2\x81[\x9f\xa0\xa6-\xa9]"),  # U+205F, U+2060, U+2066-2069
        shape(rb"\xd8\x9c"),  # U+061C ARABIC LETTER MARK
        shape(rb"\\[^n]"),
        shape(rb'"\\n'),
        # (the literal first: a fast search without hyperscan)
        shape(rb'\\n"(?:(?<=\\n\\n")|(?<= \\n"))', rb'(?:\\n| )\\n"'),
        # a line break in a one-line field's text
        shape(b'"(?:' + "|".join(SINGLE_LINE_FIELDS).encode() + rb')":"(?:[^"\\]|\\.)*?\\n'),
    )
)


def odd_space_json(encoded: bytes) -> bool:
    """Whether compact JSON ``encoded`` might hold stray whitespace in a text."""
    return _ODD_SPACE.any(encoded)


def odd_space_in(data: Any) -> bool:
    """Whether any text in ``data`` might hold stray whitespace (never a false no)."""
    try:
        encoded = orjson.dumps(data)
    except TypeError:  # not plain JSON data: walk it to be sure
        return True
    return odd_space_json(encoded)


_CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7}|\|{7}|={7})(?: |$)", re.MULTILINE)
_MARKER_CHARS = b"<>|="
# one pass keeps what the byte-level pre-checks look at: controls, line breaks, markers
_NOT_CHECKED = bytes(b for b in range(256) if b not in _CONTROL_BYTES + b"\n" + _MARKER_CHARS)
_MARKER_LINES = tuple(b"\n" + m * 7 for m in (b"<", b">", b"|", b"="))
_LINE_SEPARATORS = re.compile(rb"\xe2\x80[\xa8\xa9]")  # U+2028, U+2029 (a fast search)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input from exhausting time or memory."""

    max_file_bytes: int = 32 * 1024 * 1024
    max_depth: int = 64
    max_scalar_chars: int = 100_000
    alias_budget: int = 10_000
    max_values: int = 500_000  # keys, values and collections per file
    max_records: int = 20_000  # records (matters, bundles, regions) in one file's list


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Document:
    """One YAML file as plain data, with the location of every key and value.

    ``locs`` maps a pointer (the path of keys and list indexes from the root) to
    (key line, key column, value line, value column), 0-based as YAML reports them.
    ``plain`` holds the source text of plain scalars that YAML resolved to a non-string.
    """

    path: Path
    display: str
    data: Any
    locs: dict[Pointer, tuple[int, int, int, int]] = field(default_factory=dict)
    plain: dict[Pointer, str] = field(default_factory=dict)
    octal: dict[Pointer, str] = field(default_factory=dict)  # 010: octal to YAML 1.1
    # Could a text value hold odd whitespace? False when a scan of the file rules it out.
    odd_space: bool = True
    kind: str | None = None  # the file kind it was checked as
    # For a document read by the fast path: computes (locs, plain) on first need.
    pending: (
        Callable[[], tuple[dict[Pointer, tuple[int, int, int, int]], dict[Pointer, str]]] | None
    ) = None

    def loc(self, pointer: Pointer = (), *, key: bool = False) -> Loc:
        """Location of the value (or, with ``key``, the key) at ``pointer``.

        Falls back to the nearest enclosing node that has a location. A document read
        by the fast path is re-read with positions the first time a location is asked
        for — that is, only when something in it is reported.
        """
        if self.pending is not None:
            self.locs, self.plain = self.pending()
            self.pending = None
        p = tuple(pointer)
        while p and p not in self.locs:
            p = p[:-1]
        if p not in self.locs:
            return Loc(self.display, 1, 1)
        kl, kc, vl, vc = self.locs[p]
        if key:
            return Loc(self.display, kl + 1, kc + 1)
        return Loc(self.display, vl + 1, vc + 1)

    def get(self, pointer: Pointer) -> Any:
        """The value at ``pointer`` or ``None`` if the path does not exist."""
        node: Any = self.data
        for part in pointer:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return None
        return node

    def set(self, pointer: Pointer, value: Any) -> None:
        """Replace the value at an existing ``pointer`` (used to restore raw text)."""
        parent = self.get(pointer[:-1])
        parent[pointer[-1]] = value


_RECORD_LISTS = ("matters", "bundles", "regions")


_LIST_ITEM_LINE = re.compile(r"^ {0,12}- ", re.MULTILINE)


def records_exceed(text: str, display: str, limits: Limits) -> Finding | None:
    """Before any document is built: a Y010 finding when a top-level record list holds
    more than ``limits.max_records`` records. A cheap line count decides whether to look;
    the count itself comes from the event stream (builds nothing)."""
    if text.count("\n") <= limits.max_records:
        return None
    if len(_LIST_ITEM_LINE.findall(text)) <= limits.max_records:
        return None
    depth, key, records = 0, None, 0
    expect_key = False
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                if depth == 2 and key in _RECORD_LISTS:
                    records += 1
                depth += 1
                expect_key = depth == 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                expect_key = depth == 1
            elif isinstance(event, yaml.ScalarEvent):
                if depth == 1:
                    if expect_key:
                        key = event.value
                    expect_key = not expect_key
                elif depth == 2 and key in _RECORD_LISTS:
                    records += 1
            if records > limits.max_records:
                params = {
                    "length": f"{records:,}+",
                    "limit": limits.max_records,
                    "unit": y.UNITS["records"],
                }
                return Finding(FILE_TOO_LARGE, Loc(display, 1, 1), params)
    except yaml.YAMLError:
        return None  # the parser proper reports it
    return None


def too_many_records(doc: Document, limits: Limits) -> Finding | None:
    """A Y010 finding when one of the file's record lists is longer than a real file's
    ever is (hostile volume: each tiny record could cost several findings)."""
    data = doc.data
    if not isinstance(data, dict):
        return None
    for key in _RECORD_LISTS:
        records = data.get(key)
        if isinstance(records, list) and len(records) > limits.max_records:
            params = {
                "length": len(records),
                "limit": limits.max_records,
                "unit": y.UNITS["records"],
            }
            return Finding(FILE_TOO_LARGE, doc.loc((key,)), params)
    return None


class _Abort(Exception):
    """Stop reading a file: a finding already explains why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.rule)
        self.finding = finding


def _byte_loc(display: str, raw: bytes, offset: int) -> Loc:
    """Line and *character* column (as editors count) of byte ``offset``."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return Loc(display, line, len(raw[start:offset].decode("utf-8", "replace")) + 1)


def _decode(raw: bytes, display: str) -> str:
    """UTF-8 (BOM accepted, CRLF accepted) or a Y004/Y011 finding naming the problem."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _Abort(Finding(ENCODING, Loc(display, 1, 1), {"encoding": "UTF-32", "offset": 0}))
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Abort(Finding(ENCODING, Loc(display, 1, 1), {"encoding": "UTF-16", "offset": 0}))
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if len(raw) >= 2 and raw.count(b"\x00") * 3 >= len(raw):  # UTF-16 without a BOM
        raise _Abort(Finding(ENCODING, Loc(display, 1, 1), {"encoding": "UTF-16", "offset": 0}))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding = "?"
        for candidate in ("gbk", "gb18030"):
            try:
                raw.decode(candidate)
            except UnicodeDecodeError:
                continue
            encoding = candidate.upper()
            break
        raise _Abort(
            Finding(
                ENCODING,
                _byte_loc(display, raw, exc.start),
                {"encoding": encoding, "offset": exc.start, "byte": f"0x{raw[exc.start]:02X}"},
            )
        ) from None
    # Byte-level pre-checks (C loops and literal-led searches) decide whether the located
    # searches are needed at all; ASCII bytes never occur inside a UTF-8 sequence.
    # A marker starts a line, so in the kept bytes it follows a line break too.
    kept = b"\n" + raw.translate(None, _NOT_CHECKED)
    suspect = (
        bool(kept.translate(None, b"\n" + _MARKER_CHARS))
        or b"\xc2" in raw  # U+0080-U+00BF lead byte (C1 controls)
        or _LINE_SEPARATORS.search(raw) is not None
    )
    bad = _CONTROL.search(text) if suspect else None
    if bad:
        offset = len(text[: bad.start()].encode("utf-8"))
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise _Abort(
            Finding(
                CONTROL_CHARACTER,
                Loc(display, line, col),
                {"char": f"U+{ord(bad.group()):04X}", "offset": offset},
            )
        )
    marker = _CONFLICT_MARKER.search(text) if any(m in kept for m in _MARKER_LINES) else None
    if marker:
        line = text.count("\n", 0, marker.start()) + 1
        raise _Abort(
            Finding(MERGE_CONFLICT, Loc(display, line, 1), {"marker": marker.group().strip()})
        )
    return text


_OCTAL = re.compile(r"[-+]?0[0-7_]+$")  # YAML 1.1 octal; YAML 1.2 and editors read decimal
_BRACKET = re.compile(r"[\[\]{}]")
_DEEP_BLOCK = re.compile(r"^[ \-?:]{4000,}", re.MULTILINE)
_LIBYAML_DEPTH = "exceeded maximum nesting depth"  # libyaml's own limit (1,000 levels)
_COMPOSE_SAFE_DEPTH = 2000  # libyaml's composer recurses in C; far below where it crashes


def _nesting_suspect(text: str) -> bool:
    """Cheap over-estimate: could this text nest deeper than the composer survives?

    Such text is measured with the (iterative) event parser before it is composed;
    ordinary files, however large, skip that second pass.
    """
    if _DEEP_BLOCK.search(text):
        return True
    if text.count("[") + text.count("{") < _COMPOSE_SAFE_DEPTH:
        return False
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > _COMPOSE_SAFE_DEPTH:
                return True
        elif depth:
            depth -= 1
    return False


_NOT_NODE_START = bytes(b for b in range(256) if b not in b"\n,-[{?:")


def values_bound(text: str | bytes) -> int:
    """An upper bound on the nodes (keys, values, collections) ``text`` can hold: each
    starts a line or follows one of ``,-[{?`` or, as key and value, a ``:``."""
    if isinstance(text, str):
        count = text.count
        return (
            2
            + count("\n")
            + count(",")
            + count("-")
            + count("[")
            + count("{")
            + (count("?") + 2 * count(":"))
        )
    kept = text.translate(None, _NOT_NODE_START)  # one C pass instead of seven counts
    return 2 + len(kept) + kept.count(b":")


def _scan_events(
    text: str,
    display: str,
    max_depth: int | None,
    max_values: int | None,
    loader: type[Any] = _Loader,
) -> None:
    """Walk the event stream, which builds nothing, and refuse the file before composing
    it: nesting deeper than ``max_depth`` (Y009; libyaml's composer recurses in C) or more
    than ``max_values`` nodes (Y010; tiny values cost far more as objects than as text).
    ``None`` skips a check."""
    depth = nodes = 0
    deep = max_depth if max_depth is not None else sys.maxsize
    many = max_values if max_values is not None else sys.maxsize
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > many:
                    unit = {"length": f"{nodes:,}+", "limit": many, "unit": y.UNITS["values"]}
                    raise _Abort(Finding(FILE_TOO_LARGE, Loc(display, 1, 1), unit))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > deep:
                    mark = event.start_mark
                    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    raise _Abort(Finding(TOO_DEEP, Loc(display, line, col), {"limit": deep}))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if (
            max_depth is not None
            and loader is not yaml.SafeLoader
            and _LIBYAML_DEPTH in str(exc.problem)
        ):
            # libyaml's scanner looks ahead and stops at its own depth (1,000) before the
            # events reach ours: the pure-Python parser (no such limit, not recursive)
            # finds the place where the file passes our limit.
            _scan_events(text, display, max_depth, max_values, yaml.SafeLoader)
        raise _Abort(_syntax_finding(exc, display, text, max_depth)) from None


_HINT_NEEDLES = (
    ("'\\t'", "tab"),
    ("mapping values are not allowed", "colon"),
    ("could not find expected ':'", "colon"),
    ("found undefined alias", "alias"),
    ("expected <block end>", "indent"),
    ("did not find expected key", "indent"),
    ("did not find expected '-' indicator", "indent"),
    ("found unexpected end of stream", "quote"),
    ("while scanning a quoted scalar", "quote"),
    ("found duplicate anchor", "anchor"),
)


def syntax_finding(loc: Loc, problem: str) -> Finding:
    """A Y001 finding for ``problem`` (libyaml's English, with the phrases it knows in
    Chinese for ``--lang zh``) and the matching fix hint."""
    kind = next((k for needle, k in _HINT_NEEDLES if needle in problem), "generic")
    zh = problem
    for phrase, chinese in y.PROBLEM_ZH:
        zh = zh.replace(phrase, chinese)
    params: dict[str, object] = {"problem": Bi(zh, problem), "hint": y.SYNTAX_HINTS[kind]}
    return Finding(YAML_SYNTAX, loc, params)


def _syntax_finding(
    exc: yaml.MarkedYAMLError, display: str, text: str = "", depth_limit: int | None = None
) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if exc.problem and _LIBYAML_DEPTH in exc.problem:
        # libyaml from 0.2.6 (bundled with PyYAML 6.0.4) stops at its own depth limit
        limit = depth_limit if depth_limit is not None else DEFAULT_LIMITS.max_depth
        return Finding(TOO_DEEP, Loc(display, line, col), {"limit": limit})
    problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
    finding = syntax_finding(Loc(display, line, col), problem)
    if mark is not None and _tab_at(text, mark.line, mark.column):
        # libyaml only says the character "cannot start any token": name the tab
        finding.params["hint"] = y.SYNTAX_HINTS["tab"]
    return finding


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether the 0-based (line, column) of ``text`` holds a tab, or only tabs and
    spaces lead up to it and a tab is among them (a tab-indented line)."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    end = text.find("\n", start)
    row = text[start : end if end >= 0 else len(text)]
    if column < len(row) and row[column] == "\t":
        return True
    lead = row[: column + 1]
    return "\t" in lead and not lead.strip(" \t")


class _Builder:
    """Turns a composed node graph into plain data, recording locations on the way."""

    def __init__(self, display: str, limits: Limits, source_chars: int) -> None:
        self.display = display
        self.limits = limits
        self.constructor = SafeConstructor()
        self.locs: dict[Pointer, tuple[int, int, int, int]] = {}
        self.plain: dict[Pointer, str] = {}
        self.octal: dict[Pointer, str] = {}  # numbers YAML 1.1 reads as octal (010 → 8)
        self.findings: list[Finding] = []
        # Building costs one unit per node plus one per character of text; without
        # aliases that stays below twice the file's length. Aliases that expand nodes
        # or long texts beyond that are refused (Y003) before they can exhaust memory.
        self.budget = 2 * source_chars + limits.alias_budget

    def _loc(self, node: Node) -> Loc:
        return Loc(self.display, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, pointer: Pointer, depth: int) -> Any:
        self.budget -= 1 + (len(node.value) if isinstance(node, ScalarNode) else 0)
        if self.budget < 0:
            raise _Abort(Finding(ALIAS_EXPANSION, self._loc(node), {}))
        if depth > self.limits.max_depth:
            raise _Abort(Finding(TOO_DEEP, self._loc(node), {"limit": self.limits.max_depth}))
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            # Never construct it: the value is dropped, and the finding says so.
            self.findings.append(Finding(UNKNOWN_TAG, self._loc(node), {"tag": tag}))
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, pointer, depth)
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                p = (*pointer, index)
                m = child.start_mark
                self.locs[p] = (m.line, m.column, m.line, m.column)
                items.append(self.build(child, p, depth + 1))
            return items
        assert isinstance(node, ScalarNode)
        if len(node.value) > self.limits.max_scalar_chars:
            self.findings.append(
                Finding(
                    SCALAR_TOO_LONG,
                    self._loc(node),
                    {"length": len(node.value), "limit": self.limits.max_scalar_chars},
                )
            )
            return node.value[: self.limits.max_scalar_chars]
        if node.style == '"' and _CONTROL.search(node.value):
            # an escape (\e, \0, \x07, \N …) put a control character into the text
            bad = _CONTROL.search(node.value)
            assert bad is not None
            self.findings.append(
                Finding(
                    CONTROL_CHARACTER,
                    self._loc(node),
                    {"char": f"U+{ord(bad.group()):04X}", "offset": node.start_mark.index},
                )
            )
        if tag == _CORE + "str":
            return node.value
        try:
            value = self.constructor.construct_object(ScalarNode(tag, node.value), deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.findings.append(syntax_finding(self._loc(node), str(exc)))
            return node.value
        if not node.style and not isinstance(value, str):  # plain: None (Python) or "" (libyaml)
            self.plain[pointer] = node.value
            if _OCTAL.match(node.value) and isinstance(value, int):
                self.octal[pointer] = node.value
        return value

    def _mapping(self, node: MappingNode, pointer: Pointer, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                self.findings.append(Finding(MERGE_KEY, self._loc(key_node), {}))
                continue
            if not isinstance(key_node, ScalarNode):
                self.findings.append(Finding(COMPLEX_KEY, self._loc(key_node), {}))
                continue
            if key_node.tag not in _ALLOWED_TAGS:  # never constructed: the pair is dropped
                self.findings.append(
                    Finding(UNKNOWN_TAG, self._loc(key_node), {"tag": key_node.tag})
                )
                continue
            key = key_node.value
            if key in first_seen:
                self.findings.append(
                    Finding(
                        DUPLICATE_KEY,
                        self._loc(key_node),
                        {"key": key},
                        related=(self._loc(first_seen[key]),),
                    )
                )
                continue  # the first occurrence wins; the duplicate is reported
            first_seen[key] = key_node
            p = (*pointer, key)
            km, vm = key_node.start_mark, value_node.start_mark
            self.locs[p] = (km.line, km.column, vm.line, vm.column)
            result[key] = self.build(value_node, p, depth + 1)
        return result


def _compose(text: str, display: str, depth_limit: int) -> Iterator[Node]:
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    except yaml.MarkedYAMLError as exc:
        raise _Abort(_syntax_finding(exc, display, text, depth_limit)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise _Abort(syntax_finding(Loc(display, 1, 1), str(exc))) from None
    finally:
        loader.dispose()


def parse_text(
    text: str, path: Path, display: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[Document | None, list[Finding]]:
    """Parse already-decoded text; see :func:`read_document`."""
    try:
        deep = limits.max_depth if _nesting_suspect(text) else None
        many = limits.max_values if values_bound(text) > limits.max_values else None
        if deep is not None or many is not None:
            _scan_events(text, display, deep, many)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # building many small objects; the collector only slows this down
        try:
            nodes = _compose(text, display, limits.max_depth)
            first = next(nodes, None)
            if first is None:
                return None, [Finding(EMPTY_FILE, Loc(display, 1, 1), {})]
            second = next(nodes, None)
            builder = _Builder(display, limits, len(text))
            m = first.start_mark
            builder.locs[()] = (m.line, m.column, m.line, m.column)
            data = builder.build(first, (), 0)
        finally:
            if gc_was_enabled:
                gc.enable()
        findings = builder.findings
        if second is not None:
            sm = second.start_mark
            findings.append(
                Finding(MULTIPLE_DOCUMENTS, Loc(display, sm.line + 1, sm.column + 1), {})
            )
        doc = Document(path, display, data, builder.locs, builder.plain, builder.octal)
        doc.odd_space = odd_space_in(data)
        return doc, findings
    except _Abort as abort:
        return None, [abort.finding]


def decode_file(
    path: Path, display: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[str | None, list[Finding]]:
    """The checked text of a file, or the finding (size, encoding, control character,
    merge-conflict marker) that stops it from being read. ``OSError`` propagates."""
    text, _, findings = decode_raw(path, display, limits)
    return text, findings


def decode_raw(
    path: Path, display: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[str | None, bytes, list[Finding]]:
    """Like :func:`decode_file`, also returning the UTF-8 bytes the text came from
    (without a BOM), which the fast path scans."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        reason = y.NOT_A_REGULAR_FILE
        return None, b"", [Finding(FILE_UNREADABLE, Loc(display, 1, 1), {"reason": reason})]
    too_big = [
        Finding(
            FILE_TOO_LARGE,
            Loc(display, 1, 1),
            {"limit": limits.max_file_bytes, "unit": y.UNITS["bytes"]},
        )
    ]
    if info.st_size > limits.max_file_bytes:
        too_big[0].params["length"] = info.st_size
        return None, b"", too_big
    with path.open("rb") as stream:
        raw = stream.read(limits.max_file_bytes + 1)  # the file may have grown since
    if len(raw) > limits.max_file_bytes:
        too_big[0].params["length"] = len(raw)
        return None, b"", too_big
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return _decode(raw, display), raw, []
    except _Abort as abort:
        return None, raw, [abort.finding]


def relocate(
    path: Path, display: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[Pointer, tuple[int, int, int, int]], dict[Pointer, str]]:
    """Positions (and plain-scalar texts) of a file read earlier without them."""
    try:
        text, _ = decode_file(path, display, limits)
    except OSError:
        return {}, {}
    if text is None:
        return {}, {}
    doc, _ = parse_text(text, path, display, limits)
    return (doc.locs, doc.plain) if doc is not None else ({}, {})


def read_document(
    path: Path, display: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[Document | None, list[Finding]]:
    """Read one YAML file safely.

    Returns the document (``None`` when it could not be read at all) and the
    findings met on the way. Raises ``OSError`` only when the file cannot be opened.
    """
    text, findings = decode_file(path, display, limits)
    if text is None:
        return None, findings
    return parse_text(text, path, display, limits)
