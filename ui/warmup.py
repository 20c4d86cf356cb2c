"""Warm a freshly started app process before its first visitor.

``python -m ui.warmup PORT`` waits for the Streamlit server on ``127.0.0.1:PORT``
to answer its health endpoint, then calls its script health check
(``server.scriptHealthCheckEnabled``, on in ``.streamlit/config.toml``): the server
runs ``app.py`` once in a session of its own, which imports the libraries and fills
the process-wide caches (region, commune table, web geometry, the map component's
files). The first person to open the map then waits for their page, not for the
process's start-up. The app process (``serve.py``) starts :func:`warm_in_background`
from its lifespan, so every process warms itself as it starts; the command is there
to warm a process by hand or to wait until one is ready.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import urllib.error
import urllib.request

LOG = logging.getLogger("carte_scolaire.warmup")
#: Seconds to wait for the server to answer, then for the warming run.
START_TIMEOUT_S = 120.0
RUN_TIMEOUT_S = 300.0


def _get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        resp.read()
        return int(resp.status)


def warm(port: int, host: str = "127.0.0.1", base_path: str = "",
         start_timeout_s: float = START_TIMEOUT_S) -> float:
    """Wait for the server, run the app once in it; return the seconds the run took.

    Parameters
    ----------
    port
        The server's port.
    host
        The server's address (loopback by default).
    base_path
        ``server.baseUrlPath``, if the app is served under one.
    start_timeout_s
        Seconds to wait for the server to answer its health endpoint.

    Raises
    ------
    TimeoutError
        If the server does not answer within *start_timeout_s*.
    RuntimeError
        If the warming run reports an error (the app's log says which).
    """
    root = f"http://{host}:{port}/{base_path.strip('/')}".rstrip("/")
    deadline = time.monotonic() + start_timeout_s
    while True:
        try:
            if _get(f"{root}/_stcore/health", 2) == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"no Streamlit server answered on {root} "
                               f"within {start_timeout_s:.0f} s")
        time.sleep(0.2)
    t0 = time.monotonic()
    try:
        status = _get(f"{root}/_stcore/script-health-check", RUN_TIMEOUT_S)
    except urllib.error.HTTPError as exc:  # 503: the script raised; 404: check disabled
        raise RuntimeError(f"the warming run of {root} answered HTTP {exc.code}: "
                           "see the app's log (is server.scriptHealthCheckEnabled on?)") from exc
    if status != 200:
        raise RuntimeError(f"the warming run of {root} answered HTTP {status}")
    return time.monotonic() - t0


def warm_in_background(port: int, base_path: str = "") -> threading.Thread:
    """Run :func:`warm` against this process in a daemon thread; return the thread.

    Called as the server starts: the thread waits for it to answer, then runs the
    app once. A failure is logged; the first visitor then pays the start-up.
    """
    def run() -> None:
        try:
            LOG.info("warm-up: app ready in %.1f s", warm(port, base_path=base_path))
        except (TimeoutError, RuntimeError, OSError) as exc:
            LOG.warning("warm-up failed: %s", exc)

    thread = threading.Thread(target=run, name="carte-scolaire-warmup", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m ui.warmup PORT [BASE_PATH]``."""
    args = sys.argv[1:] if argv is None else argv
    if not args or not args[0].isdigit():
        print("usage: python -m ui.warmup PORT [BASE_PATH]", file=sys.stderr)
        return 2
    try:
        seconds = warm(int(args[0]), base_path=args[1] if len(args) > 1 else "")
    except (TimeoutError, RuntimeError) as exc:
        print(f"warm-up: {exc}", file=sys.stderr)
        return 1
    print(f"warm-up: app ready in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
