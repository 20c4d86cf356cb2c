"""The app process: ``streamlit run serve.py`` serves ``app.py`` with the project's HTTP layer.

``app.py`` stays the Streamlit script (pages, ``AppTest``); this file wraps it in
an ``st.App`` so the browser may cache the map's content-hashed files
(:mod:`ui.http`).
"""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from ui.http import ImmutableAssets

app = st.App("app.py", middleware=[Middleware(ImmutableAssets)])
