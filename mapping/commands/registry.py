"""``python -m mapping registry``: validate a registry file, rebuild the default, templates."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mapping.exports import to_csv
from mapping.settings import data_dir


def add_parser(sub: Any) -> None:
    """Register the ``registry`` command and its sub-commands."""
    p = sub.add_parser("registry", help="school registries: validate, build-default, template")
    reg = p.add_subparsers(dest="registry_command", required=True, metavar="ACTION")

    v = reg.add_parser("validate", help="read a registry file and print its validation summary")
    v.add_argument("file", type=Path, help="CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile")
    v.add_argument("--crs", default=None,
                   help="CRS of the coordinates, e.g. EPSG:26191 (default: detected)")
    v.add_argument("--report", type=Path, default=None,
                   help="write the per-row report (CSV) to this file")
    v.add_argument("--rejected", type=Path, default=None,
                   help="write the rejected rows with their reasons (CSV) to this file")
    v.add_argument("--max-mb", type=float, default=None,
                   help="size limit in MiB (default 50, or MAPPING_REGISTRY_MAX_BYTES)")
    v.add_argument("--part", default=None,
                   help="sheet, layer or shapefile to read (default: the first with data)")
    v.set_defaults(run=run_validate)

    b = reg.add_parser("build-default", help="rebuild data/schools/registry_default.csv")
    b.add_argument("--out", type=Path, default=None, help="output file (default: data/...)")
    b.set_defaults(run=run_build_default)

    t = reg.add_parser("template", help="write the CSV and XLSX registry templates")
    t.add_argument("--out", type=Path, required=True, help="output folder")
    t.set_defaults(run=run_template)


def run_validate(args: argparse.Namespace) -> int:
    """Validate a file; exit 1 when any row is rejected, else 0."""
    from mapping.registry import format_summary, read_registry

    max_bytes = None if args.max_mb is None else int(args.max_mb * 1024 * 1024)
    result = read_registry(args.file, args.file.name, crs=args.crs, max_bytes=max_bytes,
                           part=args.part)
    print(f"file: {args.file}")
    if result.parts:
        print(f"read: {result.part} (of {', '.join(result.parts)})")
    print(format_summary(result.summary))
    if result.unsure:
        print("column detection unsure; missing: " + ", ".join(result.missing))
    print("columns used: " + ", ".join(f"{k} -> {v}" for k, v in result.column_map.items()))
    if args.report is not None:
        Path(args.report).write_bytes(to_csv(result.issues))
        print(f"report written to {args.report}")
    if args.rejected is not None:
        Path(args.rejected).write_bytes(to_csv(result.rejected))
        print(f"rejected rows written to {args.rejected}")
    return 1 if result.summary["rejected"] else 0


def run_build_default(args: argparse.Namespace) -> int:
    """Rebuild the default registry from data/ and print the calibration."""
    from mapping.datasets import load_region
    from mapping.registry.default import DEFAULT_FILE, calibrate, write_default

    region = load_region()
    cal = calibrate(region.douars)
    path = write_default(args.out or data_dir() / DEFAULT_FILE, region)
    row = cal.table[cal.table["threshold_km"] == cal.threshold_km].iloc[0]
    print(f"threshold: {cal.threshold_km} km (target {cal.target:.0f} rural primary sites, "
          f"{int(row['douars_former_region'])} former-region douars within it; "
          f"{int(row['with_point_region'])} inferred primary sites with points)")
    print(path)
    return 0


def run_template(args: argparse.Namespace) -> int:
    """Write the registry templates."""
    from mapping.registry.template import write_templates

    for path in write_templates(args.out):
        print(path)
    return 0
