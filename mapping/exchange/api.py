"""Read-only OGC API – Features over the published registry and the communes (pygeoapi).

:func:`build_site` writes, in one folder, a snapshot of the published
registry's located schools and of the 251 communes as GeoJSON, the pygeoapi
configuration and its OpenAPI document; :func:`serve` runs pygeoapi's Flask
application on a loopback (or given) address. The snapshot is taken when the
service starts: restart it after a publish to serve the new registry.

pygeoapi's GeoJSON provider is used because its GeoPackage provider needs
SpatiaLite's SQLite module, which the project's machines do not carry; the
data served are the same, and GDAL's OAPIF driver and QGIS read it as any
OGC API – Features service.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.registry.frame import canonical
from mapping.settings import CREDIT_HCP_2024, CREDIT_OSM, REGION_BOUNDS

#: Collections served.
COLLECTIONS = ("schools", "communes")
_COMMUNE_COLUMNS = ["code", "name_fr", "name_ar", "province_code", "province_fr", "type",
                    "population_2024"]


@dataclass(frozen=True)
class Site:
    """The files of a service: configuration, OpenAPI document, data."""

    config: Path
    openapi: Path
    url: str


def _schools_geojson(registry: gpd.GeoDataFrame) -> dict[str, Any]:
    table = canonical(pd.DataFrame(registry).drop(columns="geometry", errors="ignore"))
    located = table[table["lon"].notna() & table["lat"].notna()]
    features = []
    for rec in located.to_dict(orient="records"):
        props = {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
        features.append({"type": "Feature", "id": props["school_id"],
                         "geometry": {"type": "Point", "coordinates": [props["lon"],
                                                                       props["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _communes_geojson(communes: gpd.GeoDataFrame) -> dict[str, Any]:
    cols = [c for c in _COMMUNE_COLUMNS if c in communes]
    frame = gpd.GeoDataFrame(communes[cols], geometry=communes.geometry, crs=communes.crs)
    data: dict[str, Any] = json.loads(frame.to_crs(4326).to_json(drop_id=True))
    for feature in data["features"]:
        feature["id"] = feature["properties"]["code"]
    return data


def _collection(title: str, description: str, path: Path, id_field: str) -> dict[str, Any]:
    lon_min, lat_min, lon_max, lat_max = REGION_BOUNDS
    return {
        "type": "collection", "title": title, "description": description,
        "keywords": ["Marrakech-Safi", "carte scolaire"],
        "links": [],
        "extents": {"spatial": {"bbox": [lon_min, lat_min, lon_max, lat_max],
                                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "providers": [{"type": "feature", "name": "GeoJSON", "data": str(path),
                       "id_field": id_field}],
    }


def build_site(folder: Path, registry: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, *,
               host: str = "127.0.0.1", port: int = 5000) -> Site:
    """Write the data snapshot, pygeoapi configuration and OpenAPI document into *folder*.

    Parameters
    ----------
    folder
        Where to write (created).
    registry
        The published registry (:meth:`mapping.store.Store.current_registry`);
        schools without coordinates are left out of the ``schools`` collection.
    communes
        The region's commune polygons.
    host, port
        Address the service will listen on (also its public URL).
    """
    from pygeoapi.openapi import generate_openapi_document  # type: ignore[import-untyped]

    folder.mkdir(parents=True, exist_ok=True)
    schools = folder / "schools.geojson"
    schools.write_text(json.dumps(_schools_geojson(registry), ensure_ascii=False),
                       encoding="utf-8")
    commune_file = folder / "communes.geojson"
    commune_file.write_text(json.dumps(_communes_geojson(communes), ensure_ascii=False),
                            encoding="utf-8")
    url = f"http://{host}:{port}"
    config = {
        "server": {
            "bind": {"host": host, "port": port}, "url": url,
            "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
            "languages": ["fr-FR", "en-US"], "pretty_print": False,
            "limits": {"default_items": 1000, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": CREDIT_OSM},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "Carte scolaire Marrakech-Safi — OGC API Features",
                "description": "Registre scolaire publié (AREF) et communes (HCP), lecture seule",
                "keywords": ["écoles", "communes", "Marrakech-Safi"],
                "keywords_type": "theme", "terms_of_service": "ODbL 1.0", "url": url,
            },
            "license": {"name": "ODbL 1.0",
                        "url": "https://opendatacommons.org/licenses/odbl/1-0/"},
            "provider": {"name": "AREF Marrakech-Safi", "url": url},
            "contact": {"name": "AREF Marrakech-Safi", "position": "Carte scolaire",
                        "address": "Marrakech", "city": "Marrakech", "country": "Maroc",
                        "email": "carte-scolaire@example.invalid", "url": url,
                        "role": "pointOfContact"},
        },
        "resources": {
            "schools": _collection("Établissements (registre publié)",
                                   "Écoles, collèges et lycées localisés du registre publié",
                                   schools, "school_id"),
            "communes": _collection("Communes (HCP)",
                                    f"Les 251 communes de la région ; {CREDIT_HCP_2024}",
                                    commune_file, "code"),
        },
    }
    config_path = folder / "pygeoapi-config.yml"
    # JSON is YAML: pygeoapi reads this file with its YAML loader.
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    openapi = folder / "pygeoapi-openapi.yml"
    openapi.write_text(generate_openapi_document(config_path, "yaml"), encoding="utf-8")
    return Site(config_path, openapi, url)


def serve(site: Site, host: str = "127.0.0.1", port: int = 5000) -> None:
    """Run the service until interrupted (pygeoapi's Flask app under Werkzeug)."""
    os.environ["PYGEOAPI_CONFIG"] = str(site.config)
    os.environ["PYGEOAPI_OPENAPI"] = str(site.openapi)
    from pygeoapi.flask_app import APP  # type: ignore[import-untyped]
    from werkzeug.serving import run_simple

    run_simple(host, port, APP, threaded=True)
