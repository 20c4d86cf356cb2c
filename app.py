"""Carte scolaire Marrakech-Safi — Streamlit entry point.

Navigation, language and page set-up only; each page lives in ``ui/pages/``.
"""

from __future__ import annotations

import streamlit as st

from ui import state

st.set_page_config(page_title="Carte scolaire Marrakech-Safi", layout="wide")

PAGES = [
    ("ui/pages/map.py", "nav.map", "map", True),
    ("ui/pages/communes.py", "nav.communes", "communes", False),
    ("ui/pages/access.py", "nav.access", "access", False),
    ("ui/pages/remote.py", "nav.remote", "remote", False),
    ("ui/pages/data.py", "nav.data", "data", False),
    ("ui/pages/export.py", "nav.export", "export", False),
]

page = st.navigation(
    [st.Page(path, title=state.t(key), url_path=url, default=default)
     for path, key, url, default in PAGES]
)
page.run()
