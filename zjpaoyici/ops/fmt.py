"""Canonical form of catalogue files: key order from the schemas, records sorted by code,
codes double-quoted. Comments and untouched formatting are kept; formatting is idempotent.

A file is only formatted after the safe reader has read it without a YAML problem, so
``fmt`` never rewrites a file it does not fully understand. The verdict "already canonical"
is cached by the file's content, kind, code grammar, limits and the package's code, in a
few shared cache entries (``_Verdicts``); files not in the cache are formatted in worker
processes when it pays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from zjpaoyici.catalogue.codes import ZHEJIANG, CodeProfile, ProfileError, profile_from_manifest
from zjpaoyici.catalogue.fields import IDENTIFIER_KEYS
from zjpaoyici.catalogue.load import read_checked
from zjpaoyici.catalogue.paths import MANIFEST, find_root, plan_files
from zjpaoyici.catalogue.schemas import KIND_SCHEMA, deref, load_schema
from zjpaoyici.files.reader import DEFAULT_LIMITS, Document, Limits, Pointer
from zjpaoyici.files.roundtrip import dump_text, load_text, reorder_map, reorder_seq
from zjpaoyici.files.strict import read_strict, same
from zjpaoyici.findings import Finding
from zjpaoyici.rules.registry import blocks_rewrite
from zjpaoyici.runner.cache import Cache, digest
from zjpaoyici.runner.engine import (
    code_digest,
    default_jobs,
    forked_map,
    total_size,
    workers_for,
)

# Lists of records that are kept sorted by their code.
SORTED_LISTS = {"matters", "subs", "items", "regions", "retired", "bundles"}
CODE_LISTS = {"exempt", "successors"}


@dataclass(frozen=True, slots=True)
class FormatResult:
    """The canonical text of one file, or why it could not be formatted.

    A file that ``format_files`` finds canonical carries neither text (``texts`` is
    ``None``; the file holds it, read again only if asked): a province's worth of text
    then never crosses from the workers, nor is decoded for a cache hit."""

    path: Path
    texts: tuple[str, str | None] | None  # (as read, canonical form or None: not formatted)
    problems: list[Finding]
    verdict: str | None = None  # the cache key of "the canonical form is canonical"

    @property
    def original(self) -> str:
        if self.texts is not None:
            return self.texts[0]
        try:
            return self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return ""

    @property
    def formatted(self) -> str | None:
        return self.original if self.texts is None else self.texts[1]

    @property
    def failed(self) -> bool:
        """Not formatted: ``problems`` say why."""
        return self.texts is not None and self.texts[1] is None

    @property
    def changed(self) -> bool:
        return self.texts is not None and self.texts[1] not in (None, self.texts[0])


def code_sort_key(profile: CodeProfile, code: Any) -> tuple[int, str, str, str, str]:
    """Order codes by main number, then sub part, then type; unparseable codes last."""
    text = str(code)
    parts = profile.parse(text)
    if parts is None:
        return (1, "", "", "", text)
    return (0, parts.main, parts.sub, parts.type, text)


def _deref(root: Mapping[str, Any], schema: Any) -> Mapping[str, Any]:
    found = deref(root, schema)
    return found if isinstance(found, Mapping) else {}


def _object_schema(root: Mapping[str, Any], schema: Any) -> Mapping[str, Any]:
    """The object-shaped branch of a schema (``anyOf`` with null, etc.)."""
    found = _deref(root, schema)
    if "properties" in found:
        return found
    for branch in found.get("anyOf", []):
        sub = _deref(root, branch)
        if "properties" in sub:
            return sub
    return found


def _items_schema(root: Mapping[str, Any], schema: Any) -> Mapping[str, Any]:
    found = _deref(root, schema)
    if "items" in found:
        return _deref(root, found["items"])
    for branch in found.get("anyOf", []):
        sub = _deref(root, branch)
        if "items" in sub:
            return _deref(root, sub["items"])
    return {}


class _Canon:
    def __init__(self, kind: str, profile: CodeProfile) -> None:
        self.root = load_schema(KIND_SCHEMA[kind])
        self.profile = profile
        # a schema node's object branch and item schema, worked out once (by node identity)
        self._memo: dict[int, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}

    def run(self, data: CommentedMap) -> CommentedMap:
        """Canonicalise ``data``; returns the (possibly rebuilt) root mapping."""
        holder = CommentedSeq([data])
        self.mapping(holder, 0, self.root, ())
        root: CommentedMap = holder[0]
        return root

    def mapping(self, parent: Any, key: Any, schema: Any, at: Pointer) -> None:
        node = parent[key]
        if not isinstance(node, CommentedMap):
            return
        obj = _object_schema(self.root, schema)
        props = obj.get("properties", {})
        known = [k for k in props if k in node]
        order = known + [k for k in node if k not in props]
        reorder_map(parent, key, order)
        node = parent[key]
        extra = obj.get("additionalProperties")
        for k in list(node.keys()):
            sub = props.get(k, extra if isinstance(extra, Mapping) else {})
            self.value(node, k, sub, (*at, str(k)))

    def value(self, parent: Any, key: Any, schema: Any, at: Pointer) -> None:
        node = parent[key]
        if isinstance(node, CommentedMap):
            self.mapping(parent, key, schema, at)
        elif isinstance(node, CommentedSeq):
            item_schema = _items_schema(self.root, schema)
            if key in SORTED_LISTS and all(isinstance(x, Mapping) and "code" in x for x in node):
                order = sorted(
                    range(len(node)), key=lambda i: code_sort_key(self.profile, node[i]["code"])
                )
                reorder_seq(parent, key, order)
                node = parent[key]
            for i in range(len(node)):
                if key in CODE_LISTS:
                    _quote(node, i)
                else:
                    self.value(node, i, item_schema, (*at, i))
        elif key in IDENTIFIER_KEYS:
            _quote(parent, key)

    def settled(self, data: Any, quoted: set[Pointer]) -> bool:
        """True when :meth:`run` would change nothing in ``data`` (plain data read by the
        strict reader, whose double-quoted scalars are at ``quoted``)."""
        return self._settled([data], 0, self.root, (), quoted)

    def _schemas(self, schema: Any) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
        """The object branch and the item schema of ``schema``, worked out once."""
        found = self._memo.get(id(schema))
        if found is None:
            found = (_object_schema(self.root, schema), _items_schema(self.root, schema))
            self._memo[id(schema)] = found
        return found

    def _settled(
        self, parent: Any, key: Any, schema: Any, at: Pointer, quoted: set[Pointer]
    ) -> bool:
        node = parent[key]
        if isinstance(node, dict):
            obj = self._schemas(schema)[0]
            props = obj.get("properties", {})
            if list(node) != [k for k in props if k in node] + [k for k in node if k not in props]:
                return False
            extra = obj.get("additionalProperties")
            for k, value in node.items():
                if isinstance(value, dict | list):
                    sub = props.get(k, extra if isinstance(extra, Mapping) else {})
                    if not self._settled(node, k, sub, (*at, k), quoted):
                        return False
                elif k in IDENTIFIER_KEYS and isinstance(value, str) and (*at, k) not in quoted:
                    return False
            return True
        if isinstance(node, list):
            if key in SORTED_LISTS and all(isinstance(x, Mapping) and "code" in x for x in node):
                codes = [code_sort_key(self.profile, x["code"]) for x in node]
                if codes != sorted(codes):
                    return False
            if key in CODE_LISTS:
                return all(not isinstance(x, str) or (*at, i) in quoted for i, x in enumerate(node))
            item_schema = self._schemas(schema)[1]
            return all(
                self._settled(node, i, item_schema, (*at, i), quoted)
                for i, x in enumerate(node)
                if isinstance(x, dict | list)
            )
        return True


def _quote(parent: Any, key: Any) -> None:
    value = parent[key]
    if isinstance(value, str) and not isinstance(value, DoubleQuotedScalarString):
        parent[key] = DoubleQuotedScalarString(value)


def format_text(text: str, kind: str, profile: CodeProfile, doc: Document) -> str:
    """The canonical form of ``text`` (a file of ``kind`` already read safely as ``doc``)."""
    if already_canonical(text, kind, profile, doc):
        return text
    return round_trip_format(text, kind, profile, doc)


def already_canonical(text: str, kind: str, profile: CodeProfile, doc: Document) -> bool:
    """True for a text in the house layout whose data the strict reader reads exactly as the
    safe reader did, already in canonical order and quoting: it is its own canonical form,
    known without the round trip (some sixty times slower than reading). False means
    "not known", not "not canonical"."""
    strict = read_strict(text)
    return (
        strict is not None
        and same(strict[0], doc.data)
        and _Canon(kind, profile).settled(strict[0], strict[1])
    )


def round_trip_format(text: str, kind: str, profile: CodeProfile, doc: Document) -> str:
    """The canonical form of ``text`` by the round-trip parser, whatever its layout."""
    data = load_text(text)
    if not isinstance(data, CommentedMap):
        return text
    _restore_text(data, doc.data)
    return dump_text(_Canon(kind, profile).run(data))


def _restore_text(node: Any, reference: Any) -> None:
    """Where the safe reader decided a value is text (``region: 330106`` → ``"330106"``,
    restored from the author's own characters) but ruamel read a number or boolean,
    write the text, double-quoted."""
    if isinstance(node, CommentedMap) and isinstance(reference, dict):
        for key in list(node.keys()):
            if key not in reference:
                continue
            ref = reference[key]
            if isinstance(ref, str) and not isinstance(
                node[key], str | CommentedMap | CommentedSeq
            ):
                node[key] = DoubleQuotedScalarString(ref)
            else:
                _restore_text(node[key], ref)
    elif isinstance(node, CommentedSeq) and isinstance(reference, list):
        for i, ref in enumerate(reference[: len(node)]):
            if isinstance(ref, str) and not isinstance(node[i], str | CommentedMap | CommentedSeq):
                node[i] = DoubleQuotedScalarString(ref)
            else:
                _restore_text(node[i], ref)


def format_file(
    path: Path, kind: str | None, profile: CodeProfile, limits: Limits = DEFAULT_LIMITS
) -> FormatResult:
    """Format one file, or explain (with the reader's findings) why it was left alone."""
    try:
        original = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        original = ""
    doc, checked_kind, findings = read_checked(path, kind, limits, fast=True)
    blocking = [f for f in findings if blocks_rewrite(f)]
    if doc is None or checked_kind is None or blocking:
        return FormatResult(path, (original, None), blocking or findings)
    return FormatResult(path, (original, format_text(original, checked_kind, profile, doc)), [])


def manifest_profile(root: Path) -> CodeProfile:
    """The code profile a catalogue's manifest names (``zhejiang`` when it cannot be read)."""
    doc, _, _ = read_checked(root / MANIFEST, "catalogue", DEFAULT_LIMITS)
    try:
        return profile_from_manifest(
            doc.data.get("code_profile") if doc and isinstance(doc.data, dict) else None
        )
    except ProfileError as exc:
        return exc.fallback or ZHEJIANG


def targets(paths: list[Path]) -> list[tuple[Path, str | None, CodeProfile]]:
    """The files to format for command-line ``paths`` (catalogue folders or single files)."""
    out: list[tuple[Path, str | None, CodeProfile]] = []
    for path in paths:
        root = find_root(path)
        if root is None:
            out.append((path, None, ZHEJIANG))
            continue
        profile = manifest_profile(root)
        plan = plan_files(root)
        if path.is_dir():  # the folder given: the whole catalogue, or only a part of it
            inside = path.resolve()
            out.extend(
                (p, kind, profile)
                for p, kind, _ in plan.files
                if p.exists() and p.resolve().is_relative_to(inside)
            )
        else:
            resolved = path.resolve()
            kind = next((k for p, k, _ in plan.files if p.resolve() == resolved), None)
            out.append((path, kind, profile))
    return out


Target = tuple[Path, str | None, CodeProfile]


def _verdict_key(content: bytes, kind: str | None, profile: CodeProfile, limits: Limits) -> str:
    """Cache key of "this content is canonical" for a file of ``kind`` under ``profile``."""
    grammar = [profile.pattern.pattern, profile.pattern.flags]
    sha = hashlib.sha256(content).hexdigest()
    return digest("fmt-canonical", code_digest(), kind, grammar, list(astuple(limits)), sha)


_SHELVES = 16  # verdicts are stored in this many entries, by their key's first digit
# verdicts kept per entry: this run's first, then the newest others, up to twice this run's
# or this many (a warm run reads every entry: 16 × 4,096 keys are about 4.6 MB)
_SHELF_CAP = 4096


def _shelf_key(shelf: int) -> str:
    return digest("fmt-canonical-shelf", code_digest(), shelf)


def _shelf(data: object) -> list[str]:
    if not isinstance(data, list) or not all(isinstance(k, str) for k in data):
        raise ValueError("not a list of verdicts")
    return data


class _Verdicts:
    """The keys of contents known to be canonical, kept in a few cache entries (one per
    verdict would cost an atomic file write per file formatted: most of the main
    process's time in a cold ``fmt --check`` of a province); a shelf is read when first asked about, and written
    back once, with this run's verdicts first (two runs at once may each drop the
    other's new verdicts: they are found again next time)."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.opened: set[int] = set()
        self.known: set[str] = set()
        self.seen: dict[int, list[str]] = {}  # per shelf: verdicts asked about or new

    def _open(self, shelf: int) -> None:
        if shelf not in self.opened:
            self.opened.add(shelf)
            self.known.update(self.cache.get(_shelf_key(shelf), _shelf) or [])

    def canonical(self, key: str) -> bool:
        shelf = int(key[0], 16) % _SHELVES
        self._open(shelf)
        if key in self.known:
            self.seen.setdefault(shelf, []).append(key)
            return True
        return False

    def add(self, key: str) -> None:
        shelf = int(key[0], 16) % _SHELVES
        self._open(shelf)
        if key not in self.known:
            self.known.add(key)
            self.seen.setdefault(shelf, []).append(key)

    def store(self) -> None:
        """Write back each shelf that gained a verdict (re-read first: another run may
        have added to it meanwhile)."""
        for shelf, keys in self.seen.items():
            old = self.cache.get(_shelf_key(shelf), _shelf) or []
            first = dict.fromkeys(keys)
            if first.keys() <= set(old):
                continue
            kept = [*first, *(k for k in old if k not in first)]
            self.cache.put(_shelf_key(shelf), kept[: max(_SHELF_CAP, 2 * len(first))])


def _format_target(target: Target) -> FormatResult:
    """One target formatted where it is read (a worker): the cache key of its canonical
    form computed there, and its texts left behind when it is canonical as it is."""
    path, kind, profile = target
    result = format_file(path, kind, profile)
    if result.texts is None or result.texts[1] is None:  # not formatted
        return result
    canonical = result.texts[1].encode("utf-8")
    verdict = _verdict_key(canonical, kind, profile, DEFAULT_LIMITS)
    texts = result.texts if result.changed else None
    return FormatResult(path, texts, [], verdict)


def format_files(
    chosen: Sequence[Target], *, cache: Cache | None = None, jobs: int | None = None
) -> Iterator[FormatResult]:
    """:func:`format_file` for every target, in order: a file whose content the cache knows
    as canonical is not parsed at all; the rest run in worker processes when there is
    enough to share (the same threshold as the region runner)."""
    found: set[int] = set()
    verdicts = _Verdicts(cache) if cache is not None else None
    if verdicts is not None:
        for index, (path, kind, profile) in enumerate(chosen):
            try:
                content = path.read_bytes()
            except OSError:
                continue  # format_file reports it
            if verdicts.canonical(_verdict_key(content, kind, profile, DEFAULT_LIMITS)):
                found.add(index)
    missing = [target for index, target in enumerate(chosen) if index not in found]
    computed = _compute(missing, default_jobs() if jobs is None else max(1, jobs))
    for index, target in enumerate(chosen):
        if index in found:
            yield FormatResult(target[0], None, [])
            continue
        result = next(computed)
        if verdicts is not None and result.verdict is not None:
            # formatting is idempotent: the canonical text is canonical, written or not
            verdicts.add(result.verdict)
        yield result
    if verdicts is not None:
        verdicts.store()


def _compute(targets: list[Target], jobs: int) -> Iterator[FormatResult]:
    workers = workers_for(jobs, len(targets), total_size(path for path, _, _ in targets))
    yield from forked_map(_format_target, targets, workers)
