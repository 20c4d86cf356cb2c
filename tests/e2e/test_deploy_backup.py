"""The backup and restore scripts of ``deploy/backup``, run for real on a PostGIS cluster."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from benchmarks.deploy import postgis_cluster, postgres_available
from mapping.auth import add_account, create_tables, list_accounts, sign_in
from mapping.roles import SYSTEM
from mapping.settings import PROJECT_ROOT
from tests.e2e.conftest import _missing

pytestmark = pytest.mark.e2e

BACKUP = PROJECT_ROOT / "deploy" / "backup" / "backup.sh"
RESTORE = PROJECT_ROOT / "deploy" / "backup" / "restore.sh"
PASSWORD = "olive tree kasbah 42"


def _libpq_env(url: str, **extra: str) -> dict[str, str]:
    parts = urlsplit(url.replace("postgresql+psycopg", "postgresql"))
    return {**os.environ, "PGHOST": parts.hostname or "", "PGPORT": str(parts.port),
            "PGUSER": parts.username or "", "PGDATABASE": parts.path.lstrip("/"), **extra}


def test_backup_then_restore_into_a_new_database(tmp_path: Path) -> None:
    missing = postgres_available()
    if missing:
        _missing(missing)
    with postgis_cluster(database="carte") as url:
        engine = create_engine(url)
        create_tables(engine)
        add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
        with engine.begin() as conn:  # a spatial table, as the store keeps; the app's role
            conn.execute(text("CREATE ROLE carte LOGIN"))
            conn.execute(text("CREATE TABLE schools (id text PRIMARY KEY, "
                              "geom geometry(Point, 4326))"))
            conn.execute(text("INSERT INTO schools VALUES "
                              "('S1', ST_SetSRID(ST_MakePoint(-8.0, 31.6), 4326))"))
        engine.dispose()

        backups = tmp_path / "backups"
        done = subprocess.run([str(BACKUP)], env=_libpq_env(url, BACKUP_DIR=str(backups)),
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        dump = Path(done.stdout.strip())
        assert dump.parent == backups and dump.name.startswith("carte-")
        assert dump.stat().st_size > 0 and oct(dump.stat().st_mode)[-3:] == "600"
        assert not list(backups.glob("*.partial"))

        restored = subprocess.run([str(RESTORE), str(dump), "carte_restored", "carte"],
                                  env=_libpq_env(url), capture_output=True, text=True,
                                  timeout=120, check=False)
        assert restored.returncode == 0, restored.stderr
        counts = dict(line.split("\t") for line in restored.stdout.splitlines())
        assert counts["accounts"] == "1" and counts["schools"] == "1"

        # the app's role owns the restored tables: it can write to them
        copy = create_engine(url.rsplit("/", 1)[0].replace("postgres@", "carte@")
                             + "/carte_restored")
        add_account(copy, "driss", "viewer", PASSWORD, actor=SYSTEM)
        assert [a.name for a in list_accounts(copy, actor=SYSTEM)] == ["amina", "driss"]
        # the password hash came through: the editor signs in on the copy
        assert sign_in(copy, "amina", PASSWORD, client="127.0.0.1").actor.role == "editor"
        with copy.connect() as conn:
            assert conn.execute(text("SELECT ST_AsText(geom) FROM schools")).scalar_one() == \
                "POINT(-8 31.6)"
        copy.dispose()

        again = subprocess.run([str(RESTORE), str(dump), "carte_restored"],
                               env=_libpq_env(url), capture_output=True, text=True,
                               timeout=120, check=False)
        assert again.returncode != 0 and "already exists" in again.stderr  # never overwrites

