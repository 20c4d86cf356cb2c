"""The exchange page runs and shows the reconciliation of the published registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.settings import PROJECT_ROOT

PAGE = PROJECT_ROOT / "ui" / "pages" / "exchange.py"


def test_page_runs_and_counts_discrepancies(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTE_SCOLAIRE_STORE_DIR", str(tmp_path))
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.tabs) == 3
    assert at.metric[0].value == "0"  # the default registry was built from the census


def _editor(folder: Path) -> str:
    """A signed-in editor's session token in the school database of *folder*."""
    from mapping.store import open_store
    from tests.services.editor import editor_token

    store = open_store()
    try:
        return editor_token(store)
    finally:
        store.dispose()
        assert folder.exists()


def _app(lang: str, token: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = lang
    if token:
        at.session_state["auth_token"] = token
    at.run()
    at.switch_page("ui/pages/exchange.py")
    return at.run()


def test_an_editor_imports_an_hcp_package_as_a_layer_the_map_then_offers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hcp_zip: Path) -> None:
    from mapping.exchange import current_layer

    monkeypatch.setenv("CARTE_SCOLAIRE_STORE_DIR", str(tmp_path))
    monkeypatch.delenv("CARTE_SCOLAIRE_DATABASE_URL", raising=False)
    at = _app("fr", _editor(tmp_path))
    at.file_uploader(key="exchange_pkg").set_value(("hcp.zip", hcp_zip.read_bytes(),
                                                     "application/zip")).run()
    button = [b for b in at.button if b.label == "Importer comme couche d'indicateurs"]
    assert len(button) == 1
    button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    layer = current_layer()
    assert layer is not None
    assert any(f"Couche {layer.version} importée" in s.value for s in at.success)
    at.switch_page("ui/pages/map.py").run()
    options = at.selectbox(key="m_indicator").options
    assert any("(paquet HCP)" in o for o in options)


def test_a_viewer_is_not_offered_the_layer_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hcp_zip: Path) -> None:
    monkeypatch.setenv("CARTE_SCOLAIRE_STORE_DIR", str(tmp_path))
    at = _app("fr")
    at.file_uploader(key="exchange_pkg").set_value(("hcp.zip", hcp_zip.read_bytes(),
                                                     "application/zip")).run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Importer comme couche d'indicateurs"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Code de commune inconnu de la liste HCP"),
    ("ar", "رمز جماعة غير موجود"),
    ("en", "commune code unknown to HCP's list"),
])
def test_a_bad_package_is_explained_in_the_interface_language(
        lang: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        region: object) -> None:
    from mapping.exchange import export_aref
    from mapping.registry import load_default_registry

    monkeypatch.setenv("CARTE_SCOLAIRE_STORE_DIR", str(tmp_path))
    reg = load_default_registry().iloc[:5].copy()
    reg.loc[reg.index[0], "commune_code"] = "07.999.99.99"
    package = export_aref(reg, region.communes, period="2024-2025")  # type: ignore[attr-defined]
    at = _app(lang)
    at.file_uploader(key="exchange_pkg").set_value(("bad.zip", package,
                                                     "application/zip")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.error  # "invalid package"
    shown = "\n".join(str(df.value.to_csv()) for df in at.dataframe)
    assert expected in shown, shown[:2000]
    assert "07.999.99.99" in shown
