"""Load a validated delivery package: AREF's registry into the store, HCP's indicators.

An AREF package becomes a draft delivery of kind ``"exchange_package"`` in the
store (:mod:`mapping.store`), with its preview; publishing is a separate step
(or ``publish=True``). An HCP package becomes a versioned
:class:`IndicatorLayer` whose provenance (producer, period, creation time,
format version, SHA-256) travels with every indicator it carries.
Nothing is written unless the package is valid.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.exchange.errors import PackageError
from mapping.exchange.layers import (
    GROUP,
    IndicatorLayer,
    layers_dir,
    load_layer,
    with_provenance,
)
from mapping.exchange.schemas import HCP_INDICATORS
from mapping.exchange.validate import OpenedPackage, Receipt, open_package, validate_package
from mapping.registry.frame import to_registry
from mapping.roles import Actor, require

if TYPE_CHECKING:
    from mapping.store import Preview, Store


def _refuse(receipt: Receipt) -> None:
    if receipt.valid:
        return
    first = receipt.issues[0]
    where = ", ".join(f"{k} {v}" for k, v in (("resource", first.resource), ("row", first.row),
                                              ("field", first.field), ("value", first.value))
                      if v is not None)
    raise PackageError(
        first.code if first.resource is None or first.row is None else "invalid-rows",
        f"{receipt.name} is refused, nothing was loaded: {len(receipt.issues)} error(s); "
        f"first: {first.message}" + (f" ({where})" if where else "")
        + "; run `python -m mapping exchange validate` for the full receipt",
        resource=first.resource,
    )


def package_registry(package: OpenedPackage) -> gpd.GeoDataFrame:
    """The school registry held by an AREF package, as a registry GeoDataFrame."""
    table = package.table("schools")
    meta = package.meta
    return to_registry(table, f"AREF {meta.period} ({meta.created})")


@dataclass(frozen=True)
class ExchangeImport:
    """What importing an AREF package did.

    Attributes
    ----------
    receipt
        The validation receipt.
    delivery_id
        The store delivery created (kind ``"exchange_package"``).
    preview
        What publishing it changes (or changed, when *published*).
    published
        Whether the delivery was published.
    """

    receipt: Receipt
    delivery_id: int
    preview: Preview
    published: bool


def import_aref(store: Store, actor: Actor, path: Path | str, *, publish: bool = False,
                commune_codes: list[str] | None = None) -> ExchangeImport:
    """Validate an AREF package and store it as a full delivery.

    Parameters
    ----------
    store
        The school database (:func:`mapping.store.open_store`).
    actor
        Who imports (role ``edit``; ``publish`` too when *publish*).
    path
        The ``.zip`` package.
    publish
        Publish the delivery at once instead of leaving a draft to review.
    commune_codes
        The region's commune codes; read from ``data/`` when ``None``.

    Raises
    ------
    PermissionDenied
        Before anything is read, when *actor* may not edit (or publish).
    PackageError
        When the package is invalid; the store is untouched.
    """
    require(actor, "edit")
    if publish:
        require(actor, "publish")
    receipt = validate_package(path, commune_codes)
    _refuse(receipt)
    package = open_package(path)
    if package.meta.producer != "aref":
        raise PackageError("unknown-producer", f"{package.name} is an {package.meta.producer} "
                           "package; only AREF packages hold a school registry")
    registry = package_registry(package)
    data = Path(path).read_bytes()
    summary: dict[str, Any] = {"package": vars(package.meta),
                               "counts": [vars(c) for c in receipt.counts]}
    delivery_id = store.create_delivery(
        actor, registry, kind="exchange_package", mode="full", source_name=package.name,
        source_sha256=hashlib.sha256(data).hexdigest(), summary=summary,
        note=f"AREF package {package.meta.period}, format {package.meta.schema_version}")
    preview = store.preview(delivery_id)
    if publish:
        store.publish(actor, delivery_id)
    return ExchangeImport(receipt, delivery_id, preview, publish)


_UNIT = {"person": "people", "child": "children", "percent": "percent"}


def read_hcp(path: Path | str, commune_codes: list[str] | None = None) -> IndicatorLayer:
    """Validate an HCP package and return its indicator layer (not saved yet).

    Raises
    ------
    PackageError
        When the package is invalid or not HCP's.
    """
    receipt = validate_package(path, commune_codes)
    _refuse(receipt)
    package = open_package(path)
    meta = package.meta
    if meta.producer != "hcp":
        raise PackageError("unknown-producer", f"{package.name} is an {meta.producer} package;"
                           " indicator layers come from HCP packages")
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    version = f"hcp-{meta.period}-{meta.created}".lower().replace(" ", "-")
    raw = package.table("indicators")
    table = pd.DataFrame({"code": raw["code"]})
    fields = {f["name"]: f for f in next(r for r in package.descriptor["resources"]
                                         if r.get("name") == "indicators")["schema"]["fields"]}
    indicators = []
    from mapping.indicators import catalogue  # here: the catalogue reads the layers in turn

    known = catalogue()
    year = int(next((p for p in meta.period.split() if p.isdigit()), "0") or 0)
    for name, unit, title in HCP_INDICATORS:
        if name not in raw:
            continue
        column = f"hcp_{name}"
        table[column] = pd.to_numeric(raw[name], errors="coerce")
        label = str(fields.get(name, {}).get("title", title))
        names = {"fr": label, "ar": label, "en": label}
        if name in known:  # the census indicator HCP delivers: its names in every language
            names = {lang: known[name].label_in(lang) for lang in names}
        indicators.append(Indicator(
            id=column, label={"fr": f"{names['fr']} (paquet HCP)",
                              "ar": f"{names['ar']} (حزمة المندوبية)",
                              "en": f"{names['en']} (HCP package)"},
            unit=_UNIT.get(unit, "count"), source="", year=year, higher_is_better=None,
            theme=GROUP, estimated=name.endswith("_est"), decimals=1 if unit == "percent" else 0))
    provenance = {**vars(meta), "sha256": digest, "package": package.name,
                  "title": str(package.descriptor.get("title", ""))}
    return IndicatorLayer(version, table, with_provenance(indicators, provenance), provenance)


def save_layer(layer: IndicatorLayer, folder: Path, *, imported: datetime | None = None) -> Path:
    """Write *layer* as ``<version>.csv`` + ``<version>.json`` (provenance) in *folder*.

    The JSON records the import time (*imported*, now when ``None``); the
    catalogue's ``exchange`` theme then reads the newest package's layer
    (:func:`mapping.exchange.layers.current_layer`).

    Returns
    -------
    pathlib.Path
        The ``.csv`` written.
    """
    from mapping.exports import to_csv

    when = (imported or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    provenance = {**layer.provenance, "imported": when.isoformat().replace("+00:00", "Z")}
    indicators = with_provenance(layer.indicators, provenance)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{layer.version.replace(':', '')}.csv"
    meta = {"version": layer.version, "provenance": provenance,
            "indicators": [{"id": i.id, "label": i.label, "unit": i.unit, "source": i.source,
                            "year": i.year, "estimated": i.estimated, "decimals": i.decimals,
                            "higher_is_better": i.higher_is_better} for i in indicators]}
    # the table first, the JSON last: a reader lists layers by their JSON
    tmp = target.with_suffix(".csv.part")
    tmp.write_bytes(to_csv(layer.table))
    os.replace(tmp, target)
    tmp = target.with_suffix(".json.part")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, target.with_suffix(".json"))
    return target


def import_hcp(path: Path | str, folder: Path | None = None, *,
               commune_codes: list[str] | None = None,
               imported: datetime | None = None) -> tuple[IndicatorLayer, Path]:
    """Validate an HCP package and save it as a new indicator layer.

    Parameters
    ----------
    path
        The ``.zip`` package.
    folder
        The layers folder; :func:`mapping.exchange.layers.layers_dir` when ``None``.
    commune_codes
        The region's commune codes; read from ``data/`` when ``None``.
    imported
        Import time written in the provenance (now when ``None``).

    Returns
    -------
    tuple
        The layer as saved (its indicators' provenance names the import date)
        and the ``.csv`` written.

    Raises
    ------
    PackageError
        When the package is invalid or not HCP's; nothing is written.
    """
    layer = read_hcp(path, commune_codes)
    target = save_layer(layer, folder or layers_dir(), imported=imported)
    return load_layer(target.with_suffix(".json")), target
