"""Failed sign-in limits: at most 5 failures per 15 minutes per account and per client."""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, func, insert, select

from mapping.auth.models import SIGN_IN_ATTEMPTS
from mapping.errors import MappingError

#: Failed sign-ins allowed in :data:`WINDOW_S`, per account name and per client.
MAX_FAILURES: Final = 5
#: Length of the sliding window, in seconds (15 minutes).
WINDOW_S: Final = 15 * 60


class SignInThrottled(MappingError):
    """Too many failed sign-ins recently for this account or from this client."""


def record_attempt(conn: Connection, account: str, client: str, ok: bool, now: float) -> None:
    """Write one sign-in attempt."""
    conn.execute(insert(SIGN_IN_ATTEMPTS).values(
        account=account[:120], client=client[:120], at=now, ok=ok))


def failures(conn: Connection, *, now: float, account: str | None = None,
             client: str | None = None) -> int:
    """Failed attempts in the last :data:`WINDOW_S` for *account* or from *client*."""
    q = select(func.count()).select_from(SIGN_IN_ATTEMPTS).where(
        SIGN_IN_ATTEMPTS.c.ok.is_(False), SIGN_IN_ATTEMPTS.c.at > now - WINDOW_S)
    if account is not None:
        q = q.where(SIGN_IN_ATTEMPTS.c.account == account[:120])
    if client is not None:
        q = q.where(SIGN_IN_ATTEMPTS.c.client == client[:120])
    return int(conn.execute(q).scalar_one())


def check_not_throttled(conn: Connection, account: str, client: str, now: float) -> None:
    """Refuse a sign-in when the account or the client reached :data:`MAX_FAILURES`.

    Raises
    ------
    SignInThrottled
        Saying how long to wait; the password is then not even checked.
    """
    for label, n in (("this account", failures(conn, now=now, account=account)),
                     ("this computer", failures(conn, now=now, client=client))):
        if n >= MAX_FAILURES:
            raise SignInThrottled(
                f"too many failed sign-ins for {label} ({n} in the last "
                f"{WINDOW_S // 60} minutes); wait {WINDOW_S // 60} minutes or ask an "
                "administrator"
            )
