"""Sign-in in the app (``AppTest``): local form, role shown, gated viewing, sign-out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from mapping.auth import add_account, create_tables, session_actor
from mapping.auth.config import VIEW_NEEDS_ACCOUNT_ENV
from mapping.auth.database import DATABASE_URL_ENV
from mapping.roles import SYSTEM
from mapping.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
PASSWORD = "olive tree kasbah 42"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database with an editor, named by the environment as in production."""
    url = f"sqlite:///{tmp_path / 'store.gpkg'}"
    engine = create_engine(url)
    create_tables(engine)
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    engine.dispose()
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    yield url


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button[[b.label for b in at.button].index("Se connecter")].click()
    return _run(at)


def test_editor_signs_in_and_out(database: str) -> None:
    at = _run(AppTest.from_file(APP, default_timeout=120))
    assert at.title[0].value == "Carte"  # viewing needs no account by default
    at = _sign_in(at, "amina", PASSWORD)
    assert any("Connecté : amina (éditeur)" in c.value for c in at.sidebar.caption)
    token = at.session_state["auth_token"]
    assert session_actor(create_engine(database), token) is not None
    at.button(key="auth_sign_out").click()
    _run(at)
    assert "auth_token" not in at.session_state
    assert session_actor(create_engine(database), token) is None  # ended, not just forgotten


def test_wrong_password_is_refused_without_saying_which_part(database: str) -> None:
    at = _sign_in(_run(AppTest.from_file(APP, default_timeout=120)), "amina", "not the password")
    assert [e.value for e in at.error] == ["Nom de compte ou mot de passe incorrect."]
    assert "auth_token" not in at.session_state


def test_viewing_can_require_an_account(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VIEW_NEEDS_ACCOUNT_ENV, "yes")
    at = _run(AppTest.from_file(APP, default_timeout=120))
    assert not at.title  # no page ran
    assert [i.value for i in at.info] == ["Connectez-vous pour consulter la carte scolaire."]
    at = _sign_in(at, "amina", PASSWORD)
    assert at.title[0].value == "Carte"


def _edit_page() -> None:  # runs inside AppTest, as an edit page would
    import streamlit as st

    from ui import auth

    who = auth.require_page("edit")
    st.text_input("school name", key="edit_form")
    st.write(f"acting as {who.name}", auth.allowed_pages(["map", "schools", "accounts"]))


@pytest.mark.parametrize(("role", "reaches_form"), [("viewer", False), ("editor", True),
                                                     ("admin", True)])
def test_edit_page_refuses_viewers_and_anonymous(database: str, role: str,
                                                 reaches_form: bool) -> None:
    from mapping.auth import sign_in

    engine = create_engine(database)
    add_account(engine, f"user-{role}", role, PASSWORD, actor=SYSTEM)
    at = AppTest.from_function(_edit_page, default_timeout=60)
    _run(at)
    assert not at.text_input and "sign in from the sidebar" not in str(at.warning)
    assert "connectez-vous" in at.warning[0].value
    at.session_state["auth_token"] = sign_in(engine, f"user-{role}", PASSWORD,
                                             client="127.0.0.1").token
    _run(at)
    assert bool(at.text_input) is reaches_form
    if reaches_form:
        pages = ["map", "schools", "accounts"] if role == "admin" else ["map", "schools"]
        assert at.json[0].value == str(pages).replace("'", '"')
    else:
        assert "votre compte (user-viewer, lecteur)" in at.error[0].value
