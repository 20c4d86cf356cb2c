"""Walk every page in each language: no raw message key, no text of another language.

Each page is run headless (``streamlit.testing``) in French, Arabic and
English, with a commune selected so the map page shows its panel. Every text
the page shows (titles, captions, messages, widget labels and options, table
headers and cells) is collected and checked against the message catalogue:

* a text equal to a message key is a raw key left untranslated;
* a text containing another language's message (one that differs from the
  page language's message for the same key, long enough to be a sentence, and
  found in no message of the page language) is a string of the wrong language.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mapping.catalogue import LANGS
from mapping.i18n import messages
from mapping.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
#: The six pages of the three journeys (issue 16); ``planning.py`` is checked by its own
#: tests while its texts are being written.
PAGES = ("map.py", "communes.py", "access.py", "remote.py", "data.py", "export.py")
COMMUNE = "07.041.03.09"  # rural: the panel shows its douars' access
#: Shortest foreign message looked for inside a text (shorter ones are words shared
#: by the languages: "Code", "Source", "Total"...).
MIN_FOREIGN = 14
#: Texts written in English in the data that must be translated before they are shown.
DATA_ENGLISH = ("fictitious (demo)", "inferred from RGPH 2024 douar distances", "imported: ")


@cache
def foreign(lang: str) -> frozenset[str]:
    """Messages of other languages that cannot appear in a *lang* page."""
    own = "\n".join(entry[lang] for entry in messages().values())
    out = set()
    for entry in messages().values():
        for other in LANGS:
            text = entry[other]
            if (other != lang and text != entry[lang] and "{" not in text
                    and len(text) >= MIN_FOREIGN and text not in own):
                out.add(text)
    return frozenset(out)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, pd.DataFrame):
        yield from (str(c) for c in value.columns)
        for col in value.columns:
            if value[col].dtype == object:
                yield from (v for v in value[col].tolist() if isinstance(v, str))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows (main area and sidebar)."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "success", "error", "text"):
        for el in getattr(at, kind):
            out.extend(_strings(getattr(el, "value", None)))
    for kind in ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect",
                 "slider", "select_slider", "text_input", "number_input", "text_area",
                 "tabs", "expander"):
        for el in getattr(at, kind):
            out.extend(_strings(getattr(el, "label", None)))
            out.extend(_strings(getattr(el, "help", None) or ""))
            try:
                options = el.options  # type: ignore[union-attr]
            except AttributeError:
                options = []
            out.extend(_strings(list(options)))
    for el in at.dataframe:
        out.extend(_strings(el.value))
    for el in at.table:
        out.extend(_strings(el.value))
    return [s for s in out if s]


def check(texts: list[str], lang: str) -> list[str]:
    """Problems found in *texts* shown in a *lang* page."""
    keys = set(messages())
    bad = [f"raw key {s!r}" for s in texts if s.strip() in keys]
    for s in texts:
        bad.extend(f"{lang} page shows {f!r} in {s[:80]!r}" for f in foreign(lang) if f in s)
        if lang != "en":
            bad.extend(f"untranslated data {f!r} in {s[:80]!r}" for f in DATA_ENGLISH if f in s)
    return bad


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_speaks_one_language(page: str, lang: str) -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.session_state["commune"] = COMMUNE
    at.run()
    if page != "map.py":
        at.switch_page(f"ui/pages/{page}")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    texts = page_texts(at)
    assert texts, "the page shows nothing"
    problems = check(texts, lang)
    assert not problems, problems[:10]


def test_checker_finds_a_foreign_sentence_and_a_raw_key() -> None:
    fr = messages()["registry.default_note"]["fr"]
    assert check([f"x {fr}"], "ar") and check(["map.indicator"], "fr")
    assert not check([messages()["registry.default_note"]["ar"]], "ar")
    assert check(["Source : fictitious (demo)"], "fr")


def test_cycle_filter_hides_the_other_cycles_columns() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["f_cycles"] = ["primary"]
    at.run()
    at.switch_page("ui/pages/communes.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    from mapping.indicators import catalogue

    options = " | ".join(at.multiselect(key="c_indicators").options)
    cat = catalogue()
    assert cat["schools_primary"].label_in("fr") in options
    for other in ("schools_lower_secondary", "access_share_beyond_upper_secondary"):
        assert cat[other].label_in("fr") not in options
    ids = at.session_state["c_indicators"]
    assert all("secondary" not in i and "preschool" not in i for i in ids)
