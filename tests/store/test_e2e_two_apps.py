"""Two ``streamlit run`` processes on one PostGIS, driven through their pages in Chromium.

In app A an editor (a local account made with ``python -m mapping accounts``)
signs in, uploads a one-school file on the Data page, reads the preview of
the delivery and publishes it, then corrects the school's capacity on the
Schools page. App B, another process on the same database, shows the new
school at its next run (one school more on its Data page) and the corrected
capacity, with its author, on its Schools page. Nothing is written through the
library: only the pages of app A change the database.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import app_server
from mapping.settings import PROJECT_ROOT
from mapping.store import open_store
from tests.services.postgis import Cluster

pytestmark = pytest.mark.e2e

EDITOR, SECOND = "amina", "karim"
PASSWORD = "olive tree kasbah 42"
WAIT_MS = 120_000
SCHOOL = "E2E-NEW-1"
#: The Data page's heading: "Registre actif : <name> (<n> établissements)".
ACTIVE = re.compile(r"Registre actif : .*\(([\d\s\u202f\u00a0,.]+) établissements\)")
DELIVERY = (
    "school_id,name_fr,cycle,sector,commune_code,lon,lat,classrooms,location_quality\n"
    f"{SCHOOL},École publiée depuis la page,primary,public,07.041.01.01,-7.65,31.55,4,surveyed\n"
)


def _accounts(url: str, *args: str, stdin: str = "") -> None:
    done = subprocess.run([sys.executable, "-m", "mapping", "accounts", "--database", url, *args],
                          input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def _page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def _sign_in(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/data", wait_until="domcontentloaded")
    page.get_by_text("Connexion", exact=True).click()
    page.get_by_label("Nom du compte").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text(f"Connecté : {name} (éditeur)").wait_for()
    for _ in range(600):  # the sign-in cookie carries the session across page loads
        if any(c["name"] == "carte_session" for c in page.context.cookies()):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the sign-in cookie was never written")


def _active_schools(page: Any, url: str | None = None) -> int:
    """The number of schools the Data page says the active registry has (reloaded if *url*)."""
    if url is not None:
        page.goto(f"{url}/data", wait_until="domcontentloaded")
    heading = page.get_by_text(ACTIVE).first
    heading.wait_for()
    match = ACTIVE.search(heading.inner_text())
    assert match is not None
    return int(re.sub(r"\D", "", match.group(1)))


def _wait_for_count(page: Any, n: int) -> None:
    for _ in range(600):
        if _active_schools(page) == n:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"the Data page never showed {n} schools")


def _open_school(page: Any, url: str, school_id: str) -> None:
    """The Schools page with *school_id* picked in its selector."""
    page.goto(f"{url}/schools", wait_until="domcontentloaded")
    page.get_by_text("Écoles : ajout, modification, historique").wait_for()
    picker = page.locator(".st-key-school_pick")
    picker.get_by_role("combobox").click()
    page.keyboard.type(school_id)
    page.get_by_role("option", name=school_id, exact=True).click()
    _edit_form(page, school_id).wait_for()


def _edit_form(page: Any, school_id: str) -> Any:
    """The school's edit form: the form holding its submit button (the one keyed element)."""
    submit = page.locator(f"[class*='st-key-FormSubmitter-edit_{school_id}-']")
    return page.get_by_test_id("stForm").filter(has=submit)


def _classrooms(page: Any, school_id: str) -> Any:
    return _edit_form(page, school_id).get_by_label("Salles de classe", exact=True)


def test_an_import_and_an_edit_on_one_app_appear_in_the_other(
        browser: Any, postgis_cluster: Cluster, tmp_path: Path) -> None:
    url = postgis_cluster.new_database("two_apps")
    store = open_store(url)  # upgraded and seeded with the default registry, as at first start
    store.dispose()
    _accounts(url, "add", EDITOR, "--role", "editor", stdin=PASSWORD + "\n")
    _accounts(url, "add", SECOND, "--role", "editor", stdin=PASSWORD + "\n")
    upload = tmp_path / "academie_e2e.csv"
    upload.write_text(DELIVERY, encoding="utf-8")
    env = {"CARTE_SCOLAIRE_DATABASE_URL": url, "CARTE_SCOLAIRE_STORE_DIR": str(tmp_path)}
    with app_server(env=env) as one, app_server(env=env) as two:
        a, b = _page(browser), _page(browser)
        try:
            _sign_in(a, one.url, EDITOR)
            _sign_in(b, two.url, SECOND)
            before = _active_schools(b, two.url)
            assert _active_schools(a) == before

            # app A, Data page: upload → validation report → draft delivery → preview → publish
            a.locator(".st-key-reg_upload input[type=file]").set_input_files(str(upload))
            a.get_by_role("button", name=re.compile(r"Enregistrer comme livraison")).click()
            created = a.get_by_text(re.compile(r"Livraison (\d+) enregistrée en brouillon"))
            created.wait_for()
            delivery = re.search(r"Livraison (\d+)", created.inner_text())
            assert delivery is not None
            a.get_by_text(f"Changements à la publication de la livraison {delivery[1]}").wait_for()
            a.get_by_text(re.compile(r"Ajoutées : 1 · modifiées : 0 · déplacées : 0 · "
                                     r"fermées : 0")).wait_for()
            a.get_by_role("button", name=f"Publier la livraison {delivery[1]}").click()
            _wait_for_count(a, before + 1)  # the page reruns on the published registry

            # app B, next run: one school more
            assert _active_schools(b, two.url) == before + 1

            # app A, Schools page: the capacity corrected (4 → 7 classrooms)
            _open_school(a, one.url, SCHOOL)
            assert float(_classrooms(a, SCHOOL).input_value().replace(",", ".")) == 4.0
            _classrooms(a, SCHOOL).fill("7")
            save = _edit_form(a, SCHOOL).get_by_role("button", name="Enregistrer les modifications")
            save.click()
            a.get_by_text("Enregistré (version 2).").wait_for()

            # app B, next run: the corrected capacity and who made it
            _open_school(b, two.url, SCHOOL)
            b.get_by_text(re.compile(rf"Version 2, dernière modification par {EDITOR}")).wait_for()
            assert float(_classrooms(b, SCHOOL).input_value().replace(",", ".")) == 7.0
        finally:
            a.context.close()
            b.context.close()

    store = open_store(url, seed=False)
    history = store.history(SCHOOL)
    store.dispose()
    assert history.drop_duplicates("change_id")["operation"].tolist() == ["create", "update"]
    change = history[history["field"] == "classrooms"].iloc[-1]
    assert (change["account"], change["before"], change["after"]) == (EDITOR, 4.0, 7.0)
    assert history["account"].iloc[0] == EDITOR  # the publication names its author too
