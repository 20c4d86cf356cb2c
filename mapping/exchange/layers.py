"""Imported HCP indicator layers: where they are kept, which one is current, its theme.

``python -m mapping exchange import`` of an HCP package writes a versioned
layer, ``<version>.csv`` (one row per commune) and ``<version>.json`` (its
provenance and indicators), into :func:`layers_dir`, the ``indicators``
folder of the store folder (``$CARTE_SCOLAIRE_STORE_DIR``, default
``<project>/var``).

The catalogue's ``exchange`` theme (:mod:`mapping.themes`) holds the
indicators of the **current** layer: the one of the newest package (its
``created`` time, then the import time). Older layers stay on disk, for the
record; they are not mapped, so an indicator id (``hcp_<column>``) always
means "HCP's latest delivery" and a copied link keeps working after the next
delivery. With no layer imported the theme is empty and the catalogue is
exactly the project's own.

Reading is cheap on every rerun: the folder is listed (one ``stat`` per file)
and the layer is parsed again only when the folder's newest modification time
or its file count changes (:func:`folder_stamp`).

This module imports nothing that builds on the catalogue, so
:mod:`mapping.themes` may import it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, overload

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.errors import MappingError
from mapping.store.settings import store_dir

#: Folder of the imported layers inside the store folder.
LAYERS_FOLDER: Final = "indicators"
#: Selector group of the imported indicators.
GROUP: Final = "exchange"

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndicatorLayer:
    """A versioned layer of HCP indicators by commune, with its provenance.

    Attributes
    ----------
    version
        ``hcp-<period>-<created>``: a new package gives a new version.
    table
        One row per commune: ``code`` and one column per indicator
        (``hcp_<indicator>``).
    indicators
        Catalogue records of the columns; their ``source`` and ``note`` name the
        package (:func:`layer_source`, :func:`layer_note`).
    provenance
        ``producer``, ``period``, ``created``, ``schema_version``, ``sha256``,
        ``package`` (file name), ``title``, and ``imported`` (UTC, ISO 8601)
        once saved.
    """

    version: str
    table: pd.DataFrame
    indicators: tuple[Indicator, ...]
    provenance: dict[str, str]


def layers_dir() -> Path:
    """Folder of the imported HCP layers: ``<store folder>/indicators``."""
    return store_dir() / LAYERS_FOLDER


def _day(stamp: str) -> str:
    return stamp[:10] if len(stamp) >= 10 else stamp


def layer_source(provenance: dict[str, str]) -> str:
    """The ``source`` of an imported indicator, in French as the catalogue writes sources.

    Examples
    --------
    >>> layer_source({"period": "RGPH 2024", "created": "2026-12-01",
    ...               "imported": "2026-12-07T09:00:00Z"})
    'HCP, RGPH 2024, paquet de livraison du 2026-12-01, importé le 2026-12-07'
    """
    text = (f"HCP, {provenance.get('period', '')}, paquet de livraison du "
            f"{provenance.get('created', '')}")
    digest = provenance.get("sha256", "")
    if digest:
        text += f" (sha256 {digest[:12]})"
    imported = provenance.get("imported", "")
    return text + (f", importé le {_day(imported)}" if imported else "")


def layer_note(provenance: dict[str, str]) -> dict[str, str]:
    """The provenance of an imported indicator in French, Arabic and English.

    The printed map writes an indicator's note in its footer, the exports in
    their sources sheet.
    """
    period, created = provenance.get("period", ""), provenance.get("created", "")
    version = provenance.get("schema_version", "")
    imported = _day(provenance.get("imported", ""))
    fr = f"HCP, {period}, paquet de livraison du {created} (format {version})"
    ar = f"المندوبية السامية للتخطيط، {period}، حزمة التسليم بتاريخ {created} (الصيغة {version})"
    en = f"HCP, {period}, delivery package {created} (format {version})"
    if imported:
        fr += f", importé le {imported}"
        ar += f"، استوردت في {imported}"
        en += f", imported {imported}"
    return {"fr": fr + ".", "ar": ar + ".", "en": en + "."}


def with_provenance(indicators: Sequence[Indicator],
                    provenance: dict[str, str]) -> tuple[Indicator, ...]:
    """*indicators* with the ``source`` and ``note`` of *provenance*."""
    from dataclasses import replace

    source, note = layer_source(provenance), layer_note(provenance)
    return tuple(replace(ind, source=source, note=note) for ind in indicators)


def _indicator(record: dict[str, Any]) -> Indicator:
    label = record["label"]
    if not isinstance(label, dict) or not all(isinstance(label.get(k), str)
                                               for k in ("fr", "ar", "en")):
        raise ValueError("indicator label must give fr, ar and en")
    return Indicator(
        id=str(record["id"]), label={k: str(v) for k, v in label.items()},
        unit=str(record["unit"]), source=str(record.get("source", "")),
        year=int(record["year"]), higher_is_better=record.get("higher_is_better"),
        theme=GROUP, estimated=bool(record.get("estimated", False)),
        decimals=int(record.get("decimals", 1)))


def load_layer(path: Path) -> IndicatorLayer:
    """Read the layer saved as *path* (``<version>.json``, beside ``<version>.csv``).

    Raises
    ------
    MappingError
        When either file is missing or unreadable, naming the file and what to do.
    """
    table_path = path.with_suffix(".csv")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        provenance = {str(k): str(v) for k, v in meta["provenance"].items()}
        if "imported" not in provenance:  # saved before import times were written
            stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
            provenance["imported"] = stamp.isoformat().replace("+00:00", "Z")
        indicators = with_provenance([_indicator(r) for r in meta["indicators"]], provenance)
        table = pd.read_csv(table_path, dtype={"code": str}, encoding="utf-8-sig")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise MappingError(
            f"imported indicator layer {path.name} in {path.parent} cannot be read "
            f"({type(exc).__name__}: {exc}); import its HCP package again with "
            "`python -m mapping exchange import`, or delete the layer's .json and .csv") from exc
    missing = [i.id for i in indicators if i.id not in table.columns]
    if "code" not in table.columns or missing:
        raise MappingError(f"imported indicator layer {table_path} lacks column(s) "
                           f"{', '.join(['code'] * ('code' not in table.columns) + missing)}; "
                           "import its HCP package again")
    version = str(meta.get("version") or path.stem)
    return IndicatorLayer(version, table[["code", *(i.id for i in indicators)]], indicators,
                          provenance)


def folder_stamp(folder: Path) -> tuple[int, int]:
    """``(file count, newest modification time in ns)`` of *folder*; ``(0, 0)`` if absent.

    One ``stat`` per file: a rerun that finds the same stamp reuses the parsed layer.
    """
    try:
        newest = os.stat(folder).st_mtime_ns
        count = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith((".json", ".csv")):
                    count += 1
                    newest = max(newest, entry.stat().st_mtime_ns)
    except (FileNotFoundError, NotADirectoryError):
        return (0, 0)
    return (count, newest)


def _order(layer: IndicatorLayer) -> tuple[str, str, str]:
    prov = layer.provenance
    return (prov.get("created", ""), prov.get("imported", ""), layer.version)


def read_layers(folder: Path) -> list[IndicatorLayer]:
    """Every readable layer of *folder*, oldest package first.

    A layer that cannot be read is left out and logged (the catalogue keeps
    working); :func:`load_layer` says why.
    """
    layers = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            layers.append(load_layer(path))
        except MappingError as exc:
            _LOG.warning("%s", exc)
    return sorted(layers, key=_order)


@lru_cache(maxsize=4)
def _current(folder: str, stamp: tuple[int, int]) -> IndicatorLayer | None:
    layers = read_layers(Path(folder))
    return layers[-1] if layers else None


def stamp() -> tuple[str, int, int]:
    """Cache key of the current layer: the layers folder, its file count and newest mtime."""
    folder = layers_dir()
    return (str(folder), *folder_stamp(folder))


def current_layer(folder: Path | None = None) -> IndicatorLayer | None:
    """The layer of the newest imported HCP package, ``None`` when none was imported.

    Parameters
    ----------
    folder
        The layers folder; :func:`layers_dir` when ``None``.
    """
    where = folder or layers_dir()
    return _current(str(where), folder_stamp(where))


class CurrentIndicators(Sequence[Indicator]):
    """The indicators of :func:`current_layer`, read when iterated (a lazy theme list)."""

    def _items(self) -> tuple[Indicator, ...]:
        layer = current_layer()
        return layer.indicators if layer is not None else ()

    @overload
    def __getitem__(self, index: int) -> Indicator: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Indicator]: ...

    def __getitem__(self, index: int | slice) -> Indicator | Sequence[Indicator]:
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items())

    def __repr__(self) -> str:
        return f"CurrentIndicators({[i.id for i in self._items()]})"


#: The ``exchange`` theme's indicators: those of the current layer.
INDICATORS: Final = CurrentIndicators()


def commune_indicators(region: Region, registry: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """The current layer's columns indexed by commune code (no column when none).

    Communes of the region missing from the layer get no value (NaN).
    """
    layer = current_layer()
    if layer is None:
        return pd.DataFrame(index=pd.Index([], name="code"))
    table = layer.table.drop_duplicates("code").set_index("code")
    return table.reindex(region.communes["code"].astype(str).to_numpy())
