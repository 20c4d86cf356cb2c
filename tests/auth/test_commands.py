"""``python -m mapping accounts``: the password comes from stdin, never from argv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine

from mapping.auth import session_actor, sign_in
from mapping.roles import Actor
from mapping.settings import PROJECT_ROOT

PASSWORD = "olive tree kasbah 42"


def _accounts(db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mapping", "accounts", "--database", db, *args],
                          input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT,
                          timeout=120, check=False)


def test_add_list_set_role_disable(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.gpkg'}"
    empty = _accounts(db, "list")
    assert empty.returncode == 0 and "no accounts yet" in empty.stdout
    added = _accounts(db, "add", "amina", "--role", "editor", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "amina created: editor" in added.stdout and PASSWORD not in added.stdout
    assert _accounts(db, "add", "planner@aref.ma", "--role", "admin", "--oidc").returncode == 0

    engine = create_engine(db)
    token = sign_in(engine, "amina", PASSWORD, client="127.0.0.1").token
    assert session_actor(engine, token) == Actor("amina", "editor")

    listed = _accounts(db, "list").stdout.splitlines()
    assert [line.split("\t")[:4] for line in listed] == [
        ["amina", "editor", "active", "password"], ["planner@aref.ma", "admin", "active", "oidc"]]
    assert _accounts(db, "set-role", "amina", "viewer").returncode == 0
    assert session_actor(engine, token) == Actor("amina", "viewer")
    assert _accounts(db, "disable", "amina").returncode == 0
    assert session_actor(engine, token) is None
    assert "amina\tviewer\tdisabled" in _accounts(db, "list").stdout


def test_refusals_are_one_clear_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.gpkg'}"
    weak = _accounts(db, "add", "amina", "--role", "editor", stdin="short\n")
    assert weak.returncode == 2 and "at least 12" in weak.stderr
    assert "Traceback" not in weak.stderr
    none = _accounts(db, "add", "amina", "--role", "editor", stdin="")
    assert none.returncode == 2 and "no password on stdin" in none.stderr
    unknown = _accounts(db, "disable", "nobody")
    assert unknown.returncode == 2 and "no account called 'nobody'" in unknown.stderr


def test_no_password_option_exists() -> None:
    helptext = subprocess.run([sys.executable, "-m", "mapping", "accounts", "add", "--help"],
                              capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
                              check=False).stdout
    assert "--password" not in helptext and "--role" in helptext
