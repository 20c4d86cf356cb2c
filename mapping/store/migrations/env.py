"""Alembic environment: runs on the connection handed over by :mod:`mapping.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from mapping.store.models import METADATA


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Run the migrations on the given connection, or on ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run()
