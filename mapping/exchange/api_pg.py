"""The OGC API's live collections on a PostGIS store: a view, a commune table, a provider.

On a PostGIS store :mod:`mapping.exchange.api` serves the published registry
*live* with pygeoapi's PostgreSQL provider (``pygeoapi.provider.sql``): every
request queries the database, so a publish shows at the next request, without
restarting the service. At service start :func:`prepare` creates, through
SQLAlchemy, in the store's schema:

``ogcapi_schools`` (view, ``CREATE OR REPLACE VIEW``)
    The located schools of the published registry: ``feature_id`` (the
    ``school_id``, the features' id), the registry columns and the point
    ``geom`` of the store's ``schools`` table, open schools only
    (``active``) with a geometry. A view holds no data, so it never needs
    refreshing; it is not part of the store's Alembic migrations (the
    service owns it and re-creates it at every start).
``ogcapi_communes`` (table)
    The region's 251 commune polygons (EPSG:4326) with ``feature_id`` (the
    code), their code, names, province and 2024 population, loaded once:
    written when missing or when its columns or codes differ from ``data/``'s,
    kept otherwise.

Drop both with ``DROP VIEW ogcapi_schools; DROP TABLE ogcapi_communes;`` when
the service is retired. :class:`StorePostgreSQLProvider` is pygeoapi's
PostgreSQL provider connecting with psycopg 3 (the project's driver) instead
of psycopg2.
"""

from __future__ import annotations

from typing import Any, Final

import geopandas as gpd
from pygeoapi.provider.sql import (  # type: ignore[import-untyped]
    GenericSQLProvider,
    PostgreSQLProvider,
)
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from mapping.schema import REGISTRY_COLUMNS

#: The view of the published, located schools.
SCHOOLS_VIEW: Final = "ogcapi_schools"
#: The table of the commune polygons.
COMMUNES_TABLE: Final = "ogcapi_communes"
#: Column of the feature ids: pygeoapi's SQL provider takes it out of the properties, so
#: ``school_id`` and ``code`` stay there, as in the GeoPackage store's GeoJSON snapshot.
ID_FIELD: Final = "feature_id"
#: Commune columns served.
COMMUNE_COLUMNS: Final = ("code", "name_fr", "name_ar", "province_code", "province_fr", "type",
                          "population_2024")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def view_sql(schema: str) -> str:
    """``CREATE OR REPLACE VIEW`` statement of :data:`SCHOOLS_VIEW` in *schema*.

    Examples
    --------
    >>> view_sql("public").splitlines()[0]
    'CREATE OR REPLACE VIEW "public"."ogcapi_schools" AS'
    """
    columns = ", ".join(_quoted(c) for c in (*REGISTRY_COLUMNS, "geom"))
    return (f"CREATE OR REPLACE VIEW {_quoted(schema)}.{_quoted(SCHOOLS_VIEW)} AS\n"
            f"SELECT \"school_id\" AS {_quoted(ID_FIELD)}, {columns} "
            f"FROM {_quoted(schema)}.\"schools\"\n"
            "WHERE active AND geom IS NOT NULL")


def _communes_frame(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    cols = [c for c in COMMUNE_COLUMNS if c in communes]
    frame = gpd.GeoDataFrame(communes[cols].copy(), geometry=communes.geometry.to_numpy(),
                             crs=communes.crs).to_crs(4326)
    frame = frame.rename_geometry("geom")
    frame["code"] = frame["code"].astype(str)
    frame.insert(0, ID_FIELD, frame["code"])
    return frame.sort_values("code").reset_index(drop=True)


def _communes_current(engine: Engine, schema: str, frame: gpd.GeoDataFrame) -> bool:
    inspector = inspect(engine)
    if not inspector.has_table(COMMUNES_TABLE, schema=schema):
        return False
    columns = {c["name"] for c in inspector.get_columns(COMMUNES_TABLE, schema=schema)}
    if columns != set(frame.columns):
        return False
    with engine.connect() as conn:
        stored = conn.execute(text(
            f"SELECT code FROM {_quoted(schema)}.{_quoted(COMMUNES_TABLE)} ORDER BY code"
        )).scalars().all()
    return bool(list(stored) == frame["code"].tolist())


def prepare(engine: Engine, communes: gpd.GeoDataFrame) -> str:
    """Create the view of the published schools and load the commune table.

    Parameters
    ----------
    engine
        The store's engine (:attr:`mapping.store.Store.engine`), PostgreSQL.
    communes
        The region's commune polygons (:func:`mapping.datasets.load_communes`).

    Returns
    -------
    str
        The schema holding them (the connection's current schema).
    """
    with engine.begin() as conn:
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        try:
            with conn.begin_nested():
                conn.execute(text(view_sql(schema)))
        except DBAPIError:  # the registry's columns changed: a view cannot drop columns
            conn.execute(text(f"DROP VIEW IF EXISTS {_quoted(schema)}.{_quoted(SCHOOLS_VIEW)}"))
            conn.execute(text(view_sql(schema)))
    frame = _communes_frame(communes)
    if not _communes_current(engine, schema, frame):
        frame.to_postgis(COMMUNES_TABLE, engine, schema=schema, if_exists="replace",
                         index=False)
    return schema


def connection(engine: Engine, schema: str) -> dict[str, Any]:
    """The ``data`` block of a pygeoapi SQL provider for the store's database."""
    url = engine.url
    query = {k: v for k, v in url.query.items() if isinstance(v, str)}
    data: dict[str, Any] = {
        "host": url.host or query.get("host"), "port": url.port or 5432,
        "dbname": url.database, "user": url.username or "",
        "password": url.password or "", "search_path": [schema],
    }
    return data


class StorePostgreSQLProvider(PostgreSQLProvider):  # type: ignore[misc]
    """pygeoapi's PostgreSQL provider, connecting with psycopg 3 instead of psycopg2.

    Queries, bbox and property filters, paging and the id lookups are pygeoapi's
    (:class:`pygeoapi.provider.sql.PostgreSQLProvider`); only the driver differs.
    """

    def __init__(self, provider_def: dict[str, Any]) -> None:
        GenericSQLProvider.__init__(
            self, provider_def, "postgresql+psycopg",
            {"client_encoding": "utf8", "application_name": "carte-scolaire-ogcapi"})


#: Dotted name of the provider in pygeoapi's configuration.
PROVIDER: Final = f"{__name__}.StorePostgreSQLProvider"
