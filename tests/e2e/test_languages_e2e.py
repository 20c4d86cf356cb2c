"""The app in each language, in Chromium: right-to-left layout, Streamlit's own widget texts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mapping.i18n import t

pytestmark = pytest.mark.e2e

TIMEOUT = 120_000


def _open(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stHeading'] h1", timeout=TIMEOUT)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_uploader_speaks_the_interface_language(page: Any, app_url: str, lang: str) -> None:
    _open(page, f"{app_url}/data?lang={lang}")
    page.wait_for_selector("[data-testid='stFileUploaderDropzone']", timeout=TIMEOUT)
    # the page's stylesheet may arrive a moment after the uploader: wait until it applies
    page.wait_for_function("""() => {
        const p = document.querySelector(
            '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p');
        return p && getComputedStyle(p, '::after').content !== 'none';
    }""", timeout=TIMEOUT)
    shown = page.evaluate("""() => {
        const z = document.querySelector('[data-testid="stFileUploaderDropzone"]');
        const p = z.querySelector('button [data-testid="stMarkdownContainer"] p');
        const hint = z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] > div');
        return [getComputedStyle(p, '::after').content, getComputedStyle(p).fontSize,
                getComputedStyle(hint, '::after').content];
    }""")
    assert shown[0] == json.dumps(t("ui.upload_button", lang), ensure_ascii=False)
    assert shown[1] == "0px"  # Streamlit's own "Upload" is not drawn
    assert shown[2] == json.dumps(t("ui.upload_drop", lang), ensure_ascii=False)


def test_arabic_titles_and_sliders(page: Any, app_url: str) -> None:
    _open(page, f"{app_url}/?lang=ar")
    page.wait_for_selector("[data-testid='stSlider'] [role='group']", timeout=TIMEOUT)
    styles = page.evaluate("""() => {
        const h = document.querySelector('[data-testid="stHeading"] h1');
        const s = document.querySelector('[data-testid="stSlider"] [role="group"]');
        return [getComputedStyle(h).direction, getComputedStyle(h).textAlign,
                getComputedStyle(s).direction];
    }""")
    assert styles[0] == "rtl" and styles[1] == "right"
    # the slider keeps left-to-right, so its fill ends at its knob
    assert styles[2] == "ltr"
