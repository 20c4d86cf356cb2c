"""Sign in, find who holds a session token, sign out."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine, func, insert, select, update

from mapping.auth.models import ACCOUNTS, AUTH_SESSIONS
from mapping.auth.passwords import verify_password
from mapping.auth.ratelimit import check_not_throttled, record_attempt
from mapping.errors import MappingError
from mapping.roles import ROLES, Actor, Role

LOG = logging.getLogger("mapping.auth")

#: How long a session lasts after sign-in, in seconds (12 hours: one working day).
SESSION_TTL_S: Final = 12 * 3600


class SignInFailed(MappingError):
    """Wrong name or password, or a disabled account (the message never says which)."""


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in.

    Attributes
    ----------
    token
        The session token (256 random bits, URL-safe). Only its SHA-256 is stored.
    actor
        The account and its role.
    expires_at
        End of the session, seconds since the epoch (UTC).
    """

    token: str
    actor: Actor
    expires_at: float


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(engine: Engine, name: str, password: str, *, client: str,
            now: float | None = None) -> SignedIn:
    """Check *name* and *password* and open a session.

    Parameters
    ----------
    engine
        Engine of the school database.
    name, password
        What the person typed.
    client
        The client's address (as the reverse proxy reports it), for the
        per-client failure limit and the log.
    now
        Current time in seconds since the epoch (tests); default the clock.

    Raises
    ------
    SignInThrottled
        After :data:`~mapping.auth.MAX_FAILURES` failures in the window for
        this account or this client.
    SignInFailed
        Wrong name or password, or disabled account.
    """
    now = time.time() if now is None else now
    with engine.begin() as conn:
        try:
            check_not_throttled(conn, name, client, now)
        except MappingError:
            LOG.warning("sign-in refused (throttled) for account %r from %s", name, client)
            raise
        row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()
        stored = None if row is None else row.password_hash
        ok = verify_password(stored, password) and row is not None and not row.disabled
        record_attempt(conn, name, client, ok, now)
        if not ok or row is None:
            reason = ("unknown account" if row is None else
                      "disabled account" if row.disabled else "wrong password")
            LOG.warning("sign-in failed for account %r from %s: %s", name, client, reason)
            failed = True
        else:
            failed = False
            token = secrets.token_urlsafe(32)
            conn.execute(insert(AUTH_SESSIONS).values(
                token_sha256=_digest(token), account=name, client=client[:120],
                created_at=now, expires_at=now + SESSION_TTL_S, ended_at=None))
            actor = Actor(name, row.role)
    if failed:  # raised after the commit, so the failed attempt is kept
        raise SignInFailed("wrong account name or password")
    LOG.info("account %s signed in from %s", name, client)
    return SignedIn(token=token, actor=actor, expires_at=now + SESSION_TTL_S)


def session_actor(engine: Engine, token: str, now: float | None = None) -> Actor | None:
    """Who holds session *token*, with the account's current role.

    Returns ``None`` for an unknown, ended or expired token or a disabled account.
    """
    now = time.time() if now is None else now
    if not token:
        return None
    q = (select(ACCOUNTS.c.name, ACCOUNTS.c.role, ACCOUNTS.c.disabled,
                AUTH_SESSIONS.c.expires_at, AUTH_SESSIONS.c.ended_at)
         .join(ACCOUNTS, ACCOUNTS.c.name == AUTH_SESSIONS.c.account)
         .where(AUTH_SESSIONS.c.token_sha256 == _digest(token)))
    with engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None or row.disabled or row.ended_at is not None or row.expires_at <= now:
        return None
    return Actor(row.name, row.role)


def sign_out(engine: Engine, token: str) -> None:
    """End session *token*; it is refused from then on, by every app process."""
    with engine.begin() as conn:
        conn.execute(update(AUTH_SESSIONS)
                     .where(AUTH_SESSIONS.c.token_sha256 == _digest(token),
                            AUTH_SESSIONS.c.ended_at.is_(None))
                     .values(ended_at=time.time()))


def external_actor(engine: Engine, identity: str) -> Actor:
    """The actor for someone the OpenID Connect provider signed in.

    Parameters
    ----------
    identity
        The identity the provider vouches for (its verified e-mail claim; see
        :func:`mapping.auth.oidc.claims_actor`).

    Returns
    -------
    Actor
        The role of the account of that name if it exists and is enabled;
        otherwise a viewer (an administrator grants more with ``accounts add``).
        Names are matched exactly, else regardless of case when only one
        account matches that way (providers do not keep an e-mail's case);
        the actor then carries the account's own name.
    """
    with engine.connect() as conn:
        rows = conn.execute(select(ACCOUNTS)
                            .where(func.lower(ACCOUNTS.c.name) == identity.lower())).all()
    exact = [r for r in rows if r.name == identity]
    row = exact[0] if exact else (rows[0] if len(rows) == 1 else None)
    if row is None or row.disabled or row.role not in ROLES:
        return Actor(identity, "viewer")
    role: Role = row.role
    return Actor(str(row.name), role)
