"""The deployment for many users, for real: PostGIS, two app processes and nginx on loopback.

The proxy runs the project's own ``deploy/nginx`` snippets. Each browser gets
a route cookie chosen so that the editor and the viewer land on different app
processes; the only thing the processes share is the PostGIS database.
"""

from __future__ import annotations

import re
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
from mapping.store.models import SCHOOL_CHANGES
from tests.e2e.conftest import _missing

pytestmark = pytest.mark.e2e

EDITOR, VIEWER = "amina", "driss"
PASSWORD = "olive tree kasbah 42"
WAIT_MS = 120_000
SCHOOLS_TITLE = "Écoles : ajout, modification, historique"
SAVE = "Enregistrer les modifications"
#: The Data page's heading: "Registre actif : <name> (<n> établissements)".
ACTIVE = re.compile(r"Registre actif : .*\(([\d\s\u202f\u00a0,.]+) établissements\)")


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


def _wait_for_session_cookie(page: Any) -> dict[str, Any]:
    """The sign-in cookie, once the page has written it."""
    for _ in range(600):
        found = [c for c in page.context.cookies() if c["name"] == "carte_session"]
        if found:
            return dict(found[0])
        page.wait_for_timeout(200)
    raise AssertionError("the sign-in cookie was never written")


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
        # a viewer typing an edit page's address gets no edit form (and stays signed in)
        cookie = _wait_for_session_cookie(viewer)
        assert cookie["sameSite"] == "Strict" and len(cookie["value"]) >= 43
        viewer.goto(f"{cluster.url}/schools", wait_until="domcontentloaded")
        viewer.get_by_text(f"Connecté : {VIEWER} (lecteur)").wait_for()
        viewer.get_by_role("heading", name="Carte").first.wait_for()  # the default page
        assert viewer.get_by_text(SCHOOLS_TITLE).count() == 0
        assert viewer.get_by_role("button", name=SAVE).count() == 0
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


def _active_schools(page: Any, url: str) -> int:
    """The number of schools the Data page says the active registry has."""
    page.goto(f"{url}/data", wait_until="domcontentloaded")
    heading = page.get_by_text(ACTIVE).first
    heading.wait_for()
    match = ACTIVE.search(heading.inner_text())
    assert match is not None
    return int(re.sub(r"\D", "", match.group(1)))


def test_an_edit_published_on_one_process_is_seen_on_the_other(browser: Any,
                                                                cluster: Deployment) -> None:
    route_a, route_b = routes_to_each_backend(cluster.url, 2)
    editor, viewer = _session(browser, cluster, route_a), _session(browser, cluster, route_b)
    try:
        _sign_in(editor, cluster.url, EDITOR)
        editor.get_by_text(f"Connecté : {EDITOR} (éditeur)").wait_for()
        _sign_in(viewer, cluster.url, VIEWER)
        viewer.get_by_text(f"Connecté : {VIEWER} (lecteur)").wait_for()
        _wait_for_session_cookie(viewer)
        before = _active_schools(viewer, cluster.url)

        # the editor closes the first school on the Schools page of process A
        _wait_for_session_cookie(editor)
        editor.goto(f"{cluster.url}/schools", wait_until="domcontentloaded")
        editor.get_by_text(SCHOOLS_TITLE).wait_for()
        editor.get_by_role("button", name="Fermer l'école").click()
        editor.get_by_text(re.compile(r"Enregistré \(version \d+\)")).wait_for()

        # the viewer, on process B, sees one school fewer at the next page load
        assert _active_schools(viewer, cluster.url) == before - 1
    finally:
        editor.context.close()
        viewer.context.close()

    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        authors = conn.execute(select(SCHOOL_CHANGES.c.account)
                               .where(SCHOOL_CHANGES.c.operation == "close")).scalars().all()
    engine.dispose()
    assert authors == [EDITOR]  # the change names its author


def test_the_warm_up_runs_on_loopback_and_the_proxy_hides_it(cluster: Deployment) -> None:
    import urllib.error
    import urllib.request

    from ui.warmup import warm

    for app in cluster.apps:  # what the systemd unit's ExecStartPost does, on loopback
        assert warm(app.port) > 0
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{cluster.url}/_stcore/script-health-check", timeout=30)
    assert refused.value.code == 404
    with urllib.request.urlopen(f"{cluster.url}/_stcore/health", timeout=30) as ok:
        assert ok.status == 200
