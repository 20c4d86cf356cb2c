"""Project-wide settings: data location, coordinate systems and constants.

Every value a user may want to change is read here once, so the rest of the
package never looks at environment variables itself.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``mapping/`` and ``data/``).
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent

#: Environment variable that points the loaders at another ``data/`` folder.
DATA_DIR_ENV = "CARTE_SCOLAIRE_DATA"


def data_dir() -> Path:
    """Return the folder holding the project's data extracts.

    Returns
    -------
    pathlib.Path
        ``$CARTE_SCOLAIRE_DATA`` when set, otherwise ``<project>/data``.
    """
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else PROJECT_ROOT / "data"


#: Storage CRS of every geometry in ``data/``.
CRS_STORAGE = "EPSG:4326"
#: Metric CRS for distances, areas and buffers (UTM zone 29N covers the region).
CRS_METRIC = "EPSG:32629"
#: Moroccan Lambert systems accepted by importers.
CRS_LAMBERT_NORD = "EPSG:26191"
CRS_LAMBERT_SUD = "EPSG:26192"

#: HCP code of the Marrakech-Safi region.
REGION_CODE = "07"
#: RGPH 2024 legal population of the region (HCP).
REGION_POPULATION_2024 = 4_892_393
#: Number of communes in the region (RGPH 2024).
REGION_COMMUNES = 251

#: Bounding box of the region, with a margin: (min lon, min lat, max lon, max lat).
REGION_BOUNDS = (-10.1, 30.5, -6.8, 33.2)

#: Source credits, used by the UI and every export.
CREDIT_HCP_2024 = "Haut-Commissariat au Plan, RGPH 2024"
CREDIT_HCP_2014 = "Haut-Commissariat au Plan, RGPH 2014"
CREDIT_OSM = "© OpenStreetMap contributors (ODbL)"
CREDIT_GEONAMES = "GeoNames (CC BY 4.0)"
