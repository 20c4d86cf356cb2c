"""School states: the registry columns of one school as a plain dict.

A *state* maps every :data:`~mapping.schema.REGISTRY_COLUMNS` name to a value
(text ``str`` or ``None``, numbers ``float`` or ``None``) plus ``active``
(``False`` once closed). It is what the change log stores as JSON, before and
after each change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.registry import to_registry
from mapping.schema import REGISTRY_COLUMNS
from mapping.settings import CRS_STORAGE
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


def clean_column(name: str, values: Iterable[object]) -> list[object]:
    """:func:`clean` applied to every value of one column (fast for floats, text, ``None``).

    Examples
    --------
    >>> clean_column("pupils", [1.0, None, float("nan"), "12"])
    [1.0, None, None, 12.0]
    >>> clean_column("name_fr", [" École ", "", None])
    ['École', None, None]
    """
    if name in NUMERIC:
        return [v if type(v) is float and math.isfinite(v) else
                None if v is None else clean(name, v) for v in values]
    return [(v.strip() or None) if type(v) is str else
            None if v is None else clean(name, v) for v in values]


#: Field names of a state, in order.
STATE_FIELDS: Final = (*REGISTRY_COLUMNS, "active")


def states_of(registry: pd.DataFrame) -> list[State]:
    """One state per row of a registry frame (missing columns are ``None``, all open).

    Column by column (no per-row frame access): the same states as
    :func:`make_state` on each row.
    """
    n = len(registry)
    columns = [clean_column(c, registry[c].tolist()) if c in registry.columns
               else list(repeat(None, n)) for c in REGISTRY_COLUMNS]
    return [dict(zip(STATE_FIELDS, row, strict=True))
            for row in zip(*columns, repeat(True, n), strict=True)]


def same(name: str, a: object, b: object) -> bool:
    """Whether two stored values of field *name* are equal (numbers to 1e-9)."""
    if a == b:  # most fields of most schools: nothing more to compare
        return True
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


#: One encoder for every state (``json.dumps`` with options builds one per call).
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def dumps(state: Mapping[str, object] | None) -> str | None:
    """JSON text of a state (stable key order, non-ASCII kept)."""
    if state is None:
        return None
    return _ENCODER.encode(state if isinstance(state, dict) else dict(state))


def loads(text: str | None) -> State | None:
    """A state from its JSON text."""
    return None if text is None else dict(json.loads(text))


def loads_many(texts: Sequence[str]) -> list[State]:
    """Many states from their JSON texts, parsed in one call (one JSON array)."""
    if not texts:
        return []
    return list(json.loads("[" + ",".join(texts) + "]"))


def point_of(state: Mapping[str, object]) -> tuple[float, float] | None:
    """``(lon, lat)`` of a state, or ``None`` when unknown."""
    lon, lat = state.get("lon"), state.get("lat")
    if lon is None or lat is None:
        return None
    return float(lon), float(lat)  # type: ignore[arg-type]


def registry_frame(states: Iterable[Mapping[str, object]], name: str,
                   key: str | None = None) -> gpd.GeoDataFrame:
    """A registry GeoDataFrame (see :func:`mapping.registry.to_registry`) from states.

    With a *key*, the states are taken as stored (clean values, see
    :func:`make_state`) and the frame is built column by column
    (:func:`stored_registry`); without one, :func:`~mapping.registry.to_registry`
    types the values and computes the content key.
    """
    listed = states if isinstance(states, list) else list(states)
    columns = {c: [s.get(c) for s in listed] for c in REGISTRY_COLUMNS}
    if key is not None:
        return stored_registry(columns, name, key)
    return to_registry(pd.DataFrame(columns, columns=list(REGISTRY_COLUMNS)), name)


def stored_registry(columns: Mapping[str, Sequence[object]], name: str,
                    key: str) -> gpd.GeoDataFrame:
    """The registry :func:`~mapping.registry.to_registry` would build from stored columns.

    Parameters
    ----------
    columns
        Registry column → values as stored: numbers as ``float`` or ``None``,
        text stripped or ``None`` (what :func:`make_state` writes). Missing
        columns are empty.
    name, key
        ``attrs["name"]`` and ``attrs["key"]``.

    Notes
    -----
    The numbers become float arrays and the points are built at once with
    :func:`shapely.points` (``None`` where ``lon`` or ``lat`` is unknown),
    instead of typing every cell and building one ``Point`` per row.
    """
    n = max((len(v) for v in columns.values()), default=0)
    data: dict[str, Any] = {}
    for col in REGISTRY_COLUMNS:
        values = columns.get(col)
        if col in NUMERIC:
            data[col] = (np.full(n, np.nan) if values is None
                         else np.array(values, dtype=float).reshape(n))
        else:
            data[col] = pd.Series(list(repeat(None, n)) if values is None else list(values),
                                  dtype=object)
    lon, lat = data["lon"], data["lat"]
    known = np.isfinite(lon) & np.isfinite(lat)
    points = np.full(n, None, dtype=object)
    points[known] = shapely.points(lon[known], lat[known])
    table = pd.DataFrame(data, index=pd.RangeIndex(n))
    frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(points, crs=CRS_STORAGE))
    frame.attrs["key"] = key
    frame.attrs["name"] = name
    return frame
