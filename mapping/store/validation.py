"""Check an edited school with the importer's own rules (:func:`mapping.registry.read_registry`)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from mapping.datasets import Region
from mapping.registry import read_registry
from mapping.schema import REGISTRY_COLUMNS
from mapping.store.errors import EditRejected
from mapping.store.records import State, make_state

_FILENAME = "edit.csv"


def validate_state(state: Mapping[str, object], region: Region) -> State:
    """The state as the importer would accept it (commune joined, values normalised).

    Parameters
    ----------
    state
        The proposed school (registry fields).
    region
        The loaded region (communes for the join).

    Raises
    ------
    EditRejected
        With every error the importer reports (column, value, message).
    """
    row = {c: state.get(c) for c in REGISTRY_COLUMNS}
    given = [c for c in REGISTRY_COLUMNS if row[c] is not None]
    buffer = io.StringIO()
    pd.DataFrame([row], columns=list(REGISTRY_COLUMNS))[given].to_csv(buffer, index=False)
    result = read_registry(buffer.getvalue().encode("utf-8"), _FILENAME, region=region,
                           column_map={c: c for c in given}, crs="EPSG:4326")
    errors = result.issues[result.issues["severity"] == "error"]
    if len(result.schools) != 1 or len(errors):
        detail = "; ".join(f"{r['column']} = {r['value']!r}: {r['message']}"
                           for r in errors.to_dict("records")) or "row not accepted"
        raise EditRejected(f"school {state.get('school_id')!r} was not saved: {detail}")
    accepted = make_state(result.schools.iloc[0].to_dict(), bool(state.get("active", True)))
    for name in ("source", "location_quality", "capacity_quality"):
        if state.get(name) is not None:  # keep what the record says, not the import default
            accepted[name] = state[name]
    return accepted
