"""The accounts tables come with the store's Alembic upgrade, on both backends."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from mapping.auth import add_account, create_tables, session_actor, sign_in
from mapping.roles import SYSTEM, Actor
from mapping.store.engine import make_engine
from mapping.store.migrate import current_revisions, head_revisions, upgrade

TABLES = {"accounts", "auth_sessions", "sign_in_attempts"}
PASSWORD = "olive tree kasbah 42"


@pytest.fixture(params=["sqlite", "postgis"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'schools.gpkg'}", 10.0)
    return make_engine(request.getfixturevalue("auth_postgis_url"), 10.0)


def test_upgrade_creates_the_accounts_tables(empty_engine: Engine) -> None:
    assert "auth_0001" in head_revisions()
    upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    assert "auth_0001" in current_revisions(empty_engine)
    add_account(empty_engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    token = sign_in(empty_engine, "amina", PASSWORD, client="127.0.0.1").token
    assert session_actor(empty_engine, token) == Actor("amina", "editor")
    empty_engine.dispose()


def test_upgrade_keeps_accounts_made_before_it(empty_engine: Engine) -> None:
    create_tables(empty_engine)
    add_account(empty_engine, "amina", "admin", PASSWORD, actor=SYSTEM)
    upgrade(empty_engine)
    assert set(current_revisions(empty_engine)) == set(head_revisions())
    assert sign_in(empty_engine, "amina", PASSWORD, client="127.0.0.1").actor.role == "admin"
    empty_engine.dispose()


def test_processes_starting_together_create_the_tables_once(auth_postgis_url: str) -> None:
    """App processes and ``mapping accounts`` may all find no tables and create them at once.

    Each "process" has its own engine; a barrier releases them together, half of
    them through the Alembic upgrade, half through :func:`create_tables`.
    """
    starters = 6
    engines = [make_engine(auth_postgis_url, 30.0) for _ in range(starters)]
    barrier = threading.Barrier(starters)
    failures: list[BaseException] = []

    def start(i: int) -> None:
        barrier.wait()
        try:
            (upgrade if i % 2 else create_tables)(engines[i])
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert failures == []
        assert set(inspect(engines[0]).get_table_names()) >= TABLES
        assert set(current_revisions(engines[0])) == set(head_revisions())
    finally:
        for engine in engines:
            engine.dispose()
