"""The Streamlit side of the persistent map: register the component, mount it, read events.

The component (custom components v2, mounted in the page, no iframe) is
registered once at import with a tiny inline loader: Streamlit re-sends a
component's inline code with every rerun, so the real script and style sheet
(``mapview.js``, ``mapview.css``) are published once at content-hashed static
URLs (:func:`publish_code`) that the browser imports and caches.
:func:`show` mounts it with the rerun's ``data``
(see :func:`ui.mapview.payload.map_data`) and returns the interaction as a
:class:`MapEvents`; call it inside an ``st.fragment`` so that map
interactions rerun only what depends on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from ui.mapview.geometry import publish_bytes

_HERE = Path(__file__).parent
HTML = '<div class="cs-mapview"><div class="cs-map"></div></div>'
#: Inline part of the component: import the published module once per tab, then render.
LOADER = """
export default function (component) {
  const d = component.data || {};
  if (!window.__csMapview || window.__csMapviewUrl !== d.module) {
    window.__csMapviewUrl = d.module;
    window.__csMapview = import(new URL(d.module, window.location.href).href);
    if (d.style && !document.querySelector('link[data-cs-mapview="' + d.style + '"]')) {
      const link = document.createElement("link");
      link.rel = "stylesheet"; link.href = d.style; link.setAttribute("data-cs-mapview", d.style);
      document.head.appendChild(link);
    }
  }
  let cleanup = null, gone = false;
  window.__csMapview.then((m) => { if (!gone) cleanup = m.default(component); });
  return () => { gone = true; if (cleanup) cleanup(); };
}
"""

_component = st.components.v2.component(
    "carte_scolaire.mapview",
    html=HTML,
    js=LOADER,
    isolate_styles=False,
)


def publish_code(static_dir: Path, url_prefix: str = "/app/static") -> tuple[str, str]:
    """Write ``mapview.js`` and ``mapview.css`` at content-hashed URLs; return both URLs."""
    js_url, _p, _d = publish_bytes((_HERE / "mapview.js").read_bytes(), static_dir, url_prefix,
                                   "mapview", ".js")
    css_url, _p, _d = publish_bytes((_HERE / "mapview.css").read_bytes(), static_dir,
                                    url_prefix, "mapview", ".css")
    return js_url, css_url


@dataclass(frozen=True)
class MapEvents:
    """What the user did on the map during this run.

    Attributes
    ----------
    commune_click
        ``{"code", "lat", "lon", "n"}`` of a commune clicked in this run, else ``None``.
    map_click
        ``{"lat", "lon", "code", "n"}`` of a click in "add a school here" mode, else ``None``.
    point_click
        ``{"layer", "index", "n"}`` of a clicked point of a clickable layer, else ``None``.
    layers
        Ids of the layers switched on, once the user toggled one (else ``None``).
    view
        ``{"lat", "lon", "zoom"}`` after the user panned or zoomed (else ``None``).
    """

    commune_click: dict[str, Any] | None = None
    map_click: dict[str, Any] | None = None
    point_click: dict[str, Any] | None = None
    layers: list[str] | None = None
    view: dict[str, Any] | None = None


def _noop() -> None:
    return None


def _events(result: Any) -> MapEvents:
    def get(name: str) -> Any:
        try:
            return result[name]
        except (KeyError, TypeError, IndexError):
            return getattr(result, name, None)

    return MapEvents(
        commune_click=get("commune_click"),
        map_click=get("map_click"),
        point_click=get("point_click"),
        layers=get("layers"),
        view=get("view"),
    )


def current_events(key: str) -> MapEvents:
    """The events of the map *key* as they stand, e.g. inside an ``on_event`` callback.

    Reading them in the callback (before the rerun) lets the page draw the
    clicked commune's highlight in the same rerun that shows its panel.
    """
    return _events(st.session_state.get(key) or {})


def show(
    data: Mapping[str, Any],
    key: str,
    *,
    code: tuple[str, str],
    on_event: Callable[[], None] | None = None,
) -> MapEvents:
    """Mount (or update) the map with this rerun's *data* and return the user's events.

    Parameters
    ----------
    data
        :func:`ui.mapview.payload.map_data` output.
    code
        URLs of the published script and style sheet (:func:`publish_code`, cache it
        per process).
    key
        Streamlit key; the same key keeps the same map (and its downloaded geometry).
    on_event
        Callback run before the rerun that an event triggers.

    Returns
    -------
    MapEvents
    """
    cb = on_event or _noop
    result = _component(
        key=key,
        data={**data, "module": code[0], "style": code[1]},
        height=int(data.get("height", 620)),
        on_commune_click_change=cb,
        on_map_click_change=cb,
        on_point_click_change=cb,
        on_layers_change=cb,
        on_view_change=cb,
    )
    return _events(result)
