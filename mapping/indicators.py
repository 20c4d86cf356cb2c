"""The indicator catalogue, built from the declared themes (:mod:`mapping.themes`).

Every map, table, legend and export reads indicators from :func:`catalogue`.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

from mapping.catalogue import Indicator
from mapping.errors import UnknownCodeError
from mapping.themes import THEMES, catalogue_key


def _groups() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for theme in THEMES:
        for key, label in theme.groups.items():
            out.setdefault(key, dict(label))
    return out


#: Selector groups (``Indicator.theme`` values) and their labels, in display order.
GROUPS: dict[str, dict[str, str]] = _groups()


@lru_cache(maxsize=4)
def _catalogue(key: Hashable) -> dict[str, Indicator]:
    # *key* (:func:`mapping.themes.catalogue_key`) changes when an HCP layer is imported
    out: dict[str, Indicator] = {}
    for theme in THEMES:
        for ind in theme.indicators:
            if ind.id in out:
                raise ValueError(f"indicator id {ind.id!r} is defined twice (theme {theme.id!r})")
            if ind.theme not in GROUPS:
                raise ValueError(f"indicator {ind.id!r} has an undeclared group {ind.theme!r}")
            out[ind.id] = ind
    return out


def catalogue() -> dict[str, Indicator]:
    """Every indicator of the project, keyed by id, in display order.

    Returns
    -------
    dict
        The indicators of each theme of :data:`mapping.themes.THEMES`, in order.

    Raises
    ------
    ValueError
        If two indicators share an id, or one names an undeclared group (a
        programming error).
    """
    return dict(_catalogue(catalogue_key()))


def get(indicator_id: str) -> Indicator:
    """Return the indicator *indicator_id*.

    Raises
    ------
    UnknownCodeError
        With the list of known ids, if *indicator_id* is not in the catalogue.
    """
    cat = _catalogue(catalogue_key())
    try:
        return cat[indicator_id]
    except KeyError:
        known = ", ".join(sorted(cat))
        raise UnknownCodeError(f"unknown indicator {indicator_id!r}; known: {known}") from None
