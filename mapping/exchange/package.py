"""Build AREF and HCP delivery packages: one zip with a Data Package v2 descriptor.

A package holds ``datapackage.json`` (producer, period, creation time, format
version, licence and credits, one resource per table with its Table Schema,
size and SHA-256), the tables under ``data/`` and a bilingual (FR/AR)
``README.md``.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.datasets import Region
from mapping.errors import MappingError
from mapping.exchange import schemas
from mapping.exports import to_csv
from mapping.registry.frame import canonical
from mapping.settings import CREDIT_HCP_2024, CREDIT_OSM, CRS_STORAGE

_COMMUNE_COLUMNS = ("code", "name_fr", "name_ar", "province_code", "type")


@dataclass(frozen=True)
class PackageMeta:
    """What a package says about itself.

    Attributes
    ----------
    producer
        ``"aref"`` or ``"hcp"``.
    period
        School year (``"2024-2025"``) or census (``"RGPH 2024"``).
    created
        ISO 8601 creation time (UTC).
    schema_version
        Format version (semver), see :data:`~mapping.exchange.schemas.SCHEMA_VERSION`.
    """

    producer: str
    period: str
    created: str
    schema_version: str

    @classmethod
    def from_descriptor(cls, descriptor: Mapping[str, Any]) -> PackageMeta:
        """Read the metadata of a parsed ``datapackage.json``."""
        return cls(
            producer=str(descriptor.get("producer", "")),
            period=str(descriptor.get("period", "")),
            created=str(descriptor.get("created", "")),
            schema_version=str(descriptor.get("schema_version", "")),
        )


def sha256(data: bytes) -> str:
    """Hex SHA-256 of *data*."""
    return hashlib.sha256(data).hexdigest()


def registry_table(registry: pd.DataFrame) -> pd.DataFrame:
    """The registry as written in ``schools.csv``: canonical columns, whole counts as integers."""
    table = canonical(pd.DataFrame(registry).drop(columns="geometry", errors="ignore"))
    for col in schemas.INTEGER_COLUMNS:
        values = table[col]
        finite = values.dropna()
        if len(finite) == 0 or bool(np.all(np.equal(np.mod(finite, 1), 0))):
            table[col] = values.astype("Int64")
    return table


def commune_table(communes: pd.DataFrame) -> pd.DataFrame:
    """The reference list of communes written in ``communes.csv``."""
    missing = [c for c in _COMMUNE_COLUMNS if c not in communes]
    if missing:
        raise MappingError(f"commune layer lacks column(s) {', '.join(missing)}; "
                           "pass the region's communes (mapping.datasets.load_communes)")
    out = pd.DataFrame(communes)[list(_COMMUNE_COLUMNS)].copy()
    return out.sort_values("code").reset_index(drop=True)


def _schools_gpkg(table: pd.DataFrame) -> bytes:
    lon = table["lon"].to_numpy(dtype=float)
    lat = table["lat"].to_numpy(dtype=float)
    geometry = gpd.points_from_xy(lon, lat, crs=CRS_STORAGE)
    located = np.isfinite(lon) & np.isfinite(lat)
    geoms = gpd.GeoSeries([g if ok else None for g, ok in zip(geometry, located, strict=True)],
                          crs=CRS_STORAGE)
    frame = table.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype(object)
    gdf = gpd.GeoDataFrame(frame, geometry=geoms)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schools.gpkg"
        try:
            gdf.to_file(path, layer="schools", driver="GPKG", engine="pyogrio",
                        geometry_type="Point")
        except Exception as exc:  # pyogrio raises several types
            raise MappingError(f"cannot write the schools GeoPackage: {exc}") from exc
        return path.read_bytes()


def _resource(name: str, path: str, data: bytes, title: str, *,
              schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    res: dict[str, Any] = {"name": name, "path": path, "title": title}
    if schema is not None:
        res.update({"type": "table", "format": "csv", "mediatype": "text/csv",
                    "encoding": "utf-8-sig", "schema": schema})
    res.update(extra)
    res["bytes"] = len(data)
    res["hash"] = f"sha256:{sha256(data)}"
    return res


_README = """# {title}

## Français

Paquet de données d'échange entre l'AREF Marrakech-Safi et la Direction régionale
du HCP, au format Frictionless Data Package v2 (`datapackage.json`).

- Producteur : {producer_fr}
- Période : {period}
- Créé le : {created}
- Version du format : {version}

Chaque table est décrite par un Table Schema (types, champs obligatoires,
valeurs permises, motif du code de commune, clé étrangère vers les 251 communes
du HCP, unités) et porte son empreinte SHA-256. Vérifier le paquet :
`python -m mapping exchange validate {name}`.

Sources : {credits}. Licence : ODbL 1.0.

## العربية

حزمة بيانات لتبادل المعلومات بين الأكاديمية الجهوية للتربية والتكوين لجهة مراكش آسفي
والمديرية الجهوية للمندوبية السامية للتخطيط، بصيغة Frictionless Data Package v2.

- الجهة المنتجة: {producer_ar}
- الفترة: {period}
- تاريخ الإنشاء: {created}
- نسخة الصيغة: {version}

كل جدول موصوف بمخطط (الأنواع، الحقول الإلزامية، القيم المسموح بها، نمط رمز الجماعة،
مفتاح خارجي نحو الجماعات الـ251، الوحدات) ويحمل بصمة SHA-256.
التحقق من الحزمة: `python -m mapping exchange validate {name}`.
"""

_PRODUCER = {
    "aref": ("AREF Marrakech-Safi", "الأكاديمية الجهوية للتربية والتكوين مراكش آسفي"),
    "hcp": ("HCP, Direction régionale de Marrakech-Safi",
            "المندوبية السامية للتخطيط، المديرية الجهوية مراكش آسفي"),
}


def _created(created: datetime | None) -> str:
    when = created or datetime.now(UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _assemble(producer: str, period: str, created: datetime | None,
              files: list[tuple[dict[str, Any], bytes]], credits: list[str]) -> bytes:
    stamp = _created(created)
    name = f"{producer}-{period}".lower().replace(" ", "-")
    descriptor: dict[str, Any] = {
        "$schema": schemas.PROFILE,
        "name": name,
        "title": f"{_PRODUCER[producer][0]} — {period}",
        "producer": producer,
        "period": period,
        "created": stamp,
        "schema_version": schemas.SCHEMA_VERSION,
        "version": schemas.SCHEMA_VERSION,
        "licenses": schemas.LICENSES,
        "contributors": [{"title": _PRODUCER[producer][0], "roles": ["creator"]}],
        "sources": [{"title": c} for c in credits],
        "resources": [res for res, _ in files],
    }
    readme = _README.format(
        title=descriptor["title"], producer_fr=_PRODUCER[producer][0],
        producer_ar=_PRODUCER[producer][1], period=period, created=stamp,
        version=schemas.SCHEMA_VERSION, name=f"{name}.zip", credits="; ".join(credits),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json",
                         json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
        archive.writestr("README.md", readme)
        for res, data in files:
            archive.writestr(res["path"], data)
    return buffer.getvalue()


def export_aref(registry: pd.DataFrame, communes: pd.DataFrame, *, period: str,
                created: datetime | None = None) -> bytes:
    """Build AREF's delivery package of the school registry.

    Parameters
    ----------
    registry
        A registry (see :func:`mapping.registry.to_registry`).
    communes
        The region's communes (``code``, names, ``province_code``, ``type``).
    period
        School year of the registry, e.g. ``"2024-2025"``.
    created
        Creation time; now when ``None``.

    Returns
    -------
    bytes
        The zip: ``datapackage.json``, ``README.md``, ``data/schools.csv``,
        ``data/schools.gpkg`` (layer ``schools``, EPSG:4326) and
        ``data/communes.csv``.
    """
    table = registry_table(registry)
    communes_csv = to_csv(commune_table(communes))
    schools_csv = to_csv(table)
    gpkg = _schools_gpkg(table)
    files = [
        (_resource("schools", schemas.SCHOOLS_CSV, schools_csv, "Registre des établissements",
                   schema=schemas.schools_schema()), schools_csv),
        (_resource("schools_gpkg", schemas.SCHOOLS_GPKG, gpkg,
                   "Registre des établissements (GeoPackage, EPSG:4326)", type="file",
                   format="gpkg", mediatype="application/geopackage+sqlite3"), gpkg),
        (_resource("communes", schemas.COMMUNES_CSV, communes_csv, "Communes du HCP (251)",
                   schema=schemas.communes_schema()), communes_csv),
    ]
    return _assemble("aref", period, created, files,
                     ["AREF Marrakech-Safi, registre scolaire", CREDIT_HCP_2024, CREDIT_OSM])


def hcp_table(region: Region) -> pd.DataFrame:
    """HCP's indicator table by commune (RGPH 2024) as written in ``indicators.csv``."""
    cols = ["code", *(name for name, _, _ in schemas.HCP_INDICATORS)]
    table = region.census_2024[cols].copy()
    return table.sort_values("code").reset_index(drop=True)


def export_hcp(region: Region, *, period: str = "RGPH 2024",
               created: datetime | None = None) -> bytes:
    """Build HCP's delivery package of indicators by commune.

    Parameters
    ----------
    region
        The loaded region (its RGPH 2024 commune table).
    period
        The census, e.g. ``"RGPH 2024"``.
    created
        Creation time; now when ``None``.
    """
    communes_csv = to_csv(commune_table(region.communes))
    indicators_csv = to_csv(hcp_table(region))
    files = [
        (_resource("indicators", schemas.INDICATORS_CSV, indicators_csv,
                   "Indicateurs du RGPH par commune", schema=schemas.indicators_schema()),
         indicators_csv),
        (_resource("communes", schemas.COMMUNES_CSV, communes_csv, "Communes du HCP (251)",
                   schema=schemas.communes_schema()), communes_csv),
    ]
    return _assemble("hcp", period, created, files, [CREDIT_HCP_2024, CREDIT_OSM])
