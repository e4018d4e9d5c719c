"""Several byte regexes asked at once over a file: which of them match anywhere in it.

The fast path asks some forty such questions of every file (does it hold a token the
two YAML parsers read differently, a control character, stray whitespace …), and asked
one regex at a time each question is a pass over the bytes: together they cost as much
as parsing. Hyperscan answers all of a set in one SIMD pass. It has no look-around, so
each shape gives it a *superset* pattern (one that matches wherever the exact regex
does); every shape it reports is then confirmed by the exact regex with Python's ``re``,
so the answer is always the exact regexes' answer. Without hyperscan (a platform without
a wheel, a CPU without SSSE3) each exact regex runs alone, behind a memchr for the byte
it starts with — the same answer, slower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

hyperscan: ModuleType | None
try:  # optional: wheels for Linux x86-64, macOS and Windows (see pyproject.toml)
    import hyperscan
except ImportError:  # pragma: no cover - exercised where no wheel exists
    hyperscan = None


_UNCOMPILED = object()


@dataclass(frozen=True, slots=True)
class Shape:
    """One question: the exact regex, the byte it starts with (a memchr skips it for the
    many files without that byte; ``b""``: always run) and a hyperscan pattern that
    matches wherever the exact regex does (often the same shape without look-around)."""

    exact: re.Pattern[bytes]
    lead: bytes
    superset: bytes


def shape(exact: bytes, superset: bytes | None = None) -> Shape:
    """A shape from its exact regex (and its superset, when the regex has look-around);
    the lead byte is the regex's first literal byte, if it starts with one."""
    return Shape(re.compile(exact), _lead(exact), exact if superset is None else superset)


def _lead(pattern: bytes) -> bytes:
    if pattern[:1] == b"\\":
        if pattern[1:2] == b"x":
            return bytes.fromhex(pattern[2:4].decode())
        if pattern[1:2] == b"n":
            return b"\n"
        return pattern[1:2] if not pattern[1:2].isalnum() else b""
    if pattern[:1] in (b"[", b"(", b".", b""):
        return b""
    return pattern[:1]


class ScanSet:
    """The shapes, asked of a text all at once (``any``, ``matching``)."""

    def __init__(self, shapes: Sequence[Shape], *, use_hyperscan: bool = True) -> None:
        self.shapes = tuple(shapes)
        # compiled on first use (a command that reads no file never pays for it; forked
        # workers inherit the database the main process compiled for the shared files)
        self._db: Any = _UNCOMPILED if use_hyperscan else None

    @property
    def accelerated(self) -> bool:
        """Whether hyperscan answers (else each regex runs alone)."""
        return self._database() is not None

    def _database(self) -> Any:
        if self._db is _UNCOMPILED:
            self._db = _compiled(self.shapes)
        return self._db

    def matching(self, data: bytes) -> list[int]:
        """The indices of the shapes whose exact regex matches somewhere in ``data``."""
        candidates = self._candidates(data)
        return [i for i in candidates if self.shapes[i].exact.search(data) is not None]

    def any(self, data: bytes) -> bool:
        """Whether some shape's exact regex matches somewhere in ``data``."""
        shapes = self.shapes
        return any(shapes[i].exact.search(data) is not None for i in self._candidates(data))

    def _candidates(self, data: bytes) -> list[int]:
        db = self._database()
        if db is None:
            return [i for i, s in enumerate(self.shapes) if not s.lead or s.lead in data]
        found: set[int] = set()

        def hit(shape_id: int, start: int, end: int, flags: int, context: Any) -> bool:
            found.add(shape_id)
            return False

        db.scan(data, match_event_handler=hit)
        return sorted(found)


def _compiled(shapes: tuple[Shape, ...]) -> Any:
    """The shapes' supersets compiled for hyperscan, or ``None`` when it is missing or
    refuses (an old CPU: the exact regexes answer alone then)."""
    if hyperscan is None or not shapes:
        return None
    try:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            expressions=[s.superset for s in shapes],
            ids=list(range(len(shapes))),
            elements=len(shapes),
            flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(shapes),
        )
    except hyperscan.error:  # pragma: no cover - depends on the CPU
        return None
    return db
