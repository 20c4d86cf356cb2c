"""``python -m mapping export map|table``: a printable map, or the filtered commune table."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mapping.catalogue import LANGS
from mapping.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
from mapping.filters import Selection


def add_parser(sub: Any) -> None:
    """Register ``export`` and its ``map`` and ``table`` sub-commands."""
    p = sub.add_parser("export", help="export a printable map (PNG/PDF) or the commune table")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")

    m = kinds.add_parser("map", help="an A4 map of one indicator (PNG 300 dpi or PDF)")
    m.add_argument("--indicator", required=True, help="catalogue indicator id")
    m.add_argument("--province", default=None, help="HCP province code, e.g. 07.041")
    m.add_argument("--scheme", choices=[s for s in SCHEMES if s != "manual"],
                   default="quantiles")
    m.add_argument("--k", type=int, default=5, choices=range(MIN_CLASSES, MAX_CLASSES + 1),
                   metavar=f"{{{MIN_CLASSES}..{MAX_CLASSES}}}", help="number of classes")
    m.add_argument("--lang", choices=LANGS, default="fr")
    m.add_argument("--orientation", choices=("landscape", "portrait"), default="landscape")
    m.add_argument("--labels", action="store_true", help="write commune names")
    m.add_argument("--schools", action="store_true",
                   help="draw the default school registry's points")
    m.add_argument("--dpi", type=int, default=300, help="PNG resolution (default 300)")
    m.add_argument("--format", choices=("png", "pdf"), required=True)
    m.add_argument("--out", type=Path, required=True)
    m.set_defaults(run=run_map)

    t = kinds.add_parser("table", help="the commune table of a province or the region")
    t.add_argument("--province", default=None, help="HCP province code, e.g. 07.041")
    t.add_argument("--lang", choices=LANGS, default="fr")
    t.add_argument("--format", choices=("csv", "xlsx", "gpkg"), required=True)
    t.add_argument("--out", type=Path, required=True)
    t.set_defaults(run=run_table)


def _selection(region: Any, province: str | None) -> Selection:
    if province is None:
        return Selection()
    from mapping.printing.atlas import check_province

    check_province(region.provinces, province)
    return Selection(provinces=(province,))


def _registry() -> Any:
    from mapping.registry import load_default_registry

    return load_default_registry()


def run_map(args: argparse.Namespace) -> int:
    """Render one map and write it."""
    from mapping import printing
    from mapping.datasets import load_region
    from mapping.table import indicator_table

    region = load_region()
    selection = _selection(region, args.province)
    registry = _registry()
    table = indicator_table(region, registry)
    fig = printing.render_map(
        table, args.indicator, selection=selection, scheme=args.scheme, k=args.k,
        lang=args.lang, orientation=args.orientation,
        schools=registry if args.schools else None, provinces=region.provinces,
        labels=args.labels,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    printing.save(fig, args.out, args.format, dpi=args.dpi)
    print(args.out)
    return 0


def run_table(args: argparse.Namespace) -> int:
    """Export the (filtered) commune table."""
    from mapping import exports
    from mapping.datasets import load_region
    from mapping.table import indicator_table

    region = load_region()
    selection = _selection(region, args.province)
    registry = _registry()
    table = indicator_table(region, registry)
    data = exports.export_table(region, table, selection, args.format, registry=registry,
                                lang=args.lang)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(args.out)
    return 0
