"""Alembic upgrades of the school database, run from Python (no ``alembic.ini``).

Alembic is imported only to upgrade or to read the revision scripts: opening a store
that is already current (every app process, every command) checks the version table
against :data:`HEADS` with one query. Importing Alembic (and Mako, Pygments) costs a
new process about 0.15 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Engine, inspect, text

from mapping.store.engine import write_transaction

if TYPE_CHECKING:
    from alembic.config import Config

#: Folder of the store's Alembic environment and revisions.
SCRIPT_LOCATION: Final = Path(__file__).resolve().parent / "migrations"
#: The newest revision of each branch of :data:`SCRIPT_LOCATION` (a new revision
#: updates it; ``tests/store/test_robustness.py`` compares it with the scripts).
HEADS: Final = ("auth_0001", "store_0003")
#: Alembic's version table (its default name).
VERSION_TABLE: Final = "alembic_version"


def alembic_config() -> Config:
    """An Alembic configuration pointing at :data:`SCRIPT_LOCATION`.

    Another package adds its own tables with a new revision in
    ``SCRIPT_LOCATION / "versions"`` (``down_revision`` = the current head).
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def head_revisions() -> tuple[str, ...]:
    """The newest revision(s) of the migrations, read from the scripts."""
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revision(s) the database is at (empty for a new database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return ()
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return tuple(str(r[0]) for r in rows)


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
    from alembic import command

    config = alembic_config()
    with write_transaction(engine, busy_timeout) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def is_current(engine: Engine) -> bool:
    """Whether the database is at every head revision (:data:`HEADS`)."""
    return set(current_revisions(engine)) == set(HEADS)
