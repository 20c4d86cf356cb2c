"""The declared list of themes: the one place that says what the catalogue holds.

A :class:`Theme` names its indicators, the selector groups they fall in, and the
function that computes its commune columns. :func:`mapping.indicators.catalogue`
and :func:`mapping.table.indicator_table` are built from :data:`THEMES`, so

- a new indicator of an existing theme is one entry in that theme's ``INDICATORS``
  list plus its column in the theme's ``commune_indicators``;
- a new theme is one :class:`Theme` entry below.

A theme whose indicators change while the app runs (the ``exchange`` theme:
the newest imported HCP layer) gives a ``version`` function; the catalogue is
rebuilt when :func:`catalogue_key` changes.

Nothing in the analyses imports this module: it sits above them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from mapping import access, census, distance_learning, planning, supply
from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.exchange import layers as exchange_layers

#: ``columns(region, registry) -> DataFrame`` indexed by commune code.
ColumnsFunction = Callable[[Region, gpd.GeoDataFrame | None], pd.DataFrame]


@dataclass(frozen=True)
class Theme:
    """One part of the catalogue.

    Attributes
    ----------
    id
        Theme key.
    label
        Name keyed by language.
    indicators
        The theme's indicators, in display order.
    groups
        Selector groups (the ``Indicator.theme`` values) and their labels, in order.
    columns
        Computes the theme's commune columns, one per indicator, indexed by commune
        code; ``None`` when the columns are already in the census commune table
        (:meth:`mapping.datasets.Region.commune_table`).
    version
        For a theme whose indicators change at run time: a cheap function
        returning a value that changes when they do; ``None`` for a fixed list.
    """

    id: str
    label: Mapping[str, str]
    indicators: Sequence[Indicator]
    groups: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    columns: ColumnsFunction | None = None
    version: Callable[[], Hashable] | None = None


THEMES: tuple[Theme, ...] = (
    Theme(
        id="census",
        label={"fr": "Recensement", "ar": "الإحصاء العام", "en": "Census"},
        indicators=census.CENSUS_INDICATORS,
        groups={
            "population": {"fr": "Population", "ar": "السكان", "en": "Population"},
            "schooling": {"fr": "Scolarisation", "ar": "التمدرس", "en": "Schooling"},
            "education": {"fr": "Instruction", "ar": "التعليم والأمية", "en": "Education"},
            "economy": {"fr": "Activité", "ar": "النشاط الاقتصادي", "en": "Economy"},
            "amenities": {"fr": "Équipements de base", "ar": "التجهيزات الأساسية",
                          "en": "Amenities"},
            "equipment": {"fr": "Équipement des ménages", "ar": "تجهيزات الأسر",
                          "en": "Household equipment"},
        },
    ),
    Theme(
        id="supply",
        label={"fr": "Offre scolaire", "ar": "العرض المدرسي", "en": "School supply"},
        indicators=supply.INDICATORS,
        groups={"supply": {"fr": "Offre scolaire", "ar": "العرض المدرسي",
                           "en": "School supply"}},
        columns=supply.commune_indicators,
    ),
    Theme(
        id="access",
        label={"fr": "Accès présentiel", "ar": "الولوج الحضوري", "en": "In-person access"},
        indicators=access.INDICATORS,
        groups={"access": {"fr": "Accès présentiel", "ar": "الولوج الحضوري",
                           "en": "In-person access"}},
        columns=access.commune_indicators,
    ),
    Theme(
        id="distance_learning",
        label={"fr": "Enseignement à distance", "ar": "التعليم عن بعد",
               "en": "Distance learning"},
        indicators=distance_learning.INDICATORS,
        groups={"remote": {"fr": "Enseignement à distance", "ar": "التعليم عن بعد",
                           "en": "Distance learning"}},
        columns=distance_learning.commune_indicators,
    ),
    Theme(
        id="planning",
        label={"fr": "Planification", "ar": "التخطيط", "en": "Planning"},
        indicators=planning.INDICATORS,
        groups={"planning": {"fr": "Planification (projections)", "ar": "التخطيط (إسقاطات)",
                             "en": "Planning (projections)"}},
        columns=planning.commune_indicators,
    ),
    Theme(
        id="exchange",
        label={"fr": "Paquets HCP importés", "ar": "حزم المندوبية السامية للتخطيط المستوردة",
               "en": "Imported HCP packages"},
        indicators=exchange_layers.INDICATORS,
        groups={exchange_layers.GROUP: {"fr": "Paquet HCP importé", "ar": "حزمة HCP مستوردة",
                                        "en": "Imported HCP package"}},
        columns=exchange_layers.commune_indicators,
        version=exchange_layers.stamp,
    ),
)


def catalogue_key() -> Hashable:
    """A value that changes when a theme's indicators change (cheap: read on every rerun).

    Readers that cache the catalogue or the commune table key them on it.
    """
    return tuple(theme.version() for theme in THEMES if theme.version is not None)
