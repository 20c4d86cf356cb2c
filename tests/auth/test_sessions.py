"""Sign-in sessions: unguessable tokens, stored hashed, ended at sign-out and expiry."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, select

from mapping.auth import (
    SESSION_TTL_S,
    SignInFailed,
    add_account,
    disable_account,
    external_actor,
    session_actor,
    sign_in,
    sign_out,
)
from mapping.auth.models import AUTH_SESSIONS
from mapping.roles import SYSTEM, Actor

PASSWORD = "olive tree kasbah 42"


@pytest.fixture
def editor(engine: Engine) -> Engine:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    return engine


def test_sign_in_gives_a_random_token_stored_only_as_its_digest(editor: Engine) -> None:
    a = sign_in(editor, "amina", PASSWORD, client="10.0.0.1")
    b = sign_in(editor, "amina", PASSWORD, client="10.0.0.1")
    assert a.actor == Actor("amina", "editor")
    assert a.token != b.token and len(a.token) >= 43  # 256 bits, URL-safe base64
    with editor.connect() as conn:
        stored = set(conn.execute(select(AUTH_SESSIONS.c.token_sha256)).scalars())
    assert len(stored) == 2 and a.token not in stored and b.token not in stored
    assert session_actor(editor, a.token) == Actor("amina", "editor")
    assert session_actor(editor, a.token[:-1] + ("A" if a.token[-1] != "A" else "B")) is None
    assert session_actor(editor, "") is None


def test_sign_out_ends_only_that_session(editor: Engine) -> None:
    a = sign_in(editor, "amina", PASSWORD, client="10.0.0.1")
    b = sign_in(editor, "amina", PASSWORD, client="10.0.0.2")
    sign_out(editor, a.token)
    assert session_actor(editor, a.token) is None
    assert session_actor(editor, b.token) == Actor("amina", "editor")


def test_session_expires(editor: Engine) -> None:
    signed = sign_in(editor, "amina", PASSWORD, client="10.0.0.1", now=1_000_000.0)
    assert session_actor(editor, signed.token, now=1_000_000.0 + SESSION_TTL_S - 1) is not None
    assert session_actor(editor, signed.token, now=1_000_000.0 + SESSION_TTL_S) is None


def test_wrong_password_unknown_and_disabled_accounts_fail_alike(
        editor: Engine, caplog: pytest.LogCaptureFixture) -> None:
    add_account(editor, "driss", "editor", PASSWORD, actor=SYSTEM)
    disable_account(editor, "driss", actor=SYSTEM)
    messages = []
    with caplog.at_level(logging.WARNING, logger="mapping.auth"):
        for name, password in (("amina", "wrong password!!"), ("nobody", PASSWORD),
                               ("driss", PASSWORD)):
            with pytest.raises(SignInFailed) as info:
                sign_in(editor, name, password, client="10.0.0.9")
            messages.append(str(info.value))
    assert len(set(messages)) == 1  # the person is never told which part was wrong
    logged = caplog.text
    assert "wrong password" in logged and "unknown account" in logged
    assert "disabled account" in logged and "10.0.0.9" in logged
    assert PASSWORD not in logged


def test_oidc_identity_gets_its_account_role_or_viewer(editor: Engine) -> None:
    add_account(editor, "planner@aref.ma", "editor", None, actor=SYSTEM)
    assert external_actor(editor, "planner@aref.ma") == Actor("planner@aref.ma", "editor")
    assert external_actor(editor, "visitor@example.org") == Actor("visitor@example.org",
                                                                  "viewer")
    with pytest.raises(SignInFailed):  # an OpenID-only account has no local password
        sign_in(editor, "planner@aref.ma", "", client="10.0.0.1")


def test_oidc_identity_matches_an_account_whatever_the_case(editor: Engine) -> None:
    add_account(editor, "Planner@AREF.ma", "editor", None, actor=SYSTEM)
    # the provider's case differs: the account is found, and named as it was created
    assert external_actor(editor, "planner@aref.ma") == Actor("Planner@AREF.ma", "editor")
    add_account(editor, "planner@aref.ma", "viewer", None, actor=SYSTEM)
    assert external_actor(editor, "planner@aref.ma") == Actor("planner@aref.ma", "viewer")
    # two accounts differing only by case: no guess, a viewer
    assert external_actor(editor, "PLANNER@aref.ma") == Actor("PLANNER@aref.ma", "viewer")


def test_a_disabled_account_signed_in_by_the_provider_is_a_viewer(editor: Engine) -> None:
    add_account(editor, "planner@aref.ma", "admin", None, actor=SYSTEM)
    disable_account(editor, "planner@aref.ma", actor=SYSTEM)
    assert external_actor(editor, "planner@aref.ma") == Actor("planner@aref.ma", "viewer")
