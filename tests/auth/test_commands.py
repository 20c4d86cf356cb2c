"""``python -m mapping accounts``: the password comes from stdin, never from argv."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from mapping.auth import session_actor, sign_in
from mapping.cli import build_parser, main
from mapping.roles import Actor
from mapping.settings import PROJECT_ROOT

PASSWORD = "olive tree kasbah 42"


def _accounts(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: str,
              *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the command in this process, *stdin* piped in (not a terminal)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["accounts", "--database", db, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_list_set_role_disable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'store.gpkg'}"

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return _accounts(monkeypatch, capsys, db, *args, stdin=stdin)

    code, out, _ = run("list")
    assert code == 0 and "no accounts yet" in out
    code, out, err = run("add", "amina", "--role", "editor", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "amina created: editor" in out and PASSWORD not in out
    assert run("add", "planner@aref.ma", "--role", "admin", "--oidc")[0] == 0

    engine = create_engine(db)
    token = sign_in(engine, "amina", PASSWORD, client="127.0.0.1").token
    assert session_actor(engine, token) == Actor("amina", "editor")

    listed = run("list")[1].splitlines()
    assert [line.split("\t")[:4] for line in listed] == [
        ["amina", "editor", "active", "password"], ["planner@aref.ma", "admin", "active", "oidc"]]
    assert run("set-role", "amina", "viewer")[0] == 0
    assert session_actor(engine, token) == Actor("amina", "viewer")
    assert run("password", "amina", stdin="another long phrase\n")[0] == 0
    assert session_actor(engine, token) is None  # a new password ends the sessions
    assert sign_in(engine, "amina", "another long phrase", client="127.0.0.1").token
    assert run("disable", "amina")[0] == 0
    assert "amina\tviewer\tdisabled" in run("list")[1]


def test_refusals_are_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'store.gpkg'}"
    code, _, err = _accounts(monkeypatch, capsys, db, "add", "amina", "--role", "editor",
                             stdin="short\n")
    assert code == 2 and "at least 12" in err and "Traceback" not in err
    code, _, err = _accounts(monkeypatch, capsys, db, "add", "amina", "--role", "editor")
    assert code == 2 and "no password on stdin" in err
    code, _, err = _accounts(monkeypatch, capsys, db, "disable", "nobody")
    assert code == 2 and "no account called 'nobody'" in err


def test_no_password_option_exists(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["accounts", "add", "--help"])
    helptext = capsys.readouterr().out
    assert "--password" not in helptext and "--role" in helptext
    with pytest.raises(SystemExit):
        build_parser().parse_args(["accounts", "add", "x", "--role", "editor",
                                   "--password", PASSWORD])


def test_python_m_mapping_reads_the_password_from_stdin(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.gpkg'}"
    done = subprocess.run([sys.executable, "-m", "mapping", "accounts", "--database", db,
                           "add", "amina", "--role", "admin"], input=PASSWORD + "\n",
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert sign_in(create_engine(db), "amina", PASSWORD, client="127.0.0.1").actor.role == \
        "admin"
