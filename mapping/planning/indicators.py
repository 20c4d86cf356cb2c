"""The planning theme's catalogue indicators and their commune columns.

Per cycle and horizon (central variant :data:`~mapping.planning.projection.CENTRAL_VARIANT`):
the projected school-age population, its change since 2024, the classroom deficit
(negative: surplus), the spread of that deficit between the variants, and the new
schools it would take. Every figure is an estimate.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapping.catalogue import Indicator
from mapping.datasets import Region
from mapping.planning.needs import NeedsOptions, default_options, needs
from mapping.planning.projection import BASE_YEAR, CENTRAL_VARIANT, HORIZONS, project
from mapping.schema import CYCLES

SOURCE = "Projection (Hamilton–Perry) ; HCP, RGPH 2014 et 2024 ; registre scolaire actif"

_CYCLE = {
    "preschool": ("préscolaire, 4-5 ans", "التعليم الأولي، 4-5 سنوات", "preschool, ages 4-5"),
    "primary": ("primaire, 6-11 ans", "الابتدائي، 6-11 سنة", "primary, ages 6-11"),
    "lower_secondary": ("collège, 12-14 ans", "الإعدادي، 12-14 سنة", "collège, ages 12-14"),
    "upper_secondary": ("lycée, 15-17 ans", "التأهيلي، 15-17 سنة", "lycée, ages 15-17"),
}
_NOTE = {
    "fr": "Estimation : projection Hamilton–Perry des tranches d'âge 2014 → 2024, ratios "
    "amortis vers la région, communes calées sur la projection régionale ; besoins selon "
    "les taux cibles et normes de classe réglables. Méthode : docs/methods-planning.md.",
    "ar": "تقدير: إسقاط هاملتون-بيري للفئات العمرية 2014 → 2024، بنسب مخففة نحو الجهة، "
    "مع معايرة الجماعات على الإسقاط الجهوي؛ الحاجيات حسب نسب التمدرس المستهدفة ومعايير "
    "الاكتظاظ القابلة للتعديل. المنهجية: docs/methods-planning.md.",
    "en": "Estimate: Hamilton–Perry projection of the 2014 → 2024 age bands, ratios damped "
    "towards the region, communes controlled to the regional projection; needs from the "
    "adjustable enrolment targets and class-size norms. Method: docs/methods-planning.md.",
}


def indicator_id(measure: str, cycle: str, year: int) -> str:
    """Catalogue id of *measure* (children, change, deficit, spread, new_schools)."""
    return f"plan_{measure}_{cycle}_{year}"


def _indicators() -> list[Indicator]:
    out: list[Indicator] = []
    for cycle in CYCLES:
        fr, ar, en = _CYCLE[cycle]
        for y in HORIZONS:
            specs = [
                ("children", f"Enfants d'âge scolaire en {y} ({fr}, projection)",
                 f"الأطفال في سن التمدرس سنة {y} ({ar}، إسقاط)",
                 f"School-age children in {y} ({en}, projection)", "children", None, 0),
                ("change", f"Évolution des enfants d'âge scolaire 2024-{y} ({fr})",
                 f"تطور عدد الأطفال في سن التمدرس 2024-{y} ({ar})",
                 f"Change in school-age children 2024-{y} ({en})", "percent", None, 1),
                ("deficit", f"Salles de classe manquantes en {y} ({fr})",
                 f"الحجرات الدراسية الناقصة سنة {y} ({ar})",
                 f"Classrooms lacking in {y} ({en})", "count", False, 0),
                ("spread", f"Écart du déficit entre variantes en {y} ({fr})",
                 f"الفرق في الخصاص بين البدائل سنة {y} ({ar})",
                 f"Deficit spread between variants in {y} ({en})", "count", None, 0),
                ("new_schools", f"Nouveaux établissements nécessaires en {y} ({fr})",
                 f"المؤسسات الجديدة اللازمة سنة {y} ({ar})",
                 f"New schools needed in {y} ({en})", "count", False, 0),
            ]
            for measure, lfr, lar, len_, unit, higher, dec in specs:
                out.append(Indicator(
                    id=indicator_id(measure, cycle, y), label={"fr": lfr, "ar": lar, "en": len_},
                    unit=unit, source=SOURCE, year=y, higher_is_better=higher, theme="planning",
                    estimated=True, decimals=dec, note=_NOTE,
                ))
    return out


#: Planning indicators of the catalogue: 5 measures × 4 cycles × 2 horizons.
INDICATORS: list[Indicator] = _indicators()


def _column(table: pd.DataFrame, year: int, cycle: str, column: str,
            codes: pd.Index) -> pd.Series:
    rows = table[(table["year"] == year) & (table["cycle"] == cycle)]
    return pd.Series(rows[column].to_numpy(), index=rows["code"].to_numpy()).reindex(codes)


def indicator_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Wide commune columns of :data:`INDICATORS` from a :func:`needs` table."""
    codes = pd.Index(pd.unique(table["code"]), name="code")
    out = pd.DataFrame(index=codes)
    central = table[table["variant"] == CENTRAL_VARIANT]
    lo = table.groupby(["year", "cycle", "code"], as_index=False)["deficit"].min()
    hi = table.groupby(["year", "cycle", "code"], as_index=False)["deficit"].max()
    spread = lo.assign(deficit=hi["deficit"] - lo["deficit"])
    for cycle in CYCLES:
        base = _column(central, BASE_YEAR, cycle, "children", codes)
        for y in HORIZONS:
            kids = _column(central, y, cycle, "children", codes)
            out[indicator_id("children", cycle, y)] = kids.round()
            out[indicator_id("change", cycle, y)] = (100.0 * (kids - base) / base).where(base > 0)
            out[indicator_id("deficit", cycle, y)] = _column(central, y, cycle, "deficit", codes)
            out[indicator_id("spread", cycle, y)] = _column(spread, y, cycle, "deficit", codes)
            out[indicator_id("new_schools", cycle, y)] = _column(central, y, cycle,
                                                                 "new_schools", codes)
    return out


def commune_indicators(
    region: Region,
    registry: gpd.GeoDataFrame | None = None,
    options: NeedsOptions | None = None,
) -> pd.DataFrame:
    """Per-commune values of :data:`INDICATORS`, indexed by commune code.

    Parameters
    ----------
    region
        The loaded region.
    registry
        The active registry (a scenario already applied, if any); ``None`` counts no
        classroom.
    options
        Targets, norms and school size; default :func:`default_options`.
    """
    table = needs(project(region), registry, options or default_options(region))
    return indicator_frame(table).reindex(pd.Index(region.communes["code"], name="code"))
