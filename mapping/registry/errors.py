"""The exception raised when a registry file cannot be read at all."""

from __future__ import annotations

from mapping.errors import MappingError


class RegistryError(MappingError):
    """A registry file is unreadable as a whole (format, size, encoding, columns).

    Row-level problems never raise: they go to the validation report.
    """
