"""Errors of the school database, each with what to do next."""

from __future__ import annotations

from collections.abc import Mapping

from mapping.errors import MappingError


class StoreError(MappingError):
    """The school database refused an operation (bad input, unknown school...)."""


class StoreBusy(StoreError):
    """Another writer held the database longer than the bounded wait."""


class EditRejected(StoreError):
    """An edit breaks the importer's validation rules."""


class EditConflict(StoreError):
    """An edit was made on a stale version of a school.

    Attributes
    ----------
    school_id
        The school edited.
    expected_version, current_version
        The version the editor saw and the version now stored.
    changed
        Field → ``(value the editor saw, value now stored)`` for every field
        the other person(s) changed since.
    by
        Account that made the latest change.
    """

    def __init__(
        self,
        school_id: str,
        expected_version: int,
        current_version: int,
        changed: Mapping[str, tuple[object, object]],
        by: str | None,
    ) -> None:
        self.school_id = school_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed = dict(changed)
        self.by = by
        detail = "; ".join(f"{k}: {a!r} → {b!r}" for k, (a, b) in self.changed.items())
        super().__init__(
            f"school {school_id!r} was changed by {by or 'someone else'} since you opened it "
            f"(version {expected_version} → {current_version}"
            + (f": {detail}" if detail else "")
            + "); nothing was saved — reload the school and apply your change again"
        )
