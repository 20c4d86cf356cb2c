"""The interactive web map (folium, offline Leaflet): geometry, layers, legends.

Modules
-------
geometry
    The commune coverage simplified once for the web, and its province outlines.
basemap
    The offline-ready base map, province outlines, the layer control.
choropleth
    Communes coloured by an indicator; the categorical layer for typology-style maps.
schools
    School points and their legend.
douars
    Douar points by distance band, scenario and siting layers.
legend
    The HTML of every legend.
control
    The legend as a folium control (import it from there: it imports folium).
assemble
    The one map-assembly function every page and the offline export use.
html
    Escaping of untrusted text.
assets
    Leaflet served from the installed xstatic packages (no CDN).

Folium is imported only when a folium map is built (the offline HTML export, the
previous map path): the app's persistent map uses the HTML and geometry of this
package without it, which saves a new process about 0.4 s.
"""

from __future__ import annotations

from mapping.web.assemble import (
    Categories,
    Choropleth,
    Overlay,
    assemble_map,
)
from mapping.web.assets import (
    DEFAULT_PREFIX,
    OfflineAssetError,
    inline_assets,
    install_static,
    local_assets,
    localise,
    vendor_files,
)
from mapping.web.basemap import (
    add_layer_control,
    add_province_outlines,
    base_map,
)
from mapping.web.choropleth import (
    add_categories,
    add_choropleth,
    commune_name,
    feature_json,
    region_rank,
)
from mapping.web.douars import (
    BAND_COLORS,
    BANDS_KM,
    NO_FIGURE_COLOR,
    SCENARIO_COLOR,
    SITE_COLOR,
    add_douars,
    add_points,
    add_scenario_changes,
    band_color,
    band_labels,
    band_of,
    douar_features,
    douar_legend_html,
    douar_popup,
    douar_radius,
)
from mapping.web.geometry import (
    GRID_SIZE,
    SIMPLIFY_TOLERANCE,
    web_communes,
    web_provinces,
)
from mapping.web.html import (
    esc,
)
from mapping.web.legend import (
    LegendRow,
    legend_box,
    legend_html,
    value_note,
)
from mapping.web.schools import (
    CLUSTER_THRESHOLD,
    CYCLE_COLORS,
    OTHER_COLOR,
    SCHOOL_FIELDS,
    SCHOOL_PANE,
    add_schools,
    add_schools_legend,
    school_fields,
    school_popup,
    school_radius,
    schools_legend_html,
)

__all__ = [
    "BANDS_KM",
    "BAND_COLORS",
    "CLUSTER_THRESHOLD",
    "CYCLE_COLORS",
    "DEFAULT_PREFIX",
    "GRID_SIZE",
    "NO_FIGURE_COLOR",
    "OTHER_COLOR",
    "SCENARIO_COLOR",
    "SCHOOL_FIELDS",
    "SCHOOL_PANE",
    "SIMPLIFY_TOLERANCE",
    "SITE_COLOR",
    "Categories",
    "Choropleth",
    "LegendRow",
    "OfflineAssetError",
    "Overlay",
    "add_categories",
    "add_choropleth",
    "add_douars",
    "add_layer_control",
    "add_points",
    "add_province_outlines",
    "add_scenario_changes",
    "add_schools",
    "add_schools_legend",
    "assemble_map",
    "band_color",
    "band_labels",
    "band_of",
    "base_map",
    "commune_name",
    "douar_features",
    "douar_legend_html",
    "douar_popup",
    "douar_radius",
    "esc",
    "feature_json",
    "inline_assets",
    "install_static",
    "legend_box",
    "legend_html",
    "local_assets",
    "localise",
    "region_rank",
    "school_fields",
    "school_popup",
    "school_radius",
    "schools_legend_html",
    "value_note",
    "vendor_files",
    "web_communes",
    "web_provinces",
]
