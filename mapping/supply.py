"""Placeholder, to be replaced by the supply analysis."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region

INDICATORS: list[Indicator] = []


def commune_indicators(region: Region, registry: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per-commune values of :data:`INDICATORS`, indexed by commune code."""
    return pd.DataFrame(index=pd.Index(region.communes["code"], name="code"))
