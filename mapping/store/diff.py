"""What publishing a delivery would change in the current registry.

:func:`plan` compares a delivery's schools with the stored ones and returns the
operations publishing applies (create, update, move, close, reopen), each with
the full state before and after; :class:`Preview` summarises them for people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
from pyproj import Geod

from mapping.store.records import COORDS, State, differences, point_of

_GEOD = Geod(ellps="WGS84")
#: Fields whose change, together with the coordinates only, still counts as a move.
_MOVE_FIELDS = frozenset((*COORDS, "commune_code", "location_quality"))


@dataclass(frozen=True)
class Operation:
    """One change publishing applies to one school."""

    operation: str
    school_id: str
    before: State | None
    after: State


@dataclass
class Preview:
    """The changes a delivery would make, for people to read before publishing.

    Attributes
    ----------
    operations
        Every operation, in delivery order (closures last).
    unchanged
        Schools of the delivery identical to the stored ones.
    """

    operations: list[Operation] = field(default_factory=list)
    unchanged: int = 0

    def count(self, operation: str) -> int:
        """How many operations of one kind (``create``, ``update``, ...)."""
        return sum(1 for op in self.operations if op.operation == operation)

    @property
    def counts(self) -> dict[str, int]:
        """Operation → count, plus ``unchanged``."""
        names = ("create", "update", "move", "close", "reopen")
        return {**{n: self.count(n) for n in names}, "unchanged": self.unchanged}

    def table(self) -> pd.DataFrame:
        """One row per changed field: ``school_id, change, field, old, new, distance_m``.

        ``distance_m`` is the move distance (metres, WGS84 ellipsoid) on the
        coordinate rows of moved schools.
        """
        rows: list[dict[str, object]] = []
        for op in self.operations:
            if op.before is None:
                rows.append({"school_id": op.school_id, "change": op.operation,
                             "field": "name_fr", "old": None, "new": op.after.get("name_fr"),
                             "distance_m": None})
                continue
            distance = move_distance(op.before, op.after)
            for name, (old, new) in differences(op.before, op.after).items():
                rows.append({"school_id": op.school_id, "change": op.operation,
                             "field": name, "old": old, "new": new,
                             "distance_m": distance if name in COORDS else None})
        return pd.DataFrame(rows, columns=["school_id", "change", "field", "old", "new",
                                           "distance_m"])


def move_distance(before: Mapping[str, object], after: Mapping[str, object]) -> float | None:
    """Distance in metres between the two states' points (``None`` if one is unknown)."""
    a, b = point_of(before), point_of(after)
    if a is None or b is None or a == b:
        return None
    _, _, metres = _GEOD.inv(a[0], a[1], b[0], b[1])
    return round(float(metres), 1)


def classify(before: State | None, after: State) -> str | None:
    """The operation turning *before* into *after* (``None`` when nothing changes)."""
    if before is None:
        return "create"
    changed = differences(before, after)
    if not changed:
        return None
    if not before.get("active") and after.get("active"):
        return "reopen"
    if before.get("active") and not after.get("active"):
        return "close"
    if any(c in changed for c in COORDS) and set(changed) <= _MOVE_FIELDS:
        return "move"
    return "update"


def plan(current: Mapping[str, State], incoming: Sequence[State], full: bool) -> Preview:
    """The operations that make the registry match a delivery.

    Parameters
    ----------
    current
        School id → stored state (closed schools included, ``active`` false).
    incoming
        The delivery's schools (``active`` true).
    full
        Whether the delivery is a full snapshot: stored active schools it does
        not list are then closed.
    """
    preview = Preview()
    seen: set[str] = set()
    for after in incoming:
        school_id = str(after["school_id"])
        seen.add(school_id)
        before = current.get(school_id)
        operation = classify(before, after)
        if operation is None:
            preview.unchanged += 1
        else:
            preview.operations.append(Operation(operation, school_id, before, after))
    if full:
        for school_id, before in current.items():
            if school_id not in seen and before.get("active"):
                closed = {**before, "active": False}
                preview.operations.append(Operation("close", school_id, before, closed))
    return preview
