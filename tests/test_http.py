"""The app process's HTTP layer (``serve.py``, :mod:`ui.http`) on a live server."""

from __future__ import annotations

import urllib.error
import urllib.request

from benchmarks.server import app_server
from ui.components import STATIC_DIR
from ui.http import IMMUTABLE, ONE_DAY, cache_control


def _headers(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}


def test_content_hashed_map_files_are_immutable_and_the_rest_untouched() -> None:
    with app_server() as server:
        # the first run publishes the geometry; its name carries its hash
        urllib.request.urlopen(f"{server.url}/_stcore/script-health-check", timeout=120).read()
        geometry = [p.name for p in (STATIC_DIR / "mapview").glob("geometry.*.json")]
        assert geometry
        status, head = _headers(f"{server.url}/app/static/mapview/{geometry[0]}")
        assert status == 200 and head["cache-control"] == IMMUTABLE.decode()
        status, head = _headers(f"{server.url}/app/static/vendor/leaflet.js")
        assert status == 200 and head["cache-control"] == ONE_DAY.decode()
        # the page itself must stay fresh, and a missing file keeps its error
        assert _headers(f"{server.url}/")[1]["cache-control"] == "no-cache"
        status, head = _headers(f"{server.url}/app/static/mapview/geometry.0000000000000000.json")
        assert status == 404 and head.get("cache-control") != IMMUTABLE.decode()


def test_only_hashed_names_count_as_immutable() -> None:
    assert cache_control("/base/app/static/mapview/points-schools.7fa4acd2f42a2a32.json") \
        == IMMUTABLE
    assert cache_control("/app/static/mapview/geometry.json") is None
    assert cache_control("/app/static/mapview/geometry.1D103399A9232B7D.json") is None
    assert cache_control("/static/js/index.js") is None
