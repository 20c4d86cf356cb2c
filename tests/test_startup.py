"""What a new app process imports before its first map: only what that map needs.

A library imported at the start of a process is paid by the first visitor of every
new process (``mapview.cold_start_s`` in the benchmark): these were measured at
0.2-1.4 s each on the development machine and are imported on first use instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mapping.settings import PROJECT_ROOT

#: Imported by the features that need them, never by the map page's first run.
ON_FIRST_USE = (
    "folium",             # the offline HTML export and the previous map path
    "branca",
    "streamlit_folium",
    "mapclassify",        # natural breaks only (mapping.classify)
    "sklearn",
    "matplotlib.pyplot",  # printed maps
    "scipy.stats",
    "scipy.spatial",      # nearest schools and siting (mapping.access)
    "alembic",            # schema upgrades (mapping.store.migrate)
    "requests",
)

_FIRST_RUN = """
import json, logging, sys
logging.disable(logging.WARNING)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120).run()
print(json.dumps({"errors": [e.message for e in at.exception],
                  "title": [t.value for t in at.title],
                  "imported": [m for m in MODULES if m in sys.modules]}))
"""


def _first_run(tmp_path: Path) -> dict[str, list[str]]:
    env = {**os.environ, "CARTE_SCOLAIRE_STORE_DIR": str(tmp_path)}
    # the database exists (a new one is created and upgraded with Alembic, once)
    subprocess.run([sys.executable, "-c", "from mapping.store import open_store; open_store()"],
                   cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=300)
    code = f"MODULES = {ON_FIRST_USE!r}\n{_FIRST_RUN}"
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    result: dict[str, list[str]] = json.loads(out.strip().splitlines()[-1])
    return result


def test_the_first_map_imports_no_library_it_does_not_use(tmp_path: Path) -> None:
    result = _first_run(tmp_path)
    assert result["errors"] == [] and result["title"] == ["Carte"]
    assert result["imported"] == []
    # the check sees an import: the folium export path does import folium
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from mapping import web; "
         "web.base_map(); print('folium' in sys.modules, 'mapclassify' in sys.modules)"],
        cwd=PROJECT_ROOT, check=True, capture_output=True, text=True).stdout.split()
    assert probe == ["True", "False"]
