"""``python -m mapping ingest``: rebuild data/ from the raw official files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mapping.ingest import build_all
from mapping.settings import PROJECT_ROOT, data_dir


def add_parser(sub: Any) -> None:
    """Register the ``ingest`` command."""
    p = sub.add_parser("ingest", help="rebuild data/ from the raw HCP and OSM files")
    p.add_argument(
        "--source", type=Path, default=PROJECT_ROOT.parent / "shared" / "data",
        help="raw data folder (default: ../shared/data)",
    )
    p.add_argument("--dest", type=Path, default=None, help="output folder (default: data/)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build every extract and list the files written."""
    for path in build_all(args.source, args.dest or data_dir()):
        print(path)
    return 0
