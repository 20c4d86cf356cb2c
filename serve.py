"""The app process: ``streamlit run serve.py`` serves ``app.py`` with the project's HTTP layer.

``app.py`` stays the Streamlit script (pages, ``AppTest``); this file wraps it in
an ``st.App``:

* its middleware lets browsers keep the map's content-hashed files (:mod:`ui.http`);
* its lifespan warms the process as it starts (:func:`ui.warmup.warm_in_background`:
  one run of the app fills the caches before the first visitor needs them).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import streamlit as st
from starlette.middleware import Middleware

from ui.http import ImmutableAssets
from ui.warmup import warm_in_background


@contextlib.asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    warm_in_background(int(st.get_option("server.port")),
                       str(st.get_option("server.baseUrlPath") or ""))
    yield None


app = st.App("app.py", middleware=[Middleware(ImmutableAssets)], lifespan=_lifespan)
