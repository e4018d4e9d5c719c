"""Structured merges of catalogue files, keyed by code and field, with nothing lost.

* :func:`combine` — N inputs, no common ancestor (departments' submissions): records
  are matched by code (an implementation entry with its own ``agency`` by code and
  agency), fields by name; equal values fold, a field present on one side
  only is taken, and two different values for one field are a conflict.
* :func:`merge3` — base, ours, theirs (a git merge driver): a change on one side only
  is taken; the same field changed two ways is a conflict, written into the file as
  diff3-style markers around just that field, which ``validate`` rejects (Y017).

Both work on round-trip trees (:mod:`zjpaoyici.files.roundtrip`), so comments and formatting
of untouched parts survive. Records of keyed lists carry their comment lines along.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from zjpaoyici.files.roundtrip import (
    attach_leads,
    comment_text,
    detach_leads,
    dump_text,
    is_block,
    normalize,
    plain,
    pre_comment,
)

# Lists whose records are matched by a key field rather than by position.
KEYED_LISTS = {
    "matters": "code",
    "subs": "code",
    "items": "code",
    "bundles": "code",
    "regions": "code",
    "retired": "code",
    "materials": "name",
}
MISSING: Any = object()
AGENCY_MARK = " @ "  # joins a matter's code and its own agency in a record key


def record_key(rec: Any, keyfield: str) -> str:
    """The key of a keyed-list record: its key field; an implementation entry with its
    own ``agency`` is keyed by code and agency (several agencies may implement one
    matter in a region), e.g. ``许可-00802-001 @ 杭州市公安局西湖分局``."""
    key = str(rec[keyfield])
    agency = rec.get("agency") if keyfield == "code" else None
    return key + AGENCY_MARK + agency if isinstance(agency, str) else key


Step = str | tuple[str, str]  # a mapping key, or (list key, record key value)


def path_text(steps: list[Step]) -> str:
    """``["matters", ("matters", "许可-00802-001"), "visits"]`` → ``matters[许可-00802-001].visits``.

    A record of a keyed list is addressed by two steps: the list's key, then
    (list key, record key value).
    """
    out = ""
    for step in steps:
        if isinstance(step, tuple):
            out += f"[{step[1]}]"
        else:
            out += ("." if out else "") + step
    return out or "(root)"


def resolve_steps(data: Any, steps: list[Step]) -> tuple[str | int, ...] | None:
    """The index pointer of ``steps`` in plain ``data`` (for locating a value in a file)."""
    pointer: list[str | int] = []
    node = data
    for step in steps:
        if isinstance(step, tuple):
            list_key, value = step
            keyfield = KEYED_LISTS.get(list_key, "code")
            if not isinstance(node, list):
                return None
            index = next(
                (
                    i
                    for i, r in enumerate(node)
                    if isinstance(r, dict) and keyfield in r and record_key(r, keyfield) == value
                ),
                None,
            )
            if index is None:
                return None
            pointer.append(index)
            node = node[index]
        else:
            if not isinstance(node, dict) or step not in node:
                return None
            pointer.append(step)
            node = node[step]
    return tuple(pointer)


@dataclass(slots=True)
class Conflict:
    """One field (or record) that the inputs set in incompatible ways."""

    steps: list[Step]
    values: dict[str, Any]  # side label → plain value (MISSING when absent)
    owners: dict[str, int] = field(default_factory=dict)  # side label → input index
    nodes: dict[str, Any] = field(default_factory=dict)  # side label → round-trip node

    @property
    def where(self) -> str:
        return path_text(self.steps)


def _keyfield(key: Any) -> str | None:
    return KEYED_LISTS.get(key) if isinstance(key, str) else None


def _records(seq: Any, keyfield: str) -> dict[str, int] | None:
    """Record key → index, or ``None`` when the list is not made of keyed records."""
    if not isinstance(seq, list):
        return None
    index: dict[str, int] = {}
    for i, rec in enumerate(seq):
        if not isinstance(rec, dict) or keyfield not in rec or record_key(rec, keyfield) in index:
            return None
        index[record_key(rec, keyfield)] = i
    return index


def _mergeable_map(*nodes: Any) -> bool:
    return all(
        n is MISSING or (isinstance(n, CommentedMap) and not n.fa.flow_style()) for n in nodes
    )


def _eq(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return bool(plain(a) == plain(b))


def _plain_or_missing(node: Any) -> Any:
    return MISSING if node is MISSING else plain(node)


def _lead_of(parent: Any, key: Any, index: int) -> str:
    """The comment lines above record ``index`` of ``parent[key]`` (trees are normalised)."""
    if index == 0:
        return _first_lead(parent, key)
    return pre_comment(parent[key], index)


def _first_lead(parent: Any, key: Any) -> str:
    entry = parent.ca.items.get(key) if isinstance(parent, CommentedMap) else None
    return comment_text(entry[3]) if entry is not None and len(entry) > 3 else ""


def _append_record(parent: Any, key: Any, record: Any, lead: str) -> None:
    """Append ``record`` to the list ``parent[key]``, with the comment lines ``lead``."""
    seq = parent[key]
    if not seq:  # `matters: []` becomes a block list holding the record and its comments
        if isinstance(seq, CommentedSeq):
            seq.fa.set_block_style()
        seq.append(record)
        attach_leads(parent, key, [lead.lstrip("\n")], "")
        return
    if not is_block(seq):
        seq.append(record)
        return
    leads, tail = detach_leads(parent, key)
    seq.append(record)
    sep = next((lead_ for lead_ in leads[1:] if not lead_.strip()), "")
    text = lead if lead.startswith("\n") or not sep else sep + lead
    attach_leads(parent, key, [*leads, text], tail)


def _set_lead(parent: Any, key: Any, position: int, lead: str) -> None:
    """Replace the comment lines above record ``position`` of ``parent[key]``."""
    if not lead.strip():
        return
    leads, tail = detach_leads(parent, key)
    if position < len(leads):
        gap = leads[position][: len(leads[position]) - len(leads[position].lstrip("\n"))]
        leads[position] = gap + lead.lstrip("\n")
    attach_leads(parent, key, leads, tail)


def _insert_record(parent: Any, key: Any, position: int, record: Any, lead: str) -> None:
    seq = parent[key]
    if position >= len(seq):
        _append_record(parent, key, record, lead)
        return
    leads, tail = detach_leads(parent, key)
    seq.insert(position, record)
    leads.insert(position, lead)
    attach_leads(parent, key, leads, tail)


def _remove_record(parent: Any, key: Any, position: int) -> None:
    seq = parent[key]
    leads, tail = detach_leads(parent, key)
    del seq[position]
    if leads:
        removed = leads.pop(position) if position < len(leads) else ""
        if position == 0 and leads:
            leads[0] = removed if not leads[0].strip() else leads[0]
    attach_leads(parent, key, leads, tail)


# --- N-way combination ---------------------------------------------------------------


@dataclass(slots=True)
class Combined:
    """The result of :func:`combine`: the merged tree, conflicts, and who owns what."""

    tree: Any
    conflicts: list[Conflict]
    owner: dict[tuple[Step, ...], int]

    def owner_of(self, steps: list[Step]) -> int:
        for n in range(len(steps), -1, -1):
            key = tuple(steps[:n])
            if key in self.owner:
                return self.owner[key]
        return 0


def combine(trees: list[Any], prefer: str | None = None) -> Combined:
    """Merge round-trip ``trees`` (the first is modified in place) keyed by code.

    ``prefer`` resolves conflicts: ``"first"`` keeps the earliest input's value,
    ``"last"`` takes the latest; they are still reported as conflicts.
    """
    for tree in trees:
        normalize(tree)
    result = Combined(trees[0], [], {(): 0})
    for index, other in enumerate(trees[1:], start=1):
        _combine_map(result, index, result.tree, other, [], prefer)
    return result


def _combine_map(
    result: Combined, index: int, ours: Any, theirs: Any, steps: list[Step], prefer: str | None
) -> None:
    for key in list(theirs.keys()):
        here = [*steps, str(key)]
        t = theirs[key]
        if key not in ours:
            ours[key] = t
            if key in theirs.ca.items:
                ours.ca.items[key] = theirs.ca.items[key]
            result.owner[tuple(here)] = index
            continue
        o = ours[key]
        keyfield = _keyfield(key)
        if (
            keyfield
            and _records(plain(o), keyfield) is not None
            and _records(plain(t), keyfield) is not None
        ):  # walked even when equal: their comment lines may be adopted
            _combine_list(result, index, ours, theirs, key, keyfield, here, prefer)
        elif _eq(o, t):
            continue
        elif _mergeable_map(o, t):
            _combine_map(result, index, o, t, here, prefer)
        else:
            owner = result.owner_of(here)
            result.conflicts.append(
                Conflict(here, {"A": plain(o), "B": plain(t)}, {"A": owner, "B": index})
            )
            if prefer == "last":
                ours[key] = t
                result.owner[tuple(here)] = index


def _combine_list(
    result: Combined,
    index: int,
    ours_parent: Any,
    theirs_parent: Any,
    key: Any,
    keyfield: str,
    steps: list[Step],
    prefer: str | None,
) -> None:
    ours, theirs = ours_parent[key], theirs_parent[key]
    mine = _records(plain(ours), keyfield) or {}
    for i, rec in enumerate(theirs):
        code = record_key(rec, keyfield)
        here = [*steps, (str(key), code)]
        if code not in mine:
            _append_record(ours_parent, key, rec, _lead_of(theirs_parent, key, i))
            mine[code] = len(ours_parent[key]) - 1
            result.owner[tuple(here)] = index
        else:
            if not _lead_of(ours_parent, key, mine[code]).strip():  # adopt their comment lines
                _set_lead(ours_parent, key, mine[code], _lead_of(theirs_parent, key, i))
            if not _eq(ours_parent[key][mine[code]], rec):
                _combine_map(result, index, ours_parent[key][mine[code]], rec, here, prefer)


# --- three-way merge -----------------------------------------------------------------


@dataclass(slots=True)
class Merged3:
    tree: Any
    conflicts: list[Conflict]
    sentinels: dict[str, Conflict]


_SENTINEL = "__ZJPAOYICI_CONFLICT_{}__"


def merge3(base: Any, ours: Any, theirs: Any) -> Merged3:
    """Three-way merge of round-trip trees; ``ours`` is modified in place and returned."""
    for tree in (base, ours, theirs):
        if tree is not None:
            normalize(tree)
    result = Merged3(ours, [], {})
    _merge3_map(result, base if base is not None else CommentedMap(), ours, theirs, [])
    return result


def _conflict3(result: Merged3, steps: list[Step], b: Any, o: Any, t: Any) -> str:
    conflict = Conflict(
        steps,
        {
            "ours": _plain_or_missing(o),
            "base": _plain_or_missing(b),
            "theirs": _plain_or_missing(t),
        },
        nodes={"ours": o, "base": b, "theirs": t},
    )
    result.conflicts.append(conflict)
    sentinel = _SENTINEL.format(len(result.conflicts))
    result.sentinels[sentinel] = conflict
    return sentinel


def _merge3_map(result: Merged3, base: Any, ours: Any, theirs: Any, steps: list[Step]) -> None:
    keys = list(ours.keys()) + [k for k in theirs if k not in ours]
    for key in keys:
        here = [*steps, str(key)]
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        if _eq(o, t) or _eq(t, b):
            continue  # same on both sides, or changed by ours only
        if _eq(o, b):  # changed by theirs only
            if t is MISSING:
                del ours[key]
            else:
                _take(ours, theirs, key, keys)
            continue
        keyfield = _keyfield(key)
        lists = [x for x in (b, o, t) if x is not MISSING]
        if (
            keyfield
            and o is not MISSING
            and t is not MISSING
            and all(_records(plain(x), keyfield) is not None for x in lists)
        ):
            _merge3_list(
                result, base if b is not MISSING else None, ours, theirs, key, keyfield, here
            )
        elif o is not MISSING and t is not MISSING and _mergeable_map(b, o, t):
            _merge3_map(result, b if b is not MISSING else CommentedMap(), o, t, here)
        else:
            sentinel = _conflict3(result, here, b, o, t)
            if o is MISSING:
                _place_key(ours, key, sentinel, keys)
            else:
                ours[key] = sentinel


def _place_key(ours: Any, key: Any, value: Any, order: list[Any]) -> None:
    """Insert ``key`` into ``ours`` after the keys that precede it in ``order``."""
    position = sum(1 for k in order[: order.index(key)] if k in ours)
    ours.insert(position, key, value)


def _take(ours: Any, theirs: Any, key: Any, order: list[Any]) -> None:
    if key in ours:
        ours[key] = theirs[key]
    else:
        _place_key(ours, key, theirs[key], order)
    if key in theirs.ca.items:
        ours.ca.items[key] = theirs.ca.items[key]


def _merge3_list(
    result: Merged3,
    base_parent: Any,
    ours_parent: Any,
    theirs_parent: Any,
    key: Any,
    keyfield: str,
    steps: list[Step],
) -> None:
    base_seq = base_parent[key] if base_parent is not None else []
    theirs_seq = theirs_parent[key]
    b_index = _records(plain(base_seq), keyfield) or {}
    t_index = _records(plain(theirs_seq), keyfield) or {}

    def ours_index() -> dict[str, int]:
        """Record positions in ours; conflict sentinels hold their record's place."""
        index: dict[str, int] = {}
        for i, rec in enumerate(ours_parent[key]):
            if isinstance(rec, dict) and keyfield in rec:
                index[record_key(rec, keyfield)] = i
            elif isinstance(rec, str) and rec in result.sentinels:
                conflict_steps = result.sentinels[rec].steps
                index[str(conflict_steps[-1][1])] = i
        return index

    codes = list(ours_index()) + [c for c in t_index if c not in ours_index()]
    for code in codes:
        here = [*steps, (str(key), code)]
        current = ours_index()
        b = base_seq[b_index[code]] if code in b_index else MISSING
        o = ours_parent[key][current[code]] if code in current else MISSING
        t = theirs_seq[t_index[code]] if code in t_index else MISSING
        if _eq(o, t) or _eq(t, b):
            continue
        if _eq(o, b):
            if t is MISSING:
                _remove_record(ours_parent, key, current[code])
            elif o is MISSING:
                _insert_record(
                    ours_parent,
                    key,
                    _position_after(theirs_seq, t_index[code], keyfield, current),
                    t,
                    _lead_of(theirs_parent, key, t_index[code]),
                )
            else:
                ours_parent[key][current[code]] = t
            continue
        if o is not MISSING and t is not MISSING:
            _merge3_map(result, b if b is not MISSING else CommentedMap(), o, t, here)
            continue
        sentinel = _conflict3(result, here, b, o, t)
        if o is MISSING:
            _insert_record(
                ours_parent,
                key,
                _position_after(theirs_seq, t_index[code], keyfield, current),
                sentinel,
                "",
            )
        else:
            ours_parent[key][current[code]] = sentinel


def _position_after(theirs_seq: Any, t_pos: int, keyfield: str, current: dict[str, int]) -> int:
    """Where a record new in theirs goes in ours: after its nearest predecessor in theirs."""
    for i in range(t_pos - 1, -1, -1):
        code = record_key(theirs_seq[i], keyfield)
        if code in current:
            return current[code] + 1
    return 0


# --- writing conflicts ---------------------------------------------------------------

_SENTINEL_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>- )?(?P<key>[^\s:#][^:]*?: )?__ZJPAOYICI_CONFLICT_(?P<n>\d+)__(?P<rest>\s+#.*)?\s*$"
)


def _styled_copy(node: Any) -> Any:
    """A copy of ``node`` without its comments, keeping flow style and quoting."""
    if isinstance(node, CommentedMap):
        new_map = CommentedMap((k, _styled_copy(v)) for k, v in node.items())
        if node.fa.flow_style():
            new_map.fa.set_flow_style()
        return new_map
    if isinstance(node, CommentedSeq):
        new_seq = CommentedSeq(_styled_copy(v) for v in node)
        if node.fa.flow_style():
            new_seq.fa.set_flow_style()
        return new_seq
    return copy.copy(node)


def _snippet(key: str | None, value: Any, indent: int, in_list: bool) -> str:
    """``value`` rendered as the YAML lines that would stand at ``indent``."""
    if value is MISSING:
        return ""
    if in_list:
        holder: Any = CommentedSeq([_styled_copy(value)])
    else:
        holder = CommentedMap()
        holder[key] = _styled_copy(value)
    text = dump_text(holder)
    lines = text.splitlines()
    strip = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)
    return "".join(" " * indent + line[strip:] + "\n" for line in lines)


def render_with_conflicts(
    merged: Merged3, ours_label: str = "ours", theirs_label: str = "theirs"
) -> str:
    """Dump a merge3 result, replacing conflict sentinels with diff3-style marker blocks."""
    text = dump_text(merged.tree)
    if not merged.sentinels:
        return text
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        m = _SENTINEL_LINE.match(line.rstrip("\n"))
        if not m:
            out.append(line)
            continue
        conflict = merged.sentinels[_SENTINEL.format(m.group("n"))]
        indent = len(m.group("indent"))
        in_list = m.group("dash") is not None and m.group("key") is None
        key = m.group("key")[:-2] if m.group("key") else None
        if m.group("dash") and key is not None:
            indent += 2
        out.append(f"<<<<<<< {ours_label}\n")
        ours_text = _snippet(key, conflict.nodes["ours"], indent, in_list)
        if m.group("rest") and ours_text:  # our comment beside the value stays with our side
            first, _, others = ours_text.partition("\n")
            ours_text = first + m.group("rest") + "\n" + others
        out.append(ours_text)
        out.append("||||||| base\n")
        out.append(_snippet(key, conflict.nodes["base"], indent, in_list))
        out.append("=======\n")
        out.append(_snippet(key, conflict.nodes["theirs"], indent, in_list))
        out.append(f">>>>>>> {theirs_label}\n")
    return "".join(out)


def iter_fields(data: Any, steps: list[Step] | None = None) -> Iterator[tuple[list[Step], Any]]:
    """Every leaf of plain ``data`` with its keyed path (records addressed by their code).

    Empty mappings and record lists are containers, not fields, and are not listed.
    """
    steps = steps or []
    if isinstance(data, dict):
        for key, value in data.items():
            keyfield = KEYED_LISTS.get(key)
            if keyfield and _records(value, keyfield) is not None:
                for rec in value:
                    yield from iter_fields(rec, [*steps, key, (key, record_key(rec, keyfield))])
            else:
                yield from iter_fields(value, [*steps, key])
    else:
        yield steps, data
