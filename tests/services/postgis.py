"""A throwaway PostgreSQL 15 + PostGIS cluster for the tests, and fresh databases in it.

Import the fixtures into a ``conftest.py`` to use them::

    from tests.services.postgis import postgis_cluster, postgis_url  # noqa: F401

``postgis_url`` (session) is the URL of a database with PostGIS enabled;
``postgis_cluster`` also makes a new, empty PostGIS database per call of
:meth:`Cluster.new_database` (copied from a template, fast). The cluster runs
as the ``postgres`` user (PostgreSQL refuses root) from
``/usr/lib/postgresql/15/bin`` in a temporary folder, on a free loopback port
with its Unix socket in that folder, and is stopped at the end of the session.
Without the binaries the tests are skipped, except under ``CI=true`` where
that is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from sqlalchemy.engine import make_url

from benchmarks.deploy import postgis_cluster as _cluster
from benchmarks.deploy import postgres_available

ON_CI = os.environ.get("CI", "").lower() == "true"
_TEMPLATE = "carte_template"


@dataclass
class Cluster:
    """A running cluster: its main database URL and a factory of fresh databases."""

    url: str
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        u = make_url(self.url)
        return psycopg.connect(host=u.host, port=u.port, user=u.username, dbname="postgres",
                               autocommit=True)

    def new_database(self, prefix: str = "t") -> str:
        """URL of a new database with PostGIS, copied from the template."""
        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE}"')
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


def require_postgres() -> None:
    """Skip (or fail under ``CI=true``) when PostgreSQL 15 / PostGIS is missing."""
    missing = postgres_available()
    if missing:
        if ON_CI:
            pytest.fail(f"{missing} (PostGIS tests must run under CI)")
        pytest.skip(missing)


@pytest.fixture(scope="session")
def postgis_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL + PostGIS cluster."""
    require_postgres()
    with _cluster(database="carte") as url:
        cluster = Cluster(url)
        with cluster._admin() as conn:
            conn.execute(f'CREATE DATABASE "{_TEMPLATE}" TEMPLATE "carte"')
        yield cluster


@pytest.fixture(scope="session")
def postgis_url(postgis_cluster: Cluster) -> str:
    """URL of a PostGIS-enabled database (``postgresql+psycopg://...``) for the session."""
    return postgis_cluster.url
