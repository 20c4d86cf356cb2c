"""Which database holds the accounts: the shared school database."""

from __future__ import annotations

import importlib
import os
from typing import Final

from sqlalchemy import Engine, create_engine

from mapping.auth.models import create_tables
from mapping.errors import MappingError

#: Environment variable naming the shared database (the same one the store reads).
DATABASE_URL_ENV: Final = "CARTE_SCOLAIRE_DATABASE_URL"


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL of the school database.

    Parameters
    ----------
    url
        Explicit URL; default ``$CARTE_SCOLAIRE_DATABASE_URL``, then the
        store's embedded GeoPackage when :mod:`mapping.store` provides one.

    Raises
    ------
    MappingError
        When no database is configured.
    """
    if url:
        return url
    env = os.environ.get(DATABASE_URL_ENV)
    if env:
        return env
    try:  # the shared store, when present, names its embedded default
        store: object = importlib.import_module("mapping.store")
    except ImportError:
        store = None
    default = getattr(store, "default_url", None)
    if callable(default):
        return str(default())
    raise MappingError(
        f"no database configured for the accounts: set {DATABASE_URL_ENV} "
        "(e.g. postgresql+psycopg://carte@127.0.0.1/carte) or pass --database URL"
    )


def open_engine(url: str | None = None) -> Engine:
    """An engine on the school database with the accounts tables present.

    The tables are created when missing (a fresh GeoPackage or test database);
    a managed PostGIS gets them from the Alembic revision ``auth_0001``.
    """
    resolved = database_url(url)
    engine = create_engine(resolved, pool_pre_ping=True)
    create_tables(engine)
    return engine
