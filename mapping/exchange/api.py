"""Read-only OGC API – Features over the published registry and the communes (pygeoapi).

:func:`build_site` writes pygeoapi's configuration and OpenAPI document in one
folder; :func:`serve` runs pygeoapi's Flask application on a loopback (or
given) address. Collections ``schools`` (id ``school_id``) and ``communes``
(id ``code``). How the schools are read depends on the store:

PostGIS
    Live, with pygeoapi's PostgreSQL provider over the view ``ogcapi_schools``
    of the published, located schools, and the table ``ogcapi_communes``
    (:mod:`mapping.exchange.api_pg`, created at service start): a publish shows
    at the next request.
GeoPackage
    A GeoJSON snapshot served by pygeoapi's GeoJSON provider, refreshed when
    the store's version (:meth:`mapping.store.Store.version`, its newest change
    id) differs from the snapshot's, checked before each request
    (:class:`Snapshot`). pygeoapi's GeoPackage provider needs SpatiaLite's
    SQLite module, which Python's ``sqlite3`` here cannot load
    (no ``enable_load_extension``), and its OGR provider needs GDAL's Python
    bindings, which pip can only build from source against libgdal's headers.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from mapping.registry.frame import canonical
from mapping.settings import CREDIT_HCP_2024, CREDIT_OSM, REGION_BOUNDS

if TYPE_CHECKING:
    from mapping.store import Store

#: A WSGI application.
WSGIApp = Callable[[dict[str, Any], Any], Any]

#: Collections served.
COLLECTIONS = ("schools", "communes")
_COMMUNE_COLUMNS = ["code", "name_fr", "name_ar", "province_code", "province_fr", "type",
                    "population_2024"]


@dataclass(frozen=True)
class Site:
    """The files of a service: configuration, OpenAPI document, data.

    Attributes
    ----------
    config, openapi
        pygeoapi's configuration and OpenAPI document.
    url
        The service's public URL.
    backend
        The store's backend (``"geopackage"`` or ``"postgis"``).
    snapshot
        The schools snapshot to keep fresh (GeoPackage store), ``None`` when the
        schools are read live (PostGIS).
    """

    config: Path
    openapi: Path
    url: str
    backend: str = "geopackage"
    snapshot: Snapshot | None = None


class Snapshot:
    """The published registry's located schools as GeoJSON, rewritten when the store changes.

    Parameters
    ----------
    store
        The school database.
    path
        The GeoJSON file pygeoapi's GeoJSON provider reads (on each request).
    """

    def __init__(self, store: Store, path: Path) -> None:
        self.store = store
        self.path = path
        self.version: int | None = None
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Rewrite the file if the store's version changed; return whether it did.

        The file is replaced atomically, so a request being served reads either
        the old or the new snapshot, never half of one.
        """
        version = self.store.version()
        if version == self.version:
            return False
        with self._lock:
            if version == self.version:
                return False
            registry = self.store.current_registry()
            data = json.dumps(_schools_geojson(registry), ensure_ascii=False)
            tmp = self.path.with_suffix(".geojson.part")
            tmp.write_text(data, encoding="utf-8")
            os.replace(tmp, self.path)
            self.version = int(registry.attrs.get("store_version", version))
            return True


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


def _collection(title: str, description: str, provider: dict[str, Any]) -> dict[str, Any]:
    lon_min, lat_min, lon_max, lat_max = REGION_BOUNDS
    return {
        "type": "collection", "title": title, "description": description,
        "keywords": ["Marrakech-Safi", "carte scolaire"],
        "links": [],
        "extents": {"spatial": {"bbox": [lon_min, lat_min, lon_max, lat_max],
                                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "providers": [provider],
    }


def _file_provider(path: Path, id_field: str) -> dict[str, Any]:
    return {"type": "feature", "name": "GeoJSON", "data": str(path), "id_field": id_field}


def _sql_provider(data: dict[str, Any], table: str, id_field: str) -> dict[str, Any]:
    from mapping.exchange.api_pg import PROVIDER

    return {"type": "feature", "name": PROVIDER, "data": data, "table": table,
            "id_field": id_field, "geom_field": "geom"}


def build_site(folder: Path, store: Store, communes: gpd.GeoDataFrame, *,
               host: str = "127.0.0.1", port: int = 5000) -> Site:
    """Prepare the data, pygeoapi configuration and OpenAPI document in *folder*.

    Parameters
    ----------
    folder
        Where to write (created).
    store
        The school database (:func:`mapping.store.open_store`). On PostGIS the
        view and commune table of :mod:`mapping.exchange.api_pg` are created;
        on a GeoPackage the first snapshot is written.
    communes
        The region's commune polygons.
    host, port
        Address the service will listen on (also its public URL).
    """
    from pygeoapi.openapi import generate_openapi_document  # type: ignore[import-untyped]

    folder.mkdir(parents=True, exist_ok=True)
    snapshot: Snapshot | None = None
    if store.backend == "postgis":
        from mapping.exchange import api_pg

        schema = api_pg.prepare(store.engine, communes)
        data = api_pg.connection(store.engine, schema)
        schools_provider = _sql_provider(data, api_pg.SCHOOLS_VIEW, api_pg.ID_FIELD)
        communes_provider = _sql_provider(data, api_pg.COMMUNES_TABLE, api_pg.ID_FIELD)
    else:
        snapshot = Snapshot(store, folder / "schools.geojson")
        snapshot.refresh()
        commune_file = folder / "communes.geojson"
        commune_file.write_text(json.dumps(_communes_geojson(communes), ensure_ascii=False),
                                encoding="utf-8")
        schools_provider = _file_provider(snapshot.path, "school_id")
        communes_provider = _file_provider(commune_file, "code")
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
                                   schools_provider),
            "communes": _collection("Communes (HCP)",
                                    f"Les 251 communes de la région ; {CREDIT_HCP_2024}",
                                    communes_provider),
        },
    }
    config_path = folder / "pygeoapi-config.yml"
    # JSON is YAML: pygeoapi reads this file with its YAML loader. It may hold the
    # database password: readable by its owner only.
    config_path.touch(mode=0o600)
    config_path.chmod(0o600)
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    openapi = folder / "pygeoapi-openapi.yml"
    openapi.write_text(generate_openapi_document(config_path, "yaml"), encoding="utf-8")
    return Site(config_path, openapi, url, store.backend, snapshot)


def refreshing(app: WSGIApp, snapshot: Snapshot) -> WSGIApp:
    """*app* that first refreshes *snapshot* when the store changed (one cheap query)."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        snapshot.refresh()
        return app(environ, start_response)

    return wrapped


def wsgi_app(site: Site) -> WSGIApp:
    """pygeoapi's WSGI application for *site* (refreshing the snapshot if it has one)."""
    os.environ["PYGEOAPI_CONFIG"] = str(site.config)
    os.environ["PYGEOAPI_OPENAPI"] = str(site.openapi)
    from pygeoapi.flask_app import APP  # type: ignore[import-untyped]

    app: WSGIApp = APP
    return refreshing(app, site.snapshot) if site.snapshot is not None else app


def serve(site: Site, host: str = "127.0.0.1", port: int = 5000) -> None:
    """Run the service until interrupted (pygeoapi's Flask app under Werkzeug)."""
    from werkzeug.serving import run_simple

    run_simple(host, port, wsgi_app(site), threaded=True)
