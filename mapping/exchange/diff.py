"""Differences between two registries: two deliveries or two published states.

Rows are matched on ``school_id`` with a keyed pandas join; rows whose id
changed are matched afterwards on the same French name and commune within
:attr:`DiffOptions.fallback_m` metres and reported as such. The result lists
schools added, removed, closed, moved (over a threshold, in metres) and every
field changed (old → new), with a summary per province and commune;
:func:`apply_diff` replays it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from mapping.registry.frame import NUMERIC_COLUMNS, canonical, to_registry
from mapping.schema import REGISTRY_COLUMNS
from mapping.settings import CRS_METRIC, CRS_STORAGE

#: Fields compared (every registry column but the key).
FIELDS = tuple(c for c in REGISTRY_COLUMNS if c != "school_id")
#: Capacity and enrolment fields, reported with their change.
CAPACITY_FIELDS = ("classrooms", "seats", "pupils", "pupils_girls")
_TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)


@dataclass(frozen=True)
class DiffOptions:
    """Thresholds of the diff.

    Attributes
    ----------
    move_m
        A school whose point moved more than this many metres is "moved".
    fallback_m
        Rows whose id changed are matched on name + commune within this distance.
    """

    move_m: float = 50.0
    fallback_m: float = 200.0


def _distance_m(lon0: np.ndarray, lat0: np.ndarray, lon1: np.ndarray,
                lat1: np.ndarray) -> np.ndarray:
    x0, y0 = _TO_METRIC.transform(lon0, lat0)
    x1, y1 = _TO_METRIC.transform(lon1, lat1)
    return np.asarray(np.hypot(np.asarray(x1) - x0, np.asarray(y1) - y0), dtype=float)


def _table(registry: pd.DataFrame) -> pd.DataFrame:
    table = canonical(pd.DataFrame(registry).drop(columns="geometry", errors="ignore"))
    table = table.dropna(subset=["school_id"]).drop_duplicates("school_id", keep="last")
    return table.set_index("school_id")


def _same(old: pd.Series, new: pd.Series, numeric: bool) -> np.ndarray:
    both_na = old.isna().to_numpy() & new.isna().to_numpy()
    if numeric:
        a, b = old.to_numpy(dtype=float), new.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            eq = np.isclose(a, b, rtol=0.0, atol=1e-9)
        return np.asarray(eq | both_na)
    eq = (old.astype(object).to_numpy() == new.astype(object).to_numpy())
    return np.asarray(eq | both_na, dtype=bool)


@dataclass(frozen=True)
class RegistryDiff:
    """What changed from an old registry to a new one.

    Attributes
    ----------
    added
        New schools (registry columns).
    removed
        Schools absent from the new registry (registry columns of the old one).
    changes
        One row per changed field: ``school_id, field, old, new``.
    moved
        ``school_id, distance_m`` for points moved over the threshold.
    id_changed
        ``old_id, new_id, distance_m``: rows matched on name + commune + distance.
    closed
        ``school_id`` of schools whose ``status`` became ``closed``.
    """

    added: pd.DataFrame
    removed: pd.DataFrame
    changes: pd.DataFrame
    moved: pd.DataFrame
    id_changed: pd.DataFrame
    closed: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        """Whether the two registries hold the same schools with the same values."""
        return all(len(f) == 0 for f in (self.added, self.removed, self.changes,
                                         self.id_changed))

    def capacity_changes(self) -> pd.DataFrame:
        """Capacity and enrolment changes with their difference (``delta``)."""
        out = self.changes[self.changes["field"].isin(CAPACITY_FIELDS)].copy()
        out["delta"] = (pd.to_numeric(out["new"], errors="coerce")
                        - pd.to_numeric(out["old"], errors="coerce"))
        return out.reset_index(drop=True)

    def events(self, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
        """One row per school and kind of change, with its commune and point.

        ``kind`` is ``added``, ``removed``, ``closed``, ``moved``, ``id_changed``
        or ``changed``; ``lon``/``lat`` are the new point (the old one for
        removed schools).
        """
        o, n = _table(old), _table(new)
        rows: list[tuple[str, str]] = [(i, "added") for i in self.added["school_id"]]
        rows += [(i, "removed") for i in self.removed["school_id"]]
        rows += [(i, "closed") for i in self.closed["school_id"]]
        rows += [(i, "moved") for i in self.moved["school_id"]]
        rows += [(i, "id_changed") for i in self.id_changed["new_id"]]
        special = {i for i, _ in rows}
        rows += [(i, "changed") for i in pd.unique(self.changes["school_id"]) if i not in special]
        out = pd.DataFrame(rows, columns=["school_id", "kind"])
        source = pd.concat([n, o.loc[~o.index.isin(n.index)]])
        info = source.reindex(out["school_id"])[["name_fr", "commune_code", "lon", "lat"]]
        return pd.concat([out, info.reset_index(drop=True)], axis=1)

    def summary(self, old: pd.DataFrame, new: pd.DataFrame,
                communes: pd.DataFrame | None = None) -> pd.DataFrame:
        """Counts of each kind of change per commune (and province when *communes* is given)."""
        ev = self.events(old, new)
        table = pd.crosstab(ev["commune_code"], ev["kind"]) if len(ev) else pd.DataFrame(
            index=pd.Index([], name="commune_code"))
        for kind in ("added", "removed", "closed", "moved", "id_changed", "changed"):
            if kind not in table:
                table[kind] = 0
        table = table[["added", "removed", "closed", "moved", "id_changed", "changed"]]
        table = table.rename_axis(columns=None).reset_index()
        table = table.rename(columns={"commune_code": "code"})
        if communes is not None:
            ref = pd.DataFrame(communes)[["code", "name_fr", "province_code"]]
            table = ref.merge(table, on="code", how="inner")
        return table


def _fallback(old: pd.DataFrame, new: pd.DataFrame, removed: list[str], added: list[str],
              limit_m: float) -> list[tuple[str, str, float]]:
    if not removed or not added:
        return []
    a = old.loc[removed, ["name_fr", "commune_code", "lon", "lat"]].reset_index()
    b = new.loc[added, ["name_fr", "commune_code", "lon", "lat"]].reset_index()
    for frame in (a, b):
        frame["_name"] = frame["name_fr"].fillna("").str.casefold().str.strip()
    pairs = a.merge(b, on=["_name", "commune_code"], suffixes=("_old", "_new"))
    pairs = pairs[pairs["_name"] != ""]
    if pairs.empty:
        return []
    pairs["distance_m"] = _distance_m(pairs["lon_old"].to_numpy(float),
                                      pairs["lat_old"].to_numpy(float),
                                      pairs["lon_new"].to_numpy(float),
                                      pairs["lat_new"].to_numpy(float))
    pairs = pairs[pairs["distance_m"] <= limit_m].sort_values("distance_m")
    pairs = pairs.drop_duplicates("school_id_old").drop_duplicates("school_id_new")
    return [(str(o), str(n), float(d)) for o, n, d in zip(
        pairs["school_id_old"], pairs["school_id_new"],
        pairs["distance_m"].to_numpy(dtype=float), strict=True)]


def diff_registries(old: pd.DataFrame, new: pd.DataFrame,
                    options: DiffOptions = DiffOptions()) -> RegistryDiff:
    """Compare two registries (e.g. two deliveries, two published states).

    Parameters
    ----------
    old, new
        Registries with the canonical columns (``school_id`` the key).
    options
        Move and fallback-match thresholds.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"school_id": ["S1"], "cycle": ["primary"], "pupils": [10]})
    >>> b = pd.DataFrame({"school_id": ["S1"], "cycle": ["primary"], "pupils": [12]})
    >>> diff_registries(a, b).changes[["school_id", "field", "old", "new"]].values.tolist()
    [['S1', 'pupils', 10.0, 12.0]]
    """
    o, n = _table(old), _table(new)
    removed = [i for i in o.index if i not in n.index]
    added = [i for i in n.index if i not in o.index]
    matches = _fallback(o, n, removed, added, options.fallback_m)
    renamed_old = {m[0] for m in matches}
    renamed_new = {m[1] for m in matches}
    removed = [i for i in removed if i not in renamed_old]
    added = [i for i in added if i not in renamed_new]
    common = o.index.intersection(n.index, sort=False)
    old_rows = o.loc[common]
    new_rows = n.loc[common]
    if matches:
        extra_old = o.loc[[m[0] for m in matches]]
        extra_old.index = pd.Index([m[1] for m in matches], name="school_id")
        old_rows = pd.concat([old_rows, extra_old])
        new_rows = pd.concat([new_rows, n.loc[[m[1] for m in matches]]])
    frames = []
    for col in FIELDS:
        same = _same(old_rows[col], new_rows[col], col in NUMERIC_COLUMNS)
        if (~same).any():
            idx = ~same
            frames.append(pd.DataFrame({
                "school_id": new_rows.index[idx], "field": col,
                "old": old_rows[col].to_numpy(dtype=object)[idx],
                "new": new_rows[col].to_numpy(dtype=object)[idx]}))
    changes = (pd.concat(frames, ignore_index=True) if frames else
               pd.DataFrame(columns=["school_id", "field", "old", "new"]))
    dist = _distance_m(old_rows["lon"].to_numpy(float), old_rows["lat"].to_numpy(float),
                       new_rows["lon"].to_numpy(float), new_rows["lat"].to_numpy(float))
    far = np.isfinite(dist) & (dist > options.move_m)
    moved = pd.DataFrame({"school_id": new_rows.index[far], "distance_m": dist[far]})
    closing = ((new_rows["status"] == "closed") & (old_rows["status"] != "closed")).to_numpy()
    closed = pd.DataFrame({"school_id": new_rows.index[closing]})
    id_changed = pd.DataFrame(matches, columns=["old_id", "new_id", "distance_m"])
    return RegistryDiff(
        added=n.loc[added].reset_index(), removed=o.loc[removed].reset_index(),
        changes=changes, moved=moved.reset_index(drop=True), id_changed=id_changed,
        closed=closed)


def apply_diff(old: pd.DataFrame, diff: RegistryDiff) -> pd.DataFrame:
    """Replay *diff* on *old*: the new registry, ordered by ``school_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"school_id": ["S1", "S2"], "pupils": [10, 5]})
    >>> b = pd.DataFrame({"school_id": ["S1", "S3"], "pupils": [12, 7]})
    >>> apply_diff(a, diff_registries(a, b))[["school_id", "pupils"]].values.tolist()
    [['S1', 12.0], ['S3', 7.0]]
    """
    table = _table(old)
    table = table.drop(index=list(diff.removed["school_id"]))
    if len(diff.id_changed):
        table = table.rename(index=dict(zip(diff.id_changed["old_id"],
                                            diff.id_changed["new_id"], strict=True)))
    for field_name, group in diff.changes.groupby("field", sort=False):
        values = group["new"].to_numpy()
        if field_name in NUMERIC_COLUMNS:
            values = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
        table.loc[group["school_id"].to_numpy(), field_name] = values
    added = diff.added.set_index("school_id") if len(diff.added) else None
    if added is not None:
        table = pd.concat([table, added[list(FIELDS)]])
    out = table.reset_index().rename(columns={"index": "school_id"}).sort_values("school_id")
    name = str(getattr(old, "attrs", {}).get("name", "registry")) + " + diff"
    result: pd.DataFrame = to_registry(out.reset_index(drop=True), name)
    return result


def diff_workbook(diff: RegistryDiff, old: pd.DataFrame, new: pd.DataFrame,
                  communes: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The sheets of a diff report: summary, added, removed, closed, moved, id changes, fields."""
    moved = diff.moved.copy()
    moved["distance_m"] = moved["distance_m"].round(1)
    return {
        "summary": diff.summary(old, new, communes),
        "added": diff.added.drop(columns="geometry", errors="ignore"),
        "removed": diff.removed.drop(columns="geometry", errors="ignore"),
        "closed": diff.closed,
        "moved": moved,
        "id_changed": diff.id_changed,
        "changes": diff.changes.astype({"old": str, "new": str}),
        "capacity": diff.capacity_changes().astype({"old": str, "new": str}),
    }
