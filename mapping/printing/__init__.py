"""Printed maps (A4 PNG/PDF with legend, scale bar, north arrow, locator, sources) and atlases.

Modules
-------
map
    Draws the map body and assembles the page.
view
    What is mapped and the texts describing it.
layout
    Page sizes and positions.
parts
    Legend, scale bar, north arrow, locator, frame, footer.
geometry
    Geometry projected to EPSG:32629 and cached as matplotlib paths.
atlas
    The PDF atlas of a province.
shaping
    Arabic shaping and fonts.
"""

from __future__ import annotations

from mapping.printing.atlas import (
    RANKED,
    build_all_atlases,
    build_atlas,
    check_indicators,
    check_province,
    ranking,
    write_atlas,
)
from mapping.printing.geometry import (
    SIMPLIFY_M,
    Projected,
    geometry_key,
    outline_paths,
    project,
    school_points,
)
from mapping.printing.layout import (
    A4_LANDSCAPE,
    A4_PORTRAIT,
    ATLAS,
    LANDSCAPE,
    PORTRAIT,
    Layout,
    fit_extent,
    mirror_rect,
)
from mapping.printing.map import (
    CONTEXT_COLOR,
    EDGE_COLOR,
    PDF_FONTTYPE,
    Format,
    Orientation,
    draw_map,
    render_map,
    save,
)
from mapping.printing.parts import (
    HIGHLIGHT,
    PROVINCE_EDGE,
    draw_footer,
    draw_frame,
    halo_text,
    legend,
    locator,
    nice_length,
    north_arrow,
    scale_bar,
    text,
    today,
)
from mapping.printing.shaping import (
    families,
    has_arabic,
    register_fonts,
    shape,
)
from mapping.printing.view import (
    EmptySelectionError,
    View,
    make_view,
    number,
    registry_lines,
    subtitle,
    territory_name,
)

__all__ = [
    "A4_LANDSCAPE",
    "A4_PORTRAIT",
    "ATLAS",
    "CONTEXT_COLOR",
    "EDGE_COLOR",
    "HIGHLIGHT",
    "LANDSCAPE",
    "PDF_FONTTYPE",
    "PORTRAIT",
    "PROVINCE_EDGE",
    "RANKED",
    "SIMPLIFY_M",
    "EmptySelectionError",
    "Format",
    "Layout",
    "Orientation",
    "Projected",
    "View",
    "build_all_atlases",
    "build_atlas",
    "check_indicators",
    "check_province",
    "draw_footer",
    "draw_frame",
    "draw_map",
    "families",
    "fit_extent",
    "geometry_key",
    "halo_text",
    "has_arabic",
    "legend",
    "locator",
    "make_view",
    "mirror_rect",
    "nice_length",
    "north_arrow",
    "number",
    "outline_paths",
    "project",
    "ranking",
    "register_fonts",
    "registry_lines",
    "render_map",
    "save",
    "scale_bar",
    "school_points",
    "shape",
    "subtitle",
    "territory_name",
    "text",
    "today",
    "write_atlas",
]
