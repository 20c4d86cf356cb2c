"""``python -m mapping serve-api``: read-only OGC API – Features over the published registry.

On PostGIS the schools are read live (a publish shows without restarting); on
the GeoPackage store a snapshot is refreshed when the store changes. See
:mod:`mapping.exchange.api`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    """Register the ``serve-api`` command."""
    p = sub.add_parser("serve-api", help="serve the published registry and the communes as "
                       "OGC API - Features (read-only, pygeoapi)")
    p.add_argument("--database", default=None, metavar="URL_OR_PATH",
                   help="database URL or GeoPackage path (default: the project's store)")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default loopback)")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--folder", type=Path, default=None,
                   help="where to write the configuration (and the GeoPackage snapshot); "
                   "default: a new temporary folder")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Prepare the collections (PostGIS view or GeoPackage snapshot), then serve them."""
    from mapping.datasets import load_communes
    from mapping.exchange.api import build_site, serve
    from mapping.store import open_store

    store = open_store(args.database)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="carte-ogcapi-"))
    site = build_site(folder, store, load_communes(), host=args.host, port=args.port)
    how = ("live from PostGIS" if site.snapshot is None
           else "GeoPackage snapshot, refreshed when the store changes")
    print(f"OGC API - Features at {site.url} ({how})", flush=True)
    serve(site, args.host, args.port)
    return 0
