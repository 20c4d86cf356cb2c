"""Commune selection and name folding."""

from __future__ import annotations

from mapping.datasets import Region
from mapping.filters import Selection, fold


def test_fold_accents_and_hamza() -> None:
    assert fold("Kelâat Sraghna") == fold("kelaat-sraghna")
    assert fold("آسفي") == fold("اسفي")
    assert fold("مدرسة") == fold("مدرسه")


def test_selection_by_province_and_area(region: Region) -> None:
    c = region.communes
    assert Selection(provinces=("07.431",)).commune_mask(c).sum() == 25
    assert Selection(provinces=("07.431",), area="urban").commune_mask(c).sum() == 3
    assert Selection(area="rural").commune_mask(c).sum() == 227


def test_search_french_and_arabic(region: Region) -> None:
    c = region.communes
    fr = c[Selection(search="kelaat").commune_mask(c)]["code"].tolist()
    ar = c[Selection(search="قلعة السراغنة").commune_mask(c)]["code"].tolist()
    assert "07.191.01.03" in fr and fr == ar
