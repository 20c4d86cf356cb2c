"""The PostGIS service fixture starts a real cluster with PostGIS."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from tests.services.postgis import Cluster, postgis_cluster, postgis_url  # noqa: F401


def test_cluster_runs_postgis(postgis_url: str, postgis_cluster: Cluster) -> None:  # noqa: F811
    for url in (postgis_url, postgis_cluster.new_database()):
        engine = create_engine(url)
        with engine.connect() as conn:
            version = conn.execute(select(func.postgis_lib_version())).scalar_one()
        engine.dispose()
        assert str(version).startswith("3.")
