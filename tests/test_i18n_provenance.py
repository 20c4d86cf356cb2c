"""Provenance marks, labels and the note next to analyses (mapping.provenance)."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.i18n import messages
from mapping.provenance import (
    analysis_note,
    demo_mark,
    has_fictitious,
    leaflet_style,
    legend_entries,
    mark_of,
    mark_style,
    mark_svg,
    matplotlib_style,
    registry_name,
    shares,
    source_label,
    svg_patterns,
    without_fictitious,
)
from mapping.registry import load_default_registry


@pytest.fixture(scope="module")
def default() -> pd.DataFrame:
    return pd.DataFrame(load_default_registry())


def test_each_provenance_has_its_own_mark() -> None:
    marks = {q: mark_style(q, "#0072B2") for q in ("surveyed", "inferred_census", "fictitious")}
    assert len({(s.mark, s.matplotlib_marker, s.hatch) for s in marks.values()}) == 3
    assert marks["surveyed"].hatch == "" and marks["inferred_census"].hatch
    assert marks["fictitious"].hatch == "xxxx" and marks["fictitious"].dash
    assert mark_of(None) == "hatched"  # unknown is never drawn as surveyed
    assert mark_style("surveyed", "#0072B2", private=True).fill == "#ffffff"
    svg = mark_svg(marks["inferred_census"])
    assert svg.startswith("<svg") and "stroke-dasharray" in svg and "pattern" in svg
    crossed = mark_svg(marks["fictitious"])
    assert crossed.count("<line") == 2 and 'id="cs-cross-0072B20072B2"' in crossed
    leaflet = leaflet_style(marks["inferred_census"], 5.4)
    assert leaflet["fillColor"] == "url(#cs-hatched-0072B20072B2)" and leaflet["radius"] == 5
    assert leaflet_style(marks["surveyed"], 4)["fillColor"] == "#0072B2"
    assert 'id="cs-hatched-0072B2ffffff"' in svg_patterns(["#0072B2"])
    assert matplotlib_style(marks["fictitious"])["linestyle"] == "dotted"


def test_default_registry_shares_and_note(default: pd.DataFrame) -> None:
    s = shares(default)
    assert s.n == len(default) and s.doubtful
    fict = (default["location_quality"] == "fictitious").mean() * 100
    assert s.fictitious == pytest.approx(fict) and 30 < s.fictitious < 50
    assert s.inferred + s.fictitious == pytest.approx(100)
    note = analysis_note(default, "fr")
    assert note is not None and "fictifs" in note and "%" in note
    assert "fictitious" not in (analysis_note(default, "ar") or "")


def test_surveyed_schools_need_no_note() -> None:
    frame = pd.DataFrame({"location_quality": ["surveyed", "imported"],
                          "capacity_quality": ["surveyed", "imported"]})
    assert analysis_note(frame, "fr") is None
    assert not has_fictitious(frame)


def test_demo_filter(default: pd.DataFrame) -> None:
    assert has_fictitious(default)
    real = without_fictitious(default)
    assert not has_fictitious(real) and len(real) == (default["location_quality"] !=
                                                      "fictitious").sum()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_sources_and_registry_name_translated(default: pd.DataFrame, lang: str) -> None:
    labels = {source_label(s, lang) for s in default["source"].unique()}
    assert all(labels) and all(label in {messages()[k][lang] for k in messages()}
                               for label in labels)
    if lang != "en":
        assert not labels & set(default["source"])
        assert registry_name("default", lang) != "default"
    assert source_label("imported: x.csv", lang).endswith("x.csv")
    assert source_label("Annuaire AREF 2024", lang) == "Annuaire AREF 2024"
    assert demo_mark(lang) and len(legend_entries(lang)) == 3


def test_demo_rows_are_the_embedded_ones(default: pd.DataFrame) -> None:
    from mapping.provenance import is_demo, without_demo

    assert is_demo(default).sum() == (default["location_quality"] == "fictitious").sum()
    imported = pd.DataFrame({"status": ["test"], "source": ["x.csv"],
                             "location_quality": ["fictitious"]})
    assert len(without_demo(imported)) == 1
    assert registry_name("default + extra.csv", "fr").endswith(" + extra.csv")
