"""Carte scolaire Marrakech-Safi — Streamlit entry point.

Navigation, language, sidebar filters and the URL view state; each page lives
in ``ui/pages/``.
"""

from __future__ import annotations

import logging

import streamlit as st

from mapping.catalogue import LANGS
from mapping.classify import SCHEMES
from mapping.schema import AREA_TYPES, CYCLES, SECTORS
from ui import auth, components, sidebar, state, viewstate

LOG = logging.getLogger("carte_scolaire")


st.set_page_config(page_title="Carte scolaire Marrakech-Safi", layout="wide",
                   initial_sidebar_state="expanded")

PAGES = [
    ("ui/pages/map.py", "nav.map", "map", True),
    ("ui/pages/communes.py", "nav.communes", "communes", False),
    ("ui/pages/access.py", "nav.access", "access", False),
    ("ui/pages/remote.py", "nav.remote", "remote", False),
    ("ui/pages/planning.py", "planning.nav", "planning", False),
    ("ui/pages/data.py", "nav.data", "data", False),
    ("ui/pages/schools.py", "store.schools.nav", "schools", False),
    ("ui/pages/export.py", "nav.export", "export", False),
    ("ui/pages/exchange.py", "exchange.ui.nav", "exchange", False),
]


def _in(options: object) -> object:
    allowed = set(options)  # type: ignore[call-overload]

    def check(value: object) -> object:
        if isinstance(value, list):
            return [v for v in value if v in allowed]
        return value if value in allowed else None

    return check


viewstate.restore({
    "lang": _in(LANGS),
    "f_area": _in(["", *AREA_TYPES]),
    "f_cycles": _in(CYCLES),
    "f_sectors": _in(SECTORS),
    "m_scheme": _in(SCHEMES),
    "m_k": lambda k: k if 3 <= k <= 9 else None,
})

lang = sidebar.language_selector()
components.set_direction(lang)
auth.gate()  # sign-in block; stops here when viewing needs an account
allowed = auth.allowed_pages([url for _path, _key, url, _default in PAGES])
page = st.navigation(
    [st.Page(path, title=state.t(key), url_path=url, default=default)
     for path, key, url, default in PAGES if url in allowed]
)
try:
    sidebar.filters()
    page.run()
except Exception as exc:  # error boundary: one failing page never takes the app down
    # (st.stop/st.rerun raise BaseException subclasses and pass through)
    LOG.exception("page %s failed", page.url_path)
    st.error(state.t("ui.page_error", message=f"{type(exc).__name__}: {exc}"))
finally:
    viewstate.sync_query()
st.caption(state.t("app.sources_footer"))
