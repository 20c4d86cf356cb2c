"""Reusable Streamlit pieces: the offline map component and the page direction.

``show_map`` is what every page calls to display a folium map: it serves
Leaflet from the app's own static folder (no CDN) and returns what the user
clicked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from mapping.errors import MappingError
from mapping.i18n import is_rtl, t
from mapping.numbers import format_int
from mapping.provenance import analysis_note
from mapping.settings import PROJECT_ROOT
from mapping.web import assets
from ui import state

if TYPE_CHECKING:
    import folium

#: Folder served by Streamlit at ``/app/static`` (``server.enableStaticServing``).
STATIC_DIR = PROJECT_ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"


@st.cache_resource(show_spinner=False)
def install_assets() -> Path:
    """Copy Leaflet files from the xstatic packages into ``static/vendor`` (once per process)."""
    return assets.install_static(VENDOR_DIR)


def asset_prefix() -> str:
    """URL prefix of the vendored Leaflet files, honouring ``server.baseUrlPath``."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


def show_map(m: folium.Map, key: str, height: int = 620) -> dict[str, Any]:
    """Display *m* with streamlit-folium, offline, and return the interaction state.

    Parameters
    ----------
    m
        Map built with :func:`mapping.web.base_map` (any folium map works:
        Leaflet and Leaflet.markercluster are pointed at local files, unused
        folium defaults such as jQuery/Bootstrap are dropped).
    key
        Streamlit key of the component.
    height
        Height in pixels.

    Returns
    -------
    dict
        streamlit-folium's return value: ``last_active_drawing`` (the clicked
        GeoJSON feature, with its ``properties``), ``last_object_clicked_tooltip``
        and ``last_clicked``.
    """
    # imported here: the app's maps use ui.mapview; this folium path (the benchmark's
    # previous path) need not cost its import to every process start
    from streamlit_folium import st_folium

    install_assets()
    missing = assets.localise(m, asset_prefix())
    if missing:
        st.warning(state.t("map.assets_missing", urls=", ".join(missing)))
    out = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked_tooltip", "last_clicked"],
    )
    return dict(out or {})


RTL_CSS = """
<style>
  .stApp, [data-testid="stSidebar"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    direction: rtl; text-align: right;
  }
  [data-testid="stSidebar"] { left: auto; right: 0; }
  [data-testid="stMarkdownContainer"], .stAlert, label, [data-baseweb="select"] { direction: rtl; }
  [data-testid="stHeading"], [data-testid="stHeading"] h1, [data-testid="stHeading"] h2,
  [data-testid="stHeading"] h3, [data-testid="stCaptionContainer"],
  [data-testid="stExpander"] summary, [data-testid="stTabs"] [role="tablist"] {
    direction: rtl; text-align: right !important;
  }
  /* sliders stay left-to-right (values grow to the right), so the fill meets the knob */
  [data-testid="stSlider"] [role="group"], [data-testid="stSlider"] [data-baseweb="slider"],
  [data-testid="stSliderTickBar"] {
    direction: ltr;
  }
  [data-testid="stDataFrame"], iframe { direction: ltr; }
</style>
"""

#: Streamlit's file uploader has no setting for its own texts: they are replaced here.
#: Captions and help texts are darkened to reach WCAG AA contrast (4.5:1) on white.
UPLOADER_CSS = """
<style>
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
  [data-testid="stWidgetLabel"] small, [data-testid="stFileUploaderDropzoneInstructions"] {
    color: #555555 !important; opacity: 1 !important;
  }
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {
    font-size: 0;
  }
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
    content: "{button}"; font-size: 0.875rem;
  }
  [data-testid="stFileUploaderDropzoneInstructions"] > div > span,
  [data-testid="stFileUploaderDropzoneInstructions"] small { font-size: 0; }
  [data-testid="stFileUploaderDropzoneInstructions"] > div::after {
    content: "{drop}"; font-size: 0.875rem;
  }
  /* a file the browser refuses (size, type): Streamlit's own English alert replaced */
  [data-testid="stFileChip"] span[role="alert"] { font-size: 0; }
  [data-testid="stFileChip"] span[role="alert"]::after {
    content: "{refused}"; font-size: 0.875rem;
  }
</style>
"""


def _css_text(text: str) -> str:
    """*text* safe inside a CSS string literal (message catalogue text only)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "").replace("\n", " ")


def uploader_css(lang: str) -> str:
    """CSS writing the file uploader's button and hint in *lang*."""
    return (UPLOADER_CSS.replace("{button}", _css_text(t("ui.upload_button", lang)))
            .replace("{drop}", _css_text(t("ui.upload_drop", lang)))
            .replace("{refused}", _css_text(t("ui.upload_refused", lang))))


def provenance_note(schools: pd.DataFrame, lang: str) -> None:
    """Show, next to an analysis, which share of its schools is inferred or fictitious.

    Call it just above (or below) any result computed from *schools*: scenario,
    siting, supply tables. Shows nothing when every school is surveyed or imported.
    """
    note = analysis_note(schools, lang)
    if note:
        st.warning(note, icon=":material/info:")


def set_direction(lang: str) -> None:
    """Mark the page left-to-right or right-to-left (Arabic), with CSS for the layout.

    An element ``<div id="cs-direction" dir="rtl" lang="ar">`` is placed at the
    top of the page in Arabic (``dir="ltr"`` otherwise), so tests and
    assistive technology can tell the direction.
    """
    direction = "rtl" if is_rtl(lang) else "ltr"
    css = (RTL_CSS if direction == "rtl" else "") + uploader_css(lang)
    st.markdown(
        f'<div id="cs-direction" dir="{direction}" lang="{lang}" style="display:none"></div>{css}',
        unsafe_allow_html=True,
    )


#: The errors a page section (or a widget's callback) shows instead of crashing the page.
SHOWN_ERRORS = (MappingError, ValueError, KeyError, TypeError, RuntimeError)


def error_text(exc: BaseException) -> str:
    """What the page says of *exc*: a project error's message (in the interface language
    when it has a key: :meth:`mapping.errors.MappingError.keyed`), any other with its type."""
    if not isinstance(exc, MappingError):
        return f"{type(exc).__name__}: {exc}"
    if exc.key is None:
        return str(exc)
    lang = state.lang()
    fields = {name: format_int(value, lang) if isinstance(value, int)
              else f"{value:.5f}" if isinstance(value, float) else str(value)
              for name, value in exc.params.items()}
    return state.t(exc.key, **fields)


def guard(fn: Callable[[], Any], message_key: str) -> Any:
    """Run one section of a page; show its error under *message_key* and keep the page alive.

    A project error shows its own message; any other error of the usual kinds shows its
    type too (:func:`error_text`). Returns ``None`` when the section failed.
    """
    try:
        return fn()
    except SHOWN_ERRORS as exc:  # never crash the page
        st.error(state.t(message_key, message=error_text(exc)))
    return None


def kept_tabs(label_keys: Sequence[str], key: str) -> Sequence[Any]:
    """Tabs that run only when open (``.open``) and stay open across a language change.

    Streamlit remembers the open tab by its label, so a new language would reopen
    the first tab. The open tab's translation key is kept beside the widget and
    becomes the tabs' default whenever the language changes (the default is kept
    otherwise: a new default would make a new widget).

    Parameters
    ----------
    label_keys
        Translation keys of the tab labels, in order.
    key
        Widget key; a switch of tab reruns the page.

    Returns
    -------
    Sequence
        The tab containers, as :func:`streamlit.tabs` returns them.
    """
    lang = state.lang()
    opened_key, pinned_key = f"{key}|open", f"{key}|default"
    opened = st.session_state.get(opened_key)
    pinned = st.session_state.get(pinned_key)
    if not (isinstance(pinned, tuple) and pinned[0] == lang and pinned[1] in label_keys):
        pinned = (lang, opened if opened in label_keys else label_keys[0])
        st.session_state[pinned_key] = pinned
    containers = st.tabs([state.t(k) for k in label_keys], key=key,
                         default=state.t(pinned[1]), on_change="rerun")
    for label_key, container in zip(label_keys, containers, strict=True):
        if container.open:
            st.session_state[opened_key] = label_key
    return containers
