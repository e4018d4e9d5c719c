"""A content-addressed cache of per-region results, as JSON files outside the catalogue.

Where: ``$ZJPAOYICI_CACHE_DIR``, else ``$XDG_CACHE_HOME/zjpaoyici``, else
``~/.cache/zjpaoyici``. An entry is one file named by the SHA-256 key of everything its
result depends on (tool version, schemas, limits, the task and the bytes of the files
read), written atomically: a line with an HMAC-SHA-256 tag, then the JSON payload.

The cache is never trusted. The tag is made with a secret kept outside the cache folder
(``$ZJPAOYICI_CACHE_KEY``, else a random key created on first use in the config
directory with mode 0600), so an entry written or edited by anyone without that secret
— a shared CI cache, another job on the runner — is ignored and recomputed, never
believed. Only regular files inside the cache folder are opened (no FIFO, device or
symlink), and no more than :data:`MAX_ENTRY_BYTES` are read. Nothing is ever unpickled
or evaluated. A cache that cannot be written is silently skipped — it only ever makes a
run faster.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import orjson

from zjpaoyici.files.atomic import TEMP_SUFFIX, atomic_write_bytes, remove_stale_temps

T = TypeVar("T")
FORMAT = 2
ENV_DIR = "ZJPAOYICI_CACHE_DIR"
ENV_KEY = "ZJPAOYICI_CACHE_KEY"
KEEP_DAYS = 30  # entries unused this long are removed (at most one sweep a day)
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # decided before reading: a larger entry is not one of ours
SUFFIX = ".entry"
_MAGIC = b"zjpaoyici-cache-2 "
_TAG_LEN = 64  # hex digits of an HMAC-SHA-256 tag


def default_dir() -> Path:
    """The cache directory this environment asks for (see the module docstring)."""
    explicit = os.environ.get(ENV_DIR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "zjpaoyici"


def config_dir() -> Path:
    """Where the per-user cache secret lives: ``$XDG_CONFIG_HOME/zjpaoyici`` or
    ``~/.config/zjpaoyici`` — never inside the cache folder."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "zjpaoyici"


def _read_secret(path: Path) -> bytes | None:
    """The secret in ``path`` if it is a private regular file of ours, else ``None``."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size != 2 * 32
            or info.st_mode & 0o077
            or info.st_uid != os.geteuid()
        ):
            return None
        return bytes.fromhex(os.read(fd, 2 * 32).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def load_secret() -> bytes | None:
    """The key that tags this user's entries: from ``$ZJPAOYICI_CACHE_KEY`` (e.g. a CI
    secret, so that runs of one repository can share a cache), else the private key file,
    created on first use. ``None`` when neither can be had: the cache is then not used."""
    given = os.environ.get(ENV_KEY, "")
    if given.strip():
        return hashlib.sha256(given.strip().encode("utf-8", "surrogatepass")).digest()
    path = config_dir() / "cache-key"
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".cache-key.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic and refuses to replace: a concurrent first run wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _read_secret(path)
    except OSError:
        return None


def digest(*parts: Any) -> str:
    """A SHA-256 key over JSON-encodable ``parts`` (order matters). ``json`` with ASCII
    escapes, not orjson: a file name that is not UTF-8 holds lone surrogates, and a
    number may exceed 64 bits."""
    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    ).hexdigest()


def _tag(secret: bytes, key: str, payload: bytes) -> bytes:
    mac = hmac.new(secret, key.encode("ascii", "replace") + b"\n", hashlib.sha256)
    mac.update(payload)
    return mac.hexdigest().encode("ascii")


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (opened without following a final
    symlink, without blocking on a FIFO) of at most ``limit`` bytes, else ``None``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


class Cache:
    """Get and put JSON results by key in one directory, authenticated with a secret."""

    def __init__(self, directory: Path, secret: bytes | None = None) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries present but not ours (foreign, edited, odd files)
        self._writable = True
        self._secret = secret
        self._secret_loaded = secret is not None
        self._real_root: str | None = None

    @property
    def secret(self) -> bytes | None:
        if not self._secret_loaded:
            self._secret = load_secret()
            self._secret_loaded = True
        return self._secret

    @property
    def root(self) -> Path:
        return self.directory / f"v{FORMAT}"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def _inside(self, path: Path) -> bool:
        """True when ``path``'s folder really lies inside the cache (no symlinked folder)."""
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        parent = os.path.realpath(path.parent)
        return parent.startswith(self._real_root + os.sep)

    def _verified(self, key: str, raw: bytes) -> bytes | None:
        """The payload of ``raw`` when its tag is this user's for ``key``."""
        secret = self.secret
        head = len(_MAGIC) + _TAG_LEN
        if secret is None or len(raw) <= head or not raw.startswith(_MAGIC) or raw[head] != 10:
            return None
        payload = raw[head + 1 :]
        if not hmac.compare_digest(raw[len(_MAGIC) : head], _tag(secret, key, payload)):
            return None
        return payload

    def has(self, key: str) -> bool:
        """Whether an entry for ``key`` is on disk (whether it is sound, ``get`` decides);
        one that is not counts as a miss."""
        path = self._path(key)
        if self.secret is not None and os.path.lexists(path):
            return True
        self.misses += 1
        return False

    def get(self, key: str, decode: Callable[[Any], T]) -> T | None:
        """The decoded entry for ``key``, or ``None`` (missing, damaged or foreign)."""
        path = self._path(key)
        if self.secret is None or not path.parent.is_dir() or not self._inside(path):
            self.misses += 1
            return None
        raw = read_bounded(path, MAX_ENTRY_BYTES)
        if raw is None:
            if os.path.lexists(path):
                self.rejected += 1
            self.misses += 1
            return None
        payload = self._verified(key, raw)
        try:
            if payload is None:
                raise ValueError("not authenticated")
            wrapper = orjson.loads(payload)
            if not isinstance(wrapper, dict) or wrapper.get("key") != key:
                raise ValueError("not this entry")
            value = decode(wrapper.get("data"))
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path, follow_symlinks=False)  # recently used: kept by the sweep
        return value

    def put(self, key: str, data: Any) -> None:
        """Store JSON-encodable ``data`` under ``key`` (best effort)."""
        secret = self.secret
        if not self._writable or secret is None:
            return
        path = self._path(key)
        try:
            payload = orjson.dumps({"key": key, "data": data})
        except TypeError:  # a number beyond 64 bits, a name that is not UTF-8: not stored
            return
        if len(payload) + len(_MAGIC) + _TAG_LEN + 1 > MAX_ENTRY_BYTES:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not self._inside(path):
                self._writable = False
                return
            if os.path.lexists(path) and not os.path.isfile(path):
                os.unlink(path)  # a FIFO or symlink planted in place of an entry
            blob = _MAGIC + _tag(secret, key, payload) + b"\n" + payload
            atomic_write_bytes(path, blob, durable=False)
        except OSError:
            self._writable = False  # read-only home, full disk …: run without storing

    def _entries(self) -> Iterator[Path]:
        yield from self.root.glob(f"*/*{SUFFIX}")

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
        for path in self._entries():
            with contextlib.suppress(OSError):
                if now - path.lstat().st_mtime > KEEP_DAYS * 86400:
                    path.unlink()
                    removed += 1
        for folder in self.root.glob("*/"):
            remove_stale_temps(folder, now)  # left by a run that was killed mid-write
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
            os.utime(marker, (now, now))
        return removed

    def usage(self) -> tuple[int, int, int]:
        """How many entries this version holds, their size in bytes, and how many of them
        are not authenticated with this user's secret (foreign or edited: ignored)."""
        entries = size = foreign = 0
        for path in self._entries():
            with contextlib.suppress(OSError):
                size += path.lstat().st_size
                entries += 1
                raw = read_bounded(path, MAX_ENTRY_BYTES)
                if raw is None or self._verified(path.name[: -len(SUFFIX)], raw) is None:
                    foreign += 1
        return entries, size, foreign

    def clear(self) -> int:
        """Remove every entry this version wrote; returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for path in self._entries():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed
