"""The replayed first visit of the concurrency benchmark asks the server for what a browser does."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from benchmarks.browser import wait_for_paths, wait_idle
from benchmarks.visits import record_visit, replay_visit
from tests.e2e.conftest import run_in_thread

pytestmark = pytest.mark.e2e


async def _drawn(page: Any) -> None:
    await wait_for_paths(page, minimum=251, timeout_ms=120_000)
    await wait_idle(page, timeout_ms=120_000)


@pytest.fixture(scope="module")
def visit(app_url: str) -> Any:
    return run_in_thread(record_visit(app_url, _drawn), 240)


def test_a_recorded_visit_holds_the_page_the_script_run_and_the_map_data(visit: Any) -> None:
    assert visit.before[0] == "/"
    assert any(p.startswith("/static/js/") for p in visit.before)
    assert len(visit.messages) >= 1
    geometry = [p for p in visit.after if p.startswith("/app/static/mapview/geometry.")]
    assert len(geometry) == 1, visit.after


def test_a_replay_receives_the_same_first_run_as_the_browser(app_url: str, visit: Any) -> None:
    replay = run_in_thread(replay_visit(app_url, visit, timeout_s=120), 180)
    # the same script run for the same messages: the same deltas, give or take ids
    assert 0.8 * visit.received_bytes <= replay.received_bytes <= 1.2 * visit.received_bytes
    assert replay.fetched_bytes > 1_000_000  # Streamlit's front end, Leaflet, geometry, points
    assert replay.seconds > 0


def test_a_replay_that_sends_garbage_is_refused(app_url: str, visit: Any) -> None:
    broken = dataclasses.replace(visit, messages=(b"\xff\xfe not a BackMsg",))
    with pytest.raises(ConnectionClosed):
        run_in_thread(replay_visit(app_url, broken, timeout_s=60), 120)
