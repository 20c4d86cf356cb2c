"""The persistent map component of the app.

The commune geometry reaches each browser once, at a content-hashed static
URL (:mod:`ui.mapview.geometry`); each rerun sends only per-commune styles,
legends and changed point layers (:mod:`ui.mapview.payload`); the browser side
(``mapview.js``, Leaflet from the vendored files) restyles in place and
returns clicks, layer switches and pan/zoom as component state and triggers
(:mod:`ui.mapview.component`).

The Python modules :mod:`~ui.mapview.geometry` and :mod:`~ui.mapview.payload`
do not import Streamlit; only :mod:`~ui.mapview.component` does.
"""
