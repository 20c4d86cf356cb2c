"""The :class:`Indicator` record every map, table, legend and export reads.

An indicator is described once: its labels in French, Arabic and English, its
unit, its source and year, whether a higher value is better, and whether it is
estimated. Census indicators are listed in :mod:`mapping.indicators`; each
analysis module (supply, access, remote) lists its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mapping.numbers import NBSP, format_km, format_number, format_percent

Lang = Literal["fr", "ar", "en"]
LANGS: tuple[Lang, ...] = ("fr", "ar", "en")

#: Units and their short labels per language.
UNITS: dict[str, dict[str, str]] = {
    "percent": {"fr": "%", "ar": "%", "en": "%"},
    "people": {"fr": "habitants", "ar": "نسمة", "en": "people"},
    "children": {"fr": "enfants", "ar": "طفل", "en": "children"},
    "households": {"fr": "ménages", "ar": "أسرة", "en": "households"},
    "km": {"fr": "km", "ar": "كلم", "en": "km"},
    "per_100": {"fr": "pour 100", "ar": "لكل 100", "en": "per 100"},
    "ratio": {"fr": "", "ar": "", "en": ""},
    "count": {"fr": "", "ar": "", "en": ""},
    "index": {"fr": "indice 0–100", "ar": "مؤشر 0–100", "en": "index 0–100"},
    "pupils_per_class": {"fr": "élèves/classe", "ar": "تلميذ/قسم", "en": "pupils/class"},
    "points": {"fr": "points", "ar": "نقطة", "en": "points"},
    "persons_per_household": {"fr": "pers./ménage", "ar": "فرد/أسرة", "en": "persons/household"},
}


@dataclass(frozen=True)
class Indicator:
    """One mappable figure per commune.

    Attributes
    ----------
    id
        Column name in the commune table, unique across the catalogue.
    label
        Labels keyed by language (``fr``, ``ar``, ``en``).
    unit
        A key of :data:`UNITS`.
    source
        Who produced the figure, e.g. ``"HCP, RGPH 2024"``.
    year
        Reference year (census year, or school year start).
    higher_is_better
        ``True``/``False`` orients the palette; ``None`` for neutral counts.
    theme
        Grouping key used by selectors (``population``, ``schooling``, ...).
    estimated
        ``True`` when the figure is estimated or inferred, not measured.
    decimals
        Decimals to show.
    note
        Method note keyed by language; empty when none is needed.
    """

    id: str
    label: dict[str, str]
    unit: str
    source: str
    year: int
    higher_is_better: bool | None
    theme: str
    estimated: bool = False
    decimals: int = 1
    note: dict[str, str] = field(default_factory=dict)

    def label_in(self, lang: str) -> str:
        """Label in *lang*, falling back to French."""
        return self.label.get(lang) or self.label["fr"]

    def unit_in(self, lang: str) -> str:
        """Short unit label in *lang*."""
        return UNITS.get(self.unit, {}).get(lang, "")

    def format(self, value: float | None, lang: str = "fr") -> str:
        """Format *value* with the indicator's decimals and unit; ``"—"`` for no data.

        The number is written by :mod:`mapping.numbers` (the project's one formatter:
        ``95,2 %`` and ``1 002 697 habitants`` in French, ``95.2%`` in Arabic,
        ``1,002,697 people`` in English); the unit word follows a no-break space.
        """
        if value is None or value != value or value in (float("inf"), float("-inf")):
            return "—"
        if self.unit == "percent":
            return format_percent(value, lang, self.decimals)
        if self.unit == "km":
            return format_km(value, lang, self.decimals)
        unit = self.unit_in(lang)
        number = format_number(value, lang, self.decimals)
        return f"{number}{NBSP}{unit}" if unit else number
