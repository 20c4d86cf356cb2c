"""Hostile text in every user-supplied field, in real headless Chromium.

HTML/JS payloads are put in school names and other registry fields (through
``$CARTE_SCOLAIRE_EXTRA_SCHOOLS``), in uploaded column names (Data page), in
the commune search box, the manual class breaks and the tile URL. Each must
show as text, with no dialog (``page.on("dialog")`` never fires) and no
injected element anywhere, the map iframe included. Uploads above the size
limit are refused with a message.

The browser is driven with Playwright's asyncio API on a thread of its own, so
these tests never clash with the synchronous ``browser`` fixture of conftest.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import benchmarks as bench
from mapping.i18n import t
from mapping.schema import REGISTRY_COLUMNS
from tests.e2e.conftest import run_in_thread

pytestmark = pytest.mark.e2e

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
)
#: Amizmiz (urban commune of Al Haouz): the test schools stand inside it.
COMMUNE_CODE = "07.041.01.03"
COMMUNE_NAME = "Amizmiz"
POINTS = ((-8.2561, 31.2217), (-8.2450, 31.2150), (-8.2660, 31.2300))
TIMEOUT_MS = 90_000

#: Counts elements a payload would have created, in one document.
_INJECTED_JS = """() => ({
  img: document.querySelectorAll('img[src="x"]').length,
  onerror: document.querySelectorAll('[onerror]').length,
  onload: document.querySelectorAll('svg[onload], [onload]').length,
  script: Array.from(document.scripts)
      .filter(s => s.textContent.trim().startsWith('alert(')).length,
})"""


# --------------------------------------------------------------------------- fixtures


def write_hostile_csv(path: Path) -> Path:
    """Three fictitious private schools whose every text field is a payload."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(REGISTRY_COLUMNS))
        writer.writeheader()
        for i, (payload, (lon, lat)) in enumerate(zip(PAYLOADS, POINTS, strict=True)):
            other = PAYLOADS[(i + 1) % len(PAYLOADS)]
            writer.writerow({
                "school_id": f"TEST-SEC-{i}", "name_fr": payload, "name_ar": other,
                "cycle": "primary", "sector": "private", "kind": other, "parent_id": "",
                "commune_code": COMMUNE_CODE, "lon": lon, "lat": lat, "classrooms": 4,
                "seats": 120, "pupils": 100, "pupils_girls": "", "status": payload,
                "year": 2024, "source": f"test fixture (fictitious) {payload}",
                "location_quality": "fictitious", "capacity_quality": "fictitious",
            })
    return path


@pytest.fixture(scope="module")
def hostile_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile schools file, in a temporary folder."""
    return write_hostile_csv(tmp_path_factory.mktemp("hostile") / "hostile_schools.csv")


@pytest.fixture(scope="module")
def hostile_app(hostile_csv: Path) -> Iterator[str]:
    """The app on 127.0.0.1 with the hostile schools appended to its registry."""
    with bench.app_server(env={"CARTE_SCOLAIRE_EXTRA_SCHOOLS": str(hostile_csv)}) as server:
        yield server.url


# --------------------------------------------------------------------------- helpers


class Session:
    """One browser page with every dialog recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self._pending: Any = None
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        self._pending = asyncio.ensure_future(dialog.dismiss())

    async def injected(self) -> dict[str, int]:
        """Injected elements summed over the page and all its frames."""
        total: dict[str, int] = {}
        for frame in self.page.frames:
            try:
                counts = await frame.evaluate(_INJECTED_JS)
            except Exception:  # a frame detached while rerendering
                continue
            for key, n in counts.items():
                total[key] = total.get(key, 0) + int(n)
        return total

    async def assert_clean(self) -> None:
        """No dialog so far and no injected element now (after a grace period)."""
        await self.page.wait_for_timeout(800)
        assert self.dialogs == []
        injected = await self.injected()
        assert all(n == 0 for n in injected.values()), injected


def run(fn: Callable[[Session], Awaitable[Any]], timeout_s: float = 300) -> Any:
    """Run ``fn(session)`` in a fresh Chromium on its own thread and event loop."""

    async def main() -> Any:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await bench.launch_chromium(pw)
            try:
                ctx = await browser.new_context(viewport={"width": 1500, "height": 1000},
                                                locale="fr-FR")
                ctx.set_default_timeout(TIMEOUT_MS)
                return await fn(Session(await ctx.new_page()))
            finally:
                await browser.close()

    return run_in_thread(main(), timeout_s)


async def _open_map(s: Session, url: str, minimum: int = 1) -> Any:
    await s.page.goto(url, wait_until="domcontentloaded")
    await bench.wait_for_paths(s.page, minimum=minimum, timeout_ms=TIMEOUT_MS)
    await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)
    return await bench.map_frame(s.page)


async def _sidebar_text_input(s: Session, label: str, value: str) -> None:
    box = s.page.locator('[data-testid="stTextInput"]').filter(
        has=s.page.get_by_text(label, exact=True)).first
    field = box.locator("input")
    await field.fill(value)
    await field.press("Enter")
    await s.page.wait_for_timeout(300)
    await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)


# --------------------------------------------------------------------------- tests


def test_hostile_school_fields_show_as_text_in_popups(hostile_app: str) -> None:
    async def check(s: Session) -> list[str]:
        frame = await _open_map(s, f"{hostile_app}/?q={COMMUNE_NAME}&sector=private")
        await frame.locator("canvas.cs-points[data-layer='schools']").wait_for()
        # school points are drawn on a canvas: click each at its position on the page
        positions = await s.page.evaluate(
            """() => {
                const v = document.querySelector('.cs-mapview').csView;
                const b = v.layers.get('schools').layer.body;
                const r = v.mapDiv.getBoundingClientRect();
                return b.x.map((x, i) => {
                    const p = v.map.latLngToContainerPoint([b.y[i], x]);
                    return [r.left + p.x, r.top + p.y];
                });
            }""")
        assert positions
        texts: list[str] = []
        for x, y in positions:
            await s.page.mouse.click(x, y)
            popup = frame.locator(".cs-point-popup .leaflet-popup-content").last
            await popup.wait_for()
            texts.append(await popup.inner_text())
            # no element of a payload inside the popup
            assert await frame.locator(".leaflet-popup-content img, "
                                       ".leaflet-popup-content svg, "
                                       ".leaflet-popup-content script").count() == 0
            # close it: an open popup may cover the next point
            await frame.locator(".leaflet-popup-close-button").last.dispatch_event("click")
            await popup.wait_for(state="detached")
        await s.assert_clean()
        return texts

    texts = run(check)
    shown = "\n".join(texts)
    # each school's French name, Arabic name, kind and source appear verbatim, as text
    for payload in PAYLOADS:
        assert payload in shown, shown
        assert shown.count(payload) >= 3


def test_commune_search_payloads_stay_text(hostile_app: str) -> None:
    label = t("ui.search", "fr")

    async def check(s: Session) -> list[str]:
        await _open_map(s, hostile_app)
        values = []
        for payload in PAYLOADS:
            await _sidebar_text_input(s, label, payload)
            field = s.page.locator('[data-testid="stTextInput"]').filter(
                has=s.page.get_by_text(label, exact=True)).locator("input").first
            values.append(await field.input_value())
            # no commune matches, and the app says so
            assert await s.page.get_by_text(t("ui.selected", "fr", n=0, total=251)).count() >= 1
            await s.assert_clean()
        # the search is in the URL: opening that link must be just as harmless
        await s.page.goto(f"{hostile_app}/?q={quote(PAYLOADS[0])}", wait_until="domcontentloaded")
        await s.page.get_by_text(t("ui.selected", "fr", n=0, total=251)).first.wait_for()
        await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)
        await s.assert_clean()
        return values

    assert run(check) == list(PAYLOADS)


def test_manual_breaks_and_tile_url_payloads_stay_text(hostile_app: str) -> None:
    async def check(s: Session) -> str:
        await _open_map(s, f"{hostile_app}/?scheme=manual")
        label = t("map.breaks", "fr")
        box = s.page.locator('[data-testid="stTextInput"]').filter(
            has=s.page.get_by_text(label, exact=True)).first
        await box.locator("input").fill(PAYLOADS[2])
        await box.locator("input").press("Enter")
        await s.page.wait_for_timeout(300)
        await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)
        alert = s.page.locator('[data-testid="stAlert"]').filter(has_text="onload=alert(1)")
        await alert.first.wait_for()
        message = await alert.first.inner_text()
        await s.assert_clean()
        # a tile URL is user text too: its host goes into the map's attribution
        await s.page.get_by_text(t("ui.tiles", "fr"), exact=True).first.click()
        tiles = s.page.locator('[data-testid="stSidebar"] [data-testid="stTextInput"] input').last
        await tiles.fill('http://127.0.0.1:9/"><img src=x onerror=alert(1)>/{z}/{x}/{y}.png')
        await tiles.press("Enter")
        await s.page.wait_for_timeout(300)
        await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)
        await s.assert_clean()
        return str(message)

    message = run(check)
    assert "svg onload=alert(1)" in message


def _hostile_header_csv() -> bytes:
    lines = [
        ",".join(['"' + h.replace('"', '""') + '"' for h in
                  ["Code établissement", "Nom établissement", "Cycle", "Secteur", "lon", "lat",
                   *PAYLOADS]]),
        "TEST-UP-1,École test (fictive),Primaire,Public,-8.2561,31.2217,a,b,c",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


async def _open_data_page(s: Session, url: str) -> None:
    await s.page.goto(f"{url}/data", wait_until="domcontentloaded")
    await s.page.locator('[data-testid="stFileUploader"]').first.wait_for()
    await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)


def test_uploaded_column_names_stay_text(hostile_app: str) -> None:
    async def check(s: Session) -> str:
        await _open_data_page(s, hostile_app)
        uploader = s.page.locator('[data-testid="stFileUploader"] input[type="file"]').first
        await uploader.set_input_files(files=[{
            "name": "hostile_columns.csv", "mimeType": "text/csv",
            "buffer": _hostile_header_csv(),
        }])
        # the report appears (rows read / accepted) once the file is read
        await s.page.wait_for_timeout(500)
        await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)
        await s.page.get_by_text(t("registry.mapping", "fr")).first.wait_for()
        # open the column-mapping panel, where every source column is named
        await s.page.get_by_text(t("registry.mapping", "fr")).first.click()
        await s.page.wait_for_timeout(500)
        await s.assert_clean()
        return str(await s.page.locator('[data-testid="stMain"]').inner_text())

    text = run(check)
    for payload in PAYLOADS:
        assert payload in text


def test_upload_above_the_size_limit_is_refused_with_a_message(
        hostile_app: str, tmp_path: Path) -> None:
    from mapping.registry.readers import MAX_BYTES

    # 1 MB above the limit: the uploader (server.maxUploadSize, the same 50 MB) or,
    # past it, the registry reader (MAX_BYTES) refuses it, with a message either way
    size = MAX_BYTES + 1_000_000
    line = b"TEST-BIG,x,x,primary,public,07.351.01.01,-8.0,31.6,1,1\n"
    body = b"school_id,name_fr,name_ar,cycle,sector,commune_code,lon,lat,seats,pupils\n"
    body += line * (size // len(line) + 1)
    big = tmp_path / "too_big.csv"  # Playwright takes buffers of at most 50 MB: pass a file
    big.write_bytes(body)

    async def check(s: Session) -> str:
        await _open_data_page(s, hostile_app)
        uploader = s.page.locator('[data-testid="stFileUploader"] input[type="file"]').first
        await uploader.set_input_files(files=[str(big)])
        # Streamlit 1.67 marks a refused file's chip with stFileChipIconError
        alert = s.page.locator('[data-testid="stAlert"], [data-testid="stFileChipIconError"]')
        await alert.first.wait_for(timeout=120_000)
        await bench.wait_idle(s.page, timeout_ms=TIMEOUT_MS)
        await s.assert_clean()
        shown = await s.page.evaluate(
            "() => { const a = document.querySelector('[data-testid=\"stFileChip\"]"
            " span[role=alert]'); return a ? getComputedStyle(a, '::after').content : ''; }")
        return str(await s.page.locator('[data-testid="stMain"]').inner_text()) + "\n" + shown

    text = run(check)
    # the browser's refusal is shown in the interface language (Streamlit writes English)
    assert t("ui.upload_refused", "fr") in text, text[-500:]
    ours = t("registry.read_error", "fr", message="").strip()
    limit_mb = MAX_BYTES // (1024 * 1024)  # Streamlit counts MiB
    assert f"File must be {limit_mb}.0MB or smaller" in text or (
        ours in text and f"{MAX_BYTES:,}" in text), text[-1500:]
    # nothing was read nor imported: no validation report, the default registry stays
    summary = t("registry.summary", "fr", read="§", accepted="§", rejected="§", warnings="§")
    rows_read = summary.split("§")[1].split(",")[0].strip()  # "lignes lues"
    assert rows_read and rows_read not in text
    assert "too_big.csv (" not in text
