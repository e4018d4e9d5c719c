"""The one round-trip YAML writer (ruamel.yaml): every command that writes YAML uses it.

Comments, blank lines, key order, flow style and quoting of untouched parts survive a
load → change → dump cycle. ruamel stores the comment lines *before* a list item or
key as the trailing comment of whatever came before it, so moving records around
would carry comments to the wrong place; :func:`detach_leads` and :func:`attach_leads`
first give every child its own leading text, so records move with their comments.
Writes are atomic (see :mod:`zjpaoyici.files.atomic`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

Container = CommentedMap | CommentedSeq


def _represent_none(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def new_yaml() -> YAML:
    """A round-trip YAML instance with the catalogue house style (2-space maps, ``  - `` lists)."""
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _represent_none)
    return yaml


_YAML = new_yaml()


def load_text(text: str) -> Any:
    """Parse ``text`` keeping comments and style (only for files about to be rewritten)."""
    return _YAML.load(text)


def _reset_emitted(node: Any) -> None:
    """ruamel marks pre-comments as written (``pre_done``) during a dump, so a second dump
    of the same tree would skip them; clear the marks so every dump is the same."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, Container):
            continue
        ca = current.ca
        for group in (ca.comment or [], *ca.items.values()):
            for tok in group if isinstance(group, list) else [group]:
                for t in tok if isinstance(tok, list) else [tok]:
                    if t is not None and hasattr(t, "pre_done"):
                        del t.pre_done
        stack.extend(current.values() if isinstance(current, CommentedMap) else current)


def dump_text(data: Any) -> str:
    """Serialise a round-trip document back to text (the same text however often)."""
    _reset_emitted(data)
    out = io.StringIO()
    _YAML.dump(data, out)
    return out.getvalue()


def plain(node: Any) -> Any:
    """A round-trip node as plain Python data (for comparing values)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def is_block(node: Any) -> bool:
    """True for a non-empty block-style mapping or sequence (comments can live inside)."""
    return isinstance(node, Container) and len(node) > 0 and not node.fa.flow_style()


# --- leading comments -------------------------------------------------------------


def comment_text(tokens: Any) -> str:
    """The verbatim text (with indentation) of a comment token or token list."""
    if tokens is None:
        return ""
    if isinstance(tokens, CommentToken):
        tokens = [tokens]
    parts = []
    for tok in tokens:
        if tok is None:
            continue
        value = tok.value
        column = tok.start_mark.column if tok.start_mark is not None else 0
        if value.startswith("#"):
            value = " " * column + value
        parts.append(value)
    return "".join(parts)


def _slot(node: Container, key: Any, index: int) -> list[Any]:
    entry = node.ca.items.get(key)
    if entry is None:
        entry = [None, None, None, None]
        node.ca.items[key] = entry
    while len(entry) <= index:
        entry.append(None)
    return entry  # type: ignore[no-any-return]


def _after_ref(node: Container, key: Any) -> tuple[Container, Any, int]:
    """Where the text after child ``key`` of ``node`` (to the next sibling) is stored."""
    value = node[key]
    if is_block(value):
        last = list(value.keys())[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _after_ref(value, last)
    return node, key, 2 if isinstance(node, CommentedMap) else 0


def _get_after(ref: tuple[Container, Any, int]) -> Any:
    node, key, index = ref
    entry = node.ca.items.get(key)
    return entry[index] if entry is not None and len(entry) > index else None


def _split_after(ref: tuple[Container, Any, int]) -> str:
    """Cut the text following a child's own line off its trailing comment and return it."""
    tok = _get_after(ref)
    if tok is None:
        return ""
    if isinstance(tok, list):  # a comment list in an unusual slot; leave it alone
        return ""
    head, sep, rest = tok.value.partition("\n")
    if head.strip():
        tok.value = head + sep
    else:  # no comment on the child's own line: drop the token, a plain line end remains
        node, key, index = ref
        node.ca.items[key][index] = None
    return str(rest)


def _take_end_comments(value: Any) -> str:
    """Lines ruamel parked in the ``end`` comments of the block containers that close
    together with ``value`` (innermost first); removed from the tree and returned."""
    parts = []
    node = value
    chain = []
    while is_block(node):
        chain.append(node)
        node = node[list(node.keys())[-1]] if isinstance(node, CommentedMap) else node[-1]
    for container in reversed(chain):
        end = getattr(container.ca, "end", None)
        if end:
            parts.append(comment_text(end))
            container.ca.end = []
    return "".join(parts)


def _append_after(ref: tuple[Container, Any, int], text: str) -> None:
    if not text:
        return
    node, key, index = ref
    tok = _get_after(ref)
    if tok is None or isinstance(tok, list):
        _slot(node, key, index)[index] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        if not tok.value.endswith("\n"):
            tok.value += "\n"
        tok.value += text


def append_child(node: Container, value: Any, key: Any = None) -> None:
    """Add ``value`` at the end of a map (under ``key``) or a list, moving the lines that
    followed the last child (blank lines, the next record's comments) after the new one,
    so the new child stays inside its block."""
    last = (
        (list(node.keys())[-1] if node else None)
        if isinstance(node, CommentedMap)
        else (len(node) - 1 if node else None)
    )
    text = _split_after(_after_ref(node, last)) if last is not None else ""
    if isinstance(node, CommentedMap):
        node[key] = value
    else:
        node.append(value)
        key = len(node) - 1
    _append_after(_after_ref(node, key), text)


def _line_tokens(text: str) -> list[CommentToken]:
    """One token per line with its real column, as ruamel's own parser makes them."""
    tokens = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        column = len(line) - len(stripped) if stripped.strip() else 0
        tokens.append(
            CommentToken(stripped if stripped.strip() else "\n", CommentMark(column), None)
        )
    return tokens


def _keys(node: Container) -> list[Any]:
    return list(node.keys()) if isinstance(node, CommentedMap) else list(range(len(node)))


def detach_leads(parent: Container, key: Any) -> tuple[list[str], str]:
    """Take the leading comment/blank text of every child of ``parent[key]`` off the tree.

    ruamel keeps such text either as the trailing comment of whatever precedes the child
    or, after a flow collection, as the child's own pre-comment; both are collected.
    Returns one leading text per child and the text after the last child, verbatim
    lines with their indentation, ready for :func:`attach_leads`.
    """
    node = parent[key]
    if not is_block(node):
        return [], ""
    keys = _keys(node)
    first = ""
    if isinstance(parent, CommentedMap):  # (a document's own opening comments stay put)
        slot = _slot(parent, key, 3)
        seen = slot[3]
        first = comment_text(seen)
        slot[3] = None
        if node.ca.comment and len(node.ca.comment) > 1:
            own = node.ca.comment[1]
            if own is not seen:  # ruamel often keeps the same list in both places
                first += comment_text(own)
            node.ca.comment[1] = None
    leads = [first]
    tail = ""
    for i, k in enumerate(keys):
        pre = _slot(node, k, 1)
        leads[i] += comment_text(pre[1])
        pre[1] = None
        rest = _split_after(_after_ref(node, k)) + _take_end_comments(node[k])
        if i < len(keys) - 1:
            leads.append(rest)
        else:
            tail = rest
    return leads, tail


def attach_leads(parent: Container, key: Any, leads: list[str], tail: str) -> None:
    """Put leading texts back: ``leads[i]`` before child ``i`` of ``parent[key]``."""
    node = parent[key]
    if not is_block(node):
        return
    keys = _keys(node)
    if leads and leads[0] and isinstance(parent, CommentedMap):
        _slot(parent, key, 3)[3] = _line_tokens(leads[0])
    for i in range(1, min(len(keys), len(leads))):
        if leads[i]:
            _slot(node, keys[i], 1)[1] = _line_tokens(leads[i])
    _append_after(_after_ref(node, keys[-1]), tail)


def _split_lead(lead: str) -> tuple[str, str]:
    """A leading text as (blank lines, comment lines): the gap stays put, comments travel."""
    lines = lead.splitlines(keepends=True)
    n = 0
    while n < len(lines) and not lines[n].strip():
        n += 1
    return "".join(lines[:n]), "".join(lines[n:])


def _moved_leads(leads: list[str], order: list[int], count: int) -> list[str]:
    padded = leads + [""] * (count - len(leads))
    gaps = [_split_lead(lead)[0] for lead in padded]
    own = [_split_lead(lead)[1] for lead in padded]
    return [gaps[pos] + own[i] for pos, i in enumerate(order)]


def reorder_seq(parent: Container, key: Any, order: Iterable[int]) -> None:
    """Reorder the sequence ``parent[key]`` by index list ``order``.

    Each item takes along the comment lines written above it; the blank lines between
    items stay where they were, so the layout of the list does not change.
    """
    seq = parent[key]
    order = list(order)
    if order == list(range(len(seq))):
        return
    leads, tail = detach_leads(parent, key)
    items = [seq[i] for i in order]
    new_leads = _moved_leads(leads, order, len(seq))
    seq.clear()
    seq.extend(items)
    attach_leads(parent, key, new_leads, tail)


def reorder_map(parent: Container, key: Any, order: list[Any]) -> None:
    """Reorder the keys of the mapping ``parent[key]``; comments move with their keys.

    The mapping is rebuilt (ruamel renders a mapping whose first key was deleted and
    re-added inside a list wrongly), keeping its flow style and per-key comments.
    """
    node = parent[key]
    old = list(node.keys()) if isinstance(node, CommentedMap) else []
    if not old or old == order:
        return
    leads, tail = detach_leads(parent, key)
    new = CommentedMap()
    for k in order:
        new[k] = node[k]
        if k in node.ca.items:
            new.ca.items[k] = node.ca.items[k]
    if node.fa.flow_style():
        new.fa.set_flow_style()
    new.ca.comment = node.ca.comment
    parent[key] = new
    if leads:
        attach_leads(
            parent, key, _moved_leads(leads, [old.index(k) for k in order], len(old)), tail
        )


def normalize(doc: Any) -> Any:
    """Store every child's leading comment lines on the child itself (not on its previous
    sibling), top-down, so values can be replaced without carrying a neighbour's comments
    away. Output is unchanged; returns ``doc``."""
    holder = CommentedSeq([doc])
    stack: list[tuple[Any, Any]] = [(holder, 0)]
    while stack:
        parent, key = stack.pop()
        node = parent[key]
        if not is_block(node):
            continue
        leads, tail = detach_leads(parent, key)
        attach_leads(parent, key, leads, tail)
        stack.extend((node, k) for k in _keys(node))
    return doc


def pre_comment(parent: Any, key: Any) -> str:
    """The comment lines above child ``key`` of ``parent`` (after :func:`normalize`)."""
    entry = parent.ca.items.get(key) if isinstance(parent, Container) else None
    return comment_text(entry[1]) if entry is not None and len(entry) > 1 else ""
