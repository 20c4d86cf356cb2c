"""Engines on the school database, write transactions and the "busy" error.

Every write runs in :func:`write_transaction`, which serialises writers:

* SQLite (the GeoPackage): ``BEGIN IMMEDIATE`` takes the write lock up front
  and waits at most the busy timeout for it; the file is in WAL mode so
  readers never wait for a writer.
* PostgreSQL: a transaction-level advisory lock, waited for at most the busy
  timeout (``lock_timeout``).

A writer that cannot get the lock in time raises :class:`StoreBusy`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from mapping.store.errors import StoreBusy, StoreError

#: Advisory lock key serialising the writers of a PostgreSQL store ("carte" in ASCII).
WRITE_LOCK_KEY: Final = 0x6361727465
_WRITE: Final = "carte_write"


def _sqlite_hooks(engine: Engine, timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions begun below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str, busy_timeout: float) -> Engine:
    """An engine on *url* with the store's locking behaviour.

    Parameters
    ----------
    url
        SQLAlchemy URL (``sqlite:///path.gpkg`` or ``postgresql+psycopg://...``).
    busy_timeout
        Longest wait, in seconds, for another writer's lock.

    Raises
    ------
    StoreError
        For an unsupported database kind.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"timeout": busy_timeout})
        _sqlite_hooks(engine, busy_timeout)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
    raise StoreError(f"unsupported database {parsed.get_backend_name()!r} in {url!r}: "
                     "use a GeoPackage path or a postgresql+psycopg:// URL")


def is_busy(exc: BaseException) -> bool:
    """Whether *exc* is a lock wait that ran out of time."""
    if not isinstance(exc, DBAPIError):
        return False
    text = str(exc.orig).lower()
    return (isinstance(exc, OperationalError) and "locked" in text) or \
        "lock timeout" in text or "canceling statement due to lock timeout" in text


def busy_error(timeout: float) -> StoreBusy:
    """The error shown when another writer holds the database too long."""
    return StoreBusy(
        f"the school database is busy: another user is saving changes and the lock was "
        f"not released within {timeout:g} s; nothing was changed — try again in a moment"
    )


@contextmanager
def write_transaction(engine: Engine, busy_timeout: float) -> Iterator[Connection]:
    """A transaction holding the store's single write lock; committed on success.

    Raises
    ------
    StoreBusy
        When the lock could not be had within *busy_timeout* seconds.
    """
    try:
        with engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.set_config(
                    "lock_timeout", f"{int(busy_timeout * 1000)}ms", True)))
                conn.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
            yield conn
    except DBAPIError as exc:
        if is_busy(exc):
            raise busy_error(busy_timeout) from exc
        raise


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (a consistent snapshot on both backends)."""
    with engine.connect() as conn, conn.begin():
        yield conn
