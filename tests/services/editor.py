"""A signed-in editor of a school database, for app tests that open edit pages."""

from __future__ import annotations

from mapping.auth import add_account, sign_in
from mapping.auth.database import open_engine
from mapping.roles import SYSTEM
from mapping.store import Store

NAME = "amina"
PASSWORD = "correct horse battery staple"


def editor_token(store: Store) -> str:
    """Add the editor ``amina`` to *store*'s accounts and return a session token."""
    engine = open_engine(store.url)
    try:
        add_account(engine, NAME, "editor", PASSWORD, actor=SYSTEM)
        return str(sign_in(engine, NAME, PASSWORD, client="test").token)
    finally:
        engine.dispose()
