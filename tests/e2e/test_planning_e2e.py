"""The provincial director's planning journey in a browser.

Issue "forward planning", done when: a director opens the planning page, picks collège
and 2034, sees on the map which communes will lack classrooms, with the variants and the
method one click away, and the figures recompute when a planned school is added.
The map is the app's persistent map component (``ui.mapview``); a click on it chooses
where the next planned school goes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

TIMEOUT = 120_000
FRAME = ".cs-mapview"
HEADLINE = re.compile(r"Collège, 2034 : ([\d\u202f]+) salles manquantes")


def _lacking(pg: Any) -> int:
    text = pg.get_by_text(HEADLINE).inner_text()
    found = HEADLINE.search(text)
    assert found is not None, text
    return int(found.group(1).replace("\u202f", ""))


def test_director_sees_the_college_deficit_in_2034_and_a_planned_school_changes_it(
        page: Any, app_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app_url}/planning?prov=07.351&lang=fr", wait_until="domcontentloaded")
    page.wait_for_selector(f"{FRAME}[data-ready='1']", timeout=TIMEOUT)
    frame = page.locator(FRAME).first
    frame.locator("path.cs-commune").first.wait_for(timeout=TIMEOUT)
    assert frame.locator("path.cs-commune").count() == 15  # Marrakech prefecture's communes
    page.get_by_text(HEADLINE).wait_for(timeout=TIMEOUT)
    before = _lacking(page)
    assert before > 0  # Harbil lacks collège classrooms in 2034 (central variant)
    assert page.get_by_text("Estimation — projection, pas un recensement").count() == 1
    # the three variants side by side
    for name in ("Ratios constants", "Ratios amortis vers la région", "Ratios régionaux"):
        assert page.get_by_text(name, exact=True).count() >= 1
    # the method, one click away
    page.get_by_text("Méthode, hypothèses et limites").click()
    page.get_by_text("Hamilton–Perry").first.wait_for(timeout=TIMEOUT)

    # a collège of 2,000 seats (50 classrooms) in Harbil
    page.get_by_role("tab", name="Établissement planifié").click()
    panel = page.get_by_role("tabpanel", name="Établissement planifié")
    panel.get_by_label("Commune").click()
    page.keyboard.type("Harbil")
    page.keyboard.press("Enter")
    seats = panel.get_by_label("Places (0 : taille par défaut)")
    seats.fill("2000")
    seats.press("Enter")
    page.get_by_role("button", name="Ajouter l'établissement planifié").click()
    page.get_by_text("1 établissement(s) planifié(s)").wait_for(timeout=TIMEOUT)
    page.get_by_text(re.compile(r"Collège, 2034 : 0 salles manquantes")).wait_for(
        timeout=TIMEOUT)
    assert _lacking(page) < before

    # a click on the map chooses where the next planned school goes
    page.locator(FRAME).first.scroll_into_view_if_needed()
    box = page.locator(FRAME).first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.get_by_text(re.compile(
        r"Emplacement choisi sur la carte : latitude \d+,\d{4}, longitude -\d+,\d{4}")).wait_for(
        timeout=TIMEOUT)
    assert not dialogs
    assert page.blocked_requests == []
