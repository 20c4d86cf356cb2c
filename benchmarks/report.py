"""Figures and reports of the benchmark suite, and the helpers that time a measurement."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Note attached to a figure whose code is missing.
NOT_AVAILABLE = "n/a (not available)"


@dataclass
class Figure:
    """One measured figure.

    Attributes
    ----------
    key
        Stable identifier, e.g. ``"nearest.ours_s"``; JSON consumers use it.
    label
        What was measured, in one line.
    value
        The figure, or ``None`` when it could not be measured.
    unit
        ``"s"``, ``"ms"``, ``"bytes"``, ``"MiB"``, ``"x"`` (ratio) or ``""``.
    note
        How it was measured, or why it is missing.
    """

    key: str
    label: str
    value: float | int | str | None
    unit: str = ""
    note: str = ""

    def shown(self) -> str:
        """The value formatted for the table."""
        if self.value is None:
            return NOT_AVAILABLE if not self.note else "n/a"
        if isinstance(self.value, float):
            if self.unit in ("s", "x"):
                return f"{self.value:.3f}"
            return f"{self.value:,.1f}"
        if isinstance(self.value, int):
            return f"{self.value:,}"
        return str(self.value)


def missing(key: str, label: str, unit: str = "", why: str = "") -> Figure:
    """A figure that could not be measured because code is not available."""
    note = NOT_AVAILABLE + (f": {why}" if why else "")
    return Figure(key, label, None, unit, note)


def failed(key: str, label: str, unit: str, exc: BaseException) -> Figure:
    """A figure whose measurement raised *exc* (reported, so the suite goes on)."""
    msg = str(exc).splitlines()[0][:160] if str(exc) else ""
    return Figure(key, label, None, unit, f"failed: {type(exc).__name__}: {msg}")


@dataclass
class Report:
    """A list of figures with the context needed to compare runs."""

    figures: list[Figure] = field(default_factory=list)
    quick: bool = False
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                               time.gmtime()))

    def add(self, figures: Sequence[Figure]) -> None:
        """Append *figures*."""
        self.figures.extend(figures)

    def get(self, key: str) -> Figure | None:
        """The figure called *key*, if measured."""
        return next((f for f in self.figures if f.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready content: machine description and every figure."""
        return {
            "started": self.started,
            "quick": self.quick,
            "machine": machine(),
            "figures": [asdict(f) for f in self.figures],
            "values": {f.key: f.value for f in self.figures},
        }

    def write_json(self, path: Path) -> None:
        """Write the report as JSON to *path*."""
        path.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")

    def table(self) -> str:
        """A plain-text table: label, value, unit, note."""
        rows = [(f.label, f.shown(), f.unit, f.note) for f in self.figures]
        w0 = max([len("measure")] + [len(r[0]) for r in rows])
        w1 = max([len("value")] + [len(r[1]) for r in rows])
        w2 = max([len("unit")] + [len(r[2]) for r in rows])
        lines = [f"{'measure':<{w0}}  {'value':>{w1}}  {'unit':<{w2}}  note",
                 f"{'-' * w0}  {'-' * w1}  {'-' * w2}  ----"]
        lines += [f"{a:<{w0}}  {b:>{w1}}  {c:<{w2}}  {d}".rstrip() for a, b, c, d in rows]
        return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_mib": round(mem_kib / 1024),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run *fn* once; return (seconds, result)."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Run *fn* *repeat* times; return (fastest seconds, last result).

    The fastest run is the least disturbed by other processes on the machine.
    """
    best = float("inf")
    result: Any = None
    for _ in range(max(1, repeat)):
        secs, result = timed(fn)
        best = min(best, secs)
    return best, result


def _optional(module: str, name: str) -> Any | None:
    """``module.name`` if both exist, else ``None`` (the code has not landed)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)
