"""What changed between two catalogues, in the reform's own terms.

Effective (resolved) records are compared, keyed by (region, agency, code), region by
region: where several agencies implement one matter in a region, each agency's entry is
compared with the same agency's entry.
Every change is classified *improvement* (fewer visits, shorter promised limit, fewer
required materials, deeper online handling …), *regression* (the reverse; a matter
falling out of 最多跑一次; a matter a region stops implementing while it is still in
the catalogue) or *neutral*. A matter whose code changed but whose region and name
did not is one *re-code*, not a removal plus an addition; likewise a matter whose only
entry in a region moved to another agency (a department renamed) is one *agency change*.

The summary counts 减事项 (matters), 减次数 (visits, over matters present before and
after), 减材料 (required materials, likewise) and 减时间 (promised working days,
likewise), and the change of the 最多跑一次 share per level and per region. A fact one
side does not give is unknown: it is left out of these sums (and counted beside them),
and a change from unknown to known is neutral, never an improvement from "no".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from zjpaoyici.catalogue.fields import COMPARED, limit_value
from zjpaoyici.catalogue.load import load_files, load_global
from zjpaoyici.catalogue.model import Catalogue, Entry, Facts, Item
from zjpaoyici.catalogue.paths import display_path, plan_files, split_plan
from zjpaoyici.catalogue.resolve import resolve_region
from zjpaoyici.files.reader import DEFAULT_LIMITS, Document, Limits
from zjpaoyici.findings import Finding, Loc
from zjpaoyici.ops.codec import (
    CodecError,
    decode_findings,
    decode_loc,
    encode_finding,
    encode_loc,
    plain,
)
from zjpaoyici.ops.stats.collect import coverage_from
from zjpaoyici.ops.stats.figures import Coverage, compute, in_scope
from zjpaoyici.runner.cache import Cache, digest
from zjpaoyici.runner.engine import (
    FileList,
    default_jobs,
    fingerprint,
    forked_map,
    total_size,
    workers_for,
)

ChangeKind = Literal[
    "added",
    "removed",
    "changed",
    "renamed",
    "recoded",
    "reassigned",
    "item_added",
    "item_removed",
    "item_changed",
    "bundle_added",
    "bundle_removed",
    "bundle_changed",
    "bundle_member_added",
    "bundle_member_removed",
]
ChangeClass = Literal["improvement", "regression", "neutral"]
CLASSES: tuple[ChangeClass, ...] = ("improvement", "regression", "neutral")
FailOn = Literal["regression", "removal", "any"]

Key = tuple[str, str]  # an entry's identity within its region: (agency, code)


class UnreadableFiles(Exception):
    """A side has files that could not be read: their entries would look removed, so the
    comparison is refused. ``findings``: the first error of each such file."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(", ".join(f.loc.file for f in findings))
        self.findings = findings


@dataclass(slots=True)
class Change:
    kind: ChangeKind
    region: str
    code: str
    name: str
    cls: ChangeClass
    field: str | None = None
    old: Any = None
    new: Any = None
    old_code: str | None = None
    item: str | None = None
    loc: Loc | None = None
    falls_out: bool = False  # visits went from ≤ 1 to ≥ 2
    accepted: str | None = None  # reason from the accept list
    agency: str = ""  # the entry's implementing agency ("" for bundles)
    shared: bool = False  # several agencies implement this matter in the region


@dataclass(slots=True)
class Summary:
    matters_before: int = 0
    matters_after: int = 0
    visits_saved: int = 0  # 减次数
    materials_saved: int = 0  # 减材料
    days_saved: float = 0.0  # 减时间 (working days)
    # matters compared whose fact is not given on one side or both (left out of the sums)
    visits_unknown: int = 0
    materials_unknown: int = 0
    days_unknown: int = 0

    @property
    def matters_saved(self) -> int:  # 减事项
        return self.matters_before - self.matters_after

    def add(self, other: Summary) -> None:
        """Add a region's sums (the matter counts come from the statistics)."""
        self.visits_saved += other.visits_saved
        self.materials_saved += other.materials_saved
        self.days_saved += other.days_saved
        self.visits_unknown += other.visits_unknown
        self.materials_unknown += other.materials_unknown
        self.days_unknown += other.days_unknown


@dataclass(slots=True)
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    before: Coverage | None = None
    after: Coverage | None = None

    def count(self, cls: ChangeClass, *, accepted: bool | None = None) -> int:
        return sum(
            1
            for c in self.changes
            if c.cls == cls and (accepted is None or (c.accepted is not None) == accepted)
        )

    def fails(self, fail_on: FailOn | None) -> bool:
        if fail_on is None:
            return False
        if fail_on == "any":
            return bool(self.changes)
        if fail_on == "removal":
            return any(
                c.kind in ("removed", "item_removed") and c.accepted is None for c in self.changes
            )
        return any(c.cls == "regression" and c.accepted is None for c in self.changes)


@dataclass(frozen=True, slots=True)
class Accept:
    code: str
    region: str | None
    field: str | None
    reason: str


def _value(facts: Facts, name: str) -> Any:
    if name == "visits":
        return facts.visits
    if name == "promised_limit":
        return limit_value(facts.promised_limit)
    if name == "materials":
        if not isinstance(facts.raw_materials, list) or not facts.raw_materials:
            # not given: unknown, not "none required". An empty list reads as a missing
            # one, as in a spreadsheet, where both are an empty cell (export → import)
            return None
        return sorted(m.name for m in facts.materials if m.required)
    if name == "online.available":
        return facts.online_available
    if name == "online.depth":
        return facts.online_depth
    if name == "online.mobile":
        return facts.mobile
    if name == "fee":
        return None if facts.fee is None else facts.fee.charged
    return getattr(facts, name)


def _working_days(limit: Any) -> float | None:
    if not isinstance(limit, Mapping):
        return None
    days = float(limit["days"])
    return days if limit.get("unit", "working") == "working" else days * 5 / 7


def classify(name: str, old: Any, new: Any, overrides: Mapping[str, ChangeClass]) -> ChangeClass:
    """Is a change of field ``name`` from ``old`` to ``new`` good, bad or neither for citizens?"""
    if name in overrides:
        return overrides[name]

    def direction(a: float | None, b: float | None, lower_is_better: bool) -> ChangeClass:
        if a is None and b is None:
            return "neutral"
        if b is None:
            return "regression"  # a known fact became unknown
        if a is None:
            return "neutral"
        if a == b:
            return "neutral"
        better = b < a if lower_is_better else b > a
        return "improvement" if better else "regression"

    if name == "visits":
        return direction(old, new, lower_is_better=True)
    if name == "promised_limit":
        return direction(_working_days(old), _working_days(new), lower_is_better=True)
    if name == "materials":
        return direction(_size(old), _size(new), lower_is_better=True)
    if name == "online.depth":
        return direction(old, new, lower_is_better=False)
    if name in ("online.available", "online.mobile", "express"):
        return direction(_flag(old), _flag(new), lower_is_better=False)
    if name == "case_type":
        rank = {"即办件": 0, "承诺件": 1}
        return direction(rank.get(old), rank.get(new), lower_is_better=True)
    if name == "fee":  # charged → free is better
        return direction(_flag(old), _flag(new), lower_is_better=True)
    return "neutral"


def _flag(value: Any) -> int | None:
    """A yes/no fact as 1/0; unknown stays unknown."""
    return None if value is None else int(bool(value))


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, list) else None


def _compare_facts(
    old: Facts, new: Facts, overrides: Mapping[str, ChangeClass]
) -> list[tuple[str, Any, Any, ChangeClass]]:
    out = []
    for name in COMPARED:
        a, b = _value(old, name), _value(new, name)
        if a != b:
            out.append((name, a, b, classify(name, a, b, overrides)))
    return out


def _matter_name(cat: Catalogue, code: str) -> str:
    matter = cat.basic.get(code)
    return matter.name if matter else code


class _Differ:
    def __init__(
        self,
        old: Catalogue,
        new: Catalogue,
        overrides: Mapping[str, ChangeClass],
        accepts: Iterable[Accept],
    ) -> None:
        self.old, self.new = old, new
        self.overrides = overrides
        self.accepts = list(accepts)
        self.result = DiffResult()
        self.shared: set[str] = set()  # codes several agencies implement in this region

    def run(self) -> DiffResult:
        """Compare two fully loaded catalogues."""
        folders = sorted(set(self.old.region_folders()) | set(self.new.region_folders()))
        for folder in folders:
            self.region(folder)
        return self.finish(compute(self.old, "entry"), compute(self.new, "entry"))

    def finish(self, before: Coverage, after: Coverage) -> DiffResult:
        """Bundles, the coverage either side and the accept list: the regions are done."""
        self.bundles()
        self.result.before, self.result.after = before, after
        # matters in scope, from the statistics (which count every region, compared or not)
        self.result.summary.matters_before = before.overall.total
        self.result.summary.matters_after = after.overall.total
        for change in self.result.changes:
            change.accepted = self._accepted(change)
        return self.result

    def bundles(self) -> None:
        """Bundles are defined once for the catalogue: compare them by code."""
        before = {b.code: b for b in self.old.bundles}
        after = {b.code: b for b in self.new.bundles}
        for code in sorted(set(before) | set(after)):
            old, new = before.get(code), after.get(code)
            if old is None and new is not None:
                self.add(
                    Change(
                        "bundle_added",
                        "",
                        code,
                        new.name,
                        "neutral",
                        new=new.facts.visits,
                        loc=new.src.loc("code"),
                    )
                )
            elif new is None and old is not None:
                self.add(
                    Change(
                        "bundle_removed",
                        "",
                        code,
                        old.name,
                        "regression",
                        old=old.facts.visits,
                        loc=old.src.loc("code"),
                    )
                )
            elif old is not None and new is not None:
                before_members = {m.code: m for m in old.members}
                after_members = {m.code: m for m in new.members}
                for member in sorted(set(before_members) | set(after_members)):
                    if member not in before_members:
                        self.add(
                            Change(
                                "bundle_member_added",
                                "",
                                code,
                                new.name,
                                "neutral",
                                item=member,
                                loc=after_members[member].src.loc(),
                            )
                        )
                    elif member not in after_members:
                        self.add(
                            Change(
                                "bundle_member_removed",
                                "",
                                code,
                                new.name,
                                "neutral",
                                item=member,
                                loc=new.src.loc("members"),
                            )
                        )
                for name, a, b, cls in _compare_facts(old.facts, new.facts, self.overrides):
                    if name in (
                        "visits",
                        "promised_limit",
                        "online.available",
                        "online.depth",
                        "online.mobile",
                        "materials",
                    ):
                        change = Change(
                            "bundle_changed",
                            "",
                            code,
                            new.name,
                            cls,
                            field=name,
                            old=a,
                            new=b,
                            loc=new.src.loc(*name.split(".")),
                        )
                        change.falls_out = (
                            name == "visits" and a is not None and b is not None and a <= 1 < b
                        )
                        self.add(change)

    def _accepted(self, change: Change) -> str | None:
        for a in self.accepts:
            if (
                a.code in (change.code, change.old_code)
                and (a.region in (None, change.region))
                and (a.field is None or a.field == change.field)
            ):
                return a.reason
        return None

    def _entries(self, cat: Catalogue, folder: str) -> dict[Key, Entry]:
        """A region's entries in scope by (agency, code); a repeated key (R005) keeps
        the first."""
        out: dict[Key, Entry] = {}
        for e in resolve_region(cat, folder):
            if in_scope(cat, _type(cat, e.code)):
                out.setdefault((e.agency, e.code), e)
        return out

    def add(self, change: Change) -> None:
        self.result.changes.append(change)

    def region(self, folder: str) -> None:
        before = self._entries(self.old, folder)
        after = self._entries(self.new, folder)
        agencies: dict[str, set[str]] = {}
        for agency, code in [*before, *after]:
            agencies.setdefault(code, set()).add(agency)
        self.shared = {code for code, names in agencies.items() if len(names) > 1}
        removed = [k for k in before if k not in after]
        added = [k for k in after if k not in before]
        pairs = [(k, k) for k in before if k in after]
        # agency changes: a matter's only entry gone from one agency, new in another
        for old_key, new_key in _single_matches(removed, added, lambda k: k[1], lambda k: k[1]):
            removed.remove(old_key)
            added.remove(new_key)
            self.add(
                self._change(
                    "reassigned",
                    folder,
                    after[new_key],
                    _matter_name(self.new, new_key[1]),
                    "neutral",
                    old=old_key[0],
                    new=new_key[0],
                    loc=after[new_key].src.loc("code"),
                )
            )
            pairs.append((old_key, new_key))
        # re-codes: same region, agency and name, old code gone, new code new
        for old_key, new_key in _single_matches(
            removed,
            added,
            lambda k: (k[0], _matter_name(self.old, k[1])),
            lambda k: (k[0], _matter_name(self.new, k[1])),
        ):
            removed.remove(old_key)
            added.remove(new_key)
            self.add(
                self._change(
                    "recoded",
                    folder,
                    after[new_key],
                    _matter_name(self.new, new_key[1]),
                    "neutral",
                    old_code=old_key[1],
                    loc=after[new_key].src.loc("code"),
                )
            )
            pairs.append((old_key, new_key))
        for key in removed:
            entry = before[key]
            code = key[1]
            still = code in self.new.basic and in_scope(self.new, _type(self.new, code))
            self.add(
                self._change(
                    "removed",
                    folder,
                    entry,
                    _matter_name(self.old, code),
                    "regression" if still else "neutral",
                    old=entry.visits,
                    loc=entry.src.loc("code"),
                )
            )
        for key in added:
            entry = after[key]
            self.add(
                self._change(
                    "added",
                    folder,
                    entry,
                    _matter_name(self.new, key[1]),
                    "neutral",
                    new=entry.visits,
                    loc=entry.src.loc("code"),
                )
            )
        for old_key, new_key in pairs:
            self.pair(folder, before[old_key], after[new_key])

    def _change(
        self,
        kind: ChangeKind,
        folder: str,
        entry: Entry,
        name: str,
        cls: ChangeClass,
        **more: Any,
    ) -> Change:
        """A change of ``entry`` (its code and agency; the new side's when paired)."""
        return Change(
            kind,
            folder,
            entry.code,
            name,
            cls,
            agency=entry.agency,
            shared=entry.code in self.shared or more.get("old_code") in self.shared,
            **more,
        )

    def pair(self, folder: str, old: Entry, new: Entry) -> None:
        name_old, name_new = _matter_name(self.old, old.code), _matter_name(self.new, new.code)
        if name_old != name_new:
            self.add(
                self._change(
                    "renamed",
                    folder,
                    new,
                    name_new,
                    "neutral",
                    old=name_old,
                    new=name_new,
                    loc=new.src.loc("code"),  # located only when reported (a re-read)
                )
            )
        old_facts, new_facts = _effective(old), _effective(new)
        for name, a, b, cls in _compare_facts(old_facts, new_facts, self.overrides):
            change = self._change(
                "changed",
                folder,
                new,
                name_new,
                cls,
                field=name,
                old=a,
                new=b,
                loc=new.origin(*name.split(".")).loc(),
            )
            if name == "visits" and a is not None and b is not None and a <= 1 < b:
                change.falls_out = True
                change.cls = self.overrides.get("visits", "regression")
            self.add(change)
        self._summarise(old_facts, new_facts)
        self.items(folder, name_new, old, new)

    def _summarise(self, old: Facts, new: Facts) -> None:
        s = self.result.summary
        if old.visits is not None and new.visits is not None:
            s.visits_saved += old.visits - new.visits
        else:
            s.visits_unknown += 1
        before, after = _value(old, "materials"), _value(new, "materials")
        if before is not None and after is not None:
            s.materials_saved += len(before) - len(after)
        else:
            s.materials_unknown += 1
        a = _working_days(_value(old, "promised_limit"))
        b = _working_days(_value(new, "promised_limit"))
        if a is not None and b is not None:
            s.days_saved += a - b
        else:
            s.days_unknown += 1

    def items(self, folder: str, name: str, old: Entry, new: Entry) -> None:
        before: dict[str, Item] = {i.code: i for i in old.items}
        after: dict[str, Item] = {i.code: i for i in new.items}
        for item_code in sorted(set(before) | set(after)):
            a, b = before.get(item_code), after.get(item_code)
            if a is None and b is not None:
                self.add(
                    self._change(
                        "item_added",
                        folder,
                        new,
                        b.name or name,
                        "neutral",
                        item=item_code,
                        new=b.facts.visits,
                        loc=b.src.loc(),
                    )
                )
            elif b is None and a is not None:
                self.add(
                    self._change(
                        "item_removed",
                        folder,
                        new,
                        a.name or name,
                        "regression",
                        item=item_code,
                        old=a.facts.visits,
                        loc=new.src.loc("code"),
                    )
                )
            elif a is not None and b is not None:
                for field_name, x, y, cls in _compare_facts(a.facts, b.facts, self.overrides):
                    change = self._change(
                        "item_changed",
                        folder,
                        new,
                        b.name or name,
                        cls,
                        field=field_name,
                        old=x,
                        new=y,
                        item=item_code,
                        loc=b.src.loc(),
                    )
                    if field_name == "visits" and x is not None and y is not None and x <= 1 < y:
                        change.falls_out = True
                    self.add(change)


def _single_matches(
    removed: list[Key],
    added: list[Key],
    old_group: Callable[[Key], Any],
    new_group: Callable[[Key], Any],
) -> list[tuple[Key, Key]]:
    """Pairs (removed, added) that are the only one of their group on each side (the
    group of a removed key by ``old_group``, of an added key by ``new_group``)."""
    olds: dict[Any, list[Key]] = {}
    for key in removed:
        olds.setdefault(old_group(key), []).append(key)
    news: dict[Any, list[Key]] = {}
    for key in added:
        news.setdefault(new_group(key), []).append(key)
    return [
        (keys[0], news[group][0])
        for group, keys in olds.items()
        if len(keys) == 1 and len(news.get(group, [])) == 1
    ]


def _effective(entry: Entry) -> Facts:
    """The entry's facts with visits as effective (the maximum over its items)."""
    if not entry.items:
        return entry.facts
    facts = Facts(**{name: getattr(entry.facts, name) for name in Facts.__dataclass_fields__})
    facts.visits = entry.visits
    return facts


def _type(cat: Catalogue, code: str) -> str | None:
    matter = cat.basic.get(code)
    return matter.type if matter else None


def diff_catalogues(
    old: Catalogue,
    new: Catalogue,
    *,
    overrides: Mapping[str, ChangeClass] | None = None,
    accepts: Iterable[Accept] = (),
) -> DiffResult:
    """Compare two loaded catalogues."""
    return _Differ(old, new, overrides or {}, accepts).run()


def diff_roots(
    old_root: Path,
    new_root: Path,
    *,
    overrides: Mapping[str, ChangeClass] | None = None,
    accepts: Iterable[Accept] = (),
    old_label: Callable[[Path], str] = display_path,
    new_label: Callable[[Path], str] = display_path,
    limits: Limits = DEFAULT_LIMITS,
    cache: Cache | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DiffResult:
    """Compare two catalogues on disk, region by region: a region whose files and
    catalogue-wide context are byte-identical on both sides cannot differ and is not
    read; a pair of regions compared before (the same bytes on both sides, the same
    classification) comes from the cache; the rest are compared in worker processes when
    it pays. The statistics either side come from the engine (cache, workers). Raises
    :class:`UnreadableFiles` when a file that differs cannot be read."""
    global _STATE
    overrides = overrides or {}
    old_plan, new_plan = plan_files(old_root), plan_files(new_root)
    old = load_global(old_root, old_plan, limits=limits, label=old_label)
    new = load_global(new_root, new_plan, limits=limits, label=new_label)
    old_keys = fingerprint(old_root, old_plan, limits, old.sample).regions
    new_keys = fingerprint(new_root, new_plan, limits, new.sample).regions
    _, old_regions = split_plan(old_plan)
    _, new_regions = split_plan(new_plan)
    differ = _Differ(old, new, overrides, accepts)
    # how the files are named in locations: part of a cached comparison's identity
    names = [old_label(old_root / "x.yaml"), new_label(new_root / "x.yaml")]
    keys: dict[str, str | None] = {}
    found: dict[str, _RegionDiff] = {}
    for folder in sorted(set(old_regions) | set(new_regions)):
        a, b = old_keys.get(folder), new_keys.get(folder)
        if a is not None and a == b:
            continue  # the same bytes and context on both sides: nothing can differ
        same = sorted(overrides.items())
        key = None if a is None or b is None else digest("diff-region", a, b, same, names)
        keys[folder] = key
        hit = cache.get(key, _decode_region) if cache is not None and key is not None else None
        if hit is not None:
            found[folder] = hit
    missing = [folder for folder in keys if folder not in found]
    _STATE = (old, new, old_regions, new_regions, overrides, limits, old_label, new_label)
    size = total_size(
        p for f in missing for p, _, _ in [*old_regions.get(f, []), *new_regions.get(f, [])]
    )
    workers = workers_for(default_jobs() if jobs is None else max(1, jobs), len(missing), size)
    computed = forked_map(_compare_region, missing, workers)
    unreadable: list[Finding] = []
    for done, folder in enumerate(keys, start=1):
        if folder in found:
            region = found.pop(folder)
        else:
            data = next(computed)
            if data.get("unreadable"):
                unreadable.extend(decode_findings(data["unreadable"]))
                continue
            region = _decode_region(data)
            key = keys[folder]
            if cache is not None and key is not None:
                cache.put(key, data)
        differ.result.changes.extend(region.changes)
        differ.result.summary.add(region.summary)
        if progress:
            progress(done, 3 * len(keys))
    if unreadable:
        raise UnreadableFiles(unreadable)
    before = coverage_from(
        old,
        old_plan,
        "entry",
        limits=limits,
        cache=cache,
        jobs=jobs,
        label=old_label,
        keys=old_keys,
    )
    after = coverage_from(
        new,
        new_plan,
        "entry",
        limits=limits,
        cache=cache,
        jobs=jobs,
        label=new_label,
        keys=new_keys,
    )
    return differ.finish(before, after)


# What forked workers inherit: both sides' catalogue-wide context, their region files, the
# classification overrides, the reading limits and how each side names its files.
_STATE: tuple[
    Catalogue,
    Catalogue,
    dict[str, FileList],
    dict[str, FileList],
    Mapping[str, ChangeClass],
    Limits,
    Callable[[Path], str],
    Callable[[Path], str],
]


@dataclass(slots=True)
class _RegionDiff:
    """One region's comparison: its changes and its part of the summary."""

    changes: list[Change]
    summary: Summary


def _compare_region(folder: str) -> dict[str, Any]:
    """Load one region on both sides, compare it, drop it; the result as plain data (for
    the cache and to cross from a worker). A side with an unreadable file returns the
    reading errors instead: its entries would look removed."""
    old, new, old_regions, new_regions, overrides, limits, old_label, new_label = _STATE
    marks = len(old.unparsed), len(new.unparsed)
    load_files(old, old_regions.get(folder, []), limits=limits, label=old_label)
    load_files(new, new_regions.get(folder, []), limits=limits, label=new_label)
    try:
        unreadable = old.unparsed[marks[0] :] + new.unparsed[marks[1] :]
        if unreadable:
            return {"unreadable": [encode_finding(f) for f in unreadable]}
        differ = _Differ(old, new, overrides, ())
        differ.region(folder)
        s = differ.result.summary
        return {
            "changes": [_encode_change(c) for c in differ.result.changes],
            "summary": [
                s.visits_saved,
                s.materials_saved,
                s.days_saved,
                s.visits_unknown,
                s.materials_unknown,
                s.days_unknown,
            ],
        }
    finally:
        old.impl_files.pop(folder, None)
        new.impl_files.pop(folder, None)
        del old.unparsed[marks[0] :], new.unparsed[marks[1] :]


_KINDS: frozenset[str] = frozenset(get_args(ChangeKind))


def _encode_change(c: Change) -> list[Any]:
    loc = None if c.loc is None else encode_loc(c.loc)
    head = [c.kind, c.region, c.code, c.name, c.cls, c.field, c.old, c.new, c.old_code]
    return [*head, c.item, loc, c.falls_out, c.agency, c.shared]


def _decode_change(data: Any) -> Change:
    if not isinstance(data, list) or len(data) != 14:
        raise CodecError("bad change")
    kind, region, code, name, cls, fld, old, new, old_code, item, loc, falls, agency, shared = data
    texts = (region, code, name, agency)
    optional = (fld, old_code, item)
    if (
        kind not in _KINDS
        or cls not in CLASSES
        or not all(isinstance(x, str) for x in texts)
        or not all(x is None or isinstance(x, str) for x in optional)
        or not isinstance(falls, bool)
        or not isinstance(shared, bool)
    ):
        raise CodecError("bad change")
    return Change(
        kind,
        region,
        code,
        name,
        cls,
        field=fld,
        old=plain(old),
        new=plain(new),
        old_code=old_code,
        item=item,
        loc=None if loc is None else decode_loc(loc),
        falls_out=falls,
        agency=agency,
        shared=shared,
    )


def _decode_region(data: Any) -> _RegionDiff:
    """The comparison :func:`_compare_region` wrote; :class:`CodecError` for anything else."""
    if not isinstance(data, dict) or set(data) != {"changes", "summary"}:
        raise CodecError("bad region comparison")
    changes, numbers = data["changes"], data["summary"]
    if not isinstance(changes, list) or not isinstance(numbers, list) or len(numbers) != 6:
        raise CodecError("bad region comparison")
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        raise CodecError("bad region comparison")
    visits, materials, days, *unknown = numbers
    if not all(isinstance(n, int) for n in (visits, materials, *unknown)):
        raise CodecError("bad region comparison")
    summary = Summary(0, 0, int(visits), int(materials), float(days), *map(int, unknown))
    return _RegionDiff([_decode_change(c) for c in changes], summary)


ACCEPT_KEYS = ("code", "region", "field", "reason")


def accepts_of(doc: Document) -> tuple[list[Accept], list[tuple[Loc, str, dict[str, object]]]]:
    """An accept file's entries (``accept: [{code, region?, field?, reason}]``) and
    everything wrong with it, located, as (place, message key, its parameters): a
    misspelled key or field would otherwise widen an acceptance to every field, or drop
    it, without a word."""
    items = doc.data.get("accept") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return [], [(doc.loc(), "accept_no_list", {})]
    accepts: list[Accept] = []
    problems: list[tuple[Loc, str, dict[str, object]]] = []
    for i, item in enumerate(items):
        where = ("accept", i)
        if not isinstance(item, dict):
            problems.append((doc.loc(where), "accept_not_mapping", {}))
            continue
        for key in item:
            if key not in ACCEPT_KEYS:
                params = {"key": key, "allowed": ", ".join(ACCEPT_KEYS)}
                problems.append((doc.loc((*where, key), key=True), "accept_unknown_key", params))
        for key in ("code", "reason"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                problems.append((doc.loc(where), "accept_missing", {"key": key}))
        fld, region = item.get("field"), item.get("region")
        if fld is not None and fld not in COMPARED:
            params = {"field": fld, "choices": ", ".join(COMPARED)}
            problems.append((doc.loc((*where, "field")), "accept_bad_field", params))
        if region is not None and not isinstance(region, str):
            # region: 330106 unquoted is a number; dropping it would accept every region
            problems.append((doc.loc((*where, "region")), "accept_bad_region", {"region": region}))
        if isinstance(item.get("code"), str) and isinstance(item.get("reason"), str):
            region = region if isinstance(region, str) else None
            accepts.append(
                Accept(item["code"], region, fld if isinstance(fld, str) else None, item["reason"])
            )
    return accepts, problems
