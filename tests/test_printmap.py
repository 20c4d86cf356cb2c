"""Print maps: page size and DPI, PDF text layer, Arabic, reference image, errors."""

from __future__ import annotations

import io
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from mapping import printing as printmap
from mapping.datasets import Region
from mapping.errors import MappingError, UnknownCodeError
from mapping.filters import Selection
from mapping.printing import parts as printparts
from mapping.printing import shaping as textshaping
from mapping.table import indicator_table

REFERENCE = Path(__file__).parent / "reference" / "printmap_youssoufia_fr.png"
YOUSSOUFIA = "07.585"
#: Set to 1 to rewrite the reference image after a deliberate change of the map design.
UPDATE_ENV = "UPDATE_REFERENCE_IMAGES"


@pytest.fixture(scope="module")
def table(region: Region) -> gpd.GeoDataFrame:
    return indicator_table(region, None)


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printparts, "today", lambda: "2026-01-01")


def _png(fig: object, dpi: int) -> Image.Image:
    buf = io.BytesIO()
    printmap.save(fig, buf, "png", dpi=dpi)  # type: ignore[arg-type]
    buf.seek(0)
    return Image.open(buf)


def _pdf_text(fig: object) -> tuple[int, str]:
    buf = io.BytesIO()
    printmap.save(fig, buf, "pdf")  # type: ignore[arg-type]
    buf.seek(0)
    reader = PdfReader(buf)
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def findable(name: str, text: str) -> bool:
    """Every word of *name* occurs in *text* (PDF extractors may reorder RTL words)."""
    return all(word in text for word in name.split())


def test_png_is_a4_at_300_dpi_with_dpi_metadata(table: gpd.GeoDataFrame, region: Region) -> None:
    fig = printmap.render_map(table, "schooling_rate_6_to_11",
                              selection=Selection(provinces=(YOUSSOUFIA,)),
                              provinces=region.provinces)
    img = _png(fig, 300)
    assert img.size == (round(11.69 * 300), round(8.27 * 300))
    assert img.info["dpi"] == pytest.approx((300, 300), abs=0.5)
    portrait = printmap.render_map(table, "schooling_rate_6_to_11", orientation="portrait",
                                   selection=Selection(provinces=(YOUSSOUFIA,)))
    assert _png(portrait, 100).size == (827, 1169)


@pytest.fixture(scope="module")
def french_pdf(table: gpd.GeoDataFrame, region: Region) -> str:
    """Text of a French Youssoufia map with labels and three schools (one elsewhere)."""
    codes = table.loc[table["province_code"] == YOUSSOUFIA, "code"].tolist()
    schools = gpd.GeoDataFrame(
        {"school_id": ["a", "b", "c"], "commune_code": [codes[0], codes[1], "07.041.01.01"],
         "cycle": ["primary"] * 3, "sector": ["public"] * 3, "source": ["Survey 2025"] * 3,
         "location_quality": ["surveyed", "fictitious", "surveyed"]},
        geometry=gpd.points_from_xy([-8.5, -8.6, -7.9], [32.2, 32.3, 31.3]), crs="EPSG:4326",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(printparts, "today", lambda: "2026-01-01")
        fig = printmap.render_map(table, "school_age_primary_est", labels=True,
                                  selection=Selection(provinces=(YOUSSOUFIA,)),
                                  provinces=region.provinces, schools=schools)
        pages, text = _pdf_text(fig)
    assert pages == 1
    return text


def test_pdf_text_layer_french(french_pdf: str, table: gpd.GeoDataFrame) -> None:
    text = french_pdf
    assert "Province Youssoufia" in text
    assert "Enfants de 6-11 ans (primaire, estimé)" in text
    assert "valeurs estimées" in text  # the estimate flag is visible
    assert "Haut-Commissariat au Plan, RGPH 2024/2014" in text
    assert "OpenStreetMap contributors" in text
    assert "2026-01-01" in text
    names = table.loc[table["province_code"] == YOUSSOUFIA, "name_fr"]
    assert len(names) == 11
    assert all(findable(n, text) for n in names)


def test_schools_and_registry_footer(french_pdf: str) -> None:
    assert "Établissements (2)" in french_pdf  # the school outside the province is left out
    assert "Survey 2025" in french_pdf
    # shares are those of the registry passed in, which the reader must be able to judge
    assert "relevée 67\u202f%" in french_pdf and "fictive 33\u202f%" in french_pdf


def test_pdf_text_layer_arabic(table: gpd.GeoDataFrame, region: Region) -> None:
    fig = printmap.render_map(table, "equipment_internet_2014", lang="ar", labels=True,
                              selection=Selection(provinces=(YOUSSOUFIA,)),
                              provinces=region.provinces)
    _, text = _pdf_text(fig)
    assert findable("إقليم اليوسفية", text)
    assert findable("إحصاء 2014", text)  # the 2014 flag
    names = table.loc[table["province_code"] == YOUSSOUFIA, "name_ar"].tolist()
    found = [n for n in names if findable(n, text)]
    assert len(found) == len(names), set(names) - set(found)


def test_arabic_shaping_matches_matplotlib() -> None:
    # matplotlib ≥ 3.11 shapes Arabic itself: the text must then pass through untouched
    assert textshaping.native_shaping()
    assert textshaping.shape("اليوسفية") == "اليوسفية"
    assert textshaping.families("اليوسفية")[0] == "Noto Sans Arabic"
    assert textshaping.families("Safi")[0] == "DejaVu Sans"


def test_manual_shaping_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textshaping, "native_shaping", lambda: False)
    shaped = textshaping.shape("آسفي 2024")
    # joined presentation forms, in display (right-to-left) order, digits kept
    assert all("\ufe70" <= ch <= "\ufeff" for ch in shaped if ch not in " 2024")
    assert shaped.startswith("2024")
    assert textshaping.shape("Safi") == "Safi"


def test_nice_scale_lengths() -> None:
    assert printmap.nice_length(100_000) == 20_000
    assert printmap.nice_length(60_000) == 10_000
    assert printmap.nice_length(260_000) == 50_000
    assert printmap.nice_length(9_000) == 1_000


def test_map_axes_are_metric_and_scale_bar_is_true(table: gpd.GeoDataFrame) -> None:
    fig = printmap.render_map(table, "schooling_rate_6_to_11",
                              selection=Selection(provinces=(YOUSSOUFIA,)))
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    # Youssoufia spans about 80 km east-west: the axis is in UTM metres
    width = gpd.GeoSeries(table.loc[table["province_code"] == YOUSSOUFIA, "geometry"]
                          ).to_crs("EPSG:32629").total_bounds
    assert x1 - x0 >= width[2] - width[0]
    assert x1 - x0 < 3 * (width[2] - width[0])
    bar = [p for p in ax.patches if type(p).__name__ == "Rectangle"]
    assert len(bar) == 4
    total = sum(p.get_width() for p in bar)
    assert total == pytest.approx(printmap.nice_length(x1 - x0))
    labels = [t.get_text() for t in ax.texts]
    assert f"{total / 1000:g} km" in labels


def test_view_classes_and_legend(table: gpd.GeoDataFrame) -> None:
    sel = Selection(provinces=(YOUSSOUFIA,), area="rural")
    view = printmap.make_view(table, "schooling_rate_6_to_11", sel, k=3)
    rural = table[(table["province_code"] == YOUSSOUFIA) & (table["type"] == "rural")]
    assert int(view.mask.sum()) == len(rural) == 9
    assert sum(view.classification.counts) == rural["schooling_rate_6_to_11"].notna().sum()
    assert view.filtered
    assert "9 communes sélectionnées" in printmap.subtitle(view)


def test_errors(table: gpd.GeoDataFrame) -> None:
    with pytest.raises(UnknownCodeError):
        printmap.render_map(table, "no_such_indicator")
    with pytest.raises(printmap.EmptySelectionError):
        printmap.render_map(table, "population_2024", selection=Selection(search="zzzzqq"))
    with pytest.raises(MappingError):
        printmap.render_map(table, "population_2024", orientation="square")  # type: ignore[arg-type]


def _pixels(img: Image.Image) -> np.ndarray:
    arr = np.asarray(img.convert("RGB"), dtype=float) / 255
    h, w = (arr.shape[0] // 2) * 2, (arr.shape[1] // 2) * 2
    # 2×2 averaging absorbs sub-pixel anti-aliasing differences between font builds
    return arr[:h, :w].reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))


def _difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """Mean absolute difference and share of clearly different pixels."""
    assert a.size == b.size
    diff = np.abs(_pixels(a) - _pixels(b)).max(axis=2)
    return float(diff.mean()), float((diff > 0.2).mean())


def _reference_render(table: gpd.GeoDataFrame, region: Region, indicator: str) -> Image.Image:
    fig = printmap.render_map(table, indicator, selection=Selection(provinces=(YOUSSOUFIA,)),
                              provinces=region.provinces, labels=True)
    return _png(fig, 40)


def test_matches_reference_image(table: gpd.GeoDataFrame, region: Region) -> None:
    img = _reference_render(table, region, "schooling_rate_6_to_11")
    if os.environ.get(UPDATE_ENV) == "1" or not REFERENCE.exists():
        REFERENCE.parent.mkdir(exist_ok=True)
        img.save(REFERENCE, optimize=True)
        if os.environ.get(UPDATE_ENV) != "1":
            pytest.fail(f"reference image was missing and has been written: {REFERENCE}")
    mean, share = _difference(img, Image.open(REFERENCE))
    assert mean < 0.01 and share < 0.004, (mean, share)


def test_reference_comparison_detects_a_changed_map(
    table: gpd.GeoDataFrame, region: Region
) -> None:
    other = _reference_render(table, region, "illiteracy_rate_10_plus")
    mean, share = _difference(other, Image.open(REFERENCE))
    assert mean >= 0.01 or share >= 0.004, (mean, share)


def test_province_outlines_are_those_of_the_general_union(table: gpd.GeoDataFrame) -> None:
    # outline_paths dissolves with GEOS's coverage union, right only for a coverage
    import shapely

    from mapping.printing import geometry as printgeometry

    assert shapely.coverage_is_valid(table.geometry.to_numpy())
    general = table[["province_code", "geometry"]].dissolve("province_code").reset_index()
    outlines = printgeometry._dissolved_provinces(table)
    assert outlines["province_code"].tolist() == general["province_code"].tolist()
    assert shapely.equals_exact(shapely.normalize(outlines.geometry.to_numpy()),
                                shapely.normalize(general.geometry.to_numpy()), 0).all()
