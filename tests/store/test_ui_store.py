"""The Data and Schools pages on the school database (AppTest, real GeoPackage store).

An editor signs in (a real account and session in the same database),
imports a file as a delivery, reads the preview, publishes it, then edits a
school; every page then reads the published registry; the "as of" date shows
the old state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from mapping.exports import to_csv
from mapping.roles import SYSTEM
from mapping.settings import PROJECT_ROOT
from mapping.store import open_store
from tests.services.editor import editor_token

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def signed_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    monkeypatch.setenv("CARTE_SCOLAIRE_STORE_DIR", str(tmp_path))
    monkeypatch.delenv("CARTE_SCOLAIRE_DATABASE_URL", raising=False)
    store = open_store()
    yield editor_token(store), store.url
    store.dispose()


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_import_publish_edit_and_as_of(signed_in: tuple[str, str],
                                       default_registry: gpd.GeoDataFrame) -> None:
    token, url = signed_in
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["auth_token"] = token
    _run(at)
    at.switch_page("ui/pages/data.py")
    _run(at)
    assert "1" in str(at.dataframe[-1].value["delivery_id"].tolist())
    store = open_store(url)
    part = default_registry.iloc[:2].copy()
    part["classrooms"] = [77.0, 78.0]
    outcome = store.import_file(SYSTEM, to_csv(part), "academy.csv", mode="partial")
    at.session_state["store_draft"] = outcome.delivery_id
    _run(at)
    assert any("modifiées : 2" in m.value for m in at.markdown)
    at.button(key=f"store_publish_{outcome.delivery_id}").click()
    _run(at)
    assert store.delivery(outcome.delivery_id).published_by == "amina"
    school_id = str(part.iloc[0]["school_id"])
    at.switch_page("ui/pages/schools.py")
    _run(at)
    at.selectbox(key="school_pick").set_value(school_id)
    _run(at)
    record = store.school(school_id)
    store.edit_school(SYSTEM, school_id, {"pupils": 5}, record.row_version)  # someone else
    at.number_input(key=f"move_lon_{school_id}").set_value(-7.9)
    at.button(key=f"move_{school_id}").click()
    _run(at)
    assert any("pupils" in e.value for e in at.error)  # the conflict names the change
    assert store.school(school_id).state["lon"] != -7.9
    at.switch_page("ui/pages/data.py")
    _run(at)
    at.session_state["store_as_of_on"] = True
    at.session_state["store_as_of_date"] = dt.date(2000, 1, 1)
    _run(at)
    assert at.session_state["registry_as_of"] == dt.date(2000, 1, 1)
    assert "2000" in at.subheader[0].value and "(0 " in at.subheader[0].value  # none yet
    store.dispose()
