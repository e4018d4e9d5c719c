"""Make untrusted text inert wherever it is printed.

Catalogue text comes from pull requests. Before it reaches a terminal, a CI log, a
Markdown comment or an HTML page, control characters (ANSI escapes among them) are
shown as visible escapes and each format's own syntax is escaped.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def visible(text: str) -> str:
    """Replace control and bidi-override characters with ``\\xNN``/``\\uNNNN`` escapes.

    Lone surrogates (how Python carries the bytes of a file name that is not UTF-8)
    become ``\\xNN`` for the original byte: they cannot be written as UTF-8 at all.
    """

    def esc(m: re.Match[str]) -> str:
        c = ord(m.group())
        if 0xDC80 <= c <= 0xDCFF:  # surrogateescape: one undecodable byte
            return f"\\x{c - 0xDC00:02x}"
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    return _CONTROL.sub(esc, text)


def one_line(text: str) -> str:
    """``visible`` plus newlines and tabs folded, for single-line formats."""
    return visible(text.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " "))


def github_data(text: str) -> str:
    """Escape a workflow-command message (``::error ...::<data>``)."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """Escape a workflow-command property value (``file=...``)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def html_text(text: str) -> str:
    """Escape text for HTML element content or a quoted attribute."""
    return html.escape(visible(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def markdown_text(text: str) -> str:
    """Escape text for a Markdown table cell or paragraph: emphasis, links, HTML, table
    pipes and entities are shown literally, line-start syntax cannot apply, and
    ``@mentions`` / ``#123`` references do not notify anyone."""
    escaped = one_line(text).replace("&", "&amp;")
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    escaped = re.sub(r"^([#>+\-=])", r"\\\1", escaped)
    escaped = re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)
    return escaped.replace("@", "@\u200b").replace("#", "#\u200b")


# Characters that may stand raw in a JSON string but act on a terminal or reader: C1
# controls, line and paragraph separators, bidi overrides (C0 controls json escapes itself).
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any, *, indent: int | None = 2, default: Any = None) -> str:
    """``data`` as JSON (UTF-8 text kept readable) in which no character can act on a
    terminal or CI log: the ones JSON would leave raw are written as ``\\uXXXX`` escapes,
    so a JSON reader gets exactly the same strings back."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=default)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_COMMAND_LINE = re.compile(r"(^|\n)([ \t]*)(::)")


def csv_text_cell(text: str) -> str:
    """A csv field's text made inert: line breaks normalised to LF (the csv writer quotes
    the field), a line that would start a CI workflow command (``::error …``) defused with
    a leading apostrophe, every other control or bidi character shown as an escape."""
    text = _LINE_BREAK.sub("\n", text)
    text = _COMMAND_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}'{m.group(3)}", text)
    return visible(text)
