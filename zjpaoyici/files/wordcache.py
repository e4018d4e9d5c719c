"""A cache for functions of short words read from catalogue files."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")

LONGEST = 256  # characters: a longer word is worked out afresh each time


class ShortWords(Generic[T]):
    """``fn`` remembered for up to 65,536 words of at most :data:`LONGEST` characters (a
    province writes the same few thousand words a million times); a longer word is not
    kept, so untrusted files cannot fill memory through the cache. A hot loop may call
    ``cached`` itself for a word it has checked is short (one call instead of two)."""

    def __init__(self, fn: Callable[[str], T]) -> None:
        self.fn = fn
        self.cached: Callable[[str], T] = lru_cache(maxsize=1 << 16)(fn)
        self.__doc__ = fn.__doc__

    def __call__(self, word: str) -> T:
        return self.cached(word) if len(word) <= LONGEST else self.fn(word)


def short_words(fn: Callable[[str], T]) -> ShortWords[T]:
    """``fn`` remembered for short words (see ``ShortWords``)."""
    return ShortWords(fn)
