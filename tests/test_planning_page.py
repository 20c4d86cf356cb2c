"""The planning page, run headless with ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from mapping.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
PAGE = "ui/pages/planning.py"


def _page(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _lacking(at: AppTest) -> int:
    (head,) = [i.value for i in at.info if "salles manquantes" in i.value]
    assert head.startswith("Collège, 2034")
    number = re.search(r"2034 : ([\d\u202f]+) salles", head)
    assert number is not None, head
    return int(number.group(1).replace("\u202f", ""))


def test_college_2034_shows_the_deficit_with_variants_and_method() -> None:
    at = _page()
    assert any("Estimation" in w.value for w in at.warning)
    assert any(e.label == "Méthode, hypothèses et limites" for e in at.expander)
    assert _lacking(at) >= 0
    # the three variants side by side
    labels = [m.label for m in at.metric]
    assert labels.count("Salles manquantes") == 3
    assert len(at.dataframe) >= 1


def test_a_planned_school_changes_the_deficit() -> None:
    at = _page()
    before = _lacking(at)
    # a collège of 2,000 seats (50 classrooms) in the commune with the largest deficit
    table = at.dataframe[0].value
    top = table["Code de la commune"].iloc[0]
    at.selectbox(key="p_scen_commune").set_value(top)
    at.number_input(key="p_scen_seats").set_value(2000)
    at.button(key="p_scen_add").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = _lacking(at)
    assert after < before
    assert any("1 établissement(s) planifié(s)" in s.value for s in at.success)


def test_arabic_labels() -> None:
    at = _page(lang="ar")
    assert any("تقدير" in w.value for w in at.warning)


def _charts(at: AppTest) -> list[dict[str, object]]:
    import json

    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_names_beside_codes_and_numbers_of_the_language() -> None:
    at = _page()
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["Commune", "Code de la commune"]
    assert table["Code de la commune"].str.match(r"^07\.\d{3}").all()
    assert not table["Commune"].str.match(r"^07\.").any()  # names, not codes
    children = [m.value for m in at.metric if m.label == "Enfants 2034"]
    assert children and all(re.fullmatch(r"\d{1,3}(\u202f\d{3})+", v) for v in children)
    charts = _charts(at)
    assert len(charts) == 2
    for spec in charts:
        assert spec["config"]["locale"]["number"]["decimal"] == ","  # type: ignore[index]
    assert "Enfants (estimation)" in str(charts[0])


def test_english_numbers_and_arabic_charts() -> None:
    at = _page(lang="en")
    children = [m.value for m in at.metric if m.label == "Children 2034"]
    assert children and all(re.fullmatch(r"\d{1,3}(,\d{3})+", v) for v in children)
    ar = _page(lang="ar")
    assert "الأطفال (تقدير)" in str(_charts(ar)[0])
    assert list(ar.dataframe[0].value.columns[-2:]) == ["رمز الجماعة", "الجماعة"]  # RTL order
