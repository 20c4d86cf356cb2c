"""Load: 20 concurrent headless browser sessions through the three user journeys.

One Chromium, one browser context per session, asyncio Playwright API, against
the app served on 127.0.0.1. Each step has a timeout and the whole run is
capped; the p50/p95 interaction times are printed (``pytest -s`` shows them,
``python -m benchmarks --load`` reports them too). Only the absence of
errors is asserted, never a time.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

import benchmarks as bench
from tests.e2e.conftest import run_in_thread

pytestmark = pytest.mark.e2e

#: Concurrent sessions (planner, director, analyst in turn).
SESSIONS = 20
#: Per-step bound; the whole run is bounded by TOTAL_TIMEOUT_S.
STEP_TIMEOUT_S = 240.0
TOTAL_TIMEOUT_S = 540.0
#: Arrivals are spread: session i starts i x RAMP_S seconds after the first, then all
#: run concurrently (the 20 browsers share this machine's 2 cores with the server).
RAMP_S = 3.0


@pytest.fixture(scope="module")
def load_app() -> Any:
    """A dedicated app server on the loopback interface (its memory is the load's own)."""
    with bench.app_server() as server:
        yield server


def test_twenty_concurrent_sessions_complete_the_three_journeys(load_app: Any) -> None:
    assert load_app.url.startswith("http://127.0.0.1:")
    # warm the server's caches with one session, as a first user would
    warm = run_in_thread(bench.run_sessions(load_app.url, {"planner": bench.planner_journey},
                                         sessions=1, step_timeout_s=STEP_TIMEOUT_S,
                                         total_timeout_s=180), 200)
    assert warm.errors == [], warm.summary()
    cpu0 = load_app.cpu_seconds()
    result = run_in_thread(
        bench.run_sessions(load_app.url, bench.JOURNEYS, sessions=SESSIONS,
                           step_timeout_s=STEP_TIMEOUT_S, total_timeout_s=TOTAL_TIMEOUT_S,
                           ramp_s=RAMP_S),
        TOTAL_TIMEOUT_S + 60,
    )
    cpu1 = load_app.cpu_seconds()
    rss = load_app.peak_rss_kib()
    print()
    print(result.summary())
    if cpu0 is not None and cpu1 is not None:
        print(f"  CPU time of the app process during the run: {cpu1 - cpu0:.0f} s "
              f"(wall {result.wall_s:.0f} s, {os.cpu_count()} cores)")
    if rss is not None:
        print(f"  peak memory of the app process: {rss / 1024:.0f} MiB")
    assert result.errors == [], result.summary()
    # every session finished every step of its journey
    steps = {"planner": 3, "director": 4, "analyst": 4}
    expected = sum(steps[list(bench.JOURNEYS)[i % 3]] for i in range(SESSIONS))
    assert len(result.steps) == expected
