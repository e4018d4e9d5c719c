"""The CJK font of the HTML pages, so that Chinese reads the same without system fonts:
the bundled Noto Sans SC (SIL OFL 1.1, GB2312 and more; tools/subset_cjk_font.py) cut
down to exactly the characters of one page and embedded as a woff2 data: URL. Characters
outside the bundled font fall back to the reader's fonts."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from zjpaoyici.files.resources import package_dir

FONT_FILE = package_dir() / "data" / "fonts" / "NotoSansSC-GB2312.woff2"
FAMILY = "ZJ Noto Sans SC"


@lru_cache(maxsize=1)
def _sfnt() -> bytes:
    """The bundled font uncompressed, once per process (each page subsets a fresh copy)."""
    from fontTools.ttLib import TTFont  # (imported when a page is written: 80 ms)

    font = TTFont(FONT_FILE)
    font.flavor = None
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_face(text: str) -> str:
    """An ``@font-face`` rule whose font holds the glyphs of ``text``'s characters only."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_sfnt()))
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # the copyright and licence records stay with the font
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in set(text)})
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-display:swap;'
        f'src:url(data:font/woff2;base64,{data}) format("woff2")}}'
    )
