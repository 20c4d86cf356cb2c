"""Printed maps in each language: provenance marks, demonstration mark, translated footer."""

from __future__ import annotations

import io

import geopandas as gpd
import pytest
from pypdf import PdfReader

from mapping import printing
from mapping.datasets import Region
from mapping.filters import Selection
from mapping.registry import load_default_registry
from mapping.table import indicator_table

AL_HAOUZ = "07.041"


@pytest.fixture(scope="module")
def table(region: Region) -> gpd.GeoDataFrame:
    return indicator_table(region)


def _pdf(table: gpd.GeoDataFrame, schools: gpd.GeoDataFrame, lang: str) -> str:
    fig = printing.render_map(table, "schooling_rate_6_to_11", lang=lang,
                              selection=Selection(provinces=(AL_HAOUZ,)), schools=schools)
    buf = io.BytesIO()
    printing.save(fig, buf, "pdf")  # type: ignore[arg-type]
    buf.seek(0)
    return "\n".join(p.extract_text() for p in PdfReader(buf).pages)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_default_registry_is_marked_as_demonstration(table: gpd.GeoDataFrame,
                                                     lang: str) -> None:
    text = _pdf(table, load_default_registry(), lang)
    demo = {"fr": "DONNÉES DE DÉMONSTRATION", "en": "DEMONSTRATION DATA"}[lang]
    assert demo in text
    inferred = {"fr": "Site déduit du recensement", "en": "Site inferred from the census"}
    assert inferred[lang] in text
    if lang == "fr":
        for english in ("fictitious (demo)", "inferred from RGPH", "default"):
            assert english not in text
        assert "fictif (démonstration)" in text


def test_arabic_footer_has_no_english(table: gpd.GeoDataFrame) -> None:
    text = _pdf(table, load_default_registry(), "ar")
    for english in ("fictitious", "inferred from", "demo)"):
        assert english not in text


def test_no_demonstration_mark_without_fictitious(table: gpd.GeoDataFrame) -> None:
    reg = load_default_registry()
    real = reg[reg["location_quality"] != "fictitious"]
    assert "DONNÉES DE DÉMONSTRATION" not in _pdf(table, real, "fr")
