"""Atomic file writes: temporary files beside their targets, then renames.

Readers see the old file or the new one, never half of one. A write that fails names
the target and the operating system's reason (:class:`WriteFailure`, an ``OSError``
the CLI turns into exit 2). Several files are written as one batch: every new file is
prepared first, so a full disk or a permission problem shows before anything is
replaced. Temporary files carry the writer's pid and a recognisable suffix; a later run
removes stale ones (over an hour old, their writer gone) from the folders it writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

TEMP_SUFFIX = ".zjp-tmp"
STALE_SECONDS = 3600
_TEMP_NAME = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + "$")


class WriteFailure(OSError):
    """Writing ``filename`` failed for an environmental reason (no such folder, not a
    folder, permission denied, read-only, disk full). ``replaced`` lists targets of the
    same batch that were already replaced before the failure."""

    def __init__(self, exc: OSError, target: Path, replaced: Sequence[Path] = ()) -> None:
        super().__init__(exc.errno, exc.strerror or str(exc), str(target))
        self.replaced = tuple(replaced)


def umask() -> int:
    """The process umask (read without changing it for longer than a moment)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode(target: Path) -> int:
    """Permissions for a (re)written ``target``: its own, or the umask's for a new file
    (a temporary file starts as 0600, which would leave a new file unreadable to others)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~umask()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temps(folder: Path, now: float | None = None) -> int:
    """Remove this tool's temporary files in ``folder`` that are over an hour old and
    whose writing process is gone; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP_NAME.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                    continue
                if _pid_alive(int(match.group(1))) and int(match.group(1)) != os.getpid():
                    continue
                os.unlink(entry.path)
                removed += 1
    return removed


def _temp_beside(target: Path) -> Path:
    """Create (exclusively, mode 0600) a temporary file beside ``target``."""
    directory = target.parent if str(target.parent) else Path(".")
    for _ in range(100):
        name = f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        tmp = directory / name
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(17, "no free temporary name", str(directory))


def _check_target(target: Path) -> None:
    """Refuse a target that is a folder before writing anything for it."""
    if target.is_dir():
        raise IsADirectoryError(21, os.strerror(21), str(target))


@contextlib.contextmanager
def atomic_path(target: Path, *, durable: bool = True) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it when the block succeeds and
    removed when it fails. ``durable`` syncs the data to disk before the rename (a
    cache, which tolerates a lost entry, skips that cost). OS errors become
    :class:`WriteFailure` naming ``target``."""
    target = Path(target)
    try:
        _check_target(target)
        tmp = _temp_beside(target)
    except OSError as exc:
        raise WriteFailure(exc, target) from exc
    try:
        yield tmp
        if durable:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WriteFailure):
            raise WriteFailure(exc, target) from exc
        raise
    remove_stale_temps(tmp.parent)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically."""
    with (
        atomic_path(path, durable=durable) as tmp,
        os.fdopen(os.open(tmp, os.O_WRONLY | os.O_TRUNC), "wb") as fh,
    ):
        fh.write(data)
        fh.flush()


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


class FileBatch:
    """Several files written as one: :meth:`add` writes and syncs each new file as a
    temporary file beside its target at once (so a full disk or a refused permission
    shows before any target changes, and memory holds one file at a time), :meth:`commit`
    renames them all. Used as a context manager, leaving the block without a commit, or
    any failure, removes every temporary file; the raised :class:`WriteFailure` says
    which targets, if any, were already replaced."""

    def __init__(self, *, make_parents: bool = True) -> None:
        self.make_parents = make_parents
        self.prepared: list[tuple[Path, Path]] = []
        self.replaced: list[Path] = []

    def __enter__(self) -> FileBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, target: Path, data: bytes) -> None:
        target = Path(target)
        try:
            if self.make_parents:
                target.parent.mkdir(parents=True, exist_ok=True)
            _check_target(target)
            tmp = _temp_beside(target)
            self.prepared.append((tmp, target))
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, file_mode(target))
        except OSError as exc:
            raise WriteFailure(exc, target) from exc

    def commit(self) -> list[Path]:
        """Rename every prepared file onto its target; returns the targets."""
        for tmp, target in self.prepared:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise WriteFailure(exc, target, self.replaced) from exc
            self.replaced.append(target)
        for folder in {target.parent for _, target in self.prepared}:
            remove_stale_temps(folder)
        return list(self.replaced)

    def discard(self) -> None:
        """Remove every temporary file not yet renamed."""
        for tmp, _ in self.prepared:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.prepared = [(t, p) for t, p in self.prepared if p in self.replaced]


def write_files(files: Sequence[tuple[Path, bytes]], *, make_parents: bool = True) -> list[Path]:
    """Write several files as one batch (see :class:`FileBatch`)."""
    with FileBatch(make_parents=make_parents) as batch:
        for target, data in files:
            batch.add(target, data)
        return batch.commit()
