"""Alembic upgrades of the school database, run from Python (no ``alembic.ini``)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from mapping.store.engine import write_transaction

#: Folder of the store's Alembic environment and revisions.
SCRIPT_LOCATION: Final = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at :data:`SCRIPT_LOCATION`.

    Another package adds its own tables with a new revision in
    ``SCRIPT_LOCATION / "versions"`` (``down_revision`` = the current head).
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def head_revisions() -> tuple[str, ...]:
    """The newest revision(s) of the migrations."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revision(s) the database is at (empty for a new database)."""
    with engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def upgrade(engine: Engine, revision: str = "heads", busy_timeout: float = 10.0) -> None:
    """Upgrade the database to *revision*, holding the store's write lock.

    Parameters
    ----------
    engine
        Engine of the store.
    revision
        Target revision; default every head.
    busy_timeout
        Longest wait for another writer.
    """
    config = alembic_config()
    with write_transaction(engine, busy_timeout) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def is_current(engine: Engine) -> bool:
    """Whether the database is at every head revision."""
    return set(current_revisions(engine)) == set(head_revisions())
