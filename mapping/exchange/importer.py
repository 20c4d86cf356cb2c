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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.exchange.errors import PackageError
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
        Catalogue records of the columns, whose ``source`` names the package.
    provenance
        Producer, period, created, format version and the package's SHA-256.
    """

    version: str
    table: pd.DataFrame
    indicators: tuple[Indicator, ...]
    provenance: dict[str, str]


_UNIT = {"person": "people", "child": "children", "percent": "percent"}


def read_hcp(path: Path | str, commune_codes: list[str] | None = None) -> IndicatorLayer:
    """Validate an HCP package and return its indicator layer.

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
    source = f"HCP, package {meta.period} ({meta.created}, sha256 {digest[:12]})"
    raw = package.table("indicators")
    table = pd.DataFrame({"code": raw["code"]})
    fields = {f["name"]: f for f in next(r for r in package.descriptor["resources"]
                                         if r.get("name") == "indicators")["schema"]["fields"]}
    indicators = []
    year = int(next((p for p in meta.period.split() if p.isdigit()), "0") or 0)
    for name, unit, title in HCP_INDICATORS:
        if name not in raw:
            continue
        column = f"hcp_{name}"
        table[column] = pd.to_numeric(raw[name], errors="coerce")
        label = str(fields.get(name, {}).get("title", title))
        indicators.append(Indicator(
            id=column, label={"fr": f"{label} (paquet HCP)", "ar": f"{label} (حزمة HCP)",
                              "en": f"{label} (HCP package)"},
            unit=_UNIT.get(unit, "count"), source=source, year=year, higher_is_better=None,
            theme="exchange", estimated=name.endswith("_est")))
    provenance = {**vars(meta), "sha256": digest, "package": package.name}
    return IndicatorLayer(version, table, tuple(indicators), provenance)


def save_layer(layer: IndicatorLayer, folder: Path) -> Path:
    """Write *layer* as ``<version>.csv`` + ``<version>.json`` (provenance) in *folder*."""
    from mapping.exports import to_csv

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{layer.version.replace(':', '')}.csv"
    target.write_bytes(to_csv(layer.table))
    meta = {"provenance": layer.provenance,
            "indicators": [{"id": i.id, "label": i.label, "unit": i.unit, "source": i.source,
                            "year": i.year, "estimated": i.estimated} for i in layer.indicators]}
    target.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    return target
