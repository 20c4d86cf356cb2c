"""The store refuses writes from a viewer, whatever the pages show; history names the author.

The actors come from real sign-ins, so this is the path a page takes: sign in,
get the :class:`~mapping.roles.Actor` of the session, call the store with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mapping.auth import add_account, create_tables, session_actor, sign_in
from mapping.registry import load_default_registry
from mapping.roles import SYSTEM, Actor, PermissionDenied
from mapping.store import Store, open_store

PASSWORD = "olive tree kasbah 42"


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A seeded GeoPackage store with a viewer and an editor account."""
    yield from _store(request, tmp_path, "geopackage")


@pytest.fixture(params=["geopackage", "postgis"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A seeded store with the same accounts, on each backend."""
    yield from _store(request, tmp_path, request.param)


def _store(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Iterator[Store]:
    url = (f"sqlite:///{tmp_path / 'schools.gpkg'}" if backend == "geopackage"
           else request.getfixturevalue("auth_postgis_url"))
    opened = open_store(url, timeout=5)
    create_tables(opened.engine)
    for name, role in (("guest", "viewer"), ("amina", "editor")):
        add_account(opened.engine, name, role, PASSWORD, actor=SYSTEM)
    yield opened
    opened.dispose()


def _actor(store: Store, name: str) -> Actor:
    token = sign_in(store.engine, name, PASSWORD, client="127.0.0.1").token
    actor = session_actor(store.engine, token)
    assert actor is not None
    return actor


def test_every_write_refuses_a_viewer_and_changes_nothing(any_store: Store) -> None:
    store = any_store
    viewer, editor = _actor(store, "guest"), _actor(store, "amina")
    assert viewer == Actor("guest", "viewer")
    school = store.current_registry().iloc[0]
    sid = str(school["school_id"])
    record = store.school(sid)
    draft = store.create_delivery(editor, load_default_registry().iloc[:3], note="draft")
    before = (store.version(), store.change_count(), len(store.deliveries()))

    writes: dict[str, Callable[[], Any]] = {
        "create_delivery": lambda: store.create_delivery(viewer, load_default_registry()
                                                         .iloc[:3]),
        "import_file": lambda: store.import_file(viewer, b"school_id\n", "x.csv"),
        "publish": lambda: store.publish(viewer, draft),
        "add_school": lambda: store.add_school(viewer, {**record.state, "school_id": "NEW-1"}),
        "edit_school": lambda: store.edit_school(viewer, sid, {"name_fr": "renamed"},
                                                 record.row_version),
        "move_school": lambda: store.move_school(viewer, sid, -8.0, 31.6, record.row_version),
        "close_school": lambda: store.close_school(viewer, sid, record.row_version),
        "reopen_school": lambda: store.reopen_school(viewer, sid, record.row_version),
        "upgrade": lambda: store.upgrade(viewer),
    }
    for name, write in writes.items():
        with pytest.raises(PermissionDenied, match=r"account 'guest' \(viewer\) may not") as e:
            write()
        assert "ask an administrator" in str(e.value), name
    assert (store.version(), store.change_count(), len(store.deliveries())) == before
    assert store.school(sid).state == record.state


def test_editor_writes_and_history_names_the_account(store: Store) -> None:
    editor = _actor(store, "amina")
    sid = str(store.current_registry().iloc[0]["school_id"])
    record = store.school(sid)
    store.edit_school(editor, sid, {"name_fr": "École test"}, record.row_version,
                      reason="correction")
    history = store.history(sid)
    assert history["account"].iloc[-1] == "amina"
    assert set(history["account"]) <= {"amina", "system"}
    with pytest.raises(PermissionDenied, match="upgrade database"):
        store.upgrade(editor)  # database upgrades are for administrators
