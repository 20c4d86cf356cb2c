"""Locale number formatting."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mapping.numbers import (
    MISSING,
    NBSP,
    NNBSP,
    format_frame,
    format_int,
    format_km,
    format_number,
    format_percent,
    format_value,
    parse_number,
)


def test_french_uses_decimal_comma_and_narrow_space() -> None:
    assert format_int(2378, "fr") == f"2{NNBSP}378"
    assert format_number(1234567.891, "fr", 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert format_percent(58.44, "fr") == f"58,4{NNBSP}%"
    assert format_km(4.46, "fr") == f"4,5{NBSP}km"


def test_arabic_keeps_western_digits_and_glues_percent() -> None:
    assert format_int(4892393, "ar") == f"4{NNBSP}892{NNBSP}393"
    assert format_percent(88.44, "ar") == "88.4%"
    assert format_km(12.0668, "ar") == f"12.1{NBSP}كلم"


def test_english() -> None:
    assert format_int(2378, "en") == "2,378"
    assert format_percent(0.0091, "en", share=True) == "0.9%"
    assert format_km(4.46, "en", 2) == f"4.46{NBSP}km"


@pytest.mark.parametrize("missing", [None, math.nan, math.inf, "abc"])
def test_missing_values_are_a_dash(missing: object) -> None:
    assert format_number(missing, "fr") == MISSING
    assert format_percent(missing, "ar") == MISSING
    assert format_km(missing, "en") == MISSING


def test_no_negative_zero_and_rounding() -> None:
    assert format_number(-0.04, "fr", 1) == "0,0"
    assert format_number(2225.198, "en") == "2,225"


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_parse_round_trip(lang: str) -> None:
    for value in (0.5, 1234.5, 4892393.0):
        assert parse_number(format_number(value, lang, 1), lang) == value


def test_format_value_and_frame() -> None:
    assert format_value(12.5, "%", "fr") == f"12,5{NNBSP}%"
    assert format_value(1500, "people", "fr", 0) == f"1{NNBSP}500"
    frame = pd.DataFrame({"km": [12.0668], "children": [2225.198], "name": ["x"]})
    out = format_frame(frame, "fr", {"km": 1, "children": 0}, {"km": "km"})
    assert out.loc[0, "km"] == f"12,1{NBSP}km"
    assert out.loc[0, "children"] == f"2{NNBSP}225"
    assert out.loc[0, "name"] == "x"
    assert frame.loc[0, "km"] == 12.0668


def test_indicator_format_is_written_by_this_module() -> None:
    from mapping.indicators import get

    rate, pop = get("schooling_rate_6_to_11"), get("population_2024")
    for lang in ("fr", "ar", "en"):
        assert rate.format(58.44, lang) == format_percent(58.44, lang, rate.decimals)
        assert pop.format(1002697, lang).startswith(format_int(1002697, lang) + NBSP)
    assert pop.format(1002697, "ar") == f"1{NNBSP}002{NNBSP}697{NBSP}نسمة"
    assert rate.format(None) == rate.format(math.nan) == rate.format(math.inf) == "—"


def test_formatters_and_vega_locale() -> None:
    from mapping.numbers import formatters, vega_locale

    fmt = formatters("fr", {"km": 1, "n": 0}, {"km": "km"})
    assert fmt["km"](12.0668) == f"12,1{NBSP}km" and fmt["n"](2225.198) == f"2{NNBSP}225"
    styled = pd.DataFrame({"n": [2225.198]}).style.format(formatters("en", {"n": 0}))
    assert "2,225" in styled.to_html()
    assert vega_locale("fr")["number"]["thousands"] == NNBSP
    assert vega_locale("en")["number"]["decimal"] == "."
