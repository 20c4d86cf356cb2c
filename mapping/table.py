"""The commune table: every catalogue indicator as a column, one row per commune.

Census columns come from :meth:`mapping.datasets.Region.commune_table`; every
other theme declared in :data:`mapping.themes.THEMES` adds the columns its
``columns(region, registry)`` function computes, indexed by commune code.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapping.datasets import Region
from mapping.themes import THEMES


def indicator_table(
    region: Region, registry: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Build the commune table with every indicator of the catalogue.

    Parameters
    ----------
    region
        The loaded region.
    registry
        The active school registry (canonical columns, see
        :data:`mapping.schema.REGISTRY_COLUMNS`), or ``None`` for no schools.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per commune (251), in code order, EPSG:4326.
    """
    table = region.commune_table()
    for theme in THEMES:
        if theme.columns is None:
            continue
        extra = theme.columns(region, registry)
        if extra.empty and not len(extra.columns):
            continue
        overlap = set(extra.columns) & set(table.columns)
        if overlap:
            raise ValueError(f"theme {theme.id!r} redefines columns {sorted(overlap)}")
        table = table.merge(extra, left_on="code", right_index=True, how="left")
    return gpd.GeoDataFrame(table, geometry="geometry", crs=region.communes.crs)


def without_geometry(table: gpd.GeoDataFrame) -> pd.DataFrame:
    """The commune table as a plain DataFrame, for tables and CSV exports."""
    return pd.DataFrame(table.drop(columns="geometry"))
