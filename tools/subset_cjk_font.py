"""Make the CJK font the HTML report embeds: Noto Sans CJK SC (SIL OFL 1.1) cut down
once to GB2312, ASCII, common punctuation and every character of the message table,
as woff2 in zjpaoyici/data/fonts/. The report subsets it again, per page, to exactly
the characters on the page; characters outside it fall back to the reader's fonts.

Run after ``apt-get install fonts-noto-cjk`` (Debian), from the repository root:

    .venv/bin/python tools/subset_cjk_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "zjpaoyici" / "data" / "fonts" / "NotoSansSC-GB2312.woff2"
EXTRA = "“”‘’…—–·、。，：；！？（）《》【】〔〕「」『』％＋－／×÷≤≥←→↑↓✓✗▲▼█▌"


def gb2312() -> set[str]:
    """Every character GB2312 encodes (rows 1–9 symbols, 16–87 hanzi)."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def main() -> int:
    collection = TTCollection(SOURCE)
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == FACE)
    messages = (ROOT / "zjpaoyici" / "messages.toml").read_text(encoding="utf-8")
    chars = gb2312() | {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA) | set(messages)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    options.hinting = False  # hints matter little on screen and cost a fifth of the size
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars if c.isprintable()})
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(TARGET)
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size:,} bytes, {len(chars):,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
