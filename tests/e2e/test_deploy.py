"""The deployment for many users, for real: PostGIS, two app processes and nginx on loopback.

The proxy runs the project's own ``deploy/nginx`` snippets. Each browser gets
a route cookie chosen so that the editor and the viewer land on different app
processes; the only thing the processes share is the PostGIS database.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from benchmarks.deploy import (
    BACKEND_HEADER,
    Deployment,
    deployment,
    postgres_available,
    routes_to_each_backend,
)
from mapping.auth.models import SIGN_IN_ATTEMPTS
from mapping.settings import PROJECT_ROOT
from tests.e2e.conftest import _missing

pytestmark = pytest.mark.e2e

EDITOR, VIEWER = "amina", "driss"
PASSWORD = "olive tree kasbah 42"
WAIT_MS = 120_000


def _accounts(url: str, *args: str, stdin: str = "") -> None:
    done = subprocess.run([sys.executable, "-m", "mapping", "accounts", "--database", url, *args],
                          input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def cluster() -> Iterator[Deployment]:
    """PostGIS, two ``streamlit run`` processes and nginx in front of them."""
    missing = postgres_available()
    if missing:
        _missing(missing)
    with deployment(processes=2) as dep:
        _accounts(dep.database_url, "add", EDITOR, "--role", "editor", stdin=PASSWORD + "\n")
        _accounts(dep.database_url, "add", VIEWER, "--role", "viewer", stdin=PASSWORD + "\n")
        yield dep


def _session(browser: Any, cluster: Deployment, route: str) -> Any:
    """A browser page pinned to one app process by its route cookie."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    context.add_cookies([{"name": "carte_route", "value": route, "url": cluster.url}])
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def _sign_in(page: Any, url: str, name: str) -> str:
    """Open *url* through the proxy, sign in as *name*; return the app process that answered."""
    response = page.goto(url, wait_until="domcontentloaded")
    backend = response.headers[BACKEND_HEADER.lower()]
    page.get_by_text("Connexion", exact=True).click()
    page.get_by_label("Nom du compte").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    return str(backend)


def test_sessions_stick_to_one_process_and_share_the_accounts(browser: Any,
                                                              cluster: Deployment) -> None:
    route_a, route_b = routes_to_each_backend(cluster.url, 2)
    editor, viewer = _session(browser, cluster, route_a), _session(browser, cluster, route_b)
    try:
        on_a = _sign_in(editor, cluster.url, EDITOR)
        editor.get_by_text(f"Connecté : {EDITOR} (éditeur)").wait_for()
        on_b = _sign_in(viewer, cluster.url, VIEWER)
        viewer.get_by_text(f"Connecté : {VIEWER} (lecteur)").wait_for()
        apps = {f"127.0.0.1:{a.port}" for a in cluster.apps}
        assert {on_a, on_b} == apps  # one session on each process

        # the websocket went through the proxy: the map page rendered its title
        editor.get_by_role("heading", name="Carte").first.wait_for()
        # a viewer typing an edit page's address gets no edit form
        viewer.goto(f"{cluster.url}/schools", wait_until="domcontentloaded")
        viewer.get_by_text(f"Connecté : {VIEWER} (lecteur)").wait_for()
        assert viewer.get_by_role("button", name="Enregistrer").count() == 0
    finally:
        editor.context.close()
        viewer.context.close()

    # both processes wrote to the one database, with the address nginx saw
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(SIGN_IN_ATTEMPTS.c.account, SIGN_IN_ATTEMPTS.c.client,
                                   SIGN_IN_ATTEMPTS.c.ok)).all()
    engine.dispose()
    assert sorted(rows) == [(EDITOR, "127.0.0.1", True), (VIEWER, "127.0.0.1", True)]
