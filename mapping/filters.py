"""Selection of communes (and schools) by province, cercle, commune, area, cycle, sector.

One :class:`Selection` describes what the user filtered; the map, the tables
and every export apply the same one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ء": "", "ؤ": "و", "ئ": "ي", "ى": "ي",
        "ة": "ه", "ـ": "", "ݣ": "ك", "گ": "ك", "ڭ": "ك",
    }
)
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")  # harakat, shadda, sukun, dagger alef


def fold(text: str) -> str:
    """Fold *text* for matching: case, accents, Arabic hamza/alef/ta-marbuta variants.

    Examples
    --------
    >>> fold("Kelâat Sraghna") == fold("KELAAT  sraghna")
    True
    >>> fold("إمنتانوت") == fold("امنتانوت")
    True
    """
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch) or "\u0600" <= ch <= "\u06ff")
    s = unicodedata.normalize("NFC", s)
    s = _ARABIC_MARKS.sub("", s).translate(_ARABIC_FOLD).casefold()
    s = re.sub(r"[\s\-'’`.]+", " ", s)
    return s.strip()


@dataclass(frozen=True)
class Selection:
    """What the user selected. Empty tuples mean "all".

    Attributes
    ----------
    provinces, cercles, communes
        HCP codes.
    area
        ``"urban"``, ``"rural"`` or ``None`` for both.
    cycles, sectors
        School filters (apply to the registry, and to supply figures).
    search
        Free text matched against French and Arabic commune names.
    """

    provinces: tuple[str, ...] = ()
    cercles: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    area: str | None = None
    cycles: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    search: str = ""

    def commune_mask(self, communes: pd.DataFrame) -> pd.Series:
        """Boolean mask of the communes in the selection.

        *communes* needs ``code``, ``province_code``, ``cercle_code``, ``type``,
        ``name_fr`` and ``name_ar``.
        """
        mask = pd.Series(True, index=communes.index)
        if self.provinces:
            mask &= communes["province_code"].isin(self.provinces)
        if self.cercles:
            mask &= communes["cercle_code"].isin(self.cercles)
        if self.communes:
            mask &= communes["code"].isin(self.communes)
        if self.area:
            mask &= communes["type"] == self.area
        if self.search.strip():
            needle = fold(self.search)
            names = communes["name_fr"].map(fold) + " | " + communes["name_ar"].map(fold)
            mask &= names.str.contains(needle, regex=False)
        return mask

    def school_mask(self, schools: pd.DataFrame, commune_codes: set[str]) -> pd.Series:
        """Boolean mask of the schools in the selection (by commune, cycle, sector)."""
        mask = schools["commune_code"].isin(commune_codes)
        if self.cycles:
            mask &= schools["cycle"].isin(self.cycles)
        if self.sectors:
            mask &= schools["sector"].isin(self.sectors)
        return mask

    @property
    def is_empty(self) -> bool:
        """Whether nothing is filtered."""
        return self == Selection()
