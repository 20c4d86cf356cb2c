"""Numbers written the way a reader of each interface language expects.

French: decimal comma, narrow no-break space (U+202F) between thousands,
a narrow no-break space before ``%`` and a no-break space before units
(``2 378``, ``58,4 %``, ``4,5 km``).
Arabic (the project's choice, see ``docs/conventions-i18n.md``): Western digits
as printed in Morocco, decimal point, narrow no-break space between thousands,
``%`` glued to the number so the right-to-left layout cannot detach it
(``2 378``, ``58.4%``, ``4.5 كلم``).
English: decimal point, comma between thousands (``2,378``, ``58.4%``, ``4.5 km``).

Missing values (``None``, NaN, infinities) are written as an en dash.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import pandas as pd

NNBSP: Final = "\u202f"
NBSP: Final = "\u00a0"
MISSING: Final = "–"

#: (decimal separator, thousands separator, text between number and "%").
_SEPARATORS: Final = {
    "fr": (",", NNBSP, NNBSP),
    "ar": (".", NNBSP, ""),
    "en": (".", ",", ""),
}
#: Kilometre symbol in each language.
_KM: Final = {"fr": "km", "ar": "كلم", "en": "km"}


def normalise_lang(lang: str | None) -> str:
    """*lang* if numbers have a style for it, else French (the default language).

    (Kept here rather than imported from :mod:`mapping.i18n` so that
    :mod:`mapping.catalogue` can format with this module without an import circle.)
    """
    return lang if lang in _SEPARATORS else "fr"


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def format_number(value: object, lang: str = "fr", decimals: int = 0) -> str:
    """Write *value* with *decimals* decimals and the separators of *lang*.

    Parameters
    ----------
    value
        Any number (or ``None``/NaN, written as an en dash).
    lang
        ``fr``, ``ar`` or ``en``.
    decimals
        Digits after the decimal separator (rounded half to even).

    Examples
    --------
    >>> format_number(2378, "fr")
    '2\\u202f378'
    >>> format_number(88.44, "en", 1)
    '88.4'
    """
    f = _finite(value)
    if f is None:
        return MISSING
    dec, group, _ = _SEPARATORS[normalise_lang(lang)]
    text = f"{f:,.{max(decimals, 0)}f}"
    if text.startswith("-") and _finite(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    return text.replace(",", "\0").replace(".", dec).replace("\0", group)


def format_auto(value: object, lang: str = "fr", max_decimals: int = 6) -> str:
    """Write a figure of unknown precision: whole numbers without decimals, others with
    the decimals they need (at most *max_decimals*), e.g. values of a change log.

    Examples
    --------
    >>> format_auto(6.0, "fr"), format_auto(-7.60962, "fr"), format_auto(0.5, "en")
    ('6', '-7,60962', '0.5')
    """
    f = _finite(value)
    if f is None:
        return MISSING
    for d in range(max(max_decimals, 0) + 1):
        if round(f, d) == round(f, max_decimals):
            return format_number(f, lang, d)
    return format_number(f, lang, max_decimals)


def format_int(value: object, lang: str = "fr") -> str:
    """Write a count rounded to a whole number (``2 378``)."""
    return format_number(value, lang, 0)


def format_percent(value: object, lang: str = "fr", decimals: int = 1, *,
                   share: bool = False) -> str:
    """Write a percentage (``58,4 %``).

    Parameters
    ----------
    value
        The percentage (0–100), or a share (0–1) when *share* is true.
    lang, decimals
        As in :func:`format_number`.
    share
        Whether *value* is a share to multiply by 100.
    """
    f = _finite(value)
    if f is None:
        return MISSING
    sep = _SEPARATORS[normalise_lang(lang)][2]
    return f"{format_number(f * 100 if share else f, lang, decimals)}{sep}%"


def format_km(value: object, lang: str = "fr", decimals: int = 1) -> str:
    """Write a distance in kilometres (``4,5 km``, ``4,5 كلم``)."""
    f = _finite(value)
    if f is None:
        return MISSING
    return f"{format_number(f, lang, decimals)}{NBSP}{_KM[normalise_lang(lang)]}"


def format_value(value: object, unit: str, lang: str = "fr", decimals: int = 1) -> str:
    """Write *value* in the catalogue *unit* (``%``, ``km`` or a count word).

    Units other than ``%`` and ``km`` are written as plain numbers: their
    translated word belongs to the label, not to each figure.
    """
    if unit == "%":
        return format_percent(value, lang, decimals)
    if unit == "km":
        return format_km(value, lang, decimals)
    return format_number(value, lang, decimals)


def parse_number(text: str, lang: str = "fr") -> float | None:
    """Read back a number written by :func:`format_number` (``None`` if empty)."""
    dec, group, _ = _SEPARATORS[normalise_lang(lang)]
    s = text.strip().rstrip("%").strip().replace(NNBSP, "").replace(NBSP, "").replace(" ", "")
    if not s or s == MISSING:
        return None
    if group != NNBSP:
        s = s.replace(group, "")
    return float(s.replace(dec, "."))


def format_frame(frame: pd.DataFrame, lang: str, decimals: Mapping[str, int],
                 units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of *frame* whose numeric columns named in *decimals* are written as text.

    For tables a person reads (scenario and siting results, printed or
    exported summaries); columns not named are left as they are.

    Parameters
    ----------
    frame
        The table.
    lang
        Interface language.
    decimals
        Column → number of decimals.
    units
        Column → unit (``%``, ``km``...) appended as :func:`format_value` does.
    """
    out = frame.copy()
    for col, write in formatters(lang, decimals, units).items():
        if col in out:
            out[col] = [write(v) for v in out[col].tolist()]
    return out


def formatters(lang: str, decimals: Mapping[str, int],
               units: Mapping[str, str] | None = None) -> dict[str, Callable[[Any], str]]:
    """Column → function writing its values in *lang*, for ``DataFrame.style.format``.

    A table shown with ``frame.style.format(formatters(...))`` displays the numbers
    as a reader of *lang* writes them while sorting (and downloads) keep the values.

    Parameters
    ----------
    lang
        Interface language.
    decimals
        Column → number of decimals.
    units
        Column → unit (``%``, ``km``...) appended as :func:`format_value` does.
    """
    units = units or {}
    out: dict[str, Callable[[Any], str]] = {}
    for col, d in decimals.items():
        unit = units.get(col, "")

        def write(value: Any, d: int = d, unit: str = unit) -> str:
            return format_value(value, unit, lang, d)

        out[col] = write
    return out


def vega_locale(lang: str) -> dict[str, Any]:
    """The Vega-Lite ``config.locale`` of *lang*, so chart axes write numbers like the page.

    Examples
    --------
    >>> vega_locale("fr")["number"]["decimal"]
    ','
    """
    dec, group, _ = _SEPARATORS[normalise_lang(lang)]
    return {"number": {"decimal": dec, "thousands": group, "grouping": [3],
                       "currency": ["", ""], "minus": "-", "percent": "%"}}
