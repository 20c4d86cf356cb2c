"""Browser-test fixtures: a live ``streamlit run serve.py`` server and an offline Chromium page.

``app_url`` starts the app once per session on a free port of 127.0.0.1 (with
:func:`benchmarks.app_server`, which other tests use for an app of their own)
and stops it at the end. ``page`` is a Playwright page whose every request to a host other
than 127.0.0.1/localhost is aborted, which proves the app works offline; the
hosts it tried are recorded in ``page.blocked_requests``.

Chromium is Debian's ``/usr/bin/chromium`` (never a downloaded browser). When
it or Playwright is missing the tests are skipped, except under ``CI=true``
where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import app_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: Every http(s)/ws URL whose host is not 127.0.0.1 or localhost.
NON_LOCAL = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?(/|$))[a-z]+://")
#: Fixture file: one school whose name is an HTML injection attempt.
HOSTILE_SCHOOLS = Path(__file__).with_name("hostile_schools.csv")


def _missing(reason: str) -> None:
    if ON_CI:
        pytest.fail(f"{reason} (browser tests must run under CI)")
    pytest.skip(reason)


def run_in_thread(coro: Coroutine[Any, Any, Any], timeout_s: float) -> Any:
    """Run *coro* on a fresh event loop in its own thread and return its result.

    Playwright's async API then never meets the sync API of the ``browser``
    fixture, which owns the test thread's event loop. Fails the test when the
    coroutine does not finish in *timeout_s*; re-raises its exception.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        pytest.fail(f"the browser run did not finish in {timeout_s:.0f} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """URL of a live app (with one hostile test school in the registry)."""
    with app_server(env={"CARTE_SCOLAIRE_EXTRA_SCHOOLS": str(HOSTILE_SCHOOLS)}) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh offline page: non-local requests are aborted and recorded in ``blocked_requests``."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="fr-FR")
    blocked: list[str] = []

    def route(r: Any) -> None:
        blocked.append(r.request.url)
        r.abort()

    # only non-local URLs are intercepted: local traffic is left untouched
    context.route(NON_LOCAL, route)
    pg = context.new_page()
    pg.blocked_requests = blocked
    try:
        yield pg
    finally:
        context.close()
