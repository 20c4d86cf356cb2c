"""Add-a-school / close-a-school scenarios and their effect on computed access.

A :class:`Scenario` lists hypothetical schools (point, cycle, seats, name) and
school ids to close. :func:`apply` returns a new registry in which added schools
are flagged ``status="scenario"``, ``source="scenario"`` and
``location_quality="fictitious"`` so they are never taken for real ones.
:func:`evaluate` compares the registry before and after: straight-line distance
from each douar with coordinates to its nearest school of the cycle, people and
under-15s within the threshold, the douars whose distance class changes and,
when the supply analysis is available, supply against demand per commune.

HCP's official distances cannot be recomputed for a hypothetical school: the
effect of a scenario is measured with computed distances from the douars that
have (approximate) coordinates only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from mapping.access.computed import computed_distances, cycle_schools, douar_points
from mapping.access.nearest import metric_coordinates, nearer_targets, nearest_schools
from mapping.access.official import (
    ACCESS_CYCLES,
    DEFAULT_OPTIONS,
    DISTANCE_BANDS_KM,
    check_cycle,
    check_threshold,
)
from mapping.datasets import Region
from mapping.errors import MappingError
from mapping.schema import CYCLES, REGISTRY_COLUMNS
from mapping.settings import REGION_BOUNDS
from mapping.supply import commune_supply

#: Version written in scenario files; files of another version are refused.
SCENARIO_VERSION: Final = 1
SCENARIO_KIND: Final = "carte-scolaire-scenario"
#: Upper bound on the size of a scenario file (bytes).
MAX_FILE_BYTES: Final = 1_000_000
#: Distance classes (km) used to list douars whose situation changes.


class ScenarioError(MappingError):
    """A scenario (or scenario file) is invalid."""


@dataclass(frozen=True)
class AddedSchool:
    """A hypothetical school.

    Attributes
    ----------
    lon, lat
        WGS84 coordinates, inside the region.
    cycle
        One of :data:`mapping.schema.CYCLES`.
    seats
        Planned seats (0 if unknown).
    name
        Free label.
    """

    lon: float
    lat: float
    cycle: str
    seats: int = 0
    name: str = ""

    def check(self, where: str = "added school") -> None:
        """Raise :class:`ScenarioError` if a field is invalid."""
        if self.cycle not in CYCLES:
            raise ScenarioError(
                f"{where}: unknown cycle {self.cycle!r}; choose one of {', '.join(CYCLES)}"
            )
        for name, value in (("lon", self.lon), ("lat", self.lat)):
            if not isinstance(value, (int, float)) or not np.isfinite(value):
                raise ScenarioError(f"{where}: {name} {value!r} is not a number")
        west, south, east, north = REGION_BOUNDS
        if not (west <= self.lon <= east and south <= self.lat <= north):
            raise ScenarioError(
                f"{where}: point ({self.lon}, {self.lat}) is outside the Marrakech-Safi region "
                f"(lon {west}..{east}, lat {south}..{north}); check the coordinates' order"
            )
        if not isinstance(self.seats, int) or self.seats < 0:
            raise ScenarioError(f"{where}: seats must be a whole number ≥ 0, got {self.seats!r}")


@dataclass(frozen=True)
class Scenario:
    """Schools to add and schools to close.

    Attributes
    ----------
    added
        Hypothetical schools.
    closed
        ``school_id`` values of registry schools to close.
    name
        Free label.
    """

    added: tuple[AddedSchool, ...] = ()
    closed: tuple[str, ...] = ()
    name: str = ""

    def with_school(self, school: AddedSchool) -> Scenario:
        """A copy with *school* added (validated)."""
        school.check()
        return Scenario((*self.added, school), self.closed, self.name)

    def with_closed(self, school_id: str) -> Scenario:
        """A copy with *school_id* closed."""
        if school_id in self.closed:
            return self
        return Scenario(self.added, (*self.closed, str(school_id)), self.name)

    @property
    def is_empty(self) -> bool:
        """True when the scenario changes nothing."""
        return not self.added and not self.closed

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, with kind and version."""
        return {
            "kind": SCENARIO_KIND,
            "version": SCENARIO_VERSION,
            "name": self.name,
            "added": [asdict(s) for s in self.added],
            "closed": list(self.closed),
        }

    def key(self) -> str:
        """Short content hash."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def scenario_from_dict(data: Any, source: str = "scenario") -> Scenario:
    """Build and validate a :class:`Scenario` from parsed JSON.

    Raises
    ------
    ScenarioError
        Naming the entry and field at fault.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected a JSON object at the top level")
    if data.get("kind") != SCENARIO_KIND:
        raise ScenarioError(f"{source}: not a scenario file (field 'kind' must be "
                            f"{SCENARIO_KIND!r})")
    if data.get("version") != SCENARIO_VERSION:
        raise ScenarioError(f"{source}: unsupported scenario version {data.get('version')!r} "
                            f"(this version reads version {SCENARIO_VERSION})")
    added_raw = data.get("added", [])
    closed_raw = data.get("closed", [])
    if not isinstance(added_raw, list) or not isinstance(closed_raw, list):
        raise ScenarioError(f"{source}: fields 'added' and 'closed' must be lists")
    added: list[AddedSchool] = []
    allowed = {"lon", "lat", "cycle", "seats", "name"}
    for i, item in enumerate(added_raw, start=1):
        where = f"{source}: added school {i}"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: expected an object")
        extra = sorted(set(item) - allowed)
        if extra:
            raise ScenarioError(f"{where}: unknown field(s) {', '.join(extra)}")
        missing = sorted({"lon", "lat", "cycle"} - set(item))
        if missing:
            raise ScenarioError(f"{where}: missing field(s) {', '.join(missing)}")
        seats = item.get("seats", 0)
        if isinstance(seats, float) and seats.is_integer():
            seats = int(seats)
        lon, lat = item["lon"], item["lat"]
        if isinstance(lon, bool) or isinstance(lat, bool):
            raise ScenarioError(f"{where}: lon/lat must be numbers")
        school = AddedSchool(
            lon=float(lon) if isinstance(lon, (int, float)) else lon,
            lat=float(lat) if isinstance(lat, (int, float)) else lat,
            cycle=str(item["cycle"]),
            seats=seats,
            name=str(item.get("name", "")),
        )
        school.check(where)
        added.append(school)
    closed = []
    for i, sid in enumerate(closed_raw, start=1):
        if not isinstance(sid, (str, int)) or isinstance(sid, bool):
            raise ScenarioError(f"{source}: closed school {i}: expected a school_id string")
        closed.append(str(sid))
    return Scenario(tuple(added), tuple(closed), str(data.get("name", "")))


def dumps(scenario: Scenario) -> str:
    """The scenario as JSON text."""
    return json.dumps(scenario.to_dict(), ensure_ascii=False, indent=2)


def loads(text: str | bytes, source: str = "scenario") -> Scenario:
    """Parse and validate scenario JSON text."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"{source}: file too large for a scenario (over 1 MB)")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{source}: not valid JSON ({exc})") from exc
    return scenario_from_dict(data, source)


def save(scenario: Scenario, path: Path | str) -> Path:
    """Write *scenario* to *path* as JSON."""
    path = Path(path)
    path.write_text(dumps(scenario), encoding="utf-8")
    return path


def load(path: Path | str) -> Scenario:
    """Read a scenario JSON file written by :func:`save`."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file {path}: {exc.strerror}") from exc
    return loads(text, source=str(path))


def _commune_of(region: Region | None, lon: float, lat: float) -> str | None:
    if region is None:
        return None
    pt = Point(lon, lat)
    hit = region.communes[region.communes.geometry.contains(pt)]
    return str(hit["code"].iloc[0]) if len(hit) else None


def apply(
    registry: gpd.GeoDataFrame, scenario: Scenario, *, region: Region | None = None
) -> gpd.GeoDataFrame:
    """A new registry with the scenario's schools added and its closed schools removed.

    Parameters
    ----------
    registry
        The registry to start from (not modified).
    scenario
        What to change.
    region
        When given, each added school gets the ``commune_code`` of the commune
        containing it, and a point outside every commune is refused.

    Returns
    -------
    geopandas.GeoDataFrame
        Added rows have ``school_id`` ``SCN-<n>``, ``status`` and ``source``
        ``"scenario"``, ``location_quality`` and ``capacity_quality``
        ``"fictitious"``; ``attrs["key"]`` combines the registry and scenario keys.

    Raises
    ------
    ScenarioError
        For an unknown school id to close, or an invalid added school.
    """
    base = registry.copy()
    if base.crs is None:
        base = base.set_crs("EPSG:4326")
    if scenario.closed:
        ids = base["school_id"].astype(str) if "school_id" in base else pd.Series(dtype=str)
        unknown = sorted(set(scenario.closed) - set(ids))
        if unknown:
            raise ScenarioError(f"cannot close unknown school id(s): {', '.join(unknown[:5])}")
        base = base.loc[~ids.isin(scenario.closed)]
    rows = []
    for i, s in enumerate(scenario.added, start=1):
        s.check(f"added school {i}")
        commune = _commune_of(region, s.lon, s.lat)
        if region is not None and commune is None:
            raise ScenarioError(f"added school {i}: point ({s.lon}, {s.lat}) is in no commune "
                                "of the region").keyed("access.err.outside_region",
                                                       lon=s.lon, lat=s.lat)
        row: dict[str, Any] = dict.fromkeys(REGISTRY_COLUMNS)
        row.update(
            school_id=f"SCN-{i}", name_fr=s.name or f"Scénario {i}", name_ar=s.name or "",
            cycle=s.cycle, sector="public", kind="scenario", commune_code=commune,
            lon=s.lon, lat=s.lat, seats=s.seats, status="scenario", source="scenario",
            location_quality="fictitious", capacity_quality="fictitious",
        )
        rows.append(row)
    if rows:
        added = gpd.GeoDataFrame(
            pd.DataFrame(rows), geometry=[Point(r["lon"], r["lat"]) for r in rows],
            crs="EPSG:4326",
        )
        added = added.to_crs(base.crs)
        frames = [f for f in (base, added) if len(f)]
        with warnings.catch_warnings():
            # all-empty columns (e.g. parent_id) are expected on either side
            warnings.simplefilter("ignore", FutureWarning)
            merged = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        out = gpd.GeoDataFrame(merged, geometry=base.geometry.name, crs=base.crs)
    else:
        out = gpd.GeoDataFrame(base.reset_index(drop=True), crs=base.crs)
    out.attrs = dict(registry.attrs)
    out.attrs["key"] = f"{registry.attrs.get('key', 'registry')}+{scenario.key()}"
    out.attrs["name"] = f"{registry.attrs.get('name', 'registry')} + scenario"
    return out


def distance_band(km: pd.Series) -> pd.Series:
    """Index of the distance class (0 = ≤ 1 km … 5 = > 20 km), -1 for no value."""
    bands = np.searchsorted(np.asarray(DISTANCE_BANDS_KM), km.to_numpy(float), side="left")
    return pd.Series(np.where(km.notna(), bands, -1), index=km.index)


@dataclass
class ScenarioResult:
    """Before/after effect of a scenario on computed access for one cycle.

    Attributes
    ----------
    cycle, threshold_km
        What was evaluated.
    douars
        Per douar with coordinates: ``code``, ``commune_code``, ``population``,
        ``under15``, ``before_km``, ``after_km``, ``before_school``,
        ``after_school``, ``before_band``, ``after_band``, ``within_before``,
        ``within_after``, ``changed`` (distance class changed).
    summary
        Totals: people and under-15s within the threshold before/after and
        newly within, douars changed, schools before/after.
    supply
        Commune supply before/after (``None`` if the supply analysis is unavailable).
    """

    cycle: str
    threshold_km: float
    douars: pd.DataFrame
    summary: dict[str, float]
    supply: pd.DataFrame | None = field(default=None)

    @property
    def changed(self) -> pd.DataFrame:
        """Douars whose distance class changes."""
        return self.douars[self.douars["changed"]]


def _supply(region: Region, before: gpd.GeoDataFrame, after: gpd.GeoDataFrame,
            cycle: str) -> pd.DataFrame | None:
    """Supply of *cycle* (all sectors) per commune before/after, changed communes only."""
    try:
        b, a = _cycle_supply(region, before, cycle), _cycle_supply(region, after, cycle)
    except (TypeError, KeyError, ValueError):
        return None
    return _diff(b, a)


def _result(d: pd.DataFrame, cycle: str, threshold: float,
            supply: pd.DataFrame | None) -> ScenarioResult:
    """Bands, reach and totals of a before/after douar table."""
    d["before_band"] = distance_band(d["before_km"])
    d["after_band"] = distance_band(d["after_km"])
    d["within_before"] = d["before_km"] <= threshold
    d["within_after"] = d["after_km"] <= threshold
    d["changed"] = d["before_band"] != d["after_band"]
    u15 = d["under15"].fillna(0.0)
    pop = d["population"]
    newly = d["within_after"] & ~d["within_before"]
    lost = d["within_before"] & ~d["within_after"]
    summary = {
        "douars": float(len(d)),
        "population": float(pop.sum()),
        "population_within_before": float(pop[d["within_before"]].sum()),
        "population_within_after": float(pop[d["within_after"]].sum()),
        "under15_within_before": float(u15[d["within_before"]].sum()),
        "under15_within_after": float(u15[d["within_after"]].sum()),
        "population_newly_within": float(pop[newly].sum()),
        "under15_newly_within": float(u15[newly].sum()),
        "population_no_longer_within": float(pop[lost].sum()),
        "douars_changed": float(d["changed"].sum()),
        "mean_km_before": float(np.average(d["before_km"].dropna(),
                                           weights=pop[d["before_km"].notna()]))
        if d["before_km"].notna().any() else float("nan"),
        "mean_km_after": float(np.average(d["after_km"].dropna(),
                                          weights=pop[d["after_km"].notna()]))
        if d["after_km"].notna().any() else float("nan"),
    }
    return ScenarioResult(cycle, threshold, d, summary, supply)


def _check(cycle: str, threshold_km: float | None) -> float:
    if cycle not in ACCESS_CYCLES:
        raise ScenarioError(f"cycle {cycle!r} has no distance analysis; choose one of "
                            f"{', '.join(ACCESS_CYCLES)}")
    return check_threshold(
        DEFAULT_OPTIONS.threshold(cycle) if threshold_km is None else threshold_km
    )


def _before_after(b: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    d = b[["code", "commune_code", "population", "under15"]].copy()
    d["before_km"] = b["computed_km"]
    d["after_km"] = a["computed_km"]
    d["before_school"] = b["school_id"]
    d["after_school"] = a["school_id"]
    return d


def evaluate_full(
    region: Region,
    registry: gpd.GeoDataFrame,
    scenario: Scenario,
    cycle: str,
    threshold_km: float | None = None,
) -> ScenarioResult:
    """:func:`evaluate` by recomputing every douar's distance and all communes' supply.

    The reference that :func:`evaluate` (which recomputes only the douars and
    communes a scenario can change) must equal; slower.
    """
    threshold = _check(cycle, threshold_km)
    after_reg = apply(registry, scenario, region=region)
    b = computed_distances(region, registry, cycle)
    a = computed_distances(region, after_reg, cycle)
    return _result(_before_after(b, a), cycle, threshold,
                   _supply(region, registry, after_reg, cycle))


@dataclass(frozen=True)
class Baseline:
    """What a scenario is compared with, computed once per registry and cycle.

    Attributes
    ----------
    cycle
        The cycle.
    distances
        :func:`mapping.access.computed_distances` of the registry.
    xy
        Metric coordinates (EPSG:32629) of those douars, same order.
    schools
        The registry's located open schools of the cycle, in table order.
    school_ids
        Every ``school_id`` of the registry (what a scenario may close).
    supply
        The registry's supply of the cycle per commune (``None`` if unavailable).
    """

    cycle: str
    distances: pd.DataFrame
    xy: np.ndarray
    schools: gpd.GeoDataFrame
    school_ids: frozenset[str]
    supply: pd.DataFrame | None


def _cycle_supply(region: Region, registry: gpd.GeoDataFrame | pd.DataFrame,
                  cycle: str) -> pd.DataFrame:
    long = commune_supply(region, registry).reset_index()
    part = long[(long["cycle"] == cycle) & (long["sector"] == "all")].set_index("code")
    cols = [c for c in ("schools", "classrooms", "seats", "school_age", "seats_per_100")
            if c in part]
    return pd.DataFrame(part[cols].apply(pd.to_numeric, errors="coerce"))


def baseline(region: Region, registry: gpd.GeoDataFrame, cycle: str) -> Baseline:
    """The :class:`Baseline` of *registry* for *cycle* (cache it: it does not depend on the
    scenario).

    Examples
    --------
    >>> base = baseline(region, registry, "lower_secondary")  # doctest: +SKIP
    >>> evaluate(region, registry, scenario, "lower_secondary", base=base)  # doctest: +SKIP
    """
    check_cycle(cycle)
    dist = computed_distances(region, registry, cycle)
    xy = metric_coordinates(douar_points(region).loc[dist.index], "douars")
    ids = frozenset(registry["school_id"].astype(str)) if "school_id" in registry else frozenset()
    try:
        supply: pd.DataFrame | None = _cycle_supply(region, registry, cycle)
    except (TypeError, KeyError, ValueError):
        supply = None
    return Baseline(cycle, dist, xy, cycle_schools(registry, cycle), ids, supply)


def evaluate(
    region: Region,
    registry: gpd.GeoDataFrame,
    scenario: Scenario,
    cycle: str,
    threshold_km: float | None = None,
    *,
    base: Baseline | None = None,
) -> ScenarioResult:
    """Evaluate *scenario* on *registry* for *cycle* with computed distances.

    Only what the scenario can change is recomputed: the douars within a new
    school's reach (whose current distance is greater than their distance to
    it) and those whose nearest school closes, and the supply of the communes
    where schools are added or closed. The result equals
    :func:`evaluate_full` (same distances, nearest schools, totals, supply).

    Parameters
    ----------
    region
        The loaded region.
    registry
        The registry before the scenario.
    scenario
        Schools added/closed (only schools of *cycle* matter for distances).
    cycle
        ``primary``, ``lower_secondary`` or ``upper_secondary``.
    threshold_km
        Distance counted as "within reach"; defaults to the cycle's default.
    base
        :func:`baseline` of *registry* and *cycle* (computed when omitted;
        pass a cached one so that each scenario costs only its own douars).

    Returns
    -------
    ScenarioResult
    """
    threshold = _check(cycle, threshold_km)
    if base is None or base.cycle != cycle:
        base = baseline(region, registry, cycle)
    unknown = sorted(set(scenario.closed) - base.school_ids)
    if unknown:
        raise ScenarioError(f"cannot close unknown school id(s): {', '.join(unknown[:5])}")
    added = apply(registry.iloc[0:0], Scenario(added=scenario.added), region=region)
    b = base.distances
    d = _before_after(b, b)
    d["after_km"] = d["after_km"].copy()
    d["after_school"] = d["after_school"].astype(object)
    closed = set(scenario.closed)
    kept = base.schools
    if closed and "school_id" in kept:
        kept = kept[~kept["school_id"].astype(str).isin(closed)]
    new = cycle_schools(added, cycle) if len(added) else added
    if len(new) and new.crs is not None and kept.crs is not None and not new.crs.equals(kept.crs):
        new = new.to_crs(kept.crs)
    # douars whose nearest school closes: nearest among every school left, new ones included
    lost = d["before_school"].astype(str).isin(closed).to_numpy() if closed else \
        np.zeros(len(d), dtype=bool)
    if lost.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            after_schools = gpd.GeoDataFrame(
                pd.concat([f for f in (kept, new) if len(f)] or [kept], ignore_index=True),
                geometry=kept.geometry.name, crs=kept.crs)
        idx = d.index[lost]
        if len(after_schools):
            near = nearest_schools(douar_points(region).loc[idx], after_schools)
            d.loc[idx, "after_km"] = near["distance_m"].to_numpy() / 1000.0
            d.loc[idx, "after_school"] = near["school_id"].to_numpy()
        else:
            d.loc[idx, "after_km"] = np.nan
            d.loc[idx, "after_school"] = None
    # the other douars: a new school takes over only where it is strictly nearer
    if len(new):
        rest = ~lost
        current = d["before_km"].to_numpy(float)[rest] * 1000.0
        hit, target, best = nearer_targets(base.xy[rest], current,
                                           metric_coordinates(new, "added schools"))
        if hit.any():
            idx = d.index[rest][hit]
            d.loc[idx, "after_km"] = best[hit] / 1000.0
            d.loc[idx, "after_school"] = new["school_id"].to_numpy()[target[hit]]
    return _result(d, cycle, threshold, _supply_change(region, registry, added, scenario, base))


def _supply_change(region: Region, registry: gpd.GeoDataFrame, added: gpd.GeoDataFrame,
                   scenario: Scenario, base: Baseline) -> pd.DataFrame | None:
    """:func:`_supply` from the baseline, recomputing only the communes the scenario touches."""
    if base.supply is None:
        return None
    ids = registry["school_id"].astype(str) if "school_id" in registry else None
    communes: set[str] = set(added["commune_code"].dropna().astype(str)) if len(added) else set()
    if scenario.closed and ids is not None and "commune_code" in registry:
        communes |= set(registry.loc[ids.isin(set(scenario.closed)), "commune_code"]
                        .dropna().astype(str))
    b = base.supply
    touched = [c for c in b.index if c in communes]
    if not touched:
        return _diff(b.iloc[0:0], b.iloc[0:0])
    part = registry[registry["commune_code"].astype(str).isin(communes)] \
        if "commune_code" in registry else registry.iloc[0:0]
    if ids is not None and scenario.closed:
        part = part[~ids.loc[part.index].isin(set(scenario.closed))]
    frames = [pd.DataFrame(f.drop(columns=f.geometry.name, errors="ignore"))
              for f in (part, added) if len(f)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        after = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(part)
    # the touched communes only: a commune's supply counts the schools of that commune
    local = dataclasses.replace(
        region, communes=region.communes[region.communes["code"].isin(touched)])
    try:
        a = _cycle_supply(local, after, base.cycle)
    except (TypeError, KeyError, ValueError):
        return None
    return _diff(b.loc[touched], a.reindex(touched))


def _diff(b: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    out = pd.concat({"before": b, "after": a.reindex(columns=b.columns)}, axis=1)
    diff = (a.reindex(columns=b.columns).fillna(0) - b.fillna(0)).abs().sum(axis=1) > 0
    return out.loc[diff]
