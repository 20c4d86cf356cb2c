"""Page layout of print maps: A4 sizes, where each part goes, map extents.

Positions are figure fractions for a left-to-right page; right-to-left pages
mirror them horizontally (:func:`mirror_rect`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A4 sizes in inches.
A4_LANDSCAPE = (11.69, 8.27)
A4_PORTRAIT = (8.27, 11.69)


@dataclass(frozen=True)
class Layout:
    """Positions on the page, in figure fractions, for a left-to-right page.

    Right-to-left pages mirror them horizontally.
    """

    size: tuple[float, float]
    map_rect: tuple[float, float, float, float]
    locator_rect: tuple[float, float, float, float]
    legend_xy: tuple[float, float]
    title_y: float = 0.955
    subtitle_y: float = 0.918
    footer_y: float = 0.058
    title_size: float = 16
    label_size: float = 5.0


LANDSCAPE = Layout(A4_LANDSCAPE, (0.03, 0.11, 0.64, 0.78), (0.72, 0.63, 0.24, 0.25),
                   (0.72, 0.59))
PORTRAIT = Layout(A4_PORTRAIT, (0.04, 0.29, 0.92, 0.60), (0.05, 0.085, 0.27, 0.18),
                  (0.37, 0.275), title_y=0.965, subtitle_y=0.94, footer_y=0.045)
#: The atlas page: a narrower map, the ranking on the side.
ATLAS = Layout(A4_LANDSCAPE, (0.03, 0.11, 0.56, 0.78), (0.615, 0.69, 0.15, 0.19),
               (0.78, 0.885), title_size=15)


def mirror_rect(
    rect: tuple[float, float, float, float], rtl: bool
) -> tuple[float, float, float, float]:
    """*rect* ``(x, y, w, h)`` mirrored horizontally when *rtl* is true."""
    x, y, w, h = rect
    return (1 - x - w if rtl else x, y, w, h)


def fit_extent(bounds: np.ndarray, aspect: float, margin: float = 0.04) -> list[float]:
    """``[x0, x1, y0, y1]`` around *bounds* (``(n, 4)``) with the given *aspect* (w / h)."""
    minx, miny = bounds[:, 0].min(), bounds[:, 1].min()
    maxx, maxy = bounds[:, 2].max(), bounds[:, 3].max()
    w, h = (maxx - minx) * (1 + 2 * margin), (maxy - miny) * (1 + 2 * margin)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h > aspect:
        h = w / aspect
    else:
        w = h * aspect
    return [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2]
