"""The start-up warm-up (``python -m ui.warmup``) against a live app process."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlparse

import pytest

from benchmarks.server import free_port
from mapping.settings import PROJECT_ROOT
from ui.warmup import warm

pytestmark = pytest.mark.e2e


def test_warm_up_runs_the_app_once_in_the_live_process(app_url: str) -> None:
    port = urlparse(app_url).port
    assert port is not None
    # the script health check answers 200 only when app.py ran to its end without error
    seconds = warm(port)
    assert seconds > 0


def test_warm_up_command_reports_a_server_that_never_answers() -> None:
    port = free_port()
    with pytest.raises(TimeoutError, match=f"127.0.0.1:{port}"):
        warm(port, start_timeout_s=1)
    out = subprocess.run([sys.executable, "-m", "ui.warmup", "not-a-port"],
                         cwd=PROJECT_ROOT, check=False,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "usage: python -m ui.warmup PORT" in out.stderr


def test_the_app_process_warms_itself_before_anyone_visits() -> None:
    # serve.py's lifespan runs the app once: the process-wide caches fill with no visitor
    import time
    import urllib.request

    from benchmarks.server import app_server

    with app_server() as server:
        deadline = time.monotonic() + 180
        metrics = ""
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{server.url}/_stcore/metrics", timeout=30) as resp:
                metrics = resp.read().decode()
            if 'cache="ui.state._web_table"' in metrics:
                break
            time.sleep(0.5)
        # the region, the commune table with its web geometry: filled by nobody's visit
        assert 'cache="ui.state.region"' in metrics
        assert 'cache="ui.state._web_table"' in metrics
        assert "active_sessions 0" in metrics
