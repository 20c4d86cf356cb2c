"""RGPH 2024 and RGPH 2014 commune indicators.

School-age populations are estimated from HCP's five-year age bands under the
assumption that ages are spread evenly inside each band (see data/README.md):

* preschool 4-5     = 1/5 of 0-4  + 1/5 of 5-9
* primary 6-11      = 4/5 of 5-9  + 2/5 of 10-14
* collège 12-14     = 3/5 of 10-14
* lycée 15-17       = 3/5 of 15-19

each share applied to the municipal population. Columns carry ``_est``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mapping.errors import DataError
from mapping.ingest.io import path_to_column, read_raw_csv, require

#: (column, [(age band column, fraction of the band)]) for the school-age estimates.
SCHOOL_AGE_BANDS: dict[str, list[tuple[str, float]]] = {
    "school_age_preschool_est": [("age_0_4", 1 / 5), ("age_5_9", 1 / 5)],
    "school_age_primary_est": [("age_5_9", 4 / 5), ("age_10_14", 2 / 5)],
    "school_age_lower_secondary_est": [("age_10_14", 3 / 5)],
    "school_age_upper_secondary_est": [("age_15_19", 3 / 5)],
    "population_under_15_est": [("age_0_4", 1.0), ("age_5_9", 1.0), ("age_10_14", 1.0)],
}


def school_age_estimates(census: pd.DataFrame) -> pd.DataFrame:
    """Estimate school-age populations from the five-year age shares.

    Parameters
    ----------
    census
        Must hold ``population_municipal`` and the ``age_*`` share columns (percent).

    Returns
    -------
    pandas.DataFrame
        One integer column per entry of :data:`SCHOOL_AGE_BANDS`, rounded to the person.
    """
    pop = census["population_municipal"].astype(float)
    out = pd.DataFrame(index=census.index)
    for col, parts in SCHOOL_AGE_BANDS.items():
        share = sum(census[band].astype(float) * frac for band, frac in parts)
        out[col] = np.round(pop * share / 100.0).astype("Int64")
    return out


def build_census_2024(source: Path, codes: list[str]) -> pd.DataFrame:
    """Flatten the RGPH 2024 indicator JSON into one row per commune.

    Parameters
    ----------
    source
        The raw data folder.
    codes
        The 251 commune codes the boundaries define; every one must have values.
    """
    path = require(source / "census" / "indicators_2024_07.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    paths: list[str] = raw["paths"]
    values: dict[str, list[float | None]] = raw["values"]
    missing = sorted(set(codes) - set(values))
    if missing:
        raise DataError("commune without 2024 indicators", path=path, value=missing[0])
    for code in codes:
        if len(values[code]) != len(paths):
            raise DataError(
                f"expected {len(paths)} values, found {len(values[code])}", path=path, value=code
            )
    columns = [path_to_column(p) for p in paths]
    df = pd.DataFrame([values[c] for c in codes], columns=columns, dtype="float64")
    df.insert(0, "code", codes)
    est = school_age_estimates(df)
    df = pd.concat([df, est], axis=1)
    return df


# --- RGPH 2014 -----------------------------------------------------------------

#: Household columns (RGPH 2014) kept, all shares of households except the distance.
HOUSEHOLD_COLUMNS_2014 = [
    "households_municipal_population",
    "households_count",
    "amenities_electricity",
    "amenities_running_water",
    "amenities_toilet",
    "amenities_kitchen",
    "amenities_bathroom",
    "equipment_television",
    "equipment_radio",
    "equipment_mobile_phone",
    "equipment_landline",
    "equipment_internet",
    "equipment_computer",
    "equipment_satellite_dish",
    "equipment_refrigerator",
    "households_distance_to_paved_road_km",
]

#: People columns (RGPH 2014) kept, per sex: (column, weight kind).
PEOPLE_COLUMNS_2014 = ["schooling_rate_7_to_12", "illiteracy_rate_10_plus"]
PEOPLE_ALL_ONLY_2014 = ["population_municipal", "labour_unemployment_rate", "education_none"]

#: The sixteen five-year age bands (shares of the municipal population, percent), kept
#: for everyone so the 2014 -> 2024 cohort-change ratios of ``mapping.planning`` exist.
AGE_BANDS = [
    "age_0_4", "age_5_9", "age_10_14", "age_15_19", "age_20_24", "age_25_29", "age_30_34",
    "age_35_39", "age_40_44", "age_45_49", "age_50_54", "age_55_59", "age_60_64",
    "age_65_69", "age_70_74", "age_75_plus",
]

MARRAKECH_CITY = "07.351.01.0"
MARRAKECH_ARRONDISSEMENT_PREFIX = "07.351.01."


def _weights_people(rows: pd.DataFrame, column: str) -> pd.Series:
    """Population the rate is taken over, estimated from the age shares."""
    pop = rows["population_municipal"].astype(float)
    a59 = rows["age_5_9"].astype(float)
    a1014 = rows["age_10_14"].astype(float)
    a04 = rows["age_0_4"].astype(float)
    if column == "schooling_rate_7_to_12":
        return pop * (3 / 5 * a59 + 3 / 5 * a1014) / 100.0
    if column == "illiteracy_rate_10_plus":
        return pop * (100.0 - a04 - a59) / 100.0
    if column == "labour_unemployment_rate":
        return rows["labour_active"].astype(float)
    return pop


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    v = values.astype(float)
    ok = v.notna() & weights.notna()
    if not ok.any():
        return float("nan")
    return round(float((v[ok] * weights[ok]).sum() / weights[ok].sum()), 1)


def build_census_2014(source: Path, communes: pd.DataFrame) -> pd.DataFrame:
    """RGPH 2014 commune indicators re-keyed on the 2024 communes.

    Commune rows in the 2014 files already carry today's codes; the crosswalk
    gives the 2014 code of the 52 renumbered communes. The city of Marrakech
    has no 2014 row: its figures combine its 5 arrondissements, household
    shares weighted by households, people rates by the population the rate is
    taken over (estimated from the 2014 age shares).

    Returns
    -------
    pandas.DataFrame
        One row per 2024 commune; columns suffixed ``_2014``, plus ``code_2014``
        and ``method_2014`` saying how each row was obtained.
    """
    census = source / "census"
    hh = read_raw_csv(census / "households_2014_07.csv")
    hh = hh[hh["area"] == "total"]
    people_path = census / "people_2014_07.csv"
    people = read_raw_csv(people_path) if people_path.is_file() else None
    crosswalk_path = census / "crosswalk_2014_2024_07.csv"
    cw = read_raw_csv(crosswalk_path) if crosswalk_path.is_file() else pd.DataFrame()
    code_2014 = dict(zip(cw.get("code_2024", []), cw.get("code_2014", []), strict=True))

    def numeric(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        out = df.copy()
        for c in cols:
            out[c] = pd.to_numeric(out[c].replace("", np.nan), errors="raise")
        return out

    hh = numeric(hh, HOUSEHOLD_COLUMNS_2014)
    hh_by_code = hh[hh["level"].isin(["commune", "arrondissement"])].set_index("code")
    if people is not None:
        need = [*PEOPLE_COLUMNS_2014, *PEOPLE_ALL_ONLY_2014, *AGE_BANDS]
        people = numeric(people[people["area"] == "total"], [*need, "labour_active"])
        people = people[people["level"].isin(["commune", "arrondissement"])]
        p_by = {s: people[people["sex"] == s].set_index("code") for s in ("all", "male", "female")}

    records = []
    for code in communes["code"]:
        rec: dict[str, object] = {"code": code}
        if code == MARRAKECH_CITY:
            arr = hh_by_code[
                hh_by_code.index.str.startswith(MARRAKECH_ARRONDISSEMENT_PREFIX)
                & (hh_by_code["level"] == "arrondissement")
            ]
            if len(arr) != 5:
                raise DataError(
                    f"expected 5 Marrakech arrondissements in 2014, found {len(arr)}",
                    path=census / "households_2014_07.csv",
                )
            rec["code_2014"] = ";".join(sorted(arr.index))
            rec["method_2014"] = "sum of 5 arrondissements (weighted)"
            for col in HOUSEHOLD_COLUMNS_2014:
                if col in ("households_municipal_population", "households_count"):
                    rec[col] = int(arr[col].sum())
                else:
                    rec[col] = _weighted(arr[col], arr["households_count"].astype(float))
            if people is not None:
                for sex, suffix in (("all", ""), ("male", "_male"), ("female", "_female")):
                    rows = p_by[sex].loc[sorted(arr.index)]
                    cols = PEOPLE_COLUMNS_2014 + (PEOPLE_ALL_ONLY_2014 if sex == "all" else [])
                    for col in cols:
                        if col == "population_municipal":
                            rec[col] = int(rows[col].sum())
                        else:
                            rec[col + suffix] = _weighted(rows[col], _weights_people(rows, col))
                rows = p_by["all"].loc[sorted(arr.index)]
                for col in AGE_BANDS:
                    rec[col] = _weighted(rows[col], rows["population_municipal"].astype(float))
        else:
            if code not in hh_by_code.index:
                raise DataError(
                    "2024 commune with no 2014 household row",
                    path=census / "households_2014_07.csv",
                    value=code,
                )
            row = hh_by_code.loc[code]
            rec["code_2014"] = code_2014.get(code, code)
            rec["method_2014"] = "renumbered (crosswalk)" if code in code_2014 else "same code"
            for col in HOUSEHOLD_COLUMNS_2014:
                rec[col] = row[col]
            if people is not None:
                for sex, suffix in (("all", ""), ("male", "_male"), ("female", "_female")):
                    prow = p_by[sex].loc[code]
                    cols = PEOPLE_COLUMNS_2014 + (PEOPLE_ALL_ONLY_2014 if sex == "all" else [])
                    for col in cols:
                        rec[col + suffix] = prow[col]
                for col in AGE_BANDS:
                    rec[col] = p_by["all"].loc[code][col]
        records.append(rec)

    df = pd.DataFrame.from_records(records)
    rename = {c: f"{c}_2014" for c in df.columns if c not in ("code", "code_2014", "method_2014")}
    df = df.rename(columns=rename)
    for col in ("households_municipal_population_2014", "households_count_2014"):
        df[col] = df[col].astype("int64")
    if "population_municipal_2014" in df:
        df["population_municipal_2014"] = df["population_municipal_2014"].astype("int64")
    return df
