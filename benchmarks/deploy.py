"""The deployment for many users, started on loopback: PostGIS, N app processes, nginx.

The same launchers serve the end-to-end deployment test and the load figure
of :func:`bench_deploy` (20 concurrent sessions through the proxy over 2 app
processes versus 1: first-map p50/p95 and errors).

nginx runs with the project's own ``deploy/nginx`` snippets (sticky route
cookie, websocket upgrade) in a configuration written to a temporary folder
(``-p`` prefix, ``daemon off``, pid, logs and temp paths inside it), listening
on a free loopback port. PostgreSQL refuses to run as root, so as root the
cluster is started through ``runuser -u postgres``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.server import AppServer, app_server, free_port, stop_process
from mapping.settings import PROJECT_ROOT

PG_BIN = Path("/usr/lib/postgresql/15/bin")
NGINX = Path("/usr/sbin/nginx")
DEPLOY_NGINX = PROJECT_ROOT / "deploy" / "nginx"
#: Environment variable naming the shared database (read by the store and the accounts).
DATABASE_URL_ENV = "CARTE_SCOLAIRE_DATABASE_URL"
#: Response header the test proxy adds to say which app process answered.
BACKEND_HEADER = "X-Carte-Backend"


def _wait_port(port: int, timeout_s: float, what: str, proc: subprocess.Popen[bytes] | None = None,
               log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if proc is not None and proc.poll() is not None:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with code {proc.returncode}: {detail}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} in {timeout_s} s")
        time.sleep(0.1)


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def postgres_available() -> str | None:
    """``None`` when PostgreSQL 15 and PostGIS are installed, else what is missing."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL 15 is not installed ({PG_BIN / 'initdb'} missing)"
    if not list(Path("/usr/share/postgresql/15/extension").glob("postgis.control")):
        return "PostGIS for PostgreSQL 15 is not installed (postgresql-15-postgis-3)"
    return None


@contextlib.contextmanager
def postgis_cluster(database: str = "carte", timeout_s: float = 60.0) -> Iterator[str]:
    """A throwaway PostgreSQL 15 + PostGIS cluster on a free loopback port.

    Yields
    ------
    str
        SQLAlchemy URL of database *database* (``postgresql+psycopg://...``),
        PostGIS enabled. The cluster and its folder are removed on exit.
    """
    missing = postgres_available()
    if missing:
        raise RuntimeError(missing)
    root = Path(tempfile.mkdtemp(prefix="carte-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    try:
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",
                                     "-A", "trust", "--no-sync", "-E", "UTF8"]),
                       check=True, capture_output=True, timeout=timeout_s)
        opts = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", opts,
                                     "-l", str(root / "server.log"), "-w", "start"]),
                       check=True, capture_output=True, timeout=timeout_s)
        try:
            psql = [str(PG_BIN / "psql"), "-h", str(root), "-p", str(port), "-U", "postgres",
                    "-v", "ON_ERROR_STOP=1", "-q"]
            subprocess.run(_as_postgres([*psql, "-d", "postgres", "-c",
                                         f'CREATE DATABASE "{database}"']),
                           check=True, capture_output=True, timeout=timeout_s)
            subprocess.run(_as_postgres([*psql, "-d", database, "-c",
                                         "CREATE EXTENSION postgis"]),
                           check=True, capture_output=True, timeout=timeout_s)
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
        finally:
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast",
                                         "-w", "stop"]),
                           check=False, capture_output=True, timeout=timeout_s)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def nginx_config(prefix: Path, port: int, backends: list[int]) -> str:
    """An nginx configuration for *prefix* that proxies loopback *port* to *backends*.

    It includes the production snippets of ``deploy/nginx`` (maps, proxy
    settings), so the test exercises the very sticky-session and websocket
    rules the academy's server runs; it adds only the :data:`BACKEND_HEADER`.
    """
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;"
                        for p in backends)
    temp = "\n".join(f"    {kind}_temp_path {prefix / ('tmp_' + kind)};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix / 'access.log'};
{temp}
    include {DEPLOY_NGINX / 'carte-scolaire-maps.conf'};
    upstream carte_scolaire {{
        hash $carte_route consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        location / {{
            include {DEPLOY_NGINX / 'carte-scolaire-proxy.conf'};
            add_header {BACKEND_HEADER} $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Proxy:
    """A running nginx in front of app processes."""

    process: subprocess.Popen[bytes]
    port: int
    prefix: Path

    @property
    def url(self) -> str:
        """Base URL of the proxy."""
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def nginx_proxy(backends: list[int], timeout_s: float = 20.0) -> Iterator[Proxy]:
    """Run nginx on a free loopback port in front of the app ports *backends*."""
    if not NGINX.exists():
        raise RuntimeError(f"nginx is not installed ({NGINX} missing)")
    prefix = Path(tempfile.mkdtemp(prefix="carte-nginx-"))
    prefix.chmod(0o755)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, port, backends))
    check = subprocess.run([str(NGINX), "-t", "-p", str(prefix), "-c", str(conf)], check=False,
                           capture_output=True, text=True, timeout=timeout_s)
    if check.returncode:
        shutil.rmtree(prefix, ignore_errors=True)
        raise RuntimeError(f"nginx refused the configuration: {check.stderr[-2000:]}")
    with open(prefix / "stderr.log", "wb") as log:
        proc = subprocess.Popen([str(NGINX), "-p", str(prefix), "-c", str(conf)],
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_port(port, timeout_s, "nginx", proc, prefix / "error.log")
        yield Proxy(proc, port, prefix)
    finally:
        stop_process(proc)
        shutil.rmtree(prefix, ignore_errors=True)


@dataclass
class Deployment:
    """PostGIS, the app processes and the proxy in front of them."""

    database_url: str
    apps: list[AppServer]
    proxy: Proxy

    @property
    def url(self) -> str:
        """What users open: the proxy."""
        return self.proxy.url


@contextlib.contextmanager
def deployment(processes: int = 2, env: dict[str, str] | None = None,
               database_url: str | None = None) -> Iterator[Deployment]:
    """Start (or reuse *database_url*) PostGIS, *processes* apps and nginx on loopback.

    Parameters
    ----------
    processes
        Number of ``streamlit run serve.py`` processes.
    env
        Extra environment for the app processes (:data:`DATABASE_URL_ENV` is set).
    database_url
        An already running database; default: a throwaway PostGIS cluster.
    """
    with contextlib.ExitStack() as stack:
        url = database_url or stack.enter_context(postgis_cluster())
        app_env = {**(env or {}), DATABASE_URL_ENV: url}
        apps = [stack.enter_context(app_server(env=app_env, timeout_s=180.0))
                for _ in range(processes)]
        proxy = stack.enter_context(nginx_proxy([a.port for a in apps]))
        yield Deployment(url, apps, proxy)


def backend_of(proxy_url: str, route: str) -> str:
    """Which app process (``127.0.0.1:PORT``) the proxy sends route cookie *route* to."""
    import urllib.request

    req = urllib.request.Request(f"{proxy_url}/_stcore/health",
                                 headers={"Cookie": f"carte_route={route}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return str(resp.headers.get(BACKEND_HEADER, ""))


def routes_to_each_backend(proxy_url: str, backends: int, tries: int = 64) -> list[str]:
    """Route cookie values that reach *backends* different app processes, one each."""
    found: dict[str, str] = {}
    for i in range(tries):
        route = f"route{i}"
        found.setdefault(backend_of(proxy_url, route), route)
        if len(found) == backends:
            return list(found.values())
    raise RuntimeError(f"{tries} route cookies reached only {sorted(found)}")


async def _first_map(page: object, url: str, step: object) -> None:
    from benchmarks.browser import wait_for_paths, wait_idle

    async with step("first map"):  # type: ignore[operator]
        await page.goto(url, wait_until="domcontentloaded")  # type: ignore[attr-defined]
        await wait_for_paths(page, minimum=251)
        await wait_idle(page)


async def _warm_up(url: str, routes: list[str]) -> None:
    """Open the map once on each app process, so the figures leave out cold starts."""
    from playwright.async_api import async_playwright

    from benchmarks.browser import launch_chromium

    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            for route in routes:
                ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
                await ctx.add_cookies([{"name": "carte_route", "value": route, "url": url}])
                ctx.set_default_timeout(300_000)
                page = await ctx.new_page()
                await _first_map(page, url, _untimed)
                await ctx.close()
        finally:
            await browser.close()


@contextlib.asynccontextmanager
async def _untimed(_label: str) -> AsyncIterator[None]:
    yield


async def mixed_first_maps(url: str, sessions: int, ramp_s: float = 0.25,
                           timeout_s: float = 300.0) -> tuple[list[float], float, list[str]]:
    """*sessions* visitors arriving *ramp_s* apart: one real Chromium among replayed visits.

    A visit is recorded once in Chromium (:func:`benchmarks.visits.record_visit`);
    every visitor but the middle one replays it (the server's whole work for a first
    map, no drawing); the middle one is a real Chromium page, timed until its map
    is drawn and the script idle.

    Returns
    -------
    times, browser_s, errors
        Seconds to first map of every visitor that got one (the browser's
        included), the browser's own figure (NaN if it failed), and errors.
    """
    import asyncio

    from playwright.async_api import async_playwright

    from benchmarks.browser import _WAIT_MS, launch_chromium, wait_for_paths, wait_idle
    from benchmarks.visits import record_visit, replay_visit

    async def drawn(page: object) -> None:
        await wait_for_paths(page, minimum=251)
        await wait_idle(page)

    visit = await record_visit(url, drawn)
    middle = sessions // 2
    times: list[float] = []
    errors: list[str] = []
    browser_s = [float("nan")]
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            async def visitor(i: int) -> None:
                await asyncio.sleep(i * ramp_s)
                try:
                    if i != middle:
                        times.append((await replay_visit(url, visit, timeout_s)).seconds)
                        return
                    _WAIT_MS.set(timeout_s * 1000)
                    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
                    page = await ctx.new_page()
                    t0 = time.perf_counter()
                    await page.goto(url, wait_until="domcontentloaded")
                    await drawn(page)
                    browser_s[0] = time.perf_counter() - t0
                    times.append(browser_s[0])
                    await ctx.close()
                except Exception as exc:
                    errors.append(f"visitor {i}: {type(exc).__name__}: {str(exc)[:160]}")

            await asyncio.gather(*(visitor(i) for i in range(sessions)))
        finally:
            await browser.close()
    return times, browser_s[0], errors


def bench_deploy(sessions: int = 20, process_counts: tuple[int, ...] = (1, 2),
                 chromium_only: bool = True) -> list[Figure]:
    """First-map p50/p95 and errors of *sessions* concurrent visitors through nginx.

    One PostGIS; for each count in *process_counts*, that many app processes
    behind the proxy (sticky route cookie: each visitor gets its own random
    route). Each process first opens the map once (warm-up, not timed), so
    the figures compare serving, not cold starts.

    The headline figures are :func:`mixed_first_maps`: the server's work for
    *sessions* first maps, with one real browser among them. With
    *chromium_only*, the same arrivals as *sessions* Chromium pages on this
    machine are measured too, over the most processes: they share the two cores
    with the server, so that figure measures the benchmark machine's browser.
    """
    import asyncio

    from benchmarks.load import percentile, run_sessions

    figures: list[Figure] = []
    with postgis_cluster() as url:
        for n in process_counts:
            with deployment(n, database_url=url) as dep:
                asyncio.run(_warm_up(dep.url, routes_to_each_backend(dep.url, n)))
                cpu0 = sum(a.cpu_seconds() or 0.0 for a in dep.apps)
                times, browser_s, errors = asyncio.run(mixed_first_maps(dep.url, sessions))
                cpu = sum(a.cpu_seconds() or 0.0 for a in dep.apps) - cpu0
                chromium = None
                if chromium_only and n == max(process_counts):
                    chromium = asyncio.run(run_sessions(dep.url, {"first map": _first_map},
                                                        sessions=sessions, ramp_s=0.25))
            note = (f"{sessions} visitors 0.25 s apart through nginx (route cookie) over {n} "
                    f"warmed-up streamlit process(es), one PostGIS: {sessions - 1} replay a "
                    "recorded Chromium first visit (every request, the websocket run), one "
                    "is a real Chromium page timed to its drawn map")
            figures += [
                Figure(f"deploy.{n}proc.first_map_p50_s", f"first map p50, {n} process(es)",
                       percentile(times, 50), "s", note),
                Figure(f"deploy.{n}proc.first_map_p95_s", f"first map p95, {n} process(es)",
                       percentile(times, 95), "s", note),
                Figure(f"deploy.{n}proc.browser_first_map_s",
                       f"first map of the real Chromium among them, {n} process(es)",
                       browser_s, "s", note),
                Figure(f"deploy.{n}proc.app_cpu_s",
                       f"app CPU for the {sessions} first maps, {n} process(es)", cpu, "s",
                       "user + system CPU of the app processes during the run"),
                Figure(f"deploy.{n}proc.errors", f"failed sessions, {n} process(es)",
                       sessions - len(times), "", "; ".join(errors)[:300]),
            ]
            if chromium is not None:
                ctimes = chromium.times()
                cnote = (f"{sessions} Chromium pages on this 2-core machine, beside the "
                         f"server: about 2.5 s of browser CPU each; the machine's limit")
                figures += [
                    Figure(f"deploy.{n}proc.chromium_first_map_p50_s",
                           f"first map p50, {sessions} Chromium pages here, {n} process(es)",
                           percentile(ctimes, 50), "s", cnote),
                    Figure(f"deploy.{n}proc.chromium_first_map_p95_s",
                           f"first map p95, {sessions} Chromium pages here, {n} process(es)",
                           percentile(ctimes, 95), "s", cnote),
                ]
    return figures
