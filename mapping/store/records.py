"""School states: the registry columns of one school as a plain dict.

A *state* maps every :data:`~mapping.schema.REGISTRY_COLUMNS` name to a value
(text ``str`` or ``None``, numbers ``float`` or ``None``) plus ``active``
(``False`` once closed). It is what the change log stores as JSON, before and
after each change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.registry import to_registry
from mapping.schema import REGISTRY_COLUMNS
from mapping.store.models import NUMERIC

State = dict[str, Any]

#: Coordinate fields (a change of these alone is a move).
COORDS = ("lon", "lat")


def clean(name: str, value: object) -> object:
    """The stored form of one field value (``None`` for blanks and NaN)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if name in NUMERIC:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def make_state(values: Mapping[str, object], active: bool = True) -> State:
    """A full state from *values* (missing fields are ``None``)."""
    state: State = {name: clean(name, values.get(name)) for name in REGISTRY_COLUMNS}
    state["active"] = bool(active)
    return state


def states_of(registry: pd.DataFrame) -> list[State]:
    """One state per row of a registry frame."""
    columns = [c for c in REGISTRY_COLUMNS if c in registry.columns]
    records = registry[columns].to_dict("records")
    return [make_state({str(k): v for k, v in r.items()}) for r in records]


def same(name: str, a: object, b: object) -> bool:
    """Whether two stored values of field *name* are equal (numbers to 1e-9)."""
    if a is None or b is None:
        return a is None and b is None
    if name in NUMERIC:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))  # type: ignore[arg-type]
    return a == b


def differences(before: Mapping[str, object], after: Mapping[str, object]) -> dict[
        str, tuple[object, object]]:
    """Field → ``(before, after)`` for every field that differs."""
    names = [*REGISTRY_COLUMNS, "active"]
    return {n: (before.get(n), after.get(n)) for n in names
            if not same(n, before.get(n), after.get(n))}


def dumps(state: Mapping[str, object] | None) -> str | None:
    """JSON text of a state (stable key order, non-ASCII kept)."""
    if state is None:
        return None
    return json.dumps(dict(state), ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> State | None:
    """A state from its JSON text."""
    return None if text is None else dict(json.loads(text))


def point_of(state: Mapping[str, object]) -> tuple[float, float] | None:
    """``(lon, lat)`` of a state, or ``None`` when unknown."""
    lon, lat = state.get("lon"), state.get("lat")
    if lon is None or lat is None:
        return None
    return float(lon), float(lat)  # type: ignore[arg-type]


def registry_frame(states: Iterable[Mapping[str, object]], name: str,
                   key: str | None = None) -> gpd.GeoDataFrame:
    """A registry GeoDataFrame (see :func:`mapping.registry.to_registry`) from states."""
    rows = [[s.get(c) for c in REGISTRY_COLUMNS] for s in states]
    table = pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS))
    return to_registry(table, name, key=key)
