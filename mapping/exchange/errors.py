"""Errors of the exchange packages: each bad package gets its own code and message."""

from __future__ import annotations

from typing import Final

from mapping.errors import MappingError

#: Codes of the errors that make a whole package unreadable, with what to do.
PACKAGE_ERROR_CODES: Final = (
    "not-a-zip",
    "unsafe-path",
    "zip-bomb",
    "descriptor-missing",
    "descriptor-not-json",
    "descriptor-invalid",
    "unknown-schema-version",
    "unknown-producer",
    "missing-resource",
    "hash-mismatch",
)


class PackageError(MappingError):
    """A delivery package that cannot be read or trusted as a whole.

    Parameters
    ----------
    code
        One of :data:`PACKAGE_ERROR_CODES`.
    message
        What is wrong, where, and what to do.
    resource
        The resource (or zip member) concerned, when known.
    """

    def __init__(self, code: str, message: str, *, resource: str | None = None) -> None:
        self.code = code
        self.detail = message
        self.resource = resource
        super().__init__(f"[{code}] {message}")
