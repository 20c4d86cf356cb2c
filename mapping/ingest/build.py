"""Orchestrate the ingest: raw files in, ``data/`` extracts out."""

from __future__ import annotations

import logging
from pathlib import Path

from mapping.ingest.boundaries import build_communes, build_provinces
from mapping.ingest.census import build_census_2014, build_census_2024
from mapping.ingest.douars import build_douars
from mapping.ingest.io import write_csv, write_geojson

log = logging.getLogger(__name__)

#: Files written by :func:`build_all`, relative to the data folder.
OUTPUTS = (
    "boundaries/communes.geojson",
    "boundaries/provinces.geojson",
    "census/communes_2024.csv",
    "census/communes_2014.csv",
    "census/douars_2024.csv",
)


def build_all(source: Path, dest: Path) -> list[Path]:
    """Rebuild every extract in *dest* from the raw folder *source*.

    Parameters
    ----------
    source
        The raw data folder (``../shared/data``), read only.
    dest
        The project's ``data/`` folder.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    communes = build_communes(source)
    provinces = build_provinces(communes, source)
    codes = communes["code"].tolist()
    census_2024 = build_census_2024(source, codes)
    census_2014 = build_census_2014(source, communes)
    douars = build_douars(source, set(codes))

    written = [dest / p for p in OUTPUTS]
    write_geojson(communes, written[0])
    write_geojson(provinces, written[1])
    write_csv(census_2024, written[2])
    write_csv(census_2014, written[3])
    write_csv(douars, written[4])
    for p in written:
        log.info("wrote %s", p)
    return written
