"""The indicator catalogue is complete, translated and matches the data."""

from __future__ import annotations

import pytest

from mapping.catalogue import LANGS, UNITS
from mapping.datasets import Region
from mapping.errors import UnknownCodeError
from mapping.indicators import GROUPS, catalogue, get
from mapping.themes import THEMES


def test_catalogue_size_and_required_ids() -> None:
    cat = catalogue()
    assert len(cat) >= 25
    for required in (
        "school_age_primary_est", "school_age_lower_secondary_est",
        "school_age_upper_secondary_est", "schooling_rate_6_to_11",
        "schooling_rate_7_to_12_male_2014", "schooling_rate_7_to_12_female_2014",
        "illiteracy_rate_10_plus", "illiteracy_rate_10_plus_male_2014",
        "illiteracy_rate_10_plus_female_2014", "labour_unemployment_rate",
        "amenities_electricity", "amenities_running_water",
        "households_distance_to_paved_road_km", "equipment_internet_2014",
        "equipment_computer_2014", "equipment_television_2014", "equipment_satellite_dish_2014",
    ):
        assert required in cat


@pytest.mark.parametrize("ind", list(catalogue().values()), ids=lambda i: i.id)
def test_each_indicator_is_described(ind) -> None:  # type: ignore[no-untyped-def]
    for lang in LANGS:
        assert ind.label[lang].strip()
    assert any("\u0600" <= ch <= "\u06ff" for ch in ind.label["ar"])
    assert ind.unit in UNITS
    assert ind.theme in GROUPS
    assert ind.year in (2014, 2024) or ind.year >= 2020
    if ind.year == 2014:
        assert "2014" in ind.label["fr"] and "2014" in ind.source
    if ind.estimated:
        assert ind.note or "estim" in ind.label["fr"]


def test_census_indicators_exist_in_the_commune_table(region: Region) -> None:
    # the themes without a columns function are read from the census commune table
    table = region.commune_table()
    census = [i for theme in THEMES if theme.columns is None for i in theme.indicators]
    assert len(census) >= 30
    for ind in census:
        assert ind.id in table.columns, ind.id
        assert table[ind.id].notna().sum() >= 220, ind.id


def test_unknown_indicator_lists_known_ids() -> None:
    with pytest.raises(UnknownCodeError, match=r"unknown indicator 'nope'; known: .*age_10_14"):
        get("nope")


def test_format() -> None:
    ind = get("schooling_rate_6_to_11")
    # written by mapping.numbers (narrow no-break space before %, no-break space before a unit)
    assert ind.format(95.25, "fr") in ("95,2\u202f%", "95,3\u202f%")
    assert ind.format(float("nan")) == "—"
    assert get("population_2024").format(1002697, "en") == "1,002,697\u00a0people"
