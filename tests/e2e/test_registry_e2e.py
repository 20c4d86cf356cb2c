"""Data page in a browser: upload a FICTITIOUS test registry and read its report.

Publishing needs an editor account; that journey is tested through the proxy in
``test_deploy.py`` and across two app processes in ``tests/store``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import app_server
from tests.e2e.conftest import NON_LOCAL

FIXTURE = Path(__file__).parents[1] / "fixtures" / "registry" / "test_schools_utf8_comma.csv"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data_page(browser: Any) -> Iterator[Any]:
    """The Data page of a fresh app (its own server: the test changes the active registry)."""
    with app_server() as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            context.route(NON_LOCAL, lambda r: r.abort())
            page = context.new_page()
            page.dialogs = []
            page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
            page.goto(f"{server.url}/data?lang=fr", timeout=60_000)
            page.get_by_text("Registre actif :").first.wait_for(timeout=60_000)
            yield page
        finally:
            context.close()


def test_upload_report_and_publish_needs_an_editor(data_page: Any) -> None:
    page = data_page
    hostile_name = "<img src=x onerror=alert(1)>.csv"
    page.locator("input[type=file]").set_input_files(
        files=[{"name": hostile_name, "mimeType": "text/csv", "buffer": FIXTURE.read_bytes()}])
    page.get_by_text("10 lignes lues, 6 acceptées, 4 rejetées").wait_for(timeout=60_000)
    # the report arrives element by element: the download button comes after the summary
    page.get_by_text("Télécharger les lignes rejetées (CSV)").first.wait_for(timeout=60_000)
    assert page.get_by_text("Rapport de validation").count() == 1
    # a visitor who is not signed in reads the report but cannot turn it into a delivery
    page.get_by_text("Publier demande un compte éditeur").first.wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Enregistrer comme livraison").count() == 0
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == []
