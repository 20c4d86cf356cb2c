"""Which database holds the accounts: the shared school database."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

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
        store's embedded GeoPackage (``var/schools.gpkg``).

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
    try:  # the store names its embedded GeoPackage
        settings = importlib.import_module("mapping.store.settings")
    except ImportError as exc:
        raise MappingError(
            f"no database configured for the accounts: set {DATABASE_URL_ENV} "
            "(e.g. postgresql+psycopg://carte@127.0.0.1/carte) or pass --database URL"
        ) from exc
    return str(settings.default_url())


def open_engine(url: str | None = None) -> Engine:
    """An engine on the school database with the accounts tables present.

    The tables are created when missing (a fresh GeoPackage or test database);
    a managed PostGIS gets them from the Alembic revision ``auth_0001``.
    """
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() == "sqlite":
        if resolved.database:
            Path(resolved.database).parent.mkdir(parents=True, exist_ok=True)
        # wait for the store's writers rather than fail at once
        engine = create_engine(resolved, connect_args={"timeout": 10.0})
    else:
        engine = create_engine(resolved, pool_pre_ping=True, pool_size=2, max_overflow=4)
    create_tables(engine)
    return engine
