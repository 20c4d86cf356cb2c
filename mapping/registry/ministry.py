"""The Ministry of Education's published lists of public schools.

One file per cycle with columns ``NOM_ETABL`` (French name), ``NOM_ETABA``
(Arabic name), ``AdresseL``/``AdresseA`` (addresses), ``LL_COM`` (commune, e.g.
``"Sidi Abdellah Ghiat (CR)"``) and ``LL_PROV`` (e.g. ``"Province: Al Haouz"``),
without coordinates. Schools are joined to HCP communes by normalised name
(:func:`mapping.registry.join.name_key`) within their province; the cycle comes
from a cycle column, else the file name, else the school's name.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd

from mapping.registry.columns import cycle_from_text, detect_columns, header_key
from mapping.registry.readers import RawTable

#: Header keys that identify a Ministry list.
MINISTRY_KEYS = ("nom etabl", "ll com")
_MAP = {
    "nom etabl": "name_fr", "nom etaba": "name_ar", "adressel": "address",
    "ll com": "commune_name", "ll prov": "province_name",
}
#: Column added with the cycle inferred for each row.
CYCLE_COLUMN = "cycle (inferred)"
#: Column added with a stable id when the list has no code column.
ID_COLUMN = "school_id (generated)"


def _ids(table: pd.DataFrame, column_map: dict[str, str]) -> list[str]:
    """Stable ids from name, commune and province: ``MEN-`` + 10 hex digits."""
    parts = [c for c, t in column_map.items() if t in ("name_fr", "name_ar", "commune_name",
                                                        "province_name")]
    out: list[str] = []
    seen: dict[str, int] = {}
    for _, row in table[parts].iterrows():
        text = "|".join(str(v or "") for v in row.tolist())
        sid = "MEN-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        seen[sid] = seen.get(sid, 0) + 1
        out.append(sid if seen[sid] == 1 else f"{sid}-{seen[sid]}")  # same name twice
    return out


def is_ministry(columns: pd.Index) -> bool:
    """Whether the headers are those of a Ministry list."""
    keys = {header_key(str(c)) for c in columns}
    return all(k in keys for k in MINISTRY_KEYS)


def prepare(raw: RawTable, filename: str) -> tuple[RawTable, dict[str, str]]:
    """Column map for a Ministry list, adding an inferred cycle column when needed.

    Returns
    -------
    (RawTable, dict)
        The table (possibly with :data:`CYCLE_COLUMN`) and its column map.
    """
    detected = detect_columns(raw.table.columns).column_map
    column_map: dict[str, str] = {}
    for column in raw.table.columns:
        target = _MAP.get(header_key(str(column))) or detected.get(str(column))
        if target and target not in column_map.values():
            column_map[str(column)] = target
    table = raw.table.copy()
    if "school_id" not in column_map.values():
        table[ID_COLUMN] = pd.Series(_ids(table, column_map), dtype=object)
        column_map[ID_COLUMN] = "school_id"
    if "cycle" in column_map.values():
        return replace(raw, table=table), column_map
    from_file = cycle_from_text(filename)
    names = [c for c, t in column_map.items() if t in ("name_fr", "name_ar")]
    cycles = []
    for _, row in raw.table.iterrows():
        guess = from_file
        for col in names:
            if guess is None and row[col] is not None:
                guess = cycle_from_text(str(row[col]))
        cycles.append(guess)
    table[CYCLE_COLUMN] = pd.Series(cycles, dtype=object)
    column_map[CYCLE_COLUMN] = "cycle"
    return replace(raw, table=table), column_map
