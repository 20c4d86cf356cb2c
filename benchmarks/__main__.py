"""``python -m benchmarks``: print speed and size figures and write them as JSON."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks import run_all


def build_parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run the benchmark suite, print a table and write the figures as JSON. "
                    "Figures depend on the machine: compare runs made on the same one.",
    )
    p.add_argument("--out", type=Path, default=None, help="JSON file to write (e.g. bench.json)")
    p.add_argument("--quick", action="store_true",
                   help="reduced sizes for a smoke check (a few tens of seconds)")
    p.add_argument("--no-browser", action="store_true",
                   help="skip the headless-browser measurements (cold start, reruns, memory)")
    p.add_argument("--load", action="store_true",
                   help="also run concurrent browser sessions through the three user journeys "
                        "(20 sessions; 4 with --quick)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random points (default 0)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table, write the JSON report."""
    args = build_parser().parse_args(argv)
    report = run_all(
        quick=args.quick, browser=not args.no_browser, load=args.load, seed=args.seed,
        progress=lambda step: print(f"... {step}", file=sys.stderr, flush=True),
    )
    print(report.table())
    if args.out is not None:
        report.write_json(args.out)
        print(f"figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
