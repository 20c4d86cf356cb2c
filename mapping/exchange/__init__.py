"""The exchange between the academy (AREF) and HCP: delivery packages, diffs, reconciliation.

Public API
----------
:func:`export_aref`, :func:`export_hcp`
    Build a delivery package (zip, Frictionless Data Package v2).
:func:`validate_package`
    Table Schema + domain checks; a :class:`Receipt`.
:func:`import_aref`, :func:`read_hcp`
    AREF package → a store delivery; HCP package → an :class:`IndicatorLayer`.
:func:`diff_registries`, :func:`apply_diff`
    What changed between two deliveries or two published states.
:func:`reconcile`
    Where AREF's and HCP's figures disagree, commune by commune and cycle.
"""

from __future__ import annotations

from mapping.exchange.diff import DiffOptions, RegistryDiff, apply_diff, diff_registries
from mapping.exchange.errors import PackageError
from mapping.exchange.importer import (
    ExchangeImport,
    IndicatorLayer,
    import_aref,
    package_registry,
    read_hcp,
)
from mapping.exchange.package import PackageMeta, export_aref, export_hcp
from mapping.exchange.validate import Issue, Receipt, open_package, validate_package

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
    "diff_registries",
    "export_aref",
    "export_hcp",
    "import_aref",
    "open_package",
    "package_registry",
    "read_hcp",
    "validate_package",
]
