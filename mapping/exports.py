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
from mapping.provenance import (
    analysis_note,
    catalogue_source,
    demo_mark,
    has_fictitious,
    registry_name,
    source_label,
)
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
                  registry: pd.DataFrame | None = None, *,
                  readable: bool = False) -> pd.DataFrame:
    """One row per source: general credits, then each catalogue indicator among *columns*.

    Parameters
    ----------
    columns
        Column names of the exported table.
    lang
        Language of the indicator labels.
    registry
        The school registry, whose name and ``source`` values are credited.
    readable
        Write headers and yes/no in *lang* (for people) instead of machine ids.

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
        found = sorted({source_label(s, lang) for s in found})
        name = registry_name(registry.attrs.get("name"), lang)
        rows.append({"column": "", "label": name, "source": "; ".join(found) or name,
                     "year": "", "estimated": "", "note": analysis_note(registry, lang) or ""})
        if has_fictitious(registry):
            rows.append({"column": "", "label": demo_mark(lang), "source": "", "year": "",
                         "estimated": "", "note": ""})
    cat = catalogue()
    for col in columns:
        ind = cat.get(col)
        if ind is None:
            continue
        rows.append({
            "column": ind.id, "label": ind.label_in(lang),
            "source": catalogue_source(ind.source, lang), "year": ind.year,
            "estimated": (t("export.yes" if ind.estimated else "export.no", lang)
                          if readable else ("yes" if ind.estimated else "no")),
            "note": ind.note.get(lang) or ind.note.get("fr", ""),
        })
    out = pd.DataFrame(rows)
    if readable:
        out.columns = pd.Index([t(f"export.src.{c}", lang) for c in out.columns])
    return out


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


def sheets_to_xlsx(sheets: Mapping[str, pd.DataFrame], *, lang: str = "fr") -> bytes:
    """Encode several tables as one workbook, a sheet each, formula cells neutralised.

    Parameters
    ----------
    sheets
        Sheet name (cut to Excel's 31 characters) → table.
    lang
        Sets the sheets right to left for Arabic.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _plain(frame).to_excel(writer, sheet_name=name[:31], index=False)
        for ws in writer.book.worksheets:
            ws.freeze_panes = "A2"
            if lang == "ar":
                ws.sheet_view.rightToLeft = True
    return buf.getvalue()


#: Identification columns of the commune table and their header message.
IDENT_HEADERS = {
    "code": "export.col.code", "name_fr": "export.col.name_fr", "name_ar": "export.col.name_ar",
    "type": "export.col.type", "province_code": "export.col.province_code",
    "province_fr": "export.col.province_fr", "province_ar": "export.col.province_ar",
    "cercle_code": "export.col.cercle_code", "area_km2": "export.col.area_km2",
}
#: Columns holding codes, written as text (a spreadsheet reads ``07.161`` as 7.161).
CODE_COLUMNS = ("code", "province_code", "cercle_code", "commune_code", "school_id",
                "parent_id", "douar_code")


def column_header(column: str, lang: str) -> str:
    """Readable header of an exported column: label and unit in *lang*."""
    if column in IDENT_HEADERS:
        return t(IDENT_HEADERS[column], lang)
    ind = catalogue().get(column)
    if ind is None:
        return column
    label, unit = ind.label_in(lang), ind.unit_in(lang)
    if ind.year != 2024 and str(ind.year) not in label:
        label += f" ({ind.year})"
    if ind.estimated:
        label += f" ({t('app.estimated', lang)})"
    return f"{label} [{unit}]" if unit else label


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """*table* with indicator values rounded (counts to units, others to one decimal
    more than the catalogue shows) and code columns as text."""
    out = pd.DataFrame(table).copy()
    cat = catalogue()
    for col in out.columns:
        if col in CODE_COLUMNS:
            out[col] = out[col].map(lambda v: None if v is None or v != v else str(v))
            continue
        ind = cat.get(col)
        if ind is not None and pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].round(ind.decimals + 1 if ind.decimals > 0 else 0)
        elif col == "area_km2" and pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].round(2)
    return out


def readable_csv(table: pd.DataFrame, lang: str) -> bytes:
    """CSV for people: a first header row of labels and units in *lang*, a second row
    of the machine column ids, rounded values, codes as quoted text.

    Written through :func:`to_csv` (formula neutralisation, UTF-8 with BOM).
    """
    data = rounded(table)
    ids = [c for c in data.columns if not isinstance(data[c].dtype, gpd.array.GeometryDtype)]
    data = data[ids]
    machine = pd.DataFrame([ids], columns=ids)
    body = pd.concat([machine, data.astype(object)], ignore_index=True)
    body.columns = pd.Index([column_header(c, lang) for c in ids])
    return to_csv(body)


def readable_xlsx(table: pd.DataFrame, sources: pd.DataFrame, lang: str) -> bytes:
    """XLSX for people: readable headers, rounded values, code cells as text, a sheet
    listing each header's machine id, label and unit, and the sources sheet."""
    from openpyxl import load_workbook

    data = rounded(table)
    ids = [c for c in data.columns if not isinstance(data[c].dtype, gpd.array.GeometryDtype)]
    data = data[ids]
    cat = catalogue()
    columns = pd.DataFrame({
        t("export.col.header", lang): [column_header(c, lang) for c in ids],
        t("export.col.id", lang): ids,
        t("export.col.unit", lang): [cat[c].unit_in(lang) if c in cat else "" for c in ids],
    })
    readable = data.copy()
    readable.columns = pd.Index([column_header(c, lang) for c in ids])
    raw = to_xlsx(readable, sources, lang=lang, sheet=t("export.sheet_data", lang))
    wb = load_workbook(io.BytesIO(raw))
    ws = wb.worksheets[0]
    for j, col in enumerate(ids, start=1):
        if col in CODE_COLUMNS:
            for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                for cell in row:
                    cell.number_format = "@"
    sheet = wb.create_sheet(t("export.sheet_columns", lang)[:31])
    frame = _plain(columns)
    sheet.append(list(frame.columns))
    for rec in frame.itertuples(index=False):
        sheet.append(list(rec))
    if lang == "ar":
        sheet.sheet_view.rightToLeft = True
    buf = io.BytesIO()
    wb.save(buf)
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
    *,
    split_unlocated: bool = False,
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

    split_unlocated
        Put douars without coordinates in a table of their own
        (``douars_without_location``, no geometry), so the ``douars`` point
        layer holds only located douars.

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
    unlocated: pd.DataFrame | None = None
    if split_unlocated:
        has = douars.geometry.notna() & ~douars.geometry.is_empty
        unlocated = pd.DataFrame(douars.loc[~has.to_numpy()]).drop(
            columns=[douars.geometry.name, "lon", "lat"], errors="ignore")
        douars = douars.loc[has.to_numpy()]
    layers["douars"] = _gpkg_ready(douars)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        if unlocated is not None:
            import pyogrio

            table = unlocated.reset_index(drop=True)
            for col in table.columns:
                if table[col].dtype == object or isinstance(table[col].dtype, pd.StringDtype):
                    table[col] = table[col].map(lambda v: None if v is None or v != v
                                                else str(v)).astype(object)
            pyogrio.write_dataframe(table, path, layer="douars_without_location",
                                    driver="GPKG")
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
    readable: bool = False,
) -> bytes:
    """Export the filtered commune table as ``csv``, ``xlsx`` or ``gpkg`` bytes.

    With *readable* (the app's downloads), CSV and XLSX have headers in *lang*
    (label and unit; machine ids in a second header row or a sheet), rounded
    values and codes as text, and the GeoPackage keeps douars without
    coordinates in a table of their own. Without it, columns keep their
    machine ids (for scripts).

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
        return readable_csv(communes, lang) if readable else to_csv(communes)
    if fmt == "xlsx":
        sources = sources_table(list(communes.columns), lang, registry, readable=readable)
        if readable:
            return readable_xlsx(communes, sources, lang)
        return to_xlsx(communes, sources, lang=lang)
    if fmt == "gpkg":
        if readable:
            communes = gpd.GeoDataFrame(rounded(communes), geometry=communes.geometry.name,
                                        crs=communes.crs)
        return to_geopackage(communes, schools, douars, split_unlocated=readable)
    raise MappingError(f"unknown table format {fmt!r}; use csv, xlsx or gpkg")


__all__ = [
    "column_header", "douar_points", "export_table", "filtered_view", "offline_html",
    "readable_csv", "readable_xlsx", "rounded", "sources_table", "table_columns", "to_csv",
    "to_geopackage", "to_xlsx",
]
