"""Tables of the accounts, sign-in sessions and sign-in attempts.

Times are stored as seconds since the Unix epoch (UTC, ``REAL``/``double``), which
compare the same way on SQLite (GeoPackage) and PostgreSQL. The Alembic revision
``auth_0001`` in the store's migrations creates the same tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
)

from mapping.store.coltypes import short_text  # VARCHAR on PostGIS, TEXT in a GeoPackage
from mapping.store.engine import write_transaction

#: Metadata of the authentication tables only (the store has its own).
METADATA = MetaData()

#: One row per account. ``password_hash`` is NULL for accounts that only sign in
#: through the OpenID Connect provider.
ACCOUNTS = Table(
    "accounts", METADATA,
    Column("name", short_text(120), primary_key=True),
    Column("role", short_text(16), nullable=False),
    Column("password_hash", short_text(255), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", short_text(120), nullable=False),
)

#: One row per sign-in; the token itself is never stored, only its SHA-256.
AUTH_SESSIONS = Table(
    "auth_sessions", METADATA,
    Column("token_sha256", short_text(64), primary_key=True),
    Column("account", short_text(120), ForeignKey("accounts.name"), nullable=False),
    Column("client", short_text(120), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("ended_at", Float, nullable=True),
)

#: Every sign-in attempt, successful or not, for the failure limits and the log.
SIGN_IN_ATTEMPTS = Table(
    "sign_in_attempts", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", short_text(120), nullable=False),
    Column("client", short_text(120), nullable=False),
    Column("at", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Index("ix_sign_in_attempts_account_at", "account", "at"),
    Index("ix_sign_in_attempts_client_at", "client", "at"),
)


def create_tables(engine: Engine, busy_timeout: float = 60.0) -> None:
    """Create the authentication tables that do not exist yet.

    The store's Alembic migrations do the same for a managed database; this
    helper serves fresh test databases and the GeoPackage file.

    The check and the creation run under the store's write lock, the one the
    migrations hold: PostgreSQL lets two sessions that both found no ``accounts``
    table race to create it (the loser fails on ``pg_type``), as happens when
    several app processes and ``python -m mapping accounts`` start together.

    Parameters
    ----------
    engine
        Engine of the school database.
    busy_timeout
        Longest wait for another writer (a migration at an app's first start), seconds.

    Raises
    ------
    mapping.store.StoreBusy
        When the lock was not released within *busy_timeout*.
    """
    with write_transaction(engine, busy_timeout) as conn:
        METADATA.create_all(conn)
