"""Who is signed in: local accounts, sign-in sessions and failed sign-in limits.

Accounts live in the shared school database next to the registry (tables
``accounts``, ``auth_sessions`` and ``sign_in_attempts``). Passwords are hashed
with Argon2id (``argon2-cffi``); there is no default account and no default
password: the first administrator is created with
``python -m mapping accounts add NAME --role admin``, which reads the password
from a prompt or stdin.

Every function takes the SQLAlchemy :class:`~sqlalchemy.engine.Engine` of the
database, so the same code runs on the GeoPackage file and on PostGIS.

Examples
--------
>>> from sqlalchemy import create_engine
>>> from mapping.roles import SYSTEM
>>> engine = create_engine("sqlite://")
>>> create_tables(engine)
>>> add_account(engine, "amina", "editor", "correct horse battery", actor=SYSTEM).role
'editor'
>>> signed = sign_in(engine, "amina", "correct horse battery", client="127.0.0.1")
>>> session_actor(engine, signed.token)
Actor(name='amina', role='editor')
>>> sign_out(engine, signed.token)
>>> session_actor(engine, signed.token) is None
True
"""

from __future__ import annotations

from mapping.auth.accounts import (
    Account,
    AccountError,
    add_account,
    disable_account,
    get_account,
    list_accounts,
    set_password,
    set_role,
)
from mapping.auth.models import METADATA, create_tables
from mapping.auth.passwords import MIN_PASSWORD_LENGTH, WeakPassword, check_password_strength
from mapping.auth.ratelimit import MAX_FAILURES, WINDOW_S, SignInThrottled
from mapping.auth.sessions import (
    SESSION_TTL_S,
    SignedIn,
    SignInFailed,
    external_actor,
    session_actor,
    sign_in,
    sign_out,
)

__all__ = [
    "MAX_FAILURES",
    "METADATA",
    "MIN_PASSWORD_LENGTH",
    "SESSION_TTL_S",
    "WINDOW_S",
    "Account",
    "AccountError",
    "SignInFailed",
    "SignInThrottled",
    "SignedIn",
    "WeakPassword",
    "add_account",
    "check_password_strength",
    "create_tables",
    "disable_account",
    "external_actor",
    "get_account",
    "list_accounts",
    "session_actor",
    "set_password",
    "set_role",
    "sign_in",
    "sign_out",
]
