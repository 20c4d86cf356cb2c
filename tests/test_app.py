"""The Streamlit app, run headless with ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import mapping.datasets
from mapping.datasets import Region
from mapping.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT = 120


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _direction(at: AppTest) -> str:
    marks = [m.value for m in at.markdown if 'id="cs-direction"' in m.value]
    assert len(marks) == 1
    return "rtl" if 'dir="rtl"' in marks[0] else "ltr"


def test_map_page_in_french_by_default() -> None:
    at = _ok(_app())
    assert at.title[0].value == "Carte"
    assert _direction(at) == "ltr"
    assert at.selectbox(key="m_indicator").value == "schooling_rate_6_to_11"
    assert any("251 communes sélectionnées sur 251" in c.value for c in at.sidebar.caption)


def test_language_switch_to_arabic_turns_the_layout_right_to_left() -> None:
    at = _ok(_app())
    at.radio(key="lang").set_value("ar")
    _ok(at.run())
    assert _direction(at) == "rtl"
    assert at.title[0].value == "الخريطة"
    assert at.sidebar.header[0].value == "التصفية"
    assert at.selectbox(key="m_indicator").label == "المؤشر"
    assert at.multiselect(key="f_provinces").label == "الإقليم أو العمالة"
    assert at.query_params["lang"] == "ar"
    # commune and province names switch to their Arabic forms
    at.switch_page("ui/pages/communes.py")
    _ok(at.run())
    df = at.dataframe[0].value
    assert "آيت أورير" in set(df["الجماعة"])
    assert "الحوز" in set(df["الإقليم"])


def test_english_labels() -> None:
    at = _ok(_app(lang="en"))
    assert at.title[0].value == "Map"
    assert at.sidebar.header[0].value == "Filters"


def test_province_filter_keeps_only_its_communes(region: Region) -> None:
    at = _ok(_app())
    at.switch_page("ui/pages/communes.py")
    _ok(at.run())
    assert len(at.dataframe[0].value) == 251
    at.multiselect(key="f_provinces").set_value(["07.161"])
    _ok(at.run())
    df = at.dataframe[0].value
    expected = region.communes[region.communes["province_code"] == "07.161"]
    assert len(df) == len(expected) == 35
    assert set(df["Code HCP"]) == set(expected["code"])
    assert set(df["Province"]) == set(expected["province_fr"])
    assert at.query_params["prov"] == "07.161"


def test_search_is_accent_and_hamza_insensitive() -> None:
    at = _ok(_app(q="أيت اورير"))
    at.switch_page("ui/pages/communes.py")
    _ok(at.run())
    df = at.dataframe[0].value
    assert list(df["Commune"]) == ["Ait Ourir"]


def test_link_reproduces_the_view() -> None:
    at = _ok(_app(prov="07.161", area="rural", ind="illiteracy_rate_10_plus",
                  scheme="fisher_jenks", k="7"))
    assert at.multiselect(key="f_provinces").value == ["07.161"]
    assert at.radio(key="f_area").value == "rural"
    assert at.selectbox(key="m_indicator").value == "illiteracy_rate_10_plus"
    assert at.selectbox(key="m_scheme").value == "fisher_jenks"
    assert at.slider(key="m_k").value == 7


def test_indicator_change_flags_2014_and_does_not_reload_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _ok(_app())
    calls: list[Any] = []
    original = mapping.datasets.load_communes

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(mapping.datasets, "load_communes", counting)
    at.selectbox(key="m_indicator").set_value("equipment_internet_2014")
    _ok(at.run())
    assert any("recensement 2014" in w.value for w in at.warning)
    assert at.query_params["ind"] == "equipment_internet_2014"
    at.multiselect(key="f_provinces").set_value(["07.041"])
    _ok(at.run())
    assert calls == []


def test_csv_download_is_utf8_with_bom() -> None:
    import pandas as pd

    from mapping.exports import to_csv as csv_bytes

    data = csv_bytes(pd.DataFrame({"الجماعة": ["آيت أورير"], "Taux (%)": [97.7]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["الجماعة,Taux (%)", "آيت أورير,97.7"]
    at = _ok(_app())
    at.switch_page("ui/pages/communes.py")
    _ok(at.run())
    assert len(at.get("download_button")) == 1
