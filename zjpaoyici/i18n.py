"""User-facing messages in Chinese and English, and the choice between them.

Rule messages live with their rules (``zjpaoyici.rules``); this module holds the rest.
Every key must exist in both languages: a test checks it.
"""

from __future__ import annotations

import errno
import locale
import os
import tomllib
from pathlib import Path
from typing import Literal, NamedTuple

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Bi(NamedTuple):
    """A text in both languages; also usable as a message parameter."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def fill(self, **params: object) -> Bi:
        """Both templates with ``params`` filled in (each language may use its own)."""
        return Bi(self.zh.format(**params), self.en.format(**params))

    @classmethod
    def same(cls, text: str) -> Bi:
        """A value shown as is in both languages (a name, an OS message), not a sentence."""
        return cls(text, text)


def default_lang() -> Lang:
    """Pick the language from ``ZJPAOYICI_LANG`` or the locale (zh_* → zh, else en)."""
    explicit = os.environ.get("ZJPAOYICI_LANG", "").strip().lower()
    if explicit in LANGS:
        return "zh" if explicit == "zh" else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


# Chinese names of the operating-system errors a user meets when writing or reading.
_OS_REASONS_ZH = {
    errno.ENOENT: "没有这个文件或文件夹",
    errno.ENOTDIR: "路径中的某一部分不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许此操作（文件可能被锁定或设为不可改）",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EEXIST: "文件已存在",
    errno.ELOOP: "符号链接层数过多或链接循环",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EIO: "输入输出错误",
    errno.EMFILE: "打开的文件太多",
    errno.EXDEV: "不能跨文件系统移动",
}


def os_reason(exc: OSError, lang: Lang) -> str:
    """The operating system's reason for ``exc`` in ``lang`` (English: strerror)."""
    english = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    if lang == "zh" and exc.errno in _OS_REASONS_ZH:
        return f"{_OS_REASONS_ZH[exc.errno]}（{english}）"
    return english


def _load_messages() -> dict[str, dict[Lang, str]]:
    """The message table, kept as data (``messages.toml``) so that translators edit text,
    not code."""
    with (Path(__file__).parent / "messages.toml").open("rb") as handle:
        table: dict[str, dict[Lang, str]] = tomllib.load(handle)
    return table


MESSAGES: dict[str, dict[Lang, str]] = _load_messages()


def t(key: str, lang: Lang, /, **params: object) -> str:
    """Format message ``key`` in ``lang`` with ``params``."""
    return MESSAGES[key][lang].format(**params)


class Msg:
    """Message ``key`` with its parameters, worded once the language is known (messages
    made below the commands, which alone know it). A parameter that is itself a ``Msg``
    or ``Bi`` is worded in the same language; a tuple is listed with the language's
    separator."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object) -> None:
        self.key, self.params = key, params

    def get(self, lang: Lang) -> str:
        return t(self.key, lang, **{k: _worded(v, lang) for k, v in self.params.items()})

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.params!r})"


def _worded(value: object, lang: Lang) -> object:
    if isinstance(value, Msg | Bi):
        return value.get(lang)
    if isinstance(value, tuple):
        return t("list_sep", lang).join(str(v) for v in value)
    return value


def both(key: str, /, **params: object) -> Bi:
    """Message ``key`` in both languages: a finding's parameter, shown in the reader's."""
    return Bi(t(key, "zh", **params), t(key, "en", **params))


def name_of(kind: str, name: str, lang: Lang) -> str:
    """The shown name of ``name`` of a ``kind`` (``level``, ``diff_field``, …), or
    ``name`` itself when it has none."""
    key = f"{kind}_{name}"
    return t(key, lang) if key in MESSAGES else name
