"""What a rerun sends to the map: per-commune styles, legends, point layers.

Everything here is plain data (JSON-ready dicts and lists) aligned on the
commune order of the published geometry (:class:`ui.mapview.geometry.GeometryAsset`);
the browser joins it to the shapes it already holds. Text (names, labels,
popups) travels as plain strings and the browser inserts it with
``textContent``, so untrusted school names cannot become markup. Legends are
HTML built by :mod:`mapping.web.legend`, which escapes every piece of data.

Large point layers are written once to a content-hashed static file (see
:func:`publish_layer`); a rerun then sends only their URL. This module does
not import Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapping.catalogue import Indicator
from mapping.classify import NO_DATA_COLOR, Classification
from mapping.i18n import is_rtl, t
from ui.mapview.geometry import GeometryAsset, publish_bytes

#: Point layers whose JSON exceeds this many bytes are served as static files.
INLINE_LIMIT = 12_000
#: Flags of a commune in ``communes["f"]``.
FLAG_NODATA = 1
FLAG_DASHED = 2


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest_of(obj: object) -> str:
    """Short SHA-256 of the compact JSON of *obj* (the browser skips unchanged parts)."""
    return hashlib.sha256(_dumps(obj)).hexdigest()[:16]


def commune_styles(
    geometry: GeometryAsset,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    *,
    title: str = "",
    flags: Mapping[str, int] | None = None,
    ranks: Mapping[str, int] | None = None,
    rank_template: str = "",
) -> dict[str, Any]:
    """Per-commune fill, flag and label, in the geometry's order.

    Parameters
    ----------
    geometry
        The published geometry (its ``codes`` fix the order).
    colors
        Fill colour of each shown commune, by code; communes absent are hidden
        (the province filter).
    labels
        Plain-text tooltip line(s) of each commune, by code (``\\n`` separates lines).
    title
        First tooltip line common to all communes (e.g. the indicator's label).
    flags
        :data:`FLAG_NODATA` (hatched, dashed outline) or :data:`FLAG_DASHED`
        (assumed value) by code.
    ranks, rank_template
        A rank per commune and the tooltip line showing it, with ``{rank}`` where
        the number goes (sent once rather than 251 times).

    Returns
    -------
    dict
        ``{"key", "title", "palette", "c", "l", "f", "rk", "rank"}``: ``c[i]`` indexes
        ``palette`` (``-1`` hidden), ``l[i]`` is the label, ``f[i]`` the flags,
        ``rk[i]`` the rank (0 for none).
    """
    palette: list[str] = []
    index: dict[str, int] = {}
    cls: list[int] = []
    lab: list[str] = []
    flg: list[int] = []
    rk: list[int] = []
    flags = flags or {}
    ranks = ranks or {}
    for code in geometry.codes:
        color = colors.get(code)
        if color is None:
            cls.append(-1)
            lab.append("")
            flg.append(0)
            rk.append(0)
            continue
        rk.append(int(ranks.get(code, 0)))
        if color not in index:
            index[color] = len(palette)
            palette.append(color)
        cls.append(index[color])
        lab.append(labels.get(code, ""))
        flg.append(int(flags.get(code, 0)))
    out: dict[str, Any] = {"title": title, "palette": palette, "c": cls, "l": lab, "f": flg}
    if any(rk):
        out["rk"] = rk
        out["rank"] = rank_template
    out["key"] = digest_of(out)
    return out


def choropleth_styles(
    geometry: GeometryAsset,
    codes: Sequence[str],
    values: Sequence[float],
    indicator: Indicator,
    classification: Classification,
    lang: str,
    *,
    ranks: pd.Series | None = None,
    region_size: int | None = None,
) -> dict[str, Any]:
    """:func:`commune_styles` of an indicator choropleth (value and regional rank in the tooltip).

    Parameters
    ----------
    codes, values
        The shown communes and their indicator values, in the classification's order.
    ranks
        Rank of each commune in the region (index = code); computed within
        *values* when omitted.
    region_size
        The ``n`` of "rank r / n".
    """
    if len(codes) != len(classification.classes) or len(values) != len(codes):
        raise ValueError(
            f"{len(codes)} codes, {len(values)} values and {len(classification.classes)} "
            "classes: one value and one class per shown commune are needed"
        )
    vals = pd.to_numeric(pd.Series(list(values)), errors="coerce")
    if ranks is None:
        ranks = pd.Series(vals.rank(ascending=False, method="min").to_numpy(), index=list(codes))
        region_size = int(vals.notna().sum())
    n_ranked = region_size if region_size is not None else int(ranks.notna().sum())
    colors: dict[str, str] = {}
    labels: dict[str, str] = {}
    flags: dict[str, int] = {}
    rank_of: dict[str, int] = {}
    for i, code in enumerate(codes):
        c = int(classification.classes[i])
        colors[code] = NO_DATA_COLOR if c < 0 else classification.colors[c]
        labels[code] = indicator.format(
            None if math.isnan(vals.iloc[i]) else float(vals.iloc[i]), lang)
        rank = ranks.get(code, np.nan)
        if not pd.isna(rank):
            rank_of[code] = int(rank)
        if c < 0:
            flags[code] = FLAG_NODATA
    template = t("map.rank", lang, rank="{rank}", n=n_ranked)
    return commune_styles(geometry, colors, labels, title=indicator.label_in(lang), flags=flags,
                          ranks=rank_of, rank_template=template)


#: Marks a point style can draw (see :mod:`mapping.provenance`).
MARKS = ("circle", "hatched", "cross")


@dataclass(frozen=True)
class PointStyle:
    """Look of a group of points.

    Attributes
    ----------
    color
        Stroke colour.
    fill
        Fill colour (``None`` = hollow).
    weight
        Stroke width in pixels.
    mark
        ``"circle"`` (plain), ``"hatched"`` (hatched fill, dashed outline: an
        inferred site) or ``"cross"`` (cross-hatched fill, dotted outline:
        fictitious), as :func:`mapping.provenance.mark_style` says.
    fill_opacity
        Opacity of the fill (``None``: the browser's default, 0.9).
    dash
        Outline dash pattern in pixels (``"3 2"``), ``""`` for a solid line.
    """

    color: str
    fill: str | None = None
    weight: float = 1.5
    mark: str = "circle"
    fill_opacity: float | None = None
    dash: str = ""

    def __post_init__(self) -> None:
        if self.mark not in MARKS:
            raise ValueError(f"point style: unknown mark {self.mark!r}; use one of "
                             f"{', '.join(MARKS)}")

    def body(self) -> dict[str, Any]:
        """The style as the browser reads it (``m``, ``o``, ``d`` only when not plain)."""
        out: dict[str, Any] = {"c": self.color, "f": self.fill, "w": self.weight}
        if self.mark != "circle":
            out["m"] = self.mark
        if self.fill_opacity is not None:
            out["o"] = round(float(self.fill_opacity), 3)
        if self.dash:
            out["d"] = [float(v) for v in self.dash.replace(",", " ").split()]
        return out


@dataclass(frozen=True)
class PointLayer:
    """Points drawn on the map's canvas (schools, douars, scenario sites).

    Attributes
    ----------
    id
        Stable identifier (the layer switch and the returned state use it).
    name
        Name in the layer switch (plain text).
    lon, lat
        Coordinates, EPSG:4326.
    style
        Index into *styles* of each point.
    styles
        The distinct looks.
    radius
        Radius in pixels of each point (one value for all when a single number).
    fields
        Popup row labels (plain text; ``""`` for a row without label, drawn bold).
    values
        Popup values of each point, one string per field (plain text, may be
        untrusted: the browser inserts it as text, never as HTML).
    visible
        Whether the layer is switched on at first.
    """

    id: str
    name: str
    lon: Sequence[float]
    lat: Sequence[float]
    style: Sequence[int]
    styles: Sequence[PointStyle]
    radius: Sequence[float] | float = 4.0
    fields: Sequence[str] = ()
    values: Sequence[Sequence[str]] = ()
    visible: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.lon)
        bad = [name for name, seq in (("lat", self.lat), ("style", self.style)) if len(seq) != n]
        if not isinstance(self.radius, (int, float)) and len(self.radius) != n:
            bad.append("radius")
        if self.values and len(self.values) != n:
            bad.append("values")
        if bad:
            raise ValueError(f"point layer {self.id!r}: {bad} must have {n} items, one per point")
        if n and (min(self.style) < 0 or max(self.style) >= len(self.styles)):
            last = len(self.styles) - 1
            raise ValueError(f"point layer {self.id!r}: a style index is outside 0..{last}")

    def body(self) -> dict[str, Any]:
        """The JSON body of the layer (what the browser draws)."""
        radius: list[float] | float
        if isinstance(self.radius, (int, float)):
            radius = float(self.radius)
        else:
            radius = [round(float(r), 1) for r in self.radius]
        return {
            "x": [round(float(v), 5) for v in self.lon],
            "y": [round(float(v), 5) for v in self.lat],
            "s": [int(v) for v in self.style],
            "st": [s.body() for s in self.styles],
            "r": radius,
            "fields": list(self.fields),
            "vals": [list(v) for v in self.values],
        }


def publish_layer(
    layer: PointLayer, static_dir: Path, url_prefix: str = "/app/static"
) -> dict[str, Any]:
    """The layer as the rerun sends it: inline when small, else a content-hashed URL.

    Returns
    -------
    dict
        ``{"id", "name", "key", "visible", "count"}`` plus ``"inline"`` (the body)
        or ``"url"``.
    """
    body = layer.body()
    data = _dumps(body)
    key = hashlib.sha256(data).hexdigest()[:16]
    out: dict[str, Any] = {"id": layer.id, "name": layer.name, "key": key,
                           "visible": layer.visible, "count": len(layer.lon)}
    if len(data) <= INLINE_LIMIT:
        out["inline"] = body
    else:
        url, _path, _digest = publish_bytes(data, static_dir, url_prefix,
                                            f"points-{_slug(layer.id)}")
        out["url"] = url
    return out


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)[:32] or "layer"


@dataclass(frozen=True)
class LegendBox:
    """A legend: HTML already escaped (from :mod:`mapping.web.legend`), its corner, its class.

    ``css_class`` is ``"cs-legend"`` for legends, ``"cs-demo"`` for the
    "demonstration data" mark (:func:`mapping.web.schools.demo_mark_html`).
    """

    html: str
    position: str = "bottomright"
    css_class: str = "cs-legend"


def mirror(position: str, lang: str) -> str:
    """*position* mirrored left/right in a right-to-left language."""
    if not is_rtl(lang):
        return position
    return position.replace("right", "\0").replace("left", "right").replace("\0", "left")


def map_data(
    geometry: GeometryAsset,
    communes: Mapping[str, Any],
    lang: str,
    *,
    legends: Sequence[LegendBox] = (),
    layers: Sequence[Mapping[str, Any]] = (),
    fit: Sequence[float] | None = None,
    selected: str | None = None,
    click_mode: str | None = None,
    show_provinces: bool = True,
    assets: str = "/app/static/vendor",
    height: int = 620,
    texts: Mapping[str, str] | None = None,
    report_view: bool = False,
) -> dict[str, Any]:
    """The whole ``data`` of one rerun of the map component.

    Parameters
    ----------
    geometry
        The published geometry (only its URL travels).
    communes
        :func:`commune_styles` / :func:`choropleth_styles` output.
    lang
        Interface language: names shown first, right-to-left mirroring.
    legends
        Legend boxes (mirrored left/right in Arabic).
    layers
        :func:`publish_layer` outputs, drawn in order (last on top).
    fit
        Bounds to fit when they change (e.g. the filtered communes), or ``None``
        for the whole geometry.
    selected
        Code of the highlighted commune.
    click_mode
        ``"add"`` for "click the map to add a school here" (crosshair cursor,
        clicks report ``map_click``, point popups off); ``"locate"``: every click
        reports ``map_click`` and point popups still open; ``None``: clicks on a
        commune report ``commune_click``.
    show_provinces
        Whether to draw province outlines.
    assets
        URL prefix of the vendored Leaflet files.
    height
        Map height in pixels.
    texts
        Interface strings of the map (layer switch title and the like).
    report_view
        Whether a pan or zoom by the user comes back as the ``view`` state (one
        rerun of the fragment per gesture, after 0.4 s of stillness).
    """
    rtl = is_rtl(lang)
    return {
        "geometry": geometry.url,
        "assets": assets.rstrip("/"),
        "lang": lang,
        "rtl": rtl,
        "height": int(height),
        "communes": dict(communes),
        "legends": [{"html": b.html, "position": mirror(b.position, lang), "cls": b.css_class}
                    for b in legends],
        "layers": [dict(layer) for layer in layers],
        "fit": [round(float(v), 4) for v in (fit if fit is not None else geometry.bounds)],
        "selected": selected,
        "click_mode": click_mode,
        "provinces": bool(show_provinces),
        "texts": dict(texts or {}),
        "report_view": bool(report_view),
    }


def payload_size(data: Mapping[str, Any]) -> int:
    """Bytes of *data* as compact JSON (what one rerun sends, before compression)."""
    return len(_dumps(dict(data)))
