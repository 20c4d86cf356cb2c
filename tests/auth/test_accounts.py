"""Accounts: only administrators manage them; names, roles and passwords are checked."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from mapping.auth import (
    AccountError,
    WeakPassword,
    add_account,
    disable_account,
    get_account,
    list_accounts,
    session_actor,
    set_password,
    set_role,
    sign_in,
)
from mapping.auth.models import ACCOUNTS
from mapping.roles import SYSTEM, Actor, PermissionDenied

PASSWORD = "olive tree kasbah 42"


def test_admin_adds_lists_and_the_hash_is_not_the_password(engine: Engine) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    add_account(engine, "oidc.user@aref.ma", "viewer", None, actor=SYSTEM)
    accounts = list_accounts(engine, actor=SYSTEM)
    assert [(a.name, a.role, a.local_password, a.created_by) for a in accounts] == [
        ("amina", "editor", True, "system"), ("oidc.user@aref.ma", "viewer", False, "system")]
    with engine.connect() as conn:
        stored = conn.execute(select(ACCOUNTS.c.password_hash)
                              .where(ACCOUNTS.c.name == "amina")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_manage_accounts(engine: Engine, role: str) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    someone = Actor("someone", role)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="may not manage accounts"):
        add_account(engine, "mallory", "admin", PASSWORD, actor=someone)
    with pytest.raises(PermissionDenied):
        set_role(engine, "amina", "admin", actor=someone)
    with pytest.raises(PermissionDenied):
        disable_account(engine, "amina", actor=someone)
    with pytest.raises(PermissionDenied):
        list_accounts(engine, actor=someone)
    assert get_account(engine, "mallory") is None
    account = get_account(engine, "amina")
    assert account is not None and account.role == "editor" and not account.disabled


def test_bad_names_roles_duplicates_and_weak_passwords(engine: Engine) -> None:
    with pytest.raises(AccountError, match="unknown role 'owner'"):
        add_account(engine, "amina", "owner", PASSWORD, actor=SYSTEM)
    with pytest.raises(AccountError, match="not allowed"):
        add_account(engine, "<script>", "viewer", PASSWORD, actor=SYSTEM)
    with pytest.raises(WeakPassword):
        add_account(engine, "amina", "viewer", "short", actor=SYSTEM)
    add_account(engine, "amina", "viewer", PASSWORD, actor=SYSTEM)
    with pytest.raises(AccountError, match="already exists"):
        add_account(engine, "amina", "admin", PASSWORD, actor=SYSTEM)
    with pytest.raises(AccountError, match="no account called 'nobody'"):
        set_role(engine, "nobody", "editor", actor=SYSTEM)


def test_set_role_applies_to_open_sessions(engine: Engine) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    token = sign_in(engine, "amina", PASSWORD, client="10.0.0.1").token
    set_role(engine, "amina", "viewer", actor=SYSTEM)
    assert session_actor(engine, token) == Actor("amina", "viewer")


def test_disable_and_new_password_end_sessions(engine: Engine) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    add_account(engine, "driss", "editor", PASSWORD, actor=SYSTEM)
    t1 = sign_in(engine, "amina", PASSWORD, client="10.0.0.1").token
    t2 = sign_in(engine, "driss", PASSWORD, client="10.0.0.1").token
    disable_account(engine, "amina", actor=SYSTEM)
    set_password(engine, "driss", "a brand new long phrase", actor=SYSTEM)
    assert session_actor(engine, t1) is None
    assert session_actor(engine, t2) is None
    account = get_account(engine, "amina")
    assert account is not None and account.disabled
