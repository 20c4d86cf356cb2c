"""Where the school database lives and how long a writer waits for it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from mapping.settings import PROJECT_ROOT

#: Environment variable naming a PostGIS database (SQLAlchemy URL).
DATABASE_URL_ENV: Final = "CARTE_SCOLAIRE_DATABASE_URL"
#: Environment variable naming the folder of the embedded GeoPackage.
STORE_DIR_ENV: Final = "CARTE_SCOLAIRE_STORE_DIR"
#: Environment variable giving the bounded wait (seconds) for a busy database.
BUSY_TIMEOUT_ENV: Final = "CARTE_SCOLAIRE_STORE_BUSY_TIMEOUT"
#: File name of the embedded GeoPackage inside the store folder.
GPKG_NAME: Final = "schools.gpkg"
#: Default bounded wait for a locked database, in seconds.
DEFAULT_BUSY_TIMEOUT: Final = 10.0


def store_dir() -> Path:
    """The folder of the embedded database: ``$CARTE_SCOLAIRE_STORE_DIR`` or ``<project>/var``."""
    override = os.environ.get(STORE_DIR_ENV)
    return Path(override) if override else PROJECT_ROOT / "var"


def default_path() -> Path:
    """Path of the embedded GeoPackage (not created here)."""
    return store_dir() / GPKG_NAME


def default_url() -> str:
    """The database URL used when none is given.

    ``$CARTE_SCOLAIRE_DATABASE_URL`` when set, otherwise the embedded
    GeoPackage as an SQLite URL.

    Examples
    --------
    >>> import os
    >>> os.environ.get(DATABASE_URL_ENV) or default_url().startswith("sqlite:///")
    True
    """
    env = os.environ.get(DATABASE_URL_ENV)
    if env:
        return env
    return f"sqlite:///{default_path()}"


def busy_timeout(value: float | None = None) -> float:
    """The bounded wait for a locked database, in seconds."""
    if value is not None:
        return float(value)
    raw = os.environ.get(BUSY_TIMEOUT_ENV)
    try:
        return float(raw) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT
