"""WCAG 2.1 A/AA audit (axe-core) of every page in French, Arabic and English.

axe-core comes from the npm registry, installed by ``make test`` into the
git-ignored ``.cache/axe`` (``npm install --prefix .cache/axe axe-core@VERSION``)
and injected from that local file into the page and its frames: nothing is
fetched by the browser, which stays offline.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mapping.catalogue import LANGS
from mapping.settings import PROJECT_ROOT

from .conftest import ON_CI

pytestmark = pytest.mark.e2e

AXE = PROJECT_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT = 120_000
#: URL path of each page (see ``app.py``), the map page being the root.
PAGES = ("", "communes", "access", "remote", "planning", "data", "export", "exchange")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe() -> str:
    if not AXE.exists():
        msg = f"{AXE} missing: run `npm install --prefix .cache/axe axe-core` (make test does)"
        if ON_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    return AXE.read_text(encoding="utf-8")


def _settled(page: Any) -> None:
    """Wait until the page has run: its title and the app's style sheet are in place, no
    script run is pending and no element is stale (faded while a rerun is under way)."""
    page.wait_for_selector("[data-testid='stHeading'], h1", timeout=TIMEOUT)
    page.wait_for_selector("#cs-direction", state="attached", timeout=TIMEOUT)
    quiet = """() => {
        const w = document.querySelector('[data-testid="stStatusWidget"]');
        return (!w || !w.innerText) && !document.querySelector('[data-stale="true"]');
    }"""
    for _ in range(2):  # a page may rerun once more after its first run
        page.wait_for_function(quiet, timeout=TIMEOUT)
        page.wait_for_timeout(1500)


def audit(page: Any, source: str) -> list[dict[str, Any]]:
    """axe-core WCAG 2.1 A/AA violations of the page, its frames included."""
    for frame in page.frames:
        try:
            frame.evaluate(source + "\n;0")
        except Exception:  # a frame navigating away cannot be audited again
            continue
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " iframes: true, resultTypes: ['violations']})", TAGS)
    return list(result["violations"])


def _summary(violations: list[dict[str, Any]]) -> str:
    return json.dumps([
        {"id": v["id"], "impact": v.get("impact"),
         "nodes": [n["target"] for n in v["nodes"][:4]],
         "why": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else ""}
        for v in violations
    ], ensure_ascii=False, indent=1)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_violation(page: Any, app_url: str, path: str, lang: str) -> None:
    source = _axe()
    page.goto(f"{app_url}/{path}?lang={lang}", wait_until="domcontentloaded")
    _settled(page)
    violations = audit(page, source)
    assert not violations, _summary(violations)
