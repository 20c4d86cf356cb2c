"""Sign-in through a real OpenID Connect provider with ``st.login``, behind nginx, in Chromium.

The provider is panva's certified ``oidc-provider`` on loopback
(:mod:`tests.services.oidc_provider`). Two ``streamlit run serve.py`` processes
run from a working folder holding the ``.streamlit/secrets.toml`` written
here, and nginx runs the project's own ``deploy/nginx`` snippets in front of
them, as an academy's server does (deploy/README.md): the redirect URI is the
proxy's ``/oauth2callback`` and both processes share one ``cookie_secret``.
Their database is a fresh GeoPackage with one OpenID-only editor account named
after an e-mail address: the provider's e-mail claim picks the account's role;
any other e-mail is a viewer.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from benchmarks.deploy import BACKEND_HEADER, NGINX, nginx_config, routes_to_each_backend
from benchmarks.server import free_port, stop_process, wait_for_url
from mapping.settings import PROJECT_ROOT
from mapping.store.models import SCHOOL_CHANGES
from tests.e2e.conftest import NON_LOCAL, _missing
from tests.services.oidc_provider import Provider, oidc_provider

pytestmark = pytest.mark.e2e

EDITOR = "amina.editrice@academie-ms.example"
STRANGER = "visiteur@exemple.example"
WAIT_MS = 120_000
SIGN_IN_OIDC = "Se connecter avec le compte de l'académie"
SCHOOLS_TITLE = "Écoles : ajout, modification, historique"


@dataclass(frozen=True)
class OidcApp:
    """The proxy in front of the app processes configured for the provider."""

    url: str
    database_url: str
    provider: Provider
    backends: list[str]


def secrets_toml(app_url: str, provider: Provider, cookie_secret: str) -> str:
    """The ``[auth]`` section of ``.streamlit/secrets.toml`` for *provider*."""
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
        # the provider knows the prompts "login" and "consent", not Streamlit's
        # default "select_account"
        'client_kwargs = { prompt = "login" }\n'
    )


def _wait(url: str, proc: subprocess.Popen[bytes], log: Any, what: str,
          timeout_s: float) -> None:
    """Until *url* answers 200; fails with the log's end if *proc* exits first."""
    wait_for_url(url, proc, log, what, timeout_s, poll_s=0.3)


@contextlib.contextmanager
def _streamlit(workdir: Path, port: int, env: dict[str, str],
               timeout_s: float = 180.0) -> Iterator[None]:
    """``streamlit run serve.py`` from *workdir* (where it reads ``.streamlit/secrets.toml``)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "serve.py"),
           "--server.headless", "true", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=str(workdir), env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/_stcore/health", proc, log, "streamlit", timeout_s)
            yield
        finally:
            stop_process(proc)


@contextlib.contextmanager
def _nginx(folder: Path, port: int, backends: list[int]) -> Iterator[None]:
    """nginx with the ``deploy/nginx`` snippets on *port* (known before the apps start)."""
    folder.mkdir()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(folder, port, backends), encoding="utf-8")
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([str(NGINX), "-p", str(folder), "-c", str(conf)],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/_stcore/health", proc, log, "nginx", 30.0)
            yield
        finally:
            stop_process(proc)


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcApp]:
    """The provider, two app processes with an ``[auth]`` secrets file, nginx in front."""
    if not NGINX.exists() or shutil.which("node") is None:
        _missing(f"nginx ({NGINX}) and node are needed")
    root = tmp_path_factory.mktemp("oidc")
    store, workdir = root / "store", root / "app"
    (workdir / ".streamlit").mkdir(parents=True)
    store.mkdir()
    database_url = f"sqlite:///{store / 'schools.gpkg'}"
    env = {k: v for k, v in os.environ.items() if k != "CARTE_SCOLAIRE_DATABASE_URL"}
    env["CARTE_SCOLAIRE_STORE_DIR"] = str(store)
    done = subprocess.run(
        [sys.executable, "-m", "mapping", "accounts", "--database", database_url,
         "add", EDITOR, "--role", "editor", "--oidc"],  # no local password
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
        cwd=PROJECT_ROOT, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    proxy_port, ports = free_port(), [free_port(), free_port()]
    url = f"http://127.0.0.1:{proxy_port}"
    with contextlib.ExitStack() as stack:
        provider = stack.enter_context(oidc_provider(f"{url}/oauth2callback"))
        # one cookie secret for every process: any of them can read the sign-in cookie
        (workdir / ".streamlit" / "secrets.toml").write_text(
            secrets_toml(url, provider, secrets.token_hex(32)), encoding="utf-8")
        for port in ports:
            stack.enter_context(_streamlit(workdir, port, env))
        stack.enter_context(_nginx(root / "nginx", proxy_port, ports))
        yield OidcApp(url, database_url, provider, routes_to_each_backend(url, 2))


def _page(browser: Any, app: OidcApp, route: str) -> Any:
    """A fresh browser page that reaches loopback only, pinned by nginx to one app process."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    context.route(NON_LOCAL, lambda r: r.abort())
    context.add_cookies([{"name": "carte_route", "value": route, "url": app.url}])
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def _open(page: Any, url: str) -> str:
    """Load *url* through the proxy; return the app process that answered."""
    response = page.goto(url, wait_until="domcontentloaded")
    return str(response.headers[BACKEND_HEADER.lower()])


def _sign_in(page: Any, app: OidcApp, email: str) -> str:
    """The sidebar's provider button, then the provider's login and consent forms.

    Returns the app process the browser came back to.
    """
    backend = _open(page, app.url)
    page.get_by_text("Connexion", exact=True).click()
    page.get_by_role("button", name=SIGN_IN_OIDC).click()
    page.wait_for_url(re.compile(re.escape(app.provider.issuer) + r"/interaction/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password the test provider accepts")
    page.get_by_role("button", name="Sign-in").click()
    with page.expect_response(re.compile(re.escape(app.url) + r"/?$")) as back:
        page.get_by_role("button", name="Continue").click()  # consent: openid email profile
    assert back.value.headers[BACKEND_HEADER.lower()] == backend  # the route cookie held
    return backend


def _close_first_school(page: Any, app: OidcApp) -> None:
    page.goto(f"{app.url}/schools", wait_until="domcontentloaded")
    page.get_by_text(SCHOOLS_TITLE).wait_for()
    page.get_by_role("button", name="Fermer l'école").click()
    page.get_by_text(re.compile(r"Enregistré \(version \d+\)")).wait_for()


def _close_authors(app: OidcApp) -> list[str]:
    engine = create_engine(app.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(SCHOOL_CHANGES.c.account)
                                     .where(SCHOOL_CHANGES.c.operation == "close")).scalars())
    finally:
        engine.dispose()


def _refused_edit_page(page: Any, app: OidcApp) -> None:
    """The Schools page's address gives the default page, with no edit form."""
    page.goto(f"{app.url}/schools", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Carte").first.wait_for()
    assert page.get_by_text(SCHOOLS_TITLE).count() == 0
    assert page.get_by_role("button", name="Fermer l'école").count() == 0


def test_an_editor_signs_in_at_the_provider_edits_and_signs_out(browser: Any,
                                                                 oidc_app: OidcApp) -> None:
    route_a, route_b = oidc_app.backends
    page = _page(browser, oidc_app, route_a)
    try:
        on_a = _sign_in(page, oidc_app, EDITOR)
        page.get_by_text(f"Connecté : {EDITOR} (éditeur)").wait_for()
        _close_first_school(page, oidc_app)
        assert _close_authors(oidc_app) == [EDITOR]  # the history names the account

        # the other process reads the same sign-in cookie (one cookie_secret)
        page.context.add_cookies([{"name": "carte_route", "value": route_b,
                                   "url": oidc_app.url}])
        assert _open(page, oidc_app.url) != on_a
        page.get_by_text(f"Connecté : {EDITOR} (éditeur)").wait_for()

        # sign out: the app and the provider forget the user; back as a viewer
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(re.compile(re.escape(oidc_app.provider.issuer) + r"/session/end"))
        page.get_by_role("button", name=re.compile("Yes, sign me out", re.I)).click()
        page.wait_for_url(re.compile(re.escape(oidc_app.url) + r"/?($|\?)"))
        page.get_by_text("Connexion", exact=True).wait_for()
        assert page.get_by_text(f"Connecté : {EDITOR}").count() == 0
        _refused_edit_page(page, oidc_app)
        assert page.get_by_text("Connecté :").count() == 0
    finally:
        page.context.close()


def test_an_email_without_an_account_is_a_viewer(browser: Any, oidc_app: OidcApp) -> None:
    page = _page(browser, oidc_app, oidc_app.backends[1])
    try:
        _sign_in(page, oidc_app, STRANGER)
        page.get_by_text(f"Connecté : {STRANGER} (lecteur)").wait_for()
        _refused_edit_page(page, oidc_app)
        page.get_by_text(f"Connecté : {STRANGER} (lecteur)").wait_for()
    finally:
        page.context.close()
