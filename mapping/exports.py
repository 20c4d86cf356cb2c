"""Data exports of the filtered view: CSV, XLSX, GeoPackage and offline HTML.

Every function returns the file's bytes, so the app can offer them as
downloads and the command line can write them to disk. The exported rows are
exactly those of the :class:`~mapping.filters.Selection` (see
:func:`filtered_view`).

Text cells that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-`` or ``@``; school names come from uploaded files) are prefixed
with an apostrophe in CSV and XLSX exports.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.errors import MappingError
from mapping.filters import Selection
from mapping.i18n import t
from mapping.indicators import catalogue
from mapping.settings import (
    CREDIT_GEONAMES,
    CREDIT_HCP_2014,
    CREDIT_HCP_2024,
    CREDIT_OSM,
    CRS_STORAGE,
)

if TYPE_CHECKING:
    import folium

    from mapping.datasets import Region

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """*value* with a leading apostrophe if a spreadsheet would read it as a formula.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\"http://x\")")
    '\'=HYPERLINK("http://x")'
    >>> neutralise(12)
    12
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """*df* without geometry, with formula-like text cells and column names neutralised."""
    out = pd.DataFrame(df).copy()
    geom = [c for c in out.columns if isinstance(out[c].dtype, gpd.array.GeometryDtype)]
    out = out.drop(columns=geom)
    for col in out.columns:
        dtype = out[col].dtype
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out[col] = out[col].map(neutralise)
    out.columns = pd.Index([neutralise(c) for c in out.columns])
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """Encode *df* as CSV in UTF-8 with a byte-order mark (Excel then reads Arabic right).

    Geometry columns are dropped; the index is not written.

    Examples
    --------
    >>> to_csv(pd.DataFrame({"name_ar": ["آسفي"]}))[:3]
    b'\\xef\\xbb\\xbf'
    """
    return _plain(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def sources_table(columns: Sequence[str], lang: str = "fr",
                  registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per source: general credits, then each catalogue indicator among *columns*.

    Parameters
    ----------
    columns
        Column names of the exported table.
    lang
        Language of the indicator labels.
    registry
        The school registry, whose name and ``source`` values are credited.

    Returns
    -------
    pandas.DataFrame
        Columns ``column``, ``label``, ``source``, ``year``, ``estimated``, ``note``.
    """
    rows: list[dict[str, object]] = [
        {"column": "", "label": "", "source": s, "year": "", "estimated": "", "note": ""}
        for s in (CREDIT_HCP_2024, CREDIT_HCP_2014, CREDIT_OSM, CREDIT_GEONAMES)
    ]
    if registry is not None:
        found = sorted({str(s) for s in registry.get("source", pd.Series(dtype=str)).dropna()})
        name = str(registry.attrs.get("name", "registry"))
        rows.append({"column": "", "label": name, "source": "; ".join(found) or name,
                     "year": "", "estimated": "", "note": ""})
    cat = catalogue()
    for col in columns:
        ind = cat.get(col)
        if ind is None:
            continue
        rows.append({
            "column": ind.id, "label": ind.label_in(lang), "source": ind.source,
            "year": ind.year, "estimated": "yes" if ind.estimated else "no",
            "note": ind.note.get(lang) or ind.note.get("fr", ""),
        })
    return pd.DataFrame(rows)


def to_xlsx(df: pd.DataFrame, sources: pd.DataFrame | Sequence[str] | Mapping[str, str],
            *, lang: str = "fr", sheet: str = "Data") -> bytes:
    """Encode *df* as an Excel workbook with a second sheet listing the sources.

    Parameters
    ----------
    df
        The table (geometry columns are dropped).
    sources
        A table (e.g. :func:`sources_table`), a list of lines, or a mapping
        ``{what: source}``.
    lang
        Sets the sheets right to left for Arabic and names the sources sheet.
    sheet
        Name of the data sheet.
    """
    if isinstance(sources, pd.DataFrame):
        src = sources
    elif isinstance(sources, Mapping):
        src = pd.DataFrame({"item": list(sources), "source": list(sources.values())})
    else:
        src = pd.DataFrame({"source": list(sources)})
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        _plain(df).to_excel(writer, sheet_name=sheet[:31], index=False)
        _plain(src).to_excel(writer, sheet_name=t("export.sheet_sources", lang)[:31],
                             index=False)
        for ws in writer.book.worksheets:
            ws.freeze_panes = "A2"
            if lang == "ar":
                ws.sheet_view.rightToLeft = True
    return buf.getvalue()


def douar_points(douars: pd.DataFrame) -> gpd.GeoDataFrame:
    """The douar table as points (EPSG:4326); douars without a location get no geometry."""
    empty = pd.Series(np.nan, index=douars.index)
    lon = pd.to_numeric(pd.Series(douars.get("lon", empty)), errors="coerce")
    lat = pd.to_numeric(pd.Series(douars.get("lat", empty)), errors="coerce")
    ok = lon.notna() & lat.notna()
    geom = gpd.GeoSeries.from_xy(lon.where(ok, 0.0), lat.where(ok, 0.0), crs=CRS_STORAGE)
    geom = geom.where(ok.to_numpy(), None)
    return gpd.GeoDataFrame(douars.reset_index(drop=True), geometry=geom.to_numpy(),
                            crs=CRS_STORAGE)


def filtered_view(
    table: gpd.GeoDataFrame,
    selection: Selection | None,
    *,
    registry: gpd.GeoDataFrame | None = None,
    douars: pd.DataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Rows of the commune table, the registry and the douars within *selection*.

    Returns
    -------
    tuple
        ``(communes, schools, douars)``; schools and douars are ``None`` when
        not given. Schools follow the selection's cycle and sector filters.
    """
    sel = selection or Selection()
    communes = table.loc[sel.commune_mask(table).to_numpy(dtype=bool)].reset_index(drop=True)
    codes = set(communes["code"])
    schools = None
    if registry is not None:
        schools = registry.loc[sel.school_mask(registry, codes).to_numpy(dtype=bool)]
    points = None
    if douars is not None:
        points = douar_points(douars.loc[douars["commune_code"].isin(codes)])
    return communes, schools, points


def _gpkg_ready(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(gdf.copy(), geometry=gdf.geometry.name, crs=gdf.crs or CRS_STORAGE)
    out.attrs = {}
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if v is None or isinstance(v, str)
                                    else (None if v != v else str(v)))
        elif isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].astype(object)
    return out


def to_geopackage(
    communes: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame | None,
    douars: pd.DataFrame | None,
) -> bytes:
    """Encode the view as a GeoPackage with layers ``communes``, ``schools`` and ``douars``.

    Parameters
    ----------
    communes
        Commune polygons with their indicators.
    schools
        School registry rows (points; schools without coordinates are kept
        with an empty geometry). ``None`` or empty writes an empty layer.
    douars
        Douar rows, either points or the plain table with ``lon``/``lat``.

    Returns
    -------
    bytes
        The ``.gpkg`` file (EPSG:4326), readable by QGIS and geopandas.
    """
    layers: dict[str, gpd.GeoDataFrame] = {"communes": _gpkg_ready(communes)}
    if schools is None:
        schools = gpd.GeoDataFrame({"school_id": pd.Series(dtype=str)},
                                   geometry=gpd.GeoSeries([], crs=CRS_STORAGE))
    layers["schools"] = _gpkg_ready(schools.to_crs(CRS_STORAGE) if schools.crs else schools)
    if douars is None:
        douars = pd.DataFrame({"code": pd.Series(dtype=str), "lon": [], "lat": []})
    if not isinstance(douars, gpd.GeoDataFrame):
        douars = douar_points(douars)
    layers["douars"] = _gpkg_ready(douars)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        for name, gdf in layers.items():
            geometry_type = "Point" if name != "communes" else None
            try:
                gdf.to_file(path, layer=name, driver="GPKG", engine="pyogrio",
                            geometry_type=geometry_type if len(gdf) == 0 or
                            gdf.geometry.isna().any() else None)
            except Exception as exc:  # pyogrio raises several types
                raise MappingError(f"cannot write GeoPackage layer {name!r}: {exc}") from exc
        return path.read_bytes()


def offline_html(m: folium.Map) -> bytes:
    """Render a folium map as one standalone HTML file that works offline.

    Leaflet and Leaflet.markercluster are inlined from the xstatic packages by
    :func:`mapping.web.assets.inline_assets`; CDN references are removed.

    Raises
    ------
    mapping.web.assets.OfflineAssetError
        If the map needs a remote asset that has no local copy.
    """
    from mapping.web.assets import inline_assets

    html = m.get_root().render()
    return inline_assets(html).encode("utf-8")


def table_columns(table: pd.DataFrame) -> list[str]:
    """Columns worth exporting: identification first, then every catalogue indicator."""
    ident = ["code", "name_fr", "name_ar", "type", "province_code", "province_fr",
             "province_ar", "cercle_code", "area_km2"]
    cat = catalogue()
    cols = [c for c in ident if c in table.columns]
    cols += [c for c in cat if c in table.columns and c not in cols]
    if "geometry" in table.columns:
        cols.append("geometry")
    return cols


def export_table(
    region: Region,
    table: gpd.GeoDataFrame,
    selection: Selection | None,
    fmt: str,
    *,
    registry: gpd.GeoDataFrame | None = None,
    lang: str = "fr",
) -> bytes:
    """Export the filtered commune table as ``csv``, ``xlsx`` or ``gpkg`` bytes.

    Raises
    ------
    MappingError
        On an unknown format or an empty selection.
    """
    communes, schools, douars = filtered_view(table, selection, registry=registry,
                                              douars=region.douars)
    if communes.empty:
        raise MappingError(t("export.empty_selection", lang))
    communes = communes[table_columns(communes)]
    if fmt == "csv":
        return to_csv(communes)
    if fmt == "xlsx":
        return to_xlsx(communes, sources_table(list(communes.columns), lang, registry),
                       lang=lang)
    if fmt == "gpkg":
        return to_geopackage(communes, schools, douars)
    raise MappingError(f"unknown table format {fmt!r}; use csv, xlsx or gpkg")


__all__ = [
    "douar_points", "export_table", "filtered_view", "offline_html", "sources_table",
    "table_columns", "to_csv", "to_geopackage", "to_xlsx",
]
