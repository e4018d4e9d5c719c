"""A cache for functions of short words read from catalogue files."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

LONGEST = 256  # characters: a longer word is worked out afresh each time


def short_words(fn: Callable[[str], T]) -> Callable[[str], T]:
    """``fn`` remembered for up to 65,536 words of at most :data:`LONGEST` characters (a
    province writes the same few thousand words a million times); a longer word is not
    kept, so untrusted files cannot fill memory through the cache."""
    cached = lru_cache(maxsize=1 << 16)(fn)

    def call(word: str) -> T:
        return cached(word) if len(word) <= LONGEST else fn(word)

    call.__doc__ = fn.__doc__
    return call
