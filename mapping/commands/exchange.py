"""``python -m mapping exchange export|validate|import|diff|reconcile``: AREF ↔ HCP packages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.errors import MappingError


def add_parser(sub: Any) -> None:
    """Register ``exchange`` and its actions."""
    p = sub.add_parser("exchange", help="delivery packages between AREF and HCP: export, "
                       "validate, import, diff, reconcile")
    p.add_argument("--database", default=None, metavar="URL_OR_PATH",
                   help="database URL or GeoPackage path (default: the project's store)")
    p.add_argument("--account", default="system", help="account name written in the history")
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    e = acts.add_parser("export", help="build a package (zip) of AREF's registry or HCP's "
                        "indicators")
    e.add_argument("--producer", choices=("aref", "hcp"), required=True)
    e.add_argument("--period", default=None,
                   help="school year (AREF, default 2024-2025) or census (HCP, RGPH 2024)")
    e.add_argument("--out", type=Path, required=True)
    e.set_defaults(run=run_export)

    v = acts.add_parser("validate", help="check a package; print its receipt (exit 1 on error)")
    v.add_argument("package", type=Path)
    v.add_argument("--json", action="store_true", help="print the receipt as JSON")
    v.set_defaults(run=run_validate)

    i = acts.add_parser("import", help="AREF package → a store delivery; HCP package → an "
                        "indicator layer")
    i.add_argument("package", type=Path)
    i.add_argument("--publish", action="store_true", help="publish the delivery at once")
    i.add_argument("--layers", type=Path, default=None,
                   help="folder of imported HCP layers (default: <store folder>/indicators, "
                   "where the catalogue reads the newest one)")
    i.set_defaults(run=run_import)

    d = acts.add_parser("diff", help="what changed between two AREF packages or two "
                        "published states (`published`, `published@YYYY-MM-DD`)")
    d.add_argument("old", help="an AREF package, or published[@DATE] for the store's state")
    d.add_argument("new", help="an AREF package, or published[@DATE] for the store's state")
    d.add_argument("--out", type=Path, required=True, help=".xlsx (one sheet per kind) or .csv")
    d.set_defaults(run=run_diff)

    r = acts.add_parser("reconcile", help="AREF vs HCP figures per commune and cycle")
    r.add_argument("package", type=Path, nargs="?", default=None,
                   help="an AREF package (default: the published registry)")
    r.add_argument("--out", type=Path, required=True, help=".xlsx or .csv report")
    r.set_defaults(run=run_reconcile)


def _store(args: argparse.Namespace) -> Any:
    from mapping.store import open_store

    return open_store(args.database)


def run_export(args: argparse.Namespace) -> int:
    """Write a package of the published registry (AREF) or of RGPH indicators (HCP)."""
    from mapping.datasets import load_region
    from mapping.exchange import export_aref, export_hcp

    region = load_region()
    if args.producer == "aref":
        data = export_aref(_store(args).current_registry(), region.communes,
                           period=args.period or "2024-2025")
    else:
        data = export_hcp(region, period=args.period or "RGPH 2024")
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Print the receipt; exit 1 when the package has any error."""
    from mapping.exchange import validate_package

    receipt = validate_package(args.package)
    if args.json:
        print(json.dumps(receipt.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(receipt.to_text(limit=200))
    return 0 if receipt.valid else 1


def run_import(args: argparse.Namespace) -> int:
    """Import an AREF package as a delivery, or an HCP package as an indicator layer."""
    from mapping.exchange import import_aref, import_hcp, open_package
    from mapping.roles import Actor

    actor = Actor(str(args.account), "admin")
    producer = open_package(args.package).meta.producer
    if producer == "hcp":
        layer, target = import_hcp(args.package, args.layers)
        print(f"indicator layer {layer.version}: {len(layer.indicators)} indicators, "
              f"{len(layer.table)} communes → {target}")
        return 0
    done = import_aref(_store(args), actor, args.package, publish=args.publish)
    state = "published" if done.published else "draft (publish with `db publish`)"
    print(f"delivery {done.delivery_id} ({state}); {done.preview}")
    return 0


def _write_sheets(sheets: dict[str, pd.DataFrame], out: Path, main: str) -> None:
    from mapping.exports import sheets_to_xlsx, to_csv

    if out.suffix.lower() == ".csv":
        out.write_bytes(to_csv(sheets[main]))
        return
    if out.suffix.lower() != ".xlsx":
        raise MappingError(f"--out {out}: write a .xlsx or a .csv file")
    out.write_bytes(sheets_to_xlsx(sheets))


def run_diff(args: argparse.Namespace) -> int:
    """Write the diff report of two AREF packages."""
    from mapping.datasets import load_communes
    from mapping.exchange import diff_registries, open_package, package_registry
    from mapping.exchange.diff import diff_workbook

    def registry(spec: str) -> Any:
        if spec == "published" or spec.startswith("published@"):
            as_of = spec.partition("@")[2] or None
            return _store(args).current_registry(as_of=as_of, include_closed=True)
        return package_registry(open_package(Path(spec)))

    old, new = registry(args.old), registry(args.new)
    diff = diff_registries(old, new)
    sheets = diff_workbook(diff, old, new, load_communes())
    sheets["events"] = diff.events(old, new)
    _write_sheets(sheets, args.out, "events")
    print(f"added {len(diff.added)}, removed {len(diff.removed)}, closed {len(diff.closed)}, "
          f"moved {len(diff.moved)}, id changed {len(diff.id_changed)}, "
          f"field changes {len(diff.changes)} → {args.out}")
    return 0


def run_reconcile(args: argparse.Namespace) -> int:
    """Write the reconciliation report of a package or of the published registry."""
    from mapping.datasets import load_region
    from mapping.exchange import open_package, package_registry
    from mapping.exchange.reconcile import commune_summary, reconcile

    registry = (package_registry(open_package(args.package)) if args.package
                else _store(args).current_registry())
    found = reconcile(load_region(), registry)
    _write_sheets({"discrepancies": found, "communes": commune_summary(found)}, args.out,
                  "discrepancies")
    counts = found["type"].value_counts().to_dict()
    print(", ".join(f"{k} {v}" for k, v in counts.items()) or "no discrepancy", file=sys.stdout)
    return 0
