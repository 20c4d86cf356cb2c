"""End-to-end tests of the map in headless Chromium, with every non-local request blocked."""

from __future__ import annotations

from typing import Any

import pytest

from mapping.datasets import load_communes

pytestmark = pytest.mark.e2e

TIMEOUT = 120_000
HOSTILE = "<img src=x onerror=alert(1)>"


def _map_frame(page: Any) -> Any:
    """The persistent map (in the page, no iframe), once it has drawn the communes."""
    page.wait_for_selector(".cs-mapview[data-ready='1']", timeout=TIMEOUT)
    frame = page.locator(".cs-mapview").first
    frame.locator("path.cs-commune").first.wait_for(timeout=TIMEOUT)
    return frame


def _point_position(page: Any, layer: str, index: int = 0) -> tuple[float, float]:
    """Page coordinates of a point of a canvas layer."""
    xy = page.evaluate(
        """([layer, i]) => {
            const v = document.querySelector('.cs-mapview').csView;
            const b = v.layers.get(layer).layer.body;
            const p = v.map.latLngToContainerPoint([b.y[i], b.x[i]]);
            const r = v.mapDiv.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""", [layer, index])
    return float(xy[0]), float(xy[1])


def _open(page: Any, url: str) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded")
    return dialogs


def test_map_draws_every_commune_offline(page: Any, app_url: str) -> None:
    dialogs = _open(page, app_url)
    frame = _map_frame(page)
    assert frame.locator("path.cs-commune").count() == 251
    # the legend and the layer control come from our own offline Leaflet
    assert frame.locator(".cs-legend").count() >= 1
    assert frame.locator(".cs-layers").count() == 1
    assert not dialogs
    # nothing outside 127.0.0.1 was needed (a request would have been blocked)
    assert page.blocked_requests == []


def test_province_filter_keeps_only_its_communes(page: Any, app_url: str) -> None:
    communes = load_communes()
    province = "07.161"
    expected = int((communes["province_code"] == province).sum())
    _open(page, f"{app_url}/?prov={province}")
    frame = _map_frame(page)
    for _ in range(40):
        if frame.locator("path.cs-commune").count() == expected:
            break
        page.wait_for_timeout(500)
    assert frame.locator("path.cs-commune").count() == expected
    # the sidebar shows the chosen province
    assert page.get_by_text("35 communes sélectionnées sur 251").count() == 1


def test_arabic_sets_right_to_left(page: Any, app_url: str) -> None:
    _open(page, f"{app_url}/?lang=ar")
    page.wait_for_selector("#cs-direction[dir='rtl']", state="attached", timeout=TIMEOUT)
    direction = page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=\"stMain\"]')).direction"
    )
    assert direction == "rtl"
    assert page.get_by_role("heading", name="الخريطة").count() >= 1
    frame = _map_frame(page)
    assert frame.locator("path.cs-commune").count() == 251


def test_hostile_school_name_is_shown_as_text(page: Any, app_url: str) -> None:
    dialogs = _open(page, f"{app_url}/?q=Ait%20Ourir&sector=private")
    frame = _map_frame(page)
    canvas = frame.locator("canvas.cs-points[data-layer='schools']")
    canvas.wait_for(timeout=TIMEOUT)
    assert canvas.get_attribute("data-count") == "1"
    x, y = _point_position(page, "schools")
    page.mouse.click(x, y)
    popup = frame.locator(".cs-point-popup .leaflet-popup-content")
    popup.wait_for(timeout=TIMEOUT)
    assert HOSTILE in popup.inner_text()
    assert frame.locator(".leaflet-popup-content img").count() == 0
    page.wait_for_timeout(1000)
    assert dialogs == []


def test_clicking_a_commune_opens_its_panel(page: Any, app_url: str) -> None:
    _open(page, f"{app_url}/?q=Ait%20Ourir")
    frame = _map_frame(page)
    assert frame.locator("path.cs-commune").count() == 1
    frame.locator("path.cs-commune").first.dispatch_event("click")
    heading = page.get_by_role("heading", name="Ait Ourir · آيت أورير")
    heading.wait_for(timeout=TIMEOUT)
    # key figures with the region rank and the age-structure chart follow
    page.get_by_text("Rang régional").first.wait_for(state="attached", timeout=TIMEOUT)
    assert page.get_by_text("Structure par âge").count() == 1


EDITOR, PASSWORD = "amina", "olive tree kasbah 42"


@pytest.fixture(scope="module")
def store_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An app on its own (empty) GeoPackage store with one editor account."""
    import subprocess
    import sys

    from benchmarks import app_server
    from mapping.settings import PROJECT_ROOT

    folder = tmp_path_factory.mktemp("store")
    done = subprocess.run(
        [sys.executable, "-m", "mapping", "accounts", "--database",
         f"sqlite:///{folder / 'schools.gpkg'}", "add", EDITOR, "--role", "editor"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        check=False)
    assert done.returncode == 0, done.stderr
    with app_server(env={"CARTE_SCOLAIRE_STORE_DIR": str(folder)}) as server:
        yield server.url


def _sign_in_editor(page: Any, url: str) -> list[str]:
    """Sign in as the editor; return the page's dialog list (as :func:`_open`)."""
    dialogs = _open(page, url + "/?lang=fr")
    page.get_by_text("Connexion", exact=True).click()
    page.get_by_label("Nom du compte").fill(EDITOR)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    for _ in range(300):
        if any(c["name"] == "carte_session" for c in page.context.cookies()):
            break
        page.wait_for_timeout(200)
    return dialogs


def _click_and_expect(page: Any, frame: Any) -> tuple[float, float]:
    """Click *frame*'s map at (30 %, 60 %); return the (lat, lon) Leaflet puts there."""
    box = frame.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6
    expected = frame.evaluate(
        """(e, [x, y]) => { const v = e.csView;
            const r = v.mapDiv.getBoundingClientRect();
            const ll = v.map.containerPointToLatLng([x - r.left, y - r.top]);
            return [ll.lat, ll.lng]; }""", [x, y])
    page.mouse.click(x, y)
    return float(expected[0]), float(expected[1])


def test_placing_a_school_by_a_map_click_fills_its_coordinates(page: Any,
                                                               store_app: str) -> None:
    dialogs = _sign_in_editor(page, store_app)
    page.goto(store_app + "/schools?lang=fr", wait_until="domcontentloaded")
    page.get_by_role("tab", name="Ajouter une école").click()
    # the tab's map (a map in the hidden tab waits for its size before fitting its view)
    frame = page.locator(".cs-mapview.cs-mode-add[data-ready='1']:visible").first
    frame.locator("path.cs-commune").first.wait_for(timeout=TIMEOUT)
    # the school's current place is drawn, no folium iframe is left on the page
    frame.locator("canvas.cs-points[data-layer='place']").wait_for(timeout=TIMEOUT)
    assert page.locator("iframe").count() == 0
    expected = _click_and_expect(page, frame)
    # the add form's coordinates (the edit tab, hidden, has its own lon/lat inputs)
    page.wait_for_function(
        "want => [...document.querySelectorAll(\"input[aria-label='Longitude']\")].some(i =>"
        " i.offsetParent !== null && Math.abs(parseFloat(i.value) - want) < 2e-3)",
        arg=expected[1], timeout=TIMEOUT)
    lon = page.locator("input[aria-label='Longitude']:visible")
    lat = page.locator("input[aria-label='Latitude']:visible")
    # to a pixel of the click (the mouse lands on whole pixels)
    assert float(lon.input_value()) == pytest.approx(expected[1], abs=2e-3)
    assert float(lat.input_value()) == pytest.approx(expected[0], abs=2e-3)
    # the clicked point is drawn where the click was
    canvas = frame.locator("canvas.cs-points[data-layer='place']")
    assert canvas.get_attribute("data-count") == "1"
    assert not dialogs
    assert page.blocked_requests == []


def test_data_page_previews_an_uploaded_registry_on_the_map(page: Any, app_url: str) -> None:
    from pathlib import Path

    from mapping.registry import read_registry

    fixture = Path(__file__).parents[1] / "fixtures" / "registry" / "test_schools_utf8_comma.csv"
    accepted = read_registry(fixture.read_bytes(), fixture.name).schools
    located = int((accepted.geometry.notna() & ~accepted.geometry.is_empty).sum())
    dialogs = _open(page, app_url + "/data?lang=fr")
    page.get_by_text("Registre actif :").first.wait_for(timeout=TIMEOUT)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": fixture.name, "mimeType": "text/csv", "buffer": fixture.read_bytes()}])
    frame = _map_frame(page)
    canvas = frame.locator("canvas.cs-points[data-layer='schools']")
    canvas.wait_for(timeout=TIMEOUT)
    assert canvas.get_attribute("data-count") == str(located)
    # imported sites are plain marks; the legend explains the marks
    assert canvas.get_attribute("data-marks") == f"circle:{located}"
    assert frame.locator(".cs-legend").filter(has_text="Site relevé ou importé").count() == 1
    assert page.get_by_text("Aperçu sur la carte des établissements acceptés").count() == 1
    assert not dialogs


def test_moving_a_school_by_a_map_click_fills_its_new_coordinates(page: Any,
                                                                  store_app: str) -> None:
    from mapping.registry import load_default_registry

    reg = load_default_registry()
    school = str(reg[reg.geometry.notna()].iloc[0]["school_id"])
    dialogs = _sign_in_editor(page, store_app)
    page.goto(store_app + "/schools?lang=fr", wait_until="domcontentloaded")
    picker = page.locator(".st-key-school_pick")
    picker.get_by_role("combobox").click()
    page.keyboard.type(school)
    page.get_by_role("option", name=school, exact=True).click()
    lon = page.locator(f".st-key-move_lon_{school} input")
    lat = page.locator(f".st-key-move_lat_{school} input")
    lon.wait_for(timeout=TIMEOUT)
    before = float(lon.input_value())
    frame = page.locator(".cs-mapview.cs-mode-add[data-ready='1']:visible").first
    frame.locator("path.cs-commune").first.wait_for(timeout=TIMEOUT)
    frame.scroll_into_view_if_needed()
    expected = _click_and_expect(page, frame)
    page.wait_for_function(
        "([sel, want]) => { const i = document.querySelector(sel);"
        " return i && Math.abs(parseFloat(i.value) - want) < 2e-3; }",
        arg=[f".st-key-move_lon_{school} input", expected[1]], timeout=TIMEOUT)
    assert float(lon.input_value()) != pytest.approx(before, abs=1e-4)
    assert float(lat.input_value()) == pytest.approx(expected[0], abs=2e-3)
    assert not dialogs
    assert page.blocked_requests == []
