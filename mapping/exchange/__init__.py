"""The exchange between the academy (AREF) and HCP: delivery packages, diffs, reconciliation.

Public API
----------
:func:`export_aref`, :func:`export_hcp`
    Build a delivery package (zip, Frictionless Data Package v2).
:func:`validate_package`
    Table Schema + domain checks; a :class:`Receipt`.
:func:`import_aref`, :func:`import_hcp`, :func:`read_hcp`
    AREF package → a store delivery; HCP package → a saved, versioned
    :class:`IndicatorLayer` (:func:`read_hcp` reads it without saving).
:func:`current_layer`, :func:`layers_dir`
    The layer of the newest imported HCP package, the catalogue's ``exchange``
    theme (:mod:`mapping.exchange.layers`).
:func:`diff_registries`, :func:`apply_diff`
    What changed between two deliveries or two published states.
:func:`reconcile`
    Where AREF's and HCP's figures disagree, commune by commune and cycle.

The names are imported on first use, so that :mod:`mapping.themes` can read
the imported layers (:mod:`mapping.exchange.layers`) without loading the
package machinery (frictionless) nor importing the catalogue back.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mapping.exchange.diff import DiffOptions, RegistryDiff, apply_diff, diff_registries
    from mapping.exchange.errors import PackageError
    from mapping.exchange.importer import (
        ExchangeImport,
        import_aref,
        import_hcp,
        package_registry,
        read_hcp,
    )
    from mapping.exchange.layers import IndicatorLayer, current_layer, layers_dir
    from mapping.exchange.package import PackageMeta, export_aref, export_hcp
    from mapping.exchange.reconcile import reconcile
    from mapping.exchange.validate import Issue, Receipt, open_package, validate_package

_WHERE = {
    "DiffOptions": "diff", "RegistryDiff": "diff", "apply_diff": "diff",
    "diff_registries": "diff", "PackageError": "errors", "ExchangeImport": "importer",
    "import_aref": "importer", "import_hcp": "importer", "package_registry": "importer",
    "read_hcp": "importer", "IndicatorLayer": "layers", "current_layer": "layers",
    "layers_dir": "layers", "PackageMeta": "package", "export_aref": "package",
    "export_hcp": "package", "reconcile": "reconcile", "Issue": "validate",
    "Receipt": "validate", "open_package": "validate", "validate_package": "validate",
}

__all__ = [
    "DiffOptions",
    "ExchangeImport",
    "IndicatorLayer",
    "Issue",
    "PackageError",
    "PackageMeta",
    "Receipt",
    "RegistryDiff",
    "apply_diff",
    "current_layer",
    "diff_registries",
    "export_aref",
    "export_hcp",
    "import_aref",
    "import_hcp",
    "layers_dir",
    "open_package",
    "package_registry",
    "read_hcp",
    "reconcile",
    "validate_package",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mapping.exchange' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"mapping.exchange.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
