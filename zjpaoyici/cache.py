"""A content-addressed cache of per-region results, as JSON files outside the catalogue.

Where: ``$ZJPAOYICI_CACHE_DIR``, else ``$XDG_CACHE_HOME/zjpaoyici``, else
``~/.cache/zjpaoyici``. An entry is one JSON file named by the SHA-256 key of everything
its result depends on (tool version, schemas, limits, the task and the bytes of the
files read), written atomically. Reading never trusts an entry: it must parse as JSON,
carry its own key and pass the caller's decoder, or it counts as a miss and is
rewritten. Nothing is ever unpickled or evaluated. A cache that cannot be written is
silently skipped — it only ever makes a run faster.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson

from zjpaoyici.fsutil import atomic_write_bytes

T = TypeVar("T")
FORMAT = 1
ENV_DIR = "ZJPAOYICI_CACHE_DIR"
KEEP_DAYS = 30  # entries unused this long are removed (at most one sweep a day)


def default_dir() -> Path:
    """The cache directory this environment asks for (see the module docstring)."""
    explicit = os.environ.get(ENV_DIR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "zjpaoyici"


def digest(*parts: Any) -> str:
    """A SHA-256 key over JSON-encodable ``parts`` (order matters). ``json`` with ASCII
    escapes, not orjson: a file name that is not UTF-8 holds lone surrogates, and a
    number may exceed 64 bits."""
    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    ).hexdigest()


class Cache:
    """Get and put JSON results by key in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self._writable = True

    def _path(self, key: str) -> Path:
        return self.directory / f"v{FORMAT}" / key[:2] / f"{key}.json"

    def get(self, key: str, decode: Callable[[Any], T]) -> T | None:
        """The decoded entry for ``key``, or ``None`` (missing, damaged or foreign)."""
        try:
            raw = self._path(key).read_bytes()
            wrapper = orjson.loads(raw)
            if not isinstance(wrapper, dict) or wrapper.get("key") != key:
                raise ValueError("not this entry")
            value = decode(wrapper.get("data"))
        except (OSError, ValueError, TypeError, KeyError, IndexError, RecursionError):
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(self._path(key))  # recently used: kept by the sweep
        return value

    def put(self, key: str, data: Any) -> None:
        """Store JSON-encodable ``data`` under ``key`` (best effort)."""
        if not self._writable:
            return
        path = self._path(key)
        try:
            payload = orjson.dumps({"key": key, "data": data})
        except TypeError:  # a number beyond 64 bits, a name that is not UTF-8: not stored
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, payload, durable=False)
        except OSError:
            self._writable = False  # read-only home, full disk …: run without storing

    def sweep(self, now: float | None = None) -> int:
        """Remove entries unused for :data:`KEEP_DAYS` days, at most once a day."""
        now = time.time() if now is None else now
        marker = self.directory / f"v{FORMAT}" / ".swept"
        try:
            if now - marker.stat().st_mtime < 86400:
                return 0
        except OSError:
            pass
        removed = 0
        for path in (self.directory / f"v{FORMAT}").glob("*/*.json"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > KEEP_DAYS * 86400:
                    path.unlink()
                    removed += 1
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
            os.utime(marker, (now, now))
        return removed

    def usage(self) -> tuple[int, int]:
        """How many entries this version holds, and their size in bytes."""
        entries = size = 0
        for path in (self.directory / f"v{FORMAT}").glob("*/*.json"):
            with contextlib.suppress(OSError):
                size += path.stat().st_size
                entries += 1
        return entries, size

    def clear(self) -> int:
        """Remove every entry this version wrote; returns how many."""
        removed = 0
        root = self.directory / f"v{FORMAT}"
        if not root.is_dir():
            return 0
        for path in root.glob("*/*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed
