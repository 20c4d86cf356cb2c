"""The planner's access journey in a browser: add a collège on the map, ask for 3 sites.

Issue "in-person access", done when: a planner sees which douars are far from a
collège, adds a collège on the map and reads how many children it brings within
5 km, and asks the tool for the best 3 sites.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mapping.i18n import t

pytestmark = pytest.mark.e2e

TIMEOUT = 120_000
FRAME = ".cs-mapview"


def test_add_a_college_on_the_map_then_suggest_three_sites(page: Any, app_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app_url}/access?prov=07.161&lang=fr", wait_until="domcontentloaded")
    page.wait_for_selector(f"{FRAME}[data-ready='1']", timeout=TIMEOUT)
    frame = page.locator(FRAME).first
    frame.locator("path.cs-commune").first.wait_for(timeout=TIMEOUT)
    # Chichaoua's 35 communes, with its douars drawn over them
    assert frame.locator("path.cs-commune").count() == 35
    frame.locator("canvas.cs-points[data-layer='douars']").wait_for(timeout=TIMEOUT)

    # click inside the province on the map: the point becomes the new school's site
    page.get_by_role("tab", name="Scénario").click()
    # the tab may have scrolled the page: bring the map back on screen first
    page.locator(FRAME).first.scroll_into_view_if_needed()
    box = page.locator(FRAME).first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4)
    page.get_by_text(re.compile(r"Point cliqué : -\d+\.\d+, \d+\.\d+")).wait_for(timeout=TIMEOUT)

    page.get_by_role("button", name="Ajouter une école hypothétique : Collège").click()
    metric = page.get_by_text("Moins de 15 ans nouvellement à ≤ 5 km")
    metric.wait_for(timeout=TIMEOUT)
    value = page.locator("[data-testid='stMetric']").filter(has=metric)
    assert re.search(r"\d", value.inner_text())
    # the result says what its schools are: inferred sites, no demonstration ones by default
    note = page.get_by_text(re.compile(r"Calculé sur [\d\u202f]+ établissements"))
    assert note.count() >= 2
    assert "0,0\u202f% de sites fictifs" in note.first.inner_text()
    # the mean distance is written the French way
    mean = page.locator("[data-testid='stMetric']").filter(
        has=page.get_by_text("Distance moyenne calculée"))
    assert re.search(r"\d+,\d{2}\u00a0km", mean.inner_text())
    # school symbols explained on the map: the legend lists the provenance marks
    legend = frame.locator(".cs-legend").filter(has_text="Site déduit du recensement")
    assert legend.count() == 1
    assert frame.locator(".cs-demo").count() == 0
    assert "hatched:" in (frame.locator("canvas.cs-points[data-layer='schools']")
                          .get_attribute("data-marks") or "")

    page.get_by_role("tab", name="Sites suggérés").click()
    page.get_by_role("button", name="Suggérer des sites").click()
    page.get_by_text(re.compile(r"Résolu en [\d,]+ s")).wait_for(timeout=TIMEOUT)
    # the ranked sites are listed, best first
    assert page.get_by_text("Sites suggérés").count() >= 1
    assert not dialogs
    assert page.blocked_requests == []


def test_arabic_distance_legend_reads_left_to_right(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/access?prov=07.161&lang=ar", wait_until="domcontentloaded")
    page.wait_for_selector(f"{FRAME}[data-ready='1'][dir='rtl']", timeout=TIMEOUT)
    frame = page.locator(FRAME).first
    # the douar legend: dots (the class legend has swatches) and ranges
    legend = frame.locator(".cs-legend").filter(has=page.locator(".cs-row bdi")).filter(
        has=page.locator(".cs-dot")).first
    ranges = legend.locator(".cs-row bdi")
    ranges.first.wait_for(timeout=TIMEOUT)
    texts = [ranges.nth(i).inner_text() for i in range(ranges.count())]
    assert texts[:3] == ["0–1", "1–2", "2–5"]
    for i in range(3):
        # the lower bound is drawn left of the upper one, inside the right-to-left legend
        left_first = ranges.nth(i).evaluate("""e => {
            const t = e.firstChild, r = document.createRange();
            r.setStart(t, 0); r.setEnd(t, 1); const a = r.getBoundingClientRect().left;
            r.setStart(t, t.data.length - 1); r.setEnd(t, t.data.length);
            return a < r.getBoundingClientRect().left; }""")
        assert left_first
    assert legend.locator("details").get_attribute("dir") == "rtl"
    # the scale bar is metric only, and mirrored with the other controls
    assert frame.locator(".leaflet-bottom.leaflet-right .leaflet-control-scale").count() == 1
    assert frame.locator(".leaflet-top.leaflet-right .leaflet-control-zoom").count() == 1


def test_the_open_tab_stays_open_when_the_language_changes(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/access?prov=07.161&lang=fr", wait_until="domcontentloaded")
    page.wait_for_selector(f"{FRAME}[data-ready='1']", timeout=TIMEOUT)
    page.get_by_role("tab", name="Scénario").click()
    page.get_by_role("button", name="Ajouter une école hypothétique : Collège").wait_for(
        timeout=TIMEOUT)
    page.get_by_text("العربية", exact=True).click()
    # the page is now in Arabic, right to left, and still on the scenario tab
    page.wait_for_selector(f"{FRAME}[data-ready='1'][dir='rtl']", timeout=TIMEOUT)
    add = t("access.scenario.add", "ar", cycle=t("cycle.lower_secondary", "ar"))
    page.get_by_role("button", name=add).wait_for(timeout=TIMEOUT)
    tab = page.get_by_role("tab", name=t("access.tab.scenario", "ar"))
    assert tab.get_attribute("aria-selected") == "true"
    assert page.get_by_role("tab", selected=True).count() == 1
    assert page.blocked_requests == []
