"""User-facing messages in Chinese and English, and the choice between them.

Rule messages live with their rules (``zjpaoyici.rules``); this module holds the rest.
Every key must exist in both languages: a test checks it.
"""

from __future__ import annotations

import locale
import os
from typing import Literal, NamedTuple

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Bi(NamedTuple):
    """A text in both languages; also usable as a message parameter."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


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


MESSAGES: dict[str, dict[Lang, str]] = {
    "using_sample": {
        "zh": "未找到 catalogue.yaml，使用内置示例目录：{path}",
        "en": "No catalogue.yaml found; using the bundled sample catalogue: {path}",
    },
    "summary_clean": {
        "zh": "{name}：检查了 {files} 个文件、{matters} 个基本目录事项、{entries} 个实施清单条目，未发现问题。",
        "en": "{name}: checked {files} files, {matters} basic matters, {entries} implementation"
        " entries; no problems found.",
    },
    "summary_findings": {
        "zh": "{name}：检查了 {files} 个文件，发现 {errors} 个错误、{warnings} 个警告、{infos} 个提示。",
        "en": "{name}: checked {files} files; found {errors} errors, {warnings} warnings,"
        " {infos} notes.",
    },
    "hint": {"zh": "修改建议：", "en": "hint: "},
    "also_at": {"zh": "另见：", "en": "see also: "},
    "severity_error": {"zh": "错误", "en": "error"},
    "severity_warning": {"zh": "警告", "en": "warning"},
    "severity_info": {"zh": "提示", "en": "note"},
    "err_no_catalogue": {
        "zh": "{path} 不是目录（找不到 catalogue.yaml），也不是目录中的文件。",
        "en": "{path} is not a catalogue (no catalogue.yaml found) nor a file inside one.",
    },
    "err_not_found": {
        "zh": "路径不存在：{path}",
        "en": "No such file or directory: {path}",
    },
    "err_unreadable": {
        "zh": "无法读取 {path}：{reason}",
        "en": "Cannot read {path}: {reason}",
    },
    "err_bad_rule_selector": {
        "zh": "未知的规则编号或前缀：{value}（可用：{known}）",
        "en": "Unknown rule id or prefix: {value} (known: {known})",
    },
    "err_bad_option": {
        "zh": "选项 {option} 的值无效：{value}（可选：{choices}）",
        "en": "Invalid value for {option}: {value} (choose from: {choices})",
    },
    "col_file": {"zh": "文件", "en": "File"},
    "col_location": {"zh": "位置", "en": "Location"},
    "col_rule": {"zh": "规则", "en": "Rule"},
    "col_severity": {"zh": "级别", "en": "Severity"},
    "col_message": {"zh": "说明", "en": "Message"},
}


def t(key: str, lang: Lang, /, **params: object) -> str:
    """Format message ``key`` in ``lang`` with ``params``."""
    return MESSAGES[key][lang].format(**params)
