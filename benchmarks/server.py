"""Start the Streamlit app on a free loopback port and read its memory and CPU use."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.report import Figure, missing
from mapping.settings import PROJECT_ROOT


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_kib(pid: int) -> int | None:
    """Peak resident set size (``VmHWM``) of process *pid*, in KiB (Linux only)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time consumed so far by process *pid* (Linux only)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class AppServer:
    """A running ``streamlit run serve.py`` (the app) on the loopback interface."""

    process: subprocess.Popen[bytes]
    port: int
    started: float
    ready: float

    @property
    def url(self) -> str:
        """Base URL of the app."""
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_kib(self) -> int | None:
        """Peak resident memory of the server process so far."""
        return peak_rss_kib(self.process.pid)

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far."""
        return cpu_seconds(self.process.pid)


@contextlib.contextmanager
def app_server(
    port: int | None = None, env: dict[str, str] | None = None, timeout_s: float = 90.0,
    app: Path = PROJECT_ROOT / "serve.py",
) -> Iterator[AppServer]:
    """Start the Streamlit app on 127.0.0.1 and stop it on exit.

    Parameters
    ----------
    port
        Port to listen on (default: a free one).
    env
        Extra environment variables for the server.
    timeout_s
        Seconds to wait for the health endpoint.
    """
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    full_env = {**os.environ, **(env or {})}
    # the server's log goes to a file: a pipe nobody reads would block it once full
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=str(app.parent), env=full_env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(proc, port, started, timeout_s, log)
            yield AppServer(proc, port, started, time.perf_counter())
        finally:
            stop_process(proc)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Terminate *proc*, kill it if it has not ended after 10 s, and reap it."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_for_url(url: str, proc: subprocess.Popen[bytes], log: Any, what: str,
                 timeout_s: float, started: float | None = None, poll_s: float = 0.1) -> None:
    """Wait until *url* answers HTTP 200; fail with the end of *log* if *proc* exits first.

    Parameters
    ----------
    url
        What to ask (a health or metadata endpoint).
    proc
        The server process; its exit ends the wait with its log's last 2,000 characters.
    log
        The binary file the process writes its output to.
    what
        The server's name, for the error messages.
    timeout_s
        Seconds to wait, counted from *started* (``time.perf_counter()``; default: now).
    poll_s
        Seconds between two tries.
    """
    started = time.perf_counter() if started is None else started
    while True:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode(errors="replace")
            raise RuntimeError(f"{what} exited with code {proc.returncode}: {err[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.perf_counter() - started > timeout_s:
            raise RuntimeError(f"{what} did not answer at {url} in {timeout_s:.0f} s")
        time.sleep(poll_s)


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, started: float, timeout_s: float,
                  log: Any) -> None:
    wait_for_url(f"http://127.0.0.1:{port}/_stcore/health", proc, log, "streamlit",
                 timeout_s, started)


def _rss_figure(server: AppServer) -> Figure:
    kib = server.peak_rss_kib()
    if kib is None:
        return missing("app.peak_rss_mib", "peak memory of the app process (VmHWM)", "MiB")
    return Figure("app.peak_rss_mib", "peak memory of the app process (VmHWM)", kib / 1024,
                  "MiB", "/proc/<pid>/status VmHWM after the browser measurements")

