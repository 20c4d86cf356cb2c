"""``python -m mapping access``: official (and computed) access to school per commune, as CSV."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.access import ACCESS_CYCLES, AccessError, computed_access, official_access
from mapping.datasets import load_region
from mapping.exports import to_csv
from mapping.registry import load_default_registry

log = logging.getLogger(__name__)


def add_parser(sub: Any) -> None:
    """Register the ``access`` command."""
    p = sub.add_parser(
        "access",
        help="per-commune distance to school (HCP official figures, plus computed ones)",
        description="Write one row per commune with HCP's official douar-distance indicators "
        "for a cycle and, when the default school registry is available, straight-line "
        "distances computed from the douars with coordinates.",
    )
    p.add_argument("--cycle", required=True, choices=ACCESS_CYCLES)
    p.add_argument("--province", default=None, help="province code, e.g. 07.041 (default: all)")
    p.add_argument("--threshold-km", type=float, default=None,
                   help="distance beyond which people count as far (default 2/5/10 km)")
    p.add_argument("--no-computed", action="store_true",
                   help="skip the computed distances (official figures only)")
    p.add_argument("--out", type=Path, required=True, help="CSV file to write")
    p.set_defaults(run=run)


def build_table(
    cycle: str,
    province: str | None = None,
    threshold_km: float | None = None,
    *,
    computed: bool = True,
) -> pd.DataFrame:
    """The per-commune table the command writes (see :func:`run`)."""
    region = load_region()
    communes = region.communes.set_index("code")
    if province is not None and province not in set(communes["province_code"]):
        raise AccessError(
            f"unknown province code {province!r}: choose one of "
            f"{', '.join(sorted(set(communes['province_code'])))}"
        )
    acc = official_access(region, cycle, threshold_km)
    threshold = threshold_km
    if threshold is None:
        from mapping.access import DEFAULT_OPTIONS

        threshold = DEFAULT_OPTIONS.threshold(cycle)
    head = communes[["name_fr", "name_ar", "type", "province_code"]].copy()
    head.insert(0, "cycle", cycle)
    head.insert(1, "threshold_km", float(threshold))
    out = head.join(acc)
    if computed:
        registry = load_default_registry()
        comp = computed_access(region, registry, cycle, threshold_km)
        out = out.join(comp)
        out["computed_registry"] = str(registry.attrs.get("name", "default"))
    if province is not None:
        out = out[out["province_code"] == province]
    out.index.name = "code"
    return pd.DataFrame(out)


def run(args: argparse.Namespace) -> int:
    """Write the CSV and print its path."""
    table = build_table(args.cycle, args.province, args.threshold_km,
                        computed=not args.no_computed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(to_csv(table.reset_index()))
    print(f"{args.out} ({len(table)} communes)")
    return 0
