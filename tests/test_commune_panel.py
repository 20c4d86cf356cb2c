"""The commune panel's figures on the real census table, through the app (AppTest)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from mapping.datasets import Region
from mapping.i18n import t
from mapping.indicators import catalogue
from mapping.numbers import format_int, vega_locale
from mapping.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
COMMUNE = "07.041.03.09"


def _panel(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.session_state["commune"] = COMMUNE
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_population_value_rank_and_means_are_those_of_the_census(region: Region) -> None:
    at = _panel()
    figures = at.table[0].value
    label = catalogue()["population_2024"].label_in("en")
    row = figures[figures["Indicator"] == label].iloc[0]
    pop = region.communes.set_index("code")["population_2024"].astype(float)
    rank = int(pop.rank(ascending=False, method="min")[COMMUNE])
    assert row["Value"] == catalogue()["population_2024"].format(pop[COMMUNE], "en")
    assert row["Rank in region"] == f"{format_int(rank, 'en')} / {format_int(len(pop), 'en')}"
    province = region.communes.set_index("code")["province_code"]
    mean = pop[province == province[COMMUNE]].mean()
    assert row["Province average"] == catalogue()["population_2024"].format(mean, "en")
    assert row["Region average"] == catalogue()["population_2024"].format(pop.mean(), "en")


def test_age_chart_has_the_sixteen_bands_and_arabic_axes_and_numbers() -> None:
    at = _panel("ar")
    specs = [json.loads(el.proto.spec) for kind in ("vega_lite_chart", "arrow_vega_lite_chart")
             for el in at.get(kind)]
    assert len(specs) == 1
    spec = specs[0]
    assert spec["encoding"]["y"]["sort"] == [
        "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
        "50-54", "55-59", "60-64", "65-69", "70-74", "75+"]
    assert spec["encoding"]["x"]["title"] == t("panel.share", "ar")
    assert spec["encoding"]["y"]["title"] == t("panel.age_band", "ar")
    assert spec["config"]["locale"] == vega_locale("ar")


def test_a_second_language_gets_its_own_panel_not_the_first_ones() -> None:
    fr = _panel("fr").table[0].value
    en = _panel("en").table[0].value
    assert list(fr.columns) != list(en.columns)
    assert catalogue()["population_2024"].label_in("fr") in set(fr.iloc[:, 0])
