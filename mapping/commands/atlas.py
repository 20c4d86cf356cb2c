"""``python -m mapping atlas``: the PDF atlas of a province."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mapping.catalogue import LANGS
from mapping.datasets import load_region
from mapping.errors import MappingError
from mapping.printing import atlas


def add_parser(sub: Any) -> None:
    """Register the ``atlas`` command."""
    p = sub.add_parser("atlas", help="build the PDF atlas of a province (or of all provinces)")
    p.add_argument("--province", default=None,
                   help="HCP province code, e.g. 07.041; omit with --all")
    p.add_argument("--all", action="store_true",
                   help="build one atlas per province into --out (a folder)")
    p.add_argument("--indicators", default=",".join(atlas.DEFAULT_INDICATORS),
                   help="comma-separated catalogue ids (default: six census indicators)")
    p.add_argument("--lang", choices=LANGS, default="fr")
    p.add_argument("--no-schools", action="store_true",
                   help="leave the default registry's school points off the maps")
    p.add_argument("--out", type=Path, required=True, help="PDF file, or folder with --all")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the atlas and print the file(s) written."""

    ids = [i.strip() for i in args.indicators.split(",") if i.strip()]
    region = load_region()
    registry = None
    if not args.no_schools:
        from mapping.registry import load_default_registry

        registry = load_default_registry()
    if args.all:
        for path in atlas.build_all_atlases(region, ids, args.out, args.lang, registry):
            print(path)
        return 0
    if not args.province:
        raise MappingError("give --province CODE (e.g. 07.041), or --all with a folder")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pages = atlas.build_atlas(region, args.province, ids, lang=args.lang, registry=registry,
                              out=args.out)
    print(f"{args.out} ({pages} pages)")
    return 0
