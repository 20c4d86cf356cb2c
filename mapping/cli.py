"""Command-line interface: ``python -m mapping <command> ...``.

Each command lives in :mod:`mapping.commands` as a module with
``add_parser(subparsers)`` and ``run(args) -> int``; this file only wires them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from mapping.errors import MappingError

#: Command modules under :mod:`mapping.commands`, in help order.
COMMANDS = ("ingest", "registry", "access", "export", "atlas", "accounts", "db", "exchange",
            "serve-api")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available command."""
    parser = argparse.ArgumentParser(
        prog="python -m mapping",
        description="Carte scolaire Marrakech-Safi: data ingest, analyses and exports.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"mapping.commands.{name.replace('-', '_')}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    A :class:`~mapping.errors.MappingError` is printed as one clear line on
    stderr with exit code 2, never as a traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        return int(args.run(args))
    except MappingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
