"""Initial school database: schools, deliveries, change log, delivery rows.

On SQLite the file is also made a GeoPackage 1.2 (application id, spatial
reference systems, contents, geometry columns) so it opens in QGIS as it is.

Revision ID: store_0001
Revises:
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

from mapping.store.coltypes import PointGeometry, short_text

revision = "store_0001"
down_revision = None
branch_labels = ("store",)
depends_on = None

_TEXT = ("name_fr", "name_ar", "cycle", "sector", "kind", "parent_id", "commune_code")
_NUM = ("lon", "lat", "classrooms", "seats", "pupils", "pupils_girls")
_TAIL_TEXT = ("status",)
_TAIL = ("year",)
_LAST_TEXT = ("source", "location_quality", "capacity_quality")

_WGS84 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]'
)
#: "GPKG" as the SQLite application id, and GeoPackage 1.2 as the user version.
_APPLICATION_ID = 0x47504B47
_USER_VERSION = 10200


def _gpkg_metadata() -> None:
    op.execute(sa.text(f"PRAGMA application_id = {_APPLICATION_ID}"))
    op.execute(sa.text(f"PRAGMA user_version = {_USER_VERSION}"))
    srs = op.create_table(
        "gpkg_spatial_ref_sys",
        sa.Column("srs_name", sa.Text, nullable=False),
        sa.Column("srs_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organization", sa.Text, nullable=False),
        sa.Column("organization_coordsys_id", sa.Integer, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
    )
    contents = op.create_table(
        "gpkg_contents",
        sa.Column("table_name", sa.Text, primary_key=True),
        sa.Column("data_type", sa.Text, nullable=False),
        sa.Column("identifier", sa.Text, unique=True),
        sa.Column("description", sa.Text, server_default=""),
        sa.Column("last_change", sa.Text, nullable=False),
        sa.Column("min_x", sa.Double), sa.Column("min_y", sa.Double),
        sa.Column("max_x", sa.Double), sa.Column("max_y", sa.Double),
        sa.Column("srs_id", sa.Integer, sa.ForeignKey("gpkg_spatial_ref_sys.srs_id")),
    )
    geoms = op.create_table(
        "gpkg_geometry_columns",
        sa.Column("table_name", sa.Text, sa.ForeignKey("gpkg_contents.table_name"),
                  primary_key=True),
        sa.Column("column_name", sa.Text, primary_key=True),
        sa.Column("geometry_type_name", sa.Text, nullable=False),
        sa.Column("srs_id", sa.Integer, sa.ForeignKey("gpkg_spatial_ref_sys.srs_id"),
                  nullable=False),
        sa.Column("z", sa.SmallInteger, nullable=False),
        sa.Column("m", sa.SmallInteger, nullable=False),
    )
    op.bulk_insert(srs, [
        {"srs_name": "Undefined cartesian SRS", "srs_id": -1, "organization": "NONE",
         "organization_coordsys_id": -1, "definition": "undefined",
         "description": "undefined cartesian coordinate reference system"},
        {"srs_name": "Undefined geographic SRS", "srs_id": 0, "organization": "NONE",
         "organization_coordsys_id": 0, "definition": "undefined",
         "description": "undefined geographic coordinate reference system"},
        {"srs_name": "WGS 84 geodetic", "srs_id": 4326, "organization": "EPSG",
         "organization_coordsys_id": 4326, "definition": _WGS84,
         "description": "longitude/latitude coordinates in decimal degrees on the WGS 84 "
                        "spheroid"},
    ])
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    op.bulk_insert(contents, [
        {"table_name": "schools", "data_type": "features", "identifier": "schools",
         "description": "Current school registry (closed schools have active = 0)",
         "last_change": now, "min_x": -10.1, "min_y": 30.5, "max_x": -6.8, "max_y": 33.2,
         "srs_id": 4326},
        {"table_name": "school_changes", "data_type": "attributes",
         "identifier": "school_changes", "description": "Change log of the registry",
         "last_change": now, "min_x": None, "min_y": None, "max_x": None, "max_y": None,
         "srs_id": None},
        {"table_name": "deliveries", "data_type": "attributes", "identifier": "deliveries",
         "description": "Deliveries (imports, edits, exchange packages)",
         "last_change": now, "min_x": None, "min_y": None, "max_x": None, "max_y": None,
         "srs_id": None},
    ])
    op.bulk_insert(geoms, [
        {"table_name": "schools", "column_name": "geom", "geometry_type_name": "POINT",
         "srs_id": 4326, "z": 0, "m": 0},
    ])


def upgrade() -> None:
    """Create the store's first tables."""
    if op.get_bind().dialect.name == "sqlite":
        _gpkg_metadata()
    op.create_table(
        "schools",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_id", short_text(120), nullable=False, unique=True),
        *[sa.Column(c, sa.Text) for c in _TEXT],
        *[sa.Column(c, sa.Double) for c in _NUM],
        *[sa.Column(c, sa.Text) for c in _TAIL_TEXT],
        *[sa.Column(c, sa.Double) for c in _TAIL],
        *[sa.Column(c, sa.Text) for c in _LAST_TEXT],
        sa.Column("geom", PointGeometry, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.Column("updated_by", short_text(120), nullable=False),
        sa.Column("delivery_id", sa.Integer),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_schools_geom", "schools", ["geom"], postgresql_using="gist")
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", short_text(20), nullable=False),
        sa.Column("mode", short_text(10), nullable=False),
        sa.Column("source_name", sa.Text),
        sa.Column("source_sha256", short_text(64)),
        sa.Column("received_at", sa.Double, nullable=False),
        sa.Column("received_by", short_text(120), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("status", short_text(10), nullable=False),
        sa.Column("published_at", sa.Double),
        sa.Column("published_by", short_text(120)),
        sa.Column("note", sa.Text),
        sa.Column("summary", sa.Text),
    )
    op.create_table(
        "school_changes",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_id", short_text(120), nullable=False, index=True),
        sa.Column("operation", short_text(10), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("account", short_text(120), nullable=False),
        sa.Column("at", sa.Double, nullable=False),
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.delivery_id")),
        sa.Column("reason", sa.Text),
    )
    op.create_table(
        "delivery_schools",
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.delivery_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("school_id", short_text(120), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "delivery_rejected",
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.delivery_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("row", sa.Integer),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text),
    )


def downgrade() -> None:
    """Drop every table of this revision."""
    for name in ("delivery_rejected", "delivery_schools", "school_changes", "deliveries",
                 "schools"):
        op.drop_table(name)
    if op.get_bind().dialect.name == "sqlite":
        for name in ("gpkg_geometry_columns", "gpkg_contents", "gpkg_spatial_ref_sys"):
            op.drop_table(name)
