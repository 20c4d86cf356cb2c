"""Create, list, re-role and disable accounts (administrators only)."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine, insert, select, update

from mapping.auth.models import ACCOUNTS, AUTH_SESSIONS
from mapping.auth.passwords import check_password_strength, hash_password
from mapping.errors import MappingError
from mapping.roles import ROLES, Actor, Role, require

LOG = logging.getLogger("mapping.auth")

#: Allowed account names: letters, digits and ``. _ @ -`` (an e-mail address fits).
NAME_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,119}$")


class AccountError(MappingError):
    """An account operation cannot be done as asked (unknown name, bad role...)."""


@dataclass(frozen=True)
class Account:
    """An account as administrators see it (never the password hash).

    Attributes
    ----------
    name, role
        Account name and role.
    disabled
        Disabled accounts cannot sign in; their history rows keep the name.
    local_password
        Whether the account has a local password (else it signs in through
        the OpenID Connect provider only).
    created_at, created_by
        When (seconds since the epoch, UTC) and by whom it was created.
    """

    name: str
    role: Role
    disabled: bool
    local_password: bool
    created_at: float
    created_by: str

    @property
    def actor(self) -> Actor:
        """The :class:`~mapping.roles.Actor` this account acts as."""
        return Actor(self.name, self.role)


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def _check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise AccountError(
            f"account name {name!r} is not allowed; use 1 to 120 letters, digits or . _ @ - "
            "starting with a letter or digit"
        )
    return name


def _row_to_account(row: object) -> Account:
    r = row._mapping  # type: ignore[attr-defined]
    return Account(
        name=r["name"], role=r["role"], disabled=bool(r["disabled"]),
        local_password=r["password_hash"] is not None, created_at=float(r["created_at"]),
        created_by=r["created_by"],
    )


def get_account(engine: Engine, name: str) -> Account | None:
    """The account called *name*, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()
    return None if row is None else _row_to_account(row)


def _existing(engine: Engine, name: str) -> Account:
    account = get_account(engine, name)
    if account is None:
        raise AccountError(f"no account called {name!r}; list them with "
                           "'python -m mapping accounts list'")
    return account


def add_account(
    engine: Engine, name: str, role: str, password: str | None, *, actor: Actor,
) -> Account:
    """Create an account.

    Parameters
    ----------
    engine
        Engine of the school database.
    name
        New account name (an e-mail address for OpenID Connect accounts).
    role
        ``viewer``, ``editor`` or ``admin``.
    password
        Local password, checked by :func:`~mapping.auth.check_password_strength`;
        ``None`` for an account that signs in only through OpenID Connect.
    actor
        Who creates it; must be an administrator.

    Raises
    ------
    PermissionDenied
        If *actor* is not an administrator.
    AccountError, WeakPassword
        For a taken or malformed name, an unknown role or a weak password.
    """
    require(actor, "manage_accounts")
    _check_name(name)
    role_ = _check_role(role)
    if password is not None:
        check_password_strength(password, name)
    if get_account(engine, name) is not None:
        raise AccountError(f"account {name!r} already exists; change it with set-role")
    with engine.begin() as conn:
        conn.execute(insert(ACCOUNTS).values(
            name=name, role=role_, disabled=False, created_at=time.time(),
            created_by=actor.name,
            password_hash=None if password is None else hash_password(password),
        ))
    LOG.info("account %s created as %s by %s", name, role_, actor.name)
    return _existing(engine, name)


def list_accounts(engine: Engine, *, actor: Actor) -> list[Account]:
    """Every account, by name (administrators only)."""
    require(actor, "manage_accounts")
    with engine.connect() as conn:
        rows = conn.execute(select(ACCOUNTS).order_by(ACCOUNTS.c.name)).all()
    return [_row_to_account(r) for r in rows]


def _end_sessions(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(AUTH_SESSIONS)
                     .where(AUTH_SESSIONS.c.account == name, AUTH_SESSIONS.c.ended_at.is_(None))
                     .values(ended_at=time.time()))


def set_role(engine: Engine, name: str, role: str, *, actor: Actor) -> Account:
    """Give account *name* another role; its open sessions act with it at once."""
    require(actor, "manage_accounts")
    role_ = _check_role(role)
    _existing(engine, name)
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(role=role_))
    LOG.info("account %s set to %s by %s", name, role_, actor.name)
    return _existing(engine, name)


def set_password(engine: Engine, name: str, password: str, *, actor: Actor) -> Account:
    """Replace the local password of *name* and end its open sessions."""
    require(actor, "manage_accounts")
    _existing(engine, name)
    check_password_strength(password, name)
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name)
                     .values(password_hash=hash_password(password)))
    _end_sessions(engine, name)
    LOG.info("password of account %s replaced by %s", name, actor.name)
    return _existing(engine, name)


def disable_account(engine: Engine, name: str, *, actor: Actor) -> Account:
    """Disable account *name*: it can no longer sign in and its sessions end now."""
    require(actor, "manage_accounts")
    _existing(engine, name)
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(disabled=True))
    _end_sessions(engine, name)
    LOG.info("account %s disabled by %s", name, actor.name)
    return _existing(engine, name)
