"""Arabic text and fonts for static (matplotlib) maps.

Matplotlib 3.11 lays text out with libraqm, which shapes Arabic letters and
orders right-to-left runs itself; the PDF then keeps the words in logical
order, so they can be searched and copied. Older matplotlib builds draw
characters one by one: for those, :func:`shape` joins the letters with
``arabic-reshaper`` and reorders them with ``python-bidi``. Never apply both,
or Arabic would come out reversed.

Fonts are registered with matplotlib by file path (Noto Sans Arabic, Noto
Naskh Arabic, DejaVu Sans), so rendering does not depend on the system's
font cache.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager

#: Font files tried, in order; missing ones are skipped.
FONT_FILES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
ARABIC_FAMILIES: tuple[str, ...] = ("Noto Sans Arabic", "Noto Naskh Arabic")
LATIN_FAMILY = "DejaVu Sans"

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@cache
def register_fonts() -> tuple[str, ...]:
    """Register the project fonts with matplotlib (once) and return their family names.

    Returns
    -------
    tuple of str
        Family names of the registered fonts, e.g. ``("Noto Sans Arabic", "DejaVu Sans")``.
    """
    names: list[str] = []
    for path in FONT_FILES:
        if not path.is_file():
            continue
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
        if name not in names:
            names.append(name)
    return tuple(names)


def native_shaping() -> bool:
    """Whether this matplotlib shapes complex scripts itself (libraqm, matplotlib ≥ 3.11)."""
    return "text.language" in matplotlib.rcParams


def has_arabic(text: str) -> bool:
    """Whether *text* contains Arabic letters."""
    return bool(_ARABIC.search(text))


def shape(text: str) -> str:
    """Return *text* ready to be drawn by matplotlib.

    With native shaping, *text* is returned unchanged (logical order). Otherwise
    Arabic letters are joined (``arabic_reshaper``) and the line is reordered
    for display (``bidi``).

    Examples
    --------
    >>> shape("Safi")
    'Safi'
    """
    if not text or native_shaping() or not has_arabic(text):
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return "\n".join(str(get_display(arabic_reshaper.reshape(line))) for line in text.split("\n"))


def families(text: str = "", lang: str = "fr") -> list[str]:
    """Font family list for *text*: Arabic fonts first when it (or *lang*) is Arabic.

    DejaVu Sans carries a few Arabic glyphs of its own, so it must come after
    the Noto Arabic fonts whenever Arabic is drawn; Latin text is drawn in
    DejaVu Sans with the Arabic fonts as fallback.
    """
    available = register_fonts()
    arabic = [f for f in ARABIC_FAMILIES if f in available]
    latin = [LATIN_FAMILY]
    return arabic + latin if lang == "ar" or has_arabic(text) else latin + arabic
