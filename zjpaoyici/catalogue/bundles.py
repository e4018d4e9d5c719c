"""一件事 bundles in a region: which members a region implements, and where it offers them.

A member is a basic code (a main matter with subs counts as implemented when the
region implements any of its subs; its visits are the most any of them needs) or a
full handling-item code (``许可-00802-001-01``). A bundle is offered in the regions it
lists, or — when it lists none — in every region that implements all its required
members.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from zjpaoyici.catalogue.model import Bundle, Catalogue, Entry, Limit, Member, Source


@dataclass(frozen=True, slots=True)
class MemberState:
    """A member as one region implements it (or does not)."""

    member: Member
    implemented: bool
    visits: int | None
    promised: Limit | None
    src: Source | None  # where the region's entry (or item) is written


def _item_target(cat: Catalogue, code: str) -> tuple[str, str] | None:
    """(matter code, item code) when ``code`` is a full item code of a basic matter."""
    separator = cat.profile.item_separator
    head, sep, item = code.rpartition(separator)
    if sep and head in cat.basic and cat.profile.item_pattern.match(item):
        return head, item
    return None


def member_known(cat: Catalogue, code: str) -> bool:
    """Is ``code`` a basic code or a well-formed item code of a basic matter?"""
    return code in cat.basic or _item_target(cat, code) is not None


def member_state(cat: Catalogue, member: Member, entries: Mapping[str, Entry]) -> MemberState:
    code = member.code
    if code in entries:
        entry = entries[code]
        return MemberState(member, True, entry.visits, entry.facts.promised_limit, entry.src)
    matter = cat.basic.get(code)
    if matter is not None and matter.subs:
        subs = [entries[s] for s in matter.subs if s in entries]
        if subs:
            counts = [e.visits for e in subs]
            visits = (
                None if any(c is None for c in counts) else max(c for c in counts if c is not None)
            )
            limits = [e.facts.promised_limit for e in subs if e.facts.promised_limit is not None]
            promised = max(limits, key=Limit.working_days) if limits else None
            return MemberState(member, True, visits, promised, subs[0].src)
    target = _item_target(cat, code)
    if target is not None and target[0] in entries:
        entry = entries[target[0]]
        item = next((i for i in entry.items if i.code == target[1]), None)
        if item is not None:
            return MemberState(member, True, item.facts.visits, item.facts.promised_limit, item.src)
    return MemberState(member, False, None, None, None)


def member_states(
    cat: Catalogue, bundle: Bundle, entries: Mapping[str, Entry]
) -> list[MemberState]:
    return [member_state(cat, m, entries) for m in bundle.members]


def offered(bundle: Bundle, folder: str, states: list[MemberState]) -> bool:
    if bundle.regions is not None:
        return folder in bundle.regions
    required = [s for s in states if s.member.required]
    return bool(required) and all(s.implemented for s in required)


def offered_bundles(
    cat: Catalogue, folder: str, entries: Mapping[str, Entry]
) -> Iterator[tuple[Bundle, list[MemberState]]]:
    """The bundles a region offers, each with its members' states there."""
    for bundle in cat.bundles:
        states = member_states(cat, bundle, entries)
        if offered(bundle, folder, states):
            yield bundle, states
