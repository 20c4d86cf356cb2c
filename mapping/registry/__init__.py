"""School registries: the default registry, file readers, validation and joins.

Public API
----------
:func:`load_default_registry`
    The embedded default registry (inferred and demo sites, estimated capacities).
:func:`read_registry`
    Read an uploaded file (CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile,
    Ministry list) into a :class:`RegistryImport` with a validation report.
:func:`quality_shares`
    Shares of rows by location and capacity quality, for captions.
"""

from __future__ import annotations

from mapping.registry.default import load_default_registry
from mapping.registry.errors import RegistryError
from mapping.registry.frame import empty_registry, quality_shares, to_registry
from mapping.registry.importer import RegistryImport, format_summary, read_registry
from mapping.registry.limits import MAX_BYTES, Limits

__all__ = [
    "MAX_BYTES",
    "Limits",
    "RegistryError",
    "RegistryImport",
    "empty_registry",
    "format_summary",
    "load_default_registry",
    "quality_shares",
    "read_registry",
    "to_registry",
]
