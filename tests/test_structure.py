"""The library's rooms: no import circle, nothing imports upward, no UI in the library."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "mapping"

#: Analyses and the data they stand on: they never reach the layers built on top of them.
LOWER = ("mapping.catalogue", "mapping.datasets", "mapping.census", "mapping.supply",
         "mapping.access", "mapping.distance_learning", "mapping.planning", "mapping.registry",
         "mapping.schema", "mapping.settings", "mapping.errors", "mapping.classify",
         "mapping.filters")
#: Built on the analyses: the declared themes, the catalogue, and what presents results.
UPPER = ("mapping.themes", "mapping.indicators", "mapping.table", "mapping.web",
         "mapping.printing", "mapping.exports", "mapping.commands", "mapping.cli",
         "mapping.exchange")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Project modules imported by *path* (at any depth of the file)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import submodule`` depends on the submodule, not on the facade
            subs = [f"{node.module}.{a.name}" for a in node.names]
            names = [s for s in subs if s in known]
            if len(names) < len(subs):
                names.append(node.module)
        else:
            continue
        out |= {n for n in names if n in known}
    return out


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    for name, path in mods.items():
        g.add_node(name)
        for target in _imports(path, set(mods)):
            if target != name:
                g.add_edge(name, target)
    return g


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_no_import_circle(graph: nx.DiGraph) -> None:
    # a package's facade importing its own modules is not a circle; a module importing
    # the facade of its own package (or any loop between modules) is
    cycles = [c for c in nx.simple_cycles(graph) if len(c) > 1]
    assert cycles == []


def test_nothing_imports_upward(graph: nx.DiGraph) -> None:
    upward = sorted(
        f"{a} -> {b}" for a, b in graph.edges
        if _within(a, LOWER) and _within(b, UPPER)
    )
    assert upward == []


def test_library_has_no_ui_and_no_benchmark_harness() -> None:
    banned = ("streamlit", "ui", "benchmarks", "playwright")
    offenders = []
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            offenders += [f"{path.relative_to(ROOT)} imports {r}" for r in roots if r in banned]
    assert offenders == []


def test_the_readme_module_map_names_every_room() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rooms = sorted(p.name for p in PKG.iterdir()
                   if p.is_dir() and (p / "__init__.py").exists())
    missing = [r for r in rooms if f"{r}/" not in readme]
    assert missing == [], "describe every mapping/ folder in the README's module map"



def _magic_lines(path: Path) -> list[int]:
    """Lines of bare expressions Streamlit's "magic" would write (a value alone on a line)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Expr) or isinstance(
                node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
            continue
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue  # docstrings (magic leaves them out too)
        found.append(node.lineno)
    return found


def test_pages_write_through_calls_only(tmp_path: Path) -> None:
    # .streamlit/config.toml turns "magic" off: a bare expression would show nothing
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "magicEnabled = false" in config
    scripts = [ROOT / "app.py", ROOT / "serve.py", *sorted((ROOT / "ui" / "pages").glob("*.py"))]
    assert len(scripts) > 9
    assert {script.name: _magic_lines(script) for script in scripts if _magic_lines(script)} == {}
    probe = tmp_path / "page.py"  # the check does see a bare name
    probe.write_text('"""Doc."""\nimport streamlit as st\n\nvalue = 1\nvalue\n', "utf-8")
    assert _magic_lines(probe) == [5]
