"""``python -m mapping db``: the school database — upgrade, import, deliveries, history, export.

Every action works on ``--database`` (a URL or a GeoPackage path), default
``$CARTE_SCOLAIRE_DATABASE_URL``, else the embedded GeoPackage in
``$CARTE_SCOLAIRE_STORE_DIR`` (``<project>/var``). Changes are recorded under
the account given by ``--account`` (default ``system``), with the rights of
whoever administers the machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mapping.errors import MappingError
from mapping.exports import to_csv
from mapping.roles import Actor


def add_parser(sub: Any) -> None:
    """Register the ``db`` command and its actions."""
    p = sub.add_parser("db", help="school database: upgrade, import, deliveries, history, export")
    p.add_argument("--database", default=None, metavar="URL_OR_PATH",
                   help="database URL or GeoPackage path (default: $CARTE_SCOLAIRE_DATABASE_URL, "
                        "else var/schools.gpkg)")
    p.add_argument("--account", default="system",
                   help="account name written in the history (default: system)")
    db = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")

    u = db.add_parser("upgrade", help="create or upgrade the schema (Alembic), seed a new database")
    u.set_defaults(run=run_upgrade)

    i = db.add_parser("import", help="read a registry file into a delivery (and publish it)")
    i.add_argument("file", type=Path, help="CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile or "
                                           "Ministry list")
    mode = i.add_mutually_exclusive_group()
    mode.add_argument("--full", dest="mode", action="store_const", const="full",
                      help="full snapshot: schools absent from the file are closed")
    mode.add_argument("--partial", dest="mode", action="store_const", const="partial",
                      help="partial delivery: updates and additions only (default)")
    i.add_argument("--publish", action="store_true", help="publish the delivery at once")
    i.add_argument("--crs", default=None, help="CRS of the coordinates (default: detected)")
    i.add_argument("--note", default=None, help="note kept with the delivery")
    i.set_defaults(run=run_import, mode="partial")

    d = db.add_parser("deliveries", help="list the deliveries, newest first")
    d.set_defaults(run=run_deliveries)

    h = db.add_parser("history", help="every change of one school")
    h.add_argument("school_id")
    h.set_defaults(run=run_history)

    e = db.add_parser("export", help="write the registry (now or as of a date) to a file")
    e.add_argument("--as-of", default=None, metavar="DATE",
                   help="YYYY-MM-DD (end of that day, UTC) or an ISO date-time; default now")
    e.add_argument("--out", type=Path, required=True, help=".csv, .gpkg or .geojson file")
    e.set_defaults(run=run_export)


def _actor(args: argparse.Namespace) -> Actor:
    return Actor(str(args.account), "admin")


def _open(args: argparse.Namespace, seed: bool = True) -> Any:
    from mapping.store import open_store

    return open_store(args.database, seed=seed)


def run_upgrade(args: argparse.Namespace) -> int:
    """Upgrade the schema and seed a new database with the default registry."""
    from mapping.store import head_revisions, open_store

    store = open_store(args.database, upgrade=False, seed=False)
    store.upgrade(_actor(args))
    seeded = store.seed_default(_actor(args))
    print(f"{store.url}: schema at {', '.join(head_revisions())}"
          + (f"; default registry published as delivery {seeded}" if seeded else ""))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import a file as a delivery; print its report and the changes it makes."""
    from mapping.registry import format_summary

    store = _open(args)
    outcome = store.import_file(_actor(args), args.file, args.file.name, mode=args.mode,
                                note=args.note, crs=args.crs, publish=args.publish)
    print(f"delivery {outcome.delivery_id} ({args.mode}) from {args.file}")
    print(format_summary(outcome.imported.summary))
    counts = outcome.preview.counts
    print("changes: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("published" if outcome.published else
          "draft: publish it from the Data page or import again with --publish")
    return 0


def run_deliveries(args: argparse.Namespace) -> int:
    """Print the deliveries."""
    frame = _open(args).deliveries()
    cols = ["delivery_id", "kind", "mode", "status", "received_at", "received_by",
            "source_name", "accepted", "rejected", "warnings"]
    print(frame[cols].to_string(index=False) if len(frame) else "no delivery")
    return 0


def run_history(args: argparse.Namespace) -> int:
    """Print a school's history; exit 1 when it has none."""
    frame = _open(args).history(args.school_id)
    if frame.empty:
        print(f"no change recorded for school {args.school_id!r}")
        return 1
    print(frame.to_string(index=False))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the registry now or as of a date."""
    registry = _open(args).current_registry(as_of=args.as_of)
    out = Path(args.out)
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        out.write_bytes(to_csv(registry))
    elif suffix in (".gpkg", ".geojson"):
        driver = "GPKG" if suffix == ".gpkg" else "GeoJSON"
        registry.to_file(out, driver=driver, **({"layer": "schools"} if driver == "GPKG" else {}))
    else:
        raise MappingError(f"cannot write {out}: use a .csv, .gpkg or .geojson file name")
    print(f"{len(registry)} schools" + (f" as of {args.as_of}" if args.as_of else "")
          + f" written to {out}")
    return 0
