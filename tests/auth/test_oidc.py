"""The claims of the provider's ID token to an actor: only a verified e-mail picks a role."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from mapping.auth import add_account
from mapping.auth.oidc import claims_actor, identity
from mapping.roles import SYSTEM, Actor

EMAIL = "planner@aref.ma"


@pytest.fixture
def editor(engine: Engine) -> Engine:
    add_account(engine, EMAIL, "editor", None, actor=SYSTEM)
    return engine


@pytest.mark.parametrize(("claims", "expected"), [
    ({"sub": "f3a9", "email": EMAIL, "email_verified": True}, (EMAIL, True)),
    ({"sub": "f3a9", "email": f" {EMAIL} "}, (EMAIL, True)),  # no email_verified claim
    ({"sub": "f3a9", "email": EMAIL, "email_verified": False}, (EMAIL, False)),
    ({"sub": "f3a9", "email": EMAIL, "email_verified": "False"}, (EMAIL, False)),
    ({"sub": "f3a9", "email": ""}, ("f3a9", False)),
    ({"sub": EMAIL}, (EMAIL, False)),  # a subject is never taken for an account name
    ({}, ("unknown", False)),
])
def test_identity(claims: dict[str, object], expected: tuple[str, bool]) -> None:
    assert identity(claims) == expected


def test_a_verified_email_gets_its_account_role(editor: Engine) -> None:
    claims = {"sub": "f3a9", "email": EMAIL, "email_verified": True, "is_logged_in": True}
    assert claims_actor(editor, claims) == Actor(EMAIL, "editor")


def test_an_unverified_email_or_a_bare_subject_is_a_viewer(editor: Engine) -> None:
    assert claims_actor(editor, {"sub": "f3a9", "email": EMAIL,
                                 "email_verified": False}) == Actor(EMAIL, "viewer")
    assert claims_actor(editor, {"sub": EMAIL}) == Actor(EMAIL, "viewer")


def test_without_a_database_everyone_is_a_viewer() -> None:
    assert claims_actor(None, {"email": EMAIL, "email_verified": True}) == Actor(EMAIL, "viewer")
