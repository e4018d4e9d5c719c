"""Region-by-region runs: the catalogue-wide context once, then each region's lists
loaded, used and dropped — from the cache when nothing they depend on changed, else in
worker processes, so memory follows the largest region and a warm run reads no YAML.

A region's result depends on the tool (version and code), the schemas, the reading
limits, the task, every catalogue-wide file (manifest, regions, basic catalogue,
bundles, every ``_defaults*``) and the bytes of the region's own lists. That is its
cache key. Locations in results are root-relative and relabelled by the caller, so a
result made in one working directory serves another.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass
from functools import cache as memoize
from itertools import islice
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from zjpaoyici import __version__
from zjpaoyici.catalogue.load import load_files
from zjpaoyici.catalogue.model import Catalogue
from zjpaoyici.catalogue.paths import Plan, split_plan
from zjpaoyici.files.reader import Limits
from zjpaoyici.files.resources import package_dir, schemas_dir
from zjpaoyici.findings import Finding
from zjpaoyici.runner.cache import Cache, digest

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)
FileList = list[tuple[Path, str, str]]
PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # below this, starting workers costs more than it saves
ENV_JOBS = "ZJPAOYICI_JOBS"


class RegionTask(Protocol[T_co]):
    """What to compute for one region whose lists are loaded into ``cat``.

    ``run`` returns plain JSON data (it crosses processes and goes into the cache);
    ``decode`` turns that data back into the task's result and raises on anything
    malformed; ``fresh`` does the same for data ``run`` has just made in this run (it
    may skip the checks: nothing outside the tool has touched it). ``key`` names the
    task and every option its result depends on. A ``"side"`` list in the data —
    ``[task key, data]`` pairs — holds results of other tasks computed on the way; they
    are stored under those tasks' keys, not returned.
    """

    @property
    def key(self) -> tuple[Any, ...]: ...

    def run(self, cat: Catalogue, folder: str, reading: list[Finding], files: int) -> Any: ...

    def decode(self, data: Any) -> T_co: ...

    def fresh(self, data: Any) -> T_co: ...


@memoize
def code_digest() -> str:
    """SHA-256 over this installation's code, rule examples and JSON Schemas: a changed rule
    or schema never reuses results of the old one, even without a version bump. The shipped
    sample catalogue (``_data/catalog``) is data, not code, and is left out."""
    return _digest_of(package_dir(), schemas_dir())


def _digest_of(package: Path, schemas: Path) -> str:
    h = hashlib.sha256(__version__.encode())
    code = [
        path
        for path in package.rglob("*")
        if path.suffix in (".py", ".json", ".yaml")
        and "_data" not in path.relative_to(package).parts
        and path.is_file()
    ]
    for label, base, paths in (
        ("code", package, code),
        ("schemas", schemas, list(schemas.glob("*.json"))),
    ):
        for path in sorted(paths):
            h.update(f"{label}/{path.relative_to(base).as_posix()}".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _file_digest(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes; ``None`` for anything else (a FIFO would block,
    a link loop or unreadable file cannot be hashed): such a region is never cached."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, RuntimeError):
        return None


@dataclass(slots=True)
class Fingerprint:
    """Cache keys of the catalogue-wide context and of each region (``None``: no key,
    because a file could not be read)."""

    context: str | None
    regions: dict[str, str | None]


def fingerprint(root: Path, plan: Plan, limits: Limits, sample: bool) -> Fingerprint:
    """Hash every planned file once; combine into the context and region keys."""
    global_files, regions = split_plan(plan)

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    context_parts: list[Any] = [
        code_digest(),
        list(astuple(limits)),
        sample,
        sorted(regions),
        sorted(rel(p) for p in plan.misplaced),
        sorted(rel(p) for p in plan.outside),
    ]
    readable = True
    for path, kind, folder in global_files:
        sha = _file_digest(path)
        readable = readable and sha is not None
        context_parts.append([rel(path), kind, folder, sha])
    context = digest(*context_parts) if readable else None
    keys: dict[str, str | None] = {}
    for folder, files in regions.items():
        shas = [_file_digest(path) for path, _, _ in files]
        if context is None or any(s is None for s in shas):
            keys[folder] = None
        else:
            keys[folder] = digest(
                context, [[rel(p), s] for (p, _, _), s in zip(files, shas, strict=True)]
            )
    return Fingerprint(context, keys)


def default_jobs() -> int:
    """Worker processes: ``$ZJPAOYICI_JOBS`` or the CPU count (at most 8)."""
    explicit = os.environ.get(ENV_JOBS, "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


# What forked workers inherit: the catalogue-wide context, the task and how to read.
_STATE: tuple[Catalogue, RegionTask[Any], dict[str, FileList], Limits, Callable[[Path], str]]


def _run_one(folder: str) -> Any:
    cat, task, regions, limits, label = _STATE
    files = regions[folder]
    reading = load_files(cat, files, limits=limits, label=label)
    try:
        return task.run(cat, folder, reading, len(files))
    finally:
        cat.impl_files.pop(folder, None)  # drop the region: memory follows one region


# What forked workers of ``RegionRunner.reduced`` inherit besides ``_STATE``: the runner
# (its cache and keys) and what to make of each region's result
_REDUCING: tuple[RegionRunner[Any], Callable[[str, Any], Any]] | None = None


def _reduce_one(folder: str) -> tuple[bool, Any]:
    """One region's result reduced where it is made (see ``RegionRunner.reduced``):
    whether it came from the cache, and what the reduction gives."""
    assert _REDUCING is not None
    runner, reduce = _REDUCING
    hit = runner._cached(folder)
    if hit is not None:
        return True, reduce(folder, hit)
    return False, reduce(folder, runner._stored(folder, _run_one(folder)))


@dataclass(slots=True)
class Stats:
    """How a run was served: regions from the cache and regions computed."""

    cached: int = 0
    computed: int = 0
    workers: int = 1


class RegionRunner(Generic[T]):
    """Runs one task over every region of a catalogue, cache first."""

    def __init__(
        self,
        cat: Catalogue,
        plan: Plan,
        task: RegionTask[T],
        *,
        limits: Limits,
        cache: Cache | None = None,
        jobs: int | None = None,
        label: Callable[[Path], str] | None = None,
        keys: dict[str, str | None] | None = None,
    ) -> None:
        """``keys`` are the region keys of :func:`fingerprint`, when already computed."""
        self.cat = cat
        self.task = task
        self.limits = limits
        self.cache = cache
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        root = cat.root
        self.label = label or (lambda path: path.relative_to(root).as_posix())
        _, self.regions = split_plan(plan)
        if keys is None:
            keys = (
                fingerprint(root, plan, limits, cat.sample).regions
                if cache is not None
                else dict.fromkeys(self.regions)
            )
        self.keys = keys
        self.stats = Stats()

    def _task_key(self, folder: str) -> str | None:
        region = self.keys.get(folder)
        return None if region is None else digest(region, list(self.task.key))

    def results(
        self,
        folders: Sequence[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[str, T]]:
        """(folder, result) for each region, in folder order. A cached region is read
        and decoded only when its turn comes, so memory follows one region; one whose
        entry turns out damaged then is computed on the spot."""
        order = sorted(self.regions) if folders is None else list(folders)
        total = len(order)
        cached: set[str] = set()
        if self.cache is not None:
            for folder in order:
                key = self._task_key(folder)
                if key is not None and self.cache.has(key):
                    cached.add(folder)
        missing = [f for f in order if f not in cached and f in self.regions]
        self.stats.cached = len(cached)
        self.stats.computed = len(missing)
        computed = self._compute(missing)
        done = 0
        for folder in order:
            hit = None
            if folder in cached:
                hit = self._cached(folder)
                if hit is None:  # damaged since it was seen
                    self.stats.cached -= 1
                    self.stats.computed += 1
            if hit is not None:
                result = hit
            elif folder in self.regions:
                if folder in cached:
                    (data,) = self._compute([folder])
                else:
                    data = next(computed)
                result = self._stored(folder, data)
            else:
                continue
            done += 1
            if progress:
                progress(done, total)
            yield folder, result

    def _cached(self, folder: str) -> T | None:
        """A region's result from the cache, decoded (``None``: not there, or damaged)."""
        key = self._task_key(folder)
        if self.cache is None or key is None:
            return None
        return self.cache.get(key, self.task.decode)

    def _stored(self, folder: str, data: Any) -> T:
        """A region's computed result decoded, its data (and any side results) stored."""
        side = data.pop("side", []) if isinstance(data, dict) else []
        result = self.task.fresh(data)
        region = self.keys.get(folder)
        if self.cache is not None and region is not None:
            self.cache.put(digest(region, list(self.task.key)), data)
            for key, extra in side:
                self.cache.put(digest(region, key), extra)
        return result

    def reduced(
        self,
        reduce: Callable[[str, T], R],
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[str, R]]:
        """(folder, ``reduce(folder, result)``) for each region, in folder order, with
        ``reduce`` applied in the worker that reads the region's result from the cache
        or computes (and stores) it: only what ``reduce`` gives crosses to this process,
        which neither decodes nor stores the regions' results itself."""
        global _REDUCING
        folders = sorted(self.regions)
        if self.cache is not None:
            _ = self.cache.secret  # read once here, not once per worker
        _REDUCING = (self, reduce)
        self.stats.cached = self.stats.computed = 0
        try:
            made = zip(folders, self._compute(folders, _reduce_one), strict=True)
            for done, (folder, (hit, reduced)) in enumerate(made, 1):
                if hit:
                    self.stats.cached += 1
                else:
                    self.stats.computed += 1
                if progress:
                    progress(done, len(folders))
                yield folder, reduced
        finally:
            _REDUCING = None

    def _compute(self, folders: list[str], one: Callable[[str], Any] = _run_one) -> Iterator[Any]:
        """``one`` of each of ``folders`` (by default its raw result) in order, in
        parallel when it pays.

        The catalogue-wide context lives as long as the run: it is frozen out of the
        garbage collector's reach (its passes over the context cost a quarter of a cold
        run, and in forked workers they copy every page they touch), and the collector
        runs less often while regions build their many short-lived objects."""
        global _STATE
        _STATE = (self.cat, self.task, self.regions, self.limits, self.label)
        thresholds = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(max(thresholds[0], 50_000), thresholds[1], thresholds[2])
        try:
            size = total_size(p for f in folders for p, _, _ in self.regions[f])
            self.stats.workers = workers_for(self.jobs, len(folders), size)
            yield from forked_map(one, folders, self.stats.workers)
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()


def total_size(paths: Iterable[Path]) -> int:
    """Bytes in ``paths`` (a file that cannot be looked at counts 0)."""
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):
            size += path.stat().st_size
    return size


def workers_for(jobs: int, items: int, size: int) -> int:
    """Worker processes worth starting for ``items`` of work reading ``size`` bytes: 1 (this
    process) below :data:`PARALLEL_MIN_BYTES`, for a single item, or without ``fork``."""
    if size < PARALLEL_MIN_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(jobs, items))


def forked_map(
    fn: Callable[[A], R], items: Sequence[A], workers: int, *, ahead: int | None = None
) -> Iterator[R]:
    """``map(fn, items)`` in order, in ``workers`` forked processes when more than one.
    ``fn`` finds what it needs in module state set before the call (forked workers inherit
    it), so only the items and the results cross between processes. With ``ahead``, at
    most that many items are in flight or waiting to be taken: large results (a region's
    rows for a workbook being written) never pile up; without it every item is handed
    out at once, so a slow item never holds up the others (files of very mixed sizes)."""
    if workers < 2:
        yield from map(fn, items)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        if ahead is None:
            yield from pool.map(fn, items, chunksize=1)
            return
        waiting = iter(items)
        flying = deque(pool.submit(fn, item) for item in islice(waiting, ahead))
        while flying:
            result = flying.popleft().result()
            for item in islice(waiting, 1):
                flying.append(pool.submit(fn, item))
            yield result
